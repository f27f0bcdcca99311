package azure

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allowedStorageMB are the only storageMb values flexible server accepts
// (FACTS: "Field traps"), written out here rather than derived from the
// table under test.
var allowedStorageMB = []int32{32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408}

func TestChooseStorage(t *testing.T) {
	cases := []struct {
		minIOPS, minGiB int32
		want            Storage
	}{
		// 400 IOPS: P10 at least; 1 TiB's default P30 is already faster.
		{400, 32, Storage{MB: 32768, Tier: "P10", IOPS: 500}},
		{400, 64, Storage{MB: 65536, Tier: "P10", IOPS: 500}},
		{400, 128, Storage{MB: 131072, Tier: "P10", IOPS: 500}},
		{400, 1024, Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 1,000 IOPS: P15.
		{1000, 32, Storage{MB: 32768, Tier: "P15", IOPS: 1100}},
		{1000, 64, Storage{MB: 65536, Tier: "P15", IOPS: 1100}},
		{1000, 128, Storage{MB: 131072, Tier: "P15", IOPS: 1100}},
		{1000, 1024, Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 5,000 IOPS: P30, which every size below 4 TiB may run at.
		{5000, 32, Storage{MB: 32768, Tier: "P30", IOPS: 5000}},
		{5000, 64, Storage{MB: 65536, Tier: "P30", IOPS: 5000}},
		{5000, 128, Storage{MB: 131072, Tier: "P30", IOPS: 5000}},
		{5000, 1024, Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 20,000 IOPS: only P80, which needs 16 TiB.
		{20000, 32, Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 64, Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 128, Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 1024, Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		// Sizes between the allowed values round up; tiers above P50 need
		// the sizes that permit them.
		{400, 100, Storage{MB: 131072, Tier: "P10", IOPS: 500}},
		{400, 4095, Storage{MB: 4193280, Tier: "P50", IOPS: 7500}},
		{400, 4096, Storage{MB: 4194304, Tier: "P50", IOPS: 7500}},
		{7500, 20, Storage{MB: 32768, Tier: "P40", IOPS: 7500}},
		{8000, 20, Storage{MB: 8388608, Tier: "P60", IOPS: 16000}},
		{17000, 20, Storage{MB: 8388608, Tier: "P70", IOPS: 18000}},
		{400, 32767, Storage{MB: 33553408, Tier: "P80", IOPS: 20000}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dIOPS-%dGiB", tc.minIOPS, tc.minGiB), func(t *testing.T) {
			got, ok := ChooseStorage(tc.minGiB, tc.minIOPS)
			if !ok {
				t.Fatalf("ChooseStorage(%d, %d): no storage", tc.minGiB, tc.minIOPS)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ChooseStorage(%d, %d): -want +got:\n%s", tc.minGiB, tc.minIOPS, diff)
			}
			if got.IOPS < tc.minIOPS {
				t.Errorf("provides %d IOPS, below %d", got.IOPS, tc.minIOPS)
			}
			if int64(got.MB) < int64(tc.minGiB)*1024 {
				t.Errorf("allocates %d MB, below %d GiB", got.MB, tc.minGiB)
			}
			if !slices.Contains(allowedStorageMB, got.MB) {
				t.Errorf("storageMb %d is not one Azure accepts", got.MB)
			}
		})
	}
}

func TestChooseStorageBeyondP80(t *testing.T) {
	for _, gib := range []int32{20, 1024, 32767} {
		if got, ok := ChooseStorage(gib, 20001); ok {
			t.Errorf("ChooseStorage(%d, 20001) = %+v, want none (P80 gives 20000)", gib, got)
		}
	}
}

// TestChooseStorageEmitsOnlyAllowedSizes sweeps every input the API accepts
// at the boundaries and checks every choice against Azure's rules.
func TestChooseStorageEmitsOnlyAllowedSizes(t *testing.T) {
	tierIOPS := map[string]int32{}
	for _, tr := range Tiers {
		tierIOPS[tr.Name] = tr.IOPS
	}
	var sizes []int32
	for gib := int32(20); gib <= 32767; gib = gib*2 - 1 {
		sizes = append(sizes, gib, gib+1)
	}
	sizes = append(sizes, 32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384, 32767)
	for _, gib := range sizes {
		if gib > 32767 {
			continue
		}
		for _, iops := range []int32{400, 500, 501, 1100, 2300, 2301, 5000, 7500, 7501, 16000, 18000, 20000} {
			st, ok := ChooseStorage(gib, iops)
			if !ok {
				t.Errorf("ChooseStorage(%d, %d): none", gib, iops)
				continue
			}
			if !slices.Contains(allowedStorageMB, st.MB) {
				t.Errorf("ChooseStorage(%d, %d): storageMb %d not allowed", gib, iops, st.MB)
			}
			if tierIOPS[st.Tier] != st.IOPS || st.IOPS < iops {
				t.Errorf("ChooseStorage(%d, %d): tier %s with %d IOPS", gib, iops, st.Tier, st.IOPS)
			}
			if !tierPermitted(st.MB, st.Tier) {
				t.Errorf("ChooseStorage(%d, %d): tier %s not permitted at %d MB", gib, iops, st.Tier, st.MB)
			}
		}
	}
}

// tierPermitted restates Azure's rule independently of StorageSizes: a
// disk runs at its default tier (which follows its size) or higher, up to
// P50 below 8 TiB, up to P70 at 8 TiB and up to P80 above.
func tierPermitted(mb int32, tier string) bool {
	order := []string{"P4", "P6", "P10", "P15", "P20", "P30", "P40", "P50", "P60", "P70", "P80"}
	defaults := map[int32]string{
		32768: "P4", 65536: "P6", 131072: "P10", 262144: "P15", 524288: "P20", 1048576: "P30",
		2097152: "P40", 4193280: "P50", 4194304: "P50", 8388608: "P60", 16777216: "P70", 33553408: "P80",
	}
	top := "P50"
	switch {
	case mb == 8388608:
		top = "P70"
	case mb > 8388608:
		top = "P80"
	}
	i := slices.Index(order, tier)
	return i >= slices.Index(order, defaults[mb]) && i <= slices.Index(order, top)
}

func TestStorageSizesAreAzures(t *testing.T) {
	var got []int32
	for _, s := range StorageSizes {
		got = append(got, s.MB)
	}
	if diff := cmp.Diff(allowedStorageMB, got); diff != "" {
		t.Errorf("StorageSizes: -allowed +got:\n%s", diff)
	}
}

func TestBackupRetentionDays(t *testing.T) {
	for in, want := range map[int32]int32{1: 7, 6: 7, 7: 7, 14: 14, 35: 35, 36: 35} {
		if got := BackupRetentionDays(in); got != want {
			t.Errorf("BackupRetentionDays(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestChooseDiskPerformance(t *testing.T) {
	cases := []struct {
		gib              int64
		wantIOPS, wantMB int32
		want             DiskPerformance
	}{
		// The plan's 6,000 IOPS and 250 MB/s fit any disk of 12 GiB and more.
		{50, 6000, 250, DiskPerformance{IOPS: 6000, MBps: 250}},
		{12, 6000, 250, DiskPerformance{IOPS: 6000, MBps: 250}},
		// Smaller disks are capped at 500 IOPS per GiB, never below the
		// free 3,000; throughput at a quarter MB/s per IOPS.
		{10, 6000, 250, DiskPerformance{IOPS: 5000, MBps: 250}},
		{5, 6000, 1000, DiskPerformance{IOPS: 3000, MBps: 750}},
		{1, 6000, 250, DiskPerformance{IOPS: 3000, MBps: 250}},
		// Large asks stop at the SKU's ceilings.
		{1000, 100000, 5000, DiskPerformance{IOPS: 80000, MBps: 1200}},
		// Small asks get the baseline.
		{50, 100, 10, DiskPerformance{IOPS: 3000, MBps: 125}},
	}
	for _, tc := range cases {
		if got := ChooseDiskPerformance(tc.gib, tc.wantIOPS, tc.wantMB); got != tc.want {
			t.Errorf("ChooseDiskPerformance(%d, %d, %d) = %+v, want %+v", tc.gib, tc.wantIOPS, tc.wantMB, got, tc.want)
		}
	}
}

func TestVolumeGiB(t *testing.T) {
	for in, want := range map[string]int64{"50Gi": 50, "5Gi": 5, "1Ti": 1024, "10G": 10, "500Mi": 1, "junk": 50} {
		if got := volumeGiB(in); got != want {
			t.Errorf("volumeGiB(%q) = %d, want %d", in, got, want)
		}
	}
}
