// Package pbjson converts between JSON and protobuf Struct values directly,
// without the map[string]any the usual conversions go through
// (json.Unmarshal into a map, then structpb.NewStruct; or AsMap, then
// json.Marshal). The function builds every composed resource this way and
// reads the observed XR this way, on every reconcile.
//
// The values are the ones encoding/json produces and reads: numbers are
// float64 parsed with strconv.ParseFloat, and Append formats them the way
// encoding/json does.
package pbjson

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/structpb"
)

// Error messages.
var (
	errSyntax   = errors.New("invalid JSON")
	errNotAnObj = errors.New("JSON value is not an object")
	errTrailing = errors.New("invalid JSON: data after the top-level value")
	errDepth    = errors.New("invalid JSON: nested too deeply")
)

// maxDepth bounds nesting, as encoding/json does (10000).
const maxDepth = 10000

// Struct parses a JSON object into a Struct.
func Struct(b []byte) (*structpb.Struct, error) {
	v, err := Parse(b)
	if err != nil {
		return nil, err
	}
	s := v.GetStructValue()
	if s == nil {
		return nil, errNotAnObj
	}
	return s, nil
}

// Parse parses one JSON value.
func Parse(b []byte) (*structpb.Value, error) {
	p := parser{b: b}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.b) {
		return nil, errTrailing
	}
	return v, nil
}

// Each value is allocated with its oneof wrapper (and an object with its
// Struct) in one go: half the allocations of structpb.NewStringValue and
// NewStructValue, which the response's every field went through.
type (
	stringNode struct {
		v structpb.Value
		k structpb.Value_StringValue
	}
	structNode struct {
		v structpb.Value
		k structpb.Value_StructValue
		s structpb.Struct
	}
	numberNode struct {
		v structpb.Value
		k structpb.Value_NumberValue
	}
	boolNode struct {
		v structpb.Value
		k structpb.Value_BoolValue
	}
	listNode struct {
		v structpb.Value
		k structpb.Value_ListValue
		l structpb.ListValue
	}
)

// numberValue, boolValue and listValue are structpb.NewNumberValue,
// NewBoolValue and NewListValue in one allocation each.
func numberValue(f float64) *structpb.Value {
	n := &numberNode{k: structpb.Value_NumberValue{NumberValue: f}}
	n.v.Kind = &n.k
	return &n.v
}

func boolValue(b bool) *structpb.Value {
	n := &boolNode{k: structpb.Value_BoolValue{BoolValue: b}}
	n.v.Kind = &n.k
	return &n.v
}

// listValue is an empty list Value of capacity size, with its ListValue.
func listValue(size int) (*structpb.Value, *structpb.ListValue) {
	n := &listNode{}
	n.l.Values = make([]*structpb.Value, 0, size)
	n.k.ListValue = &n.l
	n.v.Kind = &n.k
	return &n.v, &n.l
}

type parser struct {
	b []byte
	i int
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*structpb.Value, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	p.space()
	if p.i >= len(p.b) {
		return nil, errSyntax
	}
	switch c := p.b[p.i]; {
	case c == '{':
		n := &structNode{}
		if err := p.object(depth, &n.s); err != nil {
			return nil, err
		}
		n.k.StructValue = &n.s
		n.v.Kind = &n.k
		return &n.v, nil
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		n := &stringNode{k: structpb.Value_StringValue{StringValue: s}}
		n.v.Kind = &n.k
		return &n.v, nil
	case c == 't':
		return p.literal("true", structpb.NewBoolValue(true))
	case c == 'f':
		return p.literal("false", structpb.NewBoolValue(false))
	case c == 'n':
		return p.literal("null", structpb.NewNullValue())
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, errSyntax
	}
}

func (p *parser) literal(lit string, v *structpb.Value) (*structpb.Value, error) {
	if len(p.b)-p.i < len(lit) || string(p.b[p.i:p.i+len(lit)]) != lit {
		return nil, errSyntax
	}
	p.i += len(lit)
	return v, nil
}

func (p *parser) object(depth int, s *structpb.Struct) error {
	p.i++ // {
	s.Fields = map[string]*structpb.Value{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return errSyntax
		}
		k, err := p.string()
		if err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return errSyntax
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		s.Fields[k] = v // the last of duplicate keys wins, as in encoding/json
		p.space()
		if p.i >= len(p.b) {
			return errSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return errSyntax
		}
	}
}

func (p *parser) array(depth int) (*structpb.Value, error) {
	p.i++ // [
	l := &structpb.ListValue{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return structpb.NewListValue(l), nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l.Values = append(l.Values, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, errSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return structpb.NewListValue(l), nil
		default:
			return nil, errSyntax
		}
	}
}

// number scans a JSON number and parses it as encoding/json does into a
// float64.
func (p *parser) number() (*structpb.Value, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && p.b[p.i] >= '1' && p.b[p.i] <= '9':
		p.digits()
	default:
		return nil, errSyntax
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !p.digits() {
			return nil, errSyntax
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return nil, errSyntax
		}
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil {
		return nil, errSyntax // out of range, as encoding/json refuses it
	}
	return numberValue(f), nil
}

func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// string scans a JSON string; invalid UTF-8 becomes U+FFFD, as in
// encoding/json.
func (p *parser) string() (string, error) {
	p.i++ // "
	start := p.i
	// Fast path: no escapes, valid UTF-8.
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if utf8.Valid(s) {
				return string(s), nil
			}
			return string([]rune(string(s))), nil // replaces invalid bytes with U+FFFD
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	out := make([]byte, 0, p.i-start+16)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if utf8.Valid(out) {
				return string(out), nil
			}
			return string([]rune(string(out))), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return "", errSyntax
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errSyntax
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					lo, ok := p.hex4()
					if !ok {
						return "", errSyntax
					}
					if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
						r2 = d
					} else {
						p.i = save // not a pair: the next escape stands alone
					}
				}
				r = r2
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func (p *parser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// Append appends v as JSON to dst. Object keys are written in no
// particular order; numbers are written as encoding/json writes a float64.
// NaN and infinities, which JSON cannot hold, are written as null.
func Append(dst []byte, v *structpb.Value) []byte {
	switch k := v.GetKind().(type) {
	case *structpb.Value_StructValue:
		return AppendStruct(dst, k.StructValue)
	case *structpb.Value_ListValue:
		dst = append(dst, '[')
		for i, e := range k.ListValue.GetValues() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e)
		}
		return append(dst, ']')
	case *structpb.Value_StringValue:
		return appendString(dst, k.StringValue)
	case *structpb.Value_NumberValue:
		return appendFloat(dst, k.NumberValue)
	case *structpb.Value_BoolValue:
		return strconv.AppendBool(dst, k.BoolValue)
	default: // null, or no kind
		return append(dst, "null"...)
	}
}

// AppendStruct appends s as a JSON object to dst.
func AppendStruct(dst []byte, s *structpb.Struct) []byte {
	dst = append(dst, '{')
	first := true
	for k, v := range s.GetFields() {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = Append(dst, v)
	}
	return append(dst, '}')
}

// appendFloat formats f as encoding/json formats a float64.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as JSON. Proto strings are valid UTF-8.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
