// Package aws is the function's knowledge of AWS: an EKS-hosted Space gets
// Karpenter NodePools and EC2NodeClasses, the EBS CSI StorageClass, and the
// RDS PostgreSQL database. Nothing else in the function knows AWS field
// names.
package aws

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Cloud is AWS, for the function's registry.
var Cloud = cloud.Cloud{
	Name: spec.CloudAWS,
	Defaults: spec.CloudDefaults{
		EtcdMachineTypes:          []string{DefaultEtcdMachineType},
		APIServerMachineTypes:     []string{DefaultAPIServerMachineType},
		ControlPlanesMachineTypes: []string{DefaultControlPlanesMachineType},
		InstanceSize:              DefaultInstanceClass,
	},
	InputDefaults: func(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.AWS },
	Default:       Default,
	Catalog:       Machine,
	ValidateSpec:  ValidateSpec,
	NodePool:      nodePools,
	StorageClass:  storageClass,
	Database:      database,
}
