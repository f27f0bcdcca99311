// Package fn is the composition function: it reads the request once, turns
// the XR into a validated spec, the spec into a cloud-neutral plan, the plan
// into each cloud's resources, and writes them with the XR's status into
// the response. Nothing below this file touches protobuf.
package fn

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/status"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// Function composes everything an Upbound Space needs for production.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log      logging.Logger
	ttl      time.Duration
	readyTTL time.Duration
	trace    *verdictTrace
	metrics  Metrics
}

// Option configures a Function.
type Option func(*Function)

// WithLogger sets the logger.
func WithLogger(l logging.Logger) Option { return func(f *Function) { f.log = l } }

// WithTTL sets how long Crossplane may cache a response, and with realtime
// compositions when it calls again at the latest, while composed resources
// are still converging (or the XR is invalid).
func WithTTL(d time.Duration) Option { return func(f *Function) { f.ttl = d } }

// WithReadyTTL sets the TTL of a response once every composed resource is
// ready: longer, as little changes then without an event that triggers a
// reconcile anyway.
func WithReadyTTL(d time.Duration) Option { return func(f *Function) { f.readyTTL = d } }

// WithVerdictTrace logs at debug level every readiness verdict that differs
// from the previous call's for the same XR, with what the request's
// observed state held for that resource (see verdicts.go).
func WithVerdictTrace() Option { return func(f *Function) { f.trace = newVerdictTrace() } }

// New returns a Function.
func New(o ...Option) *Function {
	f := &Function{log: logging.NewNopLogger(), ttl: DefaultTTL}
	for _, fn := range o {
		fn(f)
	}
	if f.readyTTL == 0 {
		f.readyTTL = f.ttl
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
	errGetInput   = "cannot get the function input"
	errInvalid    = "invalid XSpaceScaling"
	errRender     = "cannot render the composed resources"
	errSetDesired = "cannot set the desired state"
	errNameTaken  = "an earlier pipeline step composes a resource named %q, a name this function composes too: rename that step's resource"
)

// runFunction runs the function. It never panics on bad input: every
// problem is a Fatal result naming the field to fix. (Should a bug panic,
// the server's interceptor turns it into an error for that call.) c records
// the call for Metrics (metrics.go); it is nil without them.
func (f *Function) runFunction(_ context.Context, req *fnv1.RunFunctionRequest, c *call) (*fnv1.RunFunctionResponse, error) {
	rsp := newResponse(req, f.ttl)
	xr := req.GetObserved().GetComposite().GetResource()
	in := &v1beta1.Input{}
	if req.GetInput() != nil {
		if err := getInput(req, in); err != nil {
			addFatal(rsp, errors.Wrap(err, errGetInput))
			c.fatalBecause(ReasonInvalidInput)
			return rsp, nil
		}
	}
	// The step's own TTLs, where its input sets them, override the flags.
	readyTTL := f.readyTTL
	if d := in.TTL; d != nil && d.Duration > 0 {
		rsp.Meta.Ttl = durationpb.New(d.Duration)
	}
	if d := in.ReadyTTL; d != nil && d.Duration > 0 {
		readyTTL = d.Duration
	}
	md := xr.GetFields()["metadata"].GetStructValue()
	log := f.log.WithValues("xr", md.GetFields()["name"].GetStringValue(), "xr-kind", xr.GetFields()["kind"].GetStringValue())

	observed := observedComposed(req)
	res, errs := Compose(Request{
		XR:        pbjson.AppendStruct(nil, pickStruct(xr, xrRead)),
		Namespace: md.GetFields()["namespace"].GetStringValue(),
		Input:     in,
		Observed:  observed,
		Kept:      keptPassword(req),
	})
	if len(errs) > 0 {
		log.Debug("invalid XR", "errors", len(errs))
		addFatal(rsp, errors.New(errInvalid+": "+FormatErrors(errs)))
		c.fatalBecause(FatalReason(errs))
		return rsp, nil
	}

	// Before writeDesired: the desired resources of earlier steps.
	rd := readiness(xr, &res.Status, rsp.GetDesired().GetResources())
	if err := writeDesired(rsp, res); err != nil {
		addFatal(rsp, errors.Wrap(err, errSetDesired))
		c.fatalBecause(desiredReason(err))
		return rsp, nil
	}
	if res.KeptPassword != nil {
		rsp.Requirements = &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{
			RequirementKeptPassword: requireSecret(res.KeptPassword),
		}}
	}
	rsp.Desired.Composite.Ready = fnv1.Ready_READY_FALSE
	if rd.Ready {
		rsp.Desired.Composite.Ready = fnv1.Ready_READY_TRUE
		rsp.Meta.Ttl = durationpb.New(readyTTL)
	}
	if rd.Condition {
		if rd.Ready {
			setCondition(rsp, ConditionComponentsReady, true, ReasonAvailable, status.WaitingMessage(res.Status.Components))
		} else {
			setCondition(rsp, ConditionComponentsReady, false, ReasonWaiting, status.WaitingMessage(res.Status.Components))
		}
	}
	for _, w := range res.Warnings {
		addWarning(rsp, w)
	}
	for _, e := range res.Events {
		addNormal(rsp, e)
	}
	if f.trace != nil {
		f.trace.record(log.WithValues("xr-resourceVersion", md.GetFields()["resourceVersion"].GetStringValue()),
			xr.GetFields()["kind"].GetStringValue()+"/"+md.GetFields()["namespace"].GetStringValue()+"/"+md.GetFields()["name"].GetStringValue(),
			res.Ready, observed, rd)
	}
	c.composed(res)
	log.Debug("composed", "resources", len(res.Resources))
	return rsp, nil
}
