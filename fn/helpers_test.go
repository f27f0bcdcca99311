package fn

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// readXR reads an XR YAML file into a map.
func readXR(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test fixtures.
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// exampleXRs lists every example XR, cluster-scoped and namespaced.
func exampleXRs(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, g := range []string{"../example/xr-*.yaml", "../example/namespaced/xr-*.yaml"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no example XRs found")
	}
	return out
}

// request builds a RunFunctionRequest for an XR and optional observed
// composed resources.
func newRequest(t testing.TB, xr map[string]any, observed map[string]map[string]any) *fnv1.RunFunctionRequest {
	t.Helper()
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatal(err)
	}
	req := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{},
	}
	for k, o := range observed {
		s, err := structpb.NewStruct(o)
		if err != nil {
			t.Fatal(err)
		}
		req.Observed.Resources[k] = &fnv1.Resource{Resource: s}
	}
	return req
}

func run(t testing.TB, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := New().RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction: %v", err)
	}
	return rsp
}

// renderYAML is the response as a reader reviews it: results, the XR's
// desired status, then every composed resource sorted by name.
func renderYAML(t testing.TB, rsp *fnv1.RunFunctionResponse) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rsp.GetResults() {
		b.WriteString("# " + r.GetSeverity().String() + ": " + r.GetMessage() + "\n")
	}
	for _, c := range rsp.GetConditions() {
		b.WriteString("# condition " + c.GetType() + "=" + c.GetStatus().String() + " " + c.GetReason() + ": " + c.GetMessage() + "\n")
	}
	reqs := rsp.GetRequirements().GetResources()
	for _, k := range slices.Sorted(maps.Keys(reqs)) {
		r := reqs[k]
		b.WriteString("# requirement " + k + ": " + r.GetApiVersion() + " " + r.GetKind() + " " + r.GetNamespace() + "/" + r.GetMatchName() + "\n")
	}
	docs := []any{rsp.GetDesired().GetComposite().GetResource().AsMap()}
	res := rsp.GetDesired().GetResources()
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		docs = append(docs, map[string]any{"name": k, "ready": res[k].GetReady().String(), "resource": res[k].GetResource().AsMap()})
	}
	for _, d := range docs {
		y, err := yaml.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return b.String()
}

func defaultInput() *v1beta1.Input { return &v1beta1.Input{} }
