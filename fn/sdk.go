package fn

import (
	"maps"
	"time"

	"github.com/go-json-experiment/json"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// The few request and response helpers the function needs, written the way
// function-sdk-go v0.7.1's request and response packages write them (same
// fields, targets and messages). Those packages import crossplane-runtime's
// resource package and with it controller-runtime and client-go: 21 MB more
// binary, about 10 MiB more resident memory and twice the start-up, spent
// initializing the client-go scheme of every built-in Kubernetes API the
// function never uses (docs/performance.md). hack/test.sh fails when the
// binary links them again.

// DefaultTTL is how long Crossplane may cache a response unless configured:
// the SDK's response.DefaultTTL.
const DefaultTTL = time.Minute

// newResponse is the response to req, as the SDK's response.To: its tag, a
// TTL, and the desired state and context of earlier steps to add to. Unlike
// response.To it does not share the request's map of desired resources, so
// RunFunction never changes its request: the same request run twice gives
// the same response (a benchmark or a retry calls it so).
func newResponse(req *fnv1.RunFunctionRequest, ttl time.Duration) *fnv1.RunFunctionResponse {
	var desired *fnv1.State
	if d := req.GetDesired(); d != nil {
		desired = &fnv1.State{Composite: d.GetComposite(), Resources: maps.Clone(d.GetResources())}
	}
	return &fnv1.RunFunctionResponse{
		Meta:    &fnv1.ResponseMeta{Tag: req.GetMeta().GetTag(), Ttl: durationpb.New(ttl)},
		Desired: desired,
		Context: req.GetContext(),
	}
}

// addResult adds a result for the XR, as the SDK's response.Fatal and
// response.Warning.
func addResult(rsp *fnv1.RunFunctionResponse, s fnv1.Severity, msg string, t fnv1.Target) {
	rsp.Results = append(rsp.Results, &fnv1.Result{Severity: s, Message: msg, Target: t.Enum()})
}

// addFatal adds a Fatal result: Crossplane stops the pipeline and reports err.
func addFatal(rsp *fnv1.RunFunctionResponse, err error) {
	addResult(rsp, fnv1.Severity_SEVERITY_FATAL, err.Error(), fnv1.Target_TARGET_COMPOSITE)
}

// addWarning adds a Warning result for the XR and its claim.
func addWarning(rsp *fnv1.RunFunctionResponse, msg string) {
	addResult(rsp, fnv1.Severity_SEVERITY_WARNING, msg, fnv1.Target_TARGET_COMPOSITE_AND_CLAIM)
}

// addNormal adds a Normal result: Crossplane records it as a Normal event
// of the XR.
func addNormal(rsp *fnv1.RunFunctionResponse, msg string) {
	addResult(rsp, fnv1.Severity_SEVERITY_NORMAL, msg, fnv1.Target_TARGET_COMPOSITE)
}

// setCondition adds a condition of the XR, as the SDK's
// response.ConditionTrue and ConditionFalse with a message.
func setCondition(rsp *fnv1.RunFunctionResponse, typ string, ok bool, reason, msg string) {
	s := fnv1.Status_STATUS_CONDITION_FALSE
	if ok {
		s = fnv1.Status_STATUS_CONDITION_TRUE
	}
	rsp.Conditions = append(rsp.Conditions, &fnv1.Condition{
		Type: typ, Status: s, Reason: reason, Message: &msg, Target: fnv1.Target_TARGET_COMPOSITE.Enum(),
	})
}

// getInput decodes the function's input as the SDK's request.GetInput does
// (resource.AsObject): a JSON decode that rejects unknown members, so a
// misspelt field is an error, with the SDK's messages. The JSON is written
// by pbjson rather than protojson: the same members and values.
func getInput(req *fnv1.RunFunctionRequest, in *v1beta1.Input) error {
	b := pbjson.AppendStruct(nil, req.GetInput())
	return errors.Wrapf(json.Unmarshal(b, in, json.RejectUnknownMembers(true)),
		"cannot get function input %T from %T: cannot unmarshal JSON from %T into %T", in, req, req.GetInput(), in)
}
