package gcp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
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

func TestHyperdiskPerformance(t *testing.T) {
	cases := []struct {
		gib               int64
		iops, mibps       int32
		wantIOPS, wantMiB int64
	}{
		{50, 6000, 250, 6000, 250},
		{4, 6000, 250, 3000, 250},
		{1000, 200000, 5000, 160000, 2400},
		{50, 1000, 100, 3000, 140},
	}
	for _, tc := range cases {
		i, m := gcp.HyperdiskPerformance(tc.gib, tc.iops, tc.mibps)
		if i != tc.wantIOPS || m != tc.wantMiB {
			t.Errorf("HyperdiskPerformance(%d GiB, %d, %d) = %d, %d; want %d, %d", tc.gib, tc.iops, tc.mibps, i, m, tc.wantIOPS, tc.wantMiB)
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
// nodes run as it, with GKE's metadata server; without it, a Warning.
func TestNodeServiceAccount(t *testing.T) {
	const sa = "spaces-nodes@my-project.iam.gserviceaccount.com"
	xr := exampleXR(t)
	testutil.Set(xr, "spec.gcp.nodeServiceAccount", sa)
	p, r, s := build(t, xr)
	out, err := r.Render(p, env("", false))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool"} {
		nc := get(testutil.JSON(t, byKey(t, out, key).Object), "spec.forProvider.nodeConfig").(map[string]any)
		if nc["serviceAccount"] != sa || !cmp.Equal(nc["workloadMetadataConfig"], map[string]any{"mode": "GKE_METADATA"}) {
			t.Errorf("%s: serviceAccount %v, workloadMetadataConfig %v", key, nc["serviceAccount"], nc["workloadMetadataConfig"])
		}
	}
	if w := gcp.Warnings(cloud.In{Plan: p, Spec: s}); len(w) != 0 {
		t.Errorf("warnings with a service account: %v", w)
	}

	testutil.Set(xr, "spec.gcp.nodeServiceAccount", "")
	p, r, s = build(t, xr)
	out, _ = r.Render(p, env("", false))
	nc := get(testutil.JSON(t, byKey(t, out, "etcd-nodepool").Object), "spec.forProvider.nodeConfig").(map[string]any)
	if _, ok := nc["serviceAccount"]; ok {
		t.Errorf("serviceAccount set without spec.gcp.nodeServiceAccount: %v", nc["serviceAccount"])
	}
	if w := gcp.Warnings(cloud.In{Plan: p, Spec: s}); len(w) != 1 || !strings.HasPrefix(w[0], "spec.gcp.nodeServiceAccount is not set") {
		t.Errorf("warnings = %v, want one naming spec.gcp.nodeServiceAccount", w)
	}

	testutil.Set(xr, "spec.gcp.nodeServiceAccount", "not-an-email")
	raw, _ := json.Marshal(xr)
	if _, errs := fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}}); len(errs) != 1 || errs[0].Field != "spec.gcp.nodeServiceAccount" {
		t.Errorf("errs = %v, want one on spec.gcp.nodeServiceAccount", errs)
	}
}
