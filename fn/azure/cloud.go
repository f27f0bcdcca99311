// Package azure is the function's knowledge of Azure: an AKS-hosted Space
// gets AKS KubernetesClusterNodePools, the Azure Disk CSI StorageClass, and
// the Azure Database for PostgreSQL flexible server. Nothing else in the
// function knows Azure field names.
package azure

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Cloud is Azure, for the function's registry.
var Cloud = cloud.Cloud{
	Name: spec.CloudAzure, Defaults: spec.NewCloudDefaults(DefaultEtcdMachineType, DefaultAPIServerMachineType, DefaultControlPlanesMachineType, DefaultSKU),
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine,
	ValidateSpec: ValidateSpec, ValidatePlan: ValidatePlan, Warnings: Warnings,
	NodePool: nodePool, StorageClass: storageClass, Database: database,
	DatabaseKeys:   []string{KeyServer, KeyDatabase, KeyTLS},
	Changes:        changes,
	ObservedFields: []string{EndpointFieldPath, observedStorageField},
}

// Management policies. The Azure managed resources leave out
// LateInitialize: the function writes every field it cares about, and
// what it leaves out belongs to Azure. Late-initialized, the node pools'
// nodeCount would fight the cluster autoscaler, and the flexible server's
// zone and standbyAvailabilityZone would be pushed back after every
// failover.
var (
	policiesDelete = []string{"Observe", "Create", "Update", "Delete"}
	policiesOrphan = []string{"Observe", "Create", "Update"}
)

// managed is the Crossplane part of an Azure managed resource's spec.
func managed(env cloud.Env, p compose.Protection) compose.ManagedSpec {
	ms := env.Scope.Managed(env.ProviderConfig, p)
	if env.Scope.Orphans(p) {
		ms.ManagementPolicies = append([]string(nil), policiesOrphan...)
	} else {
		ms.ManagementPolicies = append([]string(nil), policiesDelete...)
	}
	return ms
}
