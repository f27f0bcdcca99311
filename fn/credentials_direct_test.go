package fn

import (
	"encoding/base64"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// renderObserved renders an XR until the Release appears: GCP and Azure
// compose it once the database reports its address.
func renderObserved(t *testing.T, xr map[string]any) map[string]map[string]any {
	t.Helper()
	var obs map[string]map[string]any
	var rsp *fnv1.RunFunctionResponse
	// The database, then the Release, then what lives in its namespace.
	for range 3 {
		rsp = run(t, newRequest(t, xr, obs))
		obs = map[string]map[string]any{}
		for k, r := range rsp.GetDesired().GetResources() {
			obs[k] = asProviderObserves(t, r.GetResource().AsMap())
		}
	}
	out := map[string]map[string]any{}
	for k, r := range rsp.GetDesired().GetResources() {
		out[k] = r.GetResource().AsMap()
	}
	if _, ok := out["spaces-release"]; !ok {
		t.Fatalf("no Release composed: %v", rsp.GetResults())
	}
	return out
}

// composedSecret finds the Secret name/namespace among the composed
// manifests (plain or inside an Object) and returns it with its Object.
func composedSecret(rs map[string]map[string]any, name, namespace string) (manifest, object map[string]any) {
	for _, r := range rs {
		m := r
		if r["kind"] == "Object" {
			m, _ = testutil.Get(r, "spec", "forProvider", "manifest").(map[string]any)
		}
		if m["kind"] == "Secret" && testutil.Get(m, "metadata", "name") == name && testutil.Get(m, "metadata", "namespace") == namespace {
			return m, r
		}
	}
	return nil, nil
}

// passwordSource is where an Object copies data.password from.
func passwordSource(object map[string]any) map[string]any {
	refs, _ := testutil.Get(object, "spec", "references").([]any)
	for _, r := range refs {
		rm, _ := r.(map[string]any)
		if rm["toFieldPath"] == "data.password" {
			pf, _ := rm["patchesFrom"].(map[string]any)
			return pf
		}
	}
	return nil
}

func byKind(rs map[string]map[string]any, kind string) map[string]any {
	for _, r := range rs {
		if r["kind"] == kind {
			return r
		}
	}
	return nil
}

// TestDirectDeliveryCredentials: with Direct delivery the Secret the chart
// reads (credentials.secret.name, format basicauth, user credentials.user)
// holds the Query API's login from the right sources on every cloud: RDS's
// own connection secret; on GCP a composed Secret with the Cloud SQL user and
// the password of passwordSecretName; on Azure a composed Secret with the
// bare administrator login (no @server suffix) and the generated password.
func TestDirectDeliveryCredentials(t *testing.T) {
	const ns = "upbound-system"
	cases := map[string]struct {
		xr    string
		check func(t *testing.T, rs map[string]map[string]any, user, secret string)
	}{
		"aws": {
			xr: "xr-aws-direct",
			check: func(t *testing.T, rs map[string]map[string]any, user, secret string) {
				t.Helper()
				inst := byKind(rs, "Instance")
				if got := testutil.Get(inst, "spec", "writeConnectionSecretToRef"); !equalRef(got, secret, ns) {
					t.Errorf("the chart reads %s/%s, the RDS Instance writes its connection secret (username, password) to %v", ns, secret, got)
				}
				if got := testutil.Get(inst, "spec", "forProvider", "username"); got != user {
					t.Errorf("credentials.user = %q, the RDS master user is %v", user, got)
				}
			},
		},
		"gcp": {
			xr: "xr-gcp",
			check: func(t *testing.T, rs map[string]map[string]any, user, secret string) {
				t.Helper()
				m, o := composedSecret(rs, secret, ns)
				if m == nil || o["kind"] != "Object" {
					t.Fatalf("no composed Secret %s/%s delivered through an Object", ns, secret)
				}
				u := byKind(rs, "User")
				login := testutil.Get(u, "metadata", "annotations", "crossplane.io/external-name")
				if got := b64(t, testutil.Get(m, "data", "username")); got != user || got != login {
					t.Errorf("username = %q, credentials.user = %q, the Cloud SQL user is %v", got, user, login)
				}
				pw := testutil.Get(u, "spec", "forProvider", "passwordSecretRef").(map[string]any)
				src := passwordSource(o)
				if src["name"] != "spaces-prod-postgres-password" || src["name"] != pw["name"] || src["namespace"] != pw["namespace"] || src["fieldPath"] != "data."+pw["key"].(string) {
					t.Errorf("password copied from %v, want passwordSecretName as the Cloud SQL user reads it: %v", src, pw)
				}
			},
		},
		"azure": {
			xr: "xr-azure",
			check: func(t *testing.T, rs map[string]map[string]any, user, secret string) {
				t.Helper()
				m, o := composedSecret(rs, secret, ns)
				if m == nil || o["kind"] != "Object" {
					t.Fatalf("no composed Secret %s/%s delivered through an Object", ns, secret)
				}
				srv := byKind(rs, "FlexibleServer")
				login := testutil.Get(srv, "spec", "forProvider", "administratorLogin")
				if got := b64(t, testutil.Get(m, "data", "username")); got != user || got != login || strings.Contains(got, "@") {
					t.Errorf("username = %q, credentials.user = %q, want the bare administrator login %v", got, user, login)
				}
				pw := testutil.Get(srv, "spec", "forProvider", "administratorPasswordSecretRef").(map[string]any)
				src := passwordSource(o)
				if src == nil || src["name"] != pw["name"] || src["namespace"] != pw["namespace"] || src["fieldPath"] != "data."+pw["key"].(string) {
					t.Errorf("password copied from %v, want the server's administrator password Secret %v", src, pw)
				}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, "../example/"+tc.xr+".yaml")
			testutil.Set(xr, "spec.delivery", "Direct")
			rs := renderObserved(t, xr)
			creds, _ := testutil.Get(rs["spaces-release"], "spec", "forProvider", "values", "apollo", "apollo", "storage", "postgres", "connection", "credentials").(map[string]any)
			if creds["format"] != "basicauth" {
				t.Fatalf("credentials = %v, want format basicauth", creds)
			}
			user, _ := creds["user"].(string)
			secret, _ := testutil.Get(creds, "secret", "name").(string)
			tc.check(t, rs, user, secret)
		})
	}
}

func equalRef(ref any, name, namespace string) bool {
	m, _ := ref.(map[string]any)
	return m["name"] == name && m["namespace"] == namespace
}

func b64(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q is not base64: %v", s, err)
	}
	return string(b)
}
