package fn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestCapacityPlan120: 120 control planes x 800 MRs x 200 CRDs on AWS with
// the default machine types, through RunFunction (README, worked example).
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
		// CPU needs 11 m7i.2xlarge nodes, but 360 etcd volumes at 31 per
		// node (32 dedicated EBS attachments - root) need 12: volumes bind.
		"etcd":          {"73440m", "151200Mi", 3, 12, "volumes"},
		"apiServer":     {"48960m", "380160Mi", 2, 13, "memory"},
		"controlPlanes": {"576", "170289Mi", 3, 40, "cpu"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(pool{})); diff != "" {
		t.Errorf("status.capacityPlan pools: -want +got:\n%s", diff)
	}

	// Karpenter limits: maxNodes nodes of the first machine type.
	wantLimits := map[string]map[string]any{
		"etcd-nodepool":          {"nodes": "12", "cpu": "96", "memory": "384Gi"},
		"apiserver-nodepool":     {"nodes": "13", "cpu": "104", "memory": "416Gi"},
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
	observe := func(dbReady bool) map[string]map[string]any {
		obs := map[string]map[string]any{}
		for k, r := range first.GetDesired().GetResources() {
			m := r.GetResource().AsMap()
			obs[k] = ready(m["apiVersion"].(string), m["kind"].(string), dbReady || !strings.HasPrefix(k, "database-instance"))
		}
		return obs
	}

	t.Run("AllReady", func(t *testing.T) {
		rsp := run(t, newRequest(t, xr, observe(true)))
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
