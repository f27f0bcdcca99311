package cluster_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Day-2 edit sequences (issue 22): edits of a running Space that a real
// provider applies differently from a plain spec change. Each runs on an XR
// of its own, all at once. Some expect function behaviour that is still
// being built (see each one's comment): they fail until it lands.

const (
	// compositionResourceName is the annotation Crossplane puts on every
	// composed resource: its name in the composition (the function's key).
	compositionResourceName = "crossplane.io/composition-resource-name"
	compositeLabel          = "crossplane.io/composite"
	// quietPeriod is how long a sequence watches that nothing changes.
	quietPeriod = 20 * time.Second
)

var (
	gvkStorageClass = schema.GroupVersionKind{Group: "storage.k8s.io", Version: "v1", Kind: "StorageClass"}
	// poolSuffix is what the function appends to a GKE node pool it
	// replaces: "-" and 8 hex characters.
	poolSuffix = `-[0-9a-f]{8}`
)

func (s *suite) day2(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	seqs := []struct {
		name string
		run  func(context.Context, *testing.T)
	}{
		{"aws-etcd-volume", s.day2EtcdVolume},
		{"gcp-machine-family", s.day2MachineFamily},
		{"gcp-service-account", s.day2ServiceAccount},
		{"azure-etcd-vmsize", s.day2AKSVMSize},
		{"aws-spaces-version", s.day2SpacesVersion},
		{"aws-orphan-readopt", s.day2OrphanReadopt},
		{"fake-cloud-upjet", s.day2FakeFidelity},
	}
	// Each subtest runs in its own goroutine rather than with t.Parallel,
	// which go test caps at GOMAXPROCS (-parallel): on two CPUs that ran
	// the sequences two at a time, though they mostly wait.
	var wg sync.WaitGroup
	for _, q := range seqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(q.name, func(t *testing.T) { q.run(ctx, t) })
		}()
	}
	wg.Wait()
}

// day2XR is an example XR renamed, in a Spaces namespace of its own (in-Space
// objects of different XRs share this one API server).
func (s *suite) day2XR(t *testing.T, file, name string) *unstructured.Unstructured {
	t.Helper()
	x := readObjects(t, filepath.Join(s.root, file))[0]
	x.SetName(name)
	if err := unstructured.SetNestedField(x.Object, "spaces-"+name, "spec", "spaces", "namespace"); err != nil {
		t.Fatal(err)
	}
	return x
}

// ready applies x, lets the cloud finish its resources, waits until it is
// Synced and Ready, and deletes it (waiting, without failing the test on a
// timeout) when the test ends.
func (s *suite) ready(ctx context.Context, t *testing.T, x *unstructured.Unstructured) {
	t.Helper()
	gvk, name := x.GroupVersionKind(), x.GetName()
	t.Cleanup(func() { s.deleteAndWait(ctx, t, gvk, name) })
	s.fake.release(xrLabel(x))
	mustApply(ctx, t, s.k, x)
	s.waitXR(ctx, t, gvk, name, "Synced and Ready", func(o *unstructured.Unstructured) (bool, string) {
		ss, sr, sm := condition(o, "Synced")
		rs, rr, rm := condition(o, "Ready")
		return ss == "True" && rs == "True", fmt.Sprintf("Synced=%s %s %s; Ready=%s %s %s", ss, sr, sm, rs, rr, rm)
	})
}

// waitXR waits until ok says the XR is as wanted.
func (s *suite) waitXR(ctx context.Context, t *testing.T, gvk schema.GroupVersionKind, name, what string, ok func(*unstructured.Unstructured) (bool, string)) {
	t.Helper()
	eventually(ctx, t, 2*stepTimeout, name+" to be "+what, func() (bool, string, error) {
		o, err := s.k.get(ctx, gvk, "", name)
		if err != nil || o == nil {
			return false, "absent", err
		}
		done, msg := ok(o)
		return done, msg, nil
	}, s.xrReport(ctx, gvk, "", name))
}

func (s *suite) deleteAndWait(ctx context.Context, t *testing.T, gvk schema.GroupVersionKind, name string) {
	t.Helper()
	if err := s.k.delete(ctx, gvk, "", name); err != nil {
		t.Errorf("cannot delete %s: %v", name, err)
		return
	}
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if o, err := s.k.get(ctx, gvk, "", name); err == nil && o == nil {
			return
		}
		time.Sleep(time.Second)
	}
	t.Errorf("%s still exists %s after its deletion", name, stepTimeout)
}

// watchFor polls check every second until it says done; a violation fails the
// test at once (something that must never happen on the way), and so does
// the timeout.
func watchFor(ctx context.Context, t *testing.T, timeout time.Duration, what string, check func() (done bool, msg, violation string, err error), report func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for {
		done, msg, violation, err := check()
		switch {
		case violation != "":
			t.Fatalf("while waiting for %s: %s\n%s", what, violation, report())
		case err != nil:
			last = "error: " + err.Error()
		case done:
			return
		default:
			last = msg
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("timed out after %s waiting for %s\nlast observation: %s\n%s", timeout, what, last, report())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// composedOf reads an XR and what it composed.
func (s *suite) composedOf(ctx context.Context, gvk schema.GroupVersionKind, name string) (*unstructured.Unstructured, []composed, error) {
	xr, err := s.k.get(ctx, gvk, "", name)
	if err != nil || xr == nil {
		return nil, nil, err
	}
	cs, err := s.composedResources(ctx, xr)
	return xr, cs, err
}

func firstOf(cs []composed, kind string, group string) *unstructured.Unstructured {
	for _, c := range cs {
		if c.obj != nil && c.ref.Kind == kind && strings.HasPrefix(c.ref.Group, group) {
			return c.obj
		}
	}
	return nil
}

// notSynced lists the composed resources whose Synced is False.
func notSynced(cs []composed) []string {
	var out []string
	for _, c := range cs {
		if c.obj == nil {
			continue
		}
		if st, r, m := condition(c.obj, "Synced"); st == "False" {
			out = append(out, fmt.Sprintf("%s %s: Synced=False %s: %s", c.ref.Kind, key(c.obj), r, m))
		}
	}
	return out
}

func mergePatchXR(ctx context.Context, t *testing.T, s *suite, gvk schema.GroupVersionKind, name string, patch map[string]any) {
	t.Helper()
	o := &unstructured.Unstructured{}
	o.SetGroupVersionKind(gvk)
	o.SetName(name)
	if err := s.k.mergePatch(ctx, o, mustJSON(patch)); err != nil {
		t.Fatalf("cannot edit %s: %v", name, err)
	}
}

func releaseStorageClass(r *unstructured.Unstructured) string {
	v, _, _ := unstructured.NestedString(r.Object, "spec", "forProvider", "values", "controlPlanes", "etcd", "persistence", "storageClassName")
	return v
}

// a. AWS: an etcd volume under 12Gi gets a gp3 class of other parameters.
// A StorageClass's parameters are immutable, and the etcd volumes already
// made keep their class: expected (issue 22, function side) that the
// function composes a new class beside the old one, named after it with a
// "-" suffix, and points the chart's etcd persistence at it; the XR and
// every composed resource stay Synced. Fails until the function does.
func (s *suite) day2EtcdVolume(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-aws.yaml", "day2-aws-volume")
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	s.ready(ctx, t, x)

	_, cs, err := s.composedOf(ctx, gvk, name)
	if err != nil {
		t.Fatal(err)
	}
	rel := firstOf(cs, "Release", "helm.")
	if rel == nil {
		t.Fatalf("%s composes no Release\n%s", name, report())
	}
	oldClass := releaseStorageClass(rel)
	if oldClass == "" {
		t.Fatalf("the Release sets no controlPlanes.etcd.persistence.storageClassName\n%s", dump(rel))
	}
	oldSC, err := s.k.get(ctx, gvkStorageClass, "", oldClass)
	if err != nil || oldSC == nil {
		t.Fatalf("StorageClass %s the Release names: %v (absent: %v)\n%s", oldClass, err, oldSC == nil, report())
	}
	oldParams, _, _ := unstructured.NestedStringMap(oldSC.Object, "parameters")

	mergePatchXR(ctx, t, s, gvk, name, map[string]any{"spec": map[string]any{"spaces": map[string]any{"etcdVolumeSize": "8Gi"}}})
	var newClass string
	watchFor(ctx, t, 2*stepTimeout, "a new StorageClass named "+oldClass+"-* in the Release's etcd persistence", func() (bool, string, string, error) {
		xr, cs, err := s.composedOf(ctx, gvk, name)
		if err != nil || xr == nil {
			return false, "XR absent", "", err
		}
		if st, r, m := condition(xr, "Synced"); st == "False" {
			return false, "", fmt.Sprintf("%s went Synced=False (%s): %s; expected it to stay Synced and compose a new StorageClass", name, r, m), nil
		}
		if bad := notSynced(cs); len(bad) > 0 {
			return false, "", "a composed resource went Synced=False: " + strings.Join(bad, "; "), nil
		}
		rel := firstOf(cs, "Release", "helm.")
		if rel == nil {
			return false, "no Release", "", nil
		}
		newClass = releaseStorageClass(rel)
		if newClass == oldClass || !strings.HasPrefix(newClass, oldClass+"-") {
			return false, fmt.Sprintf("the Release's etcd storageClassName is %q, want %q followed by a suffix", newClass, oldClass+"-"), "", nil
		}
		sc, err := s.k.get(ctx, gvkStorageClass, "", newClass)
		if err != nil || sc == nil {
			return false, "StorageClass " + newClass + " not created yet", "", err
		}
		return true, "", "", nil
	}, report)

	now, err := s.k.get(ctx, gvkStorageClass, "", oldClass)
	switch {
	case err != nil:
		t.Fatal(err)
	case now == nil:
		t.Errorf("the old StorageClass %s is gone: the etcd volumes made with it still name it", oldClass)
	default:
		if p, _, _ := unstructured.NestedStringMap(now.Object, "parameters"); !equalMaps(p, oldParams) {
			t.Errorf("the old StorageClass %s changed parameters: %v, was %v", oldClass, p, oldParams)
		}
	}
	t.Logf("etcd volumes: StorageClass %s beside %s", newClass, oldClass)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// generations is the metadata.generation of each composed resource.
func generations(cs []composed) map[string]int64 {
	out := map[string]int64{}
	for _, c := range cs {
		if c.obj != nil {
			out[c.ref.Kind+" "+key(c.obj)] = c.obj.GetGeneration()
		}
	}
	return out
}

func diffGenerations(was, now map[string]int64) []string {
	var out []string
	for k, g := range was {
		switch n, ok := now[k]; {
		case !ok:
			out = append(out, k+": gone")
		case n != g:
			out = append(out, fmt.Sprintf("%s: generation %d -> %d (its spec changed)", k, g, n))
		}
	}
	for k := range now {
		if _, ok := was[k]; !ok {
			out = append(out, k+": new")
		}
	}
	sort.Strings(out)
	return out
}

// settled waits until no composed resource's spec changed for 5 seconds and
// returns their generations.
func (s *suite) settled(ctx context.Context, t *testing.T, gvk schema.GroupVersionKind, name string) map[string]int64 {
	t.Helper()
	var last map[string]int64
	var since time.Time
	eventually(ctx, t, stepTimeout, name+"'s composed resources to settle", func() (bool, string, error) {
		_, cs, err := s.composedOf(ctx, gvk, name)
		if err != nil {
			return false, "", err
		}
		g := generations(cs)
		if last == nil || len(diffGenerations(last, g)) > 0 {
			last, since = g, time.Now()
			return false, "changing", nil
		}
		return time.Since(since) >= 5*time.Second, "unchanged for " + time.Since(since).Round(time.Second).String(), nil
	}, s.xrReport(ctx, gvk, "", name))
	return last
}

// b. GCP: etcd from n2 (Persistent Disk) to n4 (Hyperdisk only) would need a
// StorageClass of another type, which the API server forbids changing, and
// volumes that cannot attach to the new nodes: the function refuses, naming
// spec.nodePools.etcd.machineTypes, and composes nothing new.
func (s *suite) day2MachineFamily(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-gcp.yaml", "day2-gcp-family")
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	s.ready(ctx, t, x)
	before := s.settled(ctx, t, gvk, name)

	const field = "spec.nodePools.etcd.machineTypes"
	mergePatchXR(ctx, t, s, gvk, name, map[string]any{"spec": map[string]any{"nodePools": map[string]any{"etcd": map[string]any{"machineTypes": []any{"n4-standard-8"}}}}})
	s.waitXR(ctx, t, gvk, name, "Synced=False naming "+field, func(o *unstructured.Unstructured) (bool, string) {
		st, r, m := condition(o, "Synced")
		return st == "False" && strings.Contains(m, field), fmt.Sprintf("Synced=%s %s: %s", st, r, m)
	})
	end := time.Now().Add(quietPeriod)
	watchFor(ctx, t, quietPeriod+stepTimeout, fmt.Sprintf("%s of unchanged composed resources", quietPeriod), func() (bool, string, string, error) {
		_, cs, err := s.composedOf(ctx, gvk, name)
		if err != nil {
			return false, "", "", err
		}
		if d := diffGenerations(before, generations(cs)); len(d) > 0 {
			return false, "", "the refused edit changed composed resources: " + strings.Join(d, "; "), nil
		}
		return time.Now().After(end), "", "", nil
	}, report)
}

// c. GCP: a new node service account is ForceNew on a GKE node pool, which
// upjet refuses. Expected (issue 22, function side): the function adds a
// pool of the new shape beside each old one (its name plus "-" and 8 hex
// characters), deletes the old one once the new one is Ready, and no pool
// ever carries the refused change. Fails until the function does.
func (s *suite) day2ServiceAccount(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-gcp.yaml", "day2-gcp-sa")
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	s.ready(ctx, t, x)

	_, cs, err := s.composedOf(ctx, gvk, name)
	if err != nil {
		t.Fatal(err)
	}
	var poolGVK schema.GroupVersionKind
	var old []string
	for _, c := range cs {
		if c.obj != nil && c.ref.Kind == "NodePool" && strings.HasPrefix(c.ref.Group, "container.gcp.") {
			poolGVK = c.ref
			old = append(old, c.obj.GetName())
		}
	}
	if len(old) == 0 {
		t.Fatalf("%s composes no GKE NodePool\n%s", name, report())
	}
	sort.Strings(old)
	const newSA = "spaces-nodes-v2@my-project.iam.gserviceaccount.com"
	mergePatchXR(ctx, t, s, gvk, name, map[string]any{"spec": map[string]any{"gcp": map[string]any{"nodeServiceAccount": newSA}}})

	replacement := map[string]*regexp.Regexp{}
	for _, o := range old {
		replacement[o] = regexp.MustCompile("^" + regexp.QuoteMeta(o) + poolSuffix + "$")
	}
	watchFor(ctx, t, 3*stepTimeout, fmt.Sprintf("each of the %d GKE pools replaced by one with serviceAccount %s", len(old), newSA), func() (bool, string, string, error) {
		xr, err := s.k.get(ctx, gvk, "", name)
		if err != nil || xr == nil {
			return false, "XR absent", "", err
		}
		if st, r, m := condition(xr, "Synced"); st == "False" {
			return false, "", fmt.Sprintf("%s went Synced=False (%s): %s; expected it to replace the pools", name, r, m), nil
		}
		all, err := s.k.list(ctx, poolGVK)
		if err != nil {
			return false, "", "", err
		}
		pools := map[string]*unstructured.Unstructured{}
		for i := range all {
			if all[i].GetLabels()[compositeLabel] == name {
				pools[all[i].GetName()] = &all[i]
			}
		}
		for n, p := range pools {
			if st, _, m := condition(p, "Synced"); st == "False" && strings.Contains(m, upjetRefuseForceNew) {
				return false, "", fmt.Sprintf("NodePool %s is Synced=False, refused by upjet: %s", n, m), nil
			}
		}
		var waiting []string
		for _, o := range old {
			var news []*unstructured.Unstructured
			for n, p := range pools {
				if replacement[o].MatchString(n) {
					news = append(news, p)
				}
			}
			newReady := len(news) == 1 && readyTrue(news[0])
			if p := pools[o]; (p == nil || p.GetDeletionTimestamp() != nil) && !newReady {
				return false, "", fmt.Sprintf("NodePool %s is being deleted or gone while its replacement is not Ready (%s)", o, describe(news)), nil
			}
			switch {
			case len(news) == 0:
				waiting = append(waiting, o+": no replacement yet")
			case len(news) > 1:
				waiting = append(waiting, fmt.Sprintf("%s: %d replacements (%s)", o, len(news), describe(news)))
			case !newReady:
				waiting = append(waiting, news[0].GetName()+" not Ready")
			case serviceAccount(news[0]) != newSA:
				waiting = append(waiting, fmt.Sprintf("%s has serviceAccount %q", news[0].GetName(), serviceAccount(news[0])))
			case pools[o] != nil:
				waiting = append(waiting, o+" not deleted yet")
			}
		}
		if len(pools) != len(old) && len(waiting) == 0 {
			waiting = append(waiting, fmt.Sprintf("%d pools, want %d", len(pools), len(old)))
		}
		return len(waiting) == 0, strings.Join(waiting, "; "), "", nil
	}, report)
}

func readyTrue(o *unstructured.Unstructured) bool {
	st, _, _ := condition(o, "Ready")
	return st == "True"
}

func serviceAccount(o *unstructured.Unstructured) string {
	v, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "nodeConfig", "serviceAccount")
	return v
}

func describe(objs []*unstructured.Unstructured) string {
	if len(objs) == 0 {
		return "none"
	}
	var out []string
	for _, o := range objs {
		st, r, _ := condition(o, "Ready")
		out = append(out, fmt.Sprintf("%s Ready=%s %s", o.GetName(), st, r))
	}
	return strings.Join(out, ", ")
}

// d. Azure: a new etcd vmSize cycles each zonal etcd pool (azurerm deletes
// and recreates it). Expected (issue 22, function side): the function
// changes one etcd pool at a time, the next only once the previous one's
// cycle ended, so at most one etcd member is down; in the end all three
// run the new size. Fails until the function does.
func (s *suite) day2AKSVMSize(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-azure.yaml", "day2-azure-vmsize")
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	s.ready(ctx, t, x)

	etcdPools := func(cs []composed) []*unstructured.Unstructured {
		var out []*unstructured.Unstructured
		for _, c := range cs {
			if c.obj != nil && c.ref.Kind == "KubernetesClusterNodePool" && strings.HasPrefix(c.obj.GetAnnotations()[compositionResourceName], "etcd-nodepool") {
				out = append(out, c.obj)
			}
		}
		return out
	}
	_, cs, err := s.composedOf(ctx, gvk, name)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(etcdPools(cs)); n != 3 {
		t.Fatalf("%s composes %d etcd node pools, want 3 (one per zone)\n%s", name, n, report())
	}
	const size = "Standard_D16s_v5"
	mergePatchXR(ctx, t, s, gvk, name, map[string]any{"spec": map[string]any{"nodePools": map[string]any{"etcd": map[string]any{"machineTypes": []any{size}}}}})

	watchFor(ctx, t, 3*stepTimeout, "every etcd pool cycled to "+size+" and "+name+" Ready", func() (bool, string, string, error) {
		if o := overlapping(etcdCycles(s.fake.cyclesOf(name))); o != "" {
			return false, "", o, nil
		}
		xr, cs, err := s.composedOf(ctx, gvk, name)
		if err != nil || xr == nil {
			return false, "XR absent", "", err
		}
		var waiting []string
		for _, p := range etcdPools(cs) {
			want, _, _ := unstructured.NestedString(p.Object, "spec", "forProvider", "vmSize")
			have, _, _ := unstructured.NestedString(p.Object, "status", "atProvider", "vmSize")
			switch {
			case want != size:
				waiting = append(waiting, fmt.Sprintf("%s: spec vmSize %s", p.GetName(), want))
			case have != size:
				waiting = append(waiting, fmt.Sprintf("%s: the cloud runs %s", p.GetName(), have))
			case !readyTrue(p):
				waiting = append(waiting, p.GetName()+" not Ready")
			}
		}
		if st, r, m := condition(xr, "Ready"); st != "True" {
			waiting = append(waiting, fmt.Sprintf("%s Ready=%s %s %s", name, st, r, m))
		}
		return len(waiting) == 0, strings.Join(waiting, "; "), "", nil
	}, report)

	cycled := map[string]bool{}
	for _, c := range etcdCycles(s.fake.cyclesOf(name)) {
		cycled[c.Name] = true
	}
	if len(cycled) != 3 {
		t.Errorf("%d etcd pools cycled, want 3: %s", len(cycled), describeCycles(etcdCycles(s.fake.cyclesOf(name))))
	}
	t.Logf("etcd pool cycles: %s", describeCycles(etcdCycles(s.fake.cyclesOf(name))))
}

func etcdCycles(cs []cycleRecord) []cycleRecord {
	return slices.DeleteFunc(cs, func(c cycleRecord) bool { return !strings.HasPrefix(c.Resource, "etcd-nodepool") })
}

// overlapping describes two cycles that ran at the same time, or "".
func overlapping(cs []cycleRecord) string {
	for i, a := range cs {
		for _, b := range cs[i+1:] {
			aEnd, bEnd := a.End, b.End
			if aEnd.IsZero() {
				aEnd = time.Now()
			}
			if bEnd.IsZero() {
				bEnd = time.Now()
			}
			if a.Start.Before(bEnd) && b.Start.Before(aEnd) {
				return fmt.Sprintf("two etcd pools cycled at once (two etcd members down): %s", describeCycles([]cycleRecord{a, b}))
			}
		}
	}
	return ""
}

func describeCycles(cs []cycleRecord) string {
	if len(cs) == 0 {
		return "none"
	}
	var out []string
	for _, c := range cs {
		end := "running"
		if !c.End.IsZero() {
			end = c.End.UTC().Format("15:04:05.000")
		}
		out = append(out, fmt.Sprintf("%s (%s, for %s) %s-%s", c.Name, c.Resource, strings.Join(c.Fields, ","), c.Start.UTC().Format("15:04:05.000"), end))
	}
	return strings.Join(out, "; ")
}

// e. A new Spaces version upgrades the Release's chart in place: nothing
// composed is replaced.
func (s *suite) day2SpacesVersion(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-aws.yaml", "day2-version")
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	was, _, _ := unstructured.NestedString(x.Object, "spec", "spaces", "version")
	s.ready(ctx, t, x)

	_, cs, err := s.composedOf(ctx, gvk, name)
	if err != nil {
		t.Fatal(err)
	}
	uids := map[string]composed{}
	for _, c := range cs {
		if c.obj != nil {
			uids[string(c.obj.GetUID())] = c
		}
	}
	const version = "1.17.2"
	if was == version {
		t.Fatalf("the example already runs %s", version)
	}
	mergePatchXR(ctx, t, s, gvk, name, map[string]any{"spec": map[string]any{"spaces": map[string]any{"version": version}}})
	watchFor(ctx, t, 2*stepTimeout, "the Release to install chart "+version, func() (bool, string, string, error) {
		xr, cs, err := s.composedOf(ctx, gvk, name)
		if err != nil || xr == nil {
			return false, "XR absent", "", err
		}
		if st, r, m := condition(xr, "Synced"); st == "False" {
			return false, "", fmt.Sprintf("%s went Synced=False (%s): %s", name, r, m), nil
		}
		rel := firstOf(cs, "Release", "helm.")
		if rel == nil {
			return false, "no Release", "", nil
		}
		v, _, _ := unstructured.NestedString(rel.Object, "spec", "forProvider", "chart", "version")
		return v == version, "the Release's chart version is " + v, "", nil
	}, report)
	s.waitXR(ctx, t, gvk, name, "Ready after the upgrade", func(o *unstructured.Unstructured) (bool, string) {
		st, r, m := condition(o, "Ready")
		return st == "True", fmt.Sprintf("Ready=%s %s %s", st, r, m)
	})
	for _, c := range uids {
		o, err := s.k.get(ctx, c.ref, c.obj.GetNamespace(), c.obj.GetName())
		switch {
		case err != nil:
			t.Error(err)
		case o == nil:
			t.Errorf("%s %s was deleted by the upgrade", c.ref.Kind, key(c.obj))
		case o.GetUID() != c.obj.GetUID():
			t.Errorf("%s %s was replaced by the upgrade (uid %s, was %s)", c.ref.Kind, key(c.obj), o.GetUID(), c.obj.GetUID())
		}
	}
}

// f. AWS: the database outlives its XR (orphaned), and an XR applied again
// adopts it. Its password must be the one the database was made with: the
// generated password Secret is owned by the deleted Instance, so Kubernetes'
// garbage collector deletes it with the XR. Expected (issue 22, function
// side): the function keeps a copy in the management cluster through a
// provider-kubernetes Object (spec.providerConfigs.management) and the
// adopted Instance gets the same password back. Fails until it does.
func (s *suite) day2OrphanReadopt(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	x := s.day2XR(t, "example/xr-aws.yaml", "day2-aws-readopt")
	// The suite's in-cluster ProviderConfig (the management cluster is the
	// Space cluster here).
	if err := unstructured.SetNestedField(x.Object, providerConfig, "spec", "providerConfigs", "management"); err != nil {
		t.Fatal(err)
	}
	gvk, name := x.GroupVersionKind(), x.GetName()
	report := s.xrReport(ctx, gvk, "", name)
	if err := s.k.apply(ctx, x.DeepCopy()); err != nil && strings.Contains(err.Error(), "field not declared in schema") {
		// The XRD does not know the field yet: say so, and go on without
		// it, so the rest of the sequence still runs.
		t.Errorf("the XRD has no spec.providerConfigs.management, which keeps the generated password in the management cluster: %v", err)
		unstructured.RemoveNestedField(x.Object, "spec", "providerConfigs", "management")
	}
	s.ready(ctx, t, x.DeepCopy())

	_, cs, err := s.composedOf(ctx, gvk, name)
	if err != nil {
		t.Fatal(err)
	}
	inst := firstOf(cs, "Instance", "rds.aws.")
	if inst == nil {
		t.Fatalf("%s composes no RDS Instance\n%s", name, report())
	}
	if !orphans(inst) {
		t.Fatalf("the Instance %s is deleted with its XR (deletionPolicy and managementPolicies): this sequence needs it orphaned\n%s", inst.GetName(), dump(inst))
	}
	ref := passwordRef(inst)
	if ref.name == "" {
		t.Fatalf("the Instance names no password Secret\n%s", dump(inst))
	}
	sec, err := s.k.get(ctx, gvkSecret, ref.namespace, ref.name)
	if err != nil || sec == nil {
		t.Fatalf("password Secret %s/%s: %v (absent: %v)", ref.namespace, ref.name, err, sec == nil)
	}
	// The owner reference upjet's PasswordGenerator gives it (the fake's
	// fidelity, checked here where it matters).
	owned := false
	for _, r := range sec.GetOwnerReferences() {
		if r.UID == inst.GetUID() {
			owned = r.APIVersion == inst.GetAPIVersion() && r.Kind == inst.GetKind() && r.Name == inst.GetName() && r.Controller == nil
		}
	}
	if !owned {
		t.Errorf("the generated password Secret should be owned by Instance %s (meta.AsOwner: apiVersion, kind, name, uid, not controller)\n%s", inst.GetName(), dump(sec))
	}
	hash := secretHash(sec, ref.key)
	if hash == "" {
		t.Fatalf("password Secret %s/%s holds no %q", ref.namespace, ref.name, ref.key)
	}

	if err := s.k.delete(ctx, gvk, "", name); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, stepTimeout, name+" and everything it composed to be deleted, and the password Secret with its Instance", func() (bool, string, error) {
		if o, err := s.k.get(ctx, gvk, "", name); err != nil || o != nil {
			return false, name + " still exists", err
		}
		for _, c := range cs {
			if c.obj == nil {
				continue
			}
			if o, err := s.k.get(ctx, c.ref, c.obj.GetNamespace(), c.obj.GetName()); err != nil || o != nil {
				return false, fmt.Sprintf("%s %s still exists", c.ref.Kind, key(c.obj)), err
			}
		}
		sec, err := s.k.get(ctx, gvkSecret, ref.namespace, ref.name)
		if err != nil {
			return false, "", err
		}
		if sec != nil {
			for _, r := range sec.GetOwnerReferences() {
				if r.UID == inst.GetUID() {
					return false, "the password Secret is still owned by the deleted Instance (garbage collector)", nil
				}
			}
		}
		return true, "", nil
	}, report)
	if got := s.fake.state(inst); got != externalOrphaned {
		t.Fatalf("the database after the XR's deletion is %q in the cloud, want %q", got, externalOrphaned)
	}

	mustApply(ctx, t, s.k, x.DeepCopy())
	s.waitXR(ctx, t, gvk, name, "Synced and Ready again, its database adopted", func(o *unstructured.Unstructured) (bool, string) {
		ss, sr, sm := condition(o, "Synced")
		rs, rr, rm := condition(o, "Ready")
		return ss == "True" && rs == "True", fmt.Sprintf("Synced=%s %s %s; Ready=%s %s %s", ss, sr, sm, rs, rr, rm)
	})
	sec, err = s.k.get(ctx, gvkSecret, ref.namespace, ref.name)
	switch {
	case err != nil:
		t.Fatal(err)
	case sec == nil:
		t.Errorf("after the re-adoption there is no password Secret %s/%s", ref.namespace, ref.name)
	case secretHash(sec, ref.key) != hash:
		t.Errorf("the re-adopted database's password Secret %s/%s holds another password (sha256 %.12s..., was %.12s...): "+
			"a new password was generated, which the orphaned database does not have", ref.namespace, ref.name, secretHash(sec, ref.key), hash)
	}
}

// secretHash is the sha256 of a Secret's value, never the value.
func secretHash(s *unstructured.Unstructured, k string) string {
	v, _, _ := unstructured.NestedString(s.Object, "data", k)
	if v == "" {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The fake cloud's upjet behaviour, on managed resources of no XR (nothing
// reverts their edits): a ForceNew edit refused with upjet's message and
// Ready kept, then accepted again once put back; an AKS vmSize edit cycling
// the pool with the old size observed until the cycle ends; a Flexible
// Server update without its zone failing with azurerm's message.
func (s *suite) day2FakeFidelity(ctx context.Context, t *testing.T) { //nolint:thelper // the body of a subtest.
	const owner = "fake-fidelity"
	s.fake.release(owner)
	mr := func(apiVersion, kind, name string, forProvider map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": name, "labels": map[string]any{compositeLabel: owner},
				"annotations": map[string]any{compositionResourceName: "fidelity-" + strings.ToLower(kind)}},
			"spec": map[string]any{"forProvider": forProvider, "managementPolicies": []any{"Observe", "Create", "Update", "Delete"}},
		}}
	}
	gke := mr("container.gcp.upbound.io/v1beta2", "NodePool", "fidelity-gke", map[string]any{
		"cluster": "spaces-prod", "location": "us-central1",
		"nodeConfig": map[string]any{"serviceAccount": "a@p.iam.gserviceaccount.com", "machineType": "n2-standard-8"},
	})
	aks := mr("containerservice.azure.upbound.io/v1beta2", "KubernetesClusterNodePool", "fidelity-aks", map[string]any{
		"kubernetesClusterId": "/subscriptions/0/resourceGroups/spaces-rg/providers/Microsoft.ContainerService/managedClusters/spaces-prod",
		"vmSize":              "Standard_D8s_v5", "zones": []any{"1"}, "minCount": int64(1), "maxCount": int64(3),
	})
	server := mr("dbforpostgresql.azure.upbound.io/v1beta2", "FlexibleServer", "fidelity-pg", map[string]any{
		"location": "eastus", "resourceGroupName": "spaces-rg", "skuName": "GP_Standard_D2ds_v5",
		"highAvailability": map[string]any{"mode": "ZoneRedundant"},
	})
	objs := []*unstructured.Unstructured{gke, aks, server}
	t.Cleanup(func() {
		for _, o := range objs {
			_ = s.k.delete(ctx, o.GroupVersionKind(), "", o.GetName())
		}
	})
	for _, o := range objs {
		mustApply(ctx, t, s.k, o)
	}
	get := func(o *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return s.k.get(ctx, o.GroupVersionKind(), "", o.GetName())
	}
	report := func(o *unstructured.Unstructured) func() string {
		return func() string { g, _ := get(o); return dump(g) + s.report() }
	}
	until := func(o *unstructured.Unstructured, what string, ok func(*unstructured.Unstructured) (bool, string)) *unstructured.Unstructured {
		t.Helper()
		var last *unstructured.Unstructured
		eventually(ctx, t, stepTimeout, o.GetKind()+" "+o.GetName()+" "+what, func() (bool, string, error) {
			g, err := get(o)
			if err != nil || g == nil {
				return false, "absent", err
			}
			last = g
			done, msg := ok(g)
			return done, msg, nil
		}, report(o))
		return last
	}
	conds := func(g *unstructured.Unstructured) string {
		ss, sr, sm := condition(g, "Synced")
		rs, rr, _ := condition(g, "Ready")
		return fmt.Sprintf("Synced=%s %s %q; Ready=%s %s", ss, sr, sm, rs, rr)
	}
	readyAndSynced := func(g *unstructured.Unstructured) (bool, string) {
		ss, _, _ := condition(g, "Synced")
		return ss == "True" && readyTrue(g), conds(g)
	}
	for _, o := range objs {
		until(o, "Ready and Synced", readyAndSynced)
	}
	// What the cloud filled in.
	if g, _ := get(aks); g != nil {
		if v, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "vnetSubnetId"); v != fakeSubnetID {
			t.Errorf("the AKS pool's atProvider.vnetSubnetId is %q, want the cluster's subnet %q", v, fakeSubnetID)
		}
	}
	if g, _ := get(server); g != nil {
		zone, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "zone")
		standby, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "highAvailability", "standbyAvailabilityZone")
		if zone != "1" || standby != "2" {
			t.Errorf("the Flexible Server's atProvider zone %q and standby zone %q, want 1 and 2", zone, standby)
		}
	}

	// A ForceNew edit: refused, Ready kept; put back: Synced again.
	patch := func(o *unstructured.Unstructured, fp map[string]any) {
		t.Helper()
		if err := s.k.mergePatch(ctx, o, mustJSON(map[string]any{"spec": map[string]any{"forProvider": fp}})); err != nil {
			t.Fatal(err)
		}
	}
	patch(gke, map[string]any{"nodeConfig": map[string]any{"serviceAccount": "b@p.iam.gserviceaccount.com"}})
	want := forceNewMessage(`cannot change the value of the argument "node_config.0.service_account" from "a@p.iam.gserviceaccount.com" to "b@p.iam.gserviceaccount.com"`)
	until(gke, "refused by upjet, Ready kept", func(g *unstructured.Unstructured) (bool, string) {
		ss, sr, sm := condition(g, "Synced")
		return ss == "False" && sr == "ReconcileError" && sm == want && readyTrue(g), conds(g)
	})
	patch(gke, map[string]any{"nodeConfig": map[string]any{"serviceAccount": "a@p.iam.gserviceaccount.com"}})
	until(gke, "Synced again once put back", readyAndSynced)

	// A vmSize edit cycles the AKS pool: the old size observed until the
	// cycle ends, Ready kept all along (upjet's async update).
	patch(aks, map[string]any{"vmSize": "Standard_D16s_v5", "vnetSubnetId": fakeSubnetID})
	eventually(ctx, t, stepTimeout, "the AKS pool's cycle to start", func() (bool, string, error) {
		cs := s.fake.cyclesOf(owner)
		return len(cs) > 0, "no cycle recorded", nil
	}, report(aks))
	if g, _ := get(aks); g != nil {
		v, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "vmSize")
		if c := s.fake.cyclesOf(owner); len(c) > 0 && c[0].End.IsZero() && (v != "Standard_D8s_v5" || !readyTrue(g)) {
			t.Errorf("while the pool cycles: atProvider.vmSize %q (want the old Standard_D8s_v5) and %s (want Ready kept)", v, conds(g))
		}
	}
	until(aks, "cycled to Standard_D16s_v5", func(g *unstructured.Unstructured) (bool, string) {
		v, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "vmSize")
		return v == "Standard_D16s_v5" && readyTrue(g), "atProvider.vmSize " + v + "; " + conds(g)
	})
	if c := s.fake.cyclesOf(owner); len(c) != 1 || c[0].End.Sub(c[0].Start) < aksCycleDuration || !slices.Equal(c[0].Fields, []string{"vmSize"}) {
		t.Errorf("want one cycle of at least %s for vmSize, got %s", aksCycleDuration, describeCycles(c))
	}

	// An update of a Flexible Server that leaves its zone out fails.
	patch(server, map[string]any{"skuName": "GP_Standard_D4ds_v5"})
	until(server, "failing with azurerm's zone error", func(g *unstructured.Unstructured) (bool, string) {
		ss, _, sm := condition(g, "Synced")
		return ss == "False" && strings.Contains(sm, azurermZoneMessage) && readyTrue(g), conds(g)
	})
	patch(server, map[string]any{"zone": "1"})
	until(server, "updated once its zone is named", func(g *unstructured.Unstructured) (bool, string) {
		sku, _, _ := unstructured.NestedString(g.Object, "status", "atProvider", "skuName")
		ok, msg := readyAndSynced(g)
		return ok && sku == "GP_Standard_D4ds_v5", "atProvider.skuName " + sku + "; " + msg
	})
}
