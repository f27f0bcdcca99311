package fn

import (
	"encoding/json"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// The request is decoded once and only as far as the function reads it;
// the response is built straight from the typed resources. A steady-state
// request is mostly what the function never reads (managedFields,
// late-initialized spec, the manifests Objects read back), and decoding it
// all into maps cost more than composing (see README, "Performance").

// fieldTree names the parts of an object to decode: a nil subtree takes the
// whole value.
type fieldTree map[string]fieldTree

// observedRead is every part of an observed composed resource the function
// reads: its kind and name (safety.go), its conditions (fn/status), the
// database's endpoint under status.atProvider (cloud.Database's
// EndpointFieldPath) and the values an installed Release was given
// (releasedEndpoint). Reading a new field of an observed resource means
// adding it here; TestGoldenCaptured fails otherwise.
var observedRead = fieldTree{
	"apiVersion": nil,
	"kind":       nil,
	"metadata":   {"name": nil, "namespace": nil},
	"spec":       {"forProvider": {"set": nil}},
	"status":     {"conditions": nil, "atProvider": nil},
}

// observedComposed decodes what the function reads of each observed
// composed resource, as the SDK's composed.Unstructured.
func observedComposed(req *fnv1.RunFunctionRequest) map[string]*composed.Unstructured {
	res := req.GetObserved().GetResources()
	out := make(map[string]*composed.Unstructured, len(res))
	for k, r := range res {
		o := composed.New()
		o.Object = pick(r.GetResource(), observedRead)
		out[k] = o
	}
	return out
}

// pick decodes the parts of s that t names.
func pick(s *structpb.Struct, t fieldTree) map[string]any {
	out := make(map[string]any, len(t))
	for k, sub := range t {
		v, ok := s.GetFields()[k]
		if !ok {
			continue
		}
		if st := v.GetStructValue(); st != nil && sub != nil {
			out[k] = pick(st, sub)
			continue
		}
		out[k] = v.AsInterface()
	}
	return out
}

// toStruct is a typed object as a protobuf Struct: encoding/json's output,
// parsed straight into structpb.
func toStruct(o any) (*structpb.Struct, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	return pbjson.Struct(b)
}

// writeDesired adds the composed resources to the desired state, keeping
// what earlier pipeline steps composed, and the status to the desired XR.
func writeDesired(rsp *fnv1.RunFunctionResponse, res *Result) error {
	if rsp.GetDesired() == nil {
		rsp.Desired = &fnv1.State{}
	}
	if rsp.GetDesired().GetResources() == nil {
		rsp.Desired.Resources = map[string]*fnv1.Resource{}
	}
	for _, cr := range res.Resources {
		s, err := toStruct(cr.Object)
		if err != nil {
			return errors.Wrapf(err, "cannot convert %s", cr.Key)
		}
		r := &fnv1.Resource{Resource: s, Ready: fnv1.Ready_READY_FALSE}
		if res.Ready[cr.Key] {
			r.Ready = fnv1.Ready_READY_TRUE
		}
		rsp.Desired.Resources[cr.Key] = r
	}

	st, err := toStruct(res.Status)
	if err != nil {
		return errors.Wrap(err, "cannot convert the status")
	}
	// The desired XR as earlier steps left it, with this status. The
	// request shares it, so it is copied, not changed.
	prev := rsp.GetDesired().GetComposite()
	xr := &structpb.Struct{Fields: make(map[string]*structpb.Value, len(prev.GetResource().GetFields())+1)}
	for k, v := range prev.GetResource().GetFields() {
		xr.Fields[k] = v
	}
	xr.Fields["status"] = structpb.NewStructValue(st)
	rsp.Desired.Composite = &fnv1.Resource{Resource: xr, ConnectionDetails: prev.GetConnectionDetails()}
	return nil
}
