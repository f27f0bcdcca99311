package azure

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// reAKSPoolName is AKS's rule for Linux node pool names.
var reAKSPoolName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

func TestPoolNames(t *testing.T) {
	long := strings.Repeat("production-space-eastus-", 3) + "x" // 73 characters
	xrs := []string{
		"prod",
		long,
		long + "y",       // shares 73 characters with long
		"abcdefghijkl-1", // two names that share a 12-character prefix
		"abcdefghijkl-2",
		"UPPER.case_and.dots",
		"9starts-with-a-digit",
	}
	seen := map[string]string{}
	for _, xr := range xrs {
		for _, r := range plan.Roles {
			name, tmp := PoolName(xr, r), TemporaryPoolName(xr, r)
			for _, n := range []string{name, tmp} {
				if !reAKSPoolName.MatchString(n) {
					t.Errorf("pool name %q (XR %q, role %s) breaks AKS's rule", n, xr, r)
				}
			}
			if name == tmp {
				t.Errorf("XR %q role %s: temporaryNameForRotation equals the name %q", xr, r, name)
			}
			if PoolName(xr, r) != name || TemporaryPoolName(xr, r) != tmp {
				t.Errorf("XR %q role %s: names change between calls", xr, r)
			}
			for _, n := range []string{name, tmp} {
				if prev, ok := seen[n]; ok {
					t.Errorf("name %q used by %s and %s/%s", n, prev, xr, r)
				}
				seen[n] = xr + "/" + string(r)
			}
		}
	}
	if got := PoolName("prod", plan.RoleEtcd); !strings.HasPrefix(got, "etcd") {
		t.Errorf("etcd pool name %q does not start with etcd", got)
	}
}

func TestZoneCounts(t *testing.T) {
	cases := []struct {
		min, max int32
		zones    int
		want     [][2]int32
	}{
		// The Azure example: etcd 3..10 over 3 zones (150 volumes, 16 per
		// Standard_D8s_v5): 1..4 per zone, each zone holding 50 volumes.
		{3, 10, 3, [][2]int32{{1, 4}, {1, 4}, {1, 4}}},
		// 120 control planes: 3..23 (360 volumes / 16) -> 1..8 per zone.
		{3, 23, 3, [][2]int32{{1, 8}, {1, 8}, {1, 8}}},
		// minNodes 5 over 3 zones: 2, 2, 1 (exact); maxNodes 6: 2 each.
		{5, 6, 3, [][2]int32{{2, 2}, {2, 2}, {1, 2}}},
		// One node without HA: a zone may start empty but can grow.
		{1, 1, 3, [][2]int32{{1, 1}, {0, 1}, {0, 1}}},
		{4, 4, 2, [][2]int32{{2, 2}, {2, 2}}},
	}
	for _, tc := range cases {
		var got [][2]int32
		var sumMin int32
		for i := range tc.zones {
			lo, hi := ZoneCounts(tc.min, tc.max, tc.zones, i)
			got = append(got, [2]int32{lo, hi})
			sumMin += lo
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ZoneCounts(%d, %d, %d zones) = %v, want %v", tc.min, tc.max, tc.zones, got, tc.want)
		}
		if sumMin != tc.min {
			t.Errorf("minCounts sum to %d, want minNodes %d", sumMin, tc.min)
		}
	}
}

func TestZonalPoolNames(t *testing.T) {
	long := strings.Repeat("production-space-eastus-", 3)
	seen := map[string]string{}
	for _, xr := range []string{"prod", long, long + "y", "abcdefghijkl-1", "abcdefghijkl-2"} {
		names := []string{PoolName(xr, plan.RoleAPIServer), PoolName(xr, plan.RoleControlPlanes), PoolName(xr, plan.RoleEtcd)}
		for _, z := range []string{"1", "2", "3"} {
			n, tmp := ZonalPoolName(xr, z), ZonalTemporaryPoolName(xr, z)
			if !strings.HasPrefix(n, "etcd"+z) {
				t.Errorf("zonal pool name %q does not start with etcd%s", n, z)
			}
			if ZonalPoolName(xr, z) != n || ZonalTemporaryPoolName(xr, z) != tmp {
				t.Errorf("XR %q zone %s: names change between calls", xr, z)
			}
			names = append(names, n, tmp)
		}
		for _, n := range names {
			if !reAKSPoolName.MatchString(n) {
				t.Errorf("pool name %q (XR %q) breaks AKS's rule", n, xr)
			}
			if prev, ok := seen[n]; ok {
				t.Errorf("name %q used by %s and %s", n, prev, xr)
			}
			seen[n] = xr
		}
	}
}
