package gcp

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Default machine types and Cloud SQL tier.
//
// The etcd and API server pools take n2-standard-8 nodes (8 vCPU, 32 GiB,
// up to 16 Gbps egress): general purpose, Persistent Disk capable (the etcd
// pool's boot disk is pd-ssd) and available in every region. The control
// planes' pool takes n2-standard-16, since providers are memory-hungry.
//
// The database defaults to db-custom-2-8192 (2 vCPU, 8 GiB: the size of the
// AWS default, db.m7g.large) in the ENTERPRISE edition. Custom tiers need
// that edition explicitly: Cloud SQL makes PostgreSQL 16 ENTERPRISE_PLUS by
// default, which only takes db-perf-optimized-N-* tiers (see Edition).
const (
	DefaultEtcdMachineType          = "n2-standard-8"
	DefaultAPIServerMachineType     = "n2-standard-8"
	DefaultControlPlanesMachineType = "n2-standard-16"
	DefaultTier                     = "db-custom-2-8192"
)

// family is a Compute Engine machine family: the GiB of memory per vCPU of
// its standard, highmem and highcpu types, and the vCPU counts each is sold
// in. A zero ratio means the family has no such type.
type family struct {
	standard, highmem, highcpu int64
	sizes                      map[string][]int64
}

// The catalog follows Compute Engine's predefined machine types
// (cloud.google.com/compute/docs/general-purpose-machines and
// compute-optimized-machines): <family>-<type>-<vCPU>, with a fixed amount
// of memory per vCPU for each type of a family. n2, n2d and e2 highcpu give
// 1 GiB per vCPU, c3 and n4 highcpu 2 GiB; standard is 4 GiB and highmem
// 8 GiB everywhere; c2 and t2d only come in standard.
var families = map[string]family{
	"n2": {4, 8, 1, map[string][]int64{
		"standard": {2, 4, 8, 16, 32, 48, 64, 80, 96, 128},
		"highmem":  {2, 4, 8, 16, 32, 48, 64, 80, 96, 128},
		"highcpu":  {2, 4, 8, 16, 32, 48, 64, 80, 96},
	}},
	"n2d": {4, 8, 1, map[string][]int64{
		"standard": {2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224},
		"highmem":  {2, 4, 8, 16, 32, 48, 64, 80, 96},
		"highcpu":  {2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224},
	}},
	"e2": {4, 8, 1, map[string][]int64{
		"standard": {2, 4, 8, 16, 32},
		"highmem":  {2, 4, 8, 16},
		"highcpu":  {2, 4, 8, 16, 32},
	}},
	"c3": {4, 8, 2, map[string][]int64{
		"standard": {4, 8, 22, 44, 88, 176},
		"highmem":  {4, 8, 22, 44, 88, 176},
		"highcpu":  {4, 8, 22, 44, 88, 176},
	}},
	"c2": {4, 0, 0, map[string][]int64{
		"standard": {4, 8, 16, 30, 60},
	}},
	"n4": {4, 8, 2, map[string][]int64{
		"standard": {2, 4, 8, 16, 32, 48, 64, 80},
		"highmem":  {2, 4, 8, 16, 32, 48, 64, 80},
		"highcpu":  {2, 4, 8, 16, 32, 48, 64, 80},
	}},
	"t2d": {4, 0, 0, map[string][]int64{
		"standard": {1, 2, 4, 8, 16, 32, 48, 60},
	}},
}

// hyperdiskOnly are the families whose nodes cannot boot from a Persistent
// Disk (pd-ssd, pd-balanced) and take Hyperdisk Balanced instead. It names
// newer families the catalog does not size too: a user may pick them (with
// maxNodes set), and the boot disk must still fit.
var hyperdiskOnly = map[string]bool{"n4": true, "n4d": true, "n4a": true, "c4": true, "c4a": true, "c4d": true}

// Machine sizes a Compute Engine machine type.
func Machine(machineType string) (plan.Machine, bool) {
	fam, typ, vcpu, ok := parseMachineType(machineType)
	if !ok {
		return plan.Machine{}, false
	}
	f := families[fam]
	var gib int64
	switch typ {
	case "standard":
		gib = f.standard
	case "highmem":
		gib = f.highmem
	case "highcpu":
		gib = f.highcpu
	}
	return plan.Machine{VCPU: vcpu, MemoryMiB: vcpu * gib * 1024, MaxVolumes: attachableDisks(fam, vcpu), MaxPods: GKEMaxPodsPerNode}, true
}

// GKEMaxPodsPerNode is GKE's default maximum of pods per node on Standard
// clusters (cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr:
// "110 Pods per node" by default). The function does not set the pool's
// maxPodsPerNode: it is immutable, and changing it would recreate pools.
const GKEMaxPodsPerNode = 110

// The disks a node can attach, as the PD CSI driver reports them
// (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver,
// pkg/gce-pd-csi-driver/node.go and pkg/common/constants.go), each the
// documented limit minus the boot disk: 127 for Persistent Disk families
// (128 disks per VM, cloud.google.com/compute/docs/disks#pdnumberlimits);
// on the fourth-generation, Hyperdisk-only families (N4, C4, ...) 15 up to
// 8 vCPU and 31 above (cloud.google.com/compute/docs/disks/hyperdisks#max-total-disks-per-vm).
const (
	pdDisksPerNode             = 127
	hyperdiskDisksPerSmallNode = 15
	hyperdiskDisksPerNode      = 31
	hyperdiskSmallNodeMaxVCPU  = 8
)

func attachableDisks(family string, vcpu int64) int64 {
	if !hyperdiskOnly[family] {
		return pdDisksPerNode
	}
	if vcpu <= hyperdiskSmallNodeMaxVCPU {
		return hyperdiskDisksPerSmallNode
	}
	return hyperdiskDisksPerNode
}

// parseMachineType splits a known machine type into family, type and vCPU.
func parseMachineType(machineType string) (string, string, int64, bool) {
	parts := strings.Split(machineType, "-")
	if len(parts) != 3 {
		return "", "", 0, false
	}
	f, ok := families[parts[0]]
	if !ok {
		return "", "", 0, false
	}
	vcpu, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", 0, false
	}
	for _, s := range f.sizes[parts[1]] {
		if s == vcpu {
			return parts[0], parts[1], vcpu, true
		}
	}
	return "", "", 0, false
}

// reMachineType is the shape of every Compute Engine machine type name:
// lowercase series, then dash-separated parts (n2-standard-8,
// e2-medium, n2-custom-8-16384, c3-standard-4-lssd, a2-highgpu-1g).
var reMachineType = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)

// CheckMachineType says why a machine type cannot exist ("" when it can):
// a name not of the pattern series-shape-..., or, for a family and shape
// the catalog holds (standard, highmem, highcpu), a vCPU count that shape
// is not sold in (n2-standard-7, c2-highmem-8). Other shapes of a catalog
// family (e2-medium, n2-custom-8-16384, c3-standard-4-lssd) and other
// families may exist: the plan warns that it cannot size them.
func CheckMachineType(machineType string) string {
	if !reMachineType.MatchString(machineType) {
		return "not a Compute Engine machine type: want <series>-<shape>-<vCPUs>, such as n2-standard-8"
	}
	parts := strings.Split(machineType, "-")
	f, ok := families[parts[0]]
	if !ok || len(parts) != 3 || !slices.Contains(shapes, parts[1]) {
		return ""
	}
	if _, err := strconv.ParseInt(parts[2], 10, 64); err != nil {
		return ""
	}
	if _, _, _, ok := parseMachineType(machineType); ok {
		return ""
	}
	sizes := f.sizes[parts[1]]
	if len(sizes) == 0 {
		return fmt.Sprintf("Compute Engine has no %s-%s machine types", parts[0], parts[1])
	}
	return fmt.Sprintf("%s-%s comes in %s vCPUs, not %s", parts[0], parts[1], cloud.JoinCounts(sizes), parts[2])
}

// shapes are the predefined shapes the catalog sizes.
var shapes = []string{"standard", "highmem", "highcpu"}

// machineFamily is the family prefix of a machine type ("n2" of
// "n2-standard-8"), known or not.
func machineFamily(machineType string) string {
	f, _, _ := strings.Cut(machineType, "-")
	return f
}

// inputDefaults are the function input's overrides of the defaults, per
// Composition: its gcp block.
func inputDefaults(in *v1beta1.Input) *v1beta1.CloudDefaults { return in.GCP }
