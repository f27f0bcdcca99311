package aws

import "github.com/crossplane-contrib/function-space-scaling/fn/change"

// instanceForceNew is an RDS Instance field whose change replaces the
// instance, which upjet refuses. No XR field drives these: the function
// sets them itself.
func instanceForceNew(field string) change.Rule {
	return change.Rule{
		Groups: []string{"rds.aws.upbound.io", "rds.aws.m.upbound.io"}, Kind: "Instance", Path: "spec.forProvider." + field,
		Effect: change.RefusedByProvider,
		Why:    "ForceNew: the change needs a new RDS instance (a new database); upjet refuses the update and the instance stays unsynced",
		Source: "terraform-provider-aws internal/service/rds/instance.go ResourceInstance() (ForceNew); upjet pkg/controller/external_tfpluginsdk.go assertNoForceNew()",
		Way:    "put the field back; a new instance means a new database: back up, set spec.queryAPI.postgres.allowReplacement and restore",
	}
}

// What changing a field of the AWS resources does to a running Space.
// Karpenter applies every change in place; a change of what a node is
// made of (the NodePool's template, the EC2NodeClass) drifts the pool's
// nodes, which Karpenter replaces within the NodePool's disruption budget
// (one node at a time for etcd and API servers, 10% of the general pool).
var changes = append(change.StorageClassRules(
	[]string{"spec.spaces.etcdVolumeSize"},
	"the gp3 IOPS and throughput follow the etcd volume size, and the etcd volumes already created keep the class they were made with"),
	change.Rule{
		Groups: []string{"karpenter.sh"}, Kind: "NodePool", Path: "spec.template", Effect: change.RollsNodes,
		Why:    "Karpenter marks the pool's nodes drifted and replaces them within the NodePool's disruption budget (spec.disruption.budgets: 1 node at a time for etcd and API servers, 10% for the general pool)",
		Source: "Karpenter docs, Disruption, \"Drift\" (a changed NodePool spec.template)",
		Causes: []string{"spec.nodePools", "spec.zones"},
	},
	change.Rule{
		Groups: []string{NodeClassGroup}, Kind: NodeClassKind, Path: "spec", Effect: change.RollsNodes,
		Why:    "Karpenter marks the nodes of every pool using the EC2NodeClass drifted and replaces them within each NodePool's disruption budget",
		Source: "Karpenter docs, Disruption, \"Drift\" (a changed EC2NodeClass spec)",
		Causes: []string{"spec.aws", "spec.nodePools"},
	},
	// The function sets these itself: only a function upgrade changes them.
	instanceForceNew("engine"),
	instanceForceNew("dbName"),
	instanceForceNew("username"),
	instanceForceNew("storageEncrypted"),
)
