// Package cloudtest helps the tests of the cloud packages (fn/aws, fn/gcp,
// fn/azure) run what the function runs: its pipeline on an XR, and the
// environment it gives a cloud. Only external test packages (package
// aws_test, ...) may import it: it imports the function, which imports the
// clouds.
package cloudtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// SecretNamespace is where Env has connection secrets written.
const SecretNamespace = "crossplane-system"

// ExampleXR reads example/<name>.yaml of the repository.
func ExampleXR(t testing.TB, name string) map[string]any {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "example", name+".yaml")) //nolint:gosec // test fixtures.
	if err != nil {
		t.Fatal(err)
	}
	xr := map[string]any{}
	if err := yaml.Unmarshal(b, &xr); err != nil {
		t.Fatal(err)
	}
	return xr
}

// Prepare runs the function's pipeline (fn.Prepare) on an XR, given as a
// map or as JSON, with an empty input.
func Prepare(t testing.TB, xr any) (*fn.Prepared, field.ErrorList) {
	t.Helper()
	raw, ok := xr.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(xr); err != nil {
			t.Fatal(err)
		}
	}
	return fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}})
}

// MustPrepare is Prepare of a valid XR.
func MustPrepare(t testing.TB, xr any) *fn.Prepared {
	t.Helper()
	pr, errs := Prepare(t, xr)
	if len(errs) > 0 {
		t.Fatalf("fn.Prepare: %v", errs.ToAggregate())
	}
	return pr
}

// Env is the environment the function gives a cloud: cluster-scoped (no
// namespace) or namespaced, delivering in-cluster manifests through
// provider-kubernetes Objects or directly, with the cloud's ProviderConfig,
// the input's label team=platform and the input's tags.
func Env(namespace string, direct bool, providerConfig string, tags map[string]string) cloud.Env {
	scope := compose.Scope{Namespace: namespace, ProviderConfigKind: spec.DefaultProviderConfigKind}
	return cloud.Env{
		Scope:           scope,
		Delivery:        compose.Delivery{Direct: direct, Scope: scope, ProviderConfig: spec.DefaultProviderConfig},
		ProviderConfig:  providerConfig,
		Labels:          map[string]string{"team": "platform"},
		Tags:            tags,
		SecretNamespace: SecretNamespace,
	}
}

// Objects are the rendered resources as JSON, by key; a key rendered twice
// is an error.
func Objects(t testing.TB, out *cloud.Output) map[string]map[string]any {
	t.Helper()
	m := map[string]map[string]any{}
	for _, r := range out.Resources {
		if _, dup := m[r.Key]; dup {
			t.Errorf("duplicate key %s", r.Key)
		}
		m[r.Key] = testutil.JSON(t, r.Object)
	}
	return m
}

// NoDatabase checks that out composes nothing of the database concern.
func NoDatabase(t testing.TB, out *cloud.Output) {
	t.Helper()
	if out.Database != nil {
		t.Errorf("Database = %+v without the Query API", out.Database)
	}
	for _, r := range out.Resources {
		if r.Component == cloud.ComponentDatabase {
			t.Errorf("database resource %s without the Query API", r.Key)
		}
	}
}

// Catalog checks a cloud's catalog: the sizes of known machine types, that
// it does not size unknown ones, and that it sizes every default.
func Catalog(t testing.TB, c *cloud.Cloud, known map[string]plan.Machine, unknown []string) {
	t.Helper()
	for mt, want := range known {
		if got, ok := c.Machine(mt); !ok || got != want {
			t.Errorf("Machine(%q) = %+v, %v; want %+v", mt, got, ok, want)
		}
	}
	for _, mt := range unknown {
		if got, ok := c.Machine(mt); ok {
			t.Errorf("Machine(%q) = %+v, want unknown", mt, got)
		}
	}
	d := c.Defaults
	for _, mt := range slices.Concat(d.EtcdMachineTypes, d.APIServerMachineTypes, d.ControlPlanesMachineTypes) {
		if _, ok := c.Machine(mt); !ok {
			t.Errorf("default machine type %q is not in the catalog", mt)
		}
	}
}

// MatchCRDs validates every resource of out against the upstream CRDs
// (served, not deprecated versions; unknown fields, types, enums and CEL
// rules); it skips where the CRDs are not there (see crdvalidate).
func MatchCRDs(t testing.TB, out *cloud.Output) {
	t.Helper()
	v := crdvalidate.RequireValidators(t)
	for key, o := range Objects(t, out) {
		for _, e := range v.Validate(o) {
			t.Errorf("%s: %v", key, e)
		}
	}
}
