package gcp_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func TestInitialNodeCount(t *testing.T) {
	cases := []struct {
		minNodes int32
		zones    int
		want     int32
	}{
		{3, 3, 1},
		{5, 3, 2},
		{6, 3, 2},
		{7, 3, 3},
		{2, 3, 1},
		{3, 1, 3},
		{0, 3, 1},
		{4, 0, 4},
	}
	for _, tc := range cases {
		if got := gcp.InitialNodeCount(tc.minNodes, tc.zones); got != tc.want {
			t.Errorf("InitialNodeCount(%d, %d) = %d, want %d", tc.minNodes, tc.zones, got, tc.want)
		}
	}
}

// TestNodePoolCounts pins that autoscaling bounds are totals over the zones
// and only initialNodeCount is per zone.
func TestNodePoolCounts(t *testing.T) {
	cases := []struct {
		name                       string
		min, max                   int64
		wantMin, wantMax, wantInit float64
	}{
		{"3..9 over 3 zones", 3, 9, 3, 9, 1},
		{"5..9 over 3 zones", 5, 9, 5, 9, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "spec.nodePools.etcd.minNodes", tc.min)
			testutil.Set(xr, "spec.nodePools.etcd.maxNodes", tc.max)
			out := render(t, xr, env("", false))
			np := testutil.JSON(t, byKey(t, out, "etcd-nodepool").Object)
			fp := "spec.forProvider."
			if got := get(np, fp+"autoscaling.totalMinNodeCount"); got != tc.wantMin {
				t.Errorf("totalMinNodeCount = %v, want %v", got, tc.wantMin)
			}
			if got := get(np, fp+"autoscaling.totalMaxNodeCount"); got != tc.wantMax {
				t.Errorf("totalMaxNodeCount = %v, want %v", got, tc.wantMax)
			}
			for _, perZone := range []string{"autoscaling.minNodeCount", "autoscaling.maxNodeCount", "nodeCount", "initialNodeCount"} {
				if v := get(np, fp+perZone); v != nil {
					t.Errorf("forProvider.%s = %v, want unset", perZone, v)
				}
			}
			if got := get(np, "spec.initProvider.initialNodeCount"); got != tc.wantInit {
				t.Errorf("initProvider.initialNodeCount = %v, want %v", got, tc.wantInit)
			}
			if got := get(np, fp+"autoscaling.locationPolicy"); got != "BALANCED" {
				t.Errorf("locationPolicy = %v", got)
			}
		})
	}
}

func TestRenderNodePools(t *testing.T) {
	out := render(t, exampleXR(t), env("", false))

	var keys []string
	for _, r := range out.Resources {
		keys = append(keys, r.Key+"/"+r.Component)
	}
	want := []string{
		"etcd-nodepool/" + cloud.ComponentEtcdPool,
		"apiserver-nodepool/" + cloud.ComponentAPIServerPool,
		"controlplanes-nodepool/" + cloud.ComponentControlPlanesPool,
		"etcd-storageclass/" + cloud.ComponentStorage,
		"database-instance/" + cloud.ComponentDatabase,
		"database/" + cloud.ComponentDatabase,
		"database-user/" + cloud.ComponentDatabase,
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Fatalf("resources: -want +got:\n%s", diff)
	}

	cases := []struct {
		key, machine, disk string
		taint              []any
	}{
		{"etcd-nodepool", "n2-standard-8", gcp.DiskPDSSD, []any{map[string]any{"key": "target", "value": "etcd", "effect": "NO_SCHEDULE"}}},
		{"apiserver-nodepool", "n2-highcpu-16", gcp.DiskPDBalanced, []any{map[string]any{"key": "target", "value": "apiserver", "effect": "NO_SCHEDULE"}}},
		{"controlplanes-nodepool", "n2-standard-16", gcp.DiskPDBalanced, nil},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			np := testutil.JSON(t, byKey(t, out, tc.key).Object)
			role := strings.TrimSuffix(tc.key, "-nodepool")
			checks := map[string]any{
				"apiVersion":                                      gcp.NodePoolAPIVersion,
				"kind":                                            "NodePool",
				"metadata.name":                                   "prod-usc1-" + role,
				"spec.providerConfigRef.name":                     "gcp",
				"spec.forProvider.cluster":                        "spaces-prod",
				"spec.forProvider.location":                       "us-central1",
				"spec.forProvider.project":                        "my-project",
				"spec.forProvider.nodeConfig.machineType":         tc.machine,
				"spec.forProvider.nodeConfig.diskType":            tc.disk,
				"spec.forProvider.nodeConfig.diskSizeGb":          float64(100),
				"spec.forProvider.management.autoRepair":          true,
				"spec.forProvider.management.autoUpgrade":         true,
				"spec.forProvider.upgradeSettings.strategy":       "SURGE",
				"spec.forProvider.upgradeSettings.maxSurge":       float64(1),
				"spec.forProvider.upgradeSettings.maxUnavailable": float64(0),
			}
			for path, want := range checks {
				if got := get(np, path); got != want {
					t.Errorf("%s = %v, want %v", path, got, want)
				}
			}
			if get(np, "spec.deletionPolicy") != nil {
				t.Errorf("node pools are deleted with the XR, got deletionPolicy %v", get(np, "spec.deletionPolicy"))
			}
			zones := []any{"us-central1-a", "us-central1-b", "us-central1-c"}
			if diff := cmp.Diff(zones, get(np, "spec.forProvider.nodeLocations")); diff != "" {
				t.Errorf("nodeLocations: %s", diff)
			}
			labels := map[string]any{"target": role, "team": "platform"}
			if diff := cmp.Diff(labels, get(np, "spec.forProvider.nodeConfig.labels")); diff != "" {
				t.Errorf("labels: %s", diff)
			}
			var taint any
			if tc.taint != nil {
				taint = tc.taint
			}
			if diff := cmp.Diff(taint, get(np, "spec.forProvider.nodeConfig.taint")); diff != "" {
				t.Errorf("taint: %s", diff)
			}
			rl := map[string]any{"costcenter": "spaces_42"}
			if diff := cmp.Diff(rl, get(np, "spec.forProvider.nodeConfig.resourceLabels")); diff != "" {
				t.Errorf("resourceLabels: %s", diff)
			}
		})
	}

	// No project: the ProviderConfig's.
	xr := exampleXR(t)
	testutil.Set(xr, "spec.gcp", map[string]any{"privateNetwork": "projects/p/global/networks/n"})
	out = render(t, xr, env("", false))
	for _, r := range out.Resources {
		if m := testutil.JSON(t, r.Object); get(m, "spec.forProvider.project") != nil {
			t.Errorf("%s: project %v without spec.gcp.project", r.Key, get(m, "spec.forProvider.project"))
		}
	}
}

func TestBootDiskType(t *testing.T) {
	cases := []struct {
		role    plan.Role
		machine string
		want    string
	}{
		{plan.RoleEtcd, "n2-standard-8", gcp.DiskPDSSD},
		{plan.RoleAPIServer, "n2-standard-8", gcp.DiskPDBalanced},
		{plan.RoleControlPlanes, "c3-standard-22", gcp.DiskPDBalanced},
		{plan.RoleEtcd, "n4-standard-8", gcp.DiskHyperdiskBalanced},
		{plan.RoleControlPlanes, "c4-standard-16", gcp.DiskHyperdiskBalanced},
	}
	for _, tc := range cases {
		if got := gcp.BootDiskType(tc.role, tc.machine); got != tc.want {
			t.Errorf("BootDiskType(%s, %s) = %s, want %s", tc.role, tc.machine, got, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("a", 60) + ".example." + strings.Repeat("b", 100)
	for _, xrName := range []string{"prod-usc1", "0day", long, "1" + strings.Repeat("2", 80)} {
		t.Run(xrName[:min(len(xrName), 20)], func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "metadata.name", xrName)
			for _, ns := range []string{"", "spaces"} {
				out := render(t, xr, env(ns, false))
				seen := map[string]bool{}
				for _, r := range out.Resources {
					m := testutil.JSON(t, r.Object)
					name, _ := get(m, "metadata.name").(string)
					for _, e := range validation.IsDNS1123Label(name) {
						t.Errorf("%s: name %q: %s", r.Key, name, e)
					}
					if seen[name] {
						t.Errorf("%s: name %q used twice", r.Key, name)
					}
					seen[name] = true
					kind := get(m, "kind")
					if kind == "NodePool" && (len(name) > gcp.MaxNodePoolNameLength || name[0] < 'a' || name[0] > 'z') {
						t.Errorf("GKE node pool name %q: at most 40 characters, starting with a letter", name)
					}
					if kind == "DatabaseInstance" && (name[0] < 'a' || name[0] > 'z') {
						t.Errorf("Cloud SQL instance name %q must start with a letter", name)
					}
				}
				for _, n := range []string{out.Database.ConnectionSecret.Name} {
					for _, e := range validation.IsDNS1123Subdomain(n) {
						t.Errorf("secret %q: %s", n, e)
					}
				}
			}
		})
	}
	// Distinct XRs keep distinct names even when shortened.
	a, b := gcp.NodePoolName(long+"x", plan.RoleEtcd), gcp.NodePoolName(long+"y", plan.RoleEtcd)
	if a == b {
		t.Errorf("shortened names collide: %s", a)
	}
}
