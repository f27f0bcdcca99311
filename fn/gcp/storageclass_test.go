package gcp_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn"
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
