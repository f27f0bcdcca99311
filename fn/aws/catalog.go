package aws

import (
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Default machine types: general purpose with up to 12.5 Gbps networking.
// The etcd and API server pools take 8 vCPU / 32 GiB nodes; the control
// planes' pool larger ones, since providers are memory-hungry.
const (
	DefaultEtcdMachineType          = "m7i.2xlarge"
	DefaultAPIServerMachineType     = "m7i.2xlarge"
	DefaultControlPlanesMachineType = "m7i.4xlarge"
	DefaultInstanceClass            = "db.m7g.large"
)

// The catalog follows the EC2 instance type naming: within a family the
// size names the vCPU count, and the family's letter the memory per vCPU
// (Amazon EC2 instance types, "general purpose", "compute optimized",
// "memory optimized"). It covers the current and previous generations of
// the m, c and r families, Intel, AMD and Graviton.
var (
	memoryGiBPerVCPU = map[byte]int64{'m': 4, 'c': 2, 'r': 8}
	families         = []string{
		"m5", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g", "m8g",
		"c5", "c6i", "c6a", "c6g", "c7i", "c7a", "c7g", "c8g",
		"r5", "r6i", "r6a", "r6g", "r7i", "r7a", "r7g", "r8g",
	}
	sizeVCPU = map[string]int64{
		"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
		"12xlarge": 48, "16xlarge": 64, "24xlarge": 96,
	}
)

// Machine sizes an EC2 instance type.
func Machine(machineType string) (plan.Machine, bool) {
	family, size, ok := strings.Cut(machineType, ".")
	if !ok {
		return plan.Machine{}, false
	}
	vcpu, ok := sizeVCPU[size]
	if !ok || !known(family) {
		return plan.Machine{}, false
	}
	return plan.Machine{VCPU: vcpu, MemoryMiB: vcpu * memoryGiBPerVCPU[family[0]] * 1024}, true
}

func known(family string) bool {
	for _, f := range families {
		if f == family {
			return true
		}
	}
	return false
}

// inputDefaults are the function input's overrides of the defaults, per
// Composition: its aws block.
func inputDefaults(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.AWS }
