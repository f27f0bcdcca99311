// Package e2e_test renders every example XR through the real Crossplane CLI
// and engine, with the function running as a local process, and validates
// what it composes against the upstream CRDs.
//
// Prerequisites: _tools/bin/crossplane and _tools/bin/crossplane-engine
// (./hack/tools.sh builds them) and a folder of CRDs (CRDS_DIR, else
// ../shared/crds beside the module). Without them the tests skip, unless
// CI=true, where they fail.
package e2e_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The function's name in example/functions.yaml and in the Composition.
const functionName = "crossplane-contrib-function-space-scaling"

// Annotations that make render reach a function that runs as a local process.
const (
	runtimeAnnotation = "render.crossplane.io/runtime"
	targetAnnotation  = "render.crossplane.io/runtime-development-target"
)

// The invalid input every example set must reject, and the field it must name.
const invalidField = "spec.nodePools.etcd.minNodes"

// example is one XR to render, with the Composition and XRD of its scope.
type example struct {
	xr, composition, xrd string
	namespaced           bool
}

func TestCompositionRender(t *testing.T) {
	e := setup(t)
	crds := loadCRDs(t, e.crdsDir)
	fn := startFunction(t, e)
	functions := writeFunctions(t, e, fn)

	examples := findExamples(t, e)
	for _, ex := range examples {
		t.Run(rel(e, ex.xr), exampleTest(e, crds, functions, ex))
	}

	t.Run("invalid/"+invalidField, invalidTest(e, functions))
}

// findExamples lists example/xr-*.yaml with the cluster-scoped Composition
// and XRD, and example/namespaced/xr-*.yaml with the namespaced ones. The
// namespaced examples use example/namespaced/composition.yaml when present,
// else the shared one (both XRDs define the same kind).
func findExamples(t *testing.T, e env) []example {
	t.Helper()
	var out []example
	add := func(dir string, namespaced bool) {
		xrs, err := filepath.Glob(filepath.Join(e.root, dir, "xr-*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(xrs) == 0 {
			return
		}
		composition := filepath.Join(e.root, dir, "composition.yaml")
		if _, err := os.Stat(composition); err != nil {
			composition = filepath.Join(e.root, "example", "composition.yaml")
		}
		xrd := filepath.Join(e.root, dir, "xrd.yaml")
		if _, err := os.Stat(xrd); err != nil {
			t.Fatalf("%s has examples but no xrd.yaml: %v", dir, err)
		}
		for _, xr := range xrs {
			out = append(out, example{xr: xr, composition: composition, xrd: xrd, namespaced: namespaced})
		}
	}
	add("example", false)
	add(filepath.Join("example", "namespaced"), true)
	if len(out) == 0 {
		t.Fatal("no example/xr-*.yaml to render")
	}
	return out
}

// writeFunctions copies example/functions.yaml to a temporary file, pointing
// the function at the local process.
func writeFunctions(t *testing.T, e env, fn function) string {
	t.Helper()
	src := filepath.Join(e.root, "example", "functions.yaml")
	b, err := os.ReadFile(src) //nolint:gosec // G304: a fixture of this repository.
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeStream(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("cannot parse %s: %v", src, err)
	}
	found := false
	for _, o := range objs {
		if o.kind() != "Function" || o.name() != functionName {
			continue
		}
		meta, _ := o["metadata"].(map[string]any)
		ann, _ := meta["annotations"].(map[string]any)
		if ann == nil {
			ann = map[string]any{}
			meta["annotations"] = ann
		}
		ann[runtimeAnnotation] = "Development"
		ann[targetAnnotation] = fn.address
		found = true
	}
	if !found {
		t.Fatalf("%s has no Function named %s", src, functionName)
	}
	out := filepath.Join(t.TempDir(), "functions.yaml")
	writeStream(t, out, objs)
	return out
}

// rendered is the output of one render, sorted by what each document is.
type rendered struct {
	xr        object   // the XR, with --include-full-xr
	composed  []object // composed resources
	results   []object // function results (render.crossplane.io Result)
	manifests []inner  // manifests inside provider-kubernetes Objects
}

// inner is a manifest wrapped in a provider-kubernetes Object.
type inner struct {
	wrapper  object
	manifest object
}

// exampleTest renders one example and checks and validates what it composes.
func exampleTest(e env, crds crdIndex, functions string, ex example) func(t *testing.T) {
	return func(t *testing.T) { testExample(t, e, crds, functions, ex) }
}

func testExample(t *testing.T, e env, crds crdIndex, functions string, ex example) { //nolint:thelper // the body of a subtest, not a helper.
	out := render(t, e, functions, ex)
	r := sortOutput(t, out, readObject(t, ex.xr))
	logKinds(t, r)

	if r.xr == nil {
		t.Fatalf("render printed no XR")
	}
	if len(r.composed) == 0 {
		t.Fatalf("render composed nothing")
	}
	for _, res := range r.results {
		sev, _ := res["severity"].(string)
		msg, _ := res["message"].(string)
		switch sev {
		case "Fatal":
			t.Errorf("fatal result: %s", msg)
		case "Warning":
			t.Logf("warning result: %s", msg)
		}
	}

	checkAPIVersions(t, crds, r, ex)
	checkExpectedKinds(t, r, ex)

	dir := t.TempDir()
	// The XR (spec, status) is checked against the XRD, composed resources against the CRDs.
	resources := filepath.Join(dir, "rendered.yaml")
	writeStream(t, resources, append([]object{r.xr}, r.composed...))
	validate(t, e, e.crdsDir+","+ex.xrd, resources)
	// The packages ship the cluster-scoped XRD (docs/install.md).
	if !ex.namespaced {
		validateWithPackage(t, e, r, resources)
	}

	// validate does not look inside an Object's free-form manifest: check those on their own.
	var manifests []object
	var builtins []string
	for _, in := range r.manifests {
		if crds.has(in.manifest) {
			manifests = append(manifests, in.manifest)
		} else if builtin(in.manifest.group()) {
			builtins = append(builtins, in.manifest.gvk()+" "+in.manifest.name())
		}
	}
	if len(builtins) > 0 {
		t.Logf("built-in kinds inside Objects, not schema-validated (no CRD): %s", strings.Join(builtins, "; "))
	}
	if len(manifests) > 0 {
		path := filepath.Join(dir, "manifests.yaml")
		writeStream(t, path, manifests)
		validate(t, e, e.crdsDir, path)
	}
}

// render runs crossplane composition render with the real engine and returns
// its stdout; it fails the test if render fails.
func render(t *testing.T, e env, functions string, ex example) string {
	t.Helper()
	r := run(t, renderTimeout, e.root, e.crossplane, renderArgs(e, functions, ex.xr, ex.composition, ex.xrd)...)
	if r.err != nil {
		t.Fatalf("render failed: %v\n%s", r.err, r.combined())
	}
	if r.stderr != "" {
		t.Logf("render stderr:\n%s", r.stderr)
	}
	return r.stdout
}

func renderArgs(e env, functions, xr, composition, xrd string) []string {
	return []string{
		"composition", "render", xr, composition, functions,
		"--crossplane-binary=" + e.engine,
		"--xrd=" + xrd,      // the XRD's defaults apply, as in a cluster
		"--include-full-xr", // so the XR's spec can be validated against the XRD
		"--include-function-results",
		"--timeout=2m",
	}
}

// sortOutput parses render's YAML stream.
func sortOutput(t *testing.T, out string, xr object) rendered {
	t.Helper()
	objs, err := decodeStream(strings.NewReader(out))
	if err != nil {
		t.Fatalf("cannot parse render's output: %v\n%s", err, out)
	}
	var r rendered
	for _, o := range objs {
		switch {
		case o.group() == "render.crossplane.io":
			if o.kind() == "Result" {
				r.results = append(r.results, o)
			}
		case r.xr == nil && o.apiVersion() == xr.apiVersion() && o.kind() == xr.kind():
			r.xr = o
		default:
			r.composed = append(r.composed, o)
			if isObject(o) {
				m, ok := lookup(o, "spec", "forProvider", "manifest").(map[string]any)
				if !ok {
					t.Errorf("%s %s has no spec.forProvider.manifest", o.gvk(), o.name())
					continue
				}
				r.manifests = append(r.manifests, inner{wrapper: o, manifest: m})
			}
		}
	}
	return r
}

// isObject reports whether o is a provider-kubernetes Object, cluster-scoped or namespaced.
func isObject(o object) bool {
	return o.kind() == "Object" && (o.group() == "kubernetes.crossplane.io" || o.group() == "kubernetes.m.crossplane.io")
}

// checkAPIVersions fails on deprecated or unknown apiVersions, top level and
// inside Objects, and on cluster-scoped provider resources of a namespaced XR.
func checkAPIVersions(t *testing.T, crds crdIndex, r rendered, ex example) {
	t.Helper()
	for _, o := range r.composed {
		if p := crds.apiVersionProblem(o); p != "" {
			t.Errorf("composed %s %s %s", o.gvk(), o.name(), p)
		}
		if ex.namespaced && providerGroup(o.group()) && !strings.Contains(o.group(), ".m.") {
			t.Errorf("a namespaced XR composed the cluster-scoped %s %s; want the .m. variant", o.gvk(), o.name())
		}
	}
	for _, in := range r.manifests {
		if p := crds.apiVersionProblem(in.manifest); p != "" {
			t.Errorf("manifest %s %s in Object %s %s", in.manifest.gvk(), in.manifest.name(), in.wrapper.name(), p)
		}
	}
}

// providerGroup reports whether group belongs to a Crossplane provider.
func providerGroup(group string) bool {
	return strings.HasSuffix(group, ".upbound.io") || strings.HasSuffix(group, ".crossplane.io")
}

// kindKey names a kind as the expectations and the summary count it.
func kindKey(o object) string { return o.apiVersion() + " " + o.kind() }

// counts counts composed resources, and separately manifests inside Objects
// keyed "wrapper apiVersion Object > manifest apiVersion Kind".
func counts(r rendered) (top, inObjects map[string]int) {
	top, inObjects = map[string]int{}, map[string]int{}
	for _, o := range r.composed {
		top[kindKey(o)]++
	}
	for _, in := range r.manifests {
		inObjects[kindKey(in.wrapper)+" > "+kindKey(in.manifest)]++
	}
	return top, inObjects
}

func logKinds(t *testing.T, r rendered) {
	t.Helper()
	top, inObjects := counts(r)
	var sb strings.Builder
	for _, k := range sortedKeys(top) {
		fmt.Fprintf(&sb, "\n  %3d  %s", top[k], k)
	}
	for _, k := range sortedKeys(inObjects) {
		fmt.Fprintf(&sb, "\n  %3d  %s", inObjects[k], k)
	}
	t.Logf("composed %d resources, %d results:%s", len(r.composed), len(r.results), sb.String())
}

// expectation is a number of resources of one kind, at the top level or
// inside Objects of one wrapper kind.
type expectation struct {
	apiVersion, kind string
	count            int
	inClusterObject  bool // an in-cluster manifest, wrapped in an Object when delivery is Object
}

// expectedKinds is what API.md says every XR of a cloud composes, whatever
// else it composes too.
func expectedKinds(cloud string, namespaced bool) []expectation {
	storage := expectation{apiVersion: "storage.k8s.io/v1", kind: "StorageClass", count: 1, inClusterObject: true}
	switch cloud {
	case "aws":
		return []expectation{
			{apiVersion: "karpenter.sh/v1", kind: "NodePool", count: 3, inClusterObject: true},
			{apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", count: 3, inClusterObject: true},
			storage,
		}
	case "gcp":
		av := "container.gcp.upbound.io/v1beta2"
		if namespaced {
			av = "container.gcp.m.upbound.io/v1beta1"
		}
		return []expectation{{apiVersion: av, kind: "NodePool", count: 3}, storage}
	case "azure":
		av := "containerservice.azure.upbound.io/v1beta2"
		if namespaced {
			av = "containerservice.azure.m.upbound.io/v1beta1"
		}
		// One etcd pool per zone (AKS recommends zonal pools with the autoscaler
		// and zonal volumes): 3 zones in the example, plus apiServer and controlPlanes.
		return []expectation{{apiVersion: av, kind: "KubernetesClusterNodePool", count: 5}, storage}
	}
	return nil
}

// checkExpectedKinds counts the kinds API.md requires for the XR's cloud;
// extra kinds are fine.
func checkExpectedKinds(t *testing.T, r rendered, ex example) {
	t.Helper()
	cloud, _ := lookup(r.xr, "spec", "cloud").(string)
	delivery, _ := lookup(r.xr, "spec", "delivery").(string)
	if delivery == "" {
		delivery = "Object"
	}
	want := expectedKinds(cloud, ex.namespaced)
	if want == nil {
		t.Errorf("unknown spec.cloud %q", cloud)
		return
	}
	wrapper := "kubernetes.crossplane.io/v1alpha2 Object"
	if ex.namespaced {
		wrapper = "kubernetes.m.crossplane.io/v1alpha1 Object"
	}
	top, inObjects := counts(r)
	for _, w := range want {
		key := w.apiVersion + " " + w.kind
		got, where := top[key], "at the top level"
		if w.inClusterObject && delivery == "Object" {
			got, where = inObjects[wrapper+" > "+key], "inside "+wrapper+"s"
		}
		if got != w.count {
			t.Errorf("cloud %s, delivery %s: got %d %s %s %s, want %d", cloud, delivery, got, w.apiVersion, w.kind, where, w.count)
		}
	}
}

// validate runs crossplane resource validate offline and fails the test on
// any schema failure or missing schema.
func validate(t *testing.T, e env, extensions, resources string) {
	t.Helper()
	r := run(t, validateTimeout, e.root, e.crossplane, validateArgs(t, extensions, resources)...)
	if r.err != nil {
		body, _ := os.ReadFile(resources) //nolint:gosec // G304: the file this test wrote.
		t.Errorf("validate %s failed: %v\n%s\n--- %s:\n%s", filepath.Base(resources), r.err, r.combined(), filepath.Base(resources), body)
	}
}

func validateArgs(t *testing.T, extensions, resources string) []string {
	t.Helper()
	return []string{
		"resource", "validate", extensions, resources,
		"--crossplane-image=",        // offline: no image for built-in schemas
		"--cache-dir=" + t.TempDir(), // never touch the user's cache
		"--error-on-missing-schemas",
		"--skip-success-results",
	}
}

func invalidTest(e env, functions string) func(t *testing.T) {
	return func(t *testing.T) { testInvalid(t, e, functions) }
}

// testInvalid renders a copy of xr-aws-minimal.yaml whose etcd pool has too
// few nodes for high availability: the function must refuse it with a message
// that names the field, and the XRD must reject it too.
func testInvalid(t *testing.T, e env, functions string) { //nolint:thelper // the body of a subtest, not a helper.
	src := filepath.Join(e.root, "example", "xr-aws-minimal.yaml")
	xr := readObject(t, src)
	spec, ok := xr["spec"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no spec", src)
	}
	setPath(spec, 2, "nodePools", "etcd", "minNodes")
	path := filepath.Join(t.TempDir(), "xr-invalid.yaml")
	writeStream(t, path, []object{xr})

	r := run(t, renderTimeout, e.root, e.crossplane,
		renderArgs(e, functions, path, filepath.Join(e.root, "example", "composition.yaml"), filepath.Join(e.root, "example", "xrd.yaml"))...)
	fatal := r.err != nil
	if !fatal {
		objs, err := decodeStream(strings.NewReader(r.stdout))
		if err != nil {
			t.Fatalf("cannot parse render's output: %v\n%s", err, r.stdout)
		}
		for _, o := range objs {
			if o.kind() == "Result" && o["severity"] == "Fatal" {
				fatal = true
			}
		}
	}
	if !fatal {
		t.Errorf("render of an XR with %s: 2 succeeded with no fatal result:\n%s", invalidField, r.combined())
	}
	if !strings.Contains(r.combined(), invalidField) {
		t.Errorf("render's output does not name %s:\n%s", invalidField, r.combined())
	}

	v := run(t, validateTimeout, e.root, e.crossplane, validateArgs(t, filepath.Join(e.root, "example", "xrd.yaml"), path)...)
	if v.err == nil {
		t.Errorf("the XRD accepts an XR with %s: 2:\n%s", invalidField, v.combined())
	} else if !strings.Contains(v.combined(), invalidField) {
		t.Errorf("the XRD rejects an XR with %s: 2 without naming the field:\n%s", invalidField, v.combined())
	}
}

// setPath sets value at path in m, creating maps on the way.
func setPath(m map[string]any, value any, path ...string) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = value
}

// rel is path relative to the module root, for test names.
func rel(e env, path string) string {
	r, err := filepath.Rel(e.root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}
