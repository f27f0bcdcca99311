package fn

import (
	"slices"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// rolledOut is what the change model made of the rendered resources.
type rolledOut struct {
	// Resources to compose, in the rendered order, each concerned one
	// replaced by its variants.
	Resources []compose.Resource
	// Pending changes for the XR's status.
	Pending []change.Pending
	// Names of what the current variant of a rendered key manages (the
	// StorageClass the chart must name).
	Names map[string]string
}

// rollout runs the change model's decisions (change.Rollout) over the
// rendered resources: only those of kinds the cloud's staging or serial
// rules or pins name, and only once something of theirs is observed;
// every other resource passes as rendered, typed.
func rollout(observed *status.Observed, rs []compose.Resource, c *cloud.Cloud) (rolledOut, error) {
	obs := map[string]change.Observed{}
	for k, o := range observed.Objects() {
		if o == nil || o.Object == nil || !isOwnObserved(k, o) {
			continue
		}
		gk, _ := change.Target(o.Object)
		if !c.Changes.Concerns(c.Pins, gk.Group, gk.Kind) {
			continue
		}
		ready, _ := observed.Ready(k)
		obs[k] = change.Observed{Object: o.Object, Ready: ready, Settled: ready && status.Settled(o)}
	}
	out := rolledOut{Resources: make([]compose.Resource, 0, len(rs))}
	if len(obs) == 0 {
		out.Resources = append(out.Resources, rs...)
		return out, nil
	}
	bases := map[string]bool{}
	for k := range obs {
		bases[change.BaseKey(k)] = true
	}
	var items []change.Item
	for _, r := range rs {
		if !bases[r.Key] {
			continue
		}
		gk, _ := targetOf(r)
		if !c.Changes.Concerns(c.Pins, gk.Group, gk.Kind) {
			continue
		}
		m, err := change.Normalize(r.Object)
		if err != nil {
			return rolledOut{}, err
		}
		items = append(items, change.Item{Key: r.Key, Component: r.Component, Object: m})
	}
	if len(items) == 0 {
		out.Resources = append(out.Resources, rs...)
		return out, nil
	}
	o := change.Rollout(items, obs, c.Changes, c.Pins)
	byBase := map[string][]change.Item{}
	for _, it := range o.Items {
		b := change.BaseKey(it.Key)
		byBase[b] = append(byBase[b], it)
	}
	rolled := map[string]bool{}
	for _, it := range items {
		rolled[it.Key] = true
	}
	for _, r := range rs {
		if !rolled[r.Key] {
			out.Resources = append(out.Resources, r)
			continue
		}
		for _, it := range byBase[r.Key] {
			out.Resources = append(out.Resources, compose.Resource{Key: it.Key, Component: it.Component, Object: compose.Unstructured(it.Object)})
		}
	}
	out.Pending, out.Names = o.Pending, o.Names
	return out, nil
}

// rolloutObservedFields are the fields of observed composed resources the
// change model's rollout compares and pins read, for every registered cloud.
func rolloutObservedFields() []string {
	var out []string
	for _, c := range registry {
		out = append(out, c.Changes.RolloutPaths()...)
		out = append(out, c.Pins.Paths()...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
