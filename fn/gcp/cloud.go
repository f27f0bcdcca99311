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
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine,
	ValidateInput: ValidateInput, ValidateSpec: ValidateSpec, ValidatePlan: ValidatePlan, Warnings: Warnings,
	NodePool: nodePool, StorageClass: storageClass, Database: database,
	DatabaseKeys:   []string{KeyDatabaseInstance, KeyDatabase, KeyDatabaseUser},
	Changes:        changes,
	ObservedFields: []string{EndpointFieldPath},
}
