package pbjson

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/structpb"
)

// Encoding typed Go values straight into protobuf Values: the value
// encoding/json's Marshal would write, as Parse would read it back, without
// the JSON text in between. The function's composed resources are typed
// structs; writing each to JSON and parsing that into a Struct was most of
// the cost of a call that composes (docs/performance.md).
//
// The rules are encoding/json's: json tags (names, "-", omitempty,
// omitzero), embedded structs promoted by Go's visibility rules, nil
// pointers, maps and slices as null, invalid UTF-8 replaced by U+FFFD,
// json.Number as a number, float32 rounded as encoding/json formats it.
// What this encoder does not do itself (a json.Marshaler or
// encoding.TextMarshaler, []byte, a ",string" field, a map with keys that
// are not strings, NaN or an infinity) goes through encoding/json and
// Parse, so the result and the errors are encoding/json's in every case.
// The tests compare both ways on every object the function composes.

// EncodeStruct returns v, which must encode as a JSON object, as a Struct.
func EncodeStruct(v any) (*structpb.Struct, error) {
	pv, err := Encode(v)
	if err != nil {
		return nil, err
	}
	s := pv.GetStructValue()
	if s == nil {
		return nil, errNotAnObj
	}
	return s, nil
}

// Encode returns v as a Value.
func Encode(v any) (*structpb.Value, error) {
	if v == nil {
		return structpb.NewNullValue(), nil
	}
	rv := reflect.ValueOf(v)
	return encoderOf(rv.Type())(rv)
}

// encoderFunc encodes one value of a type.
type encoderFunc func(v reflect.Value) (*structpb.Value, error)

// encoders caches an encoder per type. It holds the types the function
// encodes, a fixed set: it does not grow with the calls.
var encoders sync.Map // reflect.Type -> encoderFunc

func encoderOf(t reflect.Type) encoderFunc {
	if f, ok := encoders.Load(t); ok {
		return f.(encoderFunc) //nolint:forcetypeassert // only encoderFuncs are stored.
	}
	// A recursive type reaches itself while its encoder is built: it gets
	// an indirection that waits for the real one.
	var (
		wg sync.WaitGroup
		f  encoderFunc
	)
	wg.Add(1)
	fi, loaded := encoders.LoadOrStore(t, encoderFunc(func(v reflect.Value) (*structpb.Value, error) {
		wg.Wait()
		return f(v)
	}))
	if loaded {
		return fi.(encoderFunc) //nolint:forcetypeassert // only encoderFuncs are stored.
	}
	f = newEncoder(t, true)
	wg.Done()
	encoders.Store(t, f)
	return f
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	numberType        = reflect.TypeFor[json.Number]()
)

// newEncoder builds the encoder of t; allowAddr says whether a pointer
// method of t may be used when the value is addressable (encoding/json's
// condAddrEncoder).
func newEncoder(t reflect.Type, allowAddr bool) encoderFunc {
	marshals := func(t reflect.Type) bool { return t.Implements(marshalerType) || t.Implements(textMarshalerType) }
	if t.Kind() != reflect.Pointer && allowAddr && marshals(reflect.PointerTo(t)) {
		without := newEncoder(t, false)
		return func(v reflect.Value) (*structpb.Value, error) {
			if v.CanAddr() {
				return viaJSON(v.Addr())
			}
			return without(v)
		}
	}
	if marshals(t) {
		return viaJSON
	}
	if t == numberType {
		return encodeNumber
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(v reflect.Value) (*structpb.Value, error) { return boolValue(v.Bool()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) (*structpb.Value, error) {
			return numberValue(float64(v.Int())), nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) (*structpb.Value, error) {
			return numberValue(float64(v.Uint())), nil
		}
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(v reflect.Value) (*structpb.Value, error) { return encodeFloat(v, bits) }
	case reflect.String:
		return func(v reflect.Value) (*structpb.Value, error) { return stringValue(v.String()), nil }
	case reflect.Interface:
		return func(v reflect.Value) (*structpb.Value, error) {
			if v.IsNil() {
				return structpb.NewNullValue(), nil
			}
			e := v.Elem()
			return encoderOf(e.Type())(e)
		}
	case reflect.Pointer:
		enc := encoderOf(t.Elem())
		return func(v reflect.Value) (*structpb.Value, error) {
			if v.IsNil() {
				return structpb.NewNullValue(), nil
			}
			return enc(v.Elem())
		}
	case reflect.Struct:
		return newStructEncoder(t)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return viaJSON
		}
		return newMapEncoder(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON // base64, or the element's own marshaler
		}
		return newListEncoder(t, true)
	case reflect.Array:
		return newListEncoder(t, false)
	default:
		return viaJSON // encoding/json's error for a type JSON cannot hold
	}
}

// viaJSON encodes v with encoding/json and parses the result.
func viaJSON(v reflect.Value) (*structpb.Value, error) {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

func encodeNumber(v reflect.Value) (*structpb.Value, error) {
	s := v.String()
	if s == "" {
		s = "0" // encoding/json writes an empty Number as 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !isJSONNumber(s) {
		return viaJSON(v)
	}
	return numberValue(f), nil
}

// isJSONNumber reports whether s is a number as JSON spells it.
func isJSONNumber(s string) bool {
	p := &parser{b: []byte(s)}
	_, err := p.number()
	return err == nil && p.i == len(s)
}

func encodeFloat(v reflect.Value, bits int) (*structpb.Value, error) {
	f := v.Float()
	if f != f || f > maxFloat || f < -maxFloat { // NaN or an infinity: encoding/json's error
		return viaJSON(v)
	}
	if bits == 32 {
		// encoding/json writes the shortest text that reads back as the
		// same float32; that text read as a float64 is the value.
		f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
	}
	return numberValue(f), nil
}

const maxFloat = 1.7976931348623157e308

// stringValue is s as a string Value, with each byte of invalid UTF-8
// replaced by U+FFFD as encoding/json writes it.
func stringValue(s string) *structpb.Value {
	if !utf8.ValidString(s) {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r) // utf8.RuneError for an invalid byte, with n == 1
			i += n
		}
		s = b.String()
	}
	n := &stringNode{k: structpb.Value_StringValue{StringValue: s}}
	n.v.Kind = &n.k
	return &n.v
}

// newStructValue is an empty object Value with its Struct.
func newStructValue(size int) (*structpb.Value, *structpb.Struct) {
	n := &structNode{}
	n.s.Fields = make(map[string]*structpb.Value, size)
	n.k.StructValue = &n.s
	n.v.Kind = &n.k
	return &n.v, &n.s
}

func newMapEncoder(t reflect.Type) encoderFunc {
	enc := encoderOf(t.Elem())
	return func(v reflect.Value) (*structpb.Value, error) {
		if v.IsNil() {
			return structpb.NewNullValue(), nil
		}
		out, s := newStructValue(v.Len())
		it := v.MapRange()
		for it.Next() {
			k := it.Key().String()
			if !utf8.ValidString(k) {
				return viaJSON(v) // encoding/json rewrites the key
			}
			e, err := enc(it.Value())
			if err != nil {
				return nil, err
			}
			s.Fields[k] = e
		}
		return out, nil
	}
}

func newListEncoder(t reflect.Type, nilIsNull bool) encoderFunc {
	enc := encoderOf(t.Elem())
	return func(v reflect.Value) (*structpb.Value, error) {
		if nilIsNull && v.IsNil() {
			return structpb.NewNullValue(), nil
		}
		out, l := listValue(v.Len())
		for i := range v.Len() {
			e, err := enc(v.Index(i))
			if err != nil {
				return nil, err
			}
			l.Values = append(l.Values, e)
		}
		return out, nil
	}
}

// field is one JSON field of a struct type: where it is (the index path
// through embedded structs), its name and options.
type field struct {
	name      string
	index     []int
	typ       reflect.Type
	enc       encoderFunc
	tagged    bool
	omitEmpty bool
	// isZero is the omitzero test; nil without omitzero.
	isZero func(reflect.Value) bool
}

func newStructEncoder(t reflect.Type) encoderFunc {
	fields, ok := structFields(t)
	if !ok {
		return viaJSON
	}
	// Resolved now, not per value: a type that contains itself gets the
	// waiting indirection encoderOf hands out while it is being built.
	for i := range fields {
		fields[i].enc = encoderOf(fields[i].typ)
	}
	return func(v reflect.Value) (*structpb.Value, error) {
		out, s := newStructValue(len(fields))
	next:
		for i := range fields {
			f := &fields[i]
			fv := v
			for _, x := range f.index {
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						continue next // a field of a nil embedded pointer
					}
					fv = fv.Elem()
				}
				fv = fv.Field(x)
			}
			if f.omitEmpty && isEmpty(fv) || f.isZero != nil && f.isZero(fv) {
				continue
			}
			e, err := f.enc(fv)
			if err != nil {
				return nil, err
			}
			s.Fields[f.name] = e
		}
		return out, nil
	}
}

// structFields are the JSON fields of t, by encoding/json's rules: the
// shallowest of fields with the same name wins, a tagged one over an
// untagged one at the same depth, and names still ambiguous are dropped.
// false when t has a ",string" field, which encoding/json then encodes.
func structFields(t reflect.Type) ([]field, bool) {
	type walk struct {
		typ   reflect.Type
		index []int
	}
	var all []field
	seen := map[reflect.Type]bool{}
	for level := []walk{{typ: t}}; len(level) > 0; {
		var next []walk
		// A type seen at a shallower level adds nothing; one embedded twice
		// at this level adds its fields twice, which then cancel out.
		for _, w := range level {
			if seen[w.typ] {
				continue
			}
			for i := range w.typ.NumField() {
				sf := w.typ.Field(i)
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clone(w.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, walk{typ: ft, index: index})
					continue
				}
				f, ok := newField(sf, name, opts, index)
				if !ok {
					return nil, false
				}
				all = append(all, f)
			}
		}
		for _, w := range level {
			seen[w.typ] = true
		}
		level = next
	}
	return dominant(all), true
}

// dominant keeps, of the fields sharing a name, the one encoding/json
// writes, and returns them in the struct's order.
func dominant(all []field) []field {
	// By name, then depth, then tagged first.
	slices.SortStableFunc(all, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := all[:0]
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		i = j
		if len(group) > 1 && len(group[0].index) == len(group[1].index) && group[0].tagged == group[1].tagged {
			continue // ambiguous: encoding/json drops the name
		}
		out = append(out, group[0])
	}
	// In the struct's order, as encoding/json writes them (the Struct keeps
	// no order, but the errors come in the same order).
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

// newField is the JSON field of sf, tagged name and options; false for a
// ",string" field.
func newField(sf reflect.StructField, name, opts string, index []int) (field, bool) {
	if !validTagName(name) {
		name = ""
	}
	f := field{name: name, index: index, typ: sf.Type, tagged: name != ""}
	if f.name == "" {
		f.name = sf.Name
	}
	for o := range strings.SplitSeq(opts, ",") {
		switch o {
		case "omitempty":
			f.omitEmpty = true
		case "omitzero":
			f.isZero = zeroTest(sf.Type)
		case "string":
			return field{}, false
		}
	}
	return f, true
}

// validTagName is encoding/json's rule for a usable tag name.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	default:
		return false
	}
}

// zeroTest is encoding/json's omitzero test for a field of type t: its
// IsZero method where it has one (nil pointers and interfaces are zero),
// else the zero value.
func zeroTest(t reflect.Type) func(reflect.Value) bool {
	type zeroer interface{ IsZero() bool }
	zeroerType := reflect.TypeFor[zeroer]()
	switch {
	case t.Kind() == reflect.Interface && t.Implements(zeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || v.Interface().(zeroer).IsZero() //nolint:forcetypeassert // t implements it.
		}
	case t.Kind() == reflect.Pointer && t.Implements(zeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(zeroer).IsZero() //nolint:forcetypeassert // t implements it.
		}
	case t.Implements(zeroerType):
		return func(v reflect.Value) bool {
			return v.Interface().(zeroer).IsZero() //nolint:forcetypeassert // t implements it.
		}
	case reflect.PointerTo(t).Implements(zeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				c := reflect.New(v.Type()).Elem()
				c.Set(v)
				v = c
			}
			return v.Addr().Interface().(zeroer).IsZero() //nolint:forcetypeassert // *t implements it.
		}
	default:
		return reflect.Value.IsZero
	}
}
