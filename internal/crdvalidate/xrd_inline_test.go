package crdvalidate_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const xrdYAML = `
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: xwidgets.example.org
spec:
  group: example.org
  names: {kind: XWidget, plural: xwidgets}
  scope: Cluster
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            required: [region]
            x-kubernetes-validations:
            - rule: "!self.ha || self.pool.min >= 3"
              message: must be at least 3 when ha is true
              fieldPath: .pool.min
            - rule: self.cloud == oldSelf.cloud
              message: cloud is immutable
            properties:
              cloud: {type: string, enum: [aws, gcp], default: aws}
              region: {type: string, minLength: 1}
              ha: {type: boolean, default: true}
              pool:
                type: object
                default: {}
                properties:
                  min: {type: integer, default: 3, minimum: 1}
              zones:
                type: array
                maxItems: 2
                x-kubernetes-list-type: set
                items: {type: string}
          status:
            type: object
            properties:
              ready: {type: boolean}
`

func loadXRD(t *testing.T) *crdvalidate.XRD {
	t.Helper()
	dir := writeFolder(t, map[string]string{"xrd.yaml": xrdYAML})
	x, err := crdvalidate.LoadXRD(filepath.Join(dir, "xrd.yaml"))
	if err != nil {
		t.Fatalf("LoadXRD: %v", err)
	}
	return x
}

const xwidgetYAML = `
apiVersion: example.org/v1alpha1
kind: XWidget
metadata:
  name: w
  labels: {a: b}
spec:
  region: eu
`

func TestXRDDefault(t *testing.T) {
	x := loadXRD(t)
	got := fixture(xwidgetYAML)
	x.Default(got)
	want := fixture(xwidgetYAML)
	testutil.Set(want, "spec.cloud", "aws")
	testutil.Set(want, "spec.ha", true)
	testutil.Set(want, "spec.pool", map[string]any{"min": int64(3)})
	// Defaults decoded from the schema are int64, YAML fixtures float64:
	// compare them as JSON.
	if diff := cmp.Diff(jsonRoundTrip(t, want), jsonRoundTrip(t, got)); diff != "" {
		t.Errorf("Default() -want +got:\n%s", diff)
	}

	other := fixture(strings.Replace(xwidgetYAML, "kind: XWidget", "kind: XGadget", 1))
	x.Default(other)
	if _, ok := other["spec"].(map[string]any)["cloud"]; ok {
		t.Error("Default() defaulted a kind the XRD does not define")
	}
}

func jsonRoundTrip(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestXRDValidate(t *testing.T) {
	x := loadXRD(t)
	xr := func() map[string]any { return fixture(xwidgetYAML) }
	cases := map[string]struct {
		obj   func() map[string]any
		wants []want
	}{
		"Valid": {obj: xr},
		"CrossplaneFieldsAccepted": {
			obj: func() map[string]any {
				o := testutil.Set(xr(), "spec.crossplane.compositionRef.name", "c")
				return testutil.Set(o, "status.conditions", []any{map[string]any{"type": "Ready", "status": "True"}})
			},
		},
		"CELWithDefaults": {
			obj:   func() map[string]any { return testutil.Set(xr(), "spec.pool.min", 2) },
			wants: []want{{path: "spec.pool.min", typ: field.ErrorTypeInvalid, detail: "at least 3"}},
		},
		"CELSatisfied": {
			obj: func() map[string]any { return testutil.Set(testutil.Set(xr(), "spec.pool.min", 2), "spec.ha", false) },
		},
		"Required": {
			obj:   func() map[string]any { return del(xr(), "spec.region") },
			wants: []want{{path: "spec.region", typ: field.ErrorTypeRequired}},
		},
		"Enum": {
			obj:   func() map[string]any { return testutil.Set(xr(), "spec.cloud", "azure") },
			wants: []want{{path: "spec.cloud", typ: field.ErrorTypeNotSupported}},
		},
		"TooMany": {
			obj:   func() map[string]any { return testutil.Set(xr(), "spec.zones", []any{"a", "b", "c"}) },
			wants: []want{{path: "spec.zones", typ: field.ErrorTypeTooMany}},
		},
		"Duplicate": {
			obj:   func() map[string]any { return testutil.Set(xr(), "spec.zones", []any{"a", "a"}) },
			wants: []want{{path: "spec.zones[1]", typ: field.ErrorTypeDuplicate}},
		},
		"UnknownField": {
			obj:   func() map[string]any { return testutil.Set(xr(), "spec.shade", "red") },
			wants: []want{{path: "spec.shade", typ: field.ErrorTypeForbidden}},
		},
		"WrongKind": {
			obj:   func() map[string]any { return testutil.Set(xr(), "kind", "XGadget") },
			wants: []want{{path: "kind", typ: field.ErrorTypeInvalid}},
		},
		"UnservedVersion": {
			obj:   func() map[string]any { return testutil.Set(xr(), "apiVersion", "example.org/v1") },
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeInvalid}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := tc.obj()
			check(t, x.Validate(o), tc.wants...)
		})
	}
}

func TestLoadXRDErrors(t *testing.T) {
	cases := map[string]struct {
		content string
		want    string
	}{
		"NotAnXRD":   {content: "apiVersion: v1\nkind: ConfigMap\n", want: "not a apiextensions.crossplane.io/v2 CompositeResourceDefinition"},
		"OldVersion": {content: strings.Replace(xrdYAML, "crossplane.io/v2", "crossplane.io/v1", 1), want: "not a"},
		"NoVersions": {content: "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nspec: {group: a.b}\n", want: "no versions"},
		"NoSchema":   {content: "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nspec: {versions: [{name: v1}]}\n", want: "no schema"},
		"BadYAML":    {content: "a: [\n", want: "cannot decode"},
		"NonStructural": {
			content: strings.Replace(xrdYAML, "region: {type: string, minLength: 1}", "region: {minLength: 1}", 1),
			want:    "not structural",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeFolder(t, map[string]string{"xrd.yaml": tc.content})
			_, err := crdvalidate.LoadXRD(filepath.Join(dir, "xrd.yaml"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadXRD() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
