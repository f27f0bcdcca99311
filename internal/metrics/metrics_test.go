package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// TestNotReady: an XR counts from its first not ready answer until a ready
// one, and is forgotten when not called within the expiry.
func TestNotReady(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p, err := New(prometheus.NewRegistry(), WithExpiry(10*time.Minute), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	check := func(n int, d time.Duration) {
		t.Helper()
		gotN, gotD := p.notReadyNow()
		if gotN != n || gotD != d {
			t.Errorf("%d not ready, longest %s; want %d, %s", gotN, gotD, n, d)
		}
	}
	p.Observe(&fn.Call{Outcome: fn.OutcomeOK, XR: "a"})
	now = now.Add(time.Minute)
	p.Observe(&fn.Call{Outcome: fn.OutcomeFatal, FatalReason: fn.ReasonInvalidInput, XR: "b"})
	p.Observe(&fn.Call{Outcome: fn.OutcomeOK, XR: "a"})
	check(2, time.Minute)
	now = now.Add(5 * time.Minute)
	p.Observe(&fn.Call{Outcome: fn.OutcomeOK, XR: "a", Ready: true})
	check(1, 5*time.Minute)
	// b is not called again: forgotten after the expiry.
	now = now.Add(11 * time.Minute)
	check(0, 0)
}

// TestCounters: each field of a Call moves its counter.
func TestCounters(t *testing.T) {
	p, err := New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	p.Observe(&fn.Call{Outcome: fn.OutcomeFatal, FatalReason: fn.ReasonRefusedChange, Duration: time.Millisecond})
	p.Observe(&fn.Call{Outcome: fn.OutcomeOK, Warnings: []string{"spec.zones"}, Normals: []string{"staged"},
		Pending: []string{"staged", "held", "held"}})
	for _, c := range []struct {
		got  prometheus.Collector
		want float64
	}{
		{p.results.WithLabelValues("Fatal", fn.ReasonRefusedChange), 1},
		{p.results.WithLabelValues("Fatal", fn.ReasonInvalidInput), 0},
		{p.results.WithLabelValues("Warning", "spec.zones"), 1},
		{p.results.WithLabelValues("Normal", "staged"), 1},
		{p.pending.WithLabelValues("held"), 2},
		{p.pending.WithLabelValues("staged"), 1},
	} {
		if got := testutil.ToFloat64(c.got); got != c.want {
			t.Errorf("got %v, want %v", got, c.want)
		}
	}
	if n := testutil.CollectAndCount(p.duration); n != 3 {
		t.Errorf("%d duration series, want one per outcome", n)
	}
}
