package fn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestCapacityPlan120: 120 control planes x 800 MRs x 200 CRDs on AWS with
// the default machine types, through RunFunction (docs/capacity.md, worked example).
func TestCapacityPlan120(t *testing.T) {
	xr := readXR(t, minimalXR)
	testutil.Set(xr, "spec.capacity", map[string]any{"controlPlanes": 120, "managedResourcesPerControlPlane": 800, "providerCRDsPerControlPlane": 200})
	rsp := run(t, newRequest(t, xr, nil))

	plan := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)["capacityPlan"].(map[string]any)
	type pool struct {
		cpu, memory string
		min, max    float64
		binding     string
	}
	got := map[string]pool{}
	for _, p := range plan["pools"].([]any) {
		m := p.(map[string]any)
		got[m["name"].(string)] = pool{m["cpu"].(string), m["memory"].(string), m["minNodes"].(float64), m["maxNodes"].(float64), m["binding"].(string)}
	}
	want := map[string]pool{
		// 360 etcd members, 120 a zone. CPU: 120 x 170m x 1.2 = 24,480m,
		// 4 m7i.2xlarge a zone; volumes: an m7i.2xlarge attaches 31 (32
		// dedicated EBS attachments - root) but its 12,000 baseline EBS
		// IOPS serve 24 members at 500 each: 5 a zone, 15. Volumes bind.
		"etcd": {"73440m", "151200Mi", 3, 15, "volumes"},
		// 240 API servers, 80 a zone: 80 x 1320Mi x 1.2 = 126,720Mi over
		// 29,491.2Mi = 4.3 -> 5 a zone, 15 (the total alone gave 13).
		"apiServer": {"48960m", "380160Mi", 2, 15, "memory"},
		// Usage (576 cores) is above the chart pods' requests (120 x 875m
		// x 1.2 = 126 cores): cpu binds.
		"controlPlanes": {"576", "170289Mi", 3, 40, "cpu"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(pool{})); diff != "" {
		t.Errorf("status.capacityPlan pools: -want +got:\n%s", diff)
	}

	// Karpenter limits: maxNodes nodes of the first machine type.
	wantLimits := map[string]map[string]any{
		"etcd-nodepool":          {"nodes": "15", "cpu": "120", "memory": "480Gi"},
		"apiserver-nodepool":     {"nodes": "15", "cpu": "120", "memory": "480Gi"},
		"controlplanes-nodepool": {"nodes": "40", "cpu": "640", "memory": "2560Gi"},
	}
	for key, want := range wantLimits {
		np := rsp.GetDesired().GetResources()[key].GetResource().AsMap()
		got := testutil.Get(np, "spec", "forProvider", "manifest", "spec", "limits")
		if diff := cmp.Diff(any(want), got); diff != "" {
			t.Errorf("%s limits: -want +got:\n%s", key, diff)
		}
	}
}

func ready(apiVersion, kind string, ok bool) map[string]any {
	st := "False"
	if ok {
		st = "True"
	}
	return map[string]any{
		"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": "x"},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": st, "reason": "Creating"}}},
	}
}

// TestReadiness: with every composed resource observed ready the XR is ready;
// with the database not ready it is not, and says so.
func TestReadiness(t *testing.T) {
	xr := readXR(t, minimalXR)
	first := run(t, newRequest(t, xr, nil))
	// The router's Service is observed once the Release is ready: one
	// more round composes its Object, observed ready here too.
	second := run(t, newRequest(t, xr, func() map[string]map[string]any {
		obs := map[string]map[string]any{}
		for k, r := range first.GetDesired().GetResources() {
			m := r.GetResource().AsMap()
			obs[k] = ready(m["apiVersion"].(string), m["kind"].(string), true)
		}
		return obs
	}()))
	observe := func(dbReady bool) map[string]map[string]any {
		obs := map[string]map[string]any{}
		for k, r := range second.GetDesired().GetResources() {
			m := r.GetResource().AsMap()
			obs[k] = ready(m["apiVersion"].(string), m["kind"].(string), dbReady || !strings.HasPrefix(k, "database-instance"))
		}
		return obs
	}

	t.Run("AllReady", func(t *testing.T) {
		// The XR turns Ready once its status records every component
		// ready (xrready.go): the call that records it, then the next.
		xr := withStatus(xr, run(t, newRequest(t, xr, observe(true))))
		rsp := run(t, newRequest(t, xr, observe(true)))
		if got := rsp.GetDesired().GetComposite().GetReady(); got != fnv1.Ready_READY_TRUE {
			t.Errorf("the XR's readiness: want READY_TRUE, got %s", got)
		}
		for k, r := range rsp.GetDesired().GetResources() {
			if r.GetReady() != fnv1.Ready_READY_TRUE {
				t.Errorf("%s: want READY_TRUE, got %s", k, r.GetReady())
			}
		}
		c := rsp.GetConditions()
		if len(c) != 1 || c[0].GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE {
			t.Errorf("want ComponentsReady=True, got %v", c)
		}
	})
	t.Run("DatabaseNotReady", func(t *testing.T) {
		rsp := run(t, newRequest(t, xr, observe(false)))
		if got := rsp.GetDesired().GetResources()["database-instance"].GetReady(); got != fnv1.Ready_READY_FALSE {
			t.Errorf("database-instance: want READY_FALSE, got %s", got)
		}
		c := rsp.GetConditions()
		if len(c) != 1 || c[0].GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || !strings.HasPrefix(c[0].GetMessage(), "waiting for database (database-instance: Creating)") {
			t.Errorf("want ComponentsReady=False waiting for the database only, got %v", c)
		}
	})
}

// TestAzureEtcdPoolByDisks: the Azure example (50 HA control planes, 150
// etcd volumes, 50 in each of 3 zones) through RunFunction. The VM's
// uncached disk budget is divided by one etcd member's sustained need (500
// IOPS, 10 MBps), so on Standard_D8s_v5 (12,800 / 290) its 16 data disks
// bind: 4 a zone, 12 nodes, each zone's pool 4, not the 150 that dividing
// by each volume's provisioned 6,000 / 250 would give. Standard_D2s_v5
// (3,750 / 85: 7 by IOPS, 8 by MBps) is still held to its 4 data disks:
// 13 a zone, 39 nodes. The plan's total is the zone pools' sum.
func TestAzureEtcdPoolByDisks(t *testing.T) {
	cases := []struct {
		machineType  string
		perNode      string
		nodes        float64
		maxCountZone float64
	}{
		{"Standard_D8s_v5", "16", 12, 4},
		{"Standard_D2s_v5", "4", 39, 13},
	}
	for _, tc := range cases {
		t.Run(tc.machineType, func(t *testing.T) {
			xr := readXR(t, "../example/xr-azure.yaml")
			testutil.Set(xr, "spec.nodePools.etcd.machineTypes", []any{tc.machineType})
			rsp := run(t, newRequest(t, xr, nil))
			plan := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)["capacityPlan"].(map[string]any)
			var etcd map[string]any
			for _, p := range plan["pools"].([]any) {
				if m := p.(map[string]any); m["name"] == "etcd" {
					etcd = m
				}
			}
			if etcd == nil {
				t.Fatal("no etcd pool in status.capacityPlan")
			}
			if etcd["binding"] != "volumes" || etcd["maxNodes"] != tc.nodes || etcd["neededNodes"] != tc.nodes {
				t.Errorf("etcd binding %v maxNodes %v neededNodes %v; want volumes, %v, %v", etcd["binding"], etcd["maxNodes"], etcd["neededNodes"], tc.nodes, tc.nodes)
			}
			var volumes map[string]any
			for _, n := range etcd["needs"].([]any) {
				if m := n.(map[string]any); m["dimension"] == "volumes" {
					volumes = m
				}
			}
			want := map[string]any{
				"dimension": "volumes", "demand": "150", "perNode": tc.perNode, "nodes": tc.nodes,
				"machineType": tc.machineType, "limit": "max data disks",
				"demandPerZone": "50", "nodesPerZone": tc.maxCountZone,
			}
			if diff := cmp.Diff(want, volumes); diff != "" {
				t.Errorf("volumes need: -want +got:\n%s", diff)
			}
			pools := 0
			for key, r := range rsp.GetDesired().GetResources() {
				if !strings.HasPrefix(key, "etcd-nodepool") {
					continue
				}
				pools++
				if got := testutil.Get(r.GetResource().AsMap(), "spec", "forProvider", "maxCount"); got != tc.maxCountZone {
					t.Errorf("%s maxCount %v, want %v (%v over 3 zones)", key, got, tc.maxCountZone, tc.nodes)
				}
			}
			if pools != 3 {
				t.Errorf("%d etcd pools, want one per zone (3)", pools)
			}
		})
	}
}

// TestExamplesSizedPerZone: each example's 50 HA control planes put 50
// etcd members in each of 3 zones, so each zone needs its own nodes; the
// total alone (ceil(150 / per node)) leaves a zone short. Each cloud
// renders the plan's count coherently: Karpenter limits.nodes, GKE's
// totalMaxNodeCount (a total over the zones, not per zone) and the AKS
// zone pools' maxCount (each zone's share).
func TestExamplesSizedPerZone(t *testing.T) {
	cases := []struct {
		xr string
		// etcd: nodes, nodes per zone, binding.
		nodes, perZone float64
		binding        string
		// key and path of the rendered maximum, and what it must be.
		key   string
		path  []string
		limit any
	}{
		// m7i.2xlarge: 24 members a node by 12,000 baseline EBS IOPS: 3 a
		// zone, 9 (5 before: 150 / 31 attachments).
		{"../example/xr-aws.yaml", 9, 3, "volumes", "etcd-nodepool", []string{"spec", "forProvider", "manifest", "spec", "limits", "nodes"}, "9"},
		// n2-standard-8: CPU, 50 x 170m x 1.2 = 10,200m over 7,200m: 2 a
		// zone, 6 (5 before: 30,600m over 7,200m).
		{"../example/xr-gcp.yaml", 6, 2, "cpu", "etcd-nodepool", []string{"spec", "forProvider", "autoscaling", "totalMaxNodeCount"}, float64(6)},
		// Standard_D8s_v5: 16 data disks: 4 a zone, 12, each zone's pool 4.
		{"../example/xr-azure.yaml", 12, 4, "volumes", "", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.xr, func(t *testing.T) {
			rsp := run(t, newRequest(t, readXR(t, tc.xr), nil))
			plan := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)["capacityPlan"].(map[string]any)
			var etcd map[string]any
			for _, p := range plan["pools"].([]any) {
				if m := p.(map[string]any); m["name"] == "etcd" {
					etcd = m
				}
			}
			if etcd["maxNodes"] != tc.nodes || etcd["binding"] != tc.binding || etcd["zones"] != float64(3) {
				t.Errorf("etcd maxNodes %v binding %v zones %v; want %v, %s, 3", etcd["maxNodes"], etcd["binding"], etcd["zones"], tc.nodes, tc.binding)
			}
			for _, n := range etcd["needs"].([]any) {
				m := n.(map[string]any)
				if m["dimension"] == tc.binding && (m["nodesPerZone"] != tc.perZone || m["nodes"] != tc.nodes) {
					t.Errorf("binding need %v; want %v a zone, %v", m, tc.perZone, tc.nodes)
				}
			}
			if tc.key != "" {
				got := testutil.Get(rsp.GetDesired().GetResources()[tc.key].GetResource().AsMap(), tc.path...)
				if got != tc.limit {
					t.Errorf("%s %v = %v, want %v", tc.key, tc.path, got, tc.limit)
				}
				return
			}
			var sum float64
			for key, r := range rsp.GetDesired().GetResources() {
				if strings.HasPrefix(key, "etcd-nodepool") {
					mc := testutil.Get(r.GetResource().AsMap(), "spec", "forProvider", "maxCount").(float64)
					if mc != tc.perZone {
						t.Errorf("%s maxCount %v, want %v", key, mc, tc.perZone)
					}
					sum += mc
				}
			}
			if sum != tc.nodes {
				t.Errorf("zone pools' maxCount sum to %v, want the plan's %v", sum, tc.nodes)
			}
		})
	}
}
