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
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine, CheckMachineType: CheckMachineType,
	ValidateSpec: ValidateSpec, ValidatePlan: ValidatePlan, Warnings: Warnings,
	NodePool: nodePool, StorageClass: storageClass, Database: database,
	DatabaseKeys:            []string{KeyServer, KeyDatabase, KeyTLS},
	Changes:                 changes,
	Pins:                    pins,
	ObservedFields:          []string{EndpointFieldPath, observedStorageField},
	LoadBalancerAnnotations: loadBalancerAnnotations,
}

// loadBalancerAnnotations: AKS's load balancer is layer 4 and public by
// default, so an internet-facing one needs no annotation (Upbound's
// "Exposing Spaces externally", upbound/docs,
// self-hosted-spaces-docs/howtos/ingress.md: "None required"); an internal
// one takes service.beta.kubernetes.io/azure-load-balancer-internal (the
// Azure cloud provider's annotation). An empty map, not nil: the router
// still becomes a LoadBalancer.
func loadBalancerAnnotations(internal bool) map[string]string {
	if internal {
		return map[string]string{"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
	}
	return map[string]string{}
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
