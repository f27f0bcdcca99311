package azure_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

func TestMachineCatalog(t *testing.T) {
	// Data disks: 2 per vCPU up to 32 (Standard_D8s_v5 16); AKS maxPods 110.
	known := map[string]plan.Machine{
		"Standard_D8s_v5":   {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 16, MaxPods: 110},
		"Standard_D16s_v5":  {VCPU: 16, MemoryMiB: 64 * 1024, MaxVolumes: 32, MaxPods: 110},
		"Standard_D8ds_v5":  {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 16, MaxPods: 110},
		"Standard_D16as_v5": {VCPU: 16, MemoryMiB: 64 * 1024, MaxVolumes: 32, MaxPods: 110},
		"Standard_D4s_v4":   {VCPU: 4, MemoryMiB: 16 * 1024, MaxVolumes: 8, MaxPods: 110},
		"Standard_D32s_v6":  {VCPU: 32, MemoryMiB: 128 * 1024, MaxVolumes: 32, MaxPods: 110},
		"Standard_E8s_v5":   {VCPU: 8, MemoryMiB: 64 * 1024, MaxVolumes: 16, MaxPods: 110},
		"Standard_E20ds_v5": {VCPU: 20, MemoryMiB: 160 * 1024, MaxVolumes: 32, MaxPods: 110},
		"Standard_F16s_v2":  {VCPU: 16, MemoryMiB: 32 * 1024, MaxVolumes: 32, MaxPods: 110},
		"Standard_D8ls_v5":  {VCPU: 8, MemoryMiB: 16 * 1024, MaxVolumes: 16, MaxPods: 110},
		"Standard_D8ps_v5":  {VCPU: 8, MemoryMiB: 32 * 1024, MaxVolumes: 16, MaxPods: 110},
	}
	cloudtest.Catalog(t, &azure.Cloud, known,
		[]string{"", "D8s_v5", "Standard_D7s_v5", "Standard_E96s_v5", "Standard_X8s_v5", "standard_d8s_v5", "m7i.2xlarge", "Standard_D8s_v9"})
}
