package testutil

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetGet(t *testing.T) {
	m := map[string]any{}
	Set(m, "a.b.c", 1)
	Set(m, "a.d", "x")
	if got := Get(m, "a", "b", "c"); got != 1 {
		t.Errorf("Get a.b.c = %v, want 1", got)
	}
	Set(m, "a.b", nil)
	Set(m, "z.y", nil)
	if diff := cmp.Diff(map[string]any{"a": map[string]any{"d": "x"}}, m); diff != "" {
		t.Errorf("Set with nil deletes and creates nothing: -want +got:\n%s", diff)
	}
	if got := Get(m, "a", "d", "deeper"); got != nil {
		t.Errorf("Get through a scalar = %v, want nil", got)
	}
}

func TestJSON(t *testing.T) {
	type s struct {
		A int    `json:"a"`
		B string `json:"b,omitempty"`
	}
	if diff := cmp.Diff(map[string]any{"a": float64(1)}, JSON(t, s{A: 1})); diff != "" {
		t.Errorf("JSON: -want +got:\n%s", diff)
	}
}
