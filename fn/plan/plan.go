// Package plan turns a validated spec into cloud-neutral decisions: the
// pools (role, bounds, labels, taints, zones, disk), the etcd storage, the
// database's needs, the Spaces release settings and the capacity
// arithmetic. It knows no cloud and no provider API: what it needs of a
// cloud (the size of a machine type, default machine types) comes in as data.
package plan

import "k8s.io/apimachinery/pkg/api/resource"

// Role is the job of a node pool.
type Role string

// The pool roles. Their values are the `target` node label values.
const (
	RoleEtcd          Role = "etcd"
	RoleAPIServer     Role = "apiserver"
	RoleControlPlanes Role = "controlplanes"
)

// Roles in the order every renderer emits them.
var Roles = []Role{RoleEtcd, RoleAPIServer, RoleControlPlanes}

// TargetLabel is the node label that pins pods to a pool.
const TargetLabel = "target"

// EffectNoSchedule is the taint effect of dedicated pools, in Kubernetes'
// spelling; renderers translate it to their cloud's.
const EffectNoSchedule = "NoSchedule"

// Label is a node label.
type Label struct {
	Key   string
	Value string
}

// Taint is a node taint.
type Taint struct {
	Key    string
	Value  string
	Effect string
}

// Resources is an amount of CPU and memory.
type Resources struct {
	// MilliCPU is CPU in thousandths of a core.
	MilliCPU int64
	// MemoryBytes is memory in bytes.
	MemoryBytes int64
}

// Pool is one dedicated node pool.
type Pool struct {
	// Role of the pool.
	Role Role
	// SpecField is the pool's field name under spec.nodePools, for messages.
	SpecField string
	// MinNodes and MaxNodes bound the pool in total over all zones.
	MinNodes int32
	MaxNodes int32
	// MachineTypes the pool may use; the first sizes it.
	MachineTypes []string
	// Zones the pool spreads over.
	Zones []string
	// DiskSizeGiB of each node.
	DiskSizeGiB int32
	// Labels of the nodes, sorted by key.
	Labels []Label
	// Taints of the nodes; empty for a pool that takes any pod.
	Taints []Taint
	// Demand is the pool's CPU and memory demand with the buffer.
	Demand Resources
	// Conservative pools (etcd, API servers) are disrupted one node at a
	// time, never for consolidation while pods run, and surge on upgrade.
	Conservative bool
}

// MachineType is the machine type that sizes the pool (the first); empty
// for none.
func (p Pool) MachineType() string {
	if len(p.MachineTypes) == 0 {
		return ""
	}
	return p.MachineTypes[0]
}

// Storage is the StorageClass of the etcd volumes.
type Storage struct {
	// ClassName of the StorageClass.
	ClassName string
	// MinIOPS and MinThroughputMiBps the volumes should get where the
	// cloud lets a StorageClass ask for them.
	MinIOPS            int32
	MinThroughputMiBps int32
}

// Database is what the Query API needs of its PostgreSQL database.
type Database struct {
	// Version of PostgreSQL, e.g. "16".
	Version string
	// InstanceSize is the user's instance class, tier or SKU; empty for the
	// cloud's default.
	InstanceSize string
	// StorageGiB is the least storage to allocate.
	StorageGiB int32
	// MinIOPS the storage must provide.
	MinIOPS int32
	// HighAvailability asks for a standby in another zone.
	HighAvailability bool
	// DeletionProtection protects the database from deletion, and makes
	// deleting the XR orphan it.
	DeletionProtection bool
	// BackupRetentionDays of automated backups.
	BackupRetentionDays int32
	// PasswordSecretName is an existing Secret (key "password") to use; empty
	// for a generated password.
	PasswordSecretName string
	// CASecretName is a Secret (key ca.crt) with the server's CA bundle;
	// empty for none (the cloud may have one of its own).
	CASecretName string
	// Name of the database the Query API uses.
	Name string
	// AdminUser is the user the Query API server connects as.
	AdminUser string
}

// Plan is every cloud-neutral decision for one XR.
type Plan struct {
	// XRName is the XR's name, the root of every composed name.
	XRName string
	// HighAvailability of the Space.
	HighAvailability bool
	// Region and Zones of the Space cluster.
	Region string
	Zones  []string
	// ClusterName of the Space cluster.
	ClusterName string
	// Pools in Roles order.
	Pools []Pool
	// Storage of the etcd volumes.
	Storage Storage
	// Database of the Query API; nil when the Query API uses the chart's
	// in-cluster PostgreSQL.
	Database *Database
	// Capacity is the arithmetic behind the pool sizes.
	Capacity Capacity
	// Spaces is the Spaces Helm release.
	Spaces Spaces
	// Monitoring is the alerting; nil when monitoring is off.
	Monitoring *Monitoring
	// Warnings are the plan's degraded choices (a pool capped below its
	// need, machine types it could not size), each naming the field.
	Warnings []string
}

// Spaces is what the Spaces Helm release needs beyond the pools.
type Spaces struct {
	Version string
	// Account is the Upbound organization; RouterHost the router's public
	// host; HubIdentities and HubRBAC the hub authentication and
	// authorization switches. All are install-time values the Release must
	// carry, or an upgrade drops them.
	Account         string
	RouterHost      string
	HubIdentities   bool
	HubRBAC         bool
	ChartRepository string
	// ChartPullSecretName and ChartPullSecretNamespace name the Secret
	// provider-helm pulls the chart with; empty for its default credentials.
	ChartPullSecretName      string
	ChartPullSecretNamespace string
	Namespace                string
	// PullSecretName is the image pull secret inside the Space.
	PullSecretName string
	APIReplicas    int32
	ApolloReplicas int32
	Router         RouterScaling
	// ControllerRequests and ControllerLimits as quantities.
	ControllerRequests ResourceQuantities
	ControllerLimits   ResourceQuantities
	// EtcdVolumeSize as a quantity.
	EtcdVolumeSize string
	// Exposure is how clients outside the cluster reach the router.
	Exposure Exposure
	// Values are the user's values (JSON object), merged last; nil for none.
	Values []byte
	// ProviderConfig of provider-helm.
	ProviderConfig string
}

// The ways into a Space (spec.spaces.exposure.type).
const (
	ExposeLoadBalancer = "LoadBalancer"
	ExposeGatewayAPI   = "GatewayAPI"
	ExposeIngress      = "Ingress"
	ExposeNone         = "None"
)

// Exposure is the way into the Space. What a load balancer needs on a
// given cloud (its annotations) is the cloud's: the plan says only which
// kind of load balancer, internal or not.
type Exposure struct {
	// Type is one of the Expose* values.
	Type string
	// Internal asks for a load balancer reachable only from the cluster's
	// network (type LoadBalancer).
	Internal bool
	// SourceRanges are the client CIDRs a load balancer admits; empty for
	// any.
	SourceRanges []string
	// TLSSecretName is the router's serving certificate Secret; empty for
	// the chart's own.
	TLSSecretName string
	// Ingress is the chart's Ingress (type Ingress).
	Ingress *IngressExposure
	// Gateway is the chart's Gateway API route (type GatewayAPI).
	Gateway *GatewayExposure
}

// IngressExposure is the Ingress the chart provisions.
type IngressExposure struct {
	ClassName       string
	Annotations     map[string]string
	PodLabels       map[string]string
	NamespaceLabels map[string]string
}

// GatewayExposure is the Gateway API route (and Gateway) the chart
// provisions.
type GatewayExposure struct {
	ProvisionGateway bool
	Name             string
	Namespace        string
	ClassName        string
	PodLabels        map[string]string
	NamespaceLabels  map[string]string
}

// RouterScaling is the router's autoscaler.
type RouterScaling struct {
	MinReplicas                       int32
	MaxReplicas                       int32
	TargetCPUUtilizationPercentage    int32
	TargetMemoryUtilizationPercentage int32
}

// ResourceQuantities are CPU and memory as the user wrote them.
type ResourceQuantities struct {
	CPU    string
	Memory string
}

// Monitoring is the alerting of the Space.
type Monitoring struct {
	// RuleLabels of the PrometheusRule, for the Prometheus rule selector.
	RuleLabels map[string]string
	// ErrorRatePercent above which the router error alerts fire.
	ErrorRatePercent int32
	// RouterLatencySeconds: the router's 90th percentile upstream request
	// time above which its latency alert fires.
	RouterLatencySeconds int32
	// ControllerMemoryPercent of its memory limit above which the
	// controller's memory alert fires.
	ControllerMemoryPercent int32
	// NodePoolUsagePercent of a pool's maximum above which its alert fires.
	NodePoolUsagePercent int32
	// DegradedControlPlanes and StuckControlPlanes tolerated.
	DegradedControlPlanes int32
	StuckControlPlanes    int32
	// For is how long a condition holds before an alert fires.
	For string
	// Dashboard is the Grafana dashboard's ConfigMap; nil when it is off.
	Dashboard *Dashboard
}

// Dashboard is where the Grafana dashboard's ConfigMap goes and how the
// dashboard sidecar finds it.
type Dashboard struct {
	// Namespace of the ConfigMap.
	Namespace string
	// Labels of the ConfigMap, for the sidecar's selector.
	Labels map[string]string
}

// Pool returns the pool of a role.
func (p *Plan) Pool(r Role) *Pool {
	for i := range p.Pools {
		if p.Pools[i].Role == r {
			return &p.Pools[i]
		}
	}
	return nil
}

// PodFloor is how many nodes a pool's own pods keep busy whenever the
// Space runs a control plane: each control plane's etcd members (and API
// servers) require distinct nodes (required hostname anti-affinity), and
// the general pool runs at least one pod. An autoscaler that keeps no
// floor of its own (Karpenter) keeps this many.
func (p *Plan) PodFloor(r Role) int32 {
	switch r {
	case RoleEtcd:
		return p.Capacity.EtcdMembersPerControlPlane
	case RoleAPIServer:
		return p.Capacity.APIServersPerControlPlane
	default:
		return 1
	}
}

// EtcdVolumeGiB is the etcd volume size in GiB, rounded up; an unreadable
// size (validation refuses one) counts as 0.
func (s Spaces) EtcdVolumeGiB() int64 {
	q, err := resource.ParseQuantity(s.EtcdVolumeSize)
	if err != nil || q.Sign() <= 0 {
		return 0
	}
	return ceilDiv(q.Value(), 1<<30)
}
