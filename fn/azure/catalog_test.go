package azure_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

func TestMachineCatalog(t *testing.T) {
	// Etcd volumes per node: the smallest of max data disks (2 per vCPU up
	// to 32) and the VM's uncached disk budget over one etcd member's
	// sustained 500 IOPS and 10 MBps; every budget here covers all the data
	// disks (e.g. Standard_D8s_v5: 16 disks, 12,800 / 500 = 25, 290 / 10 =
	// 29; Standard_D8ls_v5's unconfirmed 190 MBps still serves 19), so data
	// disks bind. AKS maxPods 110.
	vm := func(vcpu, memGiB, vols int64) plan.Machine {
		return plan.Machine{VCPU: vcpu, MemoryMiB: memGiB * 1024, MaxVolumes: vols, VolumeLimit: "max data disks", MaxPods: 110}
	}
	known := map[string]plan.Machine{
		"Standard_D8s_v5":   vm(8, 32, 16),
		"Standard_D16s_v5":  vm(16, 64, 32),
		"Standard_D64s_v5":  vm(64, 256, 32),
		"Standard_D8ds_v5":  vm(8, 32, 16),
		"Standard_D16as_v5": vm(16, 64, 32),
		"Standard_D96as_v5": vm(96, 384, 32),
		"Standard_D4s_v4":   vm(4, 16, 8),
		"Standard_D2s_v5":   vm(2, 8, 4),
		"Standard_D32s_v6":  vm(32, 128, 32),
		"Standard_E8s_v5":   vm(8, 64, 16),
		"Standard_E20s_v5":  vm(20, 160, 32),
		"Standard_E20ds_v5": vm(20, 160, 32),
		"Standard_E20ds_v4": vm(20, 160, 32),
		"Standard_F16s_v2":  vm(16, 32, 32),
		"Standard_D8ls_v5":  vm(8, 16, 16),
		"Standard_D8ps_v5":  vm(8, 32, 16),
	}
	cloudtest.Catalog(t, &azure.Cloud, known,
		[]string{"", "D8s_v5", "Standard_D7s_v5", "Standard_E96s_v5", "Standard_X8s_v5", "standard_d8s_v5", "m7i.2xlarge", "Standard_D8s_v9"})
}

func TestCheckMachineType(t *testing.T) {
	cases := map[string]bool{
		"Standard_D8s_v5": true, "Standard_E64-32s_v5": true, "Standard_M128ms": true, "Standard_NC24ads_A100_v4": true,
		"Standard_B2ms": true, "standard_d8s_v5": true, "Standard_DC4as_cc_v5": true, "Standard_HX176-24rs": true,
		// vCPU counts a catalog series is not sold in.
		"Standard_D7s_v5": false, "Standard_D128s_v5": false, "Standard_F96s_v2": false,
		// Not a VM size.
		"D8s_v5": false, "Standard_": false, "Standard_D8s v5": false, "m7i.2xlarge": false, "": false, "Standard_8s_v5": false,
	}
	for mt, ok := range cases {
		if why := azure.CheckMachineType(mt); (why == "") != ok {
			t.Errorf("CheckMachineType(%q) = %q; want possible=%v", mt, why, ok)
		}
	}
}
