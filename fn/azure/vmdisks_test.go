package azure

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// TestEtcdVolumesPerNode runs the rule on the real budgets: every node
// serves its members' sustained need (etcd's hardware guide: 500 IOPS,
// 10 MB/s), and with that need max data disks bind on the catalog sizes.
func TestEtcdVolumesPerNode(t *testing.T) {
	need := plan.EtcdMemberDiskNeed
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
			if n > maxDataDisks(vcpu) || n*need.IOPS > l.iops || n*need.MBps > l.mbps {
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

// An unconfirmed series' budget says so when it binds.
func TestUnconfirmedBudgetSaysSo(t *testing.T) {
	b := diskBudget("Ds_v6", 2)
	b.Attachments = 32
	_, limit := b.EtcdVolumesPerNode()
	if want := "uncached disk MBps: 47 per node / 10 per etcd member, the most restrictive known value for this series"; limit != want {
		t.Errorf("limit %q, want %q", limit, want)
	}
}
