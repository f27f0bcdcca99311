package azure_test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
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

	// One etcd pool per zone; zone 1's.
	etcd := res["etcd-nodepool-zone-1"]
	pool := p.Pool(plan.RoleEtcd)
	zoneMin, zoneMax := azure.ZoneCounts(pool.MinNodes, pool.MaxNodes, 3, 0)
	want := map[string]any{
		"apiVersion": "containerservice.azure.upbound.io/v1beta2",
		"kind":       "KubernetesClusterNodePool",
		"metadata": map[string]any{
			"name":        "prod-eus-etcd-zone-1",
			"labels":      map[string]any{"team": "platform"},
			"annotations": map[string]any{"crossplane.io/external-name": azure.ZonalPoolName("prod-eus", "1")},
		},
		"spec": map[string]any{
			"providerConfigRef":  map[string]any{"name": "azure"},
			"managementPolicies": []any{"Observe", "Create", "Update", "Delete"},
			"forProvider": map[string]any{
				"kubernetesClusterId": testClusterID,
				"mode":                "User",
				"osType":              "Linux",
				"vmSize":              "Standard_D4ds_v5",
				"zones":               []any{"1"},
				"autoScalingEnabled":  true,
				"minCount":            float64(zoneMin),
				"maxCount":            float64(zoneMax),
				"nodeLabels":          map[string]any{"team": "platform", "target": "etcd"},
				"nodeTaints":          []any{"target=etcd:NoSchedule"},
				"osDiskSizeGb":        float64(100),
				"osDiskType":          "Managed",
				"upgradeSettings": map[string]any{
					"maxSurge":                  "1",
					"drainTimeoutInMinutes":     float64(30),
					"nodeSoakDurationInMinutes": float64(5),
				},
				"temporaryNameForRotation": azure.ZonalTemporaryPoolName("prod-eus", "1"),
				"tags":                     map[string]any{"cost-center": "spaces"},
			},
			"initProvider": map[string]any{"nodeCount": float64(zoneMin), "maxPods": float64(azure.AKSMaxPods)},
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
	for _, k := range []string{"etcd-nodepool-zone-1", "etcd-nodepool-zone-2", "etcd-nodepool-zone-3", "apiserver-nodepool", "controlplanes-nodepool"} {
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

func TestZoneCounts(t *testing.T) {
	cases := []struct {
		min, max int32
		zones    int
		want     [][2]int32
	}{
		// The Azure example: etcd 3..10 over 3 zones (150 volumes, 16 per
		// Standard_D8s_v5): 1..4 per zone, each zone holding 50 volumes.
		{3, 10, 3, [][2]int32{{1, 4}, {1, 4}, {1, 4}}},
		// 120 control planes: 3..23 (360 volumes / 16) -> 1..8 per zone.
		{3, 23, 3, [][2]int32{{1, 8}, {1, 8}, {1, 8}}},
		// minNodes 5 over 3 zones: 2, 2, 1 (exact); maxNodes 6: 2 each.
		{5, 6, 3, [][2]int32{{2, 2}, {2, 2}, {1, 2}}},
		// One node without HA: a zone may start empty but can grow.
		{1, 1, 3, [][2]int32{{1, 1}, {0, 1}, {0, 1}}},
		{4, 4, 2, [][2]int32{{2, 2}, {2, 2}}},
	}
	for _, tc := range cases {
		var got [][2]int32
		var sumMin int32
		for i := range tc.zones {
			lo, hi := azure.ZoneCounts(tc.min, tc.max, tc.zones, i)
			got = append(got, [2]int32{lo, hi})
			sumMin += lo
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ZoneCounts(%d, %d, %d zones) = %v, want %v", tc.min, tc.max, tc.zones, got, tc.want)
		}
		if sumMin != tc.min {
			t.Errorf("minCounts sum to %d, want minNodes %d", sumMin, tc.min)
		}
	}
}

func TestZonalPoolNames(t *testing.T) {
	long := strings.Repeat("production-space-eastus-", 3)
	seen := map[string]string{}
	for _, xr := range []string{"prod", long, long + "y", "abcdefghijkl-1", "abcdefghijkl-2"} {
		names := []string{azure.PoolName(xr, plan.RoleAPIServer), azure.PoolName(xr, plan.RoleControlPlanes), azure.PoolName(xr, plan.RoleEtcd)}
		for _, z := range []string{"1", "2", "3"} {
			n, tmp := azure.ZonalPoolName(xr, z), azure.ZonalTemporaryPoolName(xr, z)
			if !strings.HasPrefix(n, "etcd"+z) {
				t.Errorf("zonal pool name %q does not start with etcd%s", n, z)
			}
			if azure.ZonalPoolName(xr, z) != n || azure.ZonalTemporaryPoolName(xr, z) != tmp {
				t.Errorf("XR %q zone %s: names change between calls", xr, z)
			}
			names = append(names, n, tmp)
		}
		for _, n := range names {
			if !reAKSPoolName.MatchString(n) {
				t.Errorf("pool name %q (XR %q) breaks AKS's rule", n, xr)
			}
			if prev, ok := seen[n]; ok {
				t.Errorf("name %q used by %s and %s", n, prev, xr)
			}
			seen[n] = xr
		}
	}
}

// TestLegacyEtcdPoolKept: an XR whose zone-spanning etcd pool is observed
// keeps it (replacing it would drain every etcd node at once).
func TestLegacyEtcdPoolKept(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	env := envFor("", false)
	env.Observed = map[string]map[string]any{azure.LegacyEtcdPoolKey: {"apiVersion": azure.NodePoolAPIVersion, "kind": azure.NodePoolKind}}
	out, err := r.Render(p, env)
	if err != nil {
		t.Fatal(err)
	}
	res := byKey(t, out)
	if _, ok := res[azure.LegacyEtcdPoolKey]; !ok {
		t.Fatalf("the observed zone-spanning etcd pool is not kept; keys: %v", slices.Collect(maps.Keys(res)))
	}
	if _, ok := res[azure.ZonalPoolKey("1")]; ok {
		t.Error("zonal etcd pools composed beside the observed zone-spanning one")
	}
	if got := get(t, res[azure.LegacyEtcdPoolKey], "spec", "forProvider", "zones"); !cmp.Equal(got, []any{"1", "2", "3"}) {
		t.Errorf("zones = %v", got)
	}
	if w := azure.Warnings(cloud.In{Plan: p, Env: env}); len(w) == 0 || !strings.HasPrefix(w[0], "spec.nodePools.etcd: the AKS etcd pool spans the zones") {
		t.Errorf("warnings = %v, want the zone-spanning etcd pool named", w)
	}
}
