package change

import (
	"reflect"
	"strings"
)

// Project is the part of a typed object (as encoding/json would write it)
// at the given dotted paths, normalized like Normalize: what Classify
// needs to compare those fields only, without encoding the whole object.
// A path whose value is absent, nil or zero is left out, as omitempty and
// the API server would leave it out.
func Project(obj any, paths []string) (map[string]any, error) {
	out := map[string]any{}
	for _, p := range paths {
		segs := strings.Split(p, ".")
		v, ok := lookup(reflect.ValueOf(obj), segs)
		if !ok || v.IsZero() {
			continue
		}
		n, err := jsonValue(v.Interface())
		if err != nil {
			return nil, err
		}
		setSegs(out, segs, n)
	}
	return out, nil
}

// lookup follows json field names (and map keys) from v.
func lookup(v reflect.Value, segs []string) (reflect.Value, bool) {
	for _, s := range segs {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			f, ok := jsonField(v, s)
			if !ok {
				return v, false
			}
			v = f
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return v, false
			}
			v = v.MapIndex(reflect.ValueOf(s).Convert(v.Type().Key()))
			if !v.IsValid() {
				return v, false
			}
		default:
			return v, false
		}
	}
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v, v.IsValid()
}

// jsonField is the field of struct v that encoding/json writes as name,
// looking into embedded and inline structs.
func jsonField(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" && f.Anonymous {
			fv := v.Field(i)
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				if g, ok := jsonField(fv, name); ok {
					return g, true
				}
				continue
			}
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}
