package fn

import (
	"maps"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// The request is decoded once and only as far as the function reads it;
// the response is built straight from the typed resources. A steady-state
// request is mostly what the function never reads (managedFields,
// late-initialized spec, the manifests Objects read back), and decoding it
// all into maps cost more than composing (see docs/performance.md).

// fieldTree names the parts of an object to decode: a nil subtree takes the
// whole value.
type fieldTree map[string]fieldTree

// observedRead is every part of an observed composed resource the function
// reads: its kind, name and labels (safety.go), its conditions (fn/status),
// the values an installed Release was given (releasedEndpoint), and of
// status.atProvider only the fields the clouds list (cloud.Cloud's
// ObservedFields: the database's endpoint and size), the load balancer
// status of the router's Service an observe-only Object reads back
// (spaces.RouterAddressField), and the fields the clouds' refusing
// change rules compare (changeObservedFields). Reading a new field
// of an observed resource means adding it here or to the cloud's list;
// TestGoldenCaptured and TestStorageNeverShrinks fail otherwise.
var observedRead = withPaths(fieldTree{
	"apiVersion": nil,
	"kind":       nil,
	"metadata":   {"name": nil, "namespace": nil, "labels": nil, "resourceVersion": nil, "generation": nil},
	"spec":       {"forProvider": {"set": nil}},
	"status":     {"conditions": nil},
}, append(append(append(cloudObservedFields(), changeObservedFields()...), rolloutObservedFields()...), spaces.RouterAddressField))

// cloudObservedFields are the observed fields every registered cloud reads,
// sorted.
func cloudObservedFields() []string {
	var out []string
	for _, c := range registry {
		out = append(out, c.ObservedFields...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// withPaths adds dotted paths to a tree.
func withPaths(t fieldTree, paths []string) fieldTree {
	for _, p := range paths {
		node := t
		parts := strings.Split(p, ".")
		for i, k := range parts {
			sub, ok := node[k]
			if ok && sub == nil {
				break // the whole value is read already
			}
			if i == len(parts)-1 {
				node[k] = nil
				break
			}
			if !ok {
				sub = fieldTree{}
				node[k] = sub
			}
			node = sub
		}
	}
	return t
}

// Of the request's required resources the function reads one fact, straight
// from the protobuf and decoding nothing: whether the kept copy of a
// generated database password has a non-empty password key (keptPassword,
// password.go). Its value is never read.

// xrRead is every part of the observed XR the function reads, all through
// spec.Decode: its kind, name and spec, and of its status only what
// earlier calls recorded and later ones compare with (the cloud and the
// warnings already reported). Its managedFields and the rest of its status
// are never decoded.
var xrRead = fieldTree{
	"apiVersion": nil,
	"kind":       nil,
	"metadata":   {"name": nil, "namespace": nil},
	"spec":       nil,
	"status":     {"cloud": nil, "warnings": nil, "pendingChanges": nil},
}

// observedComposed decodes what the function reads of each observed
// composed resource, as apimachinery's Unstructured.
func observedComposed(req *fnv1.RunFunctionRequest) map[string]*unstructured.Unstructured {
	res := req.GetObserved().GetResources()
	out := make(map[string]*unstructured.Unstructured, len(res))
	for k, r := range res {
		out[k] = &unstructured.Unstructured{Object: pick(r.GetResource(), observedRead)}
	}
	return out
}

// pickStruct is the part of s that t names, sharing s's values: nothing is
// copied but the maps of the objects on the way.
func pickStruct(s *structpb.Struct, t fieldTree) *structpb.Struct {
	out := &structpb.Struct{Fields: make(map[string]*structpb.Value, len(t))}
	for k, sub := range t {
		v, ok := s.GetFields()[k]
		if !ok {
			continue
		}
		if st := v.GetStructValue(); st != nil && sub != nil {
			v = structpb.NewStructValue(pickStruct(st, sub))
		}
		out.Fields[k] = v
	}
	return out
}

// pick decodes the parts of s that t names. The tree names the fields of
// every cloud's kinds and an object holds few of them: it walks the smaller
// of the two and sizes the map for what both hold at most.
func pick(s *structpb.Struct, t fieldTree) map[string]any {
	fields := s.GetFields()
	out := make(map[string]any, min(len(t), len(fields)))
	add := func(k string, v *structpb.Value, sub fieldTree) {
		if st := v.GetStructValue(); st != nil && sub != nil {
			out[k] = pick(st, sub)
			return
		}
		out[k] = v.AsInterface()
	}
	if len(fields) < len(t) {
		for k, v := range fields {
			if sub, ok := t[k]; ok {
				add(k, v, sub)
			}
		}
		return out
	}
	for k, sub := range t {
		if v, ok := fields[k]; ok {
			add(k, v, sub)
		}
	}
	return out
}

// toStruct is a typed object as a protobuf Struct: what encoding/json
// would write, encoded straight into structpb (FuzzCompose compares the two
// on every composed resource).
func toStruct(o any) (*structpb.Struct, error) {
	return pbjson.EncodeStruct(o)
}

// writeDesired adds the composed resources to the desired state and the
// status to the desired XR. What earlier pipeline steps wrote stays: their
// composed resources (a name this function also composes is refused, not
// rewritten) and their fields of the XR's status (this function sets only
// its own).
func writeDesired(rsp *fnv1.RunFunctionResponse, res *Result) error {
	if rsp.GetDesired() == nil {
		rsp.Desired = &fnv1.State{}
	}
	if rsp.GetDesired().GetResources() == nil {
		rsp.Desired.Resources = map[string]*fnv1.Resource{}
	}
	for _, cr := range res.Resources {
		if _, taken := rsp.Desired.Resources[cr.Key]; taken {
			return errors.Errorf(errNameTaken, cr.Key)
		}
	}
	for _, cr := range res.Resources {
		s, err := toStruct(cr.Object)
		if err != nil {
			return errors.Wrapf(err, "cannot convert %s", cr.Key)
		}
		if cr.Component != "" {
			setLabel(s, compose.LabelComponent, cr.Component)
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
	// The desired XR as earlier steps left it, with this function's status
	// fields set over theirs. The request shares it, so it is copied, not
	// changed.
	prev := rsp.GetDesired().GetComposite()
	xr := &structpb.Struct{Fields: maps.Clone(prev.GetResource().GetFields())}
	if xr.Fields == nil {
		xr.Fields = map[string]*structpb.Value{}
	}
	status := &structpb.Struct{Fields: maps.Clone(xr.Fields["status"].GetStructValue().GetFields())}
	if status.Fields == nil {
		status.Fields = map[string]*structpb.Value{}
	}
	maps.Copy(status.Fields, st.GetFields())
	xr.Fields["status"] = structpb.NewStructValue(status)
	rsp.Desired.Composite = &fnv1.Resource{Resource: xr, ConnectionDetails: prev.GetConnectionDetails()}
	return nil
}

// setLabel sets metadata.labels[k] of an object.
func setLabel(o *structpb.Struct, k, v string) {
	md := child(o, "metadata")
	child(md, "labels").Fields[k] = structpb.NewStringValue(v)
}

// child is the object at o's field k, created if missing.
func child(o *structpb.Struct, k string) *structpb.Struct {
	if c := o.GetFields()[k].GetStructValue(); c != nil {
		return c
	}
	c := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	o.Fields[k] = structpb.NewStructValue(c)
	return c
}
