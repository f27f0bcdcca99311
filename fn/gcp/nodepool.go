package gcp

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// GKE node pool API versions: provider-upjet-gcp v3 serves only v1beta2 of
// the cluster-scoped kind.
const (
	NodePoolAPIVersion           = "container.gcp.upbound.io/v1beta2"
	NodePoolAPIVersionNamespaced = "container.gcp.m.upbound.io/v1beta1"
	NodePoolKind                 = "NodePool"

	// MaxNodePoolNameLength is GKE's limit on node pool names; the
	// managed resource's name is the node pool's name.
	MaxNodePoolNameLength = 40

	// CloudPlatformScope lets the node's service account's IAM roles, not
	// the access scopes, decide what the nodes may do (GKE's recommendation
	// for a node pool with its own service account).
	CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
)

// DefaultServiceAccountScopes are the access scopes GKE itself gives the
// nodes of a Standard cluster that run as the Compute Engine default
// service account ("Access scopes in GKE", GKE documentation; logging.write
// and monitoring while Cloud Logging and Monitoring are on, as they are by
// default). That account has the Editor role on the project, so with the
// cloud-platform scope any pod that reaches the node's metadata server gets
// an Editor token; these scopes cap what such a token can do at pulling
// images, writing logs, metrics and traces. Sorted, so the output never
// changes order.
var DefaultServiceAccountScopes = []string{
	"https://www.googleapis.com/auth/devstorage.read_only",
	"https://www.googleapis.com/auth/logging.write",
	"https://www.googleapis.com/auth/monitoring",
	"https://www.googleapis.com/auth/service.management.readonly",
	"https://www.googleapis.com/auth/servicecontrol",
	"https://www.googleapis.com/auth/trace.append",
}

// NodeIdentity is the service account, access scopes and metadata server
// mode of the nodes. With serviceAccount (spec.gcp.nodeServiceAccount):
// that account with the cloud-platform scope, so its IAM roles decide, and
// GKE's metadata server (GKE_METADATA), which serves pods their workload
// identity instead of the node's token; the cluster must have Workload
// Identity, or GKE refuses to create the pool. Without it: the Compute
// Engine default service account with GKE's narrow default scopes, and no
// metadata mode, so the pool takes the cluster's default (GKE_METADATA on a
// cluster with Workload Identity, the node's metadata otherwise) and is
// created on a cluster with or without Workload Identity.
func NodeIdentity(serviceAccount string) (scopes []string, wmc *WorkloadMetadataConfig) {
	if serviceAccount == "" {
		return slices.Clone(DefaultServiceAccountScopes), nil
	}
	return []string{CloudPlatformScope}, &WorkloadMetadataConfig{Mode: WorkloadMetadataGKE}
}

// Boot disk types of the nodes.
const (
	DiskPDSSD             = "pd-ssd"
	DiskPDBalanced        = "pd-balanced"
	DiskHyperdiskBalanced = "hyperdisk-balanced"
)

// NodePool is a GKE node pool managed resource.
type NodePool = compose.Managed[NodePoolParameters, NodePoolInitParameters]

// NodePoolParameters are the node pool's settings.
type NodePoolParameters struct {
	Cluster         string          `json:"cluster"`
	Location        string          `json:"location"`
	NodeLocations   []string        `json:"nodeLocations,omitempty"`
	Project         string          `json:"project,omitempty"`
	NodeConfig      NodeConfig      `json:"nodeConfig"`
	Autoscaling     Autoscaling     `json:"autoscaling"`
	Management      Management      `json:"management"`
	UpgradeSettings UpgradeSettings `json:"upgradeSettings"`
}

// NodePoolInitParameters are set when the node pool is created and never
// updated: GKE replaces a node pool whose initialNodeCount changes.
type NodePoolInitParameters struct {
	// InitialNodeCount is PER ZONE of nodeLocations.
	InitialNodeCount int32 `json:"initialNodeCount"`
}

// NodeConfig describes the nodes.
type NodeConfig struct {
	MachineType            string                  `json:"machineType"`
	DiskType               string                  `json:"diskType"`
	DiskSizeGB             int32                   `json:"diskSizeGb"`
	ImageType              string                  `json:"imageType,omitempty"`
	Labels                 map[string]string       `json:"labels,omitempty"`
	ResourceLabels         map[string]string       `json:"resourceLabels,omitempty"`
	Taint                  []Taint                 `json:"taint,omitempty"`
	OAuthScopes            []string                `json:"oauthScopes,omitempty"`
	Metadata               map[string]string       `json:"metadata,omitempty"`
	ShieldedInstanceConfig *ShieldedInstanceConfig `json:"shieldedInstanceConfig,omitempty"`
	ServiceAccount         string                  `json:"serviceAccount,omitempty"`
	WorkloadMetadataConfig *WorkloadMetadataConfig `json:"workloadMetadataConfig,omitempty"`
}

// WorkloadMetadataConfig says which metadata server pods see: GKE_METADATA
// is GKE's, which serves workload identity instead of the node's
// credentials.
type WorkloadMetadataConfig struct {
	Mode string `json:"mode"`
}

// WorkloadMetadataGKE is the GKE metadata server mode.
const WorkloadMetadataGKE = "GKE_METADATA"

// Taint is a GKE node taint; its effect is spelled NO_SCHEDULE,
// PREFER_NO_SCHEDULE or NO_EXECUTE.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Effect string `json:"effect"`
}

// ShieldedInstanceConfig hardens the node VMs.
type ShieldedInstanceConfig struct {
	EnableSecureBoot          bool `json:"enableSecureBoot"`
	EnableIntegrityMonitoring bool `json:"enableIntegrityMonitoring"`
}

// Autoscaling bounds the pool. The total counts span every zone of
// nodeLocations; minNodeCount and maxNodeCount (per zone) are never set.
type Autoscaling struct {
	TotalMinNodeCount int32  `json:"totalMinNodeCount"`
	TotalMaxNodeCount int32  `json:"totalMaxNodeCount"`
	LocationPolicy    string `json:"locationPolicy"`
}

// Management lets GKE repair and upgrade the nodes.
type Management struct {
	AutoRepair  bool `json:"autoRepair"`
	AutoUpgrade bool `json:"autoUpgrade"`
}

// UpgradeSettings says how nodes are replaced on upgrade.
type UpgradeSettings struct {
	Strategy       string `json:"strategy"`
	MaxSurge       int32  `json:"maxSurge"`
	MaxUnavailable int32  `json:"maxUnavailable"`
}

// InitialNodeCount is the nodes per zone a pool starts with: enough for
// minNodes in total, spread over the zones (GKE counts initialNodeCount per
// zone of nodeLocations).
func InitialNodeCount(minNodes int32, zones int) int32 {
	if zones < 1 {
		zones = 1
	}
	n := (minNodes + int32(zones) - 1) / int32(zones)
	return max(n, 1)
}

// BootDiskType is the boot disk of a pool's nodes: pd-ssd for etcd (its
// data lives on PersistentVolumes, but a slow boot disk slows the kubelet
// and image pulls on the pool that matters most), pd-balanced for the
// others, and Hyperdisk Balanced on families that cannot boot from a
// Persistent Disk.
func BootDiskType(r plan.Role, machineType string) string {
	switch {
	case hyperdiskOnly[machineFamily(machineType)]:
		return DiskHyperdiskBalanced
	case r == plan.RoleEtcd:
		return DiskPDSSD
	default:
		return DiskPDBalanced
	}
}

// taintEffect translates a Kubernetes taint effect to GKE's spelling.
func taintEffect(e string) string {
	switch e {
	case "NoSchedule":
		return "NO_SCHEDULE"
	case "PreferNoSchedule":
		return "PREFER_NO_SCHEDULE"
	case "NoExecute":
		return "NO_EXECUTE"
	default:
		return strings.ToUpper(e)
	}
}

// nodePool renders a pool as a GKE node pool that autoscales between the
// pool's minNodes and maxNodes in total over its zones, balanced across
// them. Upgrades surge one node and never take one away first, so an etcd
// member's node is replaced only once its successor is ready.
func nodePool(in cloud.In, pool *plan.Pool) []compose.Resource {
	p, env := in.Plan, in.Env
	machineType := pool.MachineType()
	np := &NodePool{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(NodePoolAPIVersion, NodePoolAPIVersionNamespaced), Kind: NodePoolKind},
		Metadata: compose.ObjectMeta{Name: NodePoolName(p.XRName, pool.Role)},
		Spec: compose.ManagedResourceSpec[NodePoolParameters, NodePoolInitParameters]{
			ManagedSpec: env.Scope.Managed(env.ProviderConfig, compose.Delete),
			ForProvider: NodePoolParameters{
				Cluster:       p.ClusterName,
				Location:      p.Region,
				NodeLocations: pool.Zones,
				Project:       in.Spec.GCP.Project,
				NodeConfig: NodeConfig{
					MachineType:    machineType,
					DiskType:       BootDiskType(pool.Role, machineType),
					DiskSizeGB:     pool.DiskSizeGiB,
					ImageType:      "COS_CONTAINERD",
					Labels:         cloud.NodeLabels(pool, env.Labels),
					ResourceLabels: cloudLabels(env.Tags),
					// GKE sets this on every node pool; writing it avoids a
					// perpetual diff.
					Metadata:               map[string]string{"disable-legacy-endpoints": "true"},
					ShieldedInstanceConfig: &ShieldedInstanceConfig{EnableSecureBoot: true, EnableIntegrityMonitoring: true},
				},
				Autoscaling: Autoscaling{
					TotalMinNodeCount: pool.MinNodes,
					TotalMaxNodeCount: pool.MaxNodes,
					LocationPolicy:    "BALANCED",
				},
				Management:      Management{AutoRepair: true, AutoUpgrade: true},
				UpgradeSettings: UpgradeSettings{Strategy: "SURGE", MaxSurge: 1, MaxUnavailable: 0},
			},
			InitProvider: &NodePoolInitParameters{InitialNodeCount: InitialNodeCount(pool.MinNodes, len(pool.Zones))},
		},
	}
	nc := &np.Spec.ForProvider.NodeConfig
	nc.ServiceAccount = in.Spec.GCP.NodeServiceAccount
	nc.OAuthScopes, nc.WorkloadMetadataConfig = NodeIdentity(nc.ServiceAccount)
	if kept, ok := PinnedScopes(in.Env.Observed[PoolKey(pool.Role)], nc.ServiceAccount); ok {
		nc.OAuthScopes = kept
	}
	for _, t := range pool.Taints {
		np.Spec.ForProvider.NodeConfig.Taint = append(np.Spec.ForProvider.NodeConfig.Taint,
			Taint{Key: t.Key, Value: t.Value, Effect: taintEffect(t.Effect)})
	}
	return []compose.Resource{{Key: PoolKey(pool.Role), Component: cloud.ComponentOf(pool.Role), Object: np}}
}

// The fields of an observed pool that PinnedScopes reads.
const (
	observedServiceAccountField = "spec.forProvider.nodeConfig.serviceAccount"
	observedScopesField         = "spec.forProvider.nodeConfig.oauthScopes"
)

// PoolKey is the composition resource name of a role's node pool.
func PoolKey(r plan.Role) string { return string(r) + "-nodepool" }

// PinnedScopes are the access scopes an existing pool keeps: oauthScopes
// is ForceNew in terraform-provider-google's schemaNodeConfig(), so upjet
// refuses to change them on a running pool, and the pool would stay
// unsynced. A pool observed with the service account the spec asks for
// keeps the scopes it was created with (a pool composed before GKE's
// narrow defaults replaced cloud-platform keeps cloud-platform); a new
// pool, or one whose service account changes (refused by the change model
// anyway), gets NodeIdentity's. ok is false when nothing is pinned.
func PinnedScopes(observed map[string]any, serviceAccount string) (scopes []string, ok bool) {
	if observed == nil {
		return nil, false
	}
	sa, _, _ := unstructured.NestedString(observed, "spec", "forProvider", "nodeConfig", "serviceAccount")
	if sa != serviceAccount {
		return nil, false
	}
	scopes, found, err := unstructured.NestedStringSlice(observed, "spec", "forProvider", "nodeConfig", "oauthScopes")
	if err != nil || !found || len(scopes) == 0 {
		return nil, false
	}
	return scopes, true
}

// NodePoolName is the name of a pool's managed resource and GKE node pool:
// at most 40 characters, starting with a letter.
func NodePoolName(xrName string, r plan.Role) string {
	return cloudName(MaxNodePoolNameLength, xrName, string(r))
}

// cloudName is compose.NameN for cloud resources whose names must also
// start with a letter (GKE node pools, Cloud SQL instances).
func cloudName(maxLen int, parts ...string) string {
	n := compose.NameN(maxLen, parts...)
	if n[0] >= 'a' && n[0] <= 'z' {
		return n
	}
	return compose.NameN(maxLen, append([]string{"s"}, parts...)...)
}

// cloudLabels turns the input's tags into Google Cloud labels: lower case
// letters, digits, "_" and "-", at most 63 characters, keys starting with a
// letter. Other characters become "_".
func cloudLabels(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	// In key order, so that the output never depends on map order (tags
	// that collide are refused by ValidateInput).
	for _, k := range spec.SortedKeys(tags) {
		if key := labelKey(k); key != "" {
			out[key] = labelValue(tags[k])
		}
	}
	return out
}

// labelKey is the Google Cloud label key of a tag's key; "" for none.
func labelKey(k string) string {
	key := labelValue(k)
	if key != "" && (key[0] < 'a' || key[0] > 'z') {
		key = labelValue("t_" + key)
	}
	return key
}

func labelValue(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			b[i] = '_'
		}
	}
	if len(b) > 63 {
		b = b[:63]
	}
	return string(b)
}
