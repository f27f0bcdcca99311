package cluster_test

import (
	"slices"
	"testing"
	"time"

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

// The fake cloud's upjet rules (upjet_test.go).

func TestForceNewChange(t *testing.T) {
	pool := func(sa string) map[string]any {
		return normalizeMap(map[string]any{"cluster": "c", "location": "us-central1", "nodeConfig": map[string]any{"serviceAccount": sa, "machineType": "n2-standard-8"}})
	}
	cases := map[string]struct {
		group, kind       string
		external, desired map[string]any
		want              string
	}{
		"GKEServiceAccount": {"container.gcp.upbound.io", "NodePool", pool("a@p"), pool("b@p"),
			`cannot change the value of the argument "node_config.0.service_account" from "a@p" to "b@p"`},
		"GKEInPlace": {"container.gcp.m.upbound.io", "NodePool", pool("a@p"),
			normalizeMap(map[string]any{"cluster": "c", "location": "us-central1", "nodeConfig": map[string]any{"serviceAccount": "a@p", "machineType": "n2-standard-16"}}), ""},
		"OAuthScopesReordered": {"container.gcp.upbound.io", "NodePool",
			normalizeMap(map[string]any{"nodeConfig": map[string]any{"oauthScopes": []any{"a", "b"}}}),
			normalizeMap(map[string]any{"nodeConfig": map[string]any{"oauthScopes": []any{"b", "a"}}}), ""},
		"RDSUsername": {"rds.aws.upbound.io", "Instance", normalizeMap(map[string]any{"username": "a"}), normalizeMap(map[string]any{"username": "b"}),
			`cannot change the value of the argument "username" from "a" to "b"`},
		"StorageGrows": {"dbforpostgresql.azure.upbound.io", "FlexibleServer", normalizeMap(map[string]any{"storageMb": 32768}), normalizeMap(map[string]any{"storageMb": 65536}), ""},
		"StorageShrinks": {"dbforpostgresql.azure.upbound.io", "FlexibleServer", normalizeMap(map[string]any{"storageMb": 65536}), normalizeMap(map[string]any{"storageMb": 32768}),
			`cannot change the value of the argument "storage_mb" from "65536" to "32768"`},
		"KarpenterNodePool": {"karpenter.sh", "NodePool", pool("a@p"), pool("b@p"), ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := forceNewChange(tc.group, tc.kind, tc.external, tc.desired); got != tc.want {
				t.Errorf("forceNewChange() = %q, want %q", got, tc.want)
			}
		})
	}
	want := "update failed: async update failed: refuse to update the external resource because the following update requires replacing it: x"
	if got := forceNewMessage("x"); got != want {
		t.Errorf("forceNewMessage() = %q, want %q", got, want)
	}
}

func TestAKSPoolUpdates(t *testing.T) {
	created := filledIn("KubernetesClusterNodePool", nil, normalizeMap(map[string]any{"vmSize": "Standard_D8s_v5", "maxCount": 3}))
	if created["vnetSubnetId"] != fakeSubnetID {
		t.Fatalf("created pool: vnetSubnetId %v, want the cloud's subnet", created["vnetSubnetId"])
	}
	same := normalizeMap(map[string]any{"vmSize": "Standard_D8s_v5", "maxCount": 3})
	if d := differs("KubernetesClusterNodePool", created, same); len(d) != 0 {
		t.Errorf("the spec as created, vnetSubnetId left out: differs %v, want nothing", d)
	}
	bigger := normalizeMap(map[string]any{"vmSize": "Standard_D8s_v5", "maxCount": 6})
	if d := differs("KubernetesClusterNodePool", created, bigger); !slices.Equal(d, []string{"maxCount"}) {
		t.Errorf("maxCount changed: differs %v", d)
	}
	// The trap: an update without vnetSubnetId cycles the pool.
	if c := aksCycles(created, bigger); !slices.Equal(c, []string{"vnetSubnetId"}) {
		t.Errorf("an update leaving vnetSubnetId out: cycles for %v, want vnetSubnetId", c)
	}
	pinned := normalizeMap(map[string]any{"vmSize": "Standard_D8s_v5", "maxCount": 6, "vnetSubnetId": fakeSubnetID})
	if c := aksCycles(created, pinned); len(c) != 0 {
		t.Errorf("an update naming the pool's subnet: cycles for %v, want none", c)
	}
	resized := normalizeMap(map[string]any{"vmSize": "Standard_D16s_v5", "maxCount": 3, "vnetSubnetId": fakeSubnetID})
	if c := aksCycles(created, resized); !slices.Equal(c, []string{"vmSize"}) {
		t.Errorf("a new vmSize: cycles for %v, want vmSize", c)
	}
	after := filledIn("KubernetesClusterNodePool", created, bigger)
	if after["vnetSubnetId"] != fakeSubnetID {
		t.Errorf("after an update leaving it out, the cloud keeps its subnet: got %v", after["vnetSubnetId"])
	}
}

func TestFlexibleServerUpdates(t *testing.T) {
	spec := normalizeMap(map[string]any{"skuName": "GP_Standard_D2ds_v5", "highAvailability": map[string]any{"mode": "ZoneRedundant"}})
	created := filledIn("FlexibleServer", nil, spec)
	if created["zone"] != "1" {
		t.Errorf("zone %v, want 1", created["zone"])
	}
	if s, _ := getPath(created, "highAvailability.standbyAvailabilityZone"); s != "2" {
		t.Errorf("standby zone %v, want 2", s)
	}
	if d := differs("FlexibleServer", created, spec); len(d) != 0 {
		t.Errorf("the spec as created: differs %v, want nothing", d)
	}
	wantErr := "update failed: async update failed: failed to update the resource: [{0 " + azurermZoneMessage + "  []}]"
	if got := flexibleServerZoneError(created, spec); got != wantErr {
		t.Errorf("an update without zone: %q, want %q", got, wantErr)
	}
	pinned := normalizeMap(map[string]any{"zone": "1", "highAvailability": map[string]any{"mode": "ZoneRedundant"}})
	if got := flexibleServerZoneError(created, pinned); got != "" {
		t.Errorf("an update naming the server's zone: %q", got)
	}
	swap := normalizeMap(map[string]any{"zone": "2", "highAvailability": map[string]any{"mode": "ZoneRedundant", "standbyAvailabilityZone": "1"}})
	if got := flexibleServerZoneError(created, swap); got != "" {
		t.Errorf("a swap with the standby zone: %q", got)
	}
}

func TestOverlappingCycles(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(1000+int64(s), 0) }
	one := cycleRecord{Name: "a", Resource: "etcd-nodepool-zone-1", Start: at(0), End: at(8)}
	next := cycleRecord{Name: "b", Resource: "etcd-nodepool-zone-2", Start: at(8), End: at(16)}
	during := cycleRecord{Name: "c", Resource: "etcd-nodepool-zone-3", Start: at(5), End: at(13)}
	running := cycleRecord{Name: "c", Resource: "etcd-nodepool-zone-3", Start: at(20)}
	if o := overlapping([]cycleRecord{one, next}); o != "" {
		t.Errorf("back to back: %s", o)
	}
	if o := overlapping([]cycleRecord{one, during}); o == "" {
		t.Error("overlapping cycles not reported")
	}
	if o := overlapping([]cycleRecord{one, next, running}); o != "" {
		t.Errorf("one running after the others ended: %s", o)
	}
	if got := etcdCycles([]cycleRecord{one, {Resource: "apiServer-nodepool"}}); len(got) != 1 {
		t.Errorf("etcdCycles kept %d, want 1", len(got))
	}
}
