package azure

import "testing"

func TestVolumesPerNode(t *testing.T) {
	need := DiskPerformance{IOPS: 500, MBps: 10}
	cases := []struct {
		name      string
		disks     int64
		l         vmDiskLimit
		confirmed bool
		need      DiskPerformance
		want      int64
		limit     string
	}{
		// Standard_D8s_v5: 16 data disks, 12,800 IOPS (25 members), 290 MBps (29).
		{"D8s_v5", 16, vmDiskLimit{12800, 290}, true, need, 16, LimitDataDisks},
		// Standard_D2s_v5: 4 data disks, 3,750 IOPS (7), 85 MBps (8).
		{"D2s_v5", 4, vmDiskLimit{3750, 85}, true, need, 4, LimitDataDisks},
		// MBps binds when the budget is below the disks' share: 32 disks, 51 by IOPS, 19 by MBps.
		{"mbps", 32, vmDiskLimit{25600, 190}, true, need, 19, "uncached disk MBps: 190 per VM / 10 per etcd member"},
		// IOPS binds: 32 disks, 6 by IOPS, 60 by MBps.
		{"iops", 32, vmDiskLimit{3200, 600}, true, need, 6, "uncached disk IOPS: 3200 per VM / 500 per etcd member"},
		// Ties go to data disks: Standard_F2s_v2, 4 disks, 6 by IOPS, 4 by MBps.
		{"tie", 4, vmDiskLimit{3200, 47}, true, need, 4, LimitDataDisks},
		// A budget below one member's need still attaches one volume, and says so.
		{"below", 4, vmDiskLimit{400, 85}, false, need, 1,
			"uncached disk IOPS: 400 per VM / 500 per etcd member, the most restrictive known value for this series; below one etcd member's sustained need, so even one volume gets less"},
	}
	for _, tc := range cases {
		n, limit := volumesPerNode(tc.disks, tc.l, tc.confirmed, tc.need)
		if n != tc.want || limit != tc.limit {
			t.Errorf("%s: volumesPerNode = %d, %q; want %d, %q", tc.name, n, limit, tc.want, tc.limit)
		}
	}
}

// TestEtcdVolumesPerNode runs the rule on the real budgets: every node
// serves its members' sustained need (etcd's hardware guide: 500 IOPS,
// 10 MB/s), and with that need max data disks bind on the catalog sizes.
func TestEtcdVolumesPerNode(t *testing.T) {
	if etcdMemberDiskNeed != (DiskPerformance{IOPS: 500, MBps: 10}) {
		t.Errorf("etcdMemberDiskNeed = %+v, want etcd's 500 IOPS / 10 MBps", etcdMemberDiskNeed)
	}
	cases := []struct {
		family string
		vcpu   int64
		want   int64
	}{
		{"Ds_v5", 2, 4}, {"Ds_v5", 4, 8}, {"Ds_v5", 8, 16}, {"Ds_v5", 16, 32}, {"Ds_v5", 64, 32},
		{"Das_v5", 8, 16}, {"Ds_v4", 4, 8}, {"Fs_v2", 2, 4}, {"Dls_v5", 8, 16},
	}
	for _, tc := range cases {
		n, limit := etcdVolumesPerNode(tc.family, tc.vcpu)
		if n != tc.want || limit != LimitDataDisks {
			t.Errorf("etcdVolumesPerNode(%s, %d) = %d, %q; want %d, %q", tc.family, tc.vcpu, n, limit, tc.want, LimitDataDisks)
		}
	}
	for name, f := range families {
		for _, vcpu := range f.vcpus {
			n, _ := etcdVolumesPerNode(name, vcpu)
			l, _ := uncachedDiskLimit(name, vcpu)
			if n > maxDataDisks(vcpu) || n*int64(etcdMemberDiskNeed.IOPS) > l.iops || n*int64(etcdMemberDiskNeed.MBps) > l.mbps {
				t.Errorf("Standard_%s at %d vCPU: %d etcd volumes exceed its %d data disks or %+v budget", name, vcpu, n, maxDataDisks(vcpu), l)
			}
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
}
