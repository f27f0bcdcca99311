package gcp_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"

	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
)

func TestMachine(t *testing.T) {
	cases := map[string]struct {
		vcpu, gib int64
		known     bool
	}{
		"n2-standard-8":    {8, 32, true},
		"n2-standard-16":   {16, 64, true},
		"n2-highmem-4":     {4, 32, true},
		"n2-highcpu-16":    {16, 16, true},
		"n2d-standard-224": {224, 896, true},
		"e2-standard-32":   {32, 128, true},
		"e2-highcpu-8":     {8, 8, true},
		"c3-standard-22":   {22, 88, true},
		"c3-highcpu-44":    {44, 88, true},
		"c3-highmem-8":     {8, 64, true},
		"c2-standard-30":   {30, 120, true},
		"n4-highcpu-8":     {8, 16, true},
		"t2d-standard-60":  {60, 240, true},
		// Not sold, or not in the catalog.
		"n2-standard-7":   {0, 0, false},
		"e2-highmem-32":   {0, 0, false},
		"c2-highmem-8":    {0, 0, false},
		"t2d-highcpu-8":   {0, 0, false},
		"m1-ultramem-40":  {0, 0, false},
		"n2-standard":     {0, 0, false},
		"n2-standard-8-x": {0, 0, false},
		"m7i.2xlarge":     {0, 0, false},
		"":                {0, 0, false},
	}
	known := map[string]plan.Machine{}
	var unknown []string
	for mt, want := range cases {
		if want.known {
			// 127 PD disks per node (15 on a Hyperdisk-only N4 up to 8
			// vCPU) and GKE's 110 pods.
			vols := int64(127)
			if mt == "n4-highcpu-8" {
				vols = 15
			}
			known[mt] = plan.Machine{VCPU: want.vcpu, MemoryMiB: want.gib * 1024, MaxVolumes: vols, MaxPods: 110}
		} else {
			unknown = append(unknown, mt)
		}
	}
	known["n4-standard-16"] = plan.Machine{VCPU: 16, MemoryMiB: 64 * 1024, MaxVolumes: 31, MaxPods: 110}
	cloudtest.Catalog(t, &gcp.Cloud, known, unknown)
}

func TestCheckMachineType(t *testing.T) {
	cases := map[string]bool{
		"n2-standard-8": true, "n2d-highcpu-224": true, "e2-medium": true, "n2-custom-8-16384": true,
		"c3-standard-4-lssd": true, "a2-highgpu-1g": true, "n1-standard-4": true, "c4-standard-8": true,
		// Sizes or shapes a catalog family is not sold in.
		"n2-standard-7": false, "e2-standard-64": false, "c2-highmem-8": false, "n2-highcpu-128": false,
		// Not a machine type.
		"n2_standard_8": false, "N2-standard-8": false, "n2": false, "m7i.2xlarge": false, "": false, "n2--8": false,
	}
	for mt, ok := range cases {
		if why := gcp.CheckMachineType(mt); (why == "") != ok {
			t.Errorf("CheckMachineType(%q) = %q; want possible=%v", mt, why, ok)
		}
	}
	if got, want := gcp.CheckMachineType("c2-highmem-8"), "Compute Engine has no c2-highmem machine types"; got != want {
		t.Errorf("c2-highmem-8: %q, want %q", got, want)
	}
}
