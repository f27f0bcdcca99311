package aws_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
)

func TestMachine(t *testing.T) {
	gib := func(vcpu, perVCPU int64) plan.Machine {
		return plan.Machine{VCPU: vcpu, MemoryMiB: vcpu * perVCPU * 1024}
	}
	cloudtest.Catalog(t, &aws.Cloud, map[string]plan.Machine{
		"m7i.2xlarge":  gib(8, 4),
		"m7i.4xlarge":  gib(16, 4),
		"c7g.large":    gib(2, 2),
		"r8g.24xlarge": gib(96, 8),
		"m5.xlarge":    gib(4, 4),
	}, []string{"m7i.metal", "t3.large", "m7i", "n2-standard-8", ""})
}
