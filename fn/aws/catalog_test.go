package aws

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

func TestMachine(t *testing.T) {
	cases := map[string]struct {
		want plan.Machine
		ok   bool
	}{
		// Dedicated EBS attachments: 32 - root = 31; VPC CNI 58 pods.
		"m7i.2xlarge": {plan.Machine{VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 31, MaxPods: 58}, true},
		"m7i.4xlarge": {plan.Machine{VCPU: 16, MemoryMiB: 64 << 10, MaxVolumes: 31, MaxPods: 234}, true},
		// 48 dedicated at 16xlarge.
		"r7i.16xlarge": {plan.Machine{VCPU: 64, MemoryMiB: 512 << 10, MaxVolumes: 47, MaxPods: 737}, true},
		"c7i.2xlarge":  {plan.Machine{VCPU: 8, MemoryMiB: 16 << 10, MaxVolumes: 31, MaxPods: 58}, true},
		// Shared Nitro attachments: 27 - 4 ENIs - root = 22.
		"m6i.2xlarge": {plan.Machine{VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 22, MaxPods: 58}, true},
		"m7g.2xlarge": {plan.Machine{VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 22, MaxPods: 58}, true},
		// 27 - 15 ENIs - root = 11.
		"m5.24xlarge": {plan.Machine{VCPU: 96, MemoryMiB: 384 << 10, MaxVolumes: 11, MaxPods: 737}, true},
		"t3.large":    {plan.Machine{}, false},
		"m7i":         {plan.Machine{}, false},
	}
	for typ, tc := range cases {
		t.Run(typ, func(t *testing.T) {
			got, ok := Machine(typ)
			if ok != tc.ok {
				t.Fatalf("Machine(%q) ok = %v, want %v", typ, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Machine(%q): -want +got:\n%s", typ, diff)
			}
		})
	}
}
