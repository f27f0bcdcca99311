package plan

import "testing"

func TestEtcdMemberDiskNeed(t *testing.T) {
	// etcd's hardware guide: 500 sequential IOPS, 10 MB/s.
	if EtcdMemberDiskNeed != (DiskNeed{IOPS: 500, MBps: 10}) {
		t.Errorf("EtcdMemberDiskNeed = %+v, want 500 IOPS / 10 MBps", EtcdMemberDiskNeed)
	}
}

func TestEtcdVolumesPerNode(t *testing.T) {
	budget := func(att, iops, mbps int64, note string) NodeDiskBudget {
		return NodeDiskBudget{Attachments: att, IOPS: iops, MBps: mbps, AttachmentsLimit: "attachments", IOPSLimit: "node IOPS", MBpsLimit: "node MBps", Note: note}
	}
	cases := []struct {
		name  string
		b     NodeDiskBudget
		want  int64
		limit string
	}{
		// Standard_D8s_v5: 16 data disks, 12,800 IOPS (25 members), 290 MBps (29).
		{"AttachmentsBind", budget(16, 12800, 290, ""), 16, "attachments"},
		// m7i.2xlarge: 31 EBS attachments, 12,000 baseline IOPS (24), 312 MB/s (31).
		{"IOPSBind", budget(31, 12000, 312, ""), 24, "node IOPS: 12000 per node / 500 per etcd member"},
		// 32 attachments, 51 by IOPS, 19 by MBps.
		{"MBpsBind", budget(32, 25600, 190, ""), 19, "node MBps: 190 per node / 10 per etcd member"},
		// Ties go to attachments (Standard_F2s_v2: 4 disks, 6 by IOPS, 4 by MBps), then throughput.
		{"TieAttachments", budget(4, 3200, 47, ""), 4, "attachments"},
		{"TieMBps", budget(32, 5000, 10, ""), 1, "node MBps: 10 per node / 10 per etcd member"},
		// A budget below one member's need still attaches one volume, and says so.
		{"Below", budget(4, 400, 85, ", a note"), 1,
			"node IOPS: 400 per node / 500 per etcd member, a note; below one etcd member's sustained need, so even one volume gets less"},
	}
	for _, tc := range cases {
		n, limit := tc.b.EtcdVolumesPerNode()
		if n != tc.want || limit != tc.limit {
			t.Errorf("%s: EtcdVolumesPerNode = %d, %q; want %d, %q", tc.name, n, limit, tc.want, tc.limit)
		}
	}
}
