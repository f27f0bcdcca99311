package fn

import (
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/logging"

	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// maxTracedXRs bounds the memory of the verdict trace: past it, the trace of
// an arbitrary XR is forgotten (its next change is then not reported).
const maxTracedXRs = 4096

// verdictTrace remembers, per XR, the readiness verdict the last call gave
// each composed resource, and logs at debug level every verdict that
// changes, with what the request's observed state held for that resource.
// It serves diagnosis only: no decision reads it, since a function may run
// as several replicas and restarts forget.
type verdictTrace struct {
	mu   sync.Mutex
	last map[string]map[string]bool
}

func newVerdictTrace() *verdictTrace {
	return &verdictTrace{last: map[string]map[string]bool{}}
}

// record compares this call's verdicts for the XR with the last call's and
// logs each change.
func (v *verdictTrace) record(log logging.Logger, xr string, ready map[string]bool, observed map[string]*unstructured.Unstructured, rd xrReadiness) {
	v.mu.Lock()
	prev, seen := v.last[xr]
	if !seen && len(v.last) >= maxTracedXRs {
		for k := range v.last {
			delete(v.last, k)
			break
		}
	}
	v.last[xr] = ready
	v.mu.Unlock()
	var unready []string
	for k, r := range ready {
		if !r {
			unready = append(unready, k)
		}
	}
	slices.Sort(unready)
	log.Debug("readiness verdicts", "unready", strings.Join(unready, ","), "observed-resources", len(observed),
		"xr-ready", rd.Ready, "status-settled", rd.Settled)
	if !seen {
		return
	}
	keys := make([]string, 0, len(ready))
	for k := range ready {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		was, known := prev[k]
		if !known || was == ready[k] {
			continue
		}
		o := observed[k]
		kv := []any{"resource", k, "was", was, "now", ready[k], "observed", o != nil, "observed-resources", len(observed)}
		if o != nil {
			c := status.ReadyCondition(o)
			kv = append(kv, "resourceVersion", o.GetResourceVersion(), "generation", o.GetGeneration(),
				"ready-status", c.Status, "ready-reason", c.Reason, "ready-since", c.LastTransitionTime.UTC().Format("15:04:05"))
		}
		log.Debug("readiness verdict changed", kv...)
	}
}
