package e2e_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/configpkg"
)

// TestConfigurationVersions keeps the examples and the Configuration
// packages on the same versions: the function the examples install is the
// one every package depends on, the cloud packages depend on the base
// package of that same release, and provider-kubernetes is the version
// example/provider-kubernetes.yaml installs.
func TestConfigurationVersions(t *testing.T) {
	root := filepath.Join("..", "..")
	fnTag := packageTag(t, filepath.Join(root, "example", "functions.yaml"), "Function")
	pkTag := packageTag(t, filepath.Join(root, "example", "provider-kubernetes.yaml"), "Provider")

	base, err := configpkg.Load(root, configpkg.Base)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{configpkg.FunctionPackage: fnTag}
	checkVersions(t, base, want)

	want[configpkg.BasePackage] = fnTag // released together
	want["xpkg.crossplane.io/crossplane-contrib/provider-kubernetes"] = pkTag
	for _, cloud := range configpkg.Clouds {
		c, err := configpkg.Load(root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		checkVersions(t, c, want)
	}
}

func checkVersions(t *testing.T, c configpkg.Configuration, want map[string]string) {
	t.Helper()
	for pkg, v := range want {
		d, ok := c.Dependency(pkg)
		if !ok {
			t.Errorf("%s does not depend on %s", c.Metadata.Name, pkg)
			continue
		}
		if d.Version != v {
			t.Errorf("%s depends on %s %s; the examples use %s", c.Metadata.Name, pkg, d.Version, v)
		}
	}
}

// TestConfigurationProviders checks that each cloud's package depends on
// exactly the providers whose kinds the function composes for that cloud,
// over every golden file of the cloud: the examples' first reconcile
// (fn/testdata/golden/xr-<cloud>*.yaml and namespaced-xr-<cloud>*.yaml) and
// the steady state of a running Space (captured/<cloud>-steady.yaml; the
// Helm Release comes only once the pools are ready).
func TestConfigurationProviders(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, cloud := range configpkg.Clouds {
		c, err := configpkg.Load(root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		for _, golden := range goldens(t, root, cloud) {
			b, err := os.ReadFile(golden) //nolint:gosec // G304: a golden file of this repository.
			if err != nil {
				t.Fatal(err)
			}
			docs, err := decodeStream(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", golden, err)
			}
			for _, d := range docs {
				res, ok := d["resource"].(map[string]any)
				if !ok {
					continue
				}
				o := object(res)
				if configpkg.Prerequisite(o.group()) {
					continue
				}
				pkg, ok := configpkg.ProviderFor(o.group())
				if !ok {
					t.Errorf("%s: no provider package is known for %s", filepath.Base(golden), o.gvk())
					continue
				}
				if _, ok := c.Dependency(pkg); !ok {
					t.Errorf("%s composes %s, but %s does not depend on %s", filepath.Base(golden), o.gvk(), c.Metadata.Name, pkg)
				}
				used[pkg] = true
			}
		}
		if len(used) == 0 {
			t.Fatalf("%s: no composed resource in its golden files", cloud)
		}
		for _, d := range c.Providers() {
			if !used[d.Package] {
				t.Errorf("%s depends on %s, but the function composes none of its kinds on %s", c.Metadata.Name, d.Package, cloud)
			}
		}
	}
}

// packageTag returns the tag of spec.package of the first object of kind in
// a YAML stream.
func packageTag(t *testing.T, path, kind string) string {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // G304: an example of this repository.
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeStream(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, o := range objs {
		if o.kind() != kind {
			continue
		}
		ref, _ := lookup(o, "spec", "package").(string)
		i := strings.LastIndex(ref, ":")
		if i < 0 || strings.Contains(ref[i:], "/") {
			t.Fatalf("%s: %s package %q has no tag", path, kind, ref)
		}
		return ref[i+1:]
	}
	t.Fatalf("%s has no %s", path, kind)
	return ""
}

// validateWithPackage validates a rendered example the way
// `crossplane resource validate configuration/<cloud>/crossplane.yaml` does
// for a user: the schemas come only from the package's dependencies. The
// cache is filled offline with what each dependency publishes (the
// upstream CRDs of CRDS_DIR for providers, the input CRD for the function,
// the XRD for the base package), so a composed kind whose provider is not
// in dependsOn has no schema and fails --error-on-missing-schemas.
func validateWithPackage(t *testing.T, e env, r rendered, resources string) {
	t.Helper()
	cloud, _ := lookup(r.xr, "spec", "cloud").(string)
	c, err := configpkg.Load(e.root, cloud)
	if err != nil {
		t.Fatal(err)
	}

	cache := t.TempDir()
	for _, d := range c.Spec.DependsOn {
		var files []string
		switch d.Kind {
		case "Provider":
			files = providerCRDs(t, e.crdsDir, d.Package)
		case "Function":
			files = globFiles(t, filepath.Join(e.root, "package", "input", "*.yaml"))
		case "Configuration":
			files = []string{filepath.Join(e.root, "example", "xrd.yaml")}
		}
		if len(files) == 0 {
			t.Fatalf("nothing to stand in for %s", d.Ref())
		}
		var b bytes.Buffer
		for _, f := range files {
			body, err := os.ReadFile(f) //nolint:gosec // G304: CRDs and XRDs the tests were pointed at.
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "---\n%s\n", body)
		}
		dir := filepath.Join(cache, strings.ReplaceAll(d.Ref(), ":", "@"))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "package.yaml"), b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// What the cluster itself serves (Karpenter, the Prometheus operator,
	// when spec.delivery is Direct) is no dependency: its CRDs are given.
	extensions := []string{filepath.Join(e.root, "configuration", cloud, "crossplane.yaml")}
	seen := map[string]bool{}
	for _, o := range r.composed {
		if g := o.group(); configpkg.Prerequisite(g) && strings.Contains(g, ".") && !strings.HasSuffix(g, ".k8s.io") && !seen[g] {
			seen[g] = true
			extensions = append(extensions, globFiles(t, filepath.Join(e.crdsDir, g+"_*.yaml"))...)
		}
	}
	res := run(t, validateTimeout, e.root, e.crossplane,
		"resource", "validate", strings.Join(extensions, ","), resources,
		"--crossplane-image=",
		"--cache-dir="+cache,
		"--error-on-missing-schemas",
		"--skip-success-results",
	)
	if res.err != nil || strings.Contains(res.combined(), "cannot download") {
		t.Errorf("validate against %s's dependencies failed: %v\n%s", c.Metadata.Name, res.err, res.combined())
	}
}

// providerCRDs lists the files of the CRD folder whose CRDs the provider
// package publishes.
func providerCRDs(t *testing.T, dir, pkg string) []string {
	t.Helper()
	var out []string
	for _, f := range globFiles(t, filepath.Join(dir, "*.yaml")) {
		group, _, ok := strings.Cut(filepath.Base(f), "_")
		if !ok {
			continue
		}
		if p, ok := configpkg.ProviderFor(group); ok && p == pkg {
			out = append(out, f)
		}
	}
	return out
}

func globFiles(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// goldens lists the golden responses of one cloud.
func goldens(t *testing.T, root, cloud string) []string {
	t.Helper()
	dir := filepath.Join(root, "fn", "testdata", "golden")
	var out []string
	for _, p := range []string{"xr-" + cloud + "*.yaml", "namespaced-xr-" + cloud + "*.yaml", filepath.Join("captured", cloud+"-*.yaml")} {
		out = append(out, globFiles(t, filepath.Join(dir, p))...)
	}
	if len(out) == 0 {
		t.Fatalf("no golden file for %s", cloud)
	}
	return out
}
