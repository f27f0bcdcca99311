package plan

// VolumeLimits are what one cloud's provisioned-performance volume type
// (gp3, Hyperdisk Balanced, Premium SSD v2) may be created with. All three
// publish the same rule with their own numbers, so each cloud supplies the
// numbers, with their source, in its own package; the rule is this
// package's (VolumePerformance). Throughput is in the cloud's unit (MiB/s
// or MB/s): the rule does not convert it.
type VolumeLimits struct {
	// BaselineIOPS and BaselineThroughput are what a volume of any size
	// gets, so the least it is provisioned with.
	BaselineIOPS, BaselineThroughput int64
	// IOPSPerGiB is how many IOPS a volume may be provisioned with per GiB
	// of its size (never fewer than BaselineIOPS), up to MaxIOPS.
	IOPSPerGiB, MaxIOPS int64
	// IOPSPerThroughput is how many provisioned IOPS each unit of
	// throughput needs (4: a quarter MiB/s per IOPS; never less than
	// BaselineThroughput), up to MaxThroughput.
	IOPSPerThroughput, MaxThroughput int64
}

// VolumePerformance caps the IOPS and throughput a plan wants for a
// volume of sizeGiB at what l allows, and raises them to the baseline:
// IOPS first, by size, then throughput by the IOPS it got. So a small
// volume gets fewer IOPS, never a volume the cloud refuses to create.
func VolumePerformance(l VolumeLimits, sizeGiB int64, wantIOPS, wantThroughput int32) (iops, throughput int64) {
	maxIOPS := min(l.MaxIOPS, max(l.BaselineIOPS, sizeGiB*l.IOPSPerGiB))
	iops = max(min(int64(wantIOPS), maxIOPS), l.BaselineIOPS)
	maxThroughput := min(l.MaxThroughput, max(l.BaselineThroughput, iops/max(l.IOPSPerThroughput, 1)))
	throughput = max(min(int64(wantThroughput), maxThroughput), l.BaselineThroughput)
	return iops, throughput
}

// EtcdVolumePerformance is what each etcd volume is provisioned with on a
// volume type of limits l: the plan's IOPS and throughput, as far as the
// volume's size allows.
func (p *Plan) EtcdVolumePerformance(l VolumeLimits) (iops, throughput int64) {
	return VolumePerformance(l, p.Spaces.EtcdVolumeGiB(), p.Storage.MinIOPS, p.Storage.MinThroughputMiBps)
}
