package fn

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
)

// A function upgrade is a change too: the running Space is what the
// previous release composed. testdata/upgrade/previous holds the golden
// files of the release this one upgrades (frozen; refresh them from the
// released commit's fn/testdata/golden when cutting a release, never by
// -update). The current golden files count as well: a change reviewed in
// their diff must still upgrade what they held before.
var upgradeSources = []string{filepath.Join("testdata", "upgrade", "previous"), filepath.Join("testdata", "golden")}

// goldenComposed reads the composed resources of a golden file by name.
func goldenComposed(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test fixtures.
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var d struct {
			Name     string         `json:"name"`
			Resource map[string]any `json:"resource"`
		}
		if err := yaml.Unmarshal(doc, &d); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d.Name != "" && d.Resource != nil {
			out[d.Name] = d.Resource
		}
	}
}

// TestUpgradeKeepsEveryResource feeds what the previous release composed
// for each example back as the observed state and renders the example
// again: nothing is refused, no resource is dropped, renamed or replaced,
// and the change model finds nothing refused, forbidden or lost.
func TestUpgradeKeepsEveryResource(t *testing.T) {
	for _, src := range upgradeSources {
		for _, path := range exampleXRs(t) {
			name := strings.TrimSuffix(filepath.Base(path), ".yaml")
			if filepath.Base(filepath.Dir(path)) == "namespaced" {
				name = "namespaced-" + name
			}
			t.Run(filepath.Base(filepath.Dir(src))+"/"+filepath.Base(src)+"/"+name, func(t *testing.T) {
				golden := filepath.Join(src, name+".yaml")
				if _, err := os.Stat(golden); err != nil {
					if src == upgradeSources[0] {
						t.Skipf("no previous release of this example: %v", err)
					}
					t.Fatal(err)
				}
				before := goldenComposed(t, golden)
				if len(before) == 0 {
					t.Fatalf("%s composes nothing", golden)
				}
				rsp := run(t, newRequest(t, readXR(t, path), before))
				for _, r := range rsp.GetResults() {
					if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
						t.Fatalf("the upgraded function refuses the running Space: %s", r.GetMessage())
					}
				}
				after := rsp.GetDesired().GetResources()
				for key, o := range before {
					d, ok := after[key]
					if !ok {
						t.Errorf("%s is dropped: Crossplane would delete %s %v", key, o["kind"], testutilName(o))
						continue
					}
					got := d.GetResource().AsMap()
					if got["kind"] != o["kind"] || testutilName(got) != testutilName(o) {
						t.Errorf("%s is renamed: %s %s -> %s %s", key, o["kind"], testutilName(o), got["kind"], testutilName(got))
					}
				}
				observed := map[string]*unstructured.Unstructured{}
				for k, o := range before {
					observed[k] = &unstructured.Unstructured{Object: o}
				}
				var desired []compose.Resource
				for k, r := range after {
					o := r.GetResource().AsMap()
					u := unstructured.Unstructured{Object: o}
					desired = append(desired, compose.Resource{Key: k, Component: u.GetLabels()[compose.LabelComponent], Object: o})
				}
				for _, c := range mustClassify(t, observed, desired, readXR(t, path)) {
					if c.Effect.Refused() || c.Effect == change.Replace || c.Effect == change.Delete {
						t.Errorf("%s: %s %s", c.Key, c.Effect, c.Why)
						for _, f := range c.Fields {
							if f.Effect.Refused() {
								t.Errorf("  %s: %v -> %v: %s", f.Path, f.Old, f.New, f.Why)
							}
						}
					}
				}
			})
		}
	}
}

// mustClassify classifies with the rules of the XR's cloud.
func mustClassify(t *testing.T, observed map[string]*unstructured.Unstructured, desired []compose.Resource, xr map[string]any) []change.Change {
	t.Helper()
	spec, _ := xr["spec"].(map[string]any)
	cloudName, _ := spec["cloud"].(string)
	for name, c := range registry {
		if string(name) == cloudName {
			out, err := Classify(observed, desired, c)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("no cloud %q", cloudName)
	return nil
}

func testutilName(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	return n
}
