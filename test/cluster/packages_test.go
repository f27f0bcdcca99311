package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/internal/configpkg"
)

// The Configuration packages reach the plane the way they reach a user's
// cluster: Crossplane's package manager installs them from a registry,
// resolves their dependencies and installs those. Two things stand in for
// the internet, both written here:
//
//   - ImageConfigs rewrite the public registries the packages name
//     (xpkg.crossplane.io/crossplane-contrib/, xpkg.upbound.io/upbound/) to
//     the suite's loopback registry, so the packages and examples keep their
//     real references (crossplane v2 ImageConfig spec.rewriteImage; the
//     dependency resolver matches installed packages by their unrewritten
//     spec.package).
//   - The providers are stand-ins built here: a Provider package of the
//     upstream CRDs each provider publishes (CRDS_DIR, and provider-kubernetes'
//     own package/crds), pushed at the version the packages depend on. No
//     provider process runs from them: the fake cloud plays the upjet
//     providers and provider-helm, and the real provider-kubernetes runs out
//     of cluster (provider_test.go); the suite marks the Deployments Crossplane
//     makes for them available, as it does for the function's.

var (
	gvkConfiguration = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1", Kind: "Configuration"}
	gvkProvider      = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1", Kind: "Provider"}
	gvkImageConfig   = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1beta1", Kind: "ImageConfig"}
	gvkComposition   = schema.GroupVersionKind{Group: "apiextensions.crossplane.io", Version: "v1", Kind: "Composition"}
)

// labelProvider marks what Crossplane runs for a provider
// (crossplane/apis pkg/v1 LabelProvider).
const labelProvider = "pkg.crossplane.io/provider"

// publicRegistries are the registry prefixes the packages name, rewritten to
// the loopback registry's same paths.
var publicRegistries = []string{"xpkg.crossplane.io/crossplane-contrib/", "xpkg.upbound.io/upbound/"}

// imageConfigs rewrite the public registries to reg.
func imageConfigs(reg ociRegistry) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, prefix := range publicRegistries {
		_, path, _ := strings.Cut(prefix, "/")
		out = append(out, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": gvkImageConfig.GroupVersion().String(),
			"kind":       gvkImageConfig.Kind,
			"metadata":   map[string]any{"name": "loopback-" + strings.TrimSuffix(strings.ReplaceAll(path, "/", "-"), "-")},
			"spec": map[string]any{
				"matchImages":  []any{map[string]any{"type": "Prefix", "prefix": prefix}},
				"rewriteImage": map[string]any{"prefix": reg.addr + "/" + path},
			},
		}})
	}
	return out
}

// loopback is the reference of a public package in reg.
func loopback(reg ociRegistry, ref string) string {
	for _, prefix := range publicRegistries {
		if rest, ok := strings.CutPrefix(ref, prefix); ok {
			_, path, _ := strings.Cut(prefix, "/")
			return reg.addr + "/" + path + rest
		}
	}
	return ref
}

// pushPackages pushes the Configuration packages hack/xpkg.sh built into out
// and a stand-in of every provider they depend on.
func pushPackages(ctx context.Context, t *testing.T, e env, reg ociRegistry, out string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	push := func(file, ref string) {
		run(ctx, t, e.root, []string{"SSL_CERT_FILE=" + reg.caPEM, "DOCKER_CONFIG=" + t.TempDir()},
			e.tool("crossplane"), "xpkg", "push", "--package-files="+file, loopback(reg, ref))
	}
	push(filepath.Join(out, "configuration-space-scaling.xpkg"), configpkg.BasePackage+":"+fnVersion)

	providers := map[string]configpkg.Dependency{}
	for _, cloud := range configpkg.Clouds {
		c, err := configpkg.Load(e.root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := c.Dependency(configpkg.BasePackage)
		f, _ := c.Dependency(configpkg.FunctionPackage)
		if d.Version != fnVersion || f.Version != fnVersion {
			t.Fatalf("%s depends on the base package %s and the function %s; the suite builds %s", c.Metadata.Name, d.Version, f.Version, fnVersion)
		}
		push(filepath.Join(out, c.Metadata.Name+".xpkg"), "xpkg.crossplane.io/crossplane-contrib/"+c.Metadata.Name+":"+fnVersion)
		for _, p := range c.Providers() {
			providers[p.Ref()] = p
		}
	}
	refs := make([]string, 0, len(providers))
	for r := range providers {
		refs = append(refs, r)
	}
	sort.Strings(refs)
	for _, r := range refs {
		p := providers[r]
		file := buildStandIn(ctx, t, e, p, filepath.Join(out, "stand-ins"))
		push(file, r)
	}
}

// buildStandIn builds a Provider package of the CRDs the provider
// publishes, with their conversion webhooks unwired as installCRDs does (no
// provider process serves them).
func buildStandIn(ctx context.Context, t *testing.T, e env, p configpkg.Dependency, dir string) string {
	t.Helper()
	var files []string
	if p.Package == "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes" {
		files = yamlFiles(t, filepath.Join(moduleDir(ctx, t, e, "provider-kubernetes", providerModule), "package", "crds"))
	} else {
		for _, f := range yamlFiles(t, e.crdsDir) {
			group, _, _ := strings.Cut(filepath.Base(f), "_")
			if pkg, ok := configpkg.ProviderFor(group); ok && pkg == p.Package {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Fatalf("no CRD for the stand-in of %s", p.Ref())
	}
	root := filepath.Join(dir, p.Name())
	if err := os.MkdirAll(root, 0o700); err != nil {
		t.Fatal(err)
	}
	meta := map[string]any{
		"apiVersion": "meta.pkg.crossplane.io/v1",
		"kind":       "Provider",
		"metadata": map[string]any{
			"name": p.Name(),
			"annotations": map[string]any{
				"meta.crossplane.io/description": "A stand-in for " + p.Ref() + " in the cluster suite: its CRDs, no controller.",
			},
		},
		"spec": map[string]any{"crossplane": map[string]any{"version": ">=v2.0.0"}},
	}
	var b bytes.Buffer
	mb, err := yaml.Marshal(meta)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(mb)
	writeFile(t, filepath.Join(root, "crossplane.yaml"), b.Bytes())
	b.Reset()
	for _, f := range files {
		for _, o := range readObjects(t, f) {
			if o.GetKind() != "CustomResourceDefinition" {
				continue
			}
			unwireConversion(o)
			y, err := yaml.Marshal(o.Object)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("---\n")
			b.Write(y)
		}
	}
	writeFile(t, filepath.Join(root, "crds.yaml"), b.Bytes())
	file := filepath.Join(dir, p.Name()+".xpkg")
	run(ctx, t, e.root, nil, e.tool("crossplane"), "xpkg", "build", "--package-root="+root, "--package-file="+file)
	return file
}

// installConfigurations installs every cloud's Configuration package, plays
// the kubelet for the provider Deployments Crossplane makes while it
// resolves their dependencies, and waits until every package is Installed
// and Healthy and the XRD the base package brings is served.
func (pl *plane) installConfigurations(ctx context.Context, t *testing.T) {
	t.Helper()
	s := pl.s
	var names []string
	for _, cloud := range configpkg.Clouds {
		c, err := configpkg.Load(s.root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Metadata.Name)
		mustApply(ctx, t, s.k, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": gvkConfiguration.GroupVersion().String(),
			"kind":       gvkConfiguration.Kind,
			"metadata":   map[string]any{"name": c.Metadata.Name},
			"spec":       map[string]any{"package": "xpkg.crossplane.io/crossplane-contrib/" + c.Metadata.Name + ":" + fnVersion},
		}})
	}
	report := func() string {
		var b strings.Builder
		for _, gvk := range []schema.GroupVersionKind{gvkConfiguration, gvkProvider} {
			l, _ := s.k.list(ctx, gvk)
			for i := range l {
				fmt.Fprintf(&b, "----- %s -----\n%s", gvk.Kind, dump(&l[i]))
			}
		}
		return b.String() + s.report()
	}
	healthy := func(o *unstructured.Unstructured) (bool, string) {
		is, ir, im := condition(o, "Installed")
		hs, hr, hm := condition(o, "Healthy")
		return is == "True" && hs == "True", fmt.Sprintf("%s %s: Installed=%s %s %s; Healthy=%s %s %s", o.GetKind(), o.GetName(), is, ir, im, hs, hr, hm)
	}
	eventually(ctx, t, 4*time.Minute, "the Configuration packages and their dependencies to be Installed and Healthy", func() (bool, string, error) {
		if err := pl.markProvidersAvailable(ctx); err != nil {
			return false, "", err
		}
		var waiting []string
		for _, n := range names {
			o, err := s.k.get(ctx, gvkConfiguration, "", n)
			if err != nil || o == nil {
				return false, "no Configuration " + n, err
			}
			if ok, why := healthy(o); !ok {
				waiting = append(waiting, why)
			}
		}
		base := strings.ReplaceAll(strings.TrimPrefix(configpkg.BasePackage, "xpkg.crossplane.io/"), "/", "-")
		for _, gvk := range []struct {
			gvk  schema.GroupVersionKind
			name string
		}{{gvkConfiguration, base}, {gvkFunction, fnName}} {
			o, err := s.k.get(ctx, gvk.gvk, "", gvk.name)
			if err != nil || o == nil {
				return false, fmt.Sprintf("no %s %s yet", gvk.gvk.Kind, gvk.name), err
			}
			if ok, why := healthy(o); !ok {
				waiting = append(waiting, why)
			}
		}
		l, err := s.k.list(ctx, gvkProvider)
		if err != nil {
			return false, "", err
		}
		if len(l) == 0 {
			waiting = append(waiting, "no Provider yet")
		}
		for i := range l {
			if ok, why := healthy(&l[i]); !ok {
				waiting = append(waiting, why)
			}
		}
		return len(waiting) == 0, strings.Join(waiting, "\n"), nil
	}, report)

	// Every provider the packages depend on, and no other, was installed.
	want := map[string]bool{}
	for _, cloud := range configpkg.Clouds {
		c, _ := configpkg.Load(s.root, cloud)
		for _, p := range c.Providers() {
			want[p.Name()] = true
		}
	}
	l, err := s.k.list(ctx, gvkProvider)
	if err != nil {
		t.Fatal(err)
	}
	for i := range l {
		if !want[l[i].GetName()] {
			t.Errorf("Crossplane installed Provider %s, which no package depends on", l[i].GetName())
		}
		delete(want, l[i].GetName())
	}
	for n := range want {
		t.Errorf("Crossplane did not install Provider %s", n)
	}

	xrd := readObjects(t, filepath.Join(s.root, "example", "xrd.yaml"))[0]
	comp := readObjects(t, filepath.Join(s.root, "example", "composition.yaml"))[0]
	s.waitServed(ctx, t, xrd)
	o, err := s.k.get(ctx, gvkComposition, "", comp.GetName())
	if err != nil || o == nil {
		t.Fatalf("the base package did not install Composition %s: %v", comp.GetName(), err)
	}
	if !ownedByPackage(o) {
		t.Errorf("Composition %s is not owned by a ConfigurationRevision: %v", comp.GetName(), o.GetOwnerReferences())
	}
}

// ownedByPackage reports whether a package revision controls the object.
func ownedByPackage(o *unstructured.Unstructured) bool {
	for _, r := range o.GetOwnerReferences() {
		if r.Kind == "ConfigurationRevision" && r.Controller != nil && *r.Controller {
			return true
		}
	}
	return false
}

// markProvidersAvailable plays the kubelet for the provider stand-ins: it
// marks every provider Deployment Crossplane made available.
func (pl *plane) markProvidersAvailable(ctx context.Context) error {
	l, err := pl.s.k.list(ctx, gvkDeployment)
	if err != nil {
		return err
	}
	for i := range l {
		d := &l[i]
		tmpl, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "metadata", "labels")
		if d.GetNamespace() != crossplaneNS || (d.GetLabels()[labelProvider] == "" && tmpl[labelProvider] == "") {
			continue
		}
		if og, _, _ := unstructured.NestedInt64(d.Object, "status", "observedGeneration"); og == d.GetGeneration() {
			continue
		}
		now := time.Now().UTC().Format(time.RFC3339)
		b, _ := json.Marshal(map[string]any{"status": map[string]any{
			"observedGeneration": d.GetGeneration(),
			"replicas":           1, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 1,
			"conditions": []any{map[string]any{
				"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
				"message": "a stand-in: the cluster suite emulates this provider", "lastTransitionTime": now, "lastUpdateTime": now,
			}},
		}})
		if err := pl.s.k.mergePatchStatus(ctx, d, b); err != nil {
			return err
		}
	}
	return nil
}

// uninstallConfigurations deletes the cloud packages and the base package
// they depend on; the providers and the function stay.
func (pl *plane) uninstallConfigurations(ctx context.Context, t *testing.T) {
	t.Helper()
	names := []string{strings.ReplaceAll(strings.TrimPrefix(configpkg.BasePackage, "xpkg.crossplane.io/"), "/", "-")}
	for _, cloud := range configpkg.Clouds {
		c, err := configpkg.Load(pl.s.root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Metadata.Name)
	}
	// The cloud packages first, then the base package they depend on: a
	// package others still depend on was seen to outlive a 3-minute wait
	// when all four were deleted at once.
	gone := func(what string, names []string) {
		for _, n := range names {
			if err := pl.s.k.delete(ctx, gvkConfiguration, "", n); err != nil {
				t.Fatal(err)
			}
		}
		eventually(ctx, t, 2*stepTimeout, what+" to be deleted", func() (bool, string, error) {
			for _, n := range names {
				o, err := pl.s.k.get(ctx, gvkConfiguration, "", n)
				if err != nil || o != nil {
					return false, n + " still there", err
				}
			}
			return true, "", nil
		}, pl.s.report)
	}
	gone("the cloud Configuration packages", names[1:])
	gone("the base Configuration package", names[:1])
	// The garbage collector deletes what the base package's revision owned
	// once the revision is gone; a Composition of the same name applied
	// before then would be updated in place, keep the owner reference and
	// be deleted with it (seen in CI).
	comp := readObjects(t, filepath.Join(pl.s.root, "example", "composition.yaml"))[0]
	eventually(ctx, t, stepTimeout, "the base package's Composition to be collected", func() (bool, string, error) {
		o, err := pl.s.k.get(ctx, gvkComposition, "", comp.GetName())
		if err != nil || o != nil {
			return false, "Composition " + comp.GetName() + " still there", err
		}
		return true, "", nil
	}, pl.s.report)
}
