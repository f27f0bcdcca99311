package fn

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// BenchmarkRunFunction measures RunFunction on the requests the real engine
// sends, per cloud, create and steady (testdata/requests):
//
//	go test ./fn -run '^$' -bench 'RunFunction|Floor' -benchmem -count 10
//
// Compare a change with benchstat (docs/performance.md).
func BenchmarkRunFunction(b *testing.B) {
	for _, c := range capturedRequests(b) {
		f := New()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.RunFunction(context.Background(), c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloor is what every call costs whatever the function does:
// decoding the request and encoding the response, as gRPC does around
// RunFunction. RunFunction's time above it is the function's own.
func BenchmarkFloor(b *testing.B) {
	for _, c := range capturedRequests(b) {
		raw, err := proto.Marshal(c.req)
		if err != nil {
			b.Fatal(err)
		}
		rsp, err := New().RunFunction(context.Background(), c.req)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				req := &fnv1.RunFunctionRequest{}
				if err := proto.Unmarshal(raw, req); err != nil {
					b.Fatal(err)
				}
				if _, err := proto.Marshal(rsp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSameStatusShortcuts guards sameStatus's early answers: on the
// captured requests as they are and with the recorded status edited where
// the shortcuts look, it answers as comparing the whole status through
// JSON does.
func TestSameStatusShortcuts(t *testing.T) {
	whole := func(recorded, written *spec.Status) bool {
		b, err := json.Marshal(written)
		if err != nil {
			return false
		}
		w := &spec.Status{}
		if err := json.Unmarshal(b, w); err != nil {
			return false
		}
		return reflect.DeepEqual(recorded, w)
	}
	for _, c := range capturedRequests(t) {
		xr := c.req.GetObserved().GetComposite().GetResource()
		in := &v1beta1.Input{}
		if err := getInput(c.req, in); err != nil {
			t.Fatal(err)
		}
		res, errs := Compose(Request{
			XR:        pbjson.AppendStruct(nil, pickStruct(xr, xrRead)),
			Namespace: xr.GetFields()["metadata"].GetStructValue().GetFields()["namespace"].GetStringValue(),
			Input:     in, Observed: observedComposed(c.req), Kept: keptPassword(c.req),
		})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", c.name, errs)
		}
		// The written status read back as the API server would store it.
		settled := &spec.Status{}
		b, err := json.Marshal(res.Status)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, settled); err != nil {
			t.Fatal(err)
		}
		recorded, _ := recordedStatus(xr)
		cases := map[string]*spec.Status{"as captured": recorded, "settled": settled}
		for i := range settled.Components {
			flipped := *settled
			flipped.Components = slices.Clone(settled.Components)
			flipped.Components[i].Ready = !flipped.Components[i].Ready
			cases[fmt.Sprintf("component %d flipped", i)] = &flipped
		}
		fewer := *settled
		fewer.Components = fewer.Components[:len(fewer.Components)-1]
		cases["a component fewer"] = &fewer
		other := *settled
		other.Cloud = "elsewhere"
		cases["another cloud"] = &other
		for name, rec := range cases {
			if got, want := sameStatus(rec, &res.Status), whole(rec, &res.Status); got != want {
				t.Errorf("%s, %s: sameStatus %t, comparing the whole status %t", c.name, name, got, want)
			}
		}
		if !sameStatus(settled, &res.Status) {
			t.Errorf("%s: the status written, read back, is not the same", c.name)
		}
	}
}
