package fn

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestFatalMessageBounded: however large the bad input, the Fatal message
// stays a few kilobytes and still names the field.
func TestFatalMessageBounded(t *testing.T) {
	huge := make([]any, 200000)
	for i := range huge {
		huge[i] = i
	}
	empty := make([]any, 100000)
	for i := range empty {
		empty[i] = ""
	}
	cases := map[string]struct {
		path string
		v    any
		name string
	}{
		"HugeValues":       {"spec.spaces.values", huge, "spec.spaces.values: "},
		"HugeString":       {"spec.region", strings.Repeat("r", 1<<20), "spec.region: "},
		"ManyErrors":       {"spec.nodePools.etcd.machineTypes", empty, "spec.nodePools.etcd.machineTypes: "},
		"HugeWrongType":    {"spec.cloud", huge, "spec.cloud: "},
		"HugeUnknownCloud": {"spec.cloud", strings.Repeat("x", 1<<20), "spec.cloud: "},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, minimalXR)
			testutil.Set(xr, tc.path, tc.v)
			rsp := run(t, newRequest(t, xr, nil))
			if len(rsp.GetResults()) != 1 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL {
				t.Fatalf("want one Fatal result, got %d results", len(rsp.GetResults()))
			}
			msg := rsp.GetResults()[0].GetMessage()
			if len(msg) > 8<<10 {
				t.Errorf("the Fatal message has %d bytes; want at most 8KiB", len(msg))
			}
			if !strings.Contains(msg, tc.name) {
				t.Errorf("the Fatal message does not name %s: %.300s", tc.name, msg)
			}
		})
	}
}

// TestCut never splits a UTF-8 character.
func TestCut(t *testing.T) {
	if got := cut("空間", 4); got != "空" {
		t.Errorf("cut = %q, want %q", got, "空")
	}
	if got := cut("abc", 5); got != "abc" {
		t.Errorf("cut = %q, want abc", got)
	}
}
