package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsAPIReference: docs/api.md is what the generator writes from the
// XRD (not stale), and every field of the XRD has its own entry in it, so
// a field added to fn/spec without `go generate ./...` fails here.
func TestDocsAPIReference(t *testing.T) {
	xrdBytes, err := os.ReadFile(filepath.Join("..", "..", "example", "xrd.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docBytes, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(docBytes)
	_, _, _, fields, err := Fields(xrdBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) < 100 {
		t.Fatalf("the XRD yields only %d fields: the walk is broken", len(fields))
	}
	for _, f := range fields {
		if !strings.Contains(doc, "\n### `"+f.Path+"`\n") {
			t.Errorf("docs/api.md has no entry for %s: run go generate ./...", f.Path)
		}
	}
	want, err := Generate(xrdBytes)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != doc {
		t.Error("docs/api.md is stale: run go generate ./... and commit it")
	}
}

// TestDocsAPIReferenceCoversNestedFields: lists of objects, maps of
// objects and every nesting level get entries, with their constraints.
func TestDocsAPIReferenceCoversNestedFields(t *testing.T) {
	xrd := `
spec:
  group: g.example.org
  names: {kind: XThing}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 9, default: 3, description: How big.}
              pools:
                type: array
                items:
                  type: object
                  properties:
                    name: {type: string, enum: [a, b]}
              byName:
                type: object
                additionalProperties:
                  type: object
                  properties:
                    weight: {type: integer}
                x-kubernetes-validations:
                - rule: size(self) <= 3
                  message: at most three
`
	out, err := Generate([]byte(xrd))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"### `spec.size`\n\nType: `integer`. Required. Default: `3`. Minimum: 1. Maximum: 9.\n\nHow big.\n",
		"### `spec.pools[].name`\n\nType: `string`. Optional. One of `\"a\"`, `\"b\"`.\n",
		"### `spec.byName.<key>.weight`\n",
		"- Validation: at most three: `size(self) <= 3`\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the reference lacks %q:\n%s", want, got)
		}
	}
}
