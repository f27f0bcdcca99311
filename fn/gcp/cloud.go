// Package gcp is the function's knowledge of GCP: a GKE-hosted Space gets
// GKE node pools, the Persistent Disk CSI StorageClass, and the Cloud SQL
// PostgreSQL instance, database and user. Nothing else in the function
// knows GCP field names.
package gcp

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Cloud is GCP, for the function's registry.
var Cloud = cloud.Cloud{
	Name: spec.CloudGCP, Defaults: spec.NewCloudDefaults(DefaultEtcdMachineType, DefaultAPIServerMachineType, DefaultControlPlanesMachineType, DefaultTier),
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine, CheckMachineType: CheckMachineType,
	ValidateInput: ValidateInput, ValidateSpec: ValidateSpec, ValidatePlan: ValidatePlan, Warnings: Warnings,
	NodePool: nodePool, StorageClass: storageClass, Database: database,
	DatabaseKeys:            []string{KeyDatabaseInstance, KeyDatabase, KeyDatabaseUser},
	Changes:                 changes,
	ObservedFields:          []string{EndpointFieldPath, observedServiceAccountField, observedScopesField},
	LoadBalancerAnnotations: loadBalancerAnnotations,
}

// loadBalancerAnnotations ask GKE for a passthrough Network Load Balancer:
// external, backend-service based (cloud.google.com/l4-rbs, the annotation
// of Upbound's "Exposing Spaces externally", upbound/docs,
// self-hosted-spaces-docs/howtos/ingress.md), or internal
// (networking.gke.io/load-balancer-type: Internal, GKE's internal
// passthrough Network Load Balancer). Both are layer 4.
func loadBalancerAnnotations(internal bool) map[string]string {
	if internal {
		return map[string]string{"networking.gke.io/load-balancer-type": "Internal"}
	}
	return map[string]string{"cloud.google.com/l4-rbs": "enabled"}
}
