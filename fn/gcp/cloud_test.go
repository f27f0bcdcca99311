package gcp_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// exampleXR is the complete GCP example, read from the repository.
func exampleXR(t *testing.T) map[string]any {
	t.Helper()
	return cloudtest.ExampleXR(t, "xr-gcp")
}

// build runs the function's pipeline on an XR.
func build(t *testing.T, xr map[string]any) (*plan.Plan, renderer, *spec.Spec) {
	t.Helper()
	pr := cloudtest.MustPrepare(t, xr)
	return pr.Plan, renderer{pr.Spec}, pr.Spec
}

// renderer renders a plan of the spec with the GCP cloud, through the
// skeleton every cloud shares.
type renderer struct{ s *spec.Spec }

func (r renderer) Render(p *plan.Plan, e cloud.Env) (*cloud.Output, error) {
	return gcp.Cloud.Render(p, r.s, e), nil
}

// env is the environment the function gives GCP.
func env(namespace string, direct bool) cloud.Env {
	return cloudtest.Env(namespace, direct, "gcp", map[string]string{"CostCenter": "Spaces 42"})
}

func render(t *testing.T, xr map[string]any, e cloud.Env) *cloud.Output {
	t.Helper()
	p, r, _ := build(t, xr)
	out, err := r.Render(p, e)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

// get reads a dotted path of a JSON object.
func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func byKey(t *testing.T, out *cloud.Output, key string) compose.Resource {
	t.Helper()
	for _, r := range out.Resources {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no resource %q", key)
	return compose.Resource{}
}

func TestNamespaced(t *testing.T) {
	out := render(t, exampleXR(t), env("spaces", false))
	want := map[string]string{
		"etcd-nodepool":         gcp.NodePoolAPIVersionNamespaced,
		"etcd-storageclass":     compose.ObjectAPIVersionNamespaced,
		gcp.KeyDatabaseInstance: gcp.DatabaseInstanceAPIVersionNamespaced,
		gcp.KeyDatabase:         gcp.DatabaseAPIVersionNamespaced,
		gcp.KeyDatabaseUser:     gcp.UserAPIVersionNamespaced,
	}
	for key, av := range want {
		m := testutil.JSON(t, byKey(t, out, key).Object)
		if get(m, "apiVersion") != av {
			t.Errorf("%s apiVersion = %v, want %s", key, get(m, "apiVersion"), av)
		}
		if get(m, "spec.providerConfigRef.kind") != "ClusterProviderConfig" {
			t.Errorf("%s providerConfigRef = %v", key, get(m, "spec.providerConfigRef"))
		}
		if get(m, "spec.deletionPolicy") != nil {
			t.Errorf("%s: namespaced resources have no deletionPolicy", key)
		}
		if get(m, "metadata.namespace") != nil {
			t.Errorf("%s: namespace is Crossplane's to set", key)
		}
	}
	in := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseInstance).Object)
	if diff := cmp.Diff([]any{"Observe", "Create", "Update", "LateInitialize"}, get(in, "spec.managementPolicies")); diff != "" {
		t.Errorf("protected instance management policies: %s", diff)
	}
	if diff := cmp.Diff(map[string]any{"name": "prod-usc1-postgres-connection"}, get(in, "spec.writeConnectionSecretToRef")); diff != "" {
		t.Errorf("connection secret: %s", diff)
	}
	u := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseUser).Object)
	if diff := cmp.Diff(map[string]any{"name": "spaces-prod-postgres-password", "key": "password"}, get(u, "spec.forProvider.passwordSecretRef")); diff != "" {
		t.Errorf("password secret: %s", diff)
	}
	if out.Database.PasswordSecret.Namespace != "" || out.Database.ConnectionSecret.Namespace != "" {
		t.Errorf("namespaced secrets carry no namespace: %+v", out.Database)
	}
}
