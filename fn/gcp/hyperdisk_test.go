package gcp_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestHyperdiskEtcdStorageClass: an N4 etcd pool cannot attach Persistent
// Disk, so its volumes are Hyperdisk Balanced, provisioned with the plan's
// 6,000 IOPS and 250 MiB/s where the volume's size allows it.
func TestHyperdiskEtcdStorageClass(t *testing.T) {
	cases := map[string]struct {
		machine, size string
		want          map[string]any
	}{
		"N4": {"n4-standard-8", "50Gi", map[string]any{
			"type": "hyperdisk-balanced", "provisioned-iops-on-create": "6000", "provisioned-throughput-on-create": "250Mi",
			"csi.storage.k8s.io/fstype": "ext4",
		}},
		// 5 GiB allows at most 2,500 IOPS by ratio, but 3,000 at any size.
		"N4Small": {"n4-standard-8", "5Gi", map[string]any{
			"type": "hyperdisk-balanced", "provisioned-iops-on-create": "3000", "provisioned-throughput-on-create": "250Mi",
			"csi.storage.k8s.io/fstype": "ext4",
		}},
		"N2": {"n2-standard-8", "50Gi", map[string]any{
			"type": "pd-ssd", "replication-type": "none", "csi.storage.k8s.io/fstype": "ext4",
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "spec.nodePools.etcd.machineTypes", []any{tc.machine})
			testutil.Set(xr, "spec.spaces.etcdVolumeSize", tc.size)
			out := render(t, xr, env("", true))
			sc := testutil.JSON(t, byKey(t, out, "etcd-storageclass").Object)
			if diff := cmp.Diff(tc.want, sc["parameters"]); diff != "" {
				t.Errorf("parameters: -want +got:\n%s", diff)
			}
		})
	}
}

// TestHyperdiskPerformance pins Hyperdisk Balanced's limits, through the
// rule they feed: each case names the limit that binds.
func TestHyperdiskPerformance(t *testing.T) {
	cases := map[string]struct {
		gib               int64
		iops, mibps       int32
		wantIOPS, wantMiB int64
	}{
		"Fits":             {50, 6000, 250, 6000, 250},
		"BaselineIOPS":     {4, 6000, 250, 3000, 250},
		"ThroughputByIOPS": {8, 6000, 2000, 4000, 1000},
		"Ceilings":         {1000, 200000, 5000, 160000, 2400},
		"Baseline":         {50, 1000, 100, 3000, 140},
	}
	for name, tc := range cases {
		i, m := plan.VolumePerformance(gcp.HyperdiskBalanced, tc.gib, tc.iops, tc.mibps)
		if i != tc.wantIOPS || m != tc.wantMiB {
			t.Errorf("%s: VolumePerformance(%d GiB, %d, %d) = %d, %d; want %d, %d", name, tc.gib, tc.iops, tc.mibps, i, m, tc.wantIOPS, tc.wantMiB)
		}
	}
}

func TestHyperdiskMixedFamiliesRefused(t *testing.T) {
	xr := exampleXR(t)
	testutil.Set(xr, "spec.nodePools.etcd.machineTypes", []any{"n4-standard-8", "n2-standard-8"})
	raw, err := json.Marshal(xr)
	if err != nil {
		t.Fatal(err)
	}
	_, errs := fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}})
	if len(errs) != 1 || errs[0].Field != "spec.nodePools.etcd.machineTypes[1]" {
		t.Errorf("errs = %v, want one on spec.nodePools.etcd.machineTypes[1]", errs)
	}
}

// TestNodeServiceAccount: with spec.gcp.nodeServiceAccount every pool's
// nodes run as it with the cloud-platform scope and GKE's metadata server
// (which needs Workload Identity on the cluster); without it they run as
// the Compute Engine default service account with GKE's own narrow default
// scopes, never cloud-platform (an Editor token for any pod), no metadata
// mode (the cluster's default, so the pool is created with or without
// Workload Identity), and a Warning.
func TestNodeServiceAccount(t *testing.T) {
	const sa = "spaces-nodes@my-project.iam.gserviceaccount.com"
	narrow := []any{
		"https://www.googleapis.com/auth/devstorage.read_only",
		"https://www.googleapis.com/auth/logging.write",
		"https://www.googleapis.com/auth/monitoring",
		"https://www.googleapis.com/auth/service.management.readonly",
		"https://www.googleapis.com/auth/servicecontrol",
		"https://www.googleapis.com/auth/trace.append",
	}
	cases := map[string]struct {
		sa       string
		scopes   []any
		wmc      any
		warnings int
	}{
		"ServiceAccount": {sa: sa, scopes: []any{"https://www.googleapis.com/auth/cloud-platform"},
			wmc: map[string]any{"mode": "GKE_METADATA"}},
		"DefaultServiceAccount": {scopes: narrow, warnings: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "spec.gcp.nodeServiceAccount", tc.sa)
			p, r, s := build(t, xr)
			out, err := r.Render(p, env("", false))
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool"} {
				nc := get(testutil.JSON(t, byKey(t, out, key).Object), "spec.forProvider.nodeConfig").(map[string]any)
				var wantSA any
				if tc.sa != "" {
					wantSA = tc.sa
				}
				if nc["serviceAccount"] != wantSA {
					t.Errorf("%s: serviceAccount = %v, want %v", key, nc["serviceAccount"], wantSA)
				}
				if diff := cmp.Diff(tc.scopes, nc["oauthScopes"]); diff != "" {
					t.Errorf("%s: oauthScopes -want +got:\n%s", key, diff)
				}
				if diff := cmp.Diff(tc.wmc, nc["workloadMetadataConfig"]); diff != "" {
					t.Errorf("%s: workloadMetadataConfig -want +got:\n%s", key, diff)
				}
			}
			w := gcp.Warnings(cloud.In{Plan: p, Spec: s})
			if len(w) != tc.warnings {
				t.Fatalf("warnings = %v, want %d", w, tc.warnings)
			}
			if tc.warnings > 0 && (!strings.HasPrefix(w[0], "spec.gcp.nodeServiceAccount is not set") || !strings.Contains(w[0], "Workload Identity")) {
				t.Errorf("warning %q: want one naming spec.gcp.nodeServiceAccount and Workload Identity", w[0])
			}
		})
	}
	// The default scopes are GKE's, sorted, and the callers cannot change
	// the package's copy.
	got, _ := gcp.NodeIdentity("")
	if !slices.IsSorted(got) || len(got) != len(narrow) {
		t.Errorf("NodeIdentity(\"\") scopes = %v, want %d sorted", got, len(narrow))
	}
	got[0] = "changed"
	if again, _ := gcp.NodeIdentity(""); again[0] == "changed" {
		t.Error("NodeIdentity returns the package's slice")
	}

	xr := exampleXR(t)
	testutil.Set(xr, "spec.gcp.nodeServiceAccount", "not-an-email")
	raw, _ := json.Marshal(xr)
	if _, errs := fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}}); len(errs) != 1 || errs[0].Field != "spec.gcp.nodeServiceAccount" {
		t.Errorf("errs = %v, want one on spec.gcp.nodeServiceAccount", errs)
	}
}
