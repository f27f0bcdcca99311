package azure_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// reAKSPoolName is AKS's rule for Linux node pool names.
var reAKSPoolName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

func TestPoolNames(t *testing.T) {
	long := strings.Repeat("production-space-eastus-", 3) + "x" // 73 characters
	xrs := []string{
		"prod",
		long,
		long + "y",       // shares 73 characters with long
		"abcdefghijkl-1", // two names that share a 12-character prefix
		"abcdefghijkl-2",
		"UPPER.case_and.dots",
		"9starts-with-a-digit",
	}
	seen := map[string]string{}
	for _, xr := range xrs {
		for _, r := range plan.Roles {
			name, tmp := azure.PoolName(xr, r), azure.TemporaryPoolName(xr, r)
			for _, n := range []string{name, tmp} {
				if !reAKSPoolName.MatchString(n) {
					t.Errorf("pool name %q (XR %q, role %s) breaks AKS's rule", n, xr, r)
				}
			}
			if name == tmp {
				t.Errorf("XR %q role %s: temporaryNameForRotation equals the name %q", xr, r, name)
			}
			if azure.PoolName(xr, r) != name || azure.TemporaryPoolName(xr, r) != tmp {
				t.Errorf("XR %q role %s: names change between calls", xr, r)
			}
			for _, n := range []string{name, tmp} {
				if prev, ok := seen[n]; ok {
					t.Errorf("name %q used by %s and %s/%s", n, prev, xr, r)
				}
				seen[n] = xr + "/" + string(r)
			}
		}
	}
	if got := azure.PoolName("prod", plan.RoleEtcd); !strings.HasPrefix(got, "etcd") {
		t.Errorf("etcd pool name %q does not start with etcd", got)
	}
}

func TestRenderNodePools(t *testing.T) {
	p, r := build(t, minimalXR, func(s *spec.Spec) {
		s.NodePools.Etcd.MachineTypes = []string{"Standard_D4ds_v5", "Standard_D8ds_v5"}
	})
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	res := byKey(t, out)

	etcd := res["etcd-nodepool"]
	pool := p.Pool(plan.RoleEtcd)
	want := map[string]any{
		"apiVersion": "containerservice.azure.upbound.io/v1beta2",
		"kind":       "KubernetesClusterNodePool",
		"metadata": map[string]any{
			"name":        "prod-eus-etcd",
			"labels":      map[string]any{"team": "platform"},
			"annotations": map[string]any{"crossplane.io/external-name": azure.PoolName("prod-eus", plan.RoleEtcd)},
		},
		"spec": map[string]any{
			"providerConfigRef":  map[string]any{"name": "azure"},
			"managementPolicies": []any{"Observe", "Create", "Update", "Delete"},
			"forProvider": map[string]any{
				"kubernetesClusterId": testClusterID,
				"mode":                "User",
				"osType":              "Linux",
				"vmSize":              "Standard_D4ds_v5",
				"zones":               []any{"1", "2", "3"},
				"autoScalingEnabled":  true,
				"minCount":            float64(3),
				"maxCount":            float64(pool.MaxNodes),
				"nodeLabels":          map[string]any{"team": "platform", "target": "etcd"},
				"nodeTaints":          []any{"target=etcd:NoSchedule"},
				"osDiskSizeGb":        float64(100),
				"osDiskType":          "Managed",
				"upgradeSettings": map[string]any{
					"maxSurge":                  "1",
					"drainTimeoutInMinutes":     float64(30),
					"nodeSoakDurationInMinutes": float64(5),
				},
				"temporaryNameForRotation": azure.TemporaryPoolName("prod-eus", plan.RoleEtcd),
				"tags":                     map[string]any{"cost-center": "spaces"},
			},
			"initProvider": map[string]any{"nodeCount": float64(3)},
		},
	}
	if diff := cmp.Diff(want, etcd); diff != "" {
		t.Errorf("etcd node pool: -want +got:\n%s", diff)
	}
	if pool.MaxNodes < pool.MinNodes || pool.MaxNodes == 0 {
		t.Errorf("etcd pool bounds %d..%d", pool.MinNodes, pool.MaxNodes)
	}

	if got := get(t, res["apiserver-nodepool"], "spec", "forProvider", "nodeTaints"); !cmp.Equal(got, []any{"target=apiserver:NoSchedule"}) {
		t.Errorf("apiserver taints = %v", got)
	}
	cp := res["controlplanes-nodepool"]
	if got := get(t, cp, "spec", "forProvider", "nodeTaints"); got != nil {
		t.Errorf("controlplanes pool is tainted: %v", got)
	}
	if got := get(t, cp, "spec", "forProvider", "vmSize"); got != azure.DefaultControlPlanesMachineType {
		t.Errorf("controlplanes vmSize = %v", got)
	}
	if got := get(t, cp, "spec", "forProvider", "upgradeSettings", "maxSurge"); got != "33%" {
		t.Errorf("controlplanes maxSurge = %v", got)
	}

	// Pools of one XR have distinct AKS names.
	names := map[string]bool{}
	for _, k := range []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool"} {
		for _, n := range []string{
			get(t, res[k], "metadata", "annotations", "crossplane.io/external-name").(string),
			get(t, res[k], "spec", "forProvider", "temporaryNameForRotation").(string),
		} {
			if names[n] {
				t.Errorf("AKS name %q used twice", n)
			}
			names[n] = true
		}
	}
}
