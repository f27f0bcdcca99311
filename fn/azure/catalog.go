package azure

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Default machine types: general purpose Dsv5 (Intel, 4 GiB per vCPU,
// premium storage, accelerated networking). The etcd and API server pools
// take 8 vCPU / 32 GiB nodes; the control planes' pool larger ones, since
// providers are memory-hungry. The database defaults to the smallest
// General Purpose Flexible Server SKU with a local disk: Burstable SKUs
// cannot run zone-redundant high availability.
const (
	DefaultEtcdMachineType          = "Standard_D8s_v5"
	DefaultAPIServerMachineType     = "Standard_D8s_v5"
	DefaultControlPlanesMachineType = "Standard_D16s_v5"
	DefaultSKU                      = "GP_Standard_D2ds_v5"
)

// family is one VM size family: the memory per vCPU and the vCPU counts it
// comes in.
type family struct {
	memoryGiBPerVCPU int64
	vcpus            []int64
}

// The catalog follows the Azure VM size naming (Microsoft Learn, "Virtual
// machine sizes naming conventions" and the per-series pages of the
// general purpose, compute optimized and memory optimized sizes):
// Standard_<family letter><vCPUs><features>_v<generation>, where the
// features are a (AMD), p (Arm), l (low memory), d (local disk) and s
// (premium storage). Within each series listed here the memory per vCPU
// is constant: D 4 GiB (Dl 2 GiB), E 8 GiB, F 2 GiB. Sizes whose memory
// breaks that ratio (E96*_v5 with 672 GiB, E64*_v4 with 504 GiB) and
// constrained-vCPU sizes are left out: for them the user sets maxNodes.
// The key is the name with the vCPU count taken out, e.g. "Ds_v5".
var families = map[string]family{
	// General purpose, 4 GiB per vCPU.
	"Ds_v4":   {4, []int64{2, 4, 8, 16, 32, 48, 64}},
	"Dds_v4":  {4, []int64{2, 4, 8, 16, 32, 48, 64}},
	"Das_v4":  {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Ds_v5":   {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Dds_v5":  {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Das_v5":  {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Dads_v5": {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Dps_v5":  {4, []int64{2, 4, 8, 16, 32, 48, 64}},
	"Dpds_v5": {4, []int64{2, 4, 8, 16, 32, 48, 64}},
	"Ds_v6":   {4, []int64{2, 4, 8, 16, 32, 48, 64, 96, 128}},
	"Dds_v6":  {4, []int64{2, 4, 8, 16, 32, 48, 64, 96, 128}},
	"Das_v6":  {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Dads_v6": {4, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	// General purpose, low memory: 2 GiB per vCPU.
	"Dls_v5":  {2, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	"Dlds_v5": {2, []int64{2, 4, 8, 16, 32, 48, 64, 96}},
	// Memory optimized, 8 GiB per vCPU.
	"Es_v4":   {8, []int64{2, 4, 8, 16, 20, 32, 48}},
	"Eds_v4":  {8, []int64{2, 4, 8, 16, 20, 32, 48}},
	"Es_v5":   {8, []int64{2, 4, 8, 16, 20, 32, 48, 64}},
	"Eds_v5":  {8, []int64{2, 4, 8, 16, 20, 32, 48, 64}},
	"Eas_v5":  {8, []int64{2, 4, 8, 16, 20, 32, 48, 64}},
	"Eads_v5": {8, []int64{2, 4, 8, 16, 20, 32, 48, 64}},
	"Es_v6":   {8, []int64{2, 4, 8, 16, 32, 48, 64}},
	"Eds_v6":  {8, []int64{2, 4, 8, 16, 32, 48, 64}},
	// Compute optimized, 2 GiB per vCPU.
	"Fs_v2": {2, []int64{2, 4, 8, 16, 32, 48, 64, 72}},
}

// reVMSize splits a VM size into family letter, vCPUs, features and
// generation.
var reVMSize = regexp.MustCompile(`^Standard_([A-Z])([0-9]+)([a-z]*)_(v[0-9]+)$`)

// reAnyVMSize is the shape of every Azure VM size name: Standard_, the
// family letters, the vCPU count (with a constrained count after a dash),
// the feature letters, then underscore-separated parts such as the
// accelerator and the version (Standard_D8s_v5, Standard_E64-32s_v5,
// Standard_M128ms, Standard_NC24ads_A100_v4). Azure matches VM sizes
// without regard to case, and so does this pattern.
var reAnyVMSize = regexp.MustCompile(`(?i)^standard_[a-z]+[0-9]+(-[0-9]+)?[a-z]*(_[a-z0-9]+)*$`)

// CheckMachineType says why a VM size cannot exist ("" when it can): a
// name not of Azure's pattern, or, for a series the catalog holds, a vCPU
// count the series is not sold in (Standard_D7s_v5). Other series may
// exist: the plan warns that it cannot size them.
func CheckMachineType(vmSize string) string {
	if !reAnyVMSize.MatchString(vmSize) {
		return "not an Azure VM size: want Standard_<family><vCPUs><features>_<version>, such as Standard_D8s_v5"
	}
	m := reVMSize.FindStringSubmatch(vmSize)
	if m == nil {
		return ""
	}
	f, ok := families[m[1]+m[3]+"_"+m[4]]
	if !ok {
		return ""
	}
	vcpu, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || slices.Contains(f.vcpus, vcpu) {
		return ""
	}
	return fmt.Sprintf("the %s%s_%s series comes in %s vCPUs, not %s", m[1], m[3], m[4], cloud.JoinCounts(f.vcpus), m[2])
}

// Machine sizes an Azure VM size such as Standard_D8s_v5.
func Machine(vmSize string) (plan.Machine, bool) {
	m := reVMSize.FindStringSubmatch(vmSize)
	if m == nil {
		return plan.Machine{}, false
	}
	name := m[1] + m[3] + "_" + m[4]
	f, ok := families[name]
	if !ok {
		return plan.Machine{}, false
	}
	vcpu, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || !slices.Contains(f.vcpus, vcpu) {
		return plan.Machine{}, false
	}
	vols, limit := etcdVolumesPerNode(name, vcpu)
	return plan.Machine{
		VCPU: vcpu, MemoryMiB: vcpu * f.memoryGiBPerVCPU * 1024,
		MaxVolumes: vols, VolumeLimit: limit, MaxPods: AKSMaxPods,
	}, true
}

// AKSMaxPods is the maxPods the function sets on every AKS pool it
// creates (initProvider: AKS cannot change it in place, so a running pool
// keeps its own). 110 is the kubelet's default and what kubenet and the
// Azure CNI Overlay size a node's pod range for
// (learn.microsoft.com/azure/aks/azure-cni-overlay, "Maximum pods per node").
const AKSMaxPods = 110

// Data disks per VM size, which the Azure Disk CSI driver reports as the
// node's volume limit (the OS disk is not a data disk); the etcd volumes a
// node serves may be fewer (vmdisks.go: the VM's total disk throughput). Every series in
// the catalog allows 2 per vCPU up to 32: Standard_D8s_v5 16,
// Standard_D16s_v5 and larger 32 (Microsoft Learn, the "Max data disks"
// column of the Dsv5, Ddsv5, Dasv5, Dadsv5, Dpsv5, Dlsv5, Dv4, Esv5,
// Easv5 and Fsv2 size tables). For the v6 series, whose tables the
// catalog has not pinned, it takes that rule too: the most restrictive
// known value, never a limit the VM cannot meet.
const (
	dataDisksPerVCPU = 2
	maxDataDisksCap  = 32
)

func maxDataDisks(vcpu int64) int64 { return min(vcpu*dataDisksPerVCPU, maxDataDisksCap) }

// inputDefaults are the function input's overrides of the defaults, per
// Composition: its azure block.
func inputDefaults(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.Azure }
