package fn

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"sigs.k8s.io/json"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// The few response and request helpers the function needs, as the SDK's
// request and response packages write them. Those packages import
// crossplane-runtime's resource package and with it controller-runtime and
// client-go, whose package initialization (the Kubernetes scheme of every
// built-in API) the process paid at every start for nothing, and whose
// code made the binary twice as large (README, "Performance").

// defaultTTL is how long Crossplane may cache a response unless configured.
const defaultTTL = time.Minute

// newResponse is the response to req: its tag, a TTL, and the desired state
// and context of earlier steps to add to.
func newResponse(req *fnv1.RunFunctionRequest, ttl time.Duration) *fnv1.RunFunctionResponse {
	return &fnv1.RunFunctionResponse{
		Meta:    &fnv1.ResponseMeta{Tag: req.GetMeta().GetTag(), Ttl: durationpb.New(ttl)},
		Desired: req.GetDesired(),
		Context: req.GetContext(),
	}
}

// addFatal adds a Fatal result: Crossplane stops the pipeline and reports err.
func addFatal(rsp *fnv1.RunFunctionResponse, err error) {
	rsp.Results = append(rsp.Results, &fnv1.Result{
		Severity: fnv1.Severity_SEVERITY_FATAL, Message: err.Error(), Target: fnv1.Target_TARGET_COMPOSITE.Enum(),
	})
}

// addWarning adds a Warning result for the XR and its claim.
func addWarning(rsp *fnv1.RunFunctionResponse, msg string) {
	rsp.Results = append(rsp.Results, &fnv1.Result{
		Severity: fnv1.Severity_SEVERITY_WARNING, Message: msg, Target: fnv1.Target_TARGET_COMPOSITE_AND_CLAIM.Enum(),
	})
}

// setCondition sets a condition on the XR.
func setCondition(rsp *fnv1.RunFunctionResponse, typ string, ok bool, reason, msg string) {
	s := fnv1.Status_STATUS_CONDITION_FALSE
	if ok {
		s = fnv1.Status_STATUS_CONDITION_TRUE
	}
	rsp.Conditions = append(rsp.Conditions, &fnv1.Condition{
		Type: typ, Status: s, Reason: reason, Message: &msg, Target: fnv1.Target_TARGET_COMPOSITE.Enum(),
	})
}

// getInput decodes the function's input strictly: an unknown or misspelt
// field is an error, as with the SDK's request.GetInput.
func getInput(req *fnv1.RunFunctionRequest, in *v1beta1.Input) error {
	b := pbjson.AppendStruct(nil, req.GetInput())
	strict, err := json.UnmarshalStrict(b, in, json.DisallowUnknownFields)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return errors.Join(strict...)
	}
	return nil
}
