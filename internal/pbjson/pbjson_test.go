package pbjson

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
)

// viaMap is the conversion pbjson replaces: encoding/json into a tree of
// maps, then structpb.NewValue.
func viaMap(b []byte) (*structpb.Value, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return structpb.NewValue(v)
}

var corpus = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1`, `-12.5e3`, `1E-7`, `123456789012345678901234567890`,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t \u00e9 \u2028 \ud83d\ude00"`, `"lone \ud800 surrogate"`, `"\ud800\u0041"`,
	"\"raw \xff invalid\"", `"ünïcødé 空間"`,
	` { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "d" , "a" : "dup" } `,
	`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x","labels":{"a":"b"}},"data":{"k":"dg=="},"n":[0.1,1e21,1e-6,5e-7]}`,
}

func TestParseMatchesEncodingJSON(t *testing.T) {
	for _, in := range append(corpus, files(t)...) {
		want, err := viaMap([]byte(in))
		if err != nil {
			t.Fatalf("%.60q: %v", in, err)
		}
		got, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("%.60q: %v", in, err)
		}
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%.60q (-encoding/json +pbjson):\n%s", in, diff)
		}
		// Append writes what both read back the same.
		out := Append(nil, got)
		back, err := viaMap(out)
		if err != nil {
			t.Fatalf("Append wrote invalid JSON %.80q: %v", out, err)
		}
		if diff := cmp.Diff(want, back, protocmp.Transform()); diff != "" {
			t.Errorf("%.60q: Append does not round-trip (-want +got):\n%s", in, diff)
		}
	}
}

func TestAppendFormatsNumbersAsEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.5, 100, 1e20, 1e21, 1e-6, 1e-7, 123456789, 3.14159, 2e-9, -5e22} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := Append(nil, structpb.NewNumberValue(f)); !bytes.Equal(got, want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
	for _, s := range []string{"a\"b\\c\n\r\t\x01\x1f", "<>&", "ok"} {
		got := Append(nil, structpb.NewStringValue(s))
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("%q: wrote %s, read back %q (%v)", s, got, back, err)
		}
	}
}

func TestParseRejectsInvalidJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"}`, `{"a":}`, `[1,]`, `{"a":1,}`, `01`, `1.`, `-`, `1e`, `tru`, `"unterminated`,
		"\"ctl \x01\"", `"\x"`, `"\u12"`, `{} {}`, `{a:1}`, `1e999`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q: parsed, want an error", in)
		}
		if _, err := viaMap([]byte(in)); err == nil {
			t.Errorf("%q: encoding/json accepts it; the case is wrong", in)
		}
	}
	if _, err := Struct([]byte(`[1]`)); err == nil {
		t.Error("Struct of an array: want an error")
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range corpus {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, werr := viaMap(b)
		got, gerr := Parse(b)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: encoding/json error %v, pbjson error %v", b, werr, gerr)
		}
		if werr == nil && !cmp.Equal(want, got, protocmp.Transform()) {
			t.Fatalf("%q: values differ", b)
		}
	})
}

// files are the captured requests: real JSON of the size the function sees.
func files(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "fn", "testdata", "requests", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p) //nolint:gosec // test fixtures.
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}
