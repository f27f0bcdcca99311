// Package status reads the observed composed resources: whether each is
// ready, which concerns (status.components) are ready, and the condition
// that says what the XR still waits for.
package status

import (
	"slices"
	"strings"
)

// Observed is one observed composed resource, as plain JSON data.
type Observed struct {
	// Object is the observed resource.
	Object map[string]any
}

// Ready says whether an observed resource is ready, and if not, why.
//
// Managed resources (any kind served by a Crossplane provider, whose API
// group ends in crossplane.io or upbound.io) are ready only with a Ready
// condition that is True; provider-kubernetes Objects use the
// DeriveFromObject policy, so theirs follows the object in the Space
// cluster. Plain Kubernetes objects composed directly (a StorageClass, a
// Secret) are ready once they exist, unless they carry a Ready condition
// that is not True (a Karpenter NodePool does).
func Ready(o *Observed) (bool, string) {
	if o == nil || o.Object == nil {
		return false, "not yet created"
	}
	status, reason, message, found := readyCondition(o.Object)
	if found {
		if status == "True" {
			return true, ""
		}
		why := reason
		if message != "" {
			why = strings.TrimSpace(reason + ": " + message)
		}
		if why == "" {
			why = "Ready is " + status
		}
		return false, why
	}
	if isManaged(o.Object) {
		return false, "no Ready condition yet"
	}
	return true, ""
}

func readyCondition(obj map[string]any) (status, reason, message string, found bool) {
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		cm, _ := c.(map[string]any)
		if t, _ := cm["type"].(string); t != "Ready" {
			continue
		}
		status, _ = cm["status"].(string)
		reason, _ = cm["reason"].(string)
		message, _ = cm["message"].(string)
		return status, reason, message, true
	}
	return "", "", "", false
}

func isManaged(obj map[string]any) bool {
	av, _ := obj["apiVersion"].(string)
	group, _, _ := strings.Cut(av, "/")
	return slices.ContainsFunc([]string{"crossplane.io", "upbound.io"}, func(s string) bool {
		return group == s || strings.HasSuffix(group, "."+s)
	})
}
