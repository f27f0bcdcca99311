package plan

import "fmt"

// DiskNeed is the sustained disk rate one volume's workload needs.
type DiskNeed struct {
	IOPS int64
	MBps int64
}

// EtcdMemberDiskNeed is what one etcd member needs from its volume,
// sustained: etcd's hardware guide (etcd.io/docs/v3.6/op-guide/hardware,
// "Disks") recommends 500 sequential IOPS for a heavily loaded cluster,
// and 10 MB/s of bandwidth to recover 100 MB of data within 15 seconds.
// A node's disk budget is divided by this need, not by what each volume is
// provisioned with (EtcdVolumeIOPS / EtcdVolumeThroughputMiBps, a per-disk
// ceiling for bursts and catch-up): the members on one node belong to
// separate control planes and do not peak together.
var EtcdMemberDiskNeed = DiskNeed{IOPS: 500, MBps: 10}

// NodeDiskBudget is what one node of a machine type gives all its
// volumes together: how many it attaches, and the IOPS and MB/s the
// machine delivers to them in total, sustained (burst credits not
// counted). Each cloud supplies the numbers, and the words for them, in
// its own package; the rule that divides them is this package's.
type NodeDiskBudget struct {
	// Attachments is how many volumes a node attaches (after the root
	// disk and anything else the cloud reserves).
	Attachments int64
	// IOPS and MBps the machine delivers to its volumes in total.
	IOPS, MBps int64
	// AttachmentsLimit, IOPSLimit and MBpsLimit name the three limits in
	// the cloud's words ("max data disks", "uncached disk IOPS", "EBS
	// baseline IOPS", ...), for status.capacityPlan.
	AttachmentsLimit, IOPSLimit, MBpsLimit string
	// Note is appended to an IOPS or MBps limit's words: where a budget
	// that is not the machine's own published figure comes from; empty
	// when it is.
	Note string
}

// EtcdVolumesPerNode is how many etcd volumes one node attaches and
// serves at EtcdMemberDiskNeed: min(attachments, IOPS / member IOPS, MBps
// / member MBps), at least 1 (one volume always attaches, if slower), and
// the limit that binds, in words; ties go to attachments, then
// throughput.
func (b NodeDiskBudget) EtcdVolumesPerNode() (int64, string) {
	need := EtcdMemberDiskNeed
	byIOPS := b.IOPS / max(need.IOPS, 1)
	byMBps := b.MBps / max(need.MBps, 1)
	n := max(min(b.Attachments, byIOPS, byMBps), 1)
	note := b.Note
	if byIOPS == 0 || byMBps == 0 {
		note += "; below one etcd member's sustained need, so even one volume gets less"
	}
	switch {
	case b.Attachments <= byIOPS && b.Attachments <= byMBps:
		return n, b.AttachmentsLimit
	case byMBps <= byIOPS:
		return n, fmt.Sprintf("%s: %d per node / %d per etcd member%s", b.MBpsLimit, b.MBps, need.MBps, note)
	default:
		return n, fmt.Sprintf("%s: %d per node / %d per etcd member%s", b.IOPSLimit, b.IOPS, need.IOPS, note)
	}
}
