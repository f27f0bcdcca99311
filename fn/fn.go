// Package fn is the composition function: it reads the request once, turns
// the XR into a validated spec, the spec into a cloud-neutral plan, the plan
// into each cloud's resources, and writes them with the XR's status into
// the response. Nothing below this file touches protobuf.
package fn

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Function composes everything an Upbound Space needs for production.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log logging.Logger
	ttl time.Duration
}

// Option configures a Function.
type Option func(*Function)

// WithLogger sets the logger.
func WithLogger(l logging.Logger) Option { return func(f *Function) { f.log = l } }

// WithTTL sets how long Crossplane may cache a response.
func WithTTL(d time.Duration) Option { return func(f *Function) { f.ttl = d } }

// New returns a Function.
func New(o ...Option) *Function {
	f := &Function{log: logging.NewNopLogger(), ttl: response.DefaultTTL}
	for _, fn := range o {
		fn(f)
	}
	return f
}

// The condition the function sets on the XR: which components it waits for.
const (
	ConditionComponentsReady = "ComponentsReady"
	ReasonWaiting            = "WaitingForComponents"
	ReasonAvailable          = "Available"
)

// Error messages: constant text, context wrapped around causes.
const (
	errGetXR      = "cannot get the observed composite resource"
	errGetInput   = "cannot get the function input"
	errInvalid    = "invalid XSpaceScaling"
	errRender     = "cannot render the composed resources"
	errSetDesired = "cannot set the desired state"
	errNameTaken  = "an earlier pipeline step composes a resource named %q, a name this function composes too: rename that step's resource"
)

// RunFunction runs the function. It never panics on bad input: every
// problem is a Fatal result naming the field to fix. (Should a bug panic,
// the server's interceptor turns it into an error for that call.)
func (f *Function) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, f.ttl)
	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, errGetXR))
		return rsp, nil
	}
	in := &v1beta1.Input{}
	if req.GetInput() != nil {
		if err := request.GetInput(req, in); err != nil {
			response.Fatal(rsp, errors.Wrap(err, errGetInput))
			return rsp, nil
		}
	}
	log := f.log.WithValues("xr", oxr.Resource.GetName(), "xr-kind", oxr.Resource.GetKind())

	raw, err := json.Marshal(oxr.Resource.Object)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, errGetXR))
		return rsp, nil
	}
	obs, err := request.GetObservedComposedResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the observed composed resources"))
		return rsp, nil
	}
	desired, err := request.GetDesiredComposedResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the desired composed resources"))
		return rsp, nil
	}

	res, errs := Compose(Request{
		XR:        raw,
		Namespace: oxr.Resource.GetNamespace(),
		Input:     in,
		Observed:  observedFrom(obs),
	})
	if len(errs) > 0 {
		log.Debug("invalid XR", "errors", len(errs))
		response.Fatal(rsp, errors.New(errInvalid+": "+FormatErrors(errs)))
		return rsp, nil
	}

	if err := writeDesired(rsp, req, desired, res); err != nil {
		response.Fatal(rsp, errors.Wrap(err, errSetDesired))
		return rsp, nil
	}
	if waiting := status.Waiting(res.Status.Components); len(waiting) > 0 {
		response.ConditionFalse(rsp, ConditionComponentsReady, ReasonWaiting).
			WithMessage(status.WaitingMessage(res.Status.Components)).TargetComposite()
	} else {
		response.ConditionTrue(rsp, ConditionComponentsReady, ReasonAvailable).
			WithMessage(status.WaitingMessage(res.Status.Components)).TargetComposite()
	}
	for _, w := range res.Warnings {
		response.Warning(rsp, errors.New(w)).TargetCompositeAndClaim()
	}
	log.Debug("composed", "resources", len(res.Resources))
	return rsp, nil
}

// observedFrom are the observed composed resources by name.
func observedFrom(obs map[resource.Name]resource.ObservedComposed) map[string]*composed.Unstructured {
	out := make(map[string]*composed.Unstructured, len(obs))
	for k, o := range obs {
		if o.Resource == nil {
			continue
		}
		out[string(k)] = o.Resource
	}
	return out
}

// writeDesired adds the composed resources to the desired state and the
// status to the desired XR. What earlier pipeline steps wrote stays: their
// composed resources (a name this function also composes is refused, not
// rewritten) and their fields of the XR's status (this function sets only
// its own).
func writeDesired(rsp *fnv1.RunFunctionResponse, req *fnv1.RunFunctionRequest, desired map[resource.Name]*resource.DesiredComposed, res *Result) error {
	for _, cr := range res.Resources {
		if _, taken := desired[resource.Name(cr.Key)]; taken {
			return errors.Errorf(errNameTaken, cr.Key)
		}
	}
	for _, cr := range res.Resources {
		u, err := toUnstructured(cr.Object)
		if err != nil {
			return errors.Wrapf(err, "cannot convert %s", cr.Key)
		}
		if cr.Component != "" {
			u.SetLabels(compose.Labels(u.GetLabels(), map[string]string{compose.LabelComponent: cr.Component}))
		}
		dc := &resource.DesiredComposed{Resource: &composed.Unstructured{Unstructured: *u}, Ready: resource.ReadyFalse}
		if res.Ready[cr.Key] {
			dc.Ready = resource.ReadyTrue
		}
		desired[resource.Name(cr.Key)] = dc
	}
	if err := response.SetDesiredComposedResources(rsp, desired); err != nil {
		return err
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		return errors.Wrap(err, "cannot get the desired composite resource")
	}
	st, err := toMap(res.Status)
	if err != nil {
		return errors.Wrap(err, "cannot convert the status")
	}
	cur, _ := dxr.Resource.Object["status"].(map[string]any)
	if cur == nil {
		cur = map[string]any{}
	}
	maps.Copy(cur, st)
	dxr.Resource.Object["status"] = cur
	return response.SetDesiredCompositeResource(rsp, dxr)
}

func toUnstructured(o any) (*unstructured.Unstructured, error) {
	m, err := toMap(o)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}

func toMap(o any) (map[string]any, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
