package gcp

import "github.com/crossplane-contrib/function-space-scaling/fn/change"

// Sources of the GKE node pool rules.
const (
	nodeConfigSource = "terraform-provider-google google/services/container/node_config.go schemaNodeConfig()"
	nodePoolSource   = "terraform-provider-google google/services/container/resource_container_node_pool.go"
	upjetForceNew    = "; upjet pkg/controller/external_tfpluginsdk.go assertNoForceNew()"
	refusedWhy       = "ForceNew: upjet refuses to update a node pool that would have to be replaced; the function stages a new pool beside it and removes the old one once the new one is ready (GKE drains it)"
	nodePoolWay      = "staged: a new node pool named from the new values, the old pool kept as it is until the new one is ready"
	surgeWhy         = "GKE updates the pool in place and recreates its nodes by surge upgrade (maxSurge 1, maxUnavailable 0: one node at a time)"
)

var nodePoolGroups = []string{"container.gcp.upbound.io", "container.gcp.m.upbound.io"}

// nodeConfig is a rule for spec.forProvider.nodeConfig.<field>.
func nodeConfig(field string, e change.Effect, causes ...string) change.Rule {
	r := change.Rule{Groups: nodePoolGroups, Kind: NodePoolKind, Path: "spec.forProvider.nodeConfig." + field, Effect: e, Causes: causes}
	if e == change.RollsNodes {
		r.Why, r.Source = surgeWhy, nodePoolSource+" nodePoolNodeConfigUpdate()"
	} else {
		r.Why, r.Source, r.Way = refusedWhy, nodeConfigSource+upjetForceNew, nodePoolWay
		r.Stage, r.NameMax = change.StageRetire, MaxNodePoolNameLength
	}
	return r
}

// What changing a field of the GCP resources does to a running Space.
var changes = append(change.StorageClassRules(
	[]string{"spec.nodePools.etcd.machineTypes", "spec.spaces.etcdVolumeSize"},
	"the volume type follows the etcd machine family and Hyperdisk's IOPS the volume size"),
	change.Rule{
		Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: "parameters.type", Effect: change.ForbiddenByAPIServer,
		Why: "moving etcd between Persistent Disk (n2, e2...) and Hyperdisk-only (n4, c4...) families changes the volume type: " +
			"the StorageClass cannot change, and no etcd volume already created can attach to the new nodes",
		Source: "kubernetes pkg/apis/storage/validation/validation.go ValidateStorageClassUpdate; Compute Engine machine series docs (Hyperdisk-only series attach no Persistent Disk)",
		Causes: []string{"spec.nodePools.etcd.machineTypes"}, Way: change.NewSpaceWay,
	},
	nodeConfig("serviceAccount", change.RefusedByProvider, "spec.gcp.nodeServiceAccount"),
	nodeConfig("oauthScopes", change.RefusedByProvider),
	nodeConfig("metadata", change.RefusedByProvider),
	nodeConfig("shieldedInstanceConfig", change.RefusedByProvider),
	nodeConfig("machineType", change.RollsNodes, "spec.nodePools.*.machineTypes"),
	nodeConfig("diskType", change.RollsNodes, "spec.nodePools.*.machineTypes"),
	nodeConfig("diskSizeGb", change.RollsNodes, "spec.nodePools.*.diskSizeGiB"),
	nodeConfig("imageType", change.RollsNodes),
	nodeConfig("labels", change.RollsNodes, "spec.nodePools"),
	nodeConfig("taint", change.RollsNodes, "spec.nodePools"),
	nodeConfig("workloadMetadataConfig", change.RollsNodes, "spec.gcp.nodeServiceAccount"),
	change.Rule{
		Groups: nodePoolGroups, Kind: NodePoolKind, Path: "spec.forProvider.cluster", Effect: change.RefusedByProvider,
		Why: refusedWhy, Source: nodePoolSource + " (cluster: ForceNew)" + upjetForceNew, Causes: []string{"spec.clusterName"}, Way: change.NewSpaceWay,
	},
	change.Rule{
		Groups: nodePoolGroups, Kind: NodePoolKind, Path: "spec.forProvider.location", Effect: change.RefusedByProvider,
		Why: refusedWhy, Source: nodePoolSource + " (location: ForceNew)" + upjetForceNew, Causes: []string{"spec.region"}, Way: change.NewSpaceWay,
	},
	change.Rule{
		Groups: []string{"sql.gcp.upbound.io", "sql.gcp.m.upbound.io"}, Kind: "DatabaseInstance", Path: "spec.forProvider.region",
		Effect: change.RefusedByProvider, Why: "ForceNew: a Cloud SQL instance cannot move region; upjet refuses the update",
		Source: "terraform-provider-google google/services/sql/resource_sql_database_instance.go (region: ForceNew)" + upjetForceNew,
		Causes: []string{"spec.region"}, Way: change.NewSpaceWay,
	},
)
