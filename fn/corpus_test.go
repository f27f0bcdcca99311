package fn

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

type invalidCase struct {
	Name      string         `json:"name"`
	Base      string         `json:"base"`
	Namespace string         `json:"namespace"`
	Set       map[string]any `json:"set"`
	Expect    []string       `json:"expect"`
}

// TestInvalidCorpus: every invalid XR gives exactly one Fatal result naming
// every bad field path, and composes nothing.
func TestInvalidCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/invalid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []invalidCase
	if err := yaml.UnmarshalStrict(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("the corpus has %d cases; it must keep at least 40", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.Name] {
			t.Fatalf("duplicate case %q", tc.Name)
		}
		seen[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			base := tc.Base
			if base == "" {
				base = "xr-aws-minimal"
			}
			xr := readXR(t, "../example/"+base+".yaml")
			if tc.Namespace != "" {
				testutil.Set(xr, "metadata.namespace", tc.Namespace)
			}
			for p, v := range tc.Set {
				testutil.Set(xr, p, v)
			}
			rsp := run(t, newRequest(t, xr, nil))
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("composed %d resources; invalid input must compose nothing", n)
			}
			if rsp.GetDesired().GetComposite() != nil {
				t.Error("wrote the XR's status; invalid input must leave it alone")
			}
			if len(rsp.GetResults()) != 1 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL {
				t.Fatalf("want exactly one Fatal result, got %v", rsp.GetResults())
			}
			msg := rsp.GetResults()[0].GetMessage()
			for _, p := range tc.Expect {
				if !namesPath(msg, p) {
					t.Errorf("the Fatal result does not name %s:\n%s", p, msg)
				}
			}
		})
	}
}

// namesPath is true when msg names path as a whole field path (followed by
// ": "), not as the prefix of a longer one.
func namesPath(msg, path string) bool {
	return strings.HasPrefix(msg, "invalid XSpaceScaling: "+path+": ") || strings.Contains(msg, "; "+path+": ")
}

// TestOddButValid: unusual but valid input renders, with DNS-safe names of
// at most 63 characters.
func TestOddButValid(t *testing.T) {
	cases := map[string]struct {
		base string
		set  map[string]any
	}{
		"LongName":    {"xr-aws", map[string]any{"metadata.name": strings.Repeat("space-", 12) + "abc"}},
		"UnicodeName": {"xr-aws", map[string]any{"metadata.name": "prød-ūsé1-空間", "spec.monitoring.ruleLabels": map[string]any{"team": "platform"}}},
		"FiveZones":   {"xr-aws", map[string]any{"spec.zones": []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"}}},
		"GCPLongName": {"xr-gcp", map[string]any{"metadata.name": strings.Repeat("g", 75)}},
		"AzureLong":   {"xr-azure", map[string]any{"metadata.name": strings.Repeat("a", 75)}},
	}
	dns := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, "../example/"+tc.base+".yaml")
			for p, v := range tc.set {
				testutil.Set(xr, p, v)
			}
			rsp := run(t, newRequest(t, xr, nil))
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					t.Fatalf("Fatal: %s", r.GetMessage())
				}
			}
			if len(rsp.GetDesired().GetResources()) == 0 {
				t.Fatal("nothing composed")
			}
			for key, r := range rsp.GetDesired().GetResources() {
				m := r.GetResource().AsMap()
				names := []string{(&unstructured.Unstructured{Object: m}).GetName()}
				if manifest, ok := testutil.Get(m, "spec", "forProvider", "manifest").(map[string]any); ok {
					names = append(names, (&unstructured.Unstructured{Object: manifest}).GetName())
				}
				for _, n := range names {
					if len(n) > 63 || !dns.MatchString(n) || len(validation.IsDNS1123Label(n)) > 0 {
						t.Errorf("%s: name %q is not a DNS label of at most 63 characters", key, n)
					}
				}
			}
		})
	}
}
