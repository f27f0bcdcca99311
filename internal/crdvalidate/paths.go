package crdvalidate

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// parsePath turns a path the apiextensions pruning or JSON decoding
// reports ("spec.a[0].b") into a field.Path under parent. A bracketed
// segment that is a number becomes an index, any other a key. It returns
// parent for an empty path; a path that starts with a bracket needs a parent.
func parsePath(parent *field.Path, s string) *field.Path {
	p := parent
	child := func(name string) {
		if name == "" {
			return
		}
		if p == nil {
			p = field.NewPath(name)
			return
		}
		p = p.Child(name)
	}
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				child(s)
				return p
			}
			seg := s[1:end]
			s = s[end+1:]
			if p == nil {
				p = field.NewPath("[" + seg + "]")
				continue
			}
			if i, err := strconv.Atoi(seg); err == nil {
				p = p.Index(i)
			} else {
				p = p.Key(seg)
			}
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			child(s[:end])
			s = s[end:]
		}
	}
	return p
}

// prefixErrors moves every error under prefix, for errors found by
// validating an object embedded at prefix.
func prefixErrors(prefix *field.Path, errs field.ErrorList) field.ErrorList {
	out := make(field.ErrorList, 0, len(errs))
	for _, e := range errs {
		c := *e
		switch {
		case c.Field == "" || c.Field == "<nil>":
			c.Field = prefix.String()
		case strings.HasPrefix(c.Field, "["):
			c.Field = prefix.String() + c.Field
		default:
			c.Field = prefix.String() + "." + c.Field
		}
		out = append(out, &c)
	}
	return out
}
