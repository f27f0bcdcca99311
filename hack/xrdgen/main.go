// Command xrdgen turns the CRD that controller-gen writes for the
// XSpaceScaling Go types into Crossplane CompositeResourceDefinitions, so
// the XRDs users install carry exactly the schema, defaults and CEL rules
// of the types the function decodes into.
package main

import (
	"flag"
	"fmt"
	"os"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

type meta struct {
	Name string `json:"name"`
}

type names struct {
	Kind       string   `json:"kind"`
	Plural     string   `json:"plural"`
	Categories []string `json:"categories,omitempty"`
}

type version struct {
	Name                     string                                           `json:"name"`
	Served                   bool                                             `json:"served"`
	Referenceable            bool                                             `json:"referenceable"`
	AdditionalPrinterColumns []apiextensionsv1.CustomResourceColumnDefinition `json:"additionalPrinterColumns,omitempty"`
	Schema                   schema                                           `json:"schema"`
}

type schema struct {
	OpenAPIV3Schema *apiextensionsv1.JSONSchemaProps `json:"openAPIV3Schema"`
}

type xrdSpec struct {
	Group    string    `json:"group"`
	Names    names     `json:"names"`
	Scope    string    `json:"scope"`
	Versions []version `json:"versions"`
}

type xrd struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Metadata   meta    `json:"metadata"`
	Spec       xrdSpec `json:"spec"`
}

func main() {
	crdPath := flag.String("crd", "", "CRD written by controller-gen")
	out := flag.String("out", "", "XRD file to write")
	scope := flag.String("scope", "Cluster", "scope of the XR: Cluster or Namespaced")
	flag.Parse()
	if err := run(*crdPath, *out, *scope); err != nil {
		fmt.Fprintln(os.Stderr, "xrdgen:", err)
		os.Exit(1)
	}
}

func run(crdPath, out, scope string) error {
	b, err := os.ReadFile(crdPath) //nolint:gosec // a path given by go generate.
	if err != nil {
		return err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(b, crd); err != nil {
		return fmt.Errorf("cannot parse %s: %w", crdPath, err)
	}
	x := xrd{
		APIVersion: "apiextensions.crossplane.io/v2",
		Kind:       "CompositeResourceDefinition",
		Metadata:   meta{Name: crd.Name},
		Spec: xrdSpec{
			Group: crd.Spec.Group,
			Names: names{Kind: crd.Spec.Names.Kind, Plural: crd.Spec.Names.Plural, Categories: crd.Spec.Names.Categories},
			Scope: scope,
		},
	}
	for _, v := range crd.Spec.Versions {
		s := v.Schema.OpenAPIV3Schema
		// Crossplane owns apiVersion, kind and metadata of an XR.
		root := &apiextensionsv1.JSONSchemaProps{
			Type:        "object",
			Description: s.Description,
			Required:    []string{"spec"},
			Properties: map[string]apiextensionsv1.JSONSchemaProps{
				"spec":   s.Properties["spec"],
				"status": s.Properties["status"],
			},
		}
		x.Spec.Versions = append(x.Spec.Versions, version{
			Name:          v.Name,
			Served:        true,
			Referenceable: true,
			AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{
				{Name: "CLOUD", Type: "string", JSONPath: ".spec.cloud"},
				{Name: "CLUSTER", Type: "string", JSONPath: ".spec.clusterName"},
				{Name: "SPACES", Type: "string", JSONPath: ".spec.spaces.version"},
			},
			Schema: schema{OpenAPIV3Schema: root},
		})
	}
	y, err := yaml.Marshal(x)
	if err != nil {
		return err
	}
	header := "# Generated from fn/spec by `go generate ./...`. DO NOT EDIT.\n"
	return os.WriteFile(out, append([]byte(header), y...), 0o600)
}
