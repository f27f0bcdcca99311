package spaces

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func TestCredentials(t *testing.T) {
	cases := map[string]struct {
		db   func() *cloud.Database
		env  cloud.Env
		want string // JSON of the one resource's object; "" for none
	}{
		"ClusterScopedObject": {
			db: testDB, env: clusterEnv(),
			want: `{
  "apiVersion": "kubernetes.crossplane.io/v1alpha2",
  "kind": "Object",
  "metadata": {"name": "prod-use1-query-api-credentials"},
  "spec": {
    "providerConfigRef": {"name": "k8s-pc"},
    "readiness": {"policy": "SuccessfulCreate"},
    "forProvider": {"manifest": {
      "apiVersion": "v1",
      "kind": "Secret",
      "metadata": {"name": "spaces-query-api-postgres", "namespace": "upbound-system"},
      "type": "kubernetes.io/basic-auth",
      "data": {"username": "dXBib3VuZA=="}
    }},
    "references": [{
      "patchesFrom": {"apiVersion": "v1", "kind": "Secret", "name": "prod-use1-db-conn", "namespace": "crossplane-system", "fieldPath": "data.password"},
      "toFieldPath": "data.password"
    }]
  }
}`,
		},
		// The namespaced Object controller does not default
		// patchesFrom.namespace: it is the XR's, always written.
		"NamespacedObject": {
			db: namespacedDB, env: namespacedEnv(),
			want: `{
  "apiVersion": "kubernetes.m.crossplane.io/v1alpha1",
  "kind": "Object",
  "metadata": {"name": "prod-use1-query-api-credentials"},
  "spec": {
    "providerConfigRef": {"kind": "ClusterProviderConfig", "name": "k8s-pc"},
    "readiness": {"policy": "SuccessfulCreate"},
    "forProvider": {"manifest": {
      "apiVersion": "v1",
      "kind": "Secret",
      "metadata": {"name": "spaces-query-api-postgres", "namespace": "upbound-system"},
      "type": "kubernetes.io/basic-auth",
      "data": {"username": "dXBib3VuZA=="}
    }},
    "references": [{
      "patchesFrom": {"apiVersion": "v1", "kind": "Secret", "name": "prod-use1-db-conn", "namespace": "team-a", "fieldPath": "data.password"},
      "toFieldPath": "data.password"
    }]
  }
}`,
		},
		"UserPasswordSecretWithDottedKey": {
			db: func() *cloud.Database {
				db := testDB()
				db.PasswordSecret = compose.SecretKeySelector{Name: "my-pg", Namespace: "crossplane-system", Key: "attribute.password"}
				return db
			},
			env: clusterEnv(),
			want: `{
  "apiVersion": "kubernetes.crossplane.io/v1alpha2",
  "kind": "Object",
  "metadata": {"name": "prod-use1-query-api-credentials"},
  "spec": {
    "providerConfigRef": {"name": "k8s-pc"},
    "readiness": {"policy": "SuccessfulCreate"},
    "forProvider": {"manifest": {
      "apiVersion": "v1",
      "kind": "Secret",
      "metadata": {"name": "spaces-query-api-postgres", "namespace": "upbound-system"},
      "type": "kubernetes.io/basic-auth",
      "data": {"username": "dXBib3VuZA=="}
    }},
    "references": [{
      "patchesFrom": {"apiVersion": "v1", "kind": "Secret", "name": "my-pg", "namespace": "crossplane-system", "fieldPath": "data[attribute.password]"},
      "toFieldPath": "data.password"
    }]
  }
}`,
		},
		// The connection secret holds the login and lands in the Spaces
		// namespace: the chart reads it, nothing to compose.
		"DirectWithLogin": {db: testDB, env: directEnv()},
		// Cloud SQL and Azure: composed through an Object even with Direct
		// delivery (Crossplane and provider-kubernetes run in the Space
		// cluster), the password copied from the Secret there.
		"DirectWithoutLogin": {
			db: noLoginDB, env: directEnv(),
			want: `{
  "apiVersion": "kubernetes.crossplane.io/v1alpha2",
  "kind": "Object",
  "metadata": {"name": "prod-use1-query-api-credentials"},
  "spec": {
    "providerConfigRef": {"name": "k8s-pc"},
    "readiness": {"policy": "SuccessfulCreate"},
    "forProvider": {"manifest": {
      "apiVersion": "v1",
      "kind": "Secret",
      "metadata": {"name": "spaces-query-api-postgres", "namespace": "upbound-system"},
      "type": "kubernetes.io/basic-auth",
      "data": {"username": "dXBib3VuZA=="}
    }},
    "references": [{
      "patchesFrom": {"apiVersion": "v1", "kind": "Secret", "name": "prod-use1-postgres-password", "namespace": "upbound-system", "fieldPath": "data.password"},
      "toFieldPath": "data.password"
    }]
  }
}`,
		},
		"NoDatabase": {
			db:  func() *cloud.Database { return nil },
			env: clusterEnv(),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Credentials(testPlan(), tc.db(), tc.env)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("Credentials() = %d resources, want none", len(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("Credentials() = %d resources, want 1", len(got))
			}
			if got[0].Key != "query-api-credentials" || got[0].Component != cloud.ComponentDatabase {
				t.Errorf("Key, Component = %q, %q; want query-api-credentials, %q", got[0].Key, got[0].Component, cloud.ComponentDatabase)
			}
			g := testutil.JSON(t, got[0].Object)
			if w := js(t, tc.want); !reflect.DeepEqual(any(g), w) {
				gb, _ := json.MarshalIndent(g, "", "  ")
				t.Errorf("Credentials() object differs; got:\n%s", gb)
			}
		})
	}
}

func TestCredentialsLabels(t *testing.T) {
	env := clusterEnv()
	env.Labels = map[string]string{"team": "platform"}
	got := testutil.JSON(t, Credentials(testPlan(), testDB(), env)[0].Object)
	v, _ := at(got, "spec.forProvider.manifest.metadata.labels")
	if w := js(t, `{"team": "platform"}`); !reflect.DeepEqual(v, w) {
		t.Errorf("labels = %v, want %v", v, w)
	}
}

func TestCredentialsSecret(t *testing.T) {
	cases := map[string]struct {
		db   *cloud.Database
		env  cloud.Env
		want string
	}{
		"Object":           {db: testDB(), env: clusterEnv(), want: "spaces-query-api-postgres"},
		"ObjectNamespaced": {db: namespacedDB(), env: namespacedEnv(), want: "spaces-query-api-postgres"},
		"Direct":           {db: testDB(), env: directEnv(), want: "prod-use1-db-conn"},
		"DirectNoLogin":    {db: noLoginDB(), env: directEnv(), want: "spaces-query-api-postgres"},
		"DirectNoDatabase": {db: nil, env: directEnv(), want: "spaces-query-api-postgres"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := CredentialsSecret(tc.db, tc.env); got != tc.want {
				t.Errorf("CredentialsSecret() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNoPasswordInDesiredState: nothing the package composes carries a
// password: the Credentials manifest has no password key (it arrives by
// reference), and the Release names Secrets but holds no secret value, in
// every scope and delivery.
func TestNoPasswordInDesiredState(t *testing.T) {
	for name, env := range map[string]cloud.Env{"Cluster": clusterEnv(), "Namespaced": namespacedEnv(), "Direct": directEnv()} {
		t.Run(name, func(t *testing.T) {
			db := testDB()
			var objs []any
			for _, r := range Credentials(testPlan(), db, env) {
				objs = append(objs, r.Object)
				m := testutil.JSON(t, r.Object)
				manifest, ok := at(m, "spec.forProvider.manifest")
				if !ok {
					t.Fatalf("no manifest in %v", m)
				}
				if v, ok := at(manifest, "data.password"); ok {
					t.Errorf("manifest carries data.password = %v", v)
				}
				if v, ok := at(manifest, "stringData"); ok {
					t.Errorf("manifest carries stringData = %v", v)
				}
			}
			rel, err := Release(testPlan(), db, env)
			if err != nil {
				t.Fatal(err)
			}
			objs = append(objs, rel.Object)
			for _, o := range objs {
				walk(testutil.JSON(t, o), "", func(path string, _ any) {
					last := path[strings.LastIndex(path, ".")+1:]
					if strings.Contains(strings.ToLower(last), "password") {
						t.Errorf("%s: a password field in the desired state", path)
					}
				})
			}
		})
	}
}

// walk calls f on every leaf of a JSON tree with its dotted path.
func walk(v any, path string, f func(string, any)) {
	switch c := v.(type) {
	case map[string]any:
		for k, e := range c {
			walk(e, path+"."+k, f)
		}
	case []any:
		for i, e := range c {
			walk(e, path+"."+string(rune('0'+i)), f)
		}
	default:
		f(path, v)
	}
}
