package aws

import (
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Default machine types: general purpose with up to 12.5 Gbps networking.
// The etcd and API server pools take 8 vCPU / 32 GiB nodes; the control
// planes' pool larger ones, since providers are memory-hungry.
const (
	DefaultEtcdMachineType          = "m7i.2xlarge"
	DefaultAPIServerMachineType     = "m7i.2xlarge"
	DefaultControlPlanesMachineType = "m7i.4xlarge"
	DefaultInstanceClass            = "db.m7g.large"
)

// The catalog follows the EC2 instance type naming: within a family the
// size names the vCPU count, and the family's letter the memory per vCPU
// (Amazon EC2 instance types, "general purpose", "compute optimized",
// "memory optimized"). It covers the current and previous generations of
// the m, c and r families, Intel, AMD and Graviton.
var (
	memoryGiBPerVCPU = map[byte]int64{'m': 4, 'c': 2, 'r': 8}
	families         = []string{
		"m5", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g", "m8g",
		"c5", "c6i", "c6a", "c6g", "c7i", "c7a", "c7g", "c8g",
		"r5", "r6i", "r6a", "r6g", "r7i", "r7a", "r7g", "r8g",
	}
	sizeVCPU = map[string]int64{
		"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
		"12xlarge": 48, "16xlarge": 64, "24xlarge": 96,
	}
)

// Machine sizes an EC2 instance type: vCPU and memory, the EBS volumes a
// node can attach and the pods the VPC CNI gives it.
func Machine(machineType string) (plan.Machine, bool) {
	family, size, ok := strings.Cut(machineType, ".")
	if !ok {
		return plan.Machine{}, false
	}
	vcpu, ok := sizeVCPU[size]
	if !ok || !known(family) {
		return plan.Machine{}, false
	}
	return plan.Machine{
		VCPU:       vcpu,
		MemoryMiB:  vcpu * memoryGiBPerVCPU[family[0]] * 1024,
		MaxVolumes: ebsVolumes(family, size),
		MaxPods:    vpcCNIMaxPods[size],
	}, true
}

// EBS volume attachments, as the EBS CSI driver counts them
// (kubernetes-sigs/aws-ebs-csi-driver, pkg/cloud/limits/volume_limits.go
// and volume_limits_table.go; pkg/driver/node.go getVolumesLimit):
//   - The 7th- and 8th-generation Intel, AMD and Graviton4 families (m7i,
//     m7a, c7i, c7a, r7i, r7a, m8g, c8g, r8g) have dedicated EBS
//     attachments: 32 up to 12xlarge, 48 at 16xlarge, 64 at 24xlarge.
//   - Every other Nitro type here shares 27 attachments between EBS
//     volumes and network interfaces (the driver's default).
//
// From either, the driver subtracts the root volume (the EC2NodeClass
// maps one block device); from a shared limit also every attached ENI.
// The VPC CNI attaches ENIs as pods need addresses, so the plan assumes
// the type's maximum ENIs (a full node): m7g.2xlarge can take 27 - 4 - 1
// = 22 volumes, m7i.2xlarge 32 - 1 = 31.
var (
	dedicatedEBSFamilies = map[string]bool{
		"m7i": true, "m7a": true, "c7i": true, "c7a": true, "r7i": true, "r7a": true,
		"m8g": true, "c8g": true, "r8g": true,
	}
	dedicatedEBSAttachments = map[string]int64{
		"large": 32, "xlarge": 32, "2xlarge": 32, "4xlarge": 32, "8xlarge": 32,
		"12xlarge": 32, "16xlarge": 48, "24xlarge": 64,
	}
	// sharedNitroAttachments is the driver's default shared limit.
	sharedNitroAttachments int64 = 27
	// maxENIs per size, the same for every family in the catalog (EC2
	// "Maximum IP addresses per network interface per instance type"; it
	// is also what aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt is built from).
	maxENIs = map[string]int64{
		"large": 3, "xlarge": 4, "2xlarge": 4, "4xlarge": 8, "8xlarge": 8,
		"12xlarge": 8, "16xlarge": 15, "24xlarge": 15,
	}
	// vpcCNIMaxPods per size, from aws/amazon-vpc-cni-k8s
	// misc/eni-max-pods.txt (ENIs x (IPv4 addresses per ENI - 1) + 2,
	// without prefix delegation): m7i.2xlarge 58, m7i.4xlarge 234,
	// r7i.16xlarge 737. Identical per size across the catalog's families.
	vpcCNIMaxPods = map[string]int64{
		"large": 29, "xlarge": 58, "2xlarge": 58, "4xlarge": 234, "8xlarge": 234,
		"12xlarge": 234, "16xlarge": 737, "24xlarge": 737,
	}
)

// rootVolumes are the block devices every node maps before any PV.
const rootVolumes = 1

func ebsVolumes(family, size string) int64 {
	if dedicatedEBSFamilies[family] {
		return dedicatedEBSAttachments[size] - rootVolumes
	}
	return sharedNitroAttachments - maxENIs[size] - rootVolumes
}

func known(family string) bool {
	for _, f := range families {
		if f == family {
			return true
		}
	}
	return false
}

// inputDefaults are the function input's overrides of the defaults, per
// Composition: its aws block.
func inputDefaults(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.AWS }
