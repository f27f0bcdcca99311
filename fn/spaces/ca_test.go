package spaces

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// caObject is the Object that delivers the CA Secret, copying data[ca.crt]
// from the Secret the cloud names.
func caObject(apiVersion, providerConfigRef, from string) string {
	return `{
  "apiVersion": "` + apiVersion + `",
  "kind": "Object",
  "metadata": {"name": "prod-use1-query-api-ca"},
  "spec": {
    "providerConfigRef": ` + providerConfigRef + `,
    "readiness": {"policy": "SuccessfulCreate"},
    "forProvider": {"manifest": {
      "apiVersion": "v1",
      "kind": "Secret",
      "metadata": {"name": "spaces-query-api-postgres-ca", "namespace": "upbound-system"},
      "type": "Opaque"
    }},
    "references": [{
      "patchesFrom": ` + from + `,
      "toFieldPath": "data[ca.crt]"
    }]
  }
}`
}

// TestQueryAPIVerifiesTheDatabase: with a CA the Query API verifies the
// server (the cloud's sslmode, connection.ca.name), the CA delivered like
// the credentials; without one it only encrypts (require).
func TestQueryAPIVerifiesTheDatabase(t *testing.T) {
	userCA := func(ns string) func() *cloud.Database {
		return func() *cloud.Database {
			db := testDB()
			db.CA = &compose.SecretKeySelector{Name: "rds-ca-bundle", Namespace: ns, Key: "ca.crt"}
			db.CASSLMode = "verify-full"
			return db
		}
	}
	// Like Cloud SQL: the CA is a key of the connection secret.
	connectionCA := func() *cloud.Database {
		db := noLoginDB()
		db.CA = &compose.SecretKeySelector{Name: "prod-use1-db-conn", Namespace: "upbound-system", Key: "serverCACertificateCert"}
		db.CASSLMode = "verify-ca"
		return db
	}
	cases := map[string]struct {
		db          func() *cloud.Database
		env         cloud.Env
		wantObject  string // JSON; "" for none
		wantSSLMode string
		wantCA      string // connection.ca; "" for absent
	}{
		"NoCA": {db: testDB, env: clusterEnv(), wantSSLMode: "require"},
		"UserCA": {
			db: userCA("crossplane-system"), env: clusterEnv(),
			wantObject: caObject("kubernetes.crossplane.io/v1alpha2", `{"name": "k8s-pc"}`,
				`{"apiVersion": "v1", "kind": "Secret", "name": "rds-ca-bundle", "namespace": "crossplane-system", "fieldPath": "data[ca.crt]"}`),
			wantSSLMode: "verify-full", wantCA: `{"name": "spaces-query-api-postgres-ca"}`,
		},
		// The namespaced Object controller does not default
		// patchesFrom.namespace: the XR's, always written.
		"UserCANamespaced": {
			db: userCA(""), env: namespacedEnv(),
			wantObject: caObject("kubernetes.m.crossplane.io/v1alpha1", `{"kind": "ClusterProviderConfig", "name": "k8s-pc"}`,
				`{"apiVersion": "v1", "kind": "Secret", "name": "rds-ca-bundle", "namespace": "team-a", "fieldPath": "data[ca.crt]"}`),
			wantSSLMode: "verify-full", wantCA: `{"name": "spaces-query-api-postgres-ca"}`,
		},
		// The user's Secret already holds ca.crt and lands in the Spaces
		// namespace: the chart reads it, nothing to compose.
		"UserCADirect": {
			db: userCA("upbound-system"), env: directEnv(),
			wantSSLMode: "verify-full", wantCA: `{"name": "rds-ca-bundle"}`,
		},
		"ConnectionSecretCA": {
			db: connectionCA, env: clusterEnv(),
			wantObject: caObject("kubernetes.crossplane.io/v1alpha2", `{"name": "k8s-pc"}`,
				`{"apiVersion": "v1", "kind": "Secret", "name": "prod-use1-db-conn", "namespace": "upbound-system", "fieldPath": "data.serverCACertificateCert"}`),
			wantSSLMode: "verify-ca", wantCA: `{"name": "spaces-query-api-postgres-ca"}`,
		},
		// The key is not ca.crt: copied into the chart's Secret even with
		// Direct delivery.
		"ConnectionSecretCADirect": {
			db: connectionCA, env: directEnv(),
			wantObject: caObject("kubernetes.crossplane.io/v1alpha2", `{"name": "k8s-pc"}`,
				`{"apiVersion": "v1", "kind": "Secret", "name": "prod-use1-db-conn", "namespace": "upbound-system", "fieldPath": "data.serverCACertificateCert"}`),
			wantSSLMode: "verify-ca", wantCA: `{"name": "spaces-query-api-postgres-ca"}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			db := tc.db()
			got := CA(p, db, tc.env)
			switch {
			case tc.wantObject == "" && len(got) != 0:
				t.Errorf("CA() = %d resources, want none", len(got))
			case tc.wantObject != "" && len(got) != 1:
				t.Errorf("CA() = %d resources, want 1", len(got))
			case tc.wantObject != "":
				if got[0].Key != CAKey || got[0].Component != cloud.ComponentDatabase {
					t.Errorf("Key, Component = %q, %q", got[0].Key, got[0].Component)
				}
				if g, w := testutil.JSON(t, got[0].Object), js(t, tc.wantObject); !reflect.DeepEqual(any(g), w) {
					gb, _ := json.MarshalIndent(g, "", "  ")
					t.Errorf("CA() object differs; got:\n%s", gb)
				}
			}
			rel := render(t, p, db, tc.env)
			const conn = "spec.forProvider.values.apollo.apollo.storage.postgres.connection."
			if v, _ := at(rel, conn+"sslmode"); v != tc.wantSSLMode {
				t.Errorf("sslmode = %v, want %s", v, tc.wantSSLMode)
			}
			v, ok := at(rel, conn+"ca")
			switch {
			case tc.wantCA == "" && ok:
				t.Errorf("connection.ca = %v, want it absent", v)
			case tc.wantCA != "" && !reflect.DeepEqual(v, js(t, tc.wantCA)):
				t.Errorf("connection.ca = %v, want %s", v, tc.wantCA)
			}
		})
	}
}
