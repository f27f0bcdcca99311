package fn

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// recorded keeps every Call.
type recorded struct {
	mu    sync.Mutex
	calls []*Call
}

func (r *recorded) Observe(c *Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

// runRecorded runs req through a Function with metrics and returns the
// response and the one Call it recorded.
func runRecorded(t *testing.T, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, *Call) {
	t.Helper()
	rec := &recorded{}
	rsp, err := New(WithMetrics(rec)).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction: %v", err)
	}
	if len(rec.calls) != 1 {
		t.Fatalf("want one recorded call, got %d", len(rec.calls))
	}
	return rsp, rec.calls[0]
}

func TestMetricsValidXR(t *testing.T) {
	for _, path := range exampleXRs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rsp, c := runRecorded(t, newRequest(t, readXR(t, path), nil))
			if c.Outcome != OutcomeOK || c.FatalReason != "" {
				t.Errorf("outcome %q (%q), want ok", c.Outcome, c.FatalReason)
			}
			if c.Ready {
				t.Error("nothing observed, yet ready")
			}
			if c.XR == "" {
				t.Error("no XR identity")
			}
			// Every composed resource, by kind, and nothing else.
			var want, got []string
			for _, r := range rsp.GetDesired().GetResources() {
				m := r.GetResource().AsMap()
				want = append(want, m["kind"].(string))
			}
			for _, gk := range c.Composed {
				got = append(got, gk.Kind)
			}
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("composed kinds (-response +recorded):\n%s", diff)
			}
			warnings := 0
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
					warnings++
				}
			}
			if len(c.Warnings) != warnings {
				t.Errorf("recorded %d warnings, the response has %d", len(c.Warnings), warnings)
			}
			for _, w := range c.Warnings {
				if !slices.Contains(WarningReasons, w) {
					t.Errorf("warning reason %q not in WarningReasons", w)
				}
			}
		})
	}
}

func TestMetricsFatalReasons(t *testing.T) {
	t.Run("InvalidXR", func(t *testing.T) {
		xr := readXR(t, "../example/xr-aws.yaml")
		testutil.Set(xr, "spec.zones", []any{})
		_, c := runRecorded(t, newRequest(t, xr, nil))
		if c.Outcome != OutcomeFatal || c.FatalReason != ReasonInvalidInput {
			t.Errorf("got %q/%q, want fatal/%s", c.Outcome, c.FatalReason, ReasonInvalidInput)
		}
		if len(c.Composed) != 0 {
			t.Errorf("a Fatal call composed %d", len(c.Composed))
		}
	})
	t.Run("DataLossGuard", func(t *testing.T) {
		xr := readXR(t, "../example/xr-aws.yaml")
		first := run(t, newRequest(t, xr, nil))
		obs := observeAll(t, first)
		off := readXR(t, "../example/xr-aws.yaml")
		off["status"] = first.GetDesired().GetComposite().GetResource().AsMap()["status"]
		testutil.Set(off, "spec.queryAPI.enabled", false)
		_, c := runRecorded(t, newRequest(t, off, obs))
		if c.FatalReason != ReasonDataLossGuard {
			t.Errorf("got %q, want %s", c.FatalReason, ReasonDataLossGuard)
		}
	})
	// Every trap: refused ones are refused_change, the others record
	// their pending changes by action, and a Normal result each.
	for name, tc := range traps {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, filepath.Join("..", "example", tc.example))
			if tc.before != nil {
				tc.before(xr)
			}
			observed := composeOf(t, xr)
			if tc.observe != nil {
				tc.observe(observed)
			}
			xr = readXR(t, filepath.Join("..", "example", tc.example))
			tc.edit(xr)
			_, c := runRecorded(t, newRequest(t, xr, observed))
			if len(tc.wantFatal) > 0 {
				if c.Outcome != OutcomeFatal || c.FatalReason != ReasonRefusedChange {
					t.Errorf("got %q/%q, want fatal/%s", c.Outcome, c.FatalReason, ReasonRefusedChange)
				}
				return
			}
			var want []string
			for _, p := range tc.wantPending {
				a, _, _ := strings.Cut(p, " ")
				want = append(want, a)
			}
			got := slices.Clone(c.Pending)
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pending actions (-want +got):\n%s", diff)
			}
			normals := slices.Sorted(slices.Values(c.Normals))
			if diff := cmp.Diff(want, normals); diff != "" {
				t.Errorf("Normal result reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWarningReason(t *testing.T) {
	cases := map[string]string{
		"spec.zones has 2 zone(s): a zone outage":                          "spec.zones",
		"spec.nodePools.etcd.minNodes (1) is below the number of zones":    "spec.nodePools",
		"spec.queryAPI.postgres.caSecretName is empty":                     "spec.queryAPI",
		"the database's password is generated. Set spec.providerConfigs.x": "spec.providerConfigs",
		"node pool etcd keeps the access scopes it was created with":       ReasonOther,
		"respec.zones is not a path, spec.spaces is":                       "spec.spaces",
		"spec.unknownField is not a field of the XR":                       ReasonOther,
		"": ReasonOther,
	}
	for in, want := range cases {
		if got := WarningReason(in); got != want {
			t.Errorf("WarningReason(%q) = %q, want %q", in, got, want)
		}
	}
	if len(WarningReasons) < 10 || len(WarningReasons) > 30 {
		t.Errorf("WarningReasons has %d values, want a small fixed set: %v", len(WarningReasons), WarningReasons)
	}
}

func TestNormalReason(t *testing.T) {
	for in, want := range map[string]string{
		"staged NodePool etcd-x: why": "staged",
		"held NodePool etcd: why":     "held",
		"something else":              ReasonOther,
	} {
		if got := NormalReason(in); got != want {
			t.Errorf("NormalReason(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMetricsPanic: a call that did not return (it panicked: the deferred
// summary runs as the panic unwinds) is recorded as a panic, and a request
// without an XR has no identity.
func TestMetricsPanic(t *testing.T) {
	c := (&call{start: time.Now()}).summary(&fnv1.RunFunctionRequest{}, nil)
	if c.Outcome != OutcomePanic || c.XR != "" || c.Ready {
		t.Errorf("got %+v, want a panic of no XR", c)
	}
}

// TestNoMetricsByDefault: without WithMetrics the function runs as before.
func TestNoMetricsByDefault(t *testing.T) {
	if New().metrics != nil {
		t.Error("metrics set by default")
	}
	rsp := run(t, newRequest(t, readXR(t, "../example/xr-aws.yaml"), nil))
	if fatalIn(rsp) {
		t.Error("Fatal without metrics")
	}
}

// TestDesiredReason: a name another step composes is the Composition's to
// fix; any other error writing the desired state is a bug.
func TestDesiredReason(t *testing.T) {
	if got := desiredReason(fmt.Errorf(errNameTaken, "alerts")); got != ReasonInvalidInput {
		t.Errorf("name taken: %q, want %s", got, ReasonInvalidInput)
	}
	if got := desiredReason(fmt.Errorf("cannot convert alerts: %w", context.Canceled)); got != ReasonInternal {
		t.Errorf("conversion: %q, want %s", got, ReasonInternal)
	}
}
