package fn

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/crossplane-contrib/function-space-scaling/fn/alerts"
	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/dashboard"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// Result is everything the function composes for one XR.
type Result struct {
	// Resources in a deterministic order.
	Resources []compose.Resource
	// Ready says, per resource key, whether the observed resource is ready.
	Ready map[string]bool
	// Status of the XR.
	Status spec.Status
	// Warnings about degraded choices to send as Warning results: those not
	// already reported in the observed status.warnings, in a fixed order.
	Warnings []string
	// Events to send as Normal results: the pending changes not already
	// reported in the observed status.pendingChanges.
	Events []string
	// KeptPassword is the Secret to ask Crossplane for as a required
	// resource: the kept copy of a generated database password, while the
	// database is not observed (password.go). Nil otherwise.
	KeptPassword *compose.SecretReference
}

// Compose is the function without protobuf: XR in, resources and status
// out. Invalid input returns every error, each with its field path, and no
// resources.
func Compose(req Request) (*Result, field.ErrorList) {
	return composeGuarded(req, true)
}

// composeGuarded is Compose; with guard false it composes what the data-loss and
// change guards would refuse, for the plan command to classify.
func composeGuarded(req Request, guard bool) (*Result, field.ErrorList) {
	pr, errs := Prepare(req)
	if len(errs) > 0 {
		return nil, errs
	}
	s, p, env := pr.Spec, pr.Plan, pr.Env
	// Each observed resource's readiness is read once, for every step.
	obs := status.NewObserved(req.Observed)
	out := pr.Cloud.Render(p, s, env)
	// What a change does to the running Space: pinned, staged, held.
	ro, err := rollout(obs, out.Resources, pr.Cloud)
	if err != nil {
		return nil, field.ErrorList{field.InternalError(field.NewPath("spec"), errors.Wrap(err, errRender))}
	}
	out.Resources = ro.Resources
	if n := ro.Names[cloud.KeyStorageClass]; n != "" && n != p.Storage.ClassName {
		// New etcd volumes use the staged StorageClass.
		staged := *p
		staged.Storage.ClassName = n
		p = &staged
	}

	keep := keepPassword(req, obs, s, cloud.In{Plan: p, Spec: s, Env: env}, out.Database)
	if keep.Hold {
		out.Resources = holdDatabase(out.Resources, out.Database.Key)
	}
	out.Resources = append(out.Resources, keep.Resources...)

	pendingRelease := false
	// The endpoint the database reports, read once: status.database says
	// it, the release falls back on the one it was installed with.
	observedEndpoint := ""
	if out.Database != nil {
		observedEndpoint = endpoint(req.Observed[out.Database.Key], out.Database)
		out.Database.Endpoint = observedEndpoint
		if out.Database.Endpoint == "" {
			out.Database.Endpoint = releasedEndpoint(req.Observed[spaces.ReleaseKey])
		}
		out.Resources = append(out.Resources, inSpacesNamespace(obs, spaces.Credentials(p, out.Database, env))...)
		out.Resources = append(out.Resources, inSpacesNamespace(obs, spaces.CA(p, out.Database, env))...)
	}
	rel, err := spaces.Release(p, out.Database, env)
	var badValues *spaces.ValuesError
	switch {
	case errors.Is(err, spaces.ErrEndpointPending):
		// Installing Spaces without its database would leave the Query API
		// broken: the release waits for the endpoint (status says so).
		pendingRelease = true
	case errors.As(err, &badValues):
		return nil, badValues.Errs
	case err != nil:
		return nil, field.ErrorList{field.InternalError(field.NewPath("spec", "spaces"), errors.Wrap(err, errRender))}
	default:
		out.Resources = append(out.Resources, rel)
	}
	if p.Monitoring != nil {
		out.Resources = append(out.Resources, inSpacesNamespace(obs, []compose.Resource{alerts.Rule(p, env, pr.Cloud.KarpenterNodePool)})...)
		if p.Monitoring.Dashboard != nil {
			d, err := dashboard.Resource(p, env, pr.Cloud.KarpenterNodePool)
			if err != nil {
				return nil, field.ErrorList{field.InternalError(field.NewPath("spec", "monitoring", "dashboard"), errors.Wrap(err, errRender))}
			}
			if p.Monitoring.Dashboard.Namespace == p.Spaces.Namespace {
				out.Resources = append(out.Resources, inSpacesNamespace(obs, []compose.Resource{d})...)
			} else {
				out.Resources = append(out.Resources, d)
			}
		}
	}
	observing := observesRouter(obs, p.Spaces.Exposure.Type, env)
	if observing {
		out.Resources = append(out.Resources, spaces.RouterServiceObserver(p, env))
	}

	if guard {
		if errs := guards(req.Observed, out.Resources, s, pr.Cloud); len(errs) > 0 {
			return nil, errs
		}
	}

	res := &Result{Resources: out.Resources, KeptPassword: keep.Require}
	res.Status.Cloud = s.Cloud
	if out.Database != nil {
		ds := out.Database.Status
		ds.Endpoint = observedEndpoint
		res.Status.Database = &ds
	}
	srs := make([]status.Resource, 0, len(res.Resources))
	for _, cr := range res.Resources {
		srs = append(srs, status.Resource{Key: cr.Key, Component: cr.Component})
	}
	res.Status.Components, res.Ready = status.Components(srs, obs)
	if keep.Hold {
		res.Status.Components = setHoldReason(res.Status.Components, keep.HoldReason)
	}
	if pendingRelease {
		res.Status.Components = append(res.Status.Components, spec.ComponentStatus{
			Name: cloud.ComponentSpaces, Ready: false, Reason: "waiting for the database's endpoint before installing Spaces",
		})
	}
	res.Status.Router = routerStatus(s, routerAddress(req.Observed[spaces.RouterServiceKey]), observing)
	res.Status.CapacityPlan = capacityStatus(p)
	all := append(warnings(s), p.Warnings...)
	if out.Database != nil {
		all = append(all, out.Database.Warnings...)
	}
	if keep.Warning != "" {
		all = append(all, keep.Warning)
	}
	if pr.Cloud.Warnings != nil {
		all = append(all, pr.Cloud.Warnings(cloud.In{Plan: p, Spec: s, Env: env})...)
	}
	res.Status.Warnings = all
	res.Warnings = newWarnings(pr.Recorded.Warnings, all)
	res.Status.PendingChanges, res.Events = pendingChanges(ro.Pending, pr.Recorded.PendingChanges)
	return res, nil
}

// inSpacesNamespace returns the resources that live in the Spaces
// namespace once they may be composed: once the Release is observed, since
// Helm creates that namespace when it installs the chart, and from then on
// as long as each is observed, so that nothing composed there is dropped
// again. Composed earlier, each would fail to create ("namespaces ... not
// found") and retry for as long as the database takes to provision, Synced
// False and an event at every retry; the chart's pods wait for the
// Secrets they mount, which provider-kubernetes creates within seconds of
// the namespace.
func inSpacesNamespace(obs *status.Observed, rs []compose.Resource) []compose.Resource {
	if obs.Get(spaces.ReleaseKey) != nil {
		return rs
	}
	out := rs[:0:0]
	for _, r := range rs {
		if obs.Get(r.Key) != nil {
			out = append(out, r)
		}
	}
	return out
}

// observesRouter says whether to compose the observe-only Object of the
// router's Service: for a LoadBalancer, delivered through Objects (with
// Direct delivery no provider-kubernetes need run), once the Service
// exists, that is once the Release is observed ready (it waits for the
// chart's workloads), and from then on as long as the Object is observed,
// so that a Release upgrade does not drop it and compose it again. Before
// that it would stay not ready and hold the XR's readiness back for a
// Service that cannot exist yet.
func observesRouter(obs *status.Observed, exposure string, env cloud.Env) bool {
	if exposure != plan.ExposeLoadBalancer || env.Delivery.Direct {
		return false
	}
	if obs.Get(spaces.RouterServiceKey) != nil {
		return true
	}
	ready, _ := obs.Ready(spaces.ReleaseKey)
	return ready
}

// pendingChanges are the rollout's pending changes as the XR's status
// reports them, and the messages of those the recorded status does not
// have yet (the same resource and action), to send once as events.
func pendingChanges(ps []change.Pending, recorded []spec.PendingChange) ([]spec.PendingChange, []string) {
	if len(ps) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	for _, r := range recorded {
		seen[r.Resource+"/"+r.Action] = true
	}
	out := make([]spec.PendingChange, 0, len(ps))
	var events []string
	for _, p := range ps {
		out = append(out, spec.PendingChange{Resource: p.Key, Action: p.Action, Kind: p.Kind, Name: p.Name, Fields: p.Fields, Message: p.Why})
		if !seen[p.Key+"/"+p.Action] {
			events = append(events, fmt.Sprintf("%s %s %s: %s", p.Action, p.Kind, p.Name, p.Why))
		}
	}
	return out, events
}
