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
