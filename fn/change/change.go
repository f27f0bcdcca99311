// Package change classifies what applying a desired composed resource does
// to the running one: nothing, an update in place, nodes rolled, a change
// the API server forbids or the provider refuses, data lost, a delete. It
// knows no cloud: what a field's change does is data (Rule), each cloud's
// in its own package and Kubernetes' own here. The function refuses what
// the model says cannot be applied, and the plan command prints the whole
// classification; both call Classify.
package change

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/internal/pbjson"
)

// Effect is what a change does to a running resource, ordered from
// harmless to harmful: the effect of a resource is the worst of its
// fields'.
type Effect int

// The effects.
const (
	// NoChange: the desired resource matches the observed one.
	NoChange Effect = iota
	// InPlace: the provider or API server updates the resource in place.
	InPlace
	// Create: a new resource; nothing running changes.
	Create
	// Staged: a new resource beside a running one it replaces, which the
	// function keeps until the new one is ready (see Rollout).
	Staged
	// RollsNodes: applied in place, but the nodes of the pool are replaced
	// (Karpenter drift, GKE surge upgrade, AKS pool rotation).
	RollsNodes
	// Orphan: the resource leaves the desired state; Crossplane deletes the
	// managed resource and the external resource stays.
	Orphan
	// Replace: the resource is replaced by another of a new name or kind
	// (the old one deleted, the new one created).
	Replace
	// Delete: the resource leaves the desired state and is deleted.
	Delete
	// RefusedByProvider: upjet refuses an update that requires replacing
	// the external resource (ForceNew), and the resource stays unsynced.
	RefusedByProvider
	// ForbiddenByAPIServer: the API server rejects the update (an immutable
	// field).
	ForbiddenByAPIServer
	// LosesData: the change deletes or replaces stored data.
	LosesData
)

var effectNames = [...]string{
	NoChange:             "no change",
	InPlace:              "update in place",
	Create:               "create",
	Staged:               "staged replacement",
	RollsNodes:           "rolls nodes",
	Orphan:               "orphan",
	Replace:              "replace",
	Delete:               "delete",
	RefusedByProvider:    "refused by the provider",
	ForbiddenByAPIServer: "forbidden by the API server",
	LosesData:            "loses data",
}

// String is the effect as the plan prints it.
func (e Effect) String() string {
	if e < 0 || int(e) >= len(effectNames) {
		return fmt.Sprintf("effect(%d)", int(e))
	}
	return effectNames[e]
}

// MarshalText writes the effect's name (for -o json).
func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Refused is true for an effect no update gets past: the API server or the
// provider rejects it, or it would lose data.
func (e Effect) Refused() bool {
	return e == RefusedByProvider || e == ForbiddenByAPIServer || e == LosesData
}

// Condition narrows a rule to some changes of its field.
type Condition string

// The conditions.
const (
	// Always: any change of the field.
	Always Condition = ""
	// Decrease: only a smaller number than observed (a larger one is an
	// update in place).
	Decrease Condition = "decrease"
)

// A Rule says what changing one field of one kind does. Rules are data:
// each names the upstream source it was read from.
type Rule struct {
	// Groups are the API groups the rule applies to (a managed resource's
	// cluster-scoped and namespaced groups); Kind its kind.
	Groups []string
	Kind   string
	// Path is the field, dotted from the object's root (for an in-cluster
	// manifest, the manifest's root, whether delivered as itself or in a
	// provider-kubernetes Object). A change at or below it matches; the
	// longest matching path wins.
	Path string
	// Whole compares the value at Path as a whole (a map whose removed
	// keys count too), not field by field. Set it where the desired state
	// owns the whole map; elsewhere a key the provider late-initializes
	// and the function never sets is no change.
	Whole bool
	// When narrows the rule to some changes; others are updates in place.
	When Condition
	// Effect of the change.
	Effect Effect
	// Why: what happens, in a few words.
	Why string
	// Source: the upstream file and attribute (or document) that says so.
	Source string
	// Causes are the XR fields whose change changes this field: a refusal
	// names them, so the user knows what to put back.
	Causes []string
	// Way is how to make the change anyway (a new Space, a new pool...).
	Way string
	// Stage says how the function makes a refused change anyway, by a new
	// resource beside the running one (see Rollout); NoStage refuses it.
	Stage Stage
	// NameMax is the longest name a staged resource of the kind may have
	// (its cloud's limit); 0 for Kubernetes' 63.
	NameMax int
	// Serial changes roll the nodes of one resource of a component at a
	// time: the others keep their observed values until it is ready.
	Serial bool
}

// matches is true when the rule applies to group/kind.
func (r *Rule) matches(group, kind string) bool {
	return r.Kind == kind && slices.Contains(r.Groups, group)
}

// Rules is a set of rules.
type Rules []Rule

// find is the most specific rule for a change at path of group/kind: the
// longest rule path at or above path.
func (rs Rules) find(group, kind, path string) *Rule {
	var best *Rule
	for i := range rs {
		r := &rs[i]
		if !r.matches(group, kind) || !under(path, r.Path) {
			continue
		}
		if best == nil || len(r.Path) > len(best.Path) {
			best = r
		}
	}
	return best
}

// whole is true when a rule compares path of group/kind as a whole.
func (rs Rules) whole(group, kind, path string) bool {
	for i := range rs {
		if rs[i].Whole && rs[i].Path == path && rs[i].matches(group, kind) {
			return true
		}
	}
	return false
}

// Kinds are the group/kinds the rules speak of, sorted ("group/Kind").
func (rs Rules) Kinds() []string {
	var out []string
	for _, r := range rs {
		for _, g := range r.Groups {
			out = append(out, g+"/"+r.Kind)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Paths are the fields the rules of group/kind name, with what names an
// object (apiVersion, kind, metadata.name), under prefix (ManifestPath for
// a manifest in an Object, "" otherwise): what Project must keep of a
// desired object for Classify to apply those rules.
func (rs Rules) Paths(group, kind, prefix string) []string {
	out := []string{"apiVersion", "kind", "metadata.name"}
	in := func(p string) string { return p }
	if prefix != "" {
		in = func(p string) string { return prefix + "." + p }
		out = append(out, in("apiVersion"), in("kind"), in("metadata.name"))
	}
	for _, r := range rs {
		if r.matches(group, kind) {
			out = append(out, in(r.Path))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Refusing are the rules whose effect no update gets past: what the
// function must read of observed resources to refuse a change.
func (rs Rules) Refusing() Rules {
	var out Rules
	for _, r := range rs {
		if r.Effect.Refused() {
			out = append(out, r)
		}
	}
	return out
}

// under is true when path is p or below it.
func under(path, p string) bool {
	return path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[")
}

// Field is one changed field of a resource.
type Field struct {
	// Path in the composed resource (under spec.forProvider.manifest for a
	// manifest delivered in an Object).
	Path string `json:"path"`
	// Effect of the change.
	Effect Effect `json:"effect"`
	// Old and New values; both empty for a Secret's data, which is
	// Redacted.
	Old      any  `json:"old,omitempty"`
	New      any  `json:"new,omitempty"`
	Redacted bool `json:"redacted,omitempty"`
	// Why, Source, Causes and Way come from the rule; empty for an update
	// in place no rule names.
	Why    string   `json:"why,omitempty"`
	Source string   `json:"source,omitempty"`
	Causes []string `json:"causes,omitempty"`
	Way    string   `json:"way,omitempty"`
	// Stage and Serial come from the rule too (see Rollout).
	Stage  Stage `json:"-"`
	Serial bool  `json:"-"`
}

// Change is what applying one desired resource does.
type Change struct {
	// Key is the composition resource name.
	Key string `json:"key"`
	// Component is the concern the resource serves (etcdPool, database...).
	Component string `json:"component,omitempty"`
	// Kind and Name of the resource (its manifest's kind, for an Object).
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	// Effect is the worst of the fields' effects, or the resource's own
	// (create, replace, delete).
	Effect Effect `json:"effect"`
	// Why the resource's own effect, where it has one.
	Why string `json:"why,omitempty"`
	// Nodes says, for a change that rolls nodes, how many the pool holds
	// (filled by the caller, who knows the plan).
	Nodes string `json:"nodes,omitempty"`
	// Fields that change, in path order.
	Fields []Field `json:"fields,omitempty"`
	// Pending says what the function stages or holds back of the change
	// (filled by the caller, from its rollout).
	Pending string `json:"pending,omitempty"`
}

// Normalize is o as encoding/json writes it, decoded into maps: numbers
// are float64 whatever they were (YAML ints, typed structs).
func Normalize(o any) (map[string]any, error) {
	if v, err := jsonValue(o); err == nil {
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	}
	// Not an object: encoding/json's own answer (nil or its error).
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// jsonValue is v as encoding/json writes it, decoded into maps, slices and
// float64s, as json.Unmarshal into an any decodes it: pbjson encodes by
// encoding/json's rules without writing and parsing the text, which was
// most of the cost of comparing on every reconcile (docs/performance.md).
func jsonValue(v any) (any, error) {
	pv, err := pbjson.Encode(v)
	if err != nil {
		return nil, err
	}
	return pv.AsInterface(), nil
}
