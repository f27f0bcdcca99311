// Package status reads the observed composed resources: whether each is
// ready, which concerns (status.components) are ready, and the condition
// that says what the XR still waits for.
package status

import (
	"slices"
	"strings"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Ready says whether an observed resource is ready, and if not, why.
//
// Managed resources (any kind served by a Crossplane provider, whose API
// group ends in crossplane.io or upbound.io) are ready only with a Ready
// condition that is True; provider-kubernetes Objects use the
// DeriveFromObject policy, so theirs follows the object in the Space
// cluster. Plain Kubernetes objects composed directly (a StorageClass, a
// Secret) are ready once they exist, unless they carry a Ready condition
// that is not True (a Karpenter NodePool does).
func Ready(o *unstructured.Unstructured) (bool, string) {
	if o == nil || o.Object == nil {
		return false, "not yet created"
	}
	if c, found := readyCondition(o); found {
		if c.Status == corev1.ConditionTrue {
			return true, ""
		}
		why := string(c.Reason)
		if c.Message != "" {
			why = strings.TrimSpace(string(c.Reason) + ": " + c.Message)
		}
		if why == "" {
			why = "Ready is " + string(c.Status)
		}
		return false, why
	}
	if isManaged(o) {
		return false, "no Ready condition yet"
	}
	return true, ""
}

// ReadyCondition is the resource's Ready condition; the zero condition when
// it has none.
func ReadyCondition(o *unstructured.Unstructured) xpv2.Condition {
	if o == nil || o.Object == nil {
		return xpv2.Condition{}
	}
	c, _ := readyCondition(o)
	return c
}

// readyCondition is the resource's Ready condition, if it has one. (The
// SDK's GetCondition cannot tell a missing condition from an Unknown one.)
func readyCondition(o *unstructured.Unstructured) (xpv2.Condition, bool) {
	// Only the Ready condition goes through the converter: the rest of
	// status (atProvider, an Object's manifest read back) and the other
	// conditions would go through it for nothing.
	cs, _, err := unstructured.NestedFieldNoCopy(o.Object, "status", "conditions")
	list, ok := cs.([]any)
	if err != nil || !ok {
		return xpv2.Condition{}, false
	}
	for _, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			return xpv2.Condition{}, false
		}
		if t, _ := m["type"].(string); t != string(xpv2.TypeReady) {
			continue
		}
		var cond xpv2.Condition
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &cond); err != nil {
			return xpv2.Condition{}, false
		}
		return cond, true
	}
	return xpv2.Condition{}, false
}

// isManaged is true for a kind a Crossplane provider serves.
func isManaged(o *unstructured.Unstructured) bool {
	group := o.GroupVersionKind().Group
	return slices.ContainsFunc([]string{"crossplane.io", "upbound.io"}, func(s string) bool {
		return group == s || strings.HasSuffix(group, "."+s)
	})
}

// Settled is true when the provider has acted on the resource's current
// spec: its Ready and Synced conditions are True and were written for its
// current metadata.generation. A provider that writes no
// observedGeneration (older crossplane-runtime) is taken at its word.
func Settled(o *unstructured.Unstructured) bool {
	if o == nil || o.Object == nil {
		return false
	}
	// Read in place, as readyCondition does: NestedSlice would copy every
	// condition.
	v, _, _ := unstructured.NestedFieldNoCopy(o.Object, "status", "conditions")
	cs, _ := v.([]any)
	gen := o.GetGeneration()
	// Each of the two must be there: a list that repeats one and lacks
	// the other is not settled.
	var ready, synced bool
	for _, c := range cs {
		m, _ := c.(map[string]any)
		t, _ := m["type"].(string)
		if t != string(xpv2.TypeReady) && t != string(xpv2.TypeSynced) {
			continue
		}
		if s, _ := m["status"].(string); s != string(corev1.ConditionTrue) {
			return false
		}
		if og, ok := number(m["observedGeneration"]); ok && og != 0 && gen != 0 && og != gen {
			return false
		}
		if t == string(xpv2.TypeReady) {
			ready = true
		} else {
			synced = true
		}
	}
	return ready && synced
}

// number reads a JSON number as decoded from a request or YAML.
func number(v any) (int64, bool) {
	switch t := v.(type) {
	case float64:
		return int64(t), true
	case int64:
		return t, true
	case int:
		return int64(t), true
	}
	return 0, false
}
