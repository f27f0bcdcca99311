// Package metrics exports what each call of the function did (fn.Metrics)
// to Prometheus, on the registry of the server's metrics endpoint. Every
// label takes its values from a small fixed set; docs/metrics.md lists
// them.
package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// Namespace prefixes every metric of the function.
const Namespace = "function_space_scaling"

// The metrics' names, without the namespace.
const (
	NameResults          = "results_total"
	NameComposed         = "composed_resources_total"
	NamePending          = "pending_changes_total"
	NameDuration         = "run_function_duration_seconds"
	NameNotReady         = "xrs_not_ready"
	NameNotReadySeconds  = "xr_not_ready_max_seconds"
	severityFatal        = "Fatal"
	severityWarning      = "Warning"
	severityNormal       = "Normal"
	defaultExpireNotSeen = 10 * time.Minute
)

// Prometheus records calls into Prometheus metrics.
type Prometheus struct {
	results  *prometheus.CounterVec
	composed *prometheus.CounterVec
	pending  *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu       sync.Mutex
	notReady map[string]notReady
	expire   time.Duration
	now      func() time.Time
}

// notReady is an XR the function last answered not ready: since when, and
// when it last called.
type notReady struct{ since, seen time.Time }

// Option configures Prometheus.
type Option func(*Prometheus)

// WithExpiry forgets an XR that has not been called for d: Crossplane does
// not call the function for a deleted XR, and a not ready XR is called at
// least every --ttl. The default is 10 minutes.
func WithExpiry(d time.Duration) Option { return func(p *Prometheus) { p.expire = d } }

// WithClock sets the clock (for tests).
func WithClock(now func() time.Time) Option { return func(p *Prometheus) { p.now = now } }

// New registers the function's metrics on reg. Every series of a fixed
// label value (each Fatal reason, each outcome, each pending action)
// exists from the start at zero, so that rate() and alerts see the first
// increase.
func New(reg prometheus.Registerer, o ...Option) (*Prometheus, error) {
	p := &Prometheus{
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: NameResults,
			Help: "Results the function returned, by severity (Fatal, Warning, Normal) and reason (docs/metrics.md).",
		}, []string{"severity", "reason"}),
		composed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: NameComposed,
			Help: "Resources composed by calls that composed (no Fatal result), by API group and kind.",
		}, []string{"group", "kind"}),
		pending: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: NamePending,
			Help: "Pending changes reported in the XR's status.pendingChanges, one per change per call, by action (staged, held, retiring).",
		}, []string{"action"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: NameDuration,
			Help:    "Time RunFunction took in the function, without gRPC, by outcome (ok, fatal, panic).",
			Buckets: []float64{.00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"outcome"}),
		notReady: map[string]notReady{},
		expire:   defaultExpireNotSeen,
		now:      time.Now,
	}
	for _, opt := range o {
		opt(p)
	}
	notReadyCount := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: Namespace, Name: NameNotReady,
		Help: "XRs this replica last answered not ready (or with a Fatal result), among those it was called for within the expiry.",
	}, func() float64 { n, _ := p.notReadyNow(); return float64(n) })
	notReadyAge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: Namespace, Name: NameNotReadySeconds,
		Help: "How long the XR that has been not ready the longest, as this replica answered it, has been so; 0 when every XR is ready.",
	}, func() float64 { _, d := p.notReadyNow(); return d.Seconds() })
	for _, c := range []prometheus.Collector{p.results, p.composed, p.pending, p.duration, notReadyCount, notReadyAge} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, r := range fn.FatalReasons {
		p.results.WithLabelValues(severityFatal, r)
	}
	for _, a := range fn.PendingActions {
		p.pending.WithLabelValues(a)
	}
	for _, o := range []string{fn.OutcomeOK, fn.OutcomeFatal, fn.OutcomePanic} {
		p.duration.WithLabelValues(o)
	}
	return p, nil
}

// Observe records one call.
func (p *Prometheus) Observe(c *fn.Call) {
	p.duration.WithLabelValues(c.Outcome).Observe(c.Duration.Seconds())
	if c.Outcome == fn.OutcomeFatal {
		p.results.WithLabelValues(severityFatal, c.FatalReason).Inc()
	}
	for _, r := range c.Warnings {
		p.results.WithLabelValues(severityWarning, r).Inc()
	}
	for _, r := range c.Normals {
		p.results.WithLabelValues(severityNormal, r).Inc()
	}
	for _, gk := range c.Composed {
		p.composed.WithLabelValues(gk.Group, gk.Kind).Inc()
	}
	for _, a := range c.Pending {
		p.pending.WithLabelValues(a).Inc()
	}
	if c.XR == "" {
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.Ready {
		delete(p.notReady, c.XR)
		return
	}
	nr, ok := p.notReady[c.XR]
	if !ok {
		nr.since = now
	}
	nr.seen = now
	p.notReady[c.XR] = nr
}

// notReadyNow counts the XRs not ready and the longest time one has been,
// forgetting those not called within the expiry.
func (p *Prometheus) notReadyNow() (int, time.Duration) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	var longest time.Duration
	for k, nr := range p.notReady {
		if now.Sub(nr.seen) > p.expire {
			delete(p.notReady, k)
			continue
		}
		longest = max(longest, now.Sub(nr.since))
	}
	return len(p.notReady), longest
}
