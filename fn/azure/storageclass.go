package azure

import (
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// The etcd StorageClass is Premium SSD v2 on the Azure Disk CSI driver.
//
// Zonal (LRS) rather than zone-redundant (ZRS): etcd replicates itself
// across three members on nodes in different zones, so a volume that
// survives its zone adds nothing but the synchronous cross-zone write
// latency etcd's fsync pays on every commit; WaitForFirstConsumer puts
// each volume in its member's zone.
//
// Premium SSD v2 rather than Premium SSD (v1): v1 ties IOPS to the disk
// size (a 50 GiB P6 gives 240 IOPS, bursting on credits), while v2 lets the
// StorageClass provision the plan's IOPS and throughput at any size, like
// gp3 on AWS. v2 needs zonal nodes (the pools are zonal) and takes no host
// caching, so cachingMode is None.
const (
	DiskCSIProvisioner = "disk.csi.azure.com"
	DiskSKU            = "PremiumV2_LRS"

	// Premium SSD v2 limits (Microsoft Learn, "Azure managed disk types"):
	// 3,000 IOPS and 125 MB/s at any size; above 6 GiB up to 500 IOPS per
	// GiB, at most 80,000; throughput up to 0.25 MB/s per IOPS, at most
	// 1,200 MB/s.
	PremiumV2BaselineIOPS   = 3000
	PremiumV2BaselineMBps   = 125
	PremiumV2IOPSPerGiB     = 500
	PremiumV2BaselineMaxGiB = 6
	PremiumV2MaxIOPS        = 80000
	PremiumV2MaxMBps        = 1200
	premiumV2IOPSPerMBps    = 4
)

// DiskPerformance is what a Premium SSD v2 volume is provisioned with.
type DiskPerformance struct {
	IOPS int32
	MBps int32
}

// ChooseDiskPerformance caps the plan's IOPS and throughput at what a
// Premium SSD v2 disk of sizeGiB may be provisioned with, so the CSI
// driver never asks Azure for a disk it refuses. Expanding a volume only
// raises the limits.
func ChooseDiskPerformance(sizeGiB int64, wantIOPS, wantMBps int32) DiskPerformance {
	maxIOPS := int64(PremiumV2BaselineIOPS)
	if sizeGiB > PremiumV2BaselineMaxGiB {
		maxIOPS = min(int64(PremiumV2MaxIOPS), max(maxIOPS, sizeGiB*PremiumV2IOPSPerGiB))
	}
	iops := min(int64(wantIOPS), maxIOPS)
	iops = max(iops, PremiumV2BaselineIOPS)
	maxMBps := min(int64(PremiumV2MaxMBps), max(int64(PremiumV2BaselineMBps), iops/premiumV2IOPSPerMBps))
	mbps := max(min(int64(wantMBps), maxMBps), PremiumV2BaselineMBps)
	return DiskPerformance{IOPS: int32(iops), MBps: int32(mbps)}
}

// VolumeGiB is the etcd volume size in GiB, rounded up; an unreadable
// size counts as the chart default.
func VolumeGiB(size string) int64 {
	q, err := resource.ParseQuantity(size)
	if err != nil {
		q = resource.MustParse(spec.DefaultEtcdVolumeSize)
	}
	const gi = 1 << 30
	return (q.Value() + gi - 1) / gi
}

// storageClass is the etcd StorageClass.
func storageClass(in cloud.In) (string, map[string]string) {
	s := in.Plan.Storage
	perf := ChooseDiskPerformance(VolumeGiB(in.Plan.Spaces.EtcdVolumeSize), s.MinIOPS, s.MinThroughputMiBps)
	return DiskCSIProvisioner, map[string]string{
		"skuName":                   DiskSKU,
		"cachingMode":               "None",
		"DiskIOPSReadWrite":         strconv.Itoa(int(perf.IOPS)),
		"DiskMBpsReadWrite":         strconv.Itoa(int(perf.MBps)),
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
