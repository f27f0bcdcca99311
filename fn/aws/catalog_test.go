package aws_test

import (
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
	cloudtest.Catalog(t, &aws.Cloud, map[string]plan.Machine{
		"m7i.2xlarge":  {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 31, MaxPods: 58},
		"m7i.4xlarge":  {VCPU: 16, MemoryMiB: 64 << 10, MaxVolumes: 31, MaxPods: 234},
		"r7i.16xlarge": {VCPU: 64, MemoryMiB: 512 << 10, MaxVolumes: 47, MaxPods: 737},
		"r8g.24xlarge": {VCPU: 96, MemoryMiB: 768 << 10, MaxVolumes: 63, MaxPods: 737},
		"c7i.2xlarge":  {VCPU: 8, MemoryMiB: 16 << 10, MaxVolumes: 31, MaxPods: 58},
		"c7g.large":    {VCPU: 2, MemoryMiB: 4 << 10, MaxVolumes: 23, MaxPods: 29},
		"m6i.2xlarge":  {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 22, MaxPods: 58},
		"m5.xlarge":    {VCPU: 4, MemoryMiB: 16 << 10, MaxVolumes: 22, MaxPods: 58},
		"m5.24xlarge":  {VCPU: 96, MemoryMiB: 384 << 10, MaxVolumes: 11, MaxPods: 737},
	}, []string{"m7i.metal", "t3.large", "m7i", "n2-standard-8", ""})
}
