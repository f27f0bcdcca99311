package aws

// RDS storage rules for PostgreSQL (Amazon RDS User Guide, "Amazon RDS DB
// instance storage"):
//   - gp3 gives a 3,000 IOPS baseline below 400 GiB and 12,000 from 400 GiB;
//     from 400 GiB it takes provisioned IOPS up to 64,000 (at most 500 per GiB);
//   - io2 takes provisioned IOPS from 0.5x to 50x the storage in GiB, up to 256,000.
const (
	gp3SmallBaselineIOPS = 3000
	gp3LargeThresholdGiB = 400
	gp3LargeBaselineIOPS = 12000
	gp3MaxIOPS           = 64000
	gp3MaxIOPSPerGiB     = 500
	io2MaxIOPSPerGiB     = 50
	io2MinIOPSPerGiBX2   = 1 // io2 IOPS >= storage / 2
	io2MaxIOPS           = 256000
)

// Storage is the storage an RDS instance gets.
type Storage struct {
	// Type is gp3 or io2.
	Type string
	// GiB allocated.
	GiB int32
	// IOPS is the provisioned IOPS, or 0 where the type's baseline applies.
	IOPS int32
	// ProvidedIOPS is what the storage delivers.
	ProvidedIOPS int32
}

// ChooseStorage picks the cheapest RDS storage that gives at least minIOPS
// with at least minGiB: gp3 at its baseline; gp3 grown to 400 GiB (the
// 12,000 IOPS baseline costs far less than provisioned IOPS); gp3 with
// provisioned IOPS from 400 GiB; io2 only beyond what gp3 can give.
func ChooseStorage(minGiB, minIOPS int32) Storage {
	switch {
	case minGiB < gp3LargeThresholdGiB && minIOPS <= gp3SmallBaselineIOPS:
		return Storage{Type: "gp3", GiB: minGiB, ProvidedIOPS: gp3SmallBaselineIOPS}
	case minIOPS <= gp3LargeBaselineIOPS:
		return Storage{Type: "gp3", GiB: max(minGiB, gp3LargeThresholdGiB), ProvidedIOPS: gp3LargeBaselineIOPS}
	case minIOPS <= gp3MaxIOPS:
		gib := max(minGiB, gp3LargeThresholdGiB, ceilDiv32(minIOPS, gp3MaxIOPSPerGiB))
		return Storage{Type: "gp3", GiB: gib, IOPS: minIOPS, ProvidedIOPS: minIOPS}
	default:
		iops := min(minIOPS, io2MaxIOPS)
		gib := max(minGiB, ceilDiv32(iops, io2MaxIOPSPerGiB))
		// io2 needs at least half an IOPS per GiB.
		iops = max(iops, ceilDiv32(gib, 2*io2MinIOPSPerGiBX2))
		return Storage{Type: "io2", GiB: gib, IOPS: iops, ProvidedIOPS: iops}
	}
}

func ceilDiv32(a, b int32) int32 { return (a + b - 1) / b }
