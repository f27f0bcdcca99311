package azure

import "github.com/crossplane-contrib/function-space-scaling/fn/change"

// Sources and texts of the Azure rules.
const (
	nodePoolSource = "terraform-provider-azurerm internal/services/containers/kubernetes_cluster_node_pool_resource.go"
	serverSource   = "terraform-provider-azurerm internal/services/postgres/postgresql_flexible_server_resource.go"
	upjetForceNew  = "; upjet pkg/controller/external_tfpluginsdk.go assertNoForceNew()"
	cycledWhy      = "the provider cycles the pool (temporaryNameForRotation): a temporary pool is created, this pool deleted and recreated, then the temporary one deleted; " +
		"nodes are not cordoned and drained first, and PodDisruptionBudgets may block the delete"
)

var (
	nodePoolGroups = []string{"containerservice.azure.upbound.io", "containerservice.azure.m.upbound.io"}
	serverGroups   = []string{"dbforpostgresql.azure.upbound.io", "dbforpostgresql.azure.m.upbound.io"}
)

// cycled is a node pool field in cycleNodePoolProperties.
func cycled(field string, causes ...string) change.Rule {
	return change.Rule{
		Groups: nodePoolGroups, Kind: NodePoolKind, Path: "spec.forProvider." + field, Effect: change.RollsNodes,
		Why: cycledWhy, Source: nodePoolSource + " cycleNodePoolProperties", Causes: causes,
		// All zonal pools of a role cycled at once would take every etcd
		// member of every control plane down together.
		Serial: true,
	}
}

// server is a Flexible Server field whose change forces a new server.
func server(field string, when change.Condition, why string, causes ...string) change.Rule {
	return change.Rule{
		Groups: serverGroups, Kind: FlexibleServerKind, Path: "spec.forProvider." + field, When: when, Effect: change.RefusedByProvider,
		Why: why + "; upjet refuses the update and the server stays unsynced", Source: serverSource + upjetForceNew, Causes: causes,
		Way: "put the field back; a new server means a new database: back up, set spec.queryAPI.postgres.allowReplacement and restore",
	}
}

// What changing a field of the Azure resources does to a running Space.
var changes = append(change.StorageClassRules(
	[]string{"spec.spaces.etcdVolumeSize"},
	"the Premium SSD v2 IOPS and throughput follow the etcd volume size, and the etcd volumes already created keep the class they were made with"),
	cycled("vmSize", "spec.nodePools.*.machineTypes"),
	cycled("osDiskSizeGb", "spec.nodePools.*.diskSizeGiB"),
	cycled("osDiskType"),
	cycled("maxPods"),
	cycled("zones", "spec.zones"),
	cycled("vnetSubnetId"),
	cycled("kubeletConfig"),
	cycled("hostEncryptionEnabled"),
	cycled("fipsEnabled"),
	cycled("ultraSsdEnabled"),
	cycled("nodePublicIpEnabled"),
	cycled("podSubnetId"),
	change.Rule{
		Groups: nodePoolGroups, Kind: NodePoolKind, Path: "spec.forProvider.kubernetesClusterId", Effect: change.RefusedByProvider,
		Why: "ForceNew: a node pool cannot move to another cluster; upjet refuses the update", Source: nodePoolSource + " (kubernetes_cluster_id: ForceNew)" + upjetForceNew,
		Causes: []string{"spec.azure.clusterId"}, Way: change.NewSpaceWay,
	},
	server("storageMb", change.Decrease, "a smaller storageMb forces a new server (CustomizeDiff: ForceNew on a downgrade)", "spec.queryAPI.postgres.storageGiB"),
	server("version", change.Decrease, "a lower PostgreSQL version forces a new server (CustomizeDiff)", "spec.queryAPI.postgres.version"),
	server("delegatedSubnetId", change.Always, "ForceNew: the server cannot move subnet", "spec.azure.delegatedSubnetId"),
	server("administratorLogin", change.Always, "a new administrator login forces a new server (CustomizeDiff)"),
	server("location", change.Always, "ForceNew (commonschema.Location()): the server cannot move region", "spec.region"),
	server("resourceGroupName", change.Always, "ForceNew (commonschema.ResourceGroupName())", "spec.azure.resourceGroupName"),
)

// What the cloud fills in and the function pins (change.Pin): the
// function's management policies leave out LateInitialize, so a field the
// cloud chose and the desired state leaves unset would read as a change on
// every update.
var pins = change.Pins{
	{
		Groups: nodePoolGroups, Kind: NodePoolKind, From: "status.atProvider.vnetSubnetId", To: "spec.forProvider.vnetSubnetId",
		Why:    "a node pool of a cluster with its own node subnet reports that subnet; an unset vnetSubnetId reads as a change, which azurerm answers by cycling the pool",
		Source: nodePoolSource + " (vnet_subnet_id, one of cycleNodePoolProperties)",
	},
	{
		Groups: serverGroups, Kind: FlexibleServerKind, From: "status.atProvider.zone", To: "spec.forProvider.zone",
		Why:    "Azure picks the zone of a server created without one; an update without it fails: \"`zone` can only be changed when exchanged with the zone specified in `high_availability.0.standby_availability_zone`\"",
		Source: serverSource + " (zone: Optional, Computed; CustomizeDiff); provider-upjet-azure config/cluster/postgresql/config.go (pinned by late initialization)",
	},
	{
		Groups: serverGroups, Kind: FlexibleServerKind,
		From: "status.atProvider.highAvailability.standbyAvailabilityZone", To: "spec.forProvider.highAvailability.standbyAvailabilityZone",
		Why:    "Azure picks the standby zone of a zone-redundant server; leaving it unset after creation asks Azure to move the standby",
		Source: serverSource + " (high_availability.standby_availability_zone: Optional, Computed)",
	},
}
