package azure_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const (
	testClusterID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.ContainerService/managedClusters/spaces-prod"
	testSubnetID  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pg"
	testDNSZoneID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.Network/privateDnsZones/spaces.postgres.database.azure.com"
)

// minimalXR is the smallest valid Azure XR as YAML.
const minimalXR = `
apiVersion: spacescaling.crossplane.io/v1alpha1
kind: XSpaceScaling
metadata:
  name: prod-eus
spec:
  cloud: azure
  region: eastus
  zones: ["1", "2", "3"]
  clusterName: spaces-prod
  spaces:
    version: 1.17.1
    account: acme
    routerHost: spaces.acme.example.com
    chartPullSecretRef: {name: upbound-chart-pull}
  azure:
    resourceGroupName: spaces-rg
    clusterId: ` + testClusterID + `
    delegatedSubnetId: ` + testSubnetID + `
    privateDnsZoneId: ` + testDNSZoneID + `
`

// build runs the function's pipeline (fn.Prepare) on an XR, after edit
// changes its decoded spec: decode, default and validate it, and build
// the plan.
func build(t *testing.T, xrYAML string, edit func(*spec.Spec)) (*plan.Plan, renderer) {
	t.Helper()
	pr, errs := prepare(t, xrYAML, edit)
	if len(errs) > 0 {
		t.Fatalf("fn.Prepare: %v", errs)
	}
	return pr.Plan, renderer{pr.Spec}
}

// prepare is fn.Prepare of an XR whose decoded spec edit changes.
func prepare(t *testing.T, xrYAML string, edit func(*spec.Spec)) (*fn.Prepared, field.ErrorList) {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(xrYAML))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		xr, errs := spec.Decode(raw)
		if len(errs) > 0 {
			t.Fatalf("Decode: %v", errs)
		}
		edit(&xr.Spec)
		if raw, err = json.Marshal(xr); err != nil {
			t.Fatal(err)
		}
	}
	return cloudtest.Prepare(t, raw)
}

// renderer renders a plan of the spec with the Azure cloud, through the
// skeleton every cloud shares.
type renderer struct{ s *spec.Spec }

func (r renderer) Render(p *plan.Plan, e cloud.Env) (*cloud.Output, error) {
	return azure.Cloud.Render(p, r.s, e), nil
}

// envFor is the environment the function gives Azure.
func envFor(namespace string, direct bool) cloud.Env {
	return cloudtest.Env(namespace, direct, "azure", map[string]string{"cost-center": "spaces"})
}

func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object at %s", strings.Join(path, "."), p)
		}
		cur = mm[p]
	}
	return cur
}

func byKey(t *testing.T, out *cloud.Output) map[string]map[string]any {
	t.Helper()
	return cloudtest.Objects(t, out)
}

func TestRenderResources(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	var keys, components []string
	for _, res := range out.Resources {
		keys = append(keys, res.Key)
		components = append(components, res.Component)
	}
	wantKeys := []string{"etcd-nodepool-zone-1", "etcd-nodepool-zone-2", "etcd-nodepool-zone-3", "apiserver-nodepool", "controlplanes-nodepool", "etcd-storageclass", "database-server", "database", "database-tls"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys: -want +got:\n%s", diff)
	}
	wantComponents := []string{cloud.ComponentEtcdPool, cloud.ComponentEtcdPool, cloud.ComponentEtcdPool, cloud.ComponentAPIServerPool, cloud.ComponentControlPlanesPool, cloud.ComponentStorage,
		cloud.ComponentDatabase, cloud.ComponentDatabase, cloud.ComponentDatabase}
	if diff := cmp.Diff(wantComponents, components); diff != "" {
		t.Errorf("components: -want +got:\n%s", diff)
	}

	// Rendering is deterministic.
	again, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(byKey(t, out), byKey(t, again)); diff != "" {
		t.Errorf("second render differs:\n%s", diff)
	}
}

// TestRenderValidatesAgainstCRDs checks every resource the renderer
// composes, in every scope and delivery, against the upstream CRDs
// (served, not deprecated, known fields, types, CEL rules).
func TestRenderValidatesAgainstCRDs(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	edits := map[string]func(*spec.Spec){
		"defaults":     nil,
		"userPassword": func(s *spec.Spec) { s.QueryAPI.Postgres.PasswordSecretName = "pg" },
		"noHA": func(s *spec.Spec) {
			ha := false
			s.QueryAPI.Postgres.HighAvailability = &ha
			s.QueryAPI.Postgres.DeletionProtection = false
		},
	}
	for name, edit := range edits {
		for _, ns := range []string{"", "spaces"} {
			for _, direct := range []bool{false, true} {
				if ns != "" && direct {
					continue // a namespaced XR cannot compose cluster-scoped objects
				}
				p, r := build(t, minimalXR, edit)
				out, err := r.Render(p, envFor(ns, direct))
				if err != nil {
					t.Fatal(err)
				}
				for _, res := range out.Resources {
					obj := testutil.JSON(t, res.Object)
					if ns != "" {
						// Crossplane puts composed resources in the XR's namespace.
						if meta, ok := obj["metadata"].(map[string]any); ok && obj["kind"] != "StorageClass" {
							meta["namespace"] = ns
						}
					}
					for _, e := range v.Validate(obj) {
						t.Errorf("%s ns=%q direct=%v %s: %v", name, ns, direct, res.Key, e)
					}
				}
			}
		}
	}
}

// TestExampleXR renders example/xr-azure.yaml, which must carry every
// field of the API.
func TestExampleXR(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "example", "xr-azure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, r := build(t, string(b), nil)
	if _, err := r.Render(p, envFor("", false)); err != nil {
		t.Fatal(err)
	}
	raw, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var xr map[string]any
	if err := json.Unmarshal(raw, &xr); err != nil {
		t.Fatal(err)
	}
	want := testutil.JSON(t, struct {
		Spec spec.Spec `json:"spec"`
	}{Spec: spec.Defaults()})
	missing := missingFields(want["spec"].(map[string]any), xr["spec"].(map[string]any), "spec")
	for _, f := range missing {
		if strings.HasPrefix(f, "spec.aws") || strings.HasPrefix(f, "spec.gcp") {
			continue
		}
		t.Errorf("example/xr-azure.yaml lacks %s", f)
	}
	az, _ := xr["spec"].(map[string]any)["azure"].(map[string]any)
	for _, f := range []string{"resourceGroupName", "clusterId", "delegatedSubnetId", "privateDnsZoneId"} {
		if az[f] == nil {
			t.Errorf("example/xr-azure.yaml lacks spec.azure.%s", f)
		}
	}
}

// missingFields lists the fields of want (the defaulted spec) absent from got.
func missingFields(want, got map[string]any, path string) []string {
	var out []string
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			out = append(out, path+"."+k)
			continue
		}
		wm, wok := wv.(map[string]any)
		gm, gok := gv.(map[string]any)
		if wok && gok {
			out = append(out, missingFields(wm, gm, path+"."+k)...)
		}
	}
	return out
}
