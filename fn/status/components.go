package status

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Resource is a desired composed resource as status sees it: its key, its
// concern, and its observed state (nil when not yet observed).
type Resource struct {
	Key       string
	Component string
	Observed  *unstructured.Unstructured
}

// Components reports one entry per concern, in the order the concerns first
// appear, ready when every resource of the concern is ready. ready maps each
// resource key to its own readiness.
func Components(rs []Resource) (components []spec.ComponentStatus, ready map[string]bool) {
	ready = make(map[string]bool, len(rs))
	idx := map[string]int{}
	for _, r := range rs {
		ok, why := Ready(r.Observed)
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
