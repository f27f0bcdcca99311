package aws

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// TestGP3Performance pins gp3's limits, through the rule they feed.
func TestGP3Performance(t *testing.T) {
	cases := []struct {
		gib               int64
		iops, mibps       int32
		wantIOPS, wantMiB int64
	}{
		// The default 50Gi: 6,000 IOPS fit (25,000 allowed), 250 MiB/s fit (1,500).
		{50, 6000, 250, 6000, 250},
		// 10Gi allows 5,000 IOPS by ratio: capped, and 250 MiB/s still fits.
		{10, 6000, 250, 5000, 250},
		// 5Gi: 2,500 by ratio, but 3,000 at any size.
		{5, 6000, 250, 3000, 250},
		// Throughput capped at a quarter of the IOPS.
		{10, 3000, 1000, 3000, 750},
		// Hard caps.
		{1000, 100000, 4000, 16000, 1000},
		// Never below the baseline.
		{50, 100, 10, 3000, 125},
	}
	for _, tc := range cases {
		i, m := plan.VolumePerformance(gp3, tc.gib, tc.iops, tc.mibps)
		if i != tc.wantIOPS || m != tc.wantMiB {
			t.Errorf("gp3: VolumePerformance(%d GiB, %d, %d) = %d, %d; want %d, %d", tc.gib, tc.iops, tc.mibps, i, m, tc.wantIOPS, tc.wantMiB)
		}
	}
}
