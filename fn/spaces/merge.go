package spaces

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

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

// guardedRoots are the values that keep control planes highly available
// and on their own nodes: HA, placement (affinity, tolerations) and the
// etcd volumes. The user may change any value under them, but not null one
// out or give it another shape (a scalar for an object, null for a list), which
// would silently drop what the function computed for it.
var guardedRoots = []string{"controlPlanes"}

// ValuesError lists the values of spec.spaces.values that would drop a
// computed safety value, each with its field path.
type ValuesError struct {
	Errs field.ErrorList
}

func (e *ValuesError) Error() string { return e.Errs.ToAggregate().Error() }

// merge lays over onto base, in place, the way Helm lays a values file
// over the chart's: objects merge key by key, recursively; anything else in
// over (a list, a scalar, null) replaces what base has at that key. Under
// the guarded roots, a value of over that is null or of another shape
// than the computed one is refused instead, with its path. It returns base.
func merge(base, over map[string]any, p *field.Path) (map[string]any, field.ErrorList) {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(over)) {
		ov := over[k]
		kp := p.Child(k)
		bv, computed := base[k]
		om, oIsMap := ov.(map[string]any)
		bm, bIsMap := bv.(map[string]any)
		if oIsMap && bIsMap {
			var e field.ErrorList
			base[k], e = merge(bm, om, kp)
			errs = append(errs, e...)
			continue
		}
		if computed && guarded(kp) && shape(ov) != shape(bv) {
			errs = append(errs, field.Invalid(kp, ov, fmt.Sprintf(
				"must be %s: the function computes this value to keep control planes highly available and on their own nodes; change it, do not remove it", shape(bv))))
			continue
		}
		base[k] = ov
	}
	return base, errs
}

func guarded(p *field.Path) bool {
	s := p.String()
	for _, r := range guardedRoots {
		if s == valuesPath.Child(r).String() || strings.HasPrefix(s, valuesPath.Child(r).String()+".") {
			return true
		}
	}
	return false
}

// shape names the shape of a decoded JSON value. Scalars are one shape:
// Helm takes "2" and 2 alike for most values.
func shape(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	default:
		return "a string, number or boolean"
	}
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
