package fn

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// The fuzz targets of the request's decoders beyond the XR (fuzz_test.go):
// the function's input, the observed composed resources and the XR's
// status, the required resources (the kept password), and the whole
// request path fed its own output back as observed state.

// xrRequest is a request for an example XR (by index, wrapped) as
// Crossplane sends it on the first call: no observed composed resources.
func xrRequest(t *testing.T, seeds [][]byte, which int) *fnv1.RunFunctionRequest {
	t.Helper()
	s, err := pbjson.Struct(seeds[uint(which)%uint(len(seeds))])
	if err != nil {
		t.Fatal(err)
	}
	return &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}}}
}

// fatalOf returns the message of the response's Fatal result, if any.
func fatalOf(rsp *fnv1.RunFunctionResponse) (string, bool) {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return r.GetMessage(), true
		}
	}
	return "", false
}

// runChecked runs the function on req and checks what every answer must hold:
// no error, and a Fatal result composes nothing.
func runChecked(t *testing.T, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := New().RunFunction(context.Background(), req)
	if err != nil || rsp == nil {
		t.Fatalf("RunFunction: %v", err)
	}
	if _, ok := fatalOf(rsp); ok && len(rsp.GetDesired().GetResources()) > 0 {
		t.Fatal("a Fatal result with composed resources")
	}
	return rsp
}

// FuzzInput runs an example XR with an arbitrary function input (any JSON
// object: unknown members, wrong types, TTLs). An input that does not
// decode is one Fatal result naming it; one that decodes sets the
// response's TTL from its ttl when positive (no composed resource is
// observed, so the XR is never ready and readyTTL never applies).
func FuzzInput(f *testing.F) {
	seeds := seedXRs(f)
	f.Add(0, []byte(`{"apiVersion":"spacescaling.fn.crossplane.io/v1beta1","kind":"Input","ttl":"30s","readyTTL":"10m"}`))
	f.Add(1, []byte(`{"ttl":"-5s","readyTTL":"0s"}`))
	f.Add(2, []byte(`{"ttl":"1h2m3.5s","labels":{"team":"spaces"},"tags":{"cost-center":"42"}}`))
	f.Add(3, []byte(`{"aws":{"etcdMachineTypes":["m6i.large"],"databaseInstanceSize":"db.r6g.large"},"gcp":{"apiServerMachineTypes":[]}}`))
	f.Add(4, []byte(`{"azure":{"controlPlanesMachineTypes":"Standard_D4s_v5"}}`))
	f.Add(0, []byte(`{"ttl":5,"unknown":true}`))
	f.Add(1, []byte(`{"connectionSecretNamespace":"Not A Namespace","labels":{"":"x"}}`))
	f.Add(2, []byte(`{"metadata":{"name":"x","labels":{"a":"b"}},"ttl":"9999999h"}`))
	f.Fuzz(func(t *testing.T, which int, input []byte) {
		var m map[string]any
		if json.Unmarshal(input, &m) != nil {
			return
		}
		in, err := structpb.NewStruct(m)
		if err != nil {
			return
		}
		req := xrRequest(t, seeds, which)
		req.Input = in
		rsp := runChecked(t, req)

		decoded := &v1beta1.Input{}
		if err := getInput(req, decoded); err != nil {
			msg, ok := fatalOf(rsp)
			if !ok || len(rsp.GetResults()) != 1 || !strings.HasPrefix(msg, errGetInput) {
				t.Fatalf("an input that does not decode (%v) answered %v", err, rsp.GetResults())
			}
			return
		}
		if msg, ok := fatalOf(rsp); ok && strings.HasPrefix(msg, errGetInput) {
			t.Fatalf("an input that decodes is refused: %s", msg)
		}
		want := DefaultTTL
		if d := decoded.TTL; d != nil && d.Duration > 0 {
			want = d.Duration
		}
		if got := rsp.GetMeta().GetTtl().AsDuration(); got != want {
			t.Fatalf("TTL %v, want %v (input ttl %v)", got, want, decoded.TTL)
		}
	})
}

// FuzzObservedRead feeds an arbitrary observed composed resource and XR
// status through every reader of observed state: the wire's partial
// decode (pick, pickStruct), the database endpoint, the installed
// release's URL, the router's address, readiness and settling
// (fn/status), the database check of the safety rules, and the XR's
// recorded status and conditions. None may panic; the partial decode
// holds only values the full decode has at the same place; readiness
// follows the Ready condition where there is one, and a settled resource
// has True Ready and Synced conditions.
func FuzzObservedRead(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"rds.aws.upbound.io/v1beta3","kind":"Instance","metadata":{"name":"db","generation":3,"labels":{"spacescaling.crossplane.io/component":"database"}},"status":{"atProvider":{"address":"db.example.org","allocatedStorage":20},"conditions":[{"type":"Ready","status":"True","observedGeneration":3},{"type":"Synced","status":"True","observedGeneration":3}]}}`),
		[]byte(`{"cloud":"aws","warnings":["w"],"components":[{"name":"database","ready":true}],"conditions":[{"type":"ComponentsReady","status":"True"}]}`))
	f.Add([]byte(`{"apiVersion":"helm.crossplane.io/v1beta1","kind":"Release","spec":{"forProvider":{"set":[{"name":"apollo.apollo.storage.postgres.connection.url","value":"postgres://db:5432"}]}}}`),
		[]byte(`{"pendingChanges":[{"key":"etcd","action":"held"}]}`))
	f.Add([]byte(`{"apiVersion":"kubernetes.crossplane.io/v1alpha2","kind":"Object","status":{"atProvider":{"manifest":{"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}}}}}}`),
		[]byte(`{"components":"nope"}`))
	f.Add([]byte(`{"metadata":{"labels":7},"spec":{"forProvider":{"set":"x"}},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Creating"}],"atProvider":{"fqdn":["x"]}}}`),
		[]byte(`{"conditions":"x"}`))
	f.Fuzz(func(t *testing.T, observed, xrStatus []byte) {
		var o map[string]any
		if json.Unmarshal(observed, &o) != nil {
			return
		}
		s, err := structpb.NewStruct(o)
		if err != nil {
			return
		}
		full := s.AsMap()
		req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Resources: map[string]*fnv1.Resource{"database-instance": {Resource: s}}}}
		u := observedComposed(req)["database-instance"]
		within(t, "", u.Object, full)
		within(t, "", pickStruct(s, xrRead).AsMap(), full)

		for _, c := range registry {
			for _, p := range c.ObservedFields {
				_ = endpoint(u, &cloud.Database{EndpointFieldPath: p, Port: 5432})
			}
		}
		_ = releasedEndpoint(u)
		_ = routerAddress(u)
		_ = isDatabaseObserved("database-instance", u)
		obs := status.NewObserved(map[string]*unstructured.Unstructured{"database-instance": u})
		// A Ready condition decides; without one, a managed resource is not
		// ready and a plain Kubernetes object is once it exists.
		ready, _ := obs.Ready("database-instance")
		if c := status.ReadyCondition(u); c.Type == "Ready" && ready != (c.Status == "True") {
			t.Fatalf("ready %v with a Ready condition %q", ready, c.Status)
		}
		if status.Settled(u) && (!hasTrue(u, "Ready") || !hasTrue(u, "Synced")) {
			t.Fatal("settled without True Ready and Synced conditions")
		}

		var st any
		if json.Unmarshal(xrStatus, &st) != nil {
			return
		}
		xr, err := structpb.NewStruct(map[string]any{"status": st})
		if err != nil {
			return
		}
		_, _ = recordedStatus(xr)
		_ = hasCondition(xr, ConditionComponentsReady)
		_ = readiness(xr, &spec.Status{}, nil)
	})
}

// hasTrue reports whether o has a condition of type typ with status True.
func hasTrue(o *unstructured.Unstructured, typ string) bool {
	cs, _, _ := unstructured.NestedFieldNoCopy(o.Object, "status", "conditions")
	list, _ := cs.([]any)
	for _, c := range list {
		m, _ := c.(map[string]any)
		if m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}

// within fails when part (a partial decode) holds a value full does not
// have at the same path.
func within(t *testing.T, path string, part, full map[string]any) {
	t.Helper()
	for k, v := range part {
		fv, ok := full[k]
		if !ok {
			t.Fatalf("%s.%s: decoded but not in the object", path, k)
		}
		pm, pok := v.(map[string]any)
		fm, fok := fv.(map[string]any)
		if pok && fok {
			within(t, path+"."+k, pm, fm)
			continue
		}
		if !reflect.DeepEqual(v, fv) {
			t.Fatalf("%s.%s: decoded %v, the object has %v", path, k, v, fv)
		}
	}
}

// fuzzKeptMarker is the marker of the kept password in FuzzKeptPassword: it
// must never reach the response.
const fuzzKeptMarker = "fuzz-kept-password-value-"

// FuzzKeptPassword runs an example XR with arbitrary required resources
// under the kept password's requirement (any number of Secrets of any
// shape, or none). The function reads only whether a Secret's data has a
// non-empty password key: the value never reaches the response, and
// keptPassword agrees with that reading.
func FuzzKeptPassword(f *testing.F) {
	seeds := seedXRs(f)
	f.Add(0, []byte(`[{"apiVersion":"v1","kind":"Secret","data":{"password":"cGFzcw=="}}]`), "x")
	f.Add(1, []byte(`[{"data":{"password":""}},{"data":{"password":"eA=="}}]`), "")
	f.Add(2, []byte(`[{"data":"password"}]`), "y")
	f.Add(3, []byte(`[]`), "")
	f.Add(4, []byte(`null`), "z")
	f.Add(0, []byte(`[{"data":{"password":7}},{"stringData":{"password":"a"}}]`), "")
	f.Fuzz(func(t *testing.T, which int, secrets []byte, value string) {
		var items []map[string]any
		if json.Unmarshal(secrets, &items) != nil {
			return
		}
		req := xrRequest(t, seeds, which)
		rs := &fnv1.Resources{}
		want := KeptAbsent
		for _, it := range items {
			// The value the test plants: the marker, so that finding it in
			// the response means the function copied the password.
			if d, ok := it["data"].(map[string]any); ok {
				if _, has := d[cloud.PasswordKey]; has {
					d[cloud.PasswordKey] = fuzzKeptMarker + value
					want = KeptPresent
				}
			}
			s, err := structpb.NewStruct(it)
			if err != nil {
				return
			}
			rs.Items = append(rs.Items, &fnv1.Resource{Resource: s})
		}
		if secrets != nil && string(secrets) != "null" {
			req.RequiredResources = map[string]*fnv1.Resources{RequirementKeptPassword: rs}
		} else {
			want = KeptUnknown
		}
		if got := keptPassword(req); got != want {
			t.Fatalf("keptPassword %v, want %v", got, want)
		}
		rsp := runChecked(t, req)
		b, err := proto.Marshal(rsp)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), fuzzKeptMarker) {
			t.Fatal("the kept password's value reached the response")
		}
	})
}

// FuzzRoundTrip runs the function on an XR (the examples, mutated), feeds
// its own desired resources back as observed (each with a Ready condition
// True or False as readyMask says, Synced True, the fields the clouds
// read of a database filled in) and its status as the XR's, and runs it
// again, twice. The second call must not be Fatal where the first was not,
// must answer byte for byte the same both times, and must keep every
// resource the first call composed and the second observed: the function
// never deletes what it composed while nothing changed (a database least
// of all).
func FuzzRoundTrip(f *testing.F) {
	for i, s := range seedXRs(f) {
		f.Add(s, uint64(0), i%2 == 0)
		f.Add(s, ^uint64(0), true)
	}
	f.Fuzz(func(t *testing.T, xr []byte, readyMask uint64, feedStatus bool) {
		var m map[string]any
		if json.Unmarshal(xr, &m) != nil {
			return
		}
		xs, err := structpb.NewStruct(m)
		if err != nil {
			return
		}
		req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: xs}}}
		first := runChecked(t, req)
		if _, ok := fatalOf(first); ok {
			return
		}

		next := observedFrom(t, req, first, readyMask, feedStatus)
		second := runChecked(t, next)
		if msg, ok := fatalOf(second); ok {
			t.Fatalf("Fatal on the function's own output fed back: %s", msg)
		}
		again := runChecked(t, next)
		a, err := proto.MarshalOptions{Deterministic: true}.Marshal(second)
		if err != nil {
			t.Fatal(err)
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("the same request answered differently")
		}
		for key := range next.GetObserved().GetResources() {
			if _, ok := second.GetDesired().GetResources()[key]; !ok {
				t.Fatalf("observed %s, composed by the first call, left the desired state", key)
			}
		}
	})
}

// observedFrom is the request of the call after rsp: rsp's desired
// resources observed, with conditions and the database's observed fields,
// and rsp's status on the XR.
func observedFrom(t *testing.T, req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse, readyMask uint64, feedStatus bool) *fnv1.RunFunctionRequest {
	t.Helper()
	xr := proto.Clone(req.GetObserved().GetComposite().GetResource()).(*structpb.Struct) //nolint:forcetypeassert // Clone keeps the type.
	if feedStatus {
		if st, ok := rsp.GetDesired().GetComposite().GetResource().GetFields()["status"]; ok {
			xr.Fields["status"] = st
		}
	}
	keys := make([]string, 0, len(rsp.GetDesired().GetResources()))
	for k := range rsp.GetDesired().GetResources() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	observed := map[string]*fnv1.Resource{}
	for i, k := range keys {
		o := proto.Clone(rsp.GetDesired().GetResources()[k].GetResource()).(*structpb.Struct) //nolint:forcetypeassert // Clone keeps the type.
		ready := "False"
		if readyMask&(1<<(uint(i)%64)) != 0 {
			ready = "True"
		}
		md := child(o, "metadata")
		if _, ok := md.Fields["name"]; !ok {
			md.Fields["name"] = structpb.NewStringValue(k)
		}
		md.Fields["generation"] = structpb.NewNumberValue(1)
		st := child(o, "status")
		conds, err := structpb.NewList([]any{
			map[string]any{"type": "Ready", "status": ready, "reason": "Available", "observedGeneration": 1, "lastTransitionTime": time.Unix(0, 0).UTC().Format(time.RFC3339)},
			map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "observedGeneration": 1, "lastTransitionTime": time.Unix(0, 0).UTC().Format(time.RFC3339)},
		})
		if err != nil {
			t.Fatal(err)
		}
		st.Fields["conditions"] = structpb.NewListValue(conds)
		at := child(st, "atProvider")
		// The database's address, as each cloud's provider reports it.
		for _, f := range []string{"address", "fqdn", "privateIpAddress"} {
			at.Fields[f] = structpb.NewStringValue("db.example.org")
		}
		observed[k] = &fnv1.Resource{Resource: o}
	}
	return &fnv1.RunFunctionRequest{
		Input:    req.GetInput(),
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: xr}, Resources: observed},
	}
}
