package fn

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// What a change of the XR does to the running Space, through the change
// model (fn/change) and the cloud's rules. The function refuses a change
// no update gets past; the plan command prints every change.

// Classify says what applying the desired resources over the observed ones
// does, per composition resource name: the desired ones in their order,
// then the observed ones of this function that are no longer desired,
// sorted. Observed resources of other pipeline steps (without the
// function's component label and not one of its keys) are left out.
func Classify(observed map[string]*unstructured.Unstructured, desired []compose.Resource, c *cloud.Cloud) ([]change.Change, error) {
	rules := c.Changes
	out := make([]change.Change, 0, len(desired))
	seen := map[string]bool{}
	for _, r := range desired {
		seen[r.Key] = true
		d, err := change.Normalize(r.Object)
		if err != nil {
			return nil, fmt.Errorf("cannot read the desired %s: %w", r.Key, err)
		}
		out = append(out, change.Classify(change.Resource{
			Key: r.Key, Component: r.Component, Stateful: r.Component == cloud.ComponentDatabase,
			Observed: cloudSideObject(observed[r.Key], c.Pins), Desired: d,
		}, rules))
	}
	var gone []string
	for k, o := range observed {
		if !seen[k] && isOwnObserved(k, o) {
			gone = append(gone, k)
		}
	}
	slices.Sort(gone)
	for _, k := range gone {
		o := observed[k]
		out = append(out, change.Removed(change.Resource{
			Key: k, Component: o.GetLabels()[compose.LabelComponent], Stateful: isDatabaseObserved(k, o), Observed: o.Object,
		}))
	}
	return out, nil
}

// cloudSideObject is o's object as the cloud has it (change.CloudSide),
// nil for none.
func cloudSideObject(o *unstructured.Unstructured, pins change.Pins) map[string]any {
	if o == nil || o.Object == nil {
		return nil
	}
	return change.CloudSide(o.Object, pins)
}

// isOwnObserved is true for an observed resource this function composed:
// labelled with its component, or the database under a key a cloud names.
func isOwnObserved(key string, o *unstructured.Unstructured) bool {
	if o == nil || o.Object == nil {
		return false
	}
	if _, ok := o.GetLabels()[compose.LabelComponent]; ok {
		return true
	}
	return isDatabaseObserved(key, o)
}

// checkChanges refuses, with a field error naming the XR field that causes
// it, every change of an observed resource that the API server forbids,
// the provider refuses or that loses data: applied, it would leave the
// resource failing to sync on every reconcile, or worse. Like the
// data-loss guard, the Fatal result composes nothing, and Crossplane keeps
// every composed resource as it is. Only the resources of kinds the
// cloud's refusing rules name are compared, and only on those fields (the
// function decodes no more of observed resources: see wire.go).
func checkChanges(observed map[string]*unstructured.Unstructured, desired []compose.Resource, c *cloud.Cloud) field.ErrorList {
	rules, kinds := refusing[c.Name].rules, refusing[c.Name].kinds
	// One error per refused rule and change, naming every resource it
	// refuses for (the three pools of one service account change).
	type refused struct {
		ch   change.Change
		f    change.Field
		keys []string
	}
	var order []string
	byRule := map[string]*refused{}
	for _, r := range desired {
		o := observed[r.Key]
		if o == nil || o.Object == nil {
			continue
		}
		gk, prefix := targetOf(r)
		if !slices.Contains(kinds, gk.Group+"/"+gk.Kind) {
			continue
		}
		// Only the fields the rules compare: the check runs on every
		// reconcile, and encoding whole resources doubled its cost.
		d, err := change.Project(r.Object, rules.Paths(gk.Group, gk.Kind, prefix))
		if err != nil {
			return field.ErrorList{field.InternalError(field.NewPath("spec"), err)}
		}
		ch := change.Classify(change.Resource{Key: r.Key, Component: r.Component, Observed: o.Object, Desired: d}, rules)
		for _, f := range ch.Fields {
			if !f.Effect.Refused() {
				continue
			}
			id := f.Path + "\x00" + f.Why + "\x00" + brief(f.Old) + "\x00" + brief(f.New)
			if rf, ok := byRule[id]; ok {
				rf.keys = append(rf.keys, r.Key)
				continue
			}
			order = append(order, id)
			byRule[id] = &refused{ch: ch, f: f, keys: []string{r.Key}}
		}
	}
	errs := make(field.ErrorList, 0, len(order))
	for _, id := range order {
		rf := byRule[id]
		errs = append(errs, refusal(rf.ch.Kind, strings.Join(rf.keys, ", "), rf.f))
	}
	return errs
}

// refusing are each registered cloud's refusing rules and the kinds they
// name, computed once.
var refusing = func() map[spec.Cloud]struct {
	rules change.Rules
	kinds []string
} {
	out := map[spec.Cloud]struct {
		rules change.Rules
		kinds []string
	}{}
	for name, c := range registry {
		r := c.Changes.Refusing()
		out[name] = struct {
			rules change.Rules
			kinds []string
		}{r, r.Kinds()}
	}
	return out
}()

// targetOf is the group and kind of what r manages (an Object's
// manifest's) and the path of that object in r.
func targetOf(r compose.Resource) (schema.GroupKind, string) {
	if u, ok := r.Object.(compose.Unstructured); ok {
		return change.Target(u)
	}
	if o, ok := r.Object.(*compose.Object); ok {
		if m, ok := o.Spec.ForProvider.Manifest.(interface{ GroupKind() schema.GroupKind }); ok {
			return m.GroupKind(), change.ManifestPath
		}
	}
	return r.GroupKind(), ""
}

// refusal is the field error of a refused change: the XR field that
// causes it, what would break, where, and the way.
func refusal(kind, keys string, f change.Field) *field.Error {
	p := field.NewPath("spec")
	if len(f.Causes) > 0 {
		parts := strings.Split(f.Causes[0], ".")
		p = field.NewPath(parts[0], parts[1:]...)
	}
	msg := fmt.Sprintf("%s: %s", f.Effect, f.Why)
	if f.Way != "" {
		msg += "; " + f.Way
	}
	msg += fmt.Sprintf(" (%s %s %s: %s -> %s)", kind, keys, f.Path, brief(f.Old), brief(f.New))
	return field.Forbidden(p, msg)
}

// brief is a value as JSON, cut short.
func brief(v any) string {
	if v == nil {
		return "unset"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	const maxLen = 120
	if len(b) > maxLen {
		return string(b[:maxLen]) + "..."
	}
	return string(b)
}

// changeObservedFields are the fields of observed composed resources the
// refusing rules of every registered cloud compare, as themselves and
// under an Object's manifest, plus what names a manifest.
func changeObservedFields() []string {
	out := []string{change.ManifestPath + ".apiVersion", change.ManifestPath + ".kind", change.ManifestPath + ".metadata.name"}
	for _, c := range registry {
		for _, r := range c.Changes.Refusing() {
			out = append(out, r.Path, change.ManifestPath+"."+r.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// guards are the function's refusals of a change to the running Space:
// the data-loss guard's, then the change model's.
func guards(observed map[string]*unstructured.Unstructured, desired []compose.Resource, s *spec.Spec, c *cloud.Cloud) field.ErrorList {
	if err := checkNoDataLoss(observed, desired, s); err != nil {
		return field.ErrorList{err}
	}
	return checkChanges(observed, desired, c)
}
