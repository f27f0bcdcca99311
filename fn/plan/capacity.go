package plan

// The sizing model (Upbound's deployment requirements; see README, "The
// capacity plan"). Every number here is pinned by a test.
const (
	// BufferPercent is added to every computed demand.
	BufferPercent = 20

	// EtcdMembersHA and EtcdMembers are etcd members per control plane.
	EtcdMembersHA = 3
	EtcdMembers   = 1
	// APIServersHA and APIServers are API server (vcluster) pods per control plane.
	APIServersHA = 2
	APIServers   = 1

	// ControlPlaneBaseMemoryBytes is the memory of an empty control plane (640 MB).
	ControlPlaneBaseMemoryBytes = 640 * 1000 * 1000
	// MemoryPerCRDBytes is the memory one installed CRD adds (3 MB).
	MemoryPerCRDBytes = 3 * 1000 * 1000
	// MilliCPUPerManagedResource is the CPU one ready managed resource
	// takes: 3 core-seconds per 10-minute reconcile (provider-family-aws,
	// the upper bound) = 3000 millicore-seconds / 600 s = 5 millicores.
	MilliCPUPerManagedResource = 5

	// AllocatablePercent of a node's vCPU and memory is taken as what pods
	// can request; the rest is left to the kubelet, the OS and daemonsets.
	AllocatablePercent = 90
)

// Chart defaults of the per-control-plane pods (Spaces values reference).
var (
	// EtcdPodRequests are the etcd pod's requests: 170m CPU, 350Mi memory.
	EtcdPodRequests = Resources{MilliCPU: 170, MemoryBytes: 350 << 20}
	// APIServerPodRequests are the vcluster pod's requests: 170m CPU, 1320Mi memory.
	APIServerPodRequests = Resources{MilliCPU: 170, MemoryBytes: 1320 << 20}
)

// Machine is the size of one machine type.
type Machine struct {
	// VCPU of the machine.
	VCPU int64
	// MemoryMiB of the machine.
	MemoryMiB int64
}

// Allocatable is what pods can request on one node of the machine.
func (m Machine) Allocatable() Resources {
	return Resources{
		MilliCPU:    m.VCPU * 1000 * AllocatablePercent / 100,
		MemoryBytes: (m.MemoryMiB << 20) * AllocatablePercent / 100,
	}
}

// Capacity of n nodes of the machine (what Karpenter limits count).
func (m Machine) Capacity(n int32) Resources {
	return Resources{MilliCPU: m.VCPU * 1000 * int64(n), MemoryBytes: (m.MemoryMiB << 20) * int64(n)}
}

// A Catalog knows the size of machine types.
type Catalog interface {
	// Machine returns the size of a machine type, and false for a type the
	// catalog does not know.
	Machine(machineType string) (Machine, bool)
}

// Capacity is the arithmetic behind the pool sizes.
type Capacity struct {
	ControlPlanes                   int32
	ManagedResourcesPerControlPlane int32
	ProviderCRDsPerControlPlane     int32
	EtcdMembersPerControlPlane      int32
	APIServersPerControlPlane       int32
	EtcdPodRequests                 Resources
	APIServerPodRequests            Resources
	Pools                           []PoolCapacity
}

// PoolCapacity is the demand and size of one pool.
type PoolCapacity struct {
	Role Role
	// Basis says in words how the demand was computed.
	Basis string
	// Demand with the buffer.
	Demand Resources
	// MachineType that sized the pool and its size; Known is false for a
	// machine type the catalog does not know.
	MachineType string
	Machine     Machine
	Known       bool
	// MinNodes and MaxNodes of the pool; Computed is true when MaxNodes
	// came from the plan rather than the user.
	MinNodes int32
	MaxNodes int32
	Computed bool
	// Limits is the capacity of MaxNodes nodes (zero when the machine is unknown).
	Limits Resources
}

// WithBuffer adds BufferPercent to r, rounding up.
func WithBuffer(r Resources) Resources {
	return Resources{
		MilliCPU:    ceilDiv(r.MilliCPU*(100+BufferPercent), 100),
		MemoryBytes: ceilDiv(r.MemoryBytes*(100+BufferPercent), 100),
	}
}

// Times multiplies r by n.
func (r Resources) Times(n int64) Resources {
	return Resources{MilliCPU: r.MilliCPU * n, MemoryBytes: r.MemoryBytes * n}
}

// NodesFor is how many nodes of m the demand needs: the larger of the CPU
// and the memory count, at least 1.
func NodesFor(demand Resources, m Machine) int32 {
	a := m.Allocatable()
	n := max(ceilDiv(demand.MilliCPU, a.MilliCPU), ceilDiv(demand.MemoryBytes, a.MemoryBytes), 1)
	if n > maxNodes {
		return maxNodes
	}
	return int32(n)
}

// maxNodes bounds a computed pool size; larger plans are clamped here and
// reported by validation of the plan.
const maxNodes = 1000

func ceilDiv(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// Demands computes the buffered demand of each pool role.
func Demands(c Capacity) map[Role]Resources {
	cps := int64(c.ControlPlanes)
	etcd := c.EtcdPodRequests.Times(cps * int64(c.EtcdMembersPerControlPlane))
	api := c.APIServerPodRequests.Times(cps * int64(c.APIServersPerControlPlane))
	cp := Resources{
		MilliCPU:    cps * int64(c.ManagedResourcesPerControlPlane) * MilliCPUPerManagedResource,
		MemoryBytes: cps * (ControlPlaneBaseMemoryBytes + int64(c.ProviderCRDsPerControlPlane)*MemoryPerCRDBytes),
	}
	return map[Role]Resources{
		RoleEtcd:          WithBuffer(etcd),
		RoleAPIServer:     WithBuffer(api),
		RoleControlPlanes: WithBuffer(cp),
	}
}

// Pool returns the capacity of a role's pool; nil when it has none.
func (c *Capacity) Pool(r Role) *PoolCapacity {
	for i := range c.Pools {
		if c.Pools[i].Role == r {
			return &c.Pools[i]
		}
	}
	return nil
}
