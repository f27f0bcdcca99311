package fn_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
)

// crdExampleXRs are the example XRs, cluster-scoped and namespaced. New
// examples (other clouds, variants) are picked up by name.
func crdExampleXRs(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pattern := range []string{
		filepath.Join("..", "example", "xr-*.yaml"),
		filepath.Join("..", "example", "namespaced", "xr-*.yaml"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatalf("bad glob %s: %v", pattern, err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		t.Fatal("no example XRs found")
	}
	return paths
}

// crdTestName names a subtest after an example file.
func crdTestName(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if filepath.Base(filepath.Dir(path)) == "namespaced" {
		name = "namespaced-" + name
	}
	return name
}

// crdReadYAML reads a YAML file into a map.
func crdReadYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test fixtures.
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("cannot parse %s: %v", path, err)
	}
	return m
}

// crdNamespace returns metadata.namespace of an object.
func crdNamespace(m map[string]any) string {
	meta, _ := m["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	return ns
}

// crdToMap turns a typed object into what the API server would decode.
func crdToMap(t *testing.T, o any) map[string]any {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatalf("cannot marshal: %v", err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("cannot unmarshal: %v", err)
	}
	return m
}

func crdErrorList(errs field.ErrorList) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// TestCRDComposedResources composes every example XR, once with each
// delivery, and validates every composed resource (and, through
// provider-kubernetes Objects, every manifest) against the upstream CRDs as
// the API server would.
func TestCRDComposedResources(t *testing.T) {
	v := crdvalidate.RequireValidators(t)

	for _, path := range crdExampleXRs(t) {
		for _, delivery := range []string{"Object", "Direct"} {
			t.Run(crdTestName(path)+"/"+delivery, func(t *testing.T) {
				xr := crdReadYAML(t, path)
				ns := crdNamespace(xr)
				if delivery == "Direct" && ns != "" {
					t.Skip("fn.Compose refuses delivery Direct for a namespaced XR")
				}
				spec, ok := xr["spec"].(map[string]any)
				if !ok {
					t.Fatalf("%s has no spec", path)
				}
				spec["delivery"] = delivery
				raw, err := json.Marshal(xr)
				if err != nil {
					t.Fatal(err)
				}

				res, errs := fn.Compose(fn.Request{XR: raw, Namespace: ns, Input: &v1beta1.Input{}})
				if len(errs) > 0 {
					t.Fatalf("fn.Compose rejected %s:%s", path, crdErrorList(errs))
				}
				if res == nil || len(res.Resources) == 0 {
					t.Fatalf("fn.Compose accepted %s but composed nothing (is spec.cloud wired to a renderer?)", path)
				}
				plain := 0
				for _, r := range res.Resources {
					o := crdToMap(t, r.Object)
					if o["kind"] != "Object" {
						plain++
					}
					if errs := v.Validate(o); len(errs) > 0 {
						t.Errorf("resource %q (%v %v) is invalid:%s", r.Key, o["apiVersion"], o["kind"], crdErrorList(errs))
					}
				}
				if delivery == "Direct" && plain == 0 {
					t.Error("delivery Direct composed no plain manifest: nothing but Objects was validated")
				}
			})
		}
	}
}
