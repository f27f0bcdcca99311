package gcp

import (
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// PDCSIProvisioner is GKE's Persistent Disk CSI driver.
const PDCSIProvisioner = "pd.csi.storage.gke.io"

// hyperdiskBalanced is what a Hyperdisk Balanced volume may be
// provisioned with (cloud.google.com/compute/docs/disks/hyperdisks,
// "Hyperdisk Balanced"): 3,000 IOPS and 140 MiB/s at any size; up to 500
// IOPS per GiB, at most 160,000; throughput up to a quarter of the IOPS in
// MiB/s, at most 2,400.
var hyperdiskBalanced = plan.VolumeLimits{BaselineIOPS: 3000, BaselineThroughput: 140, IOPSPerGiB: 500, MaxIOPS: 160000, IOPSPerThroughput: 4, MaxThroughput: 2400}

const (
	paramProvisionedIOPS    = "provisioned-iops-on-create"
	paramProvisionedThrough = "provisioned-throughput-on-create"
)

// pdOnly are the families that cannot attach Hyperdisk Balanced volumes
// (cloud.google.com/compute/docs/disks/hyperdisks#machine-type-support).
var pdOnly = map[string]bool{"n1": true, "n2": true, "n2d": true, "e2": true, "c2": true, "t2d": true}

// etcdOnHyperdisk is true when the etcd pool lists a Hyperdisk-only
// family (N4, C4, ...): its volumes must be Hyperdisk Balanced, like its
// boot disks.
func etcdOnHyperdisk(p *plan.Plan) bool {
	pool := p.Pool(plan.RoleEtcd)
	if pool == nil {
		return false
	}
	for _, mt := range pool.MachineTypes {
		if hyperdiskOnly[machineFamily(mt)] {
			return true
		}
	}
	return false
}

// storageClass is the etcd StorageClass on the Persistent Disk CSI
// driver, zonal (etcd replicates itself, so a regional disk would only add
// write latency). On Persistent Disk families it is pd-ssd, whose IOPS
// follow its size (30 per GiB) and cannot be asked for; on Hyperdisk-only
// families (which cannot attach a Persistent Disk) Hyperdisk Balanced,
// provisioned with the plan's IOPS and throughput as far as the volume's
// size allows, so the CSI driver never asks for a disk Compute Engine
// refuses.
func storageClass(in cloud.In) (string, map[string]string) {
	if etcdOnHyperdisk(in.Plan) {
		iops, mibps := in.Plan.EtcdVolumePerformance(hyperdiskBalanced)
		return PDCSIProvisioner, map[string]string{
			"type":                      DiskHyperdiskBalanced,
			paramProvisionedIOPS:        strconv.FormatInt(iops, 10),
			paramProvisionedThrough:     strconv.FormatInt(mibps, 10) + "Mi",
			"csi.storage.k8s.io/fstype": "ext4",
		}
	}
	return PDCSIProvisioner, map[string]string{
		"type":                      DiskPDSSD,
		"replication-type":          "none",
		"csi.storage.k8s.io/fstype": "ext4",
	}
}

// ValidatePlan refuses an etcd pool that mixes Hyperdisk-only families
// with families that cannot attach Hyperdisk: no one etcd volume type
// attaches to every node the pool may get.
func ValidatePlan(p *plan.Plan) field.ErrorList {
	if !etcdOnHyperdisk(p) {
		return nil
	}
	pool := p.Pool(plan.RoleEtcd)
	for i, mt := range pool.MachineTypes {
		if pdOnly[machineFamily(mt)] {
			return field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "etcd", "machineTypes").Index(i), mt,
				"cannot attach Hyperdisk, which the pool's Hyperdisk-only machine types need for etcd volumes: list machine families of one kind")}
		}
	}
	return nil
}
