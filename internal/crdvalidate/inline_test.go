package crdvalidate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// widgetCRDs is a folder's worth of CRDs in one multi-document file: a
// Widget with a served v1, a deprecated v1beta1 and an unserved v1alpha1,
// a cluster-scoped Gizmo, and a document of another kind that Load ignores.
const widgetCRDs = `
# comment-only documents and other kinds are ignored
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-crd
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
spec:
  group: example.org
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [color]
            x-kubernetes-validations:
            - rule: self.size <= 5 || self.color == 'red'
              message: only red widgets may be larger than 5
              fieldPath: .size
            properties:
              color: {type: string, enum: [red, blue]}
              size: {type: integer, minimum: 1, maximum: 10, default: 1}
              label: {type: string, pattern: '^[a-z]+$'}
              tags:
                type: array
                x-kubernetes-list-type: set
                items: {type: string}
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    deprecationWarning: example.org/v1beta1 Widget is deprecated; use example.org/v1 Widget
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.org
spec:
  group: example.org
  names: {kind: Gizmo, plural: gizmos}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              count: {type: integer}
`

// objectCRD is a cut-down provider-kubernetes Object.
const objectCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: objects.kubernetes.crossplane.io
spec:
  group: kubernetes.crossplane.io
  names: {kind: Object, plural: objects}
  scope: Cluster
  versions:
  - name: v1alpha2
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [forProvider]
            properties:
              forProvider:
                type: object
                required: [manifest]
                properties:
                  manifest:
                    type: object
                    x-kubernetes-embedded-resource: true
                    x-kubernetes-preserve-unknown-fields: true
`

func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadInline(t *testing.T) *crdvalidate.Validators {
	t.Helper()
	dir := writeFolder(t, map[string]string{
		"widgets.yaml": widgetCRDs,
		"object.yml":   objectCRD,
		"README.md":    "not YAML: ignored",
	})
	v, err := crdvalidate.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return v
}

const widgetYAML = `
apiVersion: example.org/v1
kind: Widget
metadata:
  name: w
  namespace: default
spec:
  color: blue
  size: 3
  label: abc
  tags: [a, b]
  extra: {anything: [1, 2]}
`

func TestCRDLoadInline(t *testing.T) {
	v := loadInline(t)
	got := strings.Join(v.Kinds(), "\n")
	wantKinds := []string{
		"example.org/v1, Kind=Widget", "example.org/v1beta1, Kind=Widget", "example.org/v1alpha1, Kind=Widget",
		"example.org/v1, Kind=Gizmo", "kubernetes.crossplane.io/v1alpha2, Kind=Object",
	}
	for _, k := range wantKinds {
		if !strings.Contains(got, k) {
			t.Errorf("Kinds() lacks %q:\n%s", k, got)
		}
	}
	if len(v.Kinds()) != len(wantKinds) {
		t.Errorf("Kinds() = %d kinds, want %d:\n%s", len(v.Kinds()), len(wantKinds), got)
	}
}

func TestCRDLoadErrors(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"EmptyFolder": {files: map[string]string{}, want: "no CustomResourceDefinition"},
		"BadYAML":     {files: map[string]string{"bad.yaml": "a: [\n"}, want: "bad.yaml"},
		"DuplicateCRD": {
			files: map[string]string{"a.yaml": objectCRD, "b.yaml": objectCRD},
			want:  "a second CRD defines Object.kubernetes.crossplane.io",
		},
		"NotStructural": {
			files: map[string]string{"a.yaml": strings.Replace(objectCRD, "properties:\n          spec:\n            type: object", "properties:\n          spec:\n            description: no type", 1)},
			want:  "not structural",
		},
		"OldCRDVersion": {
			files: map[string]string{"a.yaml": strings.Replace(objectCRD, "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1", 1)},
			want:  "not supported",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := crdvalidate.Load(writeFolder(t, tc.files))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := crdvalidate.Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Load() of a missing folder: want an error")
	}
}

func TestCRDValidateInline(t *testing.T) {
	v := loadInline(t)
	widget := func() map[string]any { return fixture(widgetYAML) }
	cases := map[string]struct {
		obj   func() map[string]any
		wants []want
	}{
		"Valid":             {obj: widget},
		"ValidWithDefaults": {obj: func() map[string]any { return del(widget(), "spec.size") }},
		"ValidWithoutNamespace": {
			obj: func() map[string]any { return del(widget(), "metadata.namespace") },
		},
		"UnknownField": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.shape", "round") },
			wants: []want{{path: "spec.shape", typ: field.ErrorTypeForbidden, detail: "unknown field"}},
		},
		"UnknownTopLevelField": {
			obj:   func() map[string]any { return testutil.Set(widget(), "data", "x") },
			wants: []want{{path: "data", typ: field.ErrorTypeForbidden}},
		},
		"WrongType": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.size", "big") },
			wants: []want{{path: "spec.size", typ: field.ErrorTypeTypeInvalid}},
		},
		"BadEnum": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.color", "green") },
			wants: []want{{path: "spec.color", typ: field.ErrorTypeNotSupported}},
		},
		"BadPattern": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.label", "ABC") },
			wants: []want{{path: "spec.label", typ: field.ErrorTypeInvalid}},
		},
		"AboveMaximum": {
			obj: func() map[string]any {
				return testutil.Set(testutil.Set(widget(), "spec.size", 11), "spec.color", "red")
			},
			wants: []want{{path: "spec.size", typ: field.ErrorTypeInvalid, detail: "less than or equal to 10"}},
		},
		"MissingRequired": {
			obj:   func() map[string]any { return del(widget(), "spec.color") },
			wants: []want{{path: "spec.color", typ: field.ErrorTypeRequired}},
		},
		"DuplicateInSet": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.tags", []any{"a", "a"}) },
			wants: []want{{path: "spec.tags[1]", typ: field.ErrorTypeDuplicate}},
		},
		"CELViolation": {
			obj:   func() map[string]any { return testutil.Set(widget(), "spec.size", 7) },
			wants: []want{{path: "spec.size", typ: field.ErrorTypeInvalid, detail: "only red widgets"}},
		},
		"CELSkippedWhenBlocked": {
			obj: func() map[string]any {
				return testutil.Set(testutil.Set(widget(), "spec.size", 7), "spec.color", "green")
			},
			wants: []want{{path: "spec.color", typ: field.ErrorTypeNotSupported}, {path: "", detail: "some validation rules were not checked"}},
		},
		"DeprecatedVersion": {
			obj:   func() map[string]any { return testutil.Set(widget(), "apiVersion", "example.org/v1beta1") },
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeInvalid, detail: "use example.org/v1 Widget"}},
		},
		"UnservedVersion": {
			obj:   func() map[string]any { return testutil.Set(widget(), "apiVersion", "example.org/v1alpha1") },
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeInvalid, detail: "not served"}},
		},
		"UnknownVersion": {
			obj:   func() map[string]any { return testutil.Set(widget(), "apiVersion", "example.org/v2") },
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeNotSupported}},
		},
		"KindWithoutCRD": {
			obj:   func() map[string]any { return testutil.Set(widget(), "kind", "Sprocket") },
			wants: []want{{path: "kind", typ: field.ErrorTypeInvalid, detail: "no CRD"}},
		},
		"MissingKind": {
			obj:   func() map[string]any { return del(widget(), "kind") },
			wants: []want{{path: "kind", typ: field.ErrorTypeRequired}},
		},
		"MissingName": {
			obj:   func() map[string]any { return del(widget(), "metadata.name") },
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeRequired}},
		},
		"OnlyGenerateName": {
			obj: func() map[string]any {
				return testutil.Set(del(widget(), "metadata.name"), "metadata.generateName", "w-")
			},
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeRequired}},
		},
		"NamespaceOnClusterScopedKind": {
			obj: func() map[string]any {
				return fixture("apiVersion: example.org/v1\nkind: Gizmo\nmetadata: {name: g, namespace: default}\nspec: {count: 1}\n")
			},
			wants: []want{{path: "metadata.namespace", typ: field.ErrorTypeForbidden}},
		},
		"BadLabel": {
			obj: func() map[string]any {
				return testutil.Set(widget(), "metadata.labels", map[string]any{"a": "not valid!"})
			},
			wants: []want{{path: "metadata.labels", typ: field.ErrorTypeInvalid}},
		},
		"ObjectValid": {
			obj: func() map[string]any {
				return testutil.Set(fixture("apiVersion: kubernetes.crossplane.io/v1alpha2\nkind: Object\nmetadata: {name: o}\n"), "spec.forProvider.manifest", widget())
			},
		},
		"ObjectWithInvalidManifest": {
			obj: func() map[string]any {
				m := testutil.Set(testutil.Set(widget(), "spec.size", 7), "spec.shape", "round")
				return testutil.Set(fixture("apiVersion: kubernetes.crossplane.io/v1alpha2\nkind: Object\nmetadata: {name: o}\n"), "spec.forProvider.manifest", m)
			},
			wants: []want{
				{path: "spec.forProvider.manifest.spec.size", detail: "only red widgets"},
				{path: "spec.forProvider.manifest.spec.shape", typ: field.ErrorTypeForbidden},
			},
		},
		"ObjectWithManifestWithoutKind": {
			obj: func() map[string]any {
				return testutil.Set(fixture("apiVersion: kubernetes.crossplane.io/v1alpha2\nkind: Object\nmetadata: {name: o}\n"), "spec.forProvider.manifest", del(widget(), "kind"))
			},
			wants: []want{{path: "spec.forProvider.manifest.kind", typ: field.ErrorTypeRequired}},
		},
		"ObjectWithUnknownManifestMetadata": {
			obj: func() map[string]any {
				return testutil.Set(fixture("apiVersion: kubernetes.crossplane.io/v1alpha2\nkind: Object\nmetadata: {name: o}\n"), "spec.forProvider.manifest", testutil.Set(widget(), "metadata.owner", "me"))
			},
			wants: []want{{path: "spec.forProvider.manifest.metadata.owner", typ: field.ErrorTypeForbidden}},
		},
		"ConfigMapValid": {
			obj: func() map[string]any {
				return fixture("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
			},
		},
		"SecretBadBase64": {
			obj: func() map[string]any {
				return fixture("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: '!!!'}\n")
			},
			wants: []want{{path: "", detail: "illegal base64"}},
		},
		"SecretDuplicateKeyCase": {
			obj: func() map[string]any {
				return fixture("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nStringData: {a: b}\n")
			},
			wants: []want{{path: "StringData", typ: field.ErrorTypeForbidden}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := tc.obj()
			before := list(field.ErrorList{field.Invalid(field.NewPath("x"), o, "")})
			check(t, v.Validate(o), tc.wants...)
			if after := list(field.ErrorList{field.Invalid(field.NewPath("x"), o, "")}); after != before {
				t.Errorf("Validate changed its input:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestCRDDir(t *testing.T) {
	existing := t.TempDir()
	cases := map[string]struct {
		env    string
		wantOK bool
		want   string
	}{
		"Absolute":      {env: existing, wantOK: true, want: existing},
		"AbsoluteGone":  {env: filepath.Join(existing, "gone"), wantOK: false, want: filepath.Join(existing, "gone")},
		"RelativeToMod": {env: "internal", wantOK: true, want: string(filepath.Separator) + "internal"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(crdvalidate.EnvCRDsDir, tc.env)
			dir, ok := crdvalidate.Dir()
			if ok != tc.wantOK || !strings.HasSuffix(dir, tc.want) {
				t.Errorf("Dir() = %q, %v; want a path ending in %q, %v", dir, ok, tc.want, tc.wantOK)
			}
		})
	}
	t.Run("Default", func(t *testing.T) {
		t.Setenv(crdvalidate.EnvCRDsDir, "")
		dir, _ := crdvalidate.Dir()
		if want := filepath.Join("shared", "crds"); !strings.HasSuffix(dir, want) || !filepath.IsAbs(dir) {
			t.Errorf("Dir() = %q, want an absolute path ending in %q", dir, want)
		}
	})
	t.Run("RequireSkips", func(t *testing.T) {
		t.Setenv(crdvalidate.EnvCI, "")
		t.Setenv(crdvalidate.EnvCRDsDir, filepath.Join(existing, "gone"))
		ft := &fakeTB{TB: t}
		crdvalidate.Require(ft)
		if !strings.Contains(ft.skipped, "no CRDs at ") || !strings.Contains(ft.skipped, "set CRDS_DIR to the upstream CRDs to validate composed resources") {
			t.Errorf("Require skipped with %q", ft.skipped)
		}
		if ft.failed != "" {
			t.Errorf("Require failed outside CI: %q", ft.failed)
		}
	})
	t.Run("RequireFailsInCI", func(t *testing.T) {
		t.Setenv(crdvalidate.EnvCI, "true")
		t.Setenv(crdvalidate.EnvCRDsDir, filepath.Join(existing, "gone"))
		ft := &fakeTB{TB: t}
		crdvalidate.Require(ft)
		if ft.skipped != "" || !strings.Contains(ft.failed, "no CRDs at ") {
			t.Errorf("with CI=true Require must fail, not skip: skipped %q, failed %q", ft.skipped, ft.failed)
		}
	})
}

// fakeTB records a skip or a failure instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
}

func (f *fakeTB) Skip(args ...any) { f.skipped = fmt.Sprint(args...) }

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

func (f *fakeTB) Helper() {}
