package cluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// unreachableFor is how long the function stays down once every XR reports
// it: long enough for Crossplane to retry and for a wrong deletion to show.
const unreachableFor = 30 * time.Second

// chaosUnreachable stops the function, edits a Ready XR and applies new ones
// over the three clouds: each reports the unreachable function in its
// Synced condition, nothing composed is deleted, and once the function is
// back every XR converges.
func chaosUnreachable(ctx context.Context, t *testing.T, e env, sum *chaosSummary) { //nolint:thelper // the body of a subtest.
	c := newChaosPlane(ctx, t, e)
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	const kept = "kept"
	c.s.fake.release(kept)
	mustApply(ctx, t, c.s.k, c.xr(t, 0, kept))
	c.waitAllReady(ctx, t, []string{kept}, loadReadyWithin, kept+" to be Ready")
	was := c.identity(ctx, t, []string{kept})

	c.stop(t, "function")
	down := time.Now()
	names := []string{kept}
	for i := range chaosClouds {
		n := fmt.Sprintf("while-down-%d", i)
		c.s.fake.release(n)
		mustApply(ctx, t, c.s.k, c.xr(t, i, n))
		names = append(names, n)
	}
	// An edit makes Crossplane run the pipeline of the Ready XR again.
	mergePatchXR(ctx, t, c.s, gvk, kept, map[string]any{"spec": map[string]any{"capacity": map[string]any{"controlPlanes": 60}}})

	var msgs []string
	eventually(ctx, t, 2*stepTimeout, "every XR to report the unreachable function", func() (bool, string, error) {
		msgs = nil
		var waiting []string
		for _, n := range names {
			o, err := c.s.k.get(ctx, gvk, "", n)
			if err != nil || o == nil {
				return false, n + " absent", err
			}
			st, _, m := condition(o, "Synced")
			if st != "False" || !strings.Contains(m, fnName) {
				waiting = append(waiting, n+": "+phaseOf(o))
				continue
			}
			msgs = append(msgs, n+": "+m)
		}
		return len(waiting) == 0, strings.Join(waiting, "; "), nil
	}, c.s.report)
	reported := time.Since(down)
	for _, m := range msgs {
		t.Logf("while the function is down: %s", m)
	}
	time.Sleep(unreachableFor)
	// Nothing of the Ready XR was deleted or replaced, and the new XRs
	// composed nothing.
	mid := c.identity(ctx, t, []string{kept})
	changed := was.diff(mid)
	composedWhileDown := 0
	for _, n := range names[1:] {
		xr, err := c.s.k.get(ctx, gvk, "", n)
		if err != nil || xr == nil {
			t.Fatalf("%s: %v", n, err)
		}
		refs, _, _ := unstructured.NestedSlice(xr.Object, "spec", "crossplane", "resourceRefs")
		composedWhileDown += len(refs)
	}

	c.respawn(ctx, t, "function")
	back := time.Now()
	converge := c.waitAllReady(ctx, t, names, 2*stepTimeout, "every XR to converge once the function is back")
	after := c.identity(ctx, t, []string{kept})
	changed = append(changed, was.diff(after)...)
	changed = append(changed, c.identity(ctx, t, names).duplicates()...)
	sum.add(t, "unreachable", "function stopped, 1 edited + 3 new XRs",
		"time until all report it", reported.Round(100*time.Millisecond), "function down", back.Sub(down).Round(100*time.Millisecond),
		"composed by new XRs while down", composedWhileDown,
		"objects deleted/recreated/duplicated", len(changed), "time to all Ready once back", converge)
	if len(changed) > 0 {
		t.Errorf("while the function was unreachable or after:\n%s", strings.Join(changed, "\n"))
	}
	if composedWhileDown > 0 {
		t.Errorf("the XRs applied while the function was down reference %d composed resources before it was back", composedWhileDown)
	}
}

// chaosReadopt deletes an XR of each cloud with the default deletion policy
// (what the function marks to keep is orphaned in the cloud), applies it
// again with the same spec and checks that every orphaned cloud resource is
// adopted (the same one in the cloud, never created again) and that the
// database password is the one it had (compared by hash, never printed).
func chaosReadopt(ctx context.Context, t *testing.T, e env, sum *chaosSummary) { //nolint:thelper // the body of a subtest.
	c := newChaosPlane(ctx, t, e)
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	for i := range chaosClouds {
		cloud := strings.TrimSuffix(strings.TrimPrefix(chaosClouds[i], "example/xr-"), ".yaml")
		t.Run(cloud, func(t *testing.T) {
			n := "readopt-" + cloud
			x := c.xr(t, i, n)
			// The management cluster is this same API server: the function
			// keeps the generated password there (spec.providerConfigs.management).
			if err := unstructured.SetNestedField(x.Object, providerConfig, "spec", "providerConfigs", "management"); err != nil {
				t.Fatal(err)
			}
			c.s.fake.release(n)
			mustApply(ctx, t, c.s.k, x.DeepCopy())
			c.waitAllReady(ctx, t, []string{n}, loadReadyWithin, n+" to be Ready")
			_, cs, err := c.s.composedOf(ctx, gvk, n)
			if err != nil {
				t.Fatal(err)
			}
			type kept struct {
				c       composed
				created time.Time
			}
			var orphaned []kept
			hashes := map[string]string{}
			for _, cr := range cs {
				if cr.obj == nil || !fakeManaged(cr.ref.Group) || !orphans(cr.obj) {
					continue
				}
				orphaned = append(orphaned, kept{c: cr, created: c.s.fake.createdAt(cr.obj)})
				if ref := passwordRef(cr.obj); ref.name != "" {
					sec, err := c.s.k.get(ctx, gvkSecret, ref.namespace, ref.name)
					if err != nil || sec == nil {
						t.Fatalf("password Secret %s/%s of %s: %v (absent: %v)", ref.namespace, ref.name, key(cr.obj), err, sec == nil)
					}
					hashes[ref.namespace+"/"+ref.name+"#"+ref.key] = secretHash(sec, ref.key)
				}
			}
			if len(orphaned) == 0 {
				t.Fatalf("%s keeps nothing in the cloud on deletion: nothing to re-adopt", n)
			}

			start := time.Now()
			if err := c.s.k.delete(ctx, gvk, "", n); err != nil {
				t.Fatal(err)
			}
			eventually(ctx, t, stepTimeout, n+" and everything it composed to be deleted", func() (bool, string, error) {
				if o, err := c.s.k.get(ctx, gvk, "", n); err != nil || o != nil {
					return false, n + " still exists", err
				}
				for _, cr := range cs {
					if cr.obj == nil {
						continue
					}
					if o, err := c.s.k.get(ctx, cr.ref, cr.obj.GetNamespace(), cr.obj.GetName()); err != nil || o != nil {
						return false, fmt.Sprintf("%s %s still exists", cr.ref.Kind, key(cr.obj)), err
					}
				}
				return true, "", nil
			}, c.s.report)
			for _, k := range orphaned {
				if got := c.s.fake.state(k.c.obj); got != externalOrphaned {
					t.Fatalf("%s %s is %q in the cloud after the XR's deletion, want %q", k.c.ref.Kind, key(k.c.obj), got, externalOrphaned)
				}
			}

			mustApply(ctx, t, c.s.k, x.DeepCopy())
			readopted := c.waitAllReady(ctx, t, []string{n}, loadReadyWithin, n+" to be Ready again, re-adopting what it kept")
			var problems []string
			for _, k := range orphaned {
				o, err := c.s.k.get(ctx, k.c.ref, k.c.obj.GetNamespace(), k.c.obj.GetName())
				switch {
				case err != nil:
					t.Fatal(err)
				case o == nil:
					problems = append(problems, fmt.Sprintf("%s %s: not composed again under its name (external name), so not adopted", k.c.ref.Kind, key(k.c.obj)))
				case c.s.fake.state(o) != externalExists:
					problems = append(problems, fmt.Sprintf("%s %s is %q in the cloud", k.c.ref.Kind, key(o), c.s.fake.state(o)))
				case !c.s.fake.createdAt(o).Equal(k.created):
					problems = append(problems, fmt.Sprintf("%s %s: the cloud created it again instead of adopting it", k.c.ref.Kind, key(o)))
				}
			}
			same := 0
			for ref, h := range hashes {
				nsName, k, _ := strings.Cut(ref, "#")
				ns, name, _ := strings.Cut(nsName, "/")
				sec, err := c.s.k.get(ctx, gvkSecret, ns, name)
				switch {
				case err != nil:
					t.Fatal(err)
				case sec == nil:
					problems = append(problems, "after the re-adoption there is no password Secret "+nsName)
				case secretHash(sec, k) != h:
					problems = append(problems, fmt.Sprintf("password Secret %s holds another password (sha256 %.12s..., was %.12s...)", nsName, secretHash(sec, k), h))
				default:
					same++
				}
			}
			sum.add(t, "readopt", cloud,
				"orphaned in the cloud", len(orphaned), "re-adopted", len(orphaned)-len(problems),
				"passwords compared (sha256)", len(hashes), "same password", same,
				"delete to Ready again", time.Since(start).Round(100*time.Millisecond), "Ready after re-apply", readopted)
			if len(problems) > 0 {
				t.Errorf("%s re-adopted badly:\n%s", n, strings.Join(problems, "\n"))
			}
		})
	}
}

// createdAt is when the fake cloud created the resource a managed resource
// manages: the same time after a re-adoption, a new one after a re-creation.
func (f *fakeCloud) createdAt(o *unstructured.Unstructured) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.external[externalKey(o)]; r != nil {
		return r.created
	}
	return time.Time{}
}
