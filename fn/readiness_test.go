package fn

import (
	"encoding/json"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// inClusterStatus is the status the object inside the Space cluster has once
// its controller has reconciled it: Karpenter's NodePool and EC2NodeClass
// write a Ready condition; a StorageClass, a Secret and a PrometheusRule
// have no status at all.
func inClusterStatus(manifest map[string]any) map[string]any {
	switch manifest["kind"] {
	case "NodePool", "EC2NodeClass":
		return map[string]any{"conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "reason": "Ready"},
		}}
	default:
		return nil
	}
}

// asProviderKubernetesObserves is an Object as provider-kubernetes v1.2
// writes it back once the object it manages exists and is up to date
// (internal/controller/cluster/object/object.go): status.atProvider.manifest
// is the observed object, Synced is True, and Ready follows the readiness
// policy: SuccessfulCreate is Available; DeriveFromObject is Available only
// when the observed object's Ready condition is True, else Unavailable.
func asProviderKubernetesObserves(t *testing.T, object map[string]any) map[string]any {
	t.Helper()
	o := deepCopy(t, object)
	manifest, _ := testutil.Get(o, "spec", "forProvider", "manifest").(map[string]any)
	observed := deepCopy(t, manifest)
	if st := inClusterStatus(observed); st != nil {
		observed["status"] = st
	}
	ready := map[string]any{"type": "Ready", "status": "True", "reason": "Available"}
	if testutil.Get(o, "spec", "readiness", "policy") == "DeriveFromObject" {
		st, _ := observed["status"].(map[string]any)
		conds, _ := st["conditions"].([]any)
		found := false
		for _, c := range conds {
			cm, _ := c.(map[string]any)
			if cm["type"] == "Ready" && cm["status"] == "True" {
				found = true
			}
		}
		if !found {
			ready = map[string]any{"type": "Ready", "status": "False", "reason": "Unavailable"}
		}
	}
	o["status"] = map[string]any{
		"atProvider": map[string]any{"manifest": observed},
		"conditions": []any{map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess"}, ready},
	}
	return o
}

// asProviderObserves is any other managed resource once available: Synced
// and Ready True, and the database's address in atProvider.
func asProviderObserves(t *testing.T, mr map[string]any) map[string]any {
	t.Helper()
	o := deepCopy(t, mr)
	o["status"] = map[string]any{
		"atProvider": map[string]any{"address": "db.internal", "privateIpAddress": "10.1.2.3", "fqdn": "db.postgres.database.azure.com"},
		"conditions": []any{
			map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess"},
			map[string]any{"type": "Ready", "status": "True", "reason": "Available"},
		},
	}
	return o
}

func deepCopy(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestXRBecomesReady: once every composed resource exists, observed the way
// the real providers write it, the XR is Ready. With DeriveFromObject on an
// Object whose manifest has no Ready condition (StorageClass, Secret,
// PrometheusRule) it never would be.
func TestXRBecomesReady(t *testing.T) {
	for _, base := range []string{"xr-aws", "xr-gcp", "xr-azure", "namespaced/xr-aws"} {
		t.Run(base, func(t *testing.T) {
			xr := readXR(t, "../example/"+base+".yaml")
			var obs map[string]map[string]any
			var rsp *fnv1.RunFunctionResponse
			// More rounds: GCP and Azure compose the Release once the
			// database reports its address, and every cloud observes the
			// router's Service once the Release is ready; the last turns the
			// XR Ready, once its status records every component ready
			// (xrready.go).
			for range 5 {
				rsp = run(t, newRequest(t, xr, obs))
				xr = withStatus(xr, rsp)
				obs = map[string]map[string]any{}
				for k, r := range rsp.GetDesired().GetResources() {
					m := r.GetResource().AsMap()
					if strings.HasPrefix(m["apiVersion"].(string), "kubernetes.") && m["kind"] == "Object" {
						obs[k] = asProviderKubernetesObserves(t, m)
						continue
					}
					obs[k] = asProviderObserves(t, m)
				}
			}
			for k, r := range rsp.GetDesired().GetResources() {
				if r.GetReady() != fnv1.Ready_READY_TRUE {
					t.Errorf("%s is not ready: %v", k, obs[k]["status"])
				}
			}
			var cond *fnv1.Condition
			for _, c := range rsp.GetConditions() {
				if c.GetType() == ConditionComponentsReady {
					cond = c
				}
			}
			if cond == nil || cond.GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE {
				t.Errorf("%s = %v, want True", ConditionComponentsReady, cond)
			}
		})
	}
}
