package fn

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// seedXRs are the example XRs as JSON, the fuzzers' starting points.
func seedXRs(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, p := range exampleXRs(f) {
		b, err := os.ReadFile(p) //nolint:gosec // test fixtures.
		if err != nil {
			f.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(b)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

// FuzzCompose feeds arbitrary XR JSON through decoding, validation, the
// plan and every renderer. It must never panic, and invalid input must
// compose nothing.
func FuzzCompose(f *testing.F) {
	for _, s := range seedXRs(f) {
		f.Add(s)
	}
	// The kind must be right for the fuzzer to get past Decode.
	const kind = `"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling",`
	f.Add([]byte(`{` + kind + `"spec":{"cloud":"aws","zones":[],"nodePools":{"etcd":{"minNodes":-1}}}}`))
	f.Add([]byte(`{` + kind + `"spec":null}`))
	f.Add([]byte(`{` + kind + `"spec":{"zones":"a","capacity":{"controlPlanes":"ten"},"spaces":{"values":{"controlPlanes":{"etcd":null}}}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, xr []byte) {
		res, errs := Compose(Request{XR: xr, Input: defaultInput()})
		if len(errs) > 0 && res != nil {
			t.Fatalf("invalid input composed %d resources", len(res.Resources))
		}
		if len(errs) == 0 && res == nil {
			t.Fatal("valid input composed nothing")
		}
		if res == nil {
			return
		}
		for _, r := range res.Resources {
			b, err := json.Marshal(r.Object)
			if err != nil {
				t.Fatalf("%s does not marshal: %v", r.Key, err)
			}
			// The response is encoded straight into structpb: it must be
			// what encoding/json writes, read back.
			want, err := pbjson.Struct(b)
			if err != nil {
				t.Fatalf("%s: %v", r.Key, err)
			}
			got, err := toStruct(r.Object)
			if err != nil {
				t.Fatalf("%s does not encode: %v", r.Key, err)
			}
			if !proto.Equal(want, got) {
				t.Fatalf("%s encodes differently from encoding/json:\n%s", r.Key, cmp.Diff(want, got, protocmp.Transform()))
			}
		}
	})
}

// FuzzRunFunction runs the whole function on an example XR with arbitrary
// observed state (any JSON under any composed resource name, and any
// status on the XR). It must answer, never panic or error.
func FuzzRunFunction(f *testing.F) {
	seeds := seedXRs(f)
	f.Add(0, "database-instance", []byte(`{"apiVersion":"rds.aws.upbound.io/v1beta3","kind":"Instance","status":{"atProvider":{"address":"db"},"conditions":[{"type":"Ready","status":"True"}]}}`), []byte(`{}`))
	f.Add(1, "spaces-release", []byte(`{"spec":{"forProvider":{"set":[{"name":"apollo.apollo.storage.postgres.connection.url","value":7}]}}}`), []byte(`{"cloud":"gcp"}`))
	f.Add(2, "etcd-nodepool", []byte(`{"status":{"conditions":"nope"}}`), []byte(`{"cloud":5}`))
	f.Fuzz(func(t *testing.T, which int, key string, observed, xrStatus []byte) {
		xr := map[string]any{}
		if err := json.Unmarshal(seeds[uint(which)%uint(len(seeds))], &xr); err != nil {
			t.Fatal(err)
		}
		var st any
		if json.Unmarshal(xrStatus, &st) == nil {
			xr["status"] = st
		}
		xs, err := structpb.NewStruct(xr)
		if err != nil {
			t.Skip()
		}
		req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: xs}, Resources: map[string]*fnv1.Resource{}}}
		o := map[string]any{}
		if json.Unmarshal(observed, &o) == nil {
			if s, err := structpb.NewStruct(o); err == nil {
				req.Observed.Resources[key] = &fnv1.Resource{Resource: s}
			}
		}
		rsp, err := New().RunFunction(context.Background(), req)
		if err != nil || rsp == nil {
			t.Fatalf("RunFunction: %v", err)
		}
		for _, r := range rsp.GetResults() {
			if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL && len(rsp.GetDesired().GetResources()) > 0 {
				t.Fatal("a Fatal result with composed resources")
			}
		}
	})
}
