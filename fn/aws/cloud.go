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
	InputDefaults: inputDefaults, Configured: configured, Catalog: Machine, CheckMachineType: CheckMachineType, Default: Default,
	ValidateSpec: ValidateSpec, Warnings: Warnings,
	NodePool: nodePools, StorageClass: storageClass, Database: database, KarpenterNodePool: KarpenterNodePoolName,
	DatabaseKeys:            []string{KeyDatabaseInstance, KeyDatabaseSubnetGroup},
	Changes:                 changes,
	ObservedFields:          []string{endpointFieldPath, observedStorageField},
	LoadBalancerAnnotations: loadBalancerAnnotations,
}

// loadBalancerAnnotations make the AWS Load Balancer Controller provision
// a Network Load Balancer (type external) that targets the router's pods
// directly (target type ip), internet-facing or internal: the annotations
// of Upbound's "Exposing Spaces externally" (upbound/docs,
// self-hosted-spaces-docs/howtos/ingress.md, "Cloud-specific
// annotations"; the controller's own default scheme is internal).
func loadBalancerAnnotations(internal bool) map[string]string {
	scheme := "internet-facing"
	if internal {
		scheme = "internal"
	}
	return map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type":            "external",
		"service.beta.kubernetes.io/aws-load-balancer-scheme":          scheme,
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
	}
}
