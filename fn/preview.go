package fn

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// CompositionResourceNameAnnotation is where Crossplane records a composed
// resource's composition resource name (its key in the desired state).
const CompositionResourceNameAnnotation = "crossplane.io/composition-resource-name"

// ChangePlan is what applying an XR does to the running Space: each
// composed resource's change, and the function's own verdict.
type ChangePlan struct {
	// XR is the XR's name; Cloud its cloud.
	XR    string `json:"xr"`
	Cloud string `json:"cloud,omitempty"`
	// Invalid are the XR's errors, each with its field path: nothing is
	// composed.
	Invalid []string `json:"invalid,omitempty"`
	// Changes per composed resource: the desired ones in the function's
	// order, then the observed ones no longer desired.
	Changes []change.Change `json:"changes,omitempty"`
	// Refused is the Fatal result the function returns for this change
	// (it then composes nothing and Crossplane keeps what exists).
	Refused string `json:"refused,omitempty"`
	// Warnings the function returns.
	Warnings []string `json:"warnings,omitempty"`
	// Unmatched are observed resources that match no composed resource
	// (another step's, or not the XR's), by name.
	Unmatched []string `json:"unmatched,omitempty"`
}

// Blocking are the reasons the plan must not be applied as it is: a change
// refused, forbidden or that loses data, an etcd pool replaced or deleted,
// the function's refusal, or an invalid XR.
func (p *ChangePlan) Blocking() []string {
	var out []string
	if len(p.Invalid) > 0 {
		out = append(out, "the XR is invalid")
	}
	for _, c := range p.Changes {
		switch {
		case c.Effect.Refused():
			out = append(out, fmt.Sprintf("%s: %s", c.Key, c.Effect))
		case c.Component == cloud.ComponentEtcdPool && (c.Effect == change.Replace || c.Effect == change.Delete):
			out = append(out, fmt.Sprintf("%s: the etcd pool would be %sd", c.Key, c.Effect))
		case c.Component == cloud.ComponentEtcdPool && c.Effect == change.Staged:
			out = append(out, c.Key+": a new etcd pool replaces a running one (staged: every etcd member moves to new nodes)")
		}
	}
	if p.Refused != "" {
		out = append(out, "the function refuses the change")
	}
	return out
}

// Preview says what the request's XR does to the running Space its
// observed composed resources describe. It runs the function itself for
// its verdict (RunFunction) and the function's composition, without its
// guards, for the changes the guards would refuse. The observed resources
// are classified whole; the function's verdict sees only what it decodes.
func (f *Function) Preview(ctx context.Context, req *fnv1.RunFunctionRequest) (*ChangePlan, error) {
	xr := req.GetObserved().GetComposite().GetResource()
	md := xr.GetFields()["metadata"].GetStructValue()
	p := &ChangePlan{XR: md.GetFields()["name"].GetStringValue()}
	in := &v1beta1.Input{}
	if req.GetInput() != nil {
		if err := getInput(req, in); err != nil {
			return nil, err
		}
	}
	observed := map[string]*unstructured.Unstructured{}
	for k, r := range req.GetObserved().GetResources() {
		observed[k] = &unstructured.Unstructured{Object: r.GetResource().AsMap()}
	}
	res, errs := composeGuarded(Request{
		XR:        pbjson.AppendStruct(nil, pickStruct(xr, xrRead)),
		Namespace: md.GetFields()["namespace"].GetStringValue(),
		Input:     in,
		Observed:  observed,
		Kept:      keptPassword(req),
	}, false)
	if len(errs) > 0 {
		for _, e := range errs {
			p.Invalid = append(p.Invalid, bounded(e).Error())
		}
		return p, nil
	}
	c := registry[res.Status.Cloud]
	p.Cloud = string(res.Status.Cloud)
	var err error
	if p.Changes, err = Classify(observed, res.Resources, c); err != nil {
		return nil, err
	}
	pending := map[string]spec.PendingChange{}
	for _, pc := range res.Status.PendingChanges {
		pending[pc.Resource] = pc
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		pc, ok := pending[c.Key]
		if !ok {
			continue
		}
		c.Pending = pc.Action + ": " + pc.Message
		if len(pc.Fields) > 0 {
			c.Pending = fmt.Sprintf("%s (%s): %s", pc.Action, strings.Join(pc.Fields, ", "), pc.Message)
		}
		if pc.Action == change.ActionStaged && c.Effect == change.Create {
			c.Effect = change.Staged
		}
	}
	nodes := poolNodes(res)
	for i := range p.Changes {
		if p.Changes[i].Effect == change.RollsNodes {
			p.Changes[i].Nodes = nodes[p.Changes[i].Component]
		}
	}
	rsp, err := f.RunFunction(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, r := range rsp.GetResults() {
		switch r.GetSeverity() {
		case fnv1.Severity_SEVERITY_FATAL:
			p.Refused = r.GetMessage()
		case fnv1.Severity_SEVERITY_WARNING:
			p.Warnings = append(p.Warnings, r.GetMessage())
		default:
		}
	}
	return p, nil
}

// poolNodes says, per pool component, how many nodes the pool holds by the
// capacity plan: every one of them is replaced when the pool rolls.
func poolNodes(res *Result) map[string]string {
	out := map[string]string{}
	if res.Status.CapacityPlan == nil {
		return out
	}
	for _, r := range []plan.Role{plan.RoleEtcd, plan.RoleAPIServer, plan.RoleControlPlanes} {
		for _, ps := range res.Status.CapacityPlan.Pools {
			if ps.Name == poolName(r) {
				out[cloud.ComponentOf(r)] = fmt.Sprintf("the nodes of the %s pool (%d to %d in all, minNodes..maxNodes): each one is replaced", ps.Name, ps.MinNodes, ps.MaxNodes)
			}
		}
	}
	return out
}

// LabelComposite is the label Crossplane puts on a composed resource: its
// XR's name.
const LabelComposite = "crossplane.io/composite"

// KeyObserved keys observed composed resources, as kubectl prints them,
// by composition resource name: the annotation Crossplane sets, else the
// resource the XR composes with the same component label, kind and name.
// It composes the request's XR once, without observed state, to learn
// those. A resource of the function (its component label) that the XR no
// longer composes is keyed by its kind and name, so the plan shows it
// deleted. Resources of another XR (Crossplane's composite label), and
// those none of this applies to, are returned by kind and name, sorted.
func KeyObserved(req *fnv1.RunFunctionRequest, objs []map[string]any) (map[string]map[string]any, []string, error) {
	xr := req.GetObserved().GetComposite().GetResource()
	md := xr.GetFields()["metadata"].GetStructValue()
	xrName := md.GetFields()["name"].GetStringValue()
	out := map[string]map[string]any{}
	var rest []map[string]any
	var unmatched []string
	for _, o := range objs {
		u := unstructured.Unstructured{Object: o}
		if c, ok := u.GetLabels()[LabelComposite]; ok && c != xrName {
			unmatched = append(unmatched, u.GetKind()+" "+u.GetName())
			continue
		}
		if k := u.GetAnnotations()[CompositionResourceNameAnnotation]; k != "" {
			out[k] = o
			continue
		}
		rest = append(rest, o)
	}
	if len(rest) > 0 {
		in := &v1beta1.Input{}
		if req.GetInput() != nil {
			if err := getInput(req, in); err != nil {
				return nil, nil, err
			}
		}
		type id struct{ component, kind, name string }
		// Until nothing more matches: some resources are composed only
		// once others are observed (the Release once the database is,
		// the router's observer and what lives in the Spaces namespace
		// once the Release is). Each round matches at least one more or
		// ends, so the rounds are bounded by the objects given.
		for matched := true; matched && len(rest) > 0; {
			matched = false
			observed := map[string]*unstructured.Unstructured{}
			for k, o := range out {
				observed[k] = &unstructured.Unstructured{Object: o}
			}
			res, errs := composeGuarded(Request{
				XR:        pbjson.AppendStruct(nil, pickStruct(xr, xrRead)),
				Namespace: md.GetFields()["namespace"].GetStringValue(),
				Input:     in,
				Observed:  observed,
			}, false)
			keys := map[id]string{}
			if len(errs) == 0 {
				for _, r := range res.Resources {
					d, err := change.Normalize(r.Object)
					if err != nil {
						return nil, nil, err
					}
					u := unstructured.Unstructured{Object: d}
					keys[id{r.Component, u.GetKind(), u.GetName()}] = r.Key
				}
			}
			left := rest[:0]
			for _, o := range rest {
				u := unstructured.Unstructured{Object: o}
				k, ok := keys[id{u.GetLabels()[compose.LabelComponent], u.GetKind(), u.GetName()}]
				if _, taken := out[k]; ok && !taken {
					out[k] = o
					matched = true
					continue
				}
				left = append(left, o)
			}
			rest = left
		}
		for _, o := range rest {
			u := unstructured.Unstructured{Object: o}
			if _, own := u.GetLabels()[compose.LabelComponent]; own {
				out[u.GetKind()+"/"+u.GetName()] = o
				continue
			}
			unmatched = append(unmatched, u.GetKind()+" "+u.GetName())
		}
	}
	slices.Sort(unmatched)
	return out, unmatched, nil
}
