package azure

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// API versions and kind of the AKS node pool (provider-upjet-azure v2).
const (
	NodePoolAPIVersion           = "containerservice.azure.upbound.io/v1beta2"
	NodePoolAPIVersionNamespaced = "containerservice.azure.m.upbound.io/v1beta1"
	NodePoolKind                 = "KubernetesClusterNodePool"
)

// MaxPoolNameLength bounds AKS node pool names: lowercase alphanumeric,
// starting with a letter, at most 12 characters for Linux pools, unique
// within the cluster.
const MaxPoolNameLength = 12

// Upgrade settings. Dedicated (conservative) pools surge one node at a
// time and let it soak, so an etcd member has a new node to move to and
// rejoins before the next one drains; the general pool surges a third.
const (
	DrainTimeoutMinutes     = 30
	ConservativeSoakMinutes = 5
	ConservativeMaxSurge    = "1"
	GeneralMaxSurge         = "33%"
)

// poolPrefix is the readable start of each role's AKS pool name.
var poolPrefix = map[plan.Role]string{
	plan.RoleEtcd:          "etcd",
	plan.RoleAPIServer:     "api",
	plan.RoleControlPlanes: "cp",
}

// PoolName is the AKS name of a role's pool for an XR: the role's prefix
// and a hash of the XR name and role, at most 12 characters. It is stable
// across calls and distinct for XRs that share a long name prefix.
func PoolName(xrName string, r plan.Role) string {
	return compose.ShortName(MaxPoolNameLength, poolPrefix[r], xrName+"/"+string(r))
}

// TemporaryPoolName is the name AKS gives the pool's stand-in while it
// rotates the pool (changing the VM size, zones or OS disk): "tmp" and a
// hash, so it never equals any PoolName.
func TemporaryPoolName(xrName string, r plan.Role) string {
	return compose.ShortName(MaxPoolNameLength, "tmp", xrName+"/"+string(r)+"/rotation")
}

// KubernetesClusterNodePool is an AKS node pool.
type KubernetesClusterNodePool = compose.Managed[NodePoolParameters, NodePoolInitParameters]

// NodePoolParameters are the node pool fields the function sets.
type NodePoolParameters struct {
	KubernetesClusterID      string            `json:"kubernetesClusterId"`
	Mode                     string            `json:"mode"`
	OSType                   string            `json:"osType"`
	VMSize                   string            `json:"vmSize"`
	Zones                    []string          `json:"zones,omitempty"`
	AutoScalingEnabled       bool              `json:"autoScalingEnabled"`
	MinCount                 int32             `json:"minCount"`
	MaxCount                 int32             `json:"maxCount"`
	NodeLabels               map[string]string `json:"nodeLabels,omitempty"`
	NodeTaints               []string          `json:"nodeTaints,omitempty"`
	OSDiskSizeGB             int32             `json:"osDiskSizeGb"`
	OSDiskType               string            `json:"osDiskType"`
	UpgradeSettings          *UpgradeSettings  `json:"upgradeSettings,omitempty"`
	TemporaryNameForRotation string            `json:"temporaryNameForRotation"`
	Tags                     map[string]string `json:"tags,omitempty"`
}

// NodePoolInitParameters are set on creation only. nodeCount is the
// initial size, which AKS requires within minCount..maxCount; afterwards
// the cluster autoscaler owns it.
type NodePoolInitParameters struct {
	NodeCount int32 `json:"nodeCount"`
	MaxPods   int32 `json:"maxPods"`
}

// UpgradeSettings say how AKS replaces nodes on upgrades and rotations.
type UpgradeSettings struct {
	MaxSurge                  string `json:"maxSurge"`
	DrainTimeoutInMinutes     int32  `json:"drainTimeoutInMinutes"`
	NodeSoakDurationInMinutes int32  `json:"nodeSoakDurationInMinutes"`
}

// nodePool renders a pool as AKS node pools that autoscale between the
// pool's minNodes and maxNodes, labelled and tainted for its role.
//
// The etcd pool is one AKS pool per zone: an etcd member is pinned to its
// disk's zone, and the cluster autoscaler cannot reliably add a node in a
// given zone of a zone-spanning pool (AKS "Best practices for advanced
// scheduler features" and the cluster autoscaler docs recommend one node
// pool per zone for zonal volumes). The other pools span the zones. An
// etcd pool composed before zonal pools existed (observed under its old
// key) is kept as it is: replacing it would drain every etcd node at once.
func nodePool(in cloud.In, p *plan.Pool) []compose.Resource {
	if p.Role != plan.RoleEtcd || len(p.Zones) < 2 || legacyEtcdPool(in) {
		return []compose.Resource{aksPool(in, p, poolShape{
			key: string(p.Role) + "-nodepool", name: compose.Name(in.Plan.XRName, string(p.Role)),
			aksName: PoolName(in.Plan.XRName, p.Role), tmpName: TemporaryPoolName(in.Plan.XRName, p.Role),
			zones: p.Zones, minCount: p.MinNodes, maxCount: p.MaxNodes,
		})}
	}
	out := make([]compose.Resource, 0, len(p.Zones))
	for i, z := range p.Zones {
		minCount, maxCount := ZoneCounts(p.MinNodes, p.MaxNodes, len(p.Zones), i)
		out = append(out, aksPool(in, p, poolShape{
			key: ZonalPoolKey(z), name: compose.Name(in.Plan.XRName, string(p.Role), "zone", z),
			aksName: ZonalPoolName(in.Plan.XRName, z), tmpName: ZonalTemporaryPoolName(in.Plan.XRName, z),
			zones: []string{z}, minCount: minCount, maxCount: maxCount,
		}))
	}
	return out
}

// legacyEtcdPool is true when the observed state holds the zone-spanning
// etcd pool of an earlier version of the function.
func legacyEtcdPool(in cloud.In) bool {
	_, ok := in.Env.Observed[LegacyEtcdPoolKey]
	return ok
}

// LegacyEtcdPoolKey is the composition resource name of a zone-spanning
// etcd pool.
const LegacyEtcdPoolKey = "etcd-nodepool"

// ZonalPoolKey is the composition resource name of the etcd pool of a zone.
func ZonalPoolKey(zone string) string { return "etcd-nodepool-zone-" + zone }

// ZonalPoolName is the AKS name of the etcd pool of a zone: "etcd", the
// zone and a hash of the XR name and zone, at most 12 lowercase
// alphanumerics, stable and distinct per XR and zone.
func ZonalPoolName(xrName, zone string) string {
	return compose.ShortName(MaxPoolNameLength, poolPrefix[plan.RoleEtcd]+zone, xrName+"/"+string(plan.RoleEtcd)+"/zone/"+zone)
}

// ZonalTemporaryPoolName is the rotation stand-in of a zone's etcd pool.
func ZonalTemporaryPoolName(xrName, zone string) string {
	return compose.ShortName(MaxPoolNameLength, "tmp", xrName+"/"+string(plan.RoleEtcd)+"/zone/"+zone+"/rotation")
}

// ZoneCounts splits a pool's bounds over its zones. minNodes is split
// exactly (the first zones take the remainder), so the floor in total is
// what the user asked for. maxNodes is each zone's share rounded up and at
// least 1: every zone holds its share of the etcd members (required zone
// spread of each control plane's members), so each needs its share of the
// nodes the plan computed, and a zone pool can always grow.
func ZoneCounts(minNodes, maxNodes int32, zones, i int) (minCount, maxCount int32) {
	z := int32(zones) //nolint:gosec // at most 5 zones.
	minCount = minNodes / z
	if int32(i) < minNodes%z { //nolint:gosec // i < zones.
		minCount++
	}
	maxCount = max((maxNodes+z-1)/z, minCount, 1)
	return minCount, maxCount
}

// poolShape is what differs between the AKS pools of one plan pool.
type poolShape struct {
	key, name, aksName, tmpName string
	zones                       []string
	minCount, maxCount          int32
}

// aksPool renders one AKS node pool. metadata.name is the Kubernetes
// name; the AKS name goes in the external-name annotation.
func aksPool(in cloud.In, p *plan.Pool, sh poolShape) compose.Resource {
	env := in.Env
	us := &UpgradeSettings{MaxSurge: GeneralMaxSurge, DrainTimeoutInMinutes: DrainTimeoutMinutes}
	if p.Conservative {
		us.MaxSurge = ConservativeMaxSurge
		us.NodeSoakDurationInMinutes = ConservativeSoakMinutes
	}
	np := &KubernetesClusterNodePool{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(NodePoolAPIVersion, NodePoolAPIVersionNamespaced), Kind: NodePoolKind},
		Metadata: compose.ObjectMeta{
			Name:        sh.name,
			Labels:      env.Labels,
			Annotations: map[string]string{compose.ExternalNameAnnotation: sh.aksName},
		},
		Spec: compose.ManagedResourceSpec[NodePoolParameters, NodePoolInitParameters]{
			ManagedSpec: managed(env, compose.Delete),
			ForProvider: NodePoolParameters{
				KubernetesClusterID:      in.Spec.Azure.ClusterID,
				Mode:                     "User",
				OSType:                   "Linux",
				VMSize:                   p.MachineType(),
				Zones:                    sh.zones,
				AutoScalingEnabled:       true,
				MinCount:                 sh.minCount,
				MaxCount:                 sh.maxCount,
				NodeLabels:               cloud.NodeLabels(p, env.Labels),
				NodeTaints:               nodeTaints(p.Taints),
				OSDiskSizeGB:             p.DiskSizeGiB,
				OSDiskType:               "Managed",
				UpgradeSettings:          us,
				TemporaryNameForRotation: sh.tmpName,
				Tags:                     env.Tags,
			},
			InitProvider: &NodePoolInitParameters{NodeCount: sh.minCount, MaxPods: AKSMaxPods},
		},
	}
	return compose.Resource{Key: sh.key, Component: cloud.ComponentOf(p.Role), Object: np}
}

// nodeTaints writes taints in AKS's key=value:Effect syntax.
func nodeTaints(ts []plan.Taint) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Key+"="+t.Value+":"+t.Effect)
	}
	return out
}
