package cluster_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The suite's own rules run without any prerequisite: a wrong rule would make
// the cluster suite pass or fail for the wrong reason.

func TestOrphans(t *testing.T) {
	cases := map[string]struct {
		spec map[string]any
		want bool
	}{
		"DeletionPolicyOrphan": {map[string]any{"deletionPolicy": "Orphan"}, true},
		"DeletionPolicyDelete": {map[string]any{"deletionPolicy": "Delete"}, false},
		"DefaultPolicies":      {map[string]any{}, false},
		"AllPolicies":          {map[string]any{"managementPolicies": []any{"*"}}, false},
		"WithoutDelete":        {map[string]any{"managementPolicies": []any{"Observe", "Create", "Update", "LateInitialize"}}, true},
		"WithDelete":           {map[string]any{"managementPolicies": []any{"Observe", "Create", "Delete"}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := &unstructured.Unstructured{Object: map[string]any{"spec": tc.spec}}
			if got := orphans(o); got != tc.want {
				t.Errorf("orphans(%v) = %v, want %v", tc.spec, got, tc.want)
			}
		})
	}
}

func TestKnownUnready(t *testing.T) {
	object := func(kind, policy string) composed {
		spec := map[string]any{"forProvider": map[string]any{"manifest": map[string]any{"kind": kind}}}
		if policy != "" {
			spec["readiness"] = map[string]any{"policy": policy}
		}
		return composed{ref: schema.GroupVersionKind{Kind: "Object"}, obj: &unstructured.Unstructured{Object: map[string]any{"spec": spec}}}
	}
	cases := map[string]struct {
		c    composed
		want bool
	}{
		"StorageClassDerived":         {object("StorageClass", "DeriveFromObject"), true},
		"PrometheusRuleDefaultPolicy": {object("PrometheusRule", ""), true},
		"SecretSuccessfulCreate":      {object("Secret", "SuccessfulCreate"), false},
		"NodePoolDerived":             {object("NodePool", "DeriveFromObject"), false},
		"ManagedResource":             {composed{ref: schema.GroupVersionKind{Kind: "Instance"}, obj: &unstructured.Unstructured{Object: map[string]any{}}}, false},
		"Absent":                      {composed{ref: schema.GroupVersionKind{Kind: "Object"}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := knownUnready(tc.c); got != tc.want {
				t.Errorf("knownUnready() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnwireConversion(t *testing.T) {
	crd := func(conversion map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"conversion": conversion}}}
	}
	unwired := crd(map[string]any{"strategy": "Webhook", "webhook": map[string]any{"clientConfig": map[string]any{"service": map[string]any{"path": "/convert"}}}})
	unwireConversion(unwired)
	if s, _, _ := unstructured.NestedString(unwired.Object, "spec", "conversion", "strategy"); s != "None" {
		t.Errorf("a webhook without a service: strategy %q, want None", s)
	}
	wired := crd(map[string]any{"strategy": "Webhook", "webhook": map[string]any{"clientConfig": map[string]any{"url": "https://127.0.0.1:1/convert"}}})
	unwireConversion(wired)
	if s, _, _ := unstructured.NestedString(wired.Object, "spec", "conversion", "strategy"); s != "Webhook" {
		t.Errorf("a webhook with a URL: strategy %q, want Webhook kept", s)
	}
}
