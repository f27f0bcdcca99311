package aws

import (
	"strconv"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
)

// EBSCSIProvisioner is the EBS CSI driver.
const EBSCSIProvisioner = "ebs.csi.aws.com"

// storageClass is the etcd StorageClass on the EBS CSI driver: gp3 with
// provisioned IOPS and throughput, encrypted.
func storageClass(in cloud.In) (string, map[string]string) {
	s := in.Plan.Storage
	return EBSCSIProvisioner, map[string]string{
		"type":                      "gp3",
		"iops":                      strconv.Itoa(int(s.MinIOPS)),
		"throughput":                strconv.Itoa(int(s.MinThroughputMiBps)),
		"encrypted":                 "true",
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
