package aws

import (
	"fmt"
	"regexp"
	"slices"
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
// the m, c and r families, Intel, AMD and Graviton, in the sizes of
// sizeVCPU that each family is published in (familySizes).
var (
	memoryGiBPerVCPU = map[byte]int64{'m': 4, 'c': 2, 'r': 8}
	sizeVCPU         = map[string]int64{
		"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
		"9xlarge": 36, "12xlarge": 48, "16xlarge": 64, "18xlarge": 72, "24xlarge": 96,
	}
)

// Size lists of the catalog's families, as the Amazon EC2 Instance Types
// guide publishes them ("Instance families and types" and each family's
// specifications), metal and the sizes the catalog does not size
// included. A type of a catalog family in a size not listed does not
// exist and is refused: c5 has no 8xlarge or 16xlarge (it comes in 9xlarge
// and 18xlarge), and the Graviton2 and Graviton3 families (m6g, m7g, c6g,
// ...) stop at 16xlarge. Sizes outside sizeVCPU (medium, 32xlarge,
// 48xlarge, metal) exist but are not sized: a Warning, as for any type the
// catalog does not know.
var (
	sizesNitro5     = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "metal"}
	sizesC5         = []string{"large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge", "metal"}
	sizesIntel6     = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "metal"}
	sizesAMD6       = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal"}
	sizesGraviton23 = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "metal"}
	sizesIntel7     = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"}
	sizesAMD7       = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal-48xl"}
	sizesGraviton4  = []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal-24xl", "metal-48xl"}

	familySizes = map[string][]string{
		"m5": sizesNitro5, "r5": sizesNitro5, "c5": sizesC5,
		"m6i": sizesIntel6, "c6i": sizesIntel6, "r6i": sizesIntel6,
		"m6a": sizesAMD6, "c6a": sizesAMD6, "r6a": sizesAMD6,
		"m6g": sizesGraviton23, "c6g": sizesGraviton23, "r6g": sizesGraviton23,
		"m7g": sizesGraviton23, "c7g": sizesGraviton23, "r7g": sizesGraviton23,
		"m7i": sizesIntel7, "c7i": sizesIntel7, "r7i": sizesIntel7,
		"m7a": sizesAMD7, "c7a": sizesAMD7, "r7a": sizesAMD7,
		"m8g": sizesGraviton4, "c8g": sizesGraviton4, "r8g": sizesGraviton4,
	}
)

// reInstanceType is the shape of every EC2 instance type name: a family
// (a lowercase letter, then letters and digits, with optional
// dash-separated attributes such as "-flex") and a size, separated by one
// dot.
var reInstanceType = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckMachineType says why an instance type cannot exist ("" when it
// can): a name not of the form family.size, or, for a family the catalog
// holds, a size that family is not published in. A well-formed type of a
// family the catalog does not hold (x2idn.16xlarge, m7i-flex.large) may
// exist: the plan warns that it cannot size it.
func CheckMachineType(machineType string) string {
	if !reInstanceType.MatchString(machineType) {
		return "not an EC2 instance type: want <family>.<size>, such as m7i.2xlarge"
	}
	family, size, _ := strings.Cut(machineType, ".")
	if s, ok := familySizes[family]; ok && !slices.Contains(s, size) {
		return fmt.Sprintf("EC2 has no %s.%s: %s comes in %s", family, size, family, strings.Join(s, ", "))
	}
	return ""
}

// Machine sizes an EC2 instance type: vCPU and memory, the EBS volumes a
// node attaches and serves at etcd's sustained need, and the pods the VPC
// CNI gives it.
func Machine(machineType string) (plan.Machine, bool) {
	family, size, ok := strings.Cut(machineType, ".")
	if !ok {
		return plan.Machine{}, false
	}
	vcpu, ok := sizeVCPU[size]
	if !ok || !slices.Contains(familySizes[family], size) {
		return plan.Machine{}, false
	}
	vols, limit := ebsBudget(family, size).EtcdVolumesPerNode()
	return plan.Machine{
		VCPU:        vcpu,
		MemoryMiB:   vcpu * memoryGiBPerVCPU[family[0]] * 1024,
		MaxVolumes:  vols,
		VolumeLimit: limit,
		MaxPods:     vpcCNIMaxPods[size],
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
		"large": 3, "xlarge": 4, "2xlarge": 4, "4xlarge": 8, "8xlarge": 8, "9xlarge": 8,
		"12xlarge": 8, "16xlarge": 15, "18xlarge": 15, "24xlarge": 15,
	}
	// vpcCNIMaxPods per size, from aws/amazon-vpc-cni-k8s
	// misc/eni-max-pods.txt (ENIs x (IPv4 addresses per ENI - 1) + 2,
	// without prefix delegation): m7i.2xlarge 58, m7i.4xlarge 234,
	// r7i.16xlarge 737, c5.9xlarge 234, c5.18xlarge 737. Identical per
	// size across the catalog's families.
	vpcCNIMaxPods = map[string]int64{
		"large": 29, "xlarge": 58, "2xlarge": 58, "4xlarge": 234, "8xlarge": 234, "9xlarge": 234,
		"12xlarge": 234, "16xlarge": 737, "18xlarge": 737, "24xlarge": 737,
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

// inputDefaults are the function input's overrides of the defaults, per
// Composition: its aws block.
func inputDefaults(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.AWS }
