// Package cluster_test runs the function on a real control plane: etcd,
// kube-apiserver and kube-controller-manager (garbage collector) built from
// pinned modules, Crossplane core v2 installing the function's package from a
// loopback OCI registry, and the real provider-kubernetes applying Objects.
// Only what cannot run here is emulated: the cloud providers, provider-helm
// and Karpenter (fakeCloud), and the kubelet that would run the function's
// Deployment (installFunction). See the README's "Testing" section.
package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	// suiteTimeout bounds the whole suite after the tools are built.
	suiteTimeout = 25 * time.Minute
	// stepTimeout bounds each wait for one reconciliation outcome.
	stepTimeout = 3 * time.Minute

	namespacedXRNamespace = "team-spaces"

	// loadXRs is how many XRs the load test applies at once (issue 27).
	loadXRs = 16
)

var (
	gvkXRD = schema.GroupVersionKind{Group: "apiextensions.crossplane.io", Version: "v2", Kind: "CompositeResourceDefinition"}
)

func TestCluster(t *testing.T) {
	e := setup(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), suiteTimeout)
	defer cancel()

	dir := t.TempDir()
	// CLUSTER_KEEP_LOGS=DIR keeps every process log there (the temp folder
	// goes with the test).
	if keep := os.Getenv("CLUSTER_KEEP_LOGS"); keep != "" {
		t.Cleanup(func() {
			if err := os.CopyFS(keep, os.DirFS(filepath.Join(dir, "logs"))); err != nil {
				t.Logf("cannot keep the logs in %s: %v", keep, err)
			}
		})
	}
	step := func(name string) {
		t.Logf("[%6.1fs] %s", time.Since(start).Seconds(), name)
	}

	pl := newPlane(ctx, t, e, dir, step)
	s, xp := pl.s, pl.xp

	// CLUSTER_ONLY=day2 (a comma-separated list of cluster-scoped, load,
	// day2, namespaced) runs only those phases after the setup; unset, all.
	// go test -run TestCluster/day2/gcp-machine-family narrows further
	// within a phase.
	only := phases(os.Getenv("CLUSTER_ONLY"))

	step("the AWS, GCP and Azure Configuration packages, through the package manager")
	pl.installConfigurations(ctx, t)
	if t.Failed() {
		return
	}
	step("the AWS, GCP and Azure XRs, on the XRD and Composition the packages installed")
	// One XR at a time: every XR's "Space cluster" is this same API server,
	// and the XRs of different Spaces give some in-Space objects the same
	// name (the Query API credentials Secret), which separate Space clusters
	// keep apart.
	// The cluster-scoped lifecycles and the day-2 edit sequences use XRs
	// and Spaces namespaces of their own, and mostly wait: they run at the
	// same time (each t.Run in its own goroutine, as t.Parallel is capped
	// at GOMAXPROCS). A day-2 failure does not stop the later phases: each
	// sequence deletes its XR whatever happens.
	var wg sync.WaitGroup
	if only("cluster-scoped") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run("cluster-scoped", func(t *testing.T) {
				for _, f := range []string{"example/xr-aws.yaml", "example/xr-gcp.yaml", "example/xr-azure.yaml"} {
					t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
						s.lifecycle(ctx, t, f)
					})
				}
			})
		}()
	}
	if only("day2") {
		step("day-2 edit sequences, at the same time")
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run("day2", func(t *testing.T) { s.day2(ctx, t) })
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	if only("load") {
		step(fmt.Sprintf("%d AWS XRs applied at once: no Ready flaps", loadXRs))
		t.Run("load", func(t *testing.T) { s.noReadyFlaps(ctx, t, "example/xr-aws.yaml", loadXRs) })
		if t.Failed() {
			return
		}
	}

	if only("namespaced") {
		// The namespaced XRD defines the same kind, so it replaces the
		// cluster-scoped one, as it would in a cluster moving to namespaced XRs.
		step("replacing the XRD with the namespaced one")
		// The base package owns the XRD and would bring it back: the
		// packages go first, as a user uninstalling them would.
		pl.uninstallConfigurations(ctx, t)
		s.uninstall(ctx, t, "example/xrd.yaml")
		// Observed with Crossplane v2.4: an XRD deleted and created again with
		// the other scope is Established, but its XRs are never reconciled until
		// Crossplane restarts (its composite controller keeps the old kind's
		// watch). Users switching scope restart Crossplane too.
		xp.restart(t)
		s.install(ctx, t, "example/namespaced/xrd.yaml", "example/namespaced/composition.yaml")
		t.Run("namespaced", func(t *testing.T) {
			t.Run("xr-aws", func(t *testing.T) { s.lifecycle(ctx, t, "example/namespaced/xr-aws.yaml") })
		})
	}
	step("done")
}

// plane is one control plane with the function installed, as TestCluster
// and the chaos suite start it: the handles experiments need to stop,
// kill or restart its processes and to install other package versions.
type plane struct {
	s   *suite
	p   *procs
	xp  *crossplane
	cp  controlPlane
	reg ociRegistry
	ref string // the function package's reference in reg
	dir string
}

// newPlane builds and pushes the function package, starts etcd,
// kube-apiserver, kube-controller-manager and Crossplane, installs the
// function from its package, starts provider-kubernetes, installs the
// upstream CRDs, the fake cloud, the ProviderConfigs and the Secrets the
// examples name. Process logs go to dir/logs; step logs each stage.
func newPlane(ctx context.Context, t *testing.T, e env, dir string, step func(string)) *plane {
	t.Helper()
	p := &procs{dir: filepath.Join(dir, "logs")}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		t.Fatal(err)
	}

	step("building and pushing the function package")
	reg := startRegistry(t, dir)
	ref := pushFunction(ctx, t, e, reg, dir)

	step("starting etcd, kube-apiserver, kube-controller-manager")
	cp := startControlPlane(ctx, t, e, p, dir)
	k := newKube(t, cp.kubeconfig)

	step("starting Crossplane")
	xp := startCrossplane(ctx, t, e, p, k, cp, reg, dir)

	var fake *fakeCloud
	report := func() string {
		s := p.logs()
		if fake != nil {
			s += fake.errors()
		}
		return s
	}

	// The packages name the public registries; these send Crossplane to
	// the loopback one (packages_test.go).
	mustApply(ctx, t, k, imageConfigs(reg)...)

	step("installing the function from its package")
	installFunction(ctx, t, k, p, xp, reg, ref, dir, report)

	step("starting provider-kubernetes and installing the upstream CRDs")
	own := startProviderKubernetes(ctx, t, e, p, k, cp, dir, report)
	upstream := yamlFiles(t, e.crdsDir)
	installCRDs(ctx, t, k, upstream, own, report)
	var crds []*unstructured.Unstructured
	for _, f := range upstream {
		crds = append(crds, readObjects(t, f)...)
	}
	fake = startFakeCloud(ctx, t, k, crds)
	providerConfigs(ctx, t, k, cp, namespacedXRNamespace)
	// The user's part on GCP: a Cloud SQL user cannot generate its password.
	mustApply(ctx, t, k, secretObject(crossplaneNS, "spaces-prod-postgres-password", map[string]string{"password": randomPassword()}))
	// The user's CA bundles the AWS and Azure examples name
	// (queryAPI.postgres.caSecretName), copied into the Space by an Object.
	fakeCA := map[string]string{"ca.crt": "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n"}
	for _, name := range []string{"rds-ca-bundle", "azure-postgres-ca"} {
		mustApply(ctx, t, k, secretObject(crossplaneNS, name, fakeCA))
	}
	// The namespaced XR reads it in its own namespace.
	mustApply(ctx, t, k, secretObject(namespacedXRNamespace, "rds-ca-bundle", fakeCA))

	s := &suite{t: t, k: k, fake: fake, report: report, root: e.root, functionLog: filepath.Join(p.dir, "function.log")}
	return &plane{s: s, p: p, xp: xp, cp: cp, reg: reg, ref: ref, dir: dir}
}

// phases parses CLUSTER_ONLY: the phases to run, all when empty.
func phases(v string) func(string) bool {
	if strings.TrimSpace(v) == "" {
		return func(string) bool { return true }
	}
	want := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		want[strings.TrimSpace(p)] = true
	}
	return func(p string) bool { return want[p] }
}

// suite is what every XR's walk shares.
type suite struct {
	t      *testing.T
	k      *kube
	fake   *fakeCloud
	report func() string
	root   string
	// functionLog is the function's log file (debug level).
	functionLog string
}

// install applies an XRD and a Composition and waits until Crossplane serves
// the XRD's kind.
func (s *suite) install(ctx context.Context, t *testing.T, xrdFile, compFile string) {
	t.Helper()
	xrd := readObjects(t, filepath.Join(s.root, xrdFile))[0]
	mustApply(ctx, t, s.k, xrd)
	s.waitServed(ctx, t, xrd)
	mustApply(ctx, t, s.k, readObjects(t, filepath.Join(s.root, compFile))...)
}

// waitServed waits until an XRD is established and discovery serves its
// kind with its scope.
func (s *suite) waitServed(ctx context.Context, t *testing.T, xrd *unstructured.Unstructured) {
	t.Helper()
	eventually(ctx, t, stepTimeout, "XRD "+xrd.GetName()+" to be established", func() (bool, string, error) {
		o, err := s.k.get(ctx, gvkXRD, "", xrd.GetName())
		if err != nil || o == nil {
			return false, "absent", err
		}
		st, r, m := condition(o, "Established")
		return st == "True", fmt.Sprintf("Established=%s %s %s", st, r, m), nil
	}, func() string {
		o, _ := s.k.get(ctx, gvkXRD, "", xrd.GetName())
		return dump(o) + s.report()
	})
	// Discovery can lag behind a CRD that was just replaced by one of the
	// other scope: wait until it serves the XRD's.
	group, _, _ := unstructured.NestedString(xrd.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(xrd.Object, "spec", "names", "kind")
	scope, _, _ := unstructured.NestedString(xrd.Object, "spec", "scope")
	want := meta.RESTScopeNameRoot
	if scope == "Namespaced" {
		want = meta.RESTScopeNameNamespace
	}
	eventually(ctx, t, stepTimeout, "discovery to serve "+kind+" with scope "+scope, func() (bool, string, error) {
		s.k.mapper.Reset()
		m, err := s.k.mapper.RESTMapping(schema.GroupKind{Group: group, Kind: kind})
		if err != nil {
			return false, err.Error(), nil //nolint:nilerr // not served yet: poll again.
		}
		return m.Scope.Name() == want, fmt.Sprintf("served with scope %q", m.Scope.Name()), nil
	}, s.report)
}

// uninstall deletes an XRD and waits until its CRD is gone.
func (s *suite) uninstall(ctx context.Context, t *testing.T, xrdFile string) {
	t.Helper()
	xrd := readObjects(t, filepath.Join(s.root, xrdFile))[0]
	if err := s.k.delete(ctx, gvkXRD, "", xrd.GetName()); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, stepTimeout, "XRD "+xrd.GetName()+" and its CRD to be deleted", func() (bool, string, error) {
		o, err := s.k.get(ctx, gvkXRD, "", xrd.GetName())
		if err != nil || o != nil {
			return false, "XRD still there", err
		}
		c, err := s.k.get(ctx, gvkCRD, "", xrd.GetName())
		return c == nil, "CRD still there", err
	}, s.report)
	s.k.mapper.Reset()
}

// composed is one composed resource of an XR, as observed.
type composed struct {
	ref schema.GroupVersionKind
	obj *unstructured.Unstructured
}

// composedResources reads every resource the XR references.
func (s *suite) composedResources(ctx context.Context, xr *unstructured.Unstructured) ([]composed, error) {
	refs, _, _ := unstructured.NestedSlice(xr.Object, "spec", "crossplane", "resourceRefs")
	out := make([]composed, 0, len(refs))
	for _, r := range refs {
		m, _ := r.(map[string]any)
		av, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		name, _ := m["name"].(string)
		ns, _ := m["namespace"].(string)
		if ns == "" {
			ns = xr.GetNamespace()
		}
		gv, err := schema.ParseGroupVersion(av)
		if err != nil {
			return nil, err
		}
		gvk := gv.WithKind(kind)
		o, err := s.k.get(ctx, gvk, ns, name)
		if err != nil {
			return nil, err
		}
		// A nil obj: referenced, but not (or no longer) in the API server.
		out = append(out, composed{ref: gvk, obj: o})
	}
	return out, nil
}

// xrReport dumps the XR and everything it composed, then the process logs.
func (s *suite) xrReport(ctx context.Context, gvk schema.GroupVersionKind, ns, name string) func() string {
	return func() string {
		var b strings.Builder
		xr, err := s.k.get(ctx, gvk, ns, name)
		if err != nil {
			fmt.Fprintf(&b, "cannot read the XR: %v\n", err)
		}
		b.WriteString("----- the XR -----\n" + dump(xr))
		if xr != nil {
			cs, err := s.composedResources(ctx, xr)
			if err != nil {
				fmt.Fprintf(&b, "cannot read its composed resources: %v\n", err)
			}
			for _, c := range cs {
				fmt.Fprintf(&b, "----- composed %s -----\n%s", c.ref.Kind, dump(c.obj))
			}
		}
		return b.String() + s.report()
	}
}

// notReady says why a composed resource is not ready yet, or ""
// when it is.
func notReady(c composed) string {
	if c.obj == nil {
		return fmt.Sprintf("%s (not created)", c.ref.Kind)
	}
	st, r, m := condition(c.obj, "Ready")
	if st == "True" {
		return ""
	}
	return fmt.Sprintf("%s %s (Ready=%q %s %s)", c.ref.Kind, key(c.obj), st, r, m)
}

// knownUnready reports whether a composed resource cannot become Ready today
// because of a defect in the function's output rather than in the suite.
//
// TODO(issue 12): the function gives every provider-kubernetes Object the
// readiness policy DeriveFromObject, and the real provider never reports
// Ready for objects without a Ready condition (StorageClass, Secret,
// PrometheusRule, ConfigMap; crossplane-contrib/provider-kubernetes#124).
// Once issue 12 gives them SuccessfulCreate this list matches nothing and
// the suite requires the XR itself to become Ready.
func knownUnready(c composed) bool {
	if c.obj == nil || c.ref.Kind != "Object" {
		return false
	}
	policy, _, _ := unstructured.NestedString(c.obj.Object, "spec", "readiness", "policy")
	kind, _, _ := unstructured.NestedString(c.obj.Object, "spec", "forProvider", "manifest", "kind")
	switch kind {
	case "StorageClass", "Secret", "PrometheusRule", "ConfigMap":
		return policy == "DeriveFromObject" || policy == ""
	}
	return false
}

// lifecycle walks one example XR through its life: created while its
// database is still provisioning, ready once it is, edited, deleted.
func (s *suite) lifecycle(ctx context.Context, t *testing.T, file string) { //nolint:thelper // the body of a subtest, not a helper.
	xr := readObjects(t, filepath.Join(s.root, file))[0]
	gvk, ns, name := xr.GroupVersionKind(), xr.GetNamespace(), xr.GetName()
	report := s.xrReport(ctx, gvk, ns, name)
	get := func() (*unstructured.Unstructured, error) { return s.k.get(ctx, gvk, ns, name) }

	mustApply(ctx, t, s.k, xr)

	// 1. Synced, every composed resource admitted by the API server, and
	// the XR waiting for its database.
	eventually(ctx, t, stepTimeout, name+" to be Synced with every composed resource admitted", func() (bool, string, error) {
		o, err := get()
		if err != nil || o == nil {
			return false, "absent", err
		}
		st, r, m := condition(o, "Synced")
		if st != "True" {
			return false, fmt.Sprintf("Synced=%s %s %s", st, r, m), nil
		}
		cs, err := s.composedResources(ctx, o)
		if err != nil {
			return false, "", err
		}
		if len(cs) == 0 {
			return false, "no composed resources yet", nil
		}
		for _, c := range cs {
			if c.obj == nil {
				return false, "referenced but absent: " + c.ref.Kind, nil
			}
		}
		return true, "", nil
	}, report)
	o, err := get()
	if err != nil {
		t.Fatal(err)
	}
	if st, r, m := condition(o, "Ready"); st == "True" {
		t.Errorf("%s is Ready before its database exists (%s %s)", name, r, m)
	}
	if ready, found := componentReady(o, "database"); !found || ready {
		t.Errorf("%s: status.components should report the database not ready while it provisions (found=%v ready=%v)\n%s", name, found, ready, dump(o))
	}

	// 2. The cloud finishes: every managed resource becomes ready, the
	// Spaces Release is composed, and the XR becomes Ready.
	s.fake.release(xrLabel(o))
	var unready []string
	eventually(ctx, t, stepTimeout, name+" to have every composed resource ready (the Release included)", func() (bool, string, error) {
		o, err := get()
		if err != nil || o == nil {
			return false, "absent", err
		}
		cs, err := s.composedResources(ctx, o)
		if err != nil {
			return false, "", err
		}
		var waiting []string
		release := false
		unready = nil
		for _, c := range cs {
			if c.ref.Kind == "Release" {
				release = true
			}
			if why := notReady(c); why != "" {
				if knownUnready(c) {
					unready = append(unready, why)
					continue
				}
				waiting = append(waiting, why)
			}
		}
		if !release {
			waiting = append(waiting, "no Release composed yet")
		}
		return len(waiting) == 0, "waiting for " + strings.Join(waiting, ", "), nil
	}, report)
	// An Object that provider-kubernetes can never report ready (the
	// DeriveFromObject policy on a kind without a Ready condition) would
	// keep the XR from ever becoming Ready: a defect of the function's output.
	if len(unready) > 0 {
		t.Fatalf("%s composes Objects that provider-kubernetes never reports ready: %s", name, strings.Join(unready, "; "))
	}
	eventually(ctx, t, stepTimeout, name+" to be Ready", func() (bool, string, error) {
		o, err := get()
		if err != nil || o == nil {
			return false, "absent", err
		}
		st, r, m := condition(o, "Ready")
		return st == "True", fmt.Sprintf("Ready=%s %s %s", st, r, m), nil
	}, report)

	// 3. An edit: twice the control planes make the pools grow.
	before, err := get()
	if err != nil {
		t.Fatal(err)
	}
	cps, _, _ := unstructured.NestedInt64(before.Object, "status", "capacityPlan", "controlPlanes")
	maxBefore := sumMaxNodes(before)
	poolsBefore := poolSpecs(ctx, t, s, before)
	patch := mustJSON(map[string]any{"spec": map[string]any{"capacity": map[string]any{"controlPlanes": 4 * max(cps, 1)}}})
	if err := s.k.mergePatch(ctx, before, patch); err != nil {
		t.Fatalf("cannot edit %s: %v", name, err)
	}
	eventually(ctx, t, stepTimeout, name+" to plan and compose bigger pools for more control planes", func() (bool, string, error) {
		o, err := get()
		if err != nil || o == nil {
			return false, "absent", err
		}
		got := sumMaxNodes(o)
		if got <= maxBefore {
			return false, fmt.Sprintf("planned max nodes %d, was %d", got, maxBefore), nil
		}
		after := poolSpecs(ctx, t, s, o)
		for k, v := range after {
			if poolsBefore[k] != v {
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("planned max nodes %d (was %d) but no composed pool changed", got, maxBefore), nil
	}, report)

	// 4. Deletion with the default deletion policy: what the function marks
	// to keep (the database) stays in the cloud; everything else goes.
	final, err := get()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.composedResources(ctx, final)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.k.delete(ctx, gvk, ns, name); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, stepTimeout, name+" and everything it composed to be deleted", func() (bool, string, error) {
		if o, err := get(); err != nil || o != nil {
			return false, name + " still exists", err
		}
		for _, c := range cs {
			if c.obj == nil {
				continue
			}
			o, err := s.k.get(ctx, c.ref, c.obj.GetNamespace(), c.obj.GetName())
			if err != nil || o != nil {
				return false, fmt.Sprintf("%s %s still exists", c.ref.Kind, key(c.obj)), err
			}
		}
		return true, "", nil
	}, report)
	for _, c := range cs {
		if c.obj == nil {
			continue
		}
		keep := orphans(c.obj)
		switch {
		case c.ref.Kind == "Object":
			s.checkObjectManifest(ctx, t, c.obj, keep)
		case fakeManaged(c.ref.Group):
			want := externalDeleted
			if keep {
				want = externalOrphaned
			}
			if got := s.fake.state(c.obj); got != want {
				t.Errorf("%s %s: the cloud resource is %q after the XR's deletion, want %q", c.ref.Kind, key(c.obj), got, want)
			}
		}
	}
}

// orphans reports whether deleting a managed resource leaves what it manages.
func orphans(o *unstructured.Unstructured) bool {
	if p, _, _ := unstructured.NestedString(o.Object, "spec", "deletionPolicy"); p == "Orphan" {
		return true
	}
	mp, ok, _ := unstructured.NestedStringSlice(o.Object, "spec", "managementPolicies")
	return ok && !contains(mp, "*") && !contains(mp, "Delete")
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// checkObjectManifest checks that provider-kubernetes deleted (or kept) the
// object an Object managed in the Space cluster, here the same cluster.
func (s *suite) checkObjectManifest(ctx context.Context, t *testing.T, obj *unstructured.Unstructured, keep bool) {
	t.Helper()
	m, _, _ := unstructured.NestedMap(obj.Object, "spec", "forProvider", "manifest")
	u := &unstructured.Unstructured{Object: m}
	got, err := s.k.get(ctx, u.GroupVersionKind(), u.GetNamespace(), u.GetName())
	if err != nil {
		t.Errorf("cannot read %s %s: %v", u.GetKind(), key(u), err)
		return
	}
	if keep && got == nil {
		t.Errorf("Object %s orphans its %s %s, but it is gone", obj.GetName(), u.GetKind(), key(u))
	}
	if !keep && got != nil && got.GetDeletionTimestamp() == nil {
		t.Errorf("Object %s was deleted but its %s %s remains", obj.GetName(), u.GetKind(), key(u))
	}
}

// componentReady reads status.components[name].ready of the XR.
func componentReady(o *unstructured.Unstructured, name string) (ready, found bool) {
	cs, _, _ := unstructured.NestedSlice(o.Object, "status", "components")
	for _, c := range cs {
		m, _ := c.(map[string]any)
		if m["name"] == name {
			r, _ := m["ready"].(bool)
			return r, true
		}
	}
	return false, false
}

// sumMaxNodes adds up the planned maximum node counts of every pool.
func sumMaxNodes(o *unstructured.Unstructured) int64 {
	ps, _, _ := unstructured.NestedSlice(o.Object, "status", "capacityPlan", "pools")
	var n int64
	for _, p := range ps {
		m, _ := p.(map[string]any)
		switch v := m["maxNodes"].(type) {
		case int64:
			n += v
		case float64:
			n += int64(v)
		}
	}
	return n
}

// poolSpecs returns the spec of each composed node pool (Karpenter NodePools
// inside Objects, GKE and AKS node pools), keyed by kind and name.
func poolSpecs(ctx context.Context, t *testing.T, s *suite, xr *unstructured.Unstructured) map[string]string {
	t.Helper()
	cs, err := s.composedResources(ctx, xr)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		if c.obj == nil {
			continue
		}
		kind := c.ref.Kind
		if kind == "Object" {
			kind, _, _ = unstructured.NestedString(c.obj.Object, "spec", "forProvider", "manifest", "kind")
		}
		if kind != "NodePool" && kind != "KubernetesClusterNodePool" {
			continue
		}
		spec, _, _ := unstructured.NestedMap(c.obj.Object, "spec")
		b, _ := json.Marshal(spec)
		out[c.ref.Kind+"/"+c.obj.GetName()] = string(b)
	}
	return out
}

// xrLabel is the value of the crossplane.io/composite label Crossplane puts
// on everything an XR composes.
func xrLabel(xr *unstructured.Unstructured) string { return xr.GetName() }
