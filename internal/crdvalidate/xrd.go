package crdvalidate

import (
	"fmt"
	"os"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// xrdAPIVersion is the only CompositeResourceDefinition version LoadXRD reads.
const xrdAPIVersion = "apiextensions.crossplane.io/v2"

// xrdDocument is the part of a Crossplane CompositeResourceDefinition the
// validator needs.
type xrdDocument struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
			Schema *struct {
				OpenAPIV3Schema *apiextensionsv1.JSONSchemaProps `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

// XRD is the compiled schema of every version of a Crossplane
// CompositeResourceDefinition.
type XRD struct {
	gk       schema.GroupKind
	versions map[string]*compiledSchema
	served   map[string]bool
}

// LoadXRD reads an apiextensions.crossplane.io/v2 CompositeResourceDefinition.
func LoadXRD(path string) (*XRD, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the path comes from the test
	if err != nil {
		return nil, fmt.Errorf("cannot read the XRD: %w", err)
	}
	doc := &xrdDocument{}
	if err := yaml.Unmarshal(b, doc); err != nil {
		return nil, fmt.Errorf("cannot decode the XRD %s: %w", path, err)
	}
	if doc.APIVersion != xrdAPIVersion || doc.Kind != "CompositeResourceDefinition" {
		return nil, fmt.Errorf("%s is a %s %s, not a %s CompositeResourceDefinition", path, doc.APIVersion, doc.Kind, xrdAPIVersion)
	}
	x := &XRD{
		gk:       schema.GroupKind{Group: doc.Spec.Group, Kind: doc.Spec.Names.Kind},
		versions: map[string]*compiledSchema{},
		served:   map[string]bool{},
	}
	for _, v := range doc.Spec.Versions {
		if v.Schema == nil {
			return nil, fmt.Errorf("XRD %s version %s has no schema", path, v.Name)
		}
		s, err := newSchema(v.Schema.OpenAPIV3Schema)
		if err != nil {
			return nil, fmt.Errorf("XRD %s version %s: %w", path, v.Name, err)
		}
		x.versions[v.Name] = s
		x.served[v.Name] = v.Served
	}
	if len(x.versions) == 0 {
		return nil, fmt.Errorf("XRD %s has no versions", path)
	}
	return x, nil
}

// version picks the schema of obj's apiVersion.
func (x *XRD) version(obj map[string]any) (*compiledSchema, field.ErrorList) {
	apiVersion, kind, errs := typeMeta(obj)
	if len(errs) > 0 {
		return nil, errs
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	if gv.Group != x.gk.Group || kind != x.gk.Kind {
		return nil, field.ErrorList{field.Invalid(field.NewPath("kind"), kind, fmt.Sprintf("the XRD defines %s, not %s", x.gk, gv.WithKind(kind).GroupKind()))}
	}
	s, ok := x.versions[gv.Version]
	if !ok || !x.served[gv.Version] {
		return nil, field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, "the XRD serves no such version")}
	}
	return s, nil
}

// Default applies the XRD schema's defaults to obj in place, as the API
// server does to an XR it receives or reads. An object of a kind or version
// the XRD does not serve is left alone.
func (x *XRD) Default(obj map[string]any) {
	s, errs := x.version(obj)
	if len(errs) > 0 {
		return
	}
	s.defaultObject(obj)
}

// Validate checks an XR against the XRD as the API server checks it against
// the CRD Crossplane makes of the XRD: unknown fields, defaults, the OpenAPI
// schema, list types and CEL rules. apiVersion, kind, metadata and the
// fields Crossplane adds (spec.crossplane, status.conditions) are
// Crossplane's and accepted. obj is not changed.
func (x *XRD) Validate(obj map[string]any) field.ErrorList {
	u, err := normalize(obj)
	if err != nil {
		return field.ErrorList{pathError(nil, err.Error())}
	}
	s, errs := x.version(u)
	if len(errs) > 0 {
		return errs
	}
	if spec, ok := u["spec"].(map[string]any); ok {
		delete(spec, "crossplane")
	}
	if status, ok := u["status"].(map[string]any); ok {
		delete(status, "conditions")
	}
	return dedupe(s.validate(u))
}
