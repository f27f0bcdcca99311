package azure

import "testing"

func TestVolumesPerNode(t *testing.T) {
	etcd := DiskPerformance{IOPS: 6000, MBps: 250}
	cases := []struct {
		name      string
		disks     int64
		l         vmDiskLimit
		confirmed bool
		perf      DiskPerformance
		want      int64
		limit     string
	}{
		// Standard_D8s_v5: 16 data disks, 12,800 IOPS (2 volumes), 290 MBps (1).
		{"D8s_v5", 16, vmDiskLimit{12800, 290}, true, etcd, 1, "uncached disk MBps: 290 per VM / 250 per volume"},
		// Standard_D16s_v5: 32, 25,600 (4), 600 (2).
		{"D16s_v5", 32, vmDiskLimit{25600, 600}, true, etcd, 2, "uncached disk MBps: 600 per VM / 250 per volume"},
		// Baseline volumes (3,000 IOPS, 125 MBps) on D16s_v5: 8 by IOPS, 4 by MBps.
		{"baseline", 32, vmDiskLimit{25600, 600}, true, DiskPerformance{3000, 125}, 4, "uncached disk MBps: 600 per VM / 125 per volume"},
		// IOPS binds when each volume asks many IOPS and little throughput.
		{"iops", 32, vmDiskLimit{25600, 600}, true, DiskPerformance{10000, 125}, 2, "uncached disk IOPS: 25600 per VM / 10000 per volume"},
		// Data disks bind when the budget covers them all.
		{"disks", 4, vmDiskLimit{80000, 2600}, true, etcd, 4, LimitDataDisks},
		// A budget below one volume still attaches one, and says so.
		{"below", 4, vmDiskLimit{3750, 85}, false, etcd, 1,
			"uncached disk MBps: 85 per VM / 250 per volume, the most restrictive known value for this series; below one volume's provisioned rate, so even one volume gets less"},
	}
	for _, tc := range cases {
		n, limit := volumesPerNode(tc.disks, tc.l, tc.confirmed, tc.perf)
		if n != tc.want || limit != tc.limit {
			t.Errorf("%s: volumesPerNode = %d, %q; want %d, %q", tc.name, n, limit, tc.want, tc.limit)
		}
	}
}

func TestUncachedDiskLimit(t *testing.T) {
	cases := []struct {
		family    string
		vcpu      int64
		want      vmDiskLimit
		confirmed bool
	}{
		{"Ds_v5", 8, vmDiskLimit{12800, 290}, true},
		{"Dds_v5", 16, vmDiskLimit{25600, 600}, true},
		{"Es_v5", 20, vmDiskLimit{32000, 750}, true},
		{"Das_v5", 8, vmDiskLimit{12800, 200}, true},
		{"Eads_v5", 20, vmDiskLimit{32000, 480}, true},
		{"Ds_v4", 8, vmDiskLimit{12800, 192}, true},
		{"Fs_v2", 72, vmDiskLimit{80000, 1100}, true},
		// Unconfirmed: the lowest IOPS and MBps of the confirmed tables at
		// that count, or at their largest count below it.
		{"Ds_v6", 8, vmDiskLimit{12800, 190}, false},
		{"Eds_v5", 20, vmDiskLimit{32000, 750}, true},
		{"Eds_v4", 20, vmDiskLimit{25600, 380}, false},
		{"Ds_v6", 128, vmDiskLimit{80000, 1100}, false},
	}
	for _, tc := range cases {
		got, confirmed := uncachedDiskLimit(tc.family, tc.vcpu)
		if got != tc.want || confirmed != tc.confirmed {
			t.Errorf("uncachedDiskLimit(%s, %d) = %+v, %v; want %+v, %v", tc.family, tc.vcpu, got, confirmed, tc.want, tc.confirmed)
		}
	}
	if EtcdVolumePerformance != (DiskPerformance{IOPS: 6000, MBps: 250}) {
		t.Errorf("EtcdVolumePerformance = %+v, want the plan's 6,000 IOPS / 250 MBps", EtcdVolumePerformance)
	}
}
