package cluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// chaosDown is how long a restarted process stays down: a Pod restart or a
// control plane upgrade takes a few seconds at least.
const chaosDown = 3 * time.Second

// fault is one fault the faults experiment injects.
type fault struct {
	name   string
	inject func(ctx context.Context, t *testing.T)
}

func (c *chaosPlane) faults() []fault {
	killAndRestart := func(name string) func(context.Context, *testing.T) {
		return func(ctx context.Context, t *testing.T) {
			t.Helper()
			c.kill(t, name)
			time.Sleep(chaosDown)
			c.respawn(ctx, t, name)
		}
	}
	stopAndStart := func(name string) func(context.Context, *testing.T) {
		return func(ctx context.Context, t *testing.T) {
			t.Helper()
			c.stop(t, name)
			time.Sleep(chaosDown)
			c.respawn(ctx, t, name)
		}
	}
	return []fault{
		{"SIGKILL function", killAndRestart("function")},
		{"SIGKILL provider-kubernetes", killAndRestart("provider-kubernetes")},
		{"SIGKILL crossplane", killAndRestart("crossplane")},
		{"restart kube-apiserver", stopAndStart("kube-apiserver")},
		{"restart etcd", stopAndStart("etcd")},
	}
}

// chaosFaults injects each fault twice on one plane: while a new XR
// converges (once its first resources are composed, before it is Ready)
// and once everything is Ready. After each: every XR Ready again, the UID
// of every composed object and of every object provider-kubernetes created
// unchanged, nothing duplicated, and the time to recover.
func chaosFaults(ctx context.Context, t *testing.T, e env, sum *chaosSummary) { //nolint:thelper // the body of a subtest.
	c := newChaosPlane(ctx, t, e)
	var names []string
	for i := range chaosClouds {
		n := fmt.Sprintf("steady-%d", i)
		c.s.fake.release(n)
		mustApply(ctx, t, c.s.k, c.xr(t, i, n))
		names = append(names, n)
	}
	c.waitAllReady(ctx, t, names, loadReadyWithin, "the steady XRs to be Ready")
	gvk := c.xr(t, 0, "probe").GroupVersionKind()

	for i, f := range c.faults() {
		if t.Failed() {
			return
		}
		// 1. While a new XR converges.
		t.Run(f.name+"/converging", func(t *testing.T) {
			n := fmt.Sprintf("conv-%d", i)
			was := c.identity(ctx, t, names)
			c.s.fake.release(n)
			mustApply(ctx, t, c.s.k, c.xr(t, i, n))
			// The chosen moment: its first resources composed, not Ready.
			var partial map[string]string
			eventually(ctx, t, stepTimeout, n+" to have its first composed resources", func() (bool, string, error) {
				xr, cs, err := c.s.composedOf(ctx, gvk, n)
				if err != nil || xr == nil {
					return false, "absent", err
				}
				partial = map[string]string{}
				for _, cr := range cs {
					if cr.obj != nil {
						partial[n+" "+cr.ref.Kind+"/"+key(cr.obj)] = string(cr.obj.GetUID())
					}
				}
				return len(partial) > 0, "nothing composed yet", nil
			}, c.s.report)
			xr, _ := c.s.k.get(ctx, gvk, "", n)
			readyAtFault, _, _ := condition(xr, "Ready")
			start := time.Now()
			f.inject(ctx, t)
			c.supervise(ctx, t)
			back := time.Now()
			names = append(names, n)
			c.waitAllReady(ctx, t, names, 2*stepTimeout, "every XR to be Ready after "+f.name)
			recovered := time.Since(back)
			now := c.identity(ctx, t, names)
			changed := was.diff(now)
			for k, uid := range partial {
				if now.uids[k] != uid {
					changed = append(changed, fmt.Sprintf("%s, composed before the fault (uid %s), is now %q", k, uid, now.uids[k]))
				}
			}
			changed = append(changed, now.duplicates()...)
			sum.add(t, "faults", f.name+", converging",
				"XRs", len(names), "composed at the fault", len(partial), "new XR Ready at the fault", readyAtFault,
				"fault (down) time", back.Sub(start), "time to all Ready", recovered,
				"objects deleted/recreated/duplicated", len(changed), "process restarts", restartsString(c.restarts))
			if len(changed) > 0 {
				t.Errorf("after %s while %s converged:\n%s", f.name, n, strings.Join(changed, "\n"))
			}
		})
		if t.Failed() {
			return
		}
		// 2. Once everything is Ready.
		t.Run(f.name+"/ready", func(t *testing.T) {
			was := c.identity(ctx, t, names)
			start := time.Now()
			f.inject(ctx, t)
			c.supervise(ctx, t)
			back := time.Now()
			c.waitAllReady(ctx, t, names, 2*stepTimeout, "every XR to be Ready after "+f.name)
			recovered := time.Since(back)
			// Synced too: Crossplane has reconciled them since.
			c.waitAllSynced(ctx, t, names)
			now := c.identity(ctx, t, names)
			changed := append(was.diff(now), now.duplicates()...)
			sum.add(t, "faults", f.name+", all Ready",
				"XRs", len(names), "composed at the fault", len(was.uids), "new XR Ready at the fault", "-",
				"fault (down) time", back.Sub(start), "time to all Ready", recovered,
				"objects deleted/recreated/duplicated", len(changed), "process restarts", restartsString(c.restarts))
			if len(changed) > 0 {
				t.Errorf("after %s with every XR Ready:\n%s", f.name, strings.Join(changed, "\n"))
			}
		})
	}
}

func restartsString(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	var out []string
	for _, n := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "crossplane", "function", "provider-kubernetes"} {
		if m[n] > 0 {
			out = append(out, fmt.Sprintf("%s %d", n, m[n]))
		}
	}
	return strings.Join(out, ", ")
}

// waitAllSynced waits until every named XR is Synced.
func (c *chaosPlane) waitAllSynced(ctx context.Context, t *testing.T, names []string) {
	t.Helper()
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	eventually(ctx, t, 2*stepTimeout, "every XR to be Synced", func() (bool, string, error) {
		var waiting []string
		for _, n := range names {
			o, err := c.s.k.get(ctx, gvk, "", n)
			if err != nil || o == nil {
				return false, n + " absent", err
			}
			if st, r, m := condition(o, "Synced"); st != "True" {
				waiting = append(waiting, fmt.Sprintf("%s (Synced=%s %s %s)", n, st, r, m))
			}
		}
		return len(waiting) == 0, strings.Join(waiting, "; "), nil
	}, c.s.report)
}

// duplicates lists the XRs that have more objects of a kind labelled with
// their name than they reference: a composed resource created twice.
func (id identity) duplicates() []string {
	var out []string
	for k, n := range id.counts {
		if r := id.refs[k]; n > r {
			out = append(out, fmt.Sprintf("%s: %d objects labelled with the XR, %d referenced", k, n, r))
		}
	}
	return out
}

// phaseOf is a short description of an XR's Synced and Ready conditions.
func phaseOf(o *unstructured.Unstructured) string {
	ss, sr, sm := condition(o, "Synced")
	rs, rr, rm := condition(o, "Ready")
	return fmt.Sprintf("Synced=%s %s %s; Ready=%s %s %s", ss, sr, sm, rs, rr, rm)
}
