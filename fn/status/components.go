package status

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Resource is a desired composed resource as status sees it: its key and
// its concern.
type Resource struct {
	Key       string
	Component string
}

// Components reports one entry per concern, in the order the concerns first
// appear, ready when every resource of the concern is ready (as observed
// says). ready maps each resource key to its own readiness.
func Components(rs []Resource, observed *Observed) (components []spec.ComponentStatus, ready map[string]bool) {
	ready = make(map[string]bool, len(rs))
	idx := map[string]int{}
	for _, r := range rs {
		ok, why := observed.Ready(r.Key)
		ready[r.Key] = ok
		i, seen := idx[r.Component]
		if !seen {
			idx[r.Component] = len(components)
			components = append(components, spec.ComponentStatus{Name: r.Component, Ready: true})
			i = len(components) - 1
		}
		if !ok && components[i].Ready {
			components[i].Ready = false
			components[i].Reason = fmt.Sprintf("%s: %s", r.Key, why)
		}
	}
	return components, ready
}

// Waiting names the components that are not ready, in order.
func Waiting(cs []spec.ComponentStatus) []string {
	var out []string
	for _, c := range cs {
		if !c.Ready {
			out = append(out, c.Name)
		}
	}
	return out
}

// WaitingMessage says what the XR waits for.
func WaitingMessage(cs []spec.ComponentStatus) string {
	w := Waiting(cs)
	if len(w) == 0 {
		return "every component is ready"
	}
	details := make([]string, 0, len(w))
	for _, c := range cs {
		if !c.Ready && slices.Contains(w, c.Name) {
			details = append(details, fmt.Sprintf("%s (%s)", c.Name, c.Reason))
		}
	}
	return "waiting for " + strings.Join(details, ", ")
}
