package gcp

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
)

// PDCSIProvisioner is GKE's Persistent Disk CSI driver.
const PDCSIProvisioner = "pd.csi.storage.gke.io"

// storageClass is the etcd StorageClass on the Persistent Disk CSI
// driver: zonal SSD Persistent Disks (etcd replicates itself, so a regional
// disk would only add write latency). A pd-ssd volume's IOPS follow its
// size (30 per GiB); the StorageClass cannot ask for more.
func storageClass(cloud.In) (string, map[string]string) {
	return PDCSIProvisioner, map[string]string{
		"type":                      DiskPDSSD,
		"replication-type":          "none",
		"csi.storage.k8s.io/fstype": "ext4",
	}
}
