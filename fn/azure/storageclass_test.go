package azure_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

func TestRenderStorageClass(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	for _, direct := range []bool{false, true} {
		out, err := r.Render(p, envFor("", direct))
		if err != nil {
			t.Fatal(err)
		}
		sc := byKey(t, out)["etcd-storageclass"]
		if !direct {
			if sc["kind"] != "Object" || get(t, sc, "metadata", "name") != "prod-eus-etcd-storageclass" {
				t.Errorf("not delivered through an Object: %v", sc["kind"])
			}
			sc = get(t, sc, "spec", "forProvider", "manifest").(map[string]any)
		}
		want := map[string]any{
			"apiVersion":           "storage.k8s.io/v1",
			"kind":                 "StorageClass",
			"metadata":             map[string]any{"name": p.Storage.ClassName, "labels": map[string]any{"team": "platform"}},
			"provisioner":          "disk.csi.azure.com",
			"reclaimPolicy":        "Delete",
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
			"parameters": map[string]any{
				"skuName":                   "PremiumV2_LRS",
				"cachingMode":               "None",
				"DiskIOPSReadWrite":         "6000",
				"DiskMBpsReadWrite":         "250",
				"csi.storage.k8s.io/fstype": "ext4",
			},
		}
		if diff := cmp.Diff(want, sc); diff != "" {
			t.Errorf("direct=%v StorageClass: -want +got:\n%s", direct, diff)
		}
	}
}

// TestPremiumV2Performance pins Premium SSD v2's limits, through the rule
// they feed.
func TestPremiumV2Performance(t *testing.T) {
	type perf struct{ IOPS, MBps int64 }
	cases := []struct {
		gib              int64
		wantIOPS, wantMB int32
		want             perf
	}{
		// The plan's 6,000 IOPS and 250 MB/s fit any disk of 12 GiB and more.
		{50, 6000, 250, perf{IOPS: 6000, MBps: 250}},
		{12, 6000, 250, perf{IOPS: 6000, MBps: 250}},
		// Smaller disks are capped at 500 IOPS per GiB, never below the
		// free 3,000 (all a disk of 6 GiB or less gets); throughput at a
		// quarter MB/s per IOPS.
		{10, 6000, 250, perf{IOPS: 5000, MBps: 250}},
		{7, 6000, 250, perf{IOPS: 3500, MBps: 250}},
		{6, 6000, 250, perf{IOPS: 3000, MBps: 250}},
		{5, 6000, 1000, perf{IOPS: 3000, MBps: 750}},
		{1, 6000, 250, perf{IOPS: 3000, MBps: 250}},
		// Large asks stop at the SKU's ceilings.
		{1000, 100000, 5000, perf{IOPS: 80000, MBps: 1200}},
		// Small asks get the baseline.
		{50, 100, 10, perf{IOPS: 3000, MBps: 125}},
	}
	for _, tc := range cases {
		var got perf
		got.IOPS, got.MBps = plan.VolumePerformance(azure.PremiumV2, tc.gib, tc.wantIOPS, tc.wantMB)
		if got != tc.want {
			t.Errorf("Premium SSD v2: VolumePerformance(%d, %d, %d) = %+v, want %+v", tc.gib, tc.wantIOPS, tc.wantMB, got, tc.want)
		}
	}
}
