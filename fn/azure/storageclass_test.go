package azure_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
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

func TestChooseDiskPerformance(t *testing.T) {
	cases := []struct {
		gib              int64
		wantIOPS, wantMB int32
		want             azure.DiskPerformance
	}{
		// The plan's 6,000 IOPS and 250 MB/s fit any disk of 12 GiB and more.
		{50, 6000, 250, azure.DiskPerformance{IOPS: 6000, MBps: 250}},
		{12, 6000, 250, azure.DiskPerformance{IOPS: 6000, MBps: 250}},
		// Smaller disks are capped at 500 IOPS per GiB, never below the
		// free 3,000; throughput at a quarter MB/s per IOPS.
		{10, 6000, 250, azure.DiskPerformance{IOPS: 5000, MBps: 250}},
		{5, 6000, 1000, azure.DiskPerformance{IOPS: 3000, MBps: 750}},
		{1, 6000, 250, azure.DiskPerformance{IOPS: 3000, MBps: 250}},
		// Large asks stop at the SKU's ceilings.
		{1000, 100000, 5000, azure.DiskPerformance{IOPS: 80000, MBps: 1200}},
		// Small asks get the baseline.
		{50, 100, 10, azure.DiskPerformance{IOPS: 3000, MBps: 125}},
	}
	for _, tc := range cases {
		if got := azure.ChooseDiskPerformance(tc.gib, tc.wantIOPS, tc.wantMB); got != tc.want {
			t.Errorf("ChooseDiskPerformance(%d, %d, %d) = %+v, want %+v", tc.gib, tc.wantIOPS, tc.wantMB, got, tc.want)
		}
	}
}

func TestVolumeGiB(t *testing.T) {
	for in, want := range map[string]int64{"50Gi": 50, "5Gi": 5, "1Ti": 1024, "10G": 10, "500Mi": 1, "junk": 50} {
		if got := azure.VolumeGiB(in); got != want {
			t.Errorf("VolumeGiB(%q) = %d, want %d", in, got, want)
		}
	}
}
