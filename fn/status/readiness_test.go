package status

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

func obj(apiVersion string, ready string) *unstructured.Unstructured {
	o := map[string]any{"apiVersion": apiVersion, "kind": "K"}
	if ready != "" {
		o["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": ready, "reason": "Creating", "message": "in progress"}}}
	}
	return &unstructured.Unstructured{Object: o}
}

func TestReady(t *testing.T) {
	cases := map[string]struct {
		o      *unstructured.Unstructured
		ready  bool
		reason string
	}{
		"NotObserved":                {nil, false, "not yet created"},
		"ManagedReady":               {obj("rds.aws.upbound.io/v1beta3", "True"), true, ""},
		"ManagedNotReady":            {obj("rds.aws.upbound.io/v1beta3", "False"), false, "Creating: in progress"},
		"ManagedWithoutConditions":   {obj("helm.crossplane.io/v1beta1", ""), false, "no Ready condition yet"},
		"ObjectFollowsItsManifest":   {obj("kubernetes.crossplane.io/v1alpha2", "False"), false, "Creating: in progress"},
		"PlainObjectExists":          {obj("storage.k8s.io/v1", ""), true, ""},
		"PlainObjectWithReadyFalse":  {obj("karpenter.sh/v1", "False"), false, "Creating: in progress"},
		"LookalikeGroupIsNotManaged": {obj("notcrossplane.io/v1", ""), true, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ready, reason := Ready(tc.o)
			if ready != tc.ready || reason != tc.reason {
				t.Errorf("Ready() = %v, %q; want %v, %q", ready, reason, tc.ready, tc.reason)
			}
		})
	}
}

func TestComponents(t *testing.T) {
	observed := NewObserved(map[string]*unstructured.Unstructured{
		"etcd-nodeclass":    obj("kubernetes.crossplane.io/v1alpha2", "True"),
		"etcd-nodepool":     obj("kubernetes.crossplane.io/v1alpha2", "False"),
		"database-instance": obj("rds.aws.upbound.io/v1beta3", "True"),
	})
	cs, ready := Components([]Resource{
		{Key: "etcd-nodeclass", Component: "etcdPool"},
		{Key: "etcd-nodepool", Component: "etcdPool"},
		{Key: "database-instance", Component: "database"},
	}, observed)
	want := []spec.ComponentStatus{
		{Name: "etcdPool", Ready: false, Reason: "etcd-nodepool: Creating: in progress"},
		{Name: "database", Ready: true},
	}
	if diff := cmp.Diff(want, cs); diff != "" {
		t.Errorf("Components: -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{"etcd-nodeclass": true, "etcd-nodepool": false, "database-instance": true}, ready); diff != "" {
		t.Errorf("ready: -want +got:\n%s", diff)
	}
	if got := WaitingMessage(cs); got != "waiting for etcdPool (etcd-nodepool: Creating: in progress)" {
		t.Errorf("WaitingMessage = %q", got)
	}
}

// TestObservedReadsReadinessOnce: what Observed.Ready answered first it
// answers again, without reading the resource a second time.
func TestObservedReadsReadinessOnce(t *testing.T) {
	o := obj("rds.aws.upbound.io/v1beta3", "False")
	observed := NewObserved(map[string]*unstructured.Unstructured{"db": o})
	if ok, why := observed.Ready("db"); ok || why != "Creating: in progress" {
		t.Fatalf("Ready(db) = %v, %q", ok, why)
	}
	// Were the resource read again, it would now be ready.
	o.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}
	if ok, why := observed.Ready("db"); ok || why != "Creating: in progress" {
		t.Errorf("second Ready(db) = %v, %q; want the first answer", ok, why)
	}
	if ok, why := observed.Ready("missing"); ok || why != "not yet created" {
		t.Errorf("Ready(missing) = %v, %q", ok, why)
	}
}

// TestConditionsReadInPlace: the Ready condition is found among others and
// read whole, and Settled reads Ready and Synced for the generation, all
// without changing the observed object.
func TestConditionsReadInPlace(t *testing.T) {
	cond := func(typ, status string, gen int64) map[string]any {
		return map[string]any{"type": typ, "status": status, "reason": "Available", "lastTransitionTime": "2026-01-02T03:04:05Z", "observedGeneration": gen}
	}
	o := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rds.aws.upbound.io/v1beta3", "kind": "Instance", "metadata": map[string]any{"generation": int64(2)},
		"status": map[string]any{"conditions": []any{cond("Synced", "True", 2), cond("Ready", "True", 2)}},
	}}
	c := ReadyCondition(o)
	if c.Status != "True" || c.Reason != "Available" || c.LastTransitionTime.UTC().Format("15:04:05") != "03:04:05" {
		t.Errorf("ReadyCondition = %+v", c)
	}
	if !Settled(o) {
		t.Error("Settled = false, want true")
	}
	o.Object["status"].(map[string]any)["conditions"].([]any)[1].(map[string]any)["observedGeneration"] = int64(1)
	if Settled(o) {
		t.Error("Settled = true for a Ready condition of an older generation")
	}
	if ok, _ := Ready(&unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rds.aws.upbound.io/v1beta3", "status": map[string]any{"conditions": map[string]any{"type": "Ready"}},
	}}); ok {
		t.Error("Ready = true for conditions that are not a list")
	}
}
