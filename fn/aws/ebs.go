package aws

import "github.com/crossplane-contrib/function-space-scaling/fn/plan"

// An EC2 instance caps the total EBS throughput and IOPS of all its
// volumes together (its EBS-optimized bandwidth), so the etcd members on
// one node share that budget. The catalog gives the plan each type's
// baseline, the rate it sustains indefinitely (the smaller types burst
// above it for 30 minutes a day, which etcd's sustained load cannot count
// on), and the plan divides it by one etcd member's need
// (plan.NodeDiskBudget).

// The limits that can bound a node's etcd volumes, as the capacity plan
// reports them.
const (
	LimitEBSAttachments = "EBS attachments"
	LimitEBSIOPS        = "EBS baseline IOPS"
	LimitEBSMBps        = "EBS baseline MBps"
)

// ebsRate is one instance type's baseline EBS bandwidth (Mbps) and IOPS
// (16 KiB I/O).
type ebsRate struct {
	mbps, iops int64
}

// megabytesPerSecond is the bandwidth in MB/s, as EC2 converts it
// (Mbps / 8; m7i.2xlarge's 2,500 Mbps is 312.5 MB/s), rounded down.
func (r ebsRate) megabytesPerSecond() int64 { return r.mbps / 8 }

// ebsBaselines are the "Baseline bandwidth (Mbps)" and "Baseline IOPS
// (16 KiB I/O)" columns of EC2's "Amazon EBS-optimized instance types"
// tables, per size, for the families that share a table. Confirmed
// against awsdocs/amazon-ec2-user-guide, doc_source/ebs-optimized.md (the
// guide's source until June 2023): m5 and r5 ("nitro5"), c5, m6i, c6i,
// r6i, m6a and c6a ("nitro6", one table), r6a, m6g, c6g and r6g
// ("graviton2"), m7g, c7g and r7g ("graviton3").
//
// The 7th-generation Intel and AMD families (m7i, c7i, r7i, m7a, c7a,
// r7a) and Graviton4 (m8g, c8g, r8g) launched after that copy; their
// figures are the current guide's ("Amazon EBS specifications" of each
// family; m7i.2xlarge: 2,500 Mbps, 12,000 IOPS), which repeat the nitro6
// table and, for Graviton4, the graviton3 one with 24xlarge added. They
// are not confirmed against a stored copy here (docs/capacity.md, "The capacity
// plan").
var ebsBaselines = map[string]map[string]ebsRate{
	"nitro5": {
		"large": {650, 3600}, "xlarge": {1150, 6000}, "2xlarge": {2300, 12000}, "4xlarge": {4750, 18750},
		"8xlarge": {6800, 30000}, "12xlarge": {9500, 40000}, "16xlarge": {13600, 60000}, "24xlarge": {19000, 80000},
	},
	"c5": {
		"large": {650, 4000}, "xlarge": {1150, 6000}, "2xlarge": {2300, 10000}, "4xlarge": {4750, 20000},
		"9xlarge": {9500, 40000}, "12xlarge": {9500, 40000}, "18xlarge": {19000, 80000}, "24xlarge": {19000, 80000},
	},
	"nitro6": {
		"large": {650, 3600}, "xlarge": {1250, 6000}, "2xlarge": {2500, 12000}, "4xlarge": {5000, 20000},
		"8xlarge": {10000, 40000}, "12xlarge": {15000, 60000}, "16xlarge": {20000, 80000}, "24xlarge": {30000, 120000},
	},
	"r6a": {
		"large": {531, 3600}, "xlarge": {1061, 6000}, "2xlarge": {2122, 8333}, "4xlarge": {4245, 16000},
		"8xlarge": {6666, 26667}, "12xlarge": {10000, 40000}, "16xlarge": {13300, 53333}, "24xlarge": {20000, 80000},
	},
	"graviton2": {
		"large": {630, 3600}, "xlarge": {1188, 6000}, "2xlarge": {2375, 12000}, "4xlarge": {4750, 20000},
		"8xlarge": {9500, 40000}, "12xlarge": {14250, 50000}, "16xlarge": {19000, 80000},
	},
	"graviton3": {
		"large": {630, 3600}, "xlarge": {1250, 6000}, "2xlarge": {2500, 12000}, "4xlarge": {5000, 20000},
		"8xlarge": {10000, 40000}, "12xlarge": {15000, 60000}, "16xlarge": {20000, 80000},
	},
	"graviton4": {
		"large": {630, 3600}, "xlarge": {1250, 6000}, "2xlarge": {2500, 12000}, "4xlarge": {5000, 20000},
		"8xlarge": {10000, 40000}, "12xlarge": {15000, 60000}, "16xlarge": {20000, 80000}, "24xlarge": {30000, 120000},
	},
}

// ebsTable maps every catalog family to its table.
var ebsTable = map[string]string{
	"m5": "nitro5", "r5": "nitro5", "c5": "c5",
	"m6i": "nitro6", "c6i": "nitro6", "r6i": "nitro6", "m6a": "nitro6", "c6a": "nitro6", "r6a": "r6a",
	"m7i": "nitro6", "c7i": "nitro6", "r7i": "nitro6", "m7a": "nitro6", "c7a": "nitro6", "r7a": "nitro6",
	"m6g": "graviton2", "c6g": "graviton2", "r6g": "graviton2",
	"m7g": "graviton3", "c7g": "graviton3", "r7g": "graviton3",
	"m8g": "graviton4", "c8g": "graviton4", "r8g": "graviton4",
}

// ebsBudget is what one instance of a catalog type gives its etcd
// volumes: its attachments and baseline EBS rate.
func ebsBudget(family, size string) plan.NodeDiskBudget {
	r := ebsBaselines[ebsTable[family]][size]
	return plan.NodeDiskBudget{
		Attachments: ebsVolumes(family, size), IOPS: r.iops, MBps: r.megabytesPerSecond(),
		AttachmentsLimit: LimitEBSAttachments, IOPSLimit: LimitEBSIOPS, MBpsLimit: LimitEBSMBps,
	}
}
