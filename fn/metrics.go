package fn

import (
	"context"
	"reflect"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Metrics receives what each RunFunction call did. The server exports it
// to Prometheus (internal/metrics); fn itself depends on no metrics
// library. Observe is called once per call, from the call's goroutine, and
// must be safe for concurrent use. Every string in a Call is from a small
// fixed set, never the XR's name or free text, except XR, which identifies
// the XR for in-memory bookkeeping and must never become a label.
type Metrics interface {
	Observe(c *Call)
}

// WithMetrics records every call into m. Without it, nothing is recorded
// and a call costs nothing more.
func WithMetrics(m Metrics) Option { return func(f *Function) { f.metrics = m } }

// Call is what one RunFunction call did.
type Call struct {
	// Duration of the call, in the function (without gRPC).
	Duration time.Duration
	// Outcome: OutcomeOK, OutcomeFatal or OutcomePanic.
	Outcome string
	// FatalReason is the reason of the Fatal result (Reason*), empty
	// unless Outcome is OutcomeFatal.
	FatalReason string
	// Warnings are the reasons of the Warning results the call sent, one
	// per result: the top-level XR field a warning names (WarningReason).
	Warnings []string
	// Normals are the reasons of the Normal results (events) the call
	// sent, one per result: the pending change's action (NormalReason).
	Normals []string
	// Composed are the group and kind of each composed resource.
	Composed []schema.GroupKind
	// Pending are the actions of the pending changes the response reports
	// in the XR's status.pendingChanges, one per change.
	Pending []string
	// Ready: the response says the XR is ready.
	Ready bool
	// XR identifies the XR (its UID, else kind/namespace/name): for
	// bookkeeping such as how long it has not been ready, never a label.
	XR string
}

// Outcomes of a call.
const (
	OutcomeOK    = "ok"
	OutcomeFatal = "fatal"
	// OutcomePanic: the call panicked; the server turns the panic into an
	// Internal error for that call.
	OutcomePanic = "panic"
)

// Reasons of a Fatal result.
const (
	// ReasonInvalidInput: the XR or the step's input is invalid, or the
	// Composition's pipeline conflicts with the function (a name taken).
	ReasonInvalidInput = "invalid_input"
	// ReasonRefusedChange: the change model refused a change no update gets
	// past (forbidden by the API server, refused by the provider, loses
	// data of a resource).
	ReasonRefusedChange = "refused_change"
	// ReasonDataLossGuard: the change would delete or replace the Query API
	// database.
	ReasonDataLossGuard = "data_loss_guard"
	// ReasonInternal: a bug or an unexpected state.
	ReasonInternal = "internal"
	// ReasonOther: a Warning or Normal result that fits no known reason.
	ReasonOther = "other"
)

// FatalReasons are every reason of a Fatal result.
var FatalReasons = []string{ReasonInvalidInput, ReasonRefusedChange, ReasonDataLossGuard, ReasonInternal}

// PendingActions are the actions of a pending change (fn/change).
var PendingActions = []string{change.ActionStaged, change.ActionHeld, change.ActionRetired}

// WarningReasons are every reason of a Warning result: "spec.<field>" for
// each top-level field of the XR's spec, and ReasonOther.
var WarningReasons = func() []string {
	t := reflect.TypeFor[spec.Spec]()
	out := make([]string, 0, t.NumField()+1)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, "spec."+name)
		}
	}
	return append(out, ReasonOther)
}()

// warningReasons is WarningReasons as a set.
var warningReasons = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range WarningReasons {
		m[r] = true
	}
	return m
}()

// WarningReason classifies a warning by the first top-level XR field it
// names ("spec.zones has 2 zone(s)..." is spec.zones), ReasonOther when it
// names none: a fixed set, never the warning's text.
func WarningReason(w string) string {
	for rest := w; ; {
		i := strings.Index(rest, "spec.")
		if i < 0 {
			return ReasonOther
		}
		rest = rest[i:]
		end := len("spec.")
		for end < len(rest) && isFieldByte(rest[end]) {
			end++
		}
		// A word that ends in "spec." (such as "respec.") is no path.
		pos := len(w) - len(rest)
		if r := rest[:end]; warningReasons[r] && (pos == 0 || !isFieldByte(w[pos-1])) {
			return r
		}
		rest = rest[len("spec."):]
	}
}

func isFieldByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// NormalReason classifies a Normal result, a pending change's event
// ("staged NodePool etcd-...: why"), by its action.
func NormalReason(msg string) string {
	a, _, _ := strings.Cut(msg, " ")
	return pendingAction(a)
}

// pendingAction is a, one of PendingActions, or ReasonOther.
func pendingAction(a string) string {
	for _, p := range PendingActions {
		if a == p {
			return p
		}
	}
	return ReasonOther
}

// dataLossDetail begins the data-loss guard's error (safety.go).
const dataLossDetail = "this change would delete or replace the Query API database"

// refusedEffects are the names of the effects the change guard refuses,
// as its errors begin with them (refusal in changes.go).
var refusedEffects = func() []string {
	var out []string
	for e := change.NoChange; e <= change.LosesData; e++ {
		if e.Refused() {
			out = append(out, e.String()+": ")
		}
	}
	return out
}()

// FatalReason classifies the errors of an XR the function refuses: an
// internal error first, then the data-loss guard, then the change guard,
// else invalid input.
func FatalReason(errs field.ErrorList) string {
	reason := ReasonInvalidInput
	for _, e := range errs {
		switch {
		case e.Type == field.ErrorTypeInternal:
			return ReasonInternal
		case e.Type != field.ErrorTypeForbidden:
		case strings.HasPrefix(e.Detail, dataLossDetail):
			reason = ReasonDataLossGuard
		case reason == ReasonInvalidInput && hasAnyPrefix(e.Detail, refusedEffects):
			reason = ReasonRefusedChange
		}
	}
	return reason
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// desiredReason classifies an error writing the desired state: a name
// another step composes is the Composition's to fix, anything else a bug.
func desiredReason(err error) string {
	if taken, _, _ := strings.Cut(errNameTaken, "%"); strings.HasPrefix(err.Error(), taken) {
		return ReasonInvalidInput
	}
	return ReasonInternal
}

// call records one RunFunction; nil without Metrics, and every method is
// then a no-op.
type call struct {
	start time.Time
	fatal string
	res   *Result
	done  bool
}

// fatalBecause records the reason of the call's Fatal result.
func (c *call) fatalBecause(reason string) {
	if c != nil {
		c.fatal = reason
	}
}

// composed records what the call composed.
func (c *call) composed(res *Result) {
	if c != nil {
		c.res = res
	}
}

// RunFunction runs the function (runFunction), recording the call with
// the Metrics of WithMetrics, if any.
func (f *Function) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	if f.metrics == nil {
		return f.runFunction(ctx, req, nil)
	}
	c := &call{start: time.Now()}
	var rsp *fnv1.RunFunctionResponse
	// Deferred, so that a panic is recorded too as it unwinds.
	defer func() { f.metrics.Observe(c.summary(req, rsp)) }()
	rsp, err := f.runFunction(ctx, req, c)
	c.done = true
	return rsp, err
}

// summary is what the call did, from what it recorded and its response.
func (c *call) summary(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) *Call {
	s := &Call{Duration: time.Since(c.start), Outcome: OutcomeOK, XR: xrIdentity(req)}
	switch {
	case !c.done:
		s.Outcome = OutcomePanic
		return s
	case c.fatal != "":
		s.Outcome, s.FatalReason = OutcomeFatal, c.fatal
	}
	for _, r := range rsp.GetResults() {
		switch r.GetSeverity() {
		case fnv1.Severity_SEVERITY_FATAL:
			if s.Outcome != OutcomeFatal {
				s.Outcome, s.FatalReason = OutcomeFatal, ReasonInternal
			}
		case fnv1.Severity_SEVERITY_WARNING:
			s.Warnings = append(s.Warnings, WarningReason(r.GetMessage()))
		case fnv1.Severity_SEVERITY_NORMAL:
			s.Normals = append(s.Normals, NormalReason(r.GetMessage()))
		}
	}
	if s.Outcome != OutcomeOK || c.res == nil {
		return s
	}
	s.Ready = rsp.GetDesired().GetComposite().GetReady() == fnv1.Ready_READY_TRUE
	s.Composed = make([]schema.GroupKind, 0, len(c.res.Resources))
	for _, r := range c.res.Resources {
		s.Composed = append(s.Composed, r.GroupKind())
	}
	for _, p := range c.res.Status.PendingChanges {
		s.Pending = append(s.Pending, pendingAction(p.Action))
	}
	return s
}

// xrIdentity is the XR's UID, else its kind, namespace and name; empty
// for a request without an XR.
func xrIdentity(req *fnv1.RunFunctionRequest) string {
	xr := req.GetObserved().GetComposite().GetResource().GetFields()
	md := xr["metadata"].GetStructValue().GetFields()
	if uid := md["uid"].GetStringValue(); uid != "" {
		return uid
	}
	if md["name"].GetStringValue() == "" {
		return ""
	}
	return xr["kind"].GetStringValue() + "/" + md["namespace"].GetStringValue() + "/" + md["name"].GetStringValue()
}
