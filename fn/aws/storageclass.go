package aws

import (
	"strconv"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
)

// EBSCSIProvisioner is the EBS CSI driver.
const EBSCSIProvisioner = "ebs.csi.aws.com"

// gp3 volume limits (Amazon EBS User Guide, "General Purpose SSD volumes",
// gp3): 3,000 IOPS and 125 MiB/s at any size; provisioned IOPS up to 500
// per GiB, at most 16,000; throughput up to 0.25 MiB/s per provisioned
// IOPS, at most 1,000 MiB/s. The EBS CSI driver passes iops and throughput
// through to CreateVolume, which fails on a volume outside them.
const (
	GP3BaselineIOPS  = 3000
	GP3BaselineMiBps = 125
	GP3IOPSPerGiB    = 500
	GP3MaxIOPS       = 16000
	GP3MaxMiBps      = 1000
	gp3IOPSPerMiBps  = 4
)

// GP3Performance caps the plan's IOPS and throughput at what a gp3 volume
// of sizeGiB may be provisioned with, so a small etcdVolumeSize gets fewer
// IOPS, never a volume that fails to create.
func GP3Performance(sizeGiB int64, wantIOPS, wantMiBps int32) (iops, mibps int64) {
	maxIOPS := min(int64(GP3MaxIOPS), max(int64(GP3BaselineIOPS), sizeGiB*GP3IOPSPerGiB))
	iops = max(min(int64(wantIOPS), maxIOPS), GP3BaselineIOPS)
	maxMiBps := min(int64(GP3MaxMiBps), max(int64(GP3BaselineMiBps), iops/gp3IOPSPerMiBps))
	mibps = max(min(int64(wantMiBps), maxMiBps), GP3BaselineMiBps)
	return iops, mibps
}

// storageClass is the etcd StorageClass on the EBS CSI driver: gp3 with
// provisioned IOPS and throughput that fit the volume's size, encrypted.
func storageClass(in cloud.In) (string, map[string]string) {
	s := in.Plan.Storage
	iops, mibps := GP3Performance(in.Plan.Spaces.EtcdVolumeGiB(), s.MinIOPS, s.MinThroughputMiBps)
	return EBSCSIProvisioner, map[string]string{
		"type":                      "gp3",
		"iops":                      strconv.FormatInt(iops, 10),
		"throughput":                strconv.FormatInt(mibps, 10),
		"encrypted":                 "true",
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
