package spaces

import (
	"bytes"
	"encoding/json"

	"github.com/crossplane/function-sdk-go/errors"
)

// toTree turns a typed value into a JSON tree. Numbers stay json.Number, so
// that the user's numbers pass through exactly.
func toTree(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return decodeObject(b)
}

// decodeObject decodes a JSON object; anything else is an error.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, errors.New("must be a JSON object")
	}
	return m, nil
}

// merge lays over onto base, in place, the way Helm lays a values file
// over the chart's: objects merge key by key, recursively; anything else in
// over (a list, a scalar, null) replaces what base has at that key. It
// returns base.
func merge(base, over map[string]any) map[string]any {
	for k, ov := range over {
		om, oIsMap := ov.(map[string]any)
		bm, bIsMap := base[k].(map[string]any)
		if oIsMap && bIsMap {
			base[k] = merge(bm, om)
			continue
		}
		base[k] = ov
	}
	return base
}

// has reports whether the tree sets the value at path.
func has(tree map[string]any, path ...string) bool {
	var cur any = tree
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[p]; !ok {
			return false
		}
	}
	return true
}
