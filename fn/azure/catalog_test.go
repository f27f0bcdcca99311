package azure_test

import (
	"fmt"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

func TestMachineCatalog(t *testing.T) {
	// Etcd volumes per node: the smallest of max data disks (2 per vCPU up
	// to 32) and the VM's uncached disk budget over each volume's 6,000 IOPS
	// and 250 MBps; with 250 MBps per volume, throughput binds on every
	// size here. AKS maxPods 110.
	mbps := func(vm, vol int64, note string) string {
		return fmt.Sprintf("uncached disk MBps: %d per VM / %d per volume%s", vm, vol, note)
	}
	const guess = ", the most restrictive known value for this series"
	const below = "; below one volume's provisioned rate, so even one volume gets less"
	known := map[string]plan.Machine{
		// Dsv5: 290 MBps / 250 = 1 (16 data disks, 12,800 / 6,000 = 2 IOPS).
		"Standard_D8s_v5": {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 1, VolumeLimit: mbps(290, 250, ""), MaxPods: 110},
		// 600 / 250 = 2 (32 data disks, 25,600 / 6,000 = 4).
		"Standard_D16s_v5":  {VCPU: 16, MemoryMiB: 64 * 1024, MaxVolumes: 2, VolumeLimit: mbps(600, 250, ""), MaxPods: 110},
		"Standard_D64s_v5":  {VCPU: 64, MemoryMiB: 256 * 1024, MaxVolumes: 6, VolumeLimit: mbps(1735, 250, ""), MaxPods: 110},
		"Standard_D8ds_v5":  {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 1, VolumeLimit: mbps(290, 250, ""), MaxPods: 110},
		"Standard_D16as_v5": {VCPU: 16, MemoryMiB: 64 * 1024, MaxVolumes: 1, VolumeLimit: mbps(384, 250, ""), MaxPods: 110},
		"Standard_D96as_v5": {VCPU: 96, MemoryMiB: 384 * 1024, MaxVolumes: 6, VolumeLimit: mbps(1600, 250, ""), MaxPods: 110},
		"Standard_D4s_v4":   {VCPU: 4, MemoryMiB: 16 * 1024, MaxVolumes: 1, VolumeLimit: mbps(96, 250, below), MaxPods: 110},
		// Unconfirmed series: the lowest confirmed budget at 32 vCPUs (Fsv2's 750 MBps).
		"Standard_D32s_v6":  {VCPU: 32, MemoryMiB: 128 * 1024, MaxVolumes: 3, VolumeLimit: mbps(750, 250, guess), MaxPods: 110},
		"Standard_E8s_v5":   {VCPU: 8, MemoryMiB: 64 * 1024, MaxVolumes: 1, VolumeLimit: mbps(290, 250, ""), MaxPods: 110},
		"Standard_E20s_v5":  {VCPU: 20, MemoryMiB: 160 * 1024, MaxVolumes: 3, VolumeLimit: mbps(750, 250, ""), MaxPods: 110},
		"Standard_E20ds_v5": {VCPU: 20, MemoryMiB: 160 * 1024, MaxVolumes: 3, VolumeLimit: mbps(750, 250, ""), MaxPods: 110},
		"Standard_E20ds_v4": {VCPU: 20, MemoryMiB: 160 * 1024, MaxVolumes: 1, VolumeLimit: mbps(380, 250, guess), MaxPods: 110},
		"Standard_F16s_v2":  {VCPU: 16, MemoryMiB: 32 * 1024, MaxVolumes: 1, VolumeLimit: mbps(380, 250, ""), MaxPods: 110},
		"Standard_D8ls_v5":  {VCPU: 8, MemoryMiB: 16 * 1024, MaxVolumes: 1, VolumeLimit: mbps(190, 250, guess+below), MaxPods: 110},
		"Standard_D8ps_v5":  {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 1, VolumeLimit: mbps(190, 250, guess+below), MaxPods: 110},
	}
	cloudtest.Catalog(t, &azure.Cloud, known,
		[]string{"", "D8s_v5", "Standard_D7s_v5", "Standard_E96s_v5", "Standard_X8s_v5", "standard_d8s_v5", "m7i.2xlarge", "Standard_D8s_v9"})
}
