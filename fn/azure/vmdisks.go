package azure

import (
	"math"
	"slices"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// An Azure VM size caps the total uncached IOPS and throughput of all its
// remote data disks together (Premium SSD v2 takes no host caching, so
// every etcd volume is uncached). The etcd pool's volumes per node is the
// smallest of: the size's max data disks, its uncached IOPS over one etcd
// member's sustained IOPS need, and its uncached MBps over that member's
// sustained MBps need (plan.EtcdMemberDiskNeed). Burst limits (credit-based,
// 30 minutes at a time) are not counted: etcd's load is sustained.

// vmDiskLimit is one VM size's max uncached disk IOPS and MBps.
type vmDiskLimit struct {
	iops, mbps int64
}

// uncachedDiskLimits are the "Max uncached disk throughput: IOPS/MBps"
// columns of the series' size tables on Microsoft Learn
// (learn.microsoft.com/azure/virtual-machines/, source in
// MicrosoftDocs/azure-docs articles/virtual-machines/), by vCPU count:
//   - dv5-dsv5-series (Dsv5), ddv5-ddsv5-series (Ddsv5), ev5-esv5-series
//     (Esv5) and edv5-edsv5-series (Edsv5) share one table;
//   - dasv5-dadsv5-series (Dasv5, Dadsv5) and easv5-eadsv5-series (Easv5,
//     Eadsv5) share another;
//   - dv4-dsv4-series (Dsv4) and fsv2-series (Fsv2) have their own.
var uncachedDiskLimits = map[string]map[int64]vmDiskLimit{
	"intel_v5": {
		2: {3750, 85}, 4: {6400, 145}, 8: {12800, 290}, 16: {25600, 600}, 20: {32000, 750},
		32: {51200, 865}, 48: {76800, 1315}, 64: {80000, 1735}, 96: {80000, 2600},
	},
	"amd_v5": {
		2: {3750, 82}, 4: {6400, 144}, 8: {12800, 200}, 16: {25600, 384}, 20: {32000, 480},
		32: {51200, 768}, 48: {76800, 1152}, 64: {80000, 1200}, 96: {80000, 1600},
	},
	"Ds_v4": {
		2: {3200, 48}, 4: {6400, 96}, 8: {12800, 192}, 16: {25600, 384},
		32: {51200, 768}, 48: {76800, 1152}, 64: {80000, 1200},
	},
	"Fs_v2": {
		2: {3200, 47}, 4: {6400, 95}, 8: {12800, 190}, 16: {25600, 380},
		32: {51200, 750}, 48: {76800, 1100}, 64: {80000, 1100}, 72: {80000, 1100},
	},
}

// diskTable maps a catalog family to its confirmed table. A family not
// listed (Dds_v4, Das_v4, Dps_v5, Dls_v5, the v6 series, Es_v4, Eds_v4,
// ...) has no table the catalog has confirmed, and takes the most
// restrictive confirmed value at its vCPU count (unconfirmedDiskLimit).
var diskTable = map[string]string{
	"Ds_v5": "intel_v5", "Dds_v5": "intel_v5", "Es_v5": "intel_v5", "Eds_v5": "intel_v5",
	"Das_v5": "amd_v5", "Dads_v5": "amd_v5", "Eas_v5": "amd_v5", "Eads_v5": "amd_v5",
	"Ds_v4": "Ds_v4", "Fs_v2": "Fs_v2",
}

// uncachedDiskLimit is a VM size's uncached disk budget, and whether it
// comes from the size's own table.
func uncachedDiskLimit(family string, vcpu int64) (vmDiskLimit, bool) {
	if l, ok := uncachedDiskLimits[diskTable[family]][vcpu]; ok {
		return l, true
	}
	return unconfirmedDiskLimit(vcpu), false
}

// unconfirmedDiskLimit is the lowest IOPS and the lowest MBps any
// confirmed table gives a size of vcpu vCPUs (or, where a table lacks that
// count, its largest size below it): never a budget the VM cannot meet.
func unconfirmedDiskLimit(vcpu int64) vmDiskLimit {
	out := vmDiskLimit{iops: math.MaxInt64, mbps: math.MaxInt64}
	names := make([]string, 0, len(uncachedDiskLimits))
	for n := range uncachedDiskLimits {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t := uncachedDiskLimits[n]
		var best int64
		for c := range t {
			if c <= vcpu && c > best {
				best = c
			}
		}
		if best == 0 {
			continue
		}
		out.iops, out.mbps = min(out.iops, t[best].iops), min(out.mbps, t[best].mbps)
	}
	return out
}

// The limits that can bound a node's etcd volumes, as the capacity plan
// reports them.
const (
	LimitDataDisks = "max data disks"
	LimitDiskIOPS  = "uncached disk IOPS"
	LimitDiskMBps  = "uncached disk MBps"
)

// unconfirmedNote says a budget is the lowest confirmed one, not the
// series' own.
const unconfirmedNote = ", the most restrictive known value for this series"

// etcdVolumesPerNode is how many etcd volumes one VM of family and vcpu
// vCPUs attaches and serves at etcd's sustained need (plan.NodeDiskBudget:
// the rule is the plan's, the numbers Azure's), and the limit that binds.
// Dividing by each volume's provisioned 6,000 IOPS / 250 MBps instead
// would serve one volume per Standard_D8s_v5 and multiply the etcd nodes
// fifteenfold for a rate no node's members reach at once.
func etcdVolumesPerNode(family string, vcpu int64) (int64, string) {
	return diskBudget(family, vcpu).EtcdVolumesPerNode()
}

// diskBudget is a VM size's data disks and uncached disk budget.
func diskBudget(family string, vcpu int64) plan.NodeDiskBudget {
	l, confirmed := uncachedDiskLimit(family, vcpu)
	b := plan.NodeDiskBudget{
		Attachments: maxDataDisks(vcpu), IOPS: l.iops, MBps: l.mbps,
		AttachmentsLimit: LimitDataDisks, IOPSLimit: LimitDiskIOPS, MBpsLimit: LimitDiskMBps,
	}
	if !confirmed {
		b.Note = unconfirmedNote
	}
	return b
}
