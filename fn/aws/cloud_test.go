package aws_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// tags are the input's tags in these tests.
var tags = map[string]string{"cost-center": "spaces"}

// render runs the function's pipeline on the AWS example, after edit
// changes it, and renders it with AWS in the given scope and delivery.
func render(t *testing.T, namespace string, direct bool, edit func(xr map[string]any)) *cloud.Output {
	t.Helper()
	xr := cloudtest.ExampleXR(t, "xr-aws")
	if edit != nil {
		edit(xr)
	}
	pr := cloudtest.MustPrepare(t, xr)
	return aws.Cloud.Render(pr.Plan, pr.Spec, cloudtest.Env(namespace, direct, "aws", tags))
}

// objects are the rendered resources as JSON, by key.
func objects(t *testing.T, out *cloud.Output) map[string]map[string]any {
	t.Helper()
	return cloudtest.Objects(t, out)
}

// manifest is what an in-cluster resource delivers: the Object's manifest,
// or the resource itself with Direct delivery.
func manifest(o map[string]any) map[string]any {
	if m, ok := testutil.Get(o, "spec", "forProvider", "manifest").(map[string]any); ok {
		return m
	}
	return o
}

func TestRenderResources(t *testing.T) {
	out := render(t, "", false, nil)
	var keys, components []string
	for _, r := range out.Resources {
		keys = append(keys, r.Key)
		if !slices.Contains(components, r.Component) {
			components = append(components, r.Component)
		}
	}
	want := []string{
		"etcd-nodeclass", "etcd-nodepool", "apiserver-nodeclass", "apiserver-nodepool",
		"controlplanes-nodeclass", "controlplanes-nodepool", "etcd-storageclass",
		"database-subnetgroup", "database-instance",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys: -want +got:\n%s", diff)
	}
	wantComponents := []string{cloud.ComponentEtcdPool, cloud.ComponentAPIServerPool, cloud.ComponentControlPlanesPool, cloud.ComponentStorage, cloud.ComponentDatabase}
	if diff := cmp.Diff(wantComponents, components); diff != "" {
		t.Errorf("components: -want +got:\n%s", diff)
	}
	for key, o := range objects(t, out) {
		if key == aws.KeyDatabaseInstance || key == aws.KeyDatabaseSubnetGroup {
			continue
		}
		if o["apiVersion"] != "kubernetes.crossplane.io/v1alpha2" || o["kind"] != "Object" {
			t.Errorf("%s is delivered as %v %v, want a provider-kubernetes Object", key, o["apiVersion"], o["kind"])
		}
	}
	if out.Database == nil || out.Database.Key != aws.KeyDatabaseInstance {
		t.Errorf("Database = %+v, want the RDS instance", out.Database)
	}
}

func TestRenderWithoutDatabase(t *testing.T) {
	cloudtest.NoDatabase(t, render(t, "", false, func(xr map[string]any) { testutil.Set(xr, "spec.queryAPI.enabled", false) }))
}

func TestRenderDirect(t *testing.T) {
	o := objects(t, render(t, "", true, nil))
	for key, kind := range map[string]string{"etcd-nodepool": "NodePool", "etcd-nodeclass": "EC2NodeClass", "etcd-storageclass": "StorageClass"} {
		if o[key]["kind"] != kind {
			t.Errorf("%s kind = %v, want %s delivered as itself", key, o[key]["kind"], kind)
		}
	}
}

func TestRenderNamespaced(t *testing.T) {
	o := objects(t, render(t, "spaces", false, nil))
	for key, want := range map[string]string{
		aws.KeyDatabaseInstance:    aws.InstanceAPIVersionNamespaced,
		aws.KeyDatabaseSubnetGroup: aws.SubnetGroupAPIVersionNamespaced,
		"etcd-nodepool":            "kubernetes.m.crossplane.io/v1alpha1",
	} {
		if got := o[key]["apiVersion"]; got != want {
			t.Errorf("%s apiVersion = %v, want %s", key, got, want)
		}
	}
	if got := testutil.Get(o[aws.KeyDatabaseInstance], "spec", "providerConfigRef", "kind"); got != "ClusterProviderConfig" {
		t.Errorf("providerConfigRef.kind = %v", got)
	}
}

// TestResourcesMatchCRDs validates every resource AWS composes, in every
// scope and delivery, against the upstream CRDs.
func TestResourcesMatchCRDs(t *testing.T) {
	scopes := map[string]struct {
		namespace string
		direct    bool
	}{"cluster-scoped": {}, "direct": {direct: true}, "namespaced": {namespace: "spaces"}}
	for name, sc := range scopes {
		t.Run(name, func(t *testing.T) { cloudtest.MatchCRDs(t, render(t, sc.namespace, sc.direct, nil)) })
	}
}
