package cluster_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// badXR is an XR with one bad field, and the field its refusal must name.
type badXR struct {
	name, field string
	cloud       int
	set         func(*unstructured.Unstructured) error
}

func setField(v any, path ...string) func(*unstructured.Unstructured) error {
	return func(x *unstructured.Unstructured) error { return unstructured.SetNestedField(x.Object, v, path...) }
}

// chaosBadInput applies XRs the API server refuses and XRs the function
// refuses (a Fatal result) between good ones: the good ones become Ready as
// usual, every refusal names its field, and the refused XRs compose nothing.
func chaosBadInput(ctx context.Context, t *testing.T, e env, sum *chaosSummary) { //nolint:thelper // the body of a subtest.
	c := newChaosPlane(ctx, t, e)
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	// Refused by the XRD's schema at apply.
	apiBad := []badXR{
		{"api-monitoring-for", "spec.monitoring.for", 0, setField("10 minutes", "spec", "monitoring", "for")},
		{"api-control-planes-zero", "spec.capacity.controlPlanes", 1, setField(int64(0), "spec", "capacity", "controlPlanes")},
		{"api-control-planes-type", "spec.capacity.controlPlanes", 2, setField("many", "spec", "capacity", "controlPlanes")},
	}
	// Admitted, then refused by the function (Fatal).
	fnBad := []badXR{
		{"fn-aws-machine-type", "spec.nodePools.etcd.machineTypes[0]", 0, setField([]any{"m7i.huge"}, "spec", "nodePools", "etcd", "machineTypes")},
		{"fn-gcp-machine-type", "spec.nodePools.etcd.machineTypes[0]", 1, setField([]any{"n2-standard-7"}, "spec", "nodePools", "etcd", "machineTypes")},
		{"fn-aws-control-planes", "spec.capacity.controlPlanes", 0, setField(int64(9000), "spec", "capacity", "controlPlanes")},
	}
	before, err := c.fnCalls(ctx)
	if err != nil {
		t.Fatalf("cannot read the function's metrics: %v", err)
	}
	var good []string
	var problems []string
	start := time.Now()
	for i := range 6 {
		n := fmt.Sprintf("good-%d", i)
		c.s.fake.release(n)
		mustApply(ctx, t, c.s.k, c.xr(t, i, n))
		good = append(good, n)
		if i >= len(apiBad) {
			continue
		}
		for _, b := range []badXR{apiBad[i], fnBad[i]} {
			x := c.xr(t, b.cloud, b.name)
			if err := b.set(x); err != nil {
				t.Fatal(err)
			}
			c.s.fake.release(b.name)
			err := c.s.k.apply(ctx, x)
			switch {
			case strings.HasPrefix(b.name, "api-") && err == nil:
				problems = append(problems, b.name+": the API server admitted it")
			case strings.HasPrefix(b.name, "api-") && !strings.Contains(err.Error(), b.field):
				problems = append(problems, fmt.Sprintf("%s: the API server's refusal does not name %s: %v", b.name, b.field, err))
			case strings.HasPrefix(b.name, "api-"):
				t.Logf("%s refused by the API server: %v", b.name, err)
			case err != nil:
				t.Fatalf("%s: %v", b.name, err)
			}
		}
	}
	readyIn := c.waitAllReady(ctx, t, good, loadReadyWithin, "the good XRs to be Ready among the bad ones")
	allGood := time.Since(start)
	eventually(ctx, t, stepTimeout, "every XR the function refuses to report its field", func() (bool, string, error) {
		var waiting []string
		for _, b := range fnBad {
			o, err := c.s.k.get(ctx, gvk, "", b.name)
			if err != nil || o == nil {
				return false, b.name + " absent", err
			}
			if st, _, m := condition(o, "Synced"); st != "False" || !strings.Contains(m, b.field) {
				waiting = append(waiting, b.name+": "+phaseOf(o))
			}
		}
		return len(waiting) == 0, strings.Join(waiting, "; "), nil
	}, c.s.report)
	for _, b := range fnBad {
		o, err := c.s.k.get(ctx, gvk, "", b.name)
		if err != nil || o == nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		_, _, m := condition(o, "Synced")
		t.Logf("%s refused by the function: %s", b.name, m)
		if refs, _, _ := unstructured.NestedSlice(o.Object, "spec", "crossplane", "resourceRefs"); len(refs) > 0 {
			problems = append(problems, fmt.Sprintf("%s: refused, yet %d composed resources", b.name, len(refs)))
		}
	}
	// The good ones: Synced and Ready, nothing duplicated, no warnings.
	c.waitAllSynced(ctx, t, good)
	problems = append(problems, c.identity(ctx, t, good).duplicates()...)
	after, err := c.fnCalls(ctx)
	if err != nil {
		t.Fatalf("cannot read the function's metrics: %v", err)
	}
	fatal := after["fatal"] - before["fatal"]
	if fatal < float64(len(fnBad)) {
		problems = append(problems, fmt.Sprintf("the function counted %0.f Fatal calls, want at least %d", fatal, len(fnBad)))
	}
	if p := after["panic"] - before["panic"]; p > 0 {
		problems = append(problems, fmt.Sprintf("the function panicked %0.f times", p))
	}
	sum.add(t, "badinput", "6 good, 3 refused by the API server, 3 by the function",
		"good XRs Ready", fmt.Sprintf("%d/%d", len(good), len(good)), "good all Ready after", allGood.Round(100*time.Millisecond),
		"wait after the last apply", readyIn, "API refusals naming the field", countNaming(problems, apiBad),
		"function refusals naming the field", len(fnBad), "function Fatal calls", fatal, "problems", len(problems))
	if len(problems) > 0 {
		t.Errorf("bad input among good:\n%s", strings.Join(problems, "\n"))
	}
}

// countNaming is how many of bad have no problem listed.
func countNaming(problems []string, bad []badXR) string {
	n := 0
	for _, b := range bad {
		ok := true
		for _, p := range problems {
			if strings.HasPrefix(p, b.name+":") {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(bad))
}
