package fn

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestStorageNeverShrinks: a database that has more storage than the spec
// asks for (the user lowered storageGiB or minIOPS, or storage autoscaling
// grew it) keeps what it has, with a Warning naming the field. The observed
// instances are shaped the way provider-upjet-aws and -azure write them.
func TestStorageNeverShrinks(t *testing.T) {
	cases := map[string]struct {
		xr       string
		key      string
		observed map[string]any
		path     string
		want     any
	}{
		// RDS: the spec's 100 GiB at 400 IOPS is gp3 100 GiB; the instance
		// has 500 GiB: it keeps 500.
		"AWS": {
			xr: "../example/xr-aws.yaml", key: "database-instance",
			observed: map[string]any{"apiVersion": "rds.aws.upbound.io/v1beta3", "kind": "Instance", "metadata": map[string]any{"name": "x"},
				"status": map[string]any{"atProvider": map[string]any{"allocatedStorage": float64(500), "address": "db.example.com"}}},
			path: "spec.forProvider.allocatedStorage", want: float64(500),
		},
		// Flexible Server: 100 GiB is storageMb 131072 (P10); the server
		// grew to 262144 MiB, whose default tier is P15: the tier follows.
		"Azure": {
			xr: "../example/xr-azure.yaml", key: "database-server",
			observed: map[string]any{"apiVersion": "dbforpostgresql.azure.upbound.io/v1beta2", "kind": "FlexibleServer", "metadata": map[string]any{"name": "x"},
				"status": map[string]any{"atProvider": map[string]any{"storageMb": float64(262144), "fqdn": "db.example.com"}}},
			path: "spec.forProvider.storageTier", want: "P15",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, tc.xr)
			testutil.Set(xr, "spec.queryAPI.postgres.storageGiB", 100)
			rsp := run(t, newRequest(t, xr, map[string]map[string]any{tc.key: tc.observed}))
			r := rsp.GetDesired().GetResources()[tc.key]
			if r == nil {
				t.Fatalf("no %s composed; results: %v", tc.key, rsp.GetResults())
			}
			if got := testutil.Get(r.GetResource().AsMap(), strings.Split(tc.path, ".")...); got != tc.want {
				t.Errorf("%s = %v, want %v", tc.path, got, tc.want)
			}
			var warned bool
			for _, res := range rsp.GetResults() {
				if res.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.HasPrefix(res.GetMessage(), "spec.queryAPI.postgres.storageGiB (with minIOPS) asks for ") && strings.Contains(res.GetMessage(), "storage never shrinks") {
					warned = true
				}
			}
			if !warned {
				t.Errorf("no Warning naming spec.queryAPI.postgres.storageGiB; results: %v", rsp.GetResults())
			}
			st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
			found := false
			for _, w := range st["warnings"].([]any) {
				found = found || strings.HasPrefix(w.(string), "spec.queryAPI.postgres.storageGiB")
			}
			if !found {
				t.Errorf("status.warnings lacks the storage warning: %v", st["warnings"])
			}
		})
	}
}

// TestCappedPoolWarns: 120 control planes need 12 m7i.2xlarge etcd nodes
// (360 volumes, 31 per node); a user's maxNodes of 5 is rendered as asked,
// with a Warning and status.warnings naming the field, the need and the
// shortfall.
func TestCappedPoolWarns(t *testing.T) {
	xr := readXR(t, minimalXR)
	testutil.Set(xr, "spec.capacity.controlPlanes", 120)
	testutil.Set(xr, "spec.nodePools.etcd.maxNodes", 5)
	rsp := run(t, newRequest(t, xr, nil))
	// 360 etcd volumes, 120 a zone; an m7i.2xlarge serves 24 (12,000
	// baseline EBS IOPS / 500): 5 a zone, 15 nodes.
	const want = "spec.nodePools.etcd.maxNodes is 5, below the 15 nodes the capacity plan needs (volumes bind: 360 volumes, 120 per zone, 24 per m7i.2xlarge node by EBS baseline IOPS: 12000 per node / 500 per etcd member: 3 zones x 5): 10 nodes short; pods beyond 5 nodes stay Pending"
	var sent bool
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Fatalf("Fatal: %s", r.GetMessage())
		}
		sent = sent || r.GetMessage() == want
	}
	if !sent {
		t.Errorf("no Warning %q; results: %v", want, rsp.GetResults())
	}
	st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	var listed bool
	for _, w := range st["warnings"].([]any) {
		listed = listed || w == want
	}
	if !listed {
		t.Errorf("status.warnings lacks it: %v", st["warnings"])
	}
	np := rsp.GetDesired().GetResources()["etcd-nodepool"].GetResource().AsMap()
	if got := testutil.Get(np, "spec", "forProvider", "manifest", "spec", "limits", "nodes"); got != "5" {
		t.Errorf("etcd NodePool limits.nodes = %v, want 5 (the user wins)", got)
	}
	for _, p := range testutil.Get(st, "capacityPlan", "pools").([]any) {
		m := p.(map[string]any)
		if m["name"] == "etcd" && (m["binding"] != "volumes" || m["neededNodes"] != float64(15) || m["shortfall"] != float64(10) || m["maxNodesSource"] != "user") {
			t.Errorf("status.capacityPlan etcd = %v", m)
		}
	}
}
