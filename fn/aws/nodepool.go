package aws

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Karpenter API versions and the well-known labels the pools pin.
const (
	NodePoolAPIVersion  = "karpenter.sh/v1"
	NodeClassAPIVersion = "karpenter.k8s.aws/v1"
	NodeClassGroup      = "karpenter.k8s.aws"
	NodeClassKind       = "EC2NodeClass"

	LabelZone         = "topology.kubernetes.io/zone"
	LabelInstanceType = "node.kubernetes.io/instance-type"
	LabelCapacityType = "karpenter.sh/capacity-type"
	DiscoveryTagKey   = "karpenter.sh/discovery"
	PoolTagKey        = "spacescaling.crossplane.io/pool"
)

// NodePool is a karpenter.sh/v1 NodePool.
type NodePool struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Spec             NodePoolSpec       `json:"spec"`
}

// NodePoolSpec is the spec of a NodePool.
type NodePoolSpec struct {
	Template   NodeClaimTemplate `json:"template"`
	Disruption *Disruption       `json:"disruption,omitempty"`
	Limits     map[string]string `json:"limits,omitempty"`
}

// NodeClaimTemplate describes the nodes of a NodePool.
type NodeClaimTemplate struct {
	Metadata *TemplateMetadata `json:"metadata,omitempty"`
	Spec     NodeClaimSpec     `json:"spec"`
}

// TemplateMetadata are the labels of the nodes.
type TemplateMetadata struct {
	Labels map[string]string `json:"labels,omitempty"`
}

// NodeClaimSpec is the spec of the nodes.
type NodeClaimSpec struct {
	NodeClassRef NodeClassRef                     `json:"nodeClassRef"`
	Requirements []corev1.NodeSelectorRequirement `json:"requirements"`
	Taints       []corev1.Taint                   `json:"taints,omitempty"`
	ExpireAfter  string                           `json:"expireAfter,omitempty"`
}

// NodeClassRef references the EC2NodeClass.
type NodeClassRef struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
}

// Disruption says when Karpenter may take nodes away. Writing it makes
// consolidateAfter required.
type Disruption struct {
	ConsolidationPolicy string   `json:"consolidationPolicy,omitempty"`
	ConsolidateAfter    string   `json:"consolidateAfter"`
	Budgets             []Budget `json:"budgets,omitempty"`
}

// Budget caps how many nodes may be disrupted at once.
type Budget struct {
	Nodes string `json:"nodes"`
}

// EC2NodeClass is a karpenter.k8s.aws/v1 EC2NodeClass.
type EC2NodeClass struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Spec             EC2NodeClassSpec   `json:"spec"`
}

// EC2NodeClassSpec is the spec of an EC2NodeClass.
type EC2NodeClassSpec struct {
	Role                       string               `json:"role"`
	AMISelectorTerms           []AMISelectorTerm    `json:"amiSelectorTerms"`
	SubnetSelectorTerms        []SelectorTerm       `json:"subnetSelectorTerms"`
	SecurityGroupSelectorTerms []SelectorTerm       `json:"securityGroupSelectorTerms"`
	BlockDeviceMappings        []BlockDeviceMapping `json:"blockDeviceMappings,omitempty"`
	MetadataOptions            *MetadataOptions     `json:"metadataOptions,omitempty"`
	Tags                       map[string]string    `json:"tags,omitempty"`
}

// AMISelectorTerm selects the node image.
type AMISelectorTerm struct {
	Alias string `json:"alias"`
}

// SelectorTerm selects subnets or security groups by tag.
type SelectorTerm struct {
	Tags map[string]string `json:"tags"`
}

// BlockDeviceMapping is a node disk.
type BlockDeviceMapping struct {
	DeviceName string `json:"deviceName"`
	EBS        EBS    `json:"ebs"`
}

// EBS describes an EBS volume.
type EBS struct {
	VolumeSize          string `json:"volumeSize"`
	VolumeType          string `json:"volumeType"`
	Encrypted           bool   `json:"encrypted"`
	DeleteOnTermination bool   `json:"deleteOnTermination"`
}

// MetadataOptions of the instance metadata service.
type MetadataOptions struct {
	HTTPEndpoint            string `json:"httpEndpoint"`
	HTTPTokens              string `json:"httpTokens"`
	HTTPPutResponseHopLimit int32  `json:"httpPutResponseHopLimit"`
}

// Node expiry: the general pool's nodes are replaced after 30 days
// (Karpenter's default), the dedicated pools' never.
const (
	GeneralExpireAfter = "720h"
	ExpireNever        = "Never"
)

// Disruption of the pools. Dedicated pools (etcd, API servers) lose a node
// only when it is empty and one at a time, so an etcd member is never taken
// down to pack pods tighter; the general pool consolidates freely, 10% at a
// time.
var (
	conservativeDisruption = Disruption{ConsolidationPolicy: "WhenEmpty", ConsolidateAfter: "30m", Budgets: []Budget{{Nodes: "1"}}}
	generalDisruption      = Disruption{ConsolidationPolicy: "WhenEmptyOrUnderutilized", ConsolidateAfter: "5m", Budgets: []Budget{{Nodes: "10%"}}}
)

// KarpenterNodePoolName is the name of a role's Karpenter NodePool (and
// EC2NodeClass) inside the Space cluster.
func KarpenterNodePoolName(xrName string, r plan.Role) string {
	return compose.Name(xrName, string(r))
}

// nodePools renders a pool as a Karpenter EC2NodeClass and the NodePool
// that uses it, both delivered into the Space cluster.
func nodePools(in cloud.In, pool *plan.Pool) []compose.Resource {
	p, env := in.Plan, in.Env
	name := KarpenterNodePoolName(p.XRName, pool.Role)
	component := cloud.ComponentOf(pool.Role)
	return []compose.Resource{
		env.Delivery.InCluster(string(pool.Role)+"-nodeclass", component, compose.Name(p.XRName, string(pool.Role), "nodeclass"),
			nodeClass(name, pool, in.Spec.AWS, env.Labels, env.Tags)),
		env.Delivery.InCluster(string(pool.Role)+"-nodepool", component, compose.Name(p.XRName, string(pool.Role), "nodepool"),
			nodePool(name, pool, p.Capacity.Pool(pool.Role), env.Labels)),
	}
}

// nodePool renders a pool as a Karpenter NodePool. Karpenter has no
// minimum for a dynamic pool: nodes appear for pending pods, and the etcd
// and API server pods' required hostname anti-affinity makes minNodes
// nodes. maxNodes becomes limits.nodes, and the capacity of maxNodes nodes
// of the first machine type becomes limits.cpu and limits.memory.
func nodePool(name string, p *plan.Pool, pc *plan.PoolCapacity, labels map[string]string) *NodePool {
	np := &NodePool{
		TypeMeta: compose.TypeMeta{APIVersion: NodePoolAPIVersion, Kind: "NodePool"},
		Metadata: compose.ObjectMeta{Name: name, Labels: labels},
		Spec: NodePoolSpec{
			Template: NodeClaimTemplate{
				Metadata: &TemplateMetadata{Labels: cloud.NodeLabels(p, labels)},
				Spec: NodeClaimSpec{
					NodeClassRef: NodeClassRef{Group: NodeClassGroup, Kind: NodeClassKind, Name: name},
					Requirements: []corev1.NodeSelectorRequirement{
						{Key: LabelZone, Operator: corev1.NodeSelectorOpIn, Values: p.Zones},
						{Key: LabelInstanceType, Operator: corev1.NodeSelectorOpIn, Values: p.MachineTypes},
						{Key: LabelCapacityType, Operator: corev1.NodeSelectorOpIn, Values: []string{"on-demand"}},
					},
					ExpireAfter: GeneralExpireAfter,
				},
			},
			Limits: map[string]string{"nodes": strconv.Itoa(int(p.MaxNodes))},
		},
	}
	for _, t := range p.Taints {
		np.Spec.Template.Spec.Taints = append(np.Spec.Template.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
	}
	d := generalDisruption
	if p.Conservative {
		d = conservativeDisruption
		// Etcd members and API servers are not recycled on a timer:
		// budgets do not hold back expiry, so expiry would drain nodes
		// regardless of them. Drift (a new AMI, a changed NodeClass) still
		// replaces nodes, one at a time under the budget.
		np.Spec.Template.Spec.ExpireAfter = ExpireNever
	}
	np.Spec.Disruption = &d
	if pc != nil && pc.Known {
		np.Spec.Limits["cpu"] = resource.NewMilliQuantity(pc.Limits.MilliCPU, resource.DecimalSI).String()
		np.Spec.Limits["memory"] = resource.NewQuantity(pc.Limits.MemoryBytes, resource.BinarySI).String()
	}
	return np
}

// Warnings are AWS's degraded choices: a router LoadBalancer Service
// without the AWS Load Balancer Controller (routerExposureWarnings), and a
// minNodes that Karpenter does not
// keep. A dynamic NodePool has no minimum: it holds the nodes its pods
// need, which is each control plane's etcd members (or API servers) on
// distinct nodes, or one node for the general pool. A floor above that
// would need a static NodePool (spec.replicas), which Karpenter marks
// alpha and which can never turn dynamic again, so the function says so
// rather than composing one (docs/capacity.md, "Karpenter and minNodes"). The API's
// own defaults are not reported: every XR would carry the same warning, and
// docs/capacity.md says what they mean on Karpenter; a minNodes raised above its
// default is an explicit ask the pool cannot keep.
func Warnings(in cloud.In) []string {
	out := routerExposureWarnings(in.Plan)
	for _, pool := range in.Plan.Pools {
		floor := in.Plan.PodFloor(pool.Role)
		if pool.MinNodes > floor && pool.MinNodes > defaultMinNodes(pool.Role) {
			out = append(out, fmt.Sprintf(
				"spec.nodePools.%s.minNodes is %d, but a Karpenter NodePool keeps no minimum: the pool holds the nodes its pods need (at least %d while a control plane runs), not %d idle ones",
				pool.SpecField, pool.MinNodes, floor, pool.MinNodes))
		}
	}
	return out
}

// defaultMinNodes is the API's default minNodes of a pool of role r.
func defaultMinNodes(r plan.Role) int32 {
	switch r {
	case plan.RoleEtcd:
		return spec.DefaultEtcdMinNodes
	case plan.RoleAPIServer:
		return spec.DefaultAPIServerMinNodes
	default:
		return spec.DefaultControlPlanesMinNodes
	}
}

// nodeClass renders the EC2NodeClass of a pool: the node role, the AMI
// alias, subnets and security groups found by the discovery tag, an
// encrypted gp3 root volume and IMDSv2 only.
func nodeClass(name string, p *plan.Pool, a *spec.AWS, labels, tags map[string]string) *EC2NodeClass {
	discovery := map[string]string{DiscoveryTagKey: a.DiscoveryTag}
	return &EC2NodeClass{
		TypeMeta: compose.TypeMeta{APIVersion: NodeClassAPIVersion, Kind: NodeClassKind},
		Metadata: compose.ObjectMeta{Name: name, Labels: labels},
		Spec: EC2NodeClassSpec{
			Role:                       a.NodeRole,
			AMISelectorTerms:           []AMISelectorTerm{{Alias: a.AMIAlias}},
			SubnetSelectorTerms:        []SelectorTerm{{Tags: discovery}},
			SecurityGroupSelectorTerms: []SelectorTerm{{Tags: discovery}},
			BlockDeviceMappings: []BlockDeviceMapping{{
				DeviceName: "/dev/xvda",
				EBS:        EBS{VolumeSize: strconv.Itoa(int(p.DiskSizeGiB)) + "Gi", VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true},
			}},
			MetadataOptions: &MetadataOptions{HTTPEndpoint: "enabled", HTTPTokens: "required", HTTPPutResponseHopLimit: 1},
			Tags:            compose.Labels(tags, map[string]string{PoolTagKey: string(p.Role)}),
		},
	}
}

// ReportsReady is true: Karpenter's NodePool carries a Ready condition, the
// aggregate of ValidationSucceeded and NodeClassReady
// (kubernetes-sigs/karpenter, pkg/apis/v1/nodepool_status.go), so its Object
// follows it.
func (NodePool) ReportsReady() bool { return true }

// ReportsReady is true: the EC2NodeClass carries a Ready condition once its
// subnets, security groups, AMIs and instance profile resolve
// (aws/karpenter-provider-aws, pkg/apis/v1/ec2nodeclass_status.go).
func (EC2NodeClass) ReportsReady() bool { return true }
