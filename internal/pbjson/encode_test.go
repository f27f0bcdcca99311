package pbjson

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// viaText is the reference: encoding/json's text, parsed.
func viaText(v any) (*structpb.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// assertSame fails unless Encode(v) is what encoding/json writes for v,
// read back; or both fail.
func assertSame(t *testing.T, v any) {
	t.Helper()
	want, wantErr := viaText(v)
	got, err := Encode(v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Encode(%#v): error %v; encoding/json: %v", v, err, wantErr)
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("Encode(%#v): -encoding/json +Encode:\n%s", v, diff)
	}
}

type inner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type Embedded struct {
	E   string `json:"e"`
	Dup string `json:"dup"`
}

type Embedded2 struct {
	Dup string `json:"dup"`
}

type deep struct {
	Embedded
}

type marshalsByPointer struct{ N int }

func (m *marshalsByPointer) MarshalJSON() ([]byte, error) { return []byte(`"by pointer"`), nil }

type zeroByMethod struct{ N int }

func (z zeroByMethod) IsZero() bool { return z.N < 0 }

type shapes struct {
	Embedded
	*Embedded2
	deep

	Str       string `json:"str"`
	Omitted   string `json:"omitted,omitempty"`
	Skipped   string `json:"-"`
	Dash      string `json:"-,"` //nolint:staticcheck // SA5008: the name "-", as encoding/json reads it.
	NoTag     string
	bad       string            //nolint:unused // unexported: never encoded.
	Int       int64             `json:"int"`
	Uint      uint8             `json:"uint"`
	F32       float32           `json:"f32"`
	F64       float64           `json:"f64"`
	NegZero   float64           `json:"negZero,omitempty"`
	Bool      bool              `json:"bool"`
	Ptr       *inner            `json:"ptr"`
	NilPtr    *inner            `json:"nilPtr"`
	NilPtrOE  *inner            `json:"nilPtrOE,omitempty"`
	Map       map[string]any    `json:"map"`
	NilMap    map[string]string `json:"nilMap"`
	EmptyMap  map[string]string `json:"emptyMap,omitempty"`
	Slice     []inner           `json:"slice"`
	NilSlice  []string          `json:"nilSlice"`
	Bytes     []byte            `json:"bytes"`
	Array     [2]int            `json:"array"`
	Any       any               `json:"any"`
	Number    json.Number       `json:"number"`
	Raw       json.RawMessage   `json:"raw"`
	Quantity  resource.Quantity `json:"quantity"`
	IntOrStr  intstr.IntOrString
	Time      metav1.Time           `json:"time"`
	TimeZero  metav1.Time           `json:"timeZero,omitzero"`
	ByPointer marshalsByPointer     `json:"byPointer"`
	Zero      zeroByMethod          `json:"zero,omitzero"`
	NotZero   zeroByMethod          `json:"notZero,omitzero"`
	Duration  time.Duration         `json:"duration"`
	JSON      *apiextensionsv1.JSON `json:"json,omitempty"`
	Affinity  *corev1.Affinity      `json:"affinity,omitempty"`
	IntKeys   map[int]string        `json:"intKeys"`
	BadUTF8   string                `json:"badUTF8"`
	BadKey    map[string]int        `json:"badKey"`
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	full := shapes{
		Embedded: Embedded{E: "e", Dup: "ambiguous"}, Embedded2: &Embedded2{Dup: "ambiguous too"},
		Str: "s", Dash: "dash", NoTag: "untagged", Int: -1 << 60, Uint: 200, F32: 0.1, F64: 1e-7, NegZero: math.Copysign(0, -1), Bool: true,
		Ptr: &inner{A: "a"}, Map: map[string]any{"x": []any{1, "two", nil, map[string]any{}}}, Slice: []inner{{A: "1", B: 2}},
		Bytes: []byte("bytes"), Array: [2]int{1, 2}, Any: &inner{A: "in any"}, Number: "12.50", Raw: json.RawMessage(`{"r": [1, 2]}`),
		Quantity: resource.MustParse("100Gi"), IntOrStr: intstr.FromString("25%"), Time: metav1.NewTime(time.Unix(1700000000, 0)),
		Zero: zeroByMethod{N: -1}, NotZero: zeroByMethod{N: 0}, Duration: time.Second,
		JSON: &apiextensionsv1.JSON{Raw: []byte(`{"k":"v"}`)},
		Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: corev1.NodeSelectorOpIn, Values: []string{"v"}}}}},
		}}},
		IntKeys: map[int]string{1: "one"}, BadUTF8: "a\xffb\xfe", BadKey: map[string]int{"k\xff": 1},
	}
	for name, v := range map[string]any{
		"Full":        full,
		"FullPointer": &full,
		"Zero":        shapes{},
		"Nil":         nil,
		"NilPointer":  (*shapes)(nil),
		"Map":         map[string]any{"a": 1.5, "b": []string{"x"}},
		"NaN":         map[string]float64{"nan": math.NaN()},
		"Inf":         struct{ F float32 }{F: float32(math.Inf(1))},
		"Chan":        struct{ C chan int }{C: make(chan int)},
		"StringOption": struct {
			N int `json:"n,string"`
		}{N: 5},
		"InvalidTagName": struct {
			N int `json:"a\"b"` //nolint:staticcheck // SA5008: a malformed tag on purpose.
		}{N: 5},
		"UnicodeTagName": struct {
			N int `json:"größe"`
		}{N: 5},
		"BadNumber":       struct{ N json.Number }{N: "1e"},
		"EmptyNumber":     struct{ N json.Number }{},
		"LargeInt":        struct{ N uint64 }{N: math.MaxUint64},
		"Float32Rounding": []float32{0.1, 1.0 / 3, 16777217, 3.4e38},
	} {
		t.Run(name, func(t *testing.T) { assertSame(t, v) })
	}
}

func TestEncodeStructRefusesNonObjects(t *testing.T) {
	if _, err := EncodeStruct([]int{1}); err == nil {
		t.Error("a list encoded as a Struct")
	}
	s, err := EncodeStruct(inner{A: "x"})
	if err != nil || s.GetFields()["a"].GetStringValue() != "x" {
		t.Errorf("EncodeStruct = %v, %v", s, err)
	}
}

// A recursive type encodes: its encoder waits for itself being built.
type node struct {
	Name     string  `json:"name"`
	Children []*node `json:"children,omitempty"`
}

func TestEncodeRecursiveType(t *testing.T) {
	assertSame(t, &node{Name: "root", Children: []*node{{Name: "leaf"}, {Name: "branch", Children: []*node{{Name: "x"}}}}})
}
