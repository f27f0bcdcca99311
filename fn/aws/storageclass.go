package aws

import (
	"strconv"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// EBSCSIProvisioner is the EBS CSI driver.
const EBSCSIProvisioner = "ebs.csi.aws.com"

// gp3 is what a gp3 volume may be provisioned with (Amazon EBS User
// Guide, "General Purpose SSD volumes", gp3): 3,000 IOPS and 125 MiB/s at
// any size; provisioned IOPS up to 500 per GiB, at most 16,000; throughput
// up to 0.25 MiB/s per provisioned IOPS, at most 1,000 MiB/s. The EBS CSI
// driver passes iops and throughput through to CreateVolume, which fails
// on a volume outside them.
var gp3 = plan.VolumeLimits{BaselineIOPS: 3000, BaselineThroughput: 125, IOPSPerGiB: 500, MaxIOPS: 16000, IOPSPerThroughput: 4, MaxThroughput: 1000}

// storageClass is the etcd StorageClass on the EBS CSI driver: gp3 with
// provisioned IOPS and throughput that fit the volume's size (so a small
// etcdVolumeSize gets fewer IOPS, never a volume that fails to create),
// encrypted.
func storageClass(in cloud.In) (string, map[string]string) {
	iops, mibps := in.Plan.EtcdVolumePerformance(gp3)
	return EBSCSIProvisioner, map[string]string{
		"type":                      "gp3",
		"iops":                      strconv.FormatInt(iops, 10),
		"throughput":                strconv.FormatInt(mibps, 10),
		"encrypted":                 "true",
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
