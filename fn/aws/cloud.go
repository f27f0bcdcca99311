// Package aws is the function's knowledge of AWS: an EKS-hosted Space gets
// Karpenter NodePools and EC2NodeClasses, the EBS CSI StorageClass, and the
// RDS PostgreSQL database. Nothing else in the function knows AWS field
// names.
package aws

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Cloud is AWS, for the function's registry.
var Cloud = cloud.Cloud{
	Name: spec.CloudAWS, Defaults: spec.NewCloudDefaults(DefaultEtcdMachineType, DefaultAPIServerMachineType, DefaultControlPlanesMachineType, DefaultInstanceClass),
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine, Default: Default,
	ValidateSpec: ValidateSpec, Warnings: Warnings,
	NodePool: nodePools, StorageClass: storageClass, Database: database,
	DatabaseKeys:   []string{KeyDatabaseInstance, KeyDatabaseSubnetGroup},
	Changes:        changes,
	ObservedFields: []string{endpointFieldPath, observedStorageField},
}
