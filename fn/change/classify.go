package change

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// provider-kubernetes Objects deliver a manifest; the rules of the
// manifest's kind apply under ManifestPath.
var objectGroups = []string{"kubernetes.crossplane.io", "kubernetes.m.crossplane.io"}

const (
	objectKind = "Object"
	// ManifestPath is where an Object carries its manifest.
	ManifestPath = "spec.forProvider.manifest"
	secretKind   = "Secret"
)

// Resource is one composed resource, observed and desired, as JSON maps
// (see Normalize). Either may be nil.
type Resource struct {
	Key       string
	Component string
	// Stateful resources hold data: replacing or deleting one loses it.
	Stateful bool
	Observed map[string]any
	Desired  map[string]any
}

// target is the group, kind and name of what an object manages: its
// manifest's for a provider-kubernetes Object, its own otherwise. prefix is
// the path of that root in the object ("" or ManifestPath).
func target(o map[string]any) (gk schema.GroupKind, name, prefix string) {
	gk = groupKind(o)
	if gk.Kind == objectKind && slices.Contains(objectGroups, gk.Group) {
		if m, ok := nested(o, strings.Split(ManifestPath, ".")...).(map[string]any); ok {
			return groupKind(m), str(nested(m, "metadata", "name")), ManifestPath
		}
	}
	return gk, str(nested(o, "metadata", "name")), ""
}

func groupKind(o map[string]any) schema.GroupKind {
	return schema.FromAPIVersionAndKind(str(o["apiVersion"]), str(o["kind"])).GroupKind()
}

// Classify says what applying r.Desired over r.Observed does. A resource
// only desired is created; one only observed is removed (see Removed).
func Classify(r Resource, rules Rules) Change {
	if r.Desired == nil {
		return Removed(r)
	}
	gk, name, prefix := target(r.Desired)
	c := Change{Key: r.Key, Component: r.Component, Kind: gk.Kind, Name: name}
	if r.Observed == nil {
		c.Effect = Create
		return c
	}
	ogk, oname, _ := target(r.Observed)
	replaced := ""
	switch {
	case ogk != gk:
		replaced = fmt.Sprintf("the kind changes from %s to %s", ogk, gk)
	case name != "" && oname != "" && name != oname:
		replaced = fmt.Sprintf("the name changes from %s to %s", oname, name)
	case prefix != "":
		// The Object itself renamed replaces what it manages too.
		if d, o := str(nested(r.Desired, "metadata", "name")), str(nested(r.Observed, "metadata", "name")); d != "" && o != "" && d != o {
			replaced = fmt.Sprintf("the Object's name changes from %s to %s", o, d)
		}
	}
	if replaced != "" {
		c.Effect, c.Why = Replace, replaced
		if r.Stateful {
			c.Effect = LosesData
		}
		return c
	}
	w := walker{rules: rules, group: gk.Group, kind: gk.Kind, prefix: prefix, secret: gk.Kind == secretKind}
	for _, k := range sortedKeys(r.Desired) {
		switch k {
		case "apiVersion", "kind", "status":
			continue
		case "metadata":
			w.metadata(k, r.Observed[k], r.Desired[k])
			continue
		}
		w.walk(k, r.Observed[k], r.Desired[k])
	}
	c.Fields = w.fields
	for _, f := range c.Fields {
		c.Effect = max(c.Effect, f.Effect)
	}
	return c
}

// Removed is the change of a resource observed but no longer desired:
// Crossplane deletes it. Its external resource stays when its
// deletionPolicy is Orphan or its management policies leave out Delete.
func Removed(r Resource) Change {
	gk, name, _ := target(r.Observed)
	c := Change{Key: r.Key, Component: r.Component, Kind: gk.Kind, Name: name, Effect: Delete,
		Why: "no longer desired: Crossplane deletes it"}
	if orphans(r.Observed) {
		c.Effect, c.Why = Orphan, "no longer desired: Crossplane deletes the managed resource and its deletion policy keeps the external resource"
		return c
	}
	if r.Stateful {
		c.Effect = LosesData
	}
	return c
}

// orphans is true when deleting the managed resource keeps the external
// resource.
func orphans(o map[string]any) bool {
	if str(nested(o, "spec", "deletionPolicy")) == "Orphan" {
		return true
	}
	mp, ok := nested(o, "spec", "managementPolicies").([]any)
	if !ok || len(mp) == 0 {
		return false
	}
	return !slices.Contains(mp, any("Delete")) && !slices.Contains(mp, any("*"))
}

// walker compares desired values with observed ones and collects the
// changed fields.
type walker struct {
	rules       Rules
	group, kind string
	prefix      string
	secret      bool
	fields      []Field
}

// metadata compares the labels and annotations of an object's (or its
// manifest's) metadata: the rest is the API server's or Crossplane's.
func (w *walker) metadata(path string, obs, des any) {
	dm, _ := des.(map[string]any)
	om, _ := obs.(map[string]any)
	for _, k := range []string{"labels", "annotations"} {
		if v, ok := dm[k]; ok {
			w.walk(path+"."+k, om[k], v)
		}
	}
}

// walk compares a desired value with the observed one at path. Only what
// the desired state sets counts: a field the provider late-initialized and
// the function never sets is no change.
func (w *walker) walk(path string, obs, des any) {
	rel, inManifest := w.manifestPath(path)
	if inManifest && rel == "metadata" {
		w.metadata(path, obs, des)
		return
	}
	if inManifest && (rel == "apiVersion" || rel == "kind") {
		return
	}
	if under(path, "spec.initProvider") {
		// Applied on create only: Crossplane never updates a running
		// resource from it.
		return
	}
	if dm, ok := des.(map[string]any); ok && (!inManifest || !w.rules.whole(w.group, w.kind, rel)) {
		om, _ := obs.(map[string]any)
		for _, k := range sortedKeys(dm) {
			w.walk(path+"."+k, om[k], dm[k])
		}
		return
	}
	if dl, ok := des.([]any); ok {
		// A list of the same length changes item by item, so a long list
		// (alert rules, taints) names the item that changed.
		if ol, ok := obs.([]any); ok && len(ol) == len(dl) && !equal(obs, des) {
			for i := range dl {
				w.walk(path+"["+strconv.Itoa(i)+"]", ol[i], dl[i])
			}
			return
		}
	}
	if equal(obs, des) {
		return
	}
	f := Field{Path: path, Effect: InPlace, Old: obs, New: des}
	if !inManifest {
		// Fields of the Object itself (readiness, references) update in
		// place; so do those of a managed resource no rule names.
		rel = path
	}
	r := w.ruleFor(inManifest, rel)
	if inManifest && w.rules.whole(w.group, w.kind, rel) {
		r = w.wholeRule(rel, r, obs, des)
		f.Old, f.New = changedKeys(obs, des)
	}
	if r != nil && r.applies(obs, des) {
		f.Effect, f.Why, f.Source, f.Causes, f.Way = r.Effect, r.Why, r.Source, r.Causes, r.Way
		f.Stage, f.Serial = r.Stage, r.Serial
	}
	if w.secret && inManifest {
		// A Secret's values never leave the function.
		f.Old, f.New, f.Redacted = nil, nil, true
	}
	w.fields = append(w.fields, f)
}

// manifestPath is path relative to what the object manages: under the
// manifest for an Object, the path itself otherwise. ok is false for the
// Object's own fields.
func (w *walker) manifestPath(path string) (string, bool) {
	if w.prefix == "" {
		return path, true
	}
	if rel, ok := strings.CutPrefix(path, w.prefix+"."); ok {
		return rel, true
	}
	return path, false
}

func (w *walker) ruleFor(inManifest bool, rel string) *Rule {
	if !inManifest {
		return nil
	}
	return w.rules.find(w.group, w.kind, rel)
}

// wholeRule is the rule of a map compared as a whole: the most specific
// rule of a key that changed (parameters.type), else r.
func (w *walker) wholeRule(rel string, r *Rule, obs, des any) *Rule {
	om, _ := obs.(map[string]any)
	dm, _ := des.(map[string]any)
	keys := append(sortedKeys(om), sortedKeys(dm)...)
	for _, k := range keys {
		if equal(om[k], dm[k]) {
			continue
		}
		if kr := w.rules.find(w.group, w.kind, rel+"."+k); kr != nil && (r == nil || len(kr.Path) > len(r.Path)) {
			r = kr
		}
	}
	return r
}

// changedKeys are the entries of two maps that differ, for a map compared
// as a whole: its unchanged entries say nothing.
func changedKeys(obs, des any) (any, any) {
	om, ok1 := obs.(map[string]any)
	dm, ok2 := des.(map[string]any)
	if !ok1 || !ok2 {
		return obs, des
	}
	o, d := map[string]any{}, map[string]any{}
	for _, k := range append(sortedKeys(om), sortedKeys(dm)...) {
		if !equal(om[k], dm[k]) {
			if v, ok := om[k]; ok {
				o[k] = v
			}
			if v, ok := dm[k]; ok {
				d[k] = v
			}
		}
	}
	return o, d
}

// applies is true when the rule's condition holds for the change.
func (r *Rule) applies(obs, des any) bool {
	if r.When != Decrease {
		return true
	}
	o, ok1 := number(obs)
	d, ok2 := number(des)
	return ok1 && ok2 && d < o
}

// number reads a JSON number or a string that holds one ("16").
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}

// equal compares JSON values; an absent observed value equals a desired
// zero value (the encoder omits some, the API server others).
func equal(obs, des any) bool {
	if obs == nil {
		return isZero(des)
	}
	if des == nil {
		return isZero(obs)
	}
	return reflect.DeepEqual(obs, des)
}

func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case float64:
		return t == 0
	case bool:
		return !t
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func nested(o map[string]any, path ...string) any {
	var v any = o
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
