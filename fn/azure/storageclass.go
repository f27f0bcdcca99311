package azure

import (
	"strconv"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
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
)

// premiumV2 is what a Premium SSD v2 disk may be provisioned with
// (Microsoft Learn, "Azure managed disk types"): 3,000 IOPS and 125 MB/s at
// any size; above 6 GiB up to 500 IOPS per GiB (6 GiB x 500 is the
// baseline, so the rule needs no threshold of its own), at most 80,000;
// throughput up to 0.25 MB/s per IOPS, at most 1,200 MB/s. Expanding a
// volume only raises the limits.
var premiumV2 = plan.VolumeLimits{BaselineIOPS: 3000, BaselineThroughput: 125, IOPSPerGiB: 500, MaxIOPS: 80000, IOPSPerThroughput: 4, MaxThroughput: 1200}

// storageClass is the etcd StorageClass, provisioned with the plan's IOPS
// and throughput as far as the volume's size allows, so the CSI driver
// never asks Azure for a disk it refuses.
func storageClass(in cloud.In) (string, map[string]string) {
	iops, mbps := in.Plan.EtcdVolumePerformance(premiumV2)
	return DiskCSIProvisioner, map[string]string{
		"skuName":                   DiskSKU,
		"cachingMode":               "None",
		"DiskIOPSReadWrite":         strconv.FormatInt(iops, 10),
		"DiskMBpsReadWrite":         strconv.FormatInt(mbps, 10),
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
