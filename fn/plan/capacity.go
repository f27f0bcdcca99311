package plan

// The sizing model (Upbound's deployment requirements; see docs/capacity.md, "The
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

	// DaemonSetPodsPerNode are the pod slots every node gives to
	// DaemonSets (CNI, kube-proxy, CSI node plugin, log and metrics
	// agents) before the Space's pods. An assumption of the plan, stated
	// in docs/capacity.md, not a number any cloud publishes.
	DaemonSetPodsPerNode = 6
	// ControlPlanePods are the pods of one control plane in the general
	// pool besides etcd and the API server: Crossplane and its RBAC
	// manager, the control plane's Spaces agents, CoreDNS and a handful of
	// provider and function pods. The Spaces docs publish no pod count
	// ("Deployment requirements" sizes by memory and CPU only,
	// https://docs.upbound.io/deploy/self-hosted-spaces/deployment), so
	// this is the plan's stated estimate; providers beyond it cost pods
	// the CPU and memory dimensions already pay for.
	ControlPlanePods = 12

	// PoolNodeLimit is the largest pool the function composes: the
	// XRD's bound on maxNodes, which every cloud serves (GKE and AKS cap a
	// node pool at 1,000 nodes; Karpenter has no per-pool cap).
	PoolNodeLimit = 1000
)

// Upper bounds of one pod's requests under spec.spaces.values: larger
// values cannot be a real pod (no machine type the function knows has
// more), and bounding them keeps the plan's arithmetic from overflowing.
var (
	MaxPodMilliCPU    int64 = 1000 * 1000 // 1,000 cores
	MaxPodMemoryBytes int64 = 1 << 40     // 1Ti
)

// Chart defaults of the per-control-plane pods (Spaces values reference).
var (
	// EtcdPodRequests are the etcd pod's requests: 170m CPU, 350Mi memory.
	EtcdPodRequests = Resources{MilliCPU: 170, MemoryBytes: 350 << 20}
	// APIServerPodRequests are the vcluster pod's requests: 170m CPU, 1320Mi memory.
	APIServerPodRequests = Resources{MilliCPU: 170, MemoryBytes: 1320 << 20}
)

// A ChartPod is one of the pods the Spaces chart runs for every control
// plane in the general pool, besides etcd and the API server (vcluster),
// with the chart's default requests and the values keys that change them.
type ChartPod struct {
	// Name of the pod, for the plan's basis.
	Name string
	// RequestsPath is where the chart reads the pod's requests (cpu,
	// memory) under its values.
	RequestsPath []string
	// Requests are the chart's defaults.
	Requests Resources
	// ReplicasPath and EnabledPath are the values keys that set how many
	// of the pod run (default 1) and switch it off; nil when the chart has
	// none.
	ReplicasPath, EnabledPath []string
}

// ControlPlaneChartPods are the chart's per-control-plane pods outside
// etcd and vcluster, with their default requests, from the Spaces Helm
// chart reference (upbound/docs, docs/reference/spaces-helm-reference.md,
// the controlPlanes.* resources rows): 875m CPU and 1162Mi in all, before
// any provider or function pod, which the usage estimate covers.
var ControlPlaneChartPods = []ChartPod{
	{Name: "coredns", RequestsPath: []string{"controlPlanes", "coredns", "resources", "requests"}, Requests: Resources{MilliCPU: 10, MemoryBytes: 25 << 20}},
	{Name: "gateway", RequestsPath: []string{"controlPlanes", "gateway", "resources", "requests"}, Requests: Resources{MilliCPU: 10, MemoryBytes: 25 << 20}},
	{Name: "kube-state-metrics", RequestsPath: []string{"controlPlanes", "kubeStateMetrics", "resources", "requests"}, Requests: Resources{MilliCPU: 100, MemoryBytes: 50 << 20}},
	{Name: "mxp-ksm-config", RequestsPath: []string{"controlPlanes", "mxpKSMConfig", "resources", "requests"}, Requests: Resources{MilliCPU: 100, MemoryBytes: 50 << 20}},
	{Name: "shared-secrets", RequestsPath: []string{"controlPlanes", "sharedSecrets", "resources", "requests"}, Requests: Resources{MilliCPU: 10, MemoryBytes: 50 << 20}},
	{Name: "crossplane", RequestsPath: []string{"controlPlanes", "uxp", "resourcesCrossplane", "requests"}, Requests: Resources{MilliCPU: 370, MemoryBytes: 400 << 20}},
	{Name: "rbac-manager", RequestsPath: []string{"controlPlanes", "uxp", "resourcesRBACManager", "requests"}, Requests: Resources{MilliCPU: 25, MemoryBytes: 256 << 20}},
	{Name: "vector", RequestsPath: []string{"controlPlanes", "vector", "resources", "requests"}, Requests: Resources{MilliCPU: 200, MemoryBytes: 256 << 20},
		ReplicasPath: []string{"controlPlanes", "vector", "replicas"}, EnabledPath: []string{"controlPlanes", "vector", "enabled"}},
	{Name: "xgql", RequestsPath: []string{"controlPlanes", "uxp", "xgql", "resources", "requests"}, Requests: Resources{MilliCPU: 50, MemoryBytes: 50 << 20},
		ReplicasPath: []string{"controlPlanes", "uxp", "xgql", "replicas"}, EnabledPath: []string{"controlPlanes", "uxp", "xgql", "enabled"}},
}

// Machine is what one node of a machine type can hold. The cloud that
// owns the machine type supplies every number, with its source.
type Machine struct {
	// VCPU of the machine.
	VCPU int64
	// MemoryMiB of the machine.
	MemoryMiB int64
	// MaxVolumes is how many persistent volumes (CSI attachments) one node
	// can take, after what the cloud reserves (root disk, network
	// interfaces); 0 when the cloud has no per-node volume limit.
	MaxVolumes int64
	// VolumeLimit says what bounds MaxVolumes when it is not the number
	// of attachments (a cloud that caps a node's total disk IOPS or
	// throughput serves fewer volumes at their provisioned rate); empty
	// when it is.
	VolumeLimit string
	// MaxPods is how many pods one node runs (the CNI's or the kubelet's
	// limit); 0 when the cloud has no per-node pod limit.
	MaxPods int64
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
	// Zones the Space spreads over (len(spec.zones)).
	Zones                           int32
	ControlPlanes                   int32
	ManagedResourcesPerControlPlane int32
	ProviderCRDsPerControlPlane     int32
	EtcdMembersPerControlPlane      int32
	APIServersPerControlPlane       int32
	EtcdPodRequests                 Resources
	APIServerPodRequests            Resources
	// ControlPlanePodRequests is the sum of the requests of one control
	// plane's pods in the general pool (ControlPlaneChartPods, with the
	// user's overrides and replica counts).
	ControlPlanePodRequests Resources
	Pools                   []PoolCapacity
}

// A Dimension is one per-node limit a pool is sized against.
type Dimension string

// The dimensions, in the order the plan reports them.
const (
	DimensionCPU    Dimension = "cpu"
	DimensionMemory Dimension = "memory"
	// DimensionCPURequests and DimensionMemoryRequests size the general
	// pool for what the scheduler packs by: the pods' requests, beside the
	// usage estimate of cpu and memory.
	DimensionCPURequests    Dimension = "cpuRequests"
	DimensionMemoryRequests Dimension = "memoryRequests"
	DimensionVolumes        Dimension = "volumes"
	DimensionPods           Dimension = "pods"
	DimensionMinNodes       Dimension = "minNodes"
)

// Need is how many nodes one dimension asks for.
type Need struct {
	Dimension Dimension
	// Demand is the pool's total in the dimension's unit: millicores,
	// bytes, volumes, pods; for minNodes the floor itself.
	Demand int64
	// PerNode is what one node of MachineType holds in that unit.
	PerNode int64
	// MachineType is the listed type that needs the most nodes for this
	// dimension (the most restrictive one).
	MachineType string
	// Nodes = ceil(Demand / PerNode), or, for a pool whose pods spread
	// over zones, Zones x NodesPerZone.
	Nodes int64
	// Zones the dimension is sized over (0 when sized by the total),
	// ZoneDemand what the fullest zone must hold and NodesPerZone =
	// ceil(ZoneDemand / PerNode).
	Zones        int64
	ZoneDemand   int64
	NodesPerZone int64
	// Limit says what bounds PerNode when the machine has several limits
	// in the dimension (Machine.VolumeLimit); empty otherwise.
	Limit string
}

// PoolDemand is what a pool must hold.
type PoolDemand struct {
	// Resources with the buffer (the usage estimate for the general pool).
	Resources Resources
	// Requests are the buffered sum of the pods' requests where they are
	// not what Resources already counts (the general pool: the chart's
	// per-control-plane pods); zero otherwise.
	Requests Resources
	// Volumes are the persistent volumes its pods attach.
	Volumes int64
	// Pods it runs.
	Pods int64
	// PerZone is what one zone must hold when the pool's pods spread over
	// zones (the etcd members and API servers of each control plane); nil
	// when the pool is sized by its total.
	PerZone *ZoneDemand
}

// ZoneDemand is the share of a pool's demand one zone must hold. A zonal
// autoscaler adds a node in the zone whose pod is pending, and an etcd
// member stays in its volume's zone, so every zone needs nodes for its own
// share: the pool needs Zones x ceil(share / per node) nodes, not
// ceil(total / per node).
type ZoneDemand struct {
	// Zones the pods spread over.
	Zones int64
	// Resources, Volumes and Pods of the fullest zone.
	Resources Resources
	Volumes   int64
	Pods      int64
}

// PoolCapacity is the demand and size of one pool.
type PoolCapacity struct {
	Role Role
	// Basis says in words how the demand was computed.
	Basis string
	// Demand with the buffer.
	Demand Resources
	// Volumes and Pods the pool must hold.
	Volumes int64
	Pods    int64
	// Zones the pool is sized over (each zone for its share); 0 when it
	// is sized by its total.
	Zones int64
	// MachineType that binds the pool (the most restrictive of the listed
	// types in the binding dimension) and its size; Known is false when no
	// listed machine type is in the catalog.
	MachineType string
	Machine     Machine
	Known       bool
	// Unknown lists the machine types the catalog does not know.
	Unknown []string
	// Needs per dimension, and the one that binds (needs the most nodes).
	Needs   []Need
	Binding Dimension
	// Needed is the node count the plan needs: the largest need over all
	// dimensions, at least minNodes; 0 when no machine type is known.
	Needed int64
	// MinNodes and MaxNodes of the pool; Computed is true when MaxNodes
	// came from the plan rather than the user.
	MinNodes int32
	MaxNodes int32
	Computed bool
	// Limits is the capacity of MaxNodes nodes of the largest listed
	// machine type, so MaxNodes nodes of any listed type fit under them
	// (zero when no machine is known).
	Limits Resources
}

// Shortfall is how many nodes MaxNodes is below the need; 0 when it is not.
func (pc PoolCapacity) Shortfall() int64 {
	return max(pc.Needed-int64(pc.MaxNodes), 0)
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

// NodesFor is how many nodes of m the CPU and memory demand needs: the
// larger of the CPU and the memory count, at least 1. It does not clamp:
// the caller compares the count with the limits and says so.
func NodesFor(demand Resources, m Machine) int64 {
	a := m.Allocatable()
	return max(ceilDiv(demand.MilliCPU, a.MilliCPU), ceilDiv(demand.MemoryBytes, a.MemoryBytes), 1)
}

// A TypedMachine is a machine type with its size.
type TypedMachine struct {
	Type string
	Machine
}

// Size computes each dimension's need of a pool over its known machine
// types (sizing for the most restrictive type in every dimension, since
// an autoscaler may pick any listed type), and which dimension binds. A
// dimension a machine has no limit for (0) asks for no nodes. A pool
// whose pods spread over zones is sized per zone in every dimension but
// minNodes: Zones x ceil(the zone's share / per node).
func Size(d PoolDemand, minNodes int32, machines []TypedMachine) (needs []Need, binding Dimension, needed int64) {
	if len(machines) == 0 {
		return nil, "", 0
	}
	z := d.PerZone
	if z == nil {
		z = &ZoneDemand{}
	}
	type dim struct {
		d          Dimension
		demand     int64
		zoneDemand int64
		perNode    func(Machine) int64
		limit      func(Machine) string
	}
	cpu := func(m Machine) int64 { return m.Allocatable().MilliCPU }
	mem := func(m Machine) int64 { return m.Allocatable().MemoryBytes }
	dims := []dim{
		{DimensionCPU, d.Resources.MilliCPU, z.Resources.MilliCPU, cpu, nil},
		{DimensionMemory, d.Resources.MemoryBytes, z.Resources.MemoryBytes, mem, nil},
	}
	if d.Requests != (Resources{}) {
		dims = append(dims,
			dim{DimensionCPURequests, d.Requests.MilliCPU, 0, cpu, nil},
			dim{DimensionMemoryRequests, d.Requests.MemoryBytes, 0, mem, nil})
	}
	if d.Volumes > 0 {
		dims = append(dims, dim{DimensionVolumes, d.Volumes, z.Volumes, func(m Machine) int64 { return m.MaxVolumes }, func(m Machine) string { return m.VolumeLimit }})
	}
	if d.Pods > 0 {
		dims = append(dims, dim{DimensionPods, d.Pods, z.Pods, func(m Machine) int64 {
			if m.MaxPods == 0 {
				return 0
			}
			return max(m.MaxPods-DaemonSetPodsPerNode, 1)
		}, nil})
	}
	for _, dm := range dims {
		var best *Need
		for _, m := range machines {
			per := dm.perNode(m.Machine)
			if per <= 0 {
				continue
			}
			n := Need{Dimension: dm.d, Demand: dm.demand, PerNode: per, MachineType: m.Type, Nodes: max(ceilDiv(dm.demand, per), 1)}
			if d.PerZone != nil && z.Zones > 1 {
				n.Zones, n.ZoneDemand = z.Zones, dm.zoneDemand
				n.NodesPerZone = max(ceilDiv(dm.zoneDemand, per), 1)
				n.Nodes = z.Zones * n.NodesPerZone
			}
			if dm.limit != nil {
				n.Limit = dm.limit(m.Machine)
			}
			if best == nil || n.Nodes > best.Nodes {
				best = &n
			}
		}
		if best != nil {
			needs = append(needs, *best)
		}
	}
	needs = append(needs, Need{Dimension: DimensionMinNodes, Demand: int64(minNodes), PerNode: 1, Nodes: int64(minNodes)})
	for _, n := range needs {
		if n.Nodes > needed {
			needed, binding = n.Nodes, n.Dimension
		}
	}
	return needs, binding, needed
}

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

// PoolDemands computes what each pool role must hold: the buffered CPU
// and memory, the etcd volumes (one per etcd member), the pods, the
// general pool's pod requests and, for the pools whose pods spread over
// zones, each zone's share.
func PoolDemands(c Capacity) map[Role]PoolDemand {
	cps := int64(c.ControlPlanes)
	r := Demands(c)
	etcdMembers := cps * int64(c.EtcdMembersPerControlPlane)
	apiServers := cps * int64(c.APIServersPerControlPlane)
	etcd := PoolDemand{Resources: r[RoleEtcd], Volumes: etcdMembers, Pods: etcdMembers}
	if z := zoneShare(etcdMembers, c.Zones); z > 0 {
		etcd.PerZone = &ZoneDemand{Zones: int64(c.Zones), Resources: WithBuffer(c.EtcdPodRequests.Times(z)), Volumes: z, Pods: z}
	}
	api := PoolDemand{Resources: r[RoleAPIServer], Pods: apiServers}
	if z := zoneShare(apiServers, c.Zones); z > 0 {
		api.PerZone = &ZoneDemand{Zones: int64(c.Zones), Resources: WithBuffer(c.APIServerPodRequests.Times(z)), Pods: z}
	}
	return map[Role]PoolDemand{
		RoleEtcd:      etcd,
		RoleAPIServer: api,
		RoleControlPlanes: {
			Resources: r[RoleControlPlanes],
			Requests:  WithBuffer(c.ControlPlanePodRequests.Times(cps)),
			Pods:      cps * ControlPlanePods,
		},
	}
}

// zoneShare is how many of a pool's pods the fullest zone holds when they
// spread evenly over zones: ceil(pods / zones); 0 with fewer than two
// zones (the pool is sized by its total). With HA, each control plane's 3
// etcd members spread over 3 zones one per zone (the zone anti-affinity
// the function sets), so a zone holds exactly one member per control
// plane.
func zoneShare(pods int64, zones int32) int64 {
	if zones < 2 {
		return 0
	}
	return ceilDiv(pods, int64(zones))
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
