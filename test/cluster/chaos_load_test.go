package cluster_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	// loadReadyWithin is the bound: 64 XRs applied at once are all
	// Ready within 5 minutes on the 2-core machine.
	loadReadyWithin = 5 * time.Minute
	// loadWaitAtMost is how long the load experiment waits to measure the
	// time to all Ready, past the bound it asserts.
	loadWaitAtMost = 15 * time.Minute
	// loadProviderPoll is provider-kubernetes' poll interval in the load
	// experiment. The suite's 10s re-observes each of the hundreds of
	// Objects 64 XRs compose every 10s, each observation a handful of
	// requests (its ProviderConfig's Secret, the OpenAPI discovery index
	// its server-side apply reads, the object, a status update): about
	// half the API server's requests in a 64-XR run, on the same 2 CPUs.
	// The provider's default is 10m; 30s keeps the emulated Karpenter's
	// readiness, which Objects derive from what they observe, within
	// the bound.
	loadProviderPoll = 30 * time.Second
	// loadAppliers is how many XRs the load experiment applies at once.
	loadAppliers = 8
	// chaosLoadQuiet is how long the load experiment keeps watching once all
	// are Ready, for Ready flaps.
	chaosLoadQuiet = 20 * time.Second
)

// loadSizes are the XR counts of the load experiment (CHAOS_LOAD=8,32 to
// choose others).
func loadSizes(t *testing.T) []int {
	t.Helper()
	v := os.Getenv("CHAOS_LOAD")
	if v == "" {
		return []int{8, 32, 64}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			t.Fatalf("CHAOS_LOAD=%q: want a comma-separated list of XR counts", v)
		}
		out = append(out, n)
	}
	return out
}

// chaosLoad applies n XRs over the three clouds at once, each size on a
// fresh plane (the function's peak RSS is its process's), and measures the
// time until all are Ready, each XR's time to its first Ready, the
// function's calls and errors, its peak RSS and the circuit-breaker opens.
func chaosLoad(ctx context.Context, t *testing.T, e env, sum *chaosSummary) { //nolint:thelper // the body of a subtest.
	for _, n := range loadSizes(t) {
		t.Run(strconv.Itoa(n), func(t *testing.T) { loadOnce(ctx, t, e, sum, n) })
	}
}

func loadOnce(ctx context.Context, t *testing.T, e env, sum *chaosSummary, n int) { //nolint:thelper // the body of a subtest.
	e.providerPoll = loadProviderPoll
	c := newChaosPlane(ctx, t, e)
	w := c.watchXRs(ctx, t)
	names := make([]string, n)
	xrs := make([]*unstructured.Unstructured, n)
	for i := range n {
		names[i] = fmt.Sprintf("load-%03d", i)
		xrs[i] = c.xr(t, i, names[i])
		c.s.fake.release(names[i])
	}
	before, err := c.fnCalls(ctx)
	if err != nil {
		t.Fatalf("cannot read the function's metrics: %v", err)
	}
	start := time.Now()
	applyAll(ctx, t, c.s.k, xrs, loadAppliers)
	t.Logf("%d XRs applied in %.1fs", n, time.Since(start).Seconds())
	eventually(ctx, t, loadWaitAtMost, fmt.Sprintf("%d XRs applied at once to be Ready", n), func() (bool, string, error) {
		first := w.firstReady()
		var waiting []string
		for _, nm := range names {
			if _, ok := first[nm]; !ok {
				waiting = append(waiting, nm)
			}
		}
		return len(waiting) == 0, fmt.Sprintf("%d of %d never Ready yet: %s", len(waiting), n, strings.Join(waiting, " ")), nil
	}, c.s.report)
	first := w.firstReady()
	var per []time.Duration
	var all time.Duration
	for _, nm := range names {
		d := first[nm].Sub(start)
		per = append(per, d)
		all = max(all, d)
	}
	readyAt := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(chaosLoadQuiet):
	}
	flaps := w.flaps(start)
	after, err := c.fnCalls(ctx)
	if err != nil {
		t.Fatalf("cannot read the function's metrics: %v", err)
	}
	calls := after["ok"] + after["fatal"] + after["panic"] - before["ok"] - before["fatal"] - before["panic"]
	errs := after["fatal"] + after["panic"] - before["fatal"] - before["panic"]
	rss, err := c.peakRSS()
	if err != nil {
		t.Errorf("cannot read the function's peak RSS: %v", err)
	}
	opens := w.circuitOpens()
	t.Logf("%d XRs: all Ready %.1fs after the apply; p50 %.1fs p99 %.1fs; %0.f function calls, %0.f errors; peak RSS %.1f MiB; %d circuit-breaker opens (%d log lines); %d Ready flaps in %s after",
		n, all.Seconds(), percentile(per, 50).Seconds(), percentile(per, 99).Seconds(), calls, errs, rss, opens, c.circuitLogLines(), len(flaps), time.Since(readyAt).Round(time.Second))
	sum.add(t, "load", fmt.Sprintf("%d XRs", n),
		"all Ready", all, "p50 per XR", percentile(per, 50), "p99 per XR", percentile(per, 99),
		"function calls", calls, "function errors", errs, "function peak RSS (MiB)", rss,
		"circuit-breaker opens", opens, "Ready flaps", len(flaps))
	if all > loadReadyWithin {
		t.Errorf("%d XRs applied at once were all Ready after %s, want within %s", n, all.Round(time.Second), loadReadyWithin)
	}
	if errs != 0 {
		t.Errorf("the function answered %0.f calls with a Fatal result or a panic, want 0", errs)
	}
	if len(flaps) > 0 {
		t.Errorf("%d Ready True -> False transitions with nothing edited:\n%s", len(flaps), strings.Join(flaps, "\n"))
	}
}

// applyAll applies objects with n appliers at once, as n users (or a GitOps
// controller's workers) would.
func applyAll(ctx context.Context, t *testing.T, k *kube, objs []*unstructured.Unstructured, n int) {
	t.Helper()
	work := make(chan *unstructured.Unstructured)
	errs := make(chan error, len(objs))
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				if err := k.apply(ctx, o); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, o := range objs {
		work <- o
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}
