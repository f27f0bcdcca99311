package crdvalidate_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// fixture decodes a YAML fixture into a fresh map. A fixture that does not
// parse yields an empty object, which no case accepts: valid cases then
// fail on the missing apiVersion, negative cases on the missing path.
func fixture(y string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		return map[string]any{}
	}
	return m
}

// del deletes the field at path (dot-separated keys) of m.
func del(m map[string]any, path string) map[string]any {
	keys := strings.Split(path, ".")
	cur := m
	for _, k := range keys[:len(keys)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return m
		}
		cur = next
	}
	delete(cur, keys[len(keys)-1])
	return m
}

// want is one expected error: its path and, optionally, its type and a
// part of its message.
type want struct {
	path   string
	typ    field.ErrorType
	detail string
}

// check fails unless got is empty when wants is, or has an error matching
// every want.
func check(t *testing.T, got field.ErrorList, wants ...want) {
	t.Helper()
	if len(wants) == 0 {
		if len(got) > 0 {
			t.Errorf("want no errors, got:\n%s", list(got))
		}
		return
	}
	for _, w := range wants {
		if !has(got, w) {
			t.Errorf("want an error at %s (type %q, detail containing %q), got:\n%s", w.path, w.typ, w.detail, list(got))
		}
	}
}

func has(got field.ErrorList, w want) bool {
	for _, e := range got {
		if e.Field != w.path {
			continue
		}
		if w.typ != "" && e.Type != w.typ {
			continue
		}
		if w.detail != "" && !strings.Contains(e.Error(), w.detail) {
			continue
		}
		return true
	}
	return false
}

func list(errs field.ErrorList) string {
	if len(errs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  ")
		b.WriteString(e.Error())
		b.WriteString("\n")
	}
	return b.String()
}
