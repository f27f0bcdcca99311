// Package testutil holds the helpers the project's tests share: composed
// objects as the JSON trees Crossplane sees, and reading and writing them by
// path.
package testutil

import (
	"encoding/json"
	"strings"
	"testing"
)

// JSON is o as Crossplane receives it: marshalled to JSON and back into a
// tree of maps, slices and scalars.
func JSON(t testing.TB, o any) map[string]any {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatalf("cannot marshal %T: %v", o, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("cannot unmarshal %T: %v", o, err)
	}
	return m
}

// Set writes v at a dotted path of m, creating objects on the way; a nil v
// deletes the field. It returns m.
func Set(m map[string]any, path string, v any) map[string]any {
	keys := strings.Split(path, ".")
	cur := m
	for _, k := range keys[:len(keys)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			if v == nil {
				return m
			}
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	if v == nil {
		delete(cur, keys[len(keys)-1])
		return m
	}
	cur[keys[len(keys)-1]] = v
	return m
}

// Get reads the value at a path of keys, or nil where there is none.
func Get(m map[string]any, path ...string) any {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}
