package fn

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestDatabaseCAPerCloud: where each cloud's database CA comes from, and
// the sslmode it verifies with. RDS and Flexible Server publish their CAs
// as public bundles the user supplies (without one: a Warning); Cloud SQL's
// instance writes its server CA to its connection secret.
func TestDatabaseCAPerCloud(t *testing.T) {
	cases := map[string]struct {
		example  string
		caSecret string // spec.queryAPI.postgres.caSecretName to set; "" keeps the example's, "-" removes it
		wantCA   *compose.SecretKeySelector
		wantMode string
		warns    bool
	}{
		"AWSWithoutCA": {example: "../example/xr-aws-minimal.yaml", caSecret: "-", wantMode: "verify-full", warns: true},
		"AWSWithCA": {example: "../example/xr-aws-minimal.yaml", caSecret: "rds-ca-bundle", wantMode: "verify-full",
			wantCA: &compose.SecretKeySelector{Name: "rds-ca-bundle", Namespace: "crossplane-system", Key: "ca.crt"}},
		"AzureWithCA": {example: "../example/xr-azure.yaml", wantMode: "verify-full",
			wantCA: &compose.SecretKeySelector{Name: "azure-postgres-ca", Namespace: "crossplane-system", Key: "ca.crt"}},
		"GCPFromTheConnectionSecret": {example: "../example/xr-gcp.yaml", wantMode: "verify-ca",
			wantCA: &compose.SecretKeySelector{Name: "prod-usc1-postgres-connection", Namespace: "crossplane-system", Key: "serverCACertificateCert"}},
		"GCPUserCAWins": {example: "../example/xr-gcp.yaml", caSecret: "my-ca", wantMode: "verify-ca",
			wantCA: &compose.SecretKeySelector{Name: "my-ca", Namespace: "crossplane-system", Key: "ca.crt"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, tc.example)
			switch tc.caSecret {
			case "":
			case "-":
				delete(xr["spec"].(map[string]any), "queryAPI")
			default:
				testutil.Set(xr, "spec.queryAPI.postgres.caSecretName", tc.caSecret)
			}
			raw, _ := json.Marshal(xr)
			pr, errs := Prepare(Request{XR: raw, Input: &v1beta1.Input{}})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			db := pr.Cloud.Render(pr.Plan, pr.Spec, pr.Env).Database
			if diff := cmp.Diff(tc.wantCA, db.CA); diff != "" {
				t.Errorf("CA: -want +got:\n%s", diff)
			}
			if db.CASSLMode != tc.wantMode {
				t.Errorf("CASSLMode = %q, want %q", db.CASSLMode, tc.wantMode)
			}
			warned := slices.ContainsFunc(db.Warnings, func(w string) bool {
				return len(w) > 40 && w[:40] == "spec.queryAPI.postgres.caSecretName is e"
			})
			if warned != tc.warns {
				t.Errorf("warning about a missing CA: %v, want %v (%q)", warned, tc.warns, db.Warnings)
			}
		})
	}
}
