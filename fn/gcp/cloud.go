// Package gcp is the function's knowledge of GCP: a GKE-hosted Space gets
// GKE node pools, the Persistent Disk CSI StorageClass, and the Cloud SQL
// PostgreSQL instance, database and user. Nothing else in the function
// knows GCP field names.
package gcp

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Cloud is GCP, for the function's registry.
var Cloud = cloud.Cloud{
	Name: spec.CloudGCP,
	Defaults: spec.CloudDefaults{
		EtcdMachineTypes:          []string{DefaultEtcdMachineType},
		APIServerMachineTypes:     []string{DefaultAPIServerMachineType},
		ControlPlanesMachineTypes: []string{DefaultControlPlanesMachineType},
		InstanceSize:              DefaultTier,
	},
	InputDefaults: func(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.GCP },
	Catalog:       Machine,
	ValidateSpec:  ValidateSpec,
	NodePool:      nodePool,
	StorageClass:  storageClass,
	Database:      database,
}
