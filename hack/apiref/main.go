// Command apiref writes the XSpaceScaling API reference (docs/api.md) from
// the XRD's OpenAPI schema (example/xrd.yaml, itself generated from the Go
// types in fn/spec), so the reference carries every field with the type,
// default, constraints and description the API server enforces and cannot
// drift from them: `go generate ./...` rewrites it, hack/test.sh fails when
// the committed file differs, and TestDocsAPIReference fails when a field
// of the XRD has no entry.
package main

//go:generate go run . -xrd ../../example/xrd.yaml -out ../../docs/api.md

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	xrdPath := flag.String("xrd", "example/xrd.yaml", "the XRD to document")
	out := flag.String("out", "docs/api.md", "where to write the reference")
	flag.Parse()
	b, err := os.ReadFile(*xrdPath)
	if err != nil {
		fail(err)
	}
	doc, err := Generate(b)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil { //nolint:gosec // a documentation file, world-readable like the rest of the tree.
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "apiref:", err)
	os.Exit(1)
}

type xrd struct {
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Schema struct {
				OpenAPIV3Schema *apiextensionsv1.JSONSchemaProps `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

// Field is one documented field of the schema.
type Field struct {
	Path     string
	Required bool
	Schema   apiextensionsv1.JSONSchemaProps
}

// Fields lists every field under spec and status of the XRD's first
// version, depth first in the schema's (alphabetical) order. A list's
// items are documented under `path[]`, a map's values under `path.<key>`,
// when they are objects with fields of their own.
func Fields(b []byte) (kind, group, version string, fields []Field, err error) {
	var x xrd
	if err := yaml.Unmarshal(b, &x); err != nil {
		return "", "", "", nil, err
	}
	if len(x.Spec.Versions) == 0 || x.Spec.Versions[0].Schema.OpenAPIV3Schema == nil {
		return "", "", "", nil, fmt.Errorf("the XRD has no version with a schema")
	}
	v := x.Spec.Versions[0]
	root := v.Schema.OpenAPIV3Schema
	for _, top := range []string{"spec", "status"} {
		s, ok := root.Properties[top]
		if !ok {
			continue
		}
		walk(top, s, &fields)
	}
	return x.Spec.Names.Kind, x.Spec.Group, v.Name, fields, nil
}

func walk(path string, s apiextensionsv1.JSONSchemaProps, out *[]Field) {
	for _, name := range sortedKeys(s.Properties) {
		p := path + "." + name
		c := s.Properties[name]
		*out = append(*out, Field{Path: p, Required: slices.Contains(s.Required, name), Schema: c})
		walkChildren(p, c, out)
	}
}

func walkChildren(p string, c apiextensionsv1.JSONSchemaProps, out *[]Field) {
	switch {
	case len(c.Properties) > 0:
		walk(p, c, out)
	case c.Items != nil && c.Items.Schema != nil && len(c.Items.Schema.Properties) > 0:
		walk(p+"[]", *c.Items.Schema, out)
	case c.AdditionalProperties != nil && c.AdditionalProperties.Schema != nil && len(c.AdditionalProperties.Schema.Properties) > 0:
		walk(p+".<key>", *c.AdditionalProperties.Schema, out)
	}
}

func sortedKeys(m map[string]apiextensionsv1.JSONSchemaProps) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Generate renders the reference of an XRD.
func Generate(b []byte) ([]byte, error) {
	kind, group, version, fields, err := Fields(b)
	if err != nil {
		return nil, err
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, "<!-- Generated from example/xrd.yaml by hack/apiref (`go generate ./...`). DO NOT EDIT. -->\n\n")
	fmt.Fprintf(&w, "# %s API reference\n\n", kind)
	fmt.Fprintf(&w, "API group `%s`, version `%s`, kind `%s`. One entry per field of the XRD's schema, with the\n", group, version, kind)
	fmt.Fprintf(&w, "type, default, constraints and description the API server enforces. The XRD is generated from the Go\n")
	fmt.Fprintf(&w, "types in `fn/spec`, and this page from the XRD, so neither can drift from the code. Notes on the\n")
	fmt.Fprintf(&w, "fields (what the function does with them, and why) are in [reference.md](reference.md).\n\n")
	fmt.Fprintf(&w, "A list's items are documented under `field[]`, a map's values under `field.<key>`.\n")
	section := ""
	for _, f := range fields {
		if top := strings.SplitN(f.Path, ".", 2)[0]; top != section {
			section = top
			fmt.Fprintf(&w, "\n## %s\n", section)
		}
		fmt.Fprintf(&w, "\n### `%s`\n\n", f.Path)
		fmt.Fprintf(&w, "%s\n", strings.Join(facts(f), ". ")+".")
		if d := strings.TrimSpace(f.Schema.Description); d != "" {
			fmt.Fprintf(&w, "\n%s\n", d)
		}
		for _, v := range f.Schema.XValidations {
			where := ""
			if v.FieldPath != "" {
				where = " (on `" + strings.TrimPrefix(v.FieldPath, ".") + "`)"
			}
			msg := v.Message
			if msg == "" {
				msg = "must satisfy the rule"
			}
			fmt.Fprintf(&w, "\n- Validation%s: %s: `%s`\n", where, msg, oneLine(v.Rule))
		}
	}
	return w.Bytes(), nil
}

// facts are the field's type, whether it is required, its default and its
// constraints, each a short phrase.
func facts(f Field) []string {
	s := f.Schema
	out := []string{"Type: " + typeOf(s)}
	if f.Required {
		out = append(out, "Required")
	} else {
		out = append(out, "Optional")
	}
	if s.Default != nil {
		out = append(out, "Default: `"+compact(s.Default.Raw)+"`")
	}
	if len(s.Enum) > 0 {
		vals := make([]string, 0, len(s.Enum))
		for _, e := range s.Enum {
			vals = append(vals, "`"+compact(e.Raw)+"`")
		}
		out = append(out, "One of "+strings.Join(vals, ", "))
	}
	if s.Format != "" {
		out = append(out, "Format: `"+s.Format+"`")
	}
	if s.Pattern != "" {
		out = append(out, "Pattern: `"+s.Pattern+"`")
	}
	if s.Minimum != nil {
		out = append(out, "Minimum: "+num(*s.Minimum))
	}
	if s.Maximum != nil {
		out = append(out, "Maximum: "+num(*s.Maximum))
	}
	for _, c := range []struct {
		name string
		v    *int64
	}{
		{"Minimum length", s.MinLength}, {"Maximum length", s.MaxLength},
		{"Minimum items", s.MinItems}, {"Maximum items", s.MaxItems},
		{"Minimum entries", s.MinProperties}, {"Maximum entries", s.MaxProperties},
	} {
		if c.v != nil {
			out = append(out, fmt.Sprintf("%s: %d", c.name, *c.v))
		}
	}
	if s.UniqueItems {
		out = append(out, "Items unique")
	}
	if s.XListType != nil {
		lt := "List type: `" + *s.XListType + "`"
		if len(s.XListMapKeys) > 0 {
			lt += " (keys `" + strings.Join(s.XListMapKeys, "`, `") + "`)"
		}
		out = append(out, lt)
	}
	if s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields {
		out = append(out, "Free-form (unknown fields kept)")
	}
	if s.XIntOrString {
		out = append(out, "Integer or string")
	}
	return out
}

func typeOf(s apiextensionsv1.JSONSchemaProps) string {
	t := s.Type
	switch {
	case t == "array" && s.Items != nil && s.Items.Schema != nil:
		return "array of " + typeOf(*s.Items.Schema)
	case t == "object" && s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil:
		return "map of " + typeOf(*s.AdditionalProperties.Schema)
	case t == "":
		if s.XIntOrString {
			return "`integer` or `string`"
		}
		return "any"
	}
	return "`" + t + "`"
}

func compact(raw []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
