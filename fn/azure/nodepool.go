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
}

// UpgradeSettings say how AKS replaces nodes on upgrades and rotations.
type UpgradeSettings struct {
	MaxSurge                  string `json:"maxSurge"`
	DrainTimeoutInMinutes     int32  `json:"drainTimeoutInMinutes"`
	NodeSoakDurationInMinutes int32  `json:"nodeSoakDurationInMinutes"`
}

// nodePool renders a pool as an AKS node pool that autoscales between the
// pool's minNodes and maxNodes (AKS counts are totals over the pool's
// zones), labelled and tainted for its role. metadata.name is the
// Kubernetes name; the AKS name goes in the external-name annotation.
func nodePool(in cloud.In, p *plan.Pool) []compose.Resource {
	xrName, env := in.Plan.XRName, in.Env
	us := &UpgradeSettings{MaxSurge: GeneralMaxSurge, DrainTimeoutInMinutes: DrainTimeoutMinutes}
	if p.Conservative {
		us.MaxSurge = ConservativeMaxSurge
		us.NodeSoakDurationInMinutes = ConservativeSoakMinutes
	}
	np := &KubernetesClusterNodePool{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(NodePoolAPIVersion, NodePoolAPIVersionNamespaced), Kind: NodePoolKind},
		Metadata: compose.ObjectMeta{
			Name:        compose.Name(xrName, string(p.Role)),
			Labels:      env.Labels,
			Annotations: map[string]string{compose.ExternalNameAnnotation: PoolName(xrName, p.Role)},
		},
		Spec: compose.ManagedResourceSpec[NodePoolParameters, NodePoolInitParameters]{
			ManagedSpec: managed(env, compose.Delete),
			ForProvider: NodePoolParameters{
				KubernetesClusterID:      in.Spec.Azure.ClusterID,
				Mode:                     "User",
				OSType:                   "Linux",
				VMSize:                   p.MachineType(),
				Zones:                    p.Zones,
				AutoScalingEnabled:       true,
				MinCount:                 p.MinNodes,
				MaxCount:                 p.MaxNodes,
				NodeLabels:               cloud.NodeLabels(p, env.Labels),
				NodeTaints:               nodeTaints(p.Taints),
				OSDiskSizeGB:             p.DiskSizeGiB,
				OSDiskType:               "Managed",
				UpgradeSettings:          us,
				TemporaryNameForRotation: TemporaryPoolName(xrName, p.Role),
				Tags:                     env.Tags,
			},
			InitProvider: &NodePoolInitParameters{NodeCount: p.MinNodes},
		},
	}
	return []compose.Resource{{Key: string(p.Role) + "-nodepool", Component: cloud.ComponentOf(p.Role), Object: np}}
}

// nodeTaints writes taints in AKS's key=value:Effect syntax.
func nodeTaints(ts []plan.Taint) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Key+"="+t.Value+":"+t.Effect)
	}
	return out
}
