package fn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// captured is a request the real engine sent (crossplane composition
// render), recorded by go run ./test/perf capture: each cloud's example on
// its first reconcile (create) and once everything it composes is observed
// ready (steady), with observed state shaped as the providers write it.
type captured struct {
	name string // e.g. aws-steady
	req  *fnv1.RunFunctionRequest
}

func capturedRequests(t testing.TB) []captured {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "requests", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no captured requests in testdata/requests: run go run ./test/perf capture")
	}
	out := make([]captured, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p) //nolint:gosec // test fixtures.
		if err != nil {
			t.Fatal(err)
		}
		req := &fnv1.RunFunctionRequest{}
		if err := protojson.Unmarshal(b, req); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, captured{name: strings.TrimSuffix(filepath.Base(p), ".json"), req: req})
	}
	return out
}

// TestGoldenCaptured pins the whole response to every captured request, so
// a change made for speed cannot change what the function composes in the
// steady state either. Update with go test ./fn -run TestGoldenCaptured
// -update and review the diff.
func TestGoldenCaptured(t *testing.T) {
	for _, c := range capturedRequests(t) {
		t.Run(c.name, func(t *testing.T) {
			got := renderYAML(t, run(t, c.req))
			golden := filepath.Join("testdata", "golden", "captured", c.name+".yaml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden) //nolint:gosec // test fixtures.
			if err != nil {
				t.Fatalf("%v: run go test ./fn -run TestGoldenCaptured -update and review the new file", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("the response to %s differs from %s (-want +got):\n%s", c.name, golden, diff)
			}
		})
	}
}

// TestResponseTTL: a response is cached (and, with realtime compositions,
// called again) after the short TTL while resources converge, and after
// the long one once every composed resource is ready.
func TestResponseTTL(t *testing.T) {
	f := New(WithTTL(20*time.Second), WithReadyTTL(7*time.Minute))
	want := map[string]time.Duration{
		"aws-create": 20 * time.Second, "aws-steady": 7 * time.Minute,
		"gcp-create": 20 * time.Second, "gcp-steady": 7 * time.Minute,
		"azure-create": 20 * time.Second, "azure-steady": 7 * time.Minute,
	}
	for _, c := range capturedRequests(t) {
		rsp, err := f.RunFunction(context.Background(), c.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := rsp.GetMeta().GetTtl().AsDuration(); got != want[c.name] {
			t.Errorf("%s: TTL %s, want %s", c.name, got, want[c.name])
		}
	}
	// Without WithReadyTTL, every response has the one TTL.
	rsp, err := New(WithTTL(20*time.Second)).RunFunction(context.Background(), capturedRequests(t)[1].req)
	if err != nil {
		t.Fatal(err)
	}
	if got := rsp.GetMeta().GetTtl().AsDuration(); got != 20*time.Second {
		t.Errorf("TTL %s, want 20s", got)
	}
}
