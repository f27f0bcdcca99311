package aws_test

import (
	"fmt"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
)

func TestMachine(t *testing.T) {
	// vCPU and memory from the size and family; volumes from the EBS CSI
	// driver's table (32 dedicated minus the root volume on m7i/c7i/r8g...;
	// 27 shared minus the ENIs and the root volume elsewhere); pods from the
	// VPC CNI's eni-max-pods.
	iops := func(n int64) string { return fmt.Sprintf("EBS baseline IOPS: %d per node / 500 per etcd member", n) }
	cloudtest.Catalog(t, &aws.Cloud, map[string]plan.Machine{
		// 31 attachments, but 12,000 baseline IOPS serve 24 members.
		"m7i.2xlarge":  {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 24, VolumeLimit: iops(12000), MaxPods: 58},
		"m7i.4xlarge":  {VCPU: 16, MemoryMiB: 64 << 10, MaxVolumes: 31, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 234},
		"r7i.16xlarge": {VCPU: 64, MemoryMiB: 512 << 10, MaxVolumes: 47, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 737},
		"r8g.24xlarge": {VCPU: 96, MemoryMiB: 768 << 10, MaxVolumes: 63, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 737},
		"c7i.2xlarge":  {VCPU: 8, MemoryMiB: 16 << 10, MaxVolumes: 24, VolumeLimit: iops(12000), MaxPods: 58},
		// 630 Mbps = 78 MB/s serves 7 members, as do 3,600 IOPS; a tie goes to throughput.
		"c7g.large":   {VCPU: 2, MemoryMiB: 4 << 10, MaxVolumes: 7, VolumeLimit: "EBS baseline MBps: 78 per node / 10 per etcd member", MaxPods: 29},
		"m6i.2xlarge": {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 22, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 58},
		"m5.xlarge":   {VCPU: 4, MemoryMiB: 16 << 10, MaxVolumes: 12, VolumeLimit: iops(6000), MaxPods: 58},
		"m5.24xlarge": {VCPU: 96, MemoryMiB: 384 << 10, MaxVolumes: 11, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 737},
		// c5 comes in 9xlarge and 18xlarge, not 8xlarge and 16xlarge.
		"c5.9xlarge":  {VCPU: 36, MemoryMiB: 72 << 10, MaxVolumes: 18, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 234},
		"c5.18xlarge": {VCPU: 72, MemoryMiB: 144 << 10, MaxVolumes: 11, VolumeLimit: aws.LimitEBSAttachments, MaxPods: 737},
		// r6a.2xlarge: 8,333 IOPS serve 16 of its 22 attachments.
		"r6a.2xlarge": {VCPU: 8, MemoryMiB: 64 << 10, MaxVolumes: 16, VolumeLimit: iops(8333), MaxPods: 58},
	}, []string{
		"m7i.metal", "t3.large", "m7i", "n2-standard-8", "",
		// Types that do not exist (the catalog once sized them).
		"c5.8xlarge", "c5.16xlarge", "m6g.24xlarge", "m7g.24xlarge", "c7g.24xlarge", "r6g.24xlarge",
	})
}

// TestEBSBudgetServesEtcd: no catalog type is given more etcd volumes
// than its baseline EBS IOPS and throughput serve at one member's
// sustained need, nor more than it attaches; every type has a baseline.
func TestEBSBudgetServesEtcd(t *testing.T) {
	// EC2's "Amazon EBS-optimized instance types": m7i.2xlarge 2,500 Mbps
	// (312.5 MB/s) and 12,000 IOPS baseline.
	m, ok := aws.Machine("m7i.2xlarge")
	if !ok || m.MaxVolumes*plan.EtcdMemberDiskNeed.IOPS > 12000 || m.MaxVolumes*plan.EtcdMemberDiskNeed.MBps*10 > 3125 {
		t.Errorf("m7i.2xlarge hosts %d etcd members, more than 12,000 IOPS / 312.5 MB/s serve at %+v", m.MaxVolumes, plan.EtcdMemberDiskNeed)
	}
	if m.MaxVolumes != 24 {
		t.Errorf("m7i.2xlarge hosts %d etcd members, want 24 (12,000 / 500)", m.MaxVolumes)
	}
	for _, mt := range aws.CatalogTypes() {
		m, _ := aws.Machine(mt)
		b := aws.EBSBudget(mt)
		if b.IOPS == 0 || b.MBps == 0 {
			t.Errorf("%s has no baseline EBS rate", mt)
			continue
		}
		need := plan.EtcdMemberDiskNeed
		if m.MaxVolumes > b.Attachments || m.MaxVolumes*need.IOPS > b.IOPS || m.MaxVolumes*need.MBps > b.MBps {
			t.Errorf("%s: %d etcd volumes exceed its budget %+v", mt, m.MaxVolumes, b)
		}
	}
}

func TestCheckMachineType(t *testing.T) {
	cases := map[string]bool{
		// Exist (in the catalog, or well-formed outside it).
		"m7i.2xlarge": true, "c5.9xlarge": true, "c5.18xlarge": true, "m6g.16xlarge": true, "m6g.medium": true,
		"m7i.48xlarge": true, "m7i.metal-24xl": true, "x2idn.16xlarge": true, "m7i-flex.large": true, "t3.large": true,
		// Sizes their catalog family is not published in.
		"c5.8xlarge": false, "c5.16xlarge": false, "m6g.24xlarge": false, "m7g.24xlarge": false, "m5.9xlarge": false, "m7i.medium": false,
		// Not an instance type at all.
		"m7i..x": false, "m7i": false, "M7i.2xlarge": false, "m7i.2xlarge\t": false, "n2-standard-8": false, "": false, ".large": false,
	}
	for mt, ok := range cases {
		if why := aws.CheckMachineType(mt); (why == "") != ok {
			t.Errorf("CheckMachineType(%q) = %q; want possible=%v", mt, why, ok)
		}
	}
	if got, want := aws.CheckMachineType("c5.8xlarge"), "EC2 has no c5.8xlarge: c5 comes in large, xlarge, 2xlarge, 4xlarge, 9xlarge, 12xlarge, 18xlarge, 24xlarge, metal"; got != want {
		t.Errorf("c5.8xlarge: %q, want %q", got, want)
	}
	// Every type the catalog sizes exists.
	for _, mt := range aws.CatalogTypes() {
		if why := aws.CheckMachineType(mt); why != "" {
			t.Errorf("catalog type %s refused: %s", mt, why)
		}
	}
}
