package plan

import "testing"

func TestVolumePerformance(t *testing.T) {
	// Round numbers, so each case shows which limit binds.
	l := VolumeLimits{
		BaselineIOPS: 1000, BaselineThroughput: 100,
		IOPSPerGiB: 100, MaxIOPS: 8000,
		IOPSPerThroughput: 4, MaxThroughput: 1500,
	}
	cases := map[string]struct {
		gib                      int64
		wantIOPS, wantThroughput int32
		iops, throughput         int64
		limits                   *VolumeLimits
	}{
		"Fits":                   {gib: 50, wantIOPS: 4000, wantThroughput: 500, iops: 4000, throughput: 500},
		"IOPSBySize":             {gib: 20, wantIOPS: 4000, wantThroughput: 500, iops: 2000, throughput: 500},
		"BaselineIOPSAnySize":    {gib: 5, wantIOPS: 4000, wantThroughput: 100, iops: 1000, throughput: 100},
		"ZeroSize":               {gib: 0, wantIOPS: 4000, wantThroughput: 100, iops: 1000, throughput: 100},
		"MaxIOPS":                {gib: 1000, wantIOPS: 100000, wantThroughput: 100, iops: 8000, throughput: 100},
		"ThroughputByIOPS":       {gib: 50, wantIOPS: 2000, wantThroughput: 1000, iops: 2000, throughput: 500},
		"ThroughputByCappedIOPS": {gib: 10, wantIOPS: 8000, wantThroughput: 1000, iops: 1000, throughput: 250},
		"MaxThroughput":          {gib: 1000, wantIOPS: 8000, wantThroughput: 5000, iops: 8000, throughput: 1500},
		"BaselineFloor":          {gib: 50, wantIOPS: 10, wantThroughput: 1, iops: 1000, throughput: 100},
		// A throughput baseline above what the IOPS allow still holds.
		"BaselineThroughput": {gib: 50, wantIOPS: 1000, wantThroughput: 400, iops: 1000, throughput: 250,
			limits: &VolumeLimits{BaselineIOPS: 1000, BaselineThroughput: 250, IOPSPerGiB: 100, MaxIOPS: 8000, IOPSPerThroughput: 8, MaxThroughput: 1500}},
		// No IOPS per throughput unit set: one each, not a division by zero.
		"NoIOPSPerThroughput": {gib: 50, wantIOPS: 1000, wantThroughput: 5000, iops: 1000, throughput: 1000,
			limits: &VolumeLimits{BaselineIOPS: 1000, IOPSPerGiB: 100, MaxIOPS: 8000, MaxThroughput: 1500}},
	}
	for name, tc := range cases {
		lim := l
		if tc.limits != nil {
			lim = *tc.limits
		}
		iops, tp := VolumePerformance(lim, tc.gib, tc.wantIOPS, tc.wantThroughput)
		if iops != tc.iops || tp != tc.throughput {
			t.Errorf("%s: VolumePerformance(%d GiB, %d, %d) = %d, %d; want %d, %d", name, tc.gib, tc.wantIOPS, tc.wantThroughput, iops, tp, tc.iops, tc.throughput)
		}
	}
}
