package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDemands(t *testing.T) {
	c := Capacity{
		ControlPlanes:                   120,
		ManagedResourcesPerControlPlane: 800,
		ProviderCRDsPerControlPlane:     200,
		EtcdMembersPerControlPlane:      EtcdMembersHA,
		APIServersPerControlPlane:       APIServersHA,
		EtcdPodRequests:                 EtcdPodRequests,
		APIServerPodRequests:            APIServerPodRequests,
	}
	want := map[Role]Resources{
		// 120 x 3 x 170m = 61,200m; x 1.2 = 73,440m. 120 x 3 x 350Mi x 1.2 = 151,200Mi.
		RoleEtcd: {MilliCPU: 73440, MemoryBytes: 151200 << 20},
		// 120 x 2 x 170m x 1.2 = 48,960m. 120 x 2 x 1320Mi x 1.2 = 380,160Mi.
		RoleAPIServer: {MilliCPU: 48960, MemoryBytes: 380160 << 20},
		// 120 x 800 x 5m x 1.2 = 576 cores. 120 x (640MB + 200 x 3MB) x 1.2 = 178.56 GB.
		RoleControlPlanes: {MilliCPU: 576000, MemoryBytes: 178_560_000_000},
	}
	if diff := cmp.Diff(want, Demands(c)); diff != "" {
		t.Errorf("Demands: -want +got:\n%s", diff)
	}
}

func TestNodesFor(t *testing.T) {
	m7i2xl := Machine{VCPU: 8, MemoryMiB: 32 << 10}
	m7i4xl := Machine{VCPU: 16, MemoryMiB: 64 << 10}
	cases := map[string]struct {
		demand Resources
		m      Machine
		want   int64
	}{
		// 73,440m over 7,200m allocatable = 10.2 -> 11 (CPU-bound).
		"Etcd120": {Resources{MilliCPU: 73440, MemoryBytes: 151200 << 20}, m7i2xl, 11},
		// 380,160Mi over 29,491.2Mi allocatable = 12.9 -> 13 (memory-bound).
		"APIServer120": {Resources{MilliCPU: 48960, MemoryBytes: 380160 << 20}, m7i2xl, 13},
		// 576 cores over 14.4 = 40.
		"ControlPlanes120": {Resources{MilliCPU: 576000, MemoryBytes: 178_560_000_000}, m7i4xl, 40},
		"NoDemand":         {Resources{}, m7i2xl, 1},
		// No clamp: the caller compares with PoolNodeLimit and says so.
		"Huge": {Resources{MilliCPU: 1 << 40}, m7i2xl, 152_709_949},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := NodesFor(tc.demand, tc.m); got != tc.want {
				t.Errorf("NodesFor(%+v, %+v) = %d, want %d", tc.demand, tc.m, got, tc.want)
			}
		})
	}
}

func TestWithBuffer(t *testing.T) {
	got := WithBuffer(Resources{MilliCPU: 1, MemoryBytes: 10})
	if diff := cmp.Diff(Resources{MilliCPU: 2, MemoryBytes: 12}, got); diff != "" {
		t.Errorf("WithBuffer rounds up: -want +got:\n%s", diff)
	}
}
