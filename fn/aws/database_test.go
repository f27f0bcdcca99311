package aws

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChooseStorage(t *testing.T) {
	cases := []struct {
		minIOPS, minGiB int32
		want            Storage
	}{
		// 400 IOPS: the gp3 baseline covers it at any size.
		{400, 20, Storage{Type: "gp3", GiB: 20, ProvidedIOPS: 3000}},
		{400, 100, Storage{Type: "gp3", GiB: 100, ProvidedIOPS: 3000}},
		{400, 400, Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{400, 1000, Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 3,000 IOPS: still the small baseline.
		{3000, 20, Storage{Type: "gp3", GiB: 20, ProvidedIOPS: 3000}},
		{3000, 100, Storage{Type: "gp3", GiB: 100, ProvidedIOPS: 3000}},
		{3000, 400, Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{3000, 1000, Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 5,000 IOPS: grow to 400 GiB for the 12,000 baseline.
		{5000, 20, Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 100, Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 400, Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 1000, Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 20,000 IOPS: gp3 with provisioned IOPS from 400 GiB.
		{20000, 20, Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 100, Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 400, Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 1000, Storage{Type: "gp3", GiB: 1000, IOPS: 20000, ProvidedIOPS: 20000}},
		// Beyond gp3: io2 within 0.5x..50x of the size.
		{100000, 100, Storage{Type: "io2", GiB: 2000, IOPS: 100000, ProvidedIOPS: 100000}},
		{100000, 32767, Storage{Type: "io2", GiB: 32767, IOPS: 100000, ProvidedIOPS: 100000}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dIOPS-%dGiB", tc.minIOPS, tc.minGiB), func(t *testing.T) {
			got := ChooseStorage(tc.minGiB, tc.minIOPS)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ChooseStorage(%d, %d): -want +got:\n%s", tc.minGiB, tc.minIOPS, diff)
			}
			// The invariants every choice keeps.
			if got.ProvidedIOPS < tc.minIOPS {
				t.Errorf("provides %d IOPS, below %d", got.ProvidedIOPS, tc.minIOPS)
			}
			if got.GiB < tc.minGiB {
				t.Errorf("allocates %d GiB, below %d", got.GiB, tc.minGiB)
			}
			if got.Type == "io2" && (got.IOPS*2 < got.GiB || got.IOPS > got.GiB*50) {
				t.Errorf("io2 IOPS %d outside 0.5x..50x of %d GiB", got.IOPS, got.GiB)
			}
			if got.Type == "gp3" && got.IOPS != 0 && (got.GiB < 400 || got.IOPS > 64000) {
				t.Errorf("gp3 provisioned IOPS %d need 400 GiB and at most 64000 (got %d GiB)", got.IOPS, got.GiB)
			}
		})
	}
}
