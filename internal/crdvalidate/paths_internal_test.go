package crdvalidate

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestParsePath(t *testing.T) {
	cases := map[string]struct {
		parent *field.Path
		in     string
		want   string
	}{
		"Key":           {in: "spec", want: "spec"},
		"Nested":        {in: "spec.a.b", want: "spec.a.b"},
		"Index":         {in: "spec.a[0].b", want: "spec.a[0].b"},
		"IndexAtEnd":    {in: "spec.a[12]", want: "spec.a[12]"},
		"MapKey":        {in: "spec.a[x/y]", want: "spec.a[x/y]"},
		"UnderParent":   {parent: field.NewPath("metadata"), in: "labelz", want: "metadata.labelz"},
		"EmptyIsParent": {parent: field.NewPath("metadata"), in: "", want: "metadata"},
		"LeadingIndex":  {in: "[3].a", want: "[3].a"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := parsePath(tc.parent, tc.in).String(); got != tc.want {
				t.Errorf("parsePath(%v, %q) = %q, want %q", tc.parent, tc.in, got, tc.want)
			}
		})
	}
}

func TestPrefixErrors(t *testing.T) {
	p := field.NewPath("spec", "forProvider", "manifest")
	in := field.ErrorList{
		field.Required(field.NewPath("spec", "x"), ""),
		pathError(nil, "whole object"),
	}
	got := prefixErrors(p, in)
	want := []string{"spec.forProvider.manifest.spec.x", "spec.forProvider.manifest"}
	for i, w := range want {
		if got[i].Field != w {
			t.Errorf("error %d: Field = %q, want %q", i, got[i].Field, w)
		}
	}
	if in[0].Field != "spec.x" {
		t.Errorf("prefixErrors changed its input: %q", in[0].Field)
	}
}
