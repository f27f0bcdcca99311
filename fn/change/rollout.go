package change

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// What the function does with a change, beyond applying it: the decisions
// a running Space needs so that nothing it composes is left refused or
// rebuilt all at once. Rollout takes the desired objects and what is
// observed of them and decides, per resource, to apply, pin, stage, hold or
// retire; the rules (each cloud's data) say which fields call for which.
// It knows no cloud and no Kubernetes client: objects are JSON maps.

// Stage says how a change no update gets past can still be made: by a new
// resource beside the running one.
type Stage int

// The stages.
const (
	// NoStage: the change is applied, or refused.
	NoStage Stage = iota
	// StageRetire: a new resource, named from the staged fields' values,
	// is created beside the running one, which keeps its observed values
	// until the new one is ready and then leaves the desired state (GKE
	// node pools: Crossplane deletes the old pool, and GKE drains it).
	StageRetire
	// StageKeep: like StageRetire, but the running resource stays as it is
	// for good: what was made with it still uses it (the etcd volumes
	// provisioned from a StorageClass, which must stay to expand them).
	StageKeep
)

// A Pin copies a value the cloud chose into the desired state where the
// function leaves it unset, so that the next update does not ask the cloud
// to change it back (a permanent diff). The function's management policies
// leave out LateInitialize; pins do what late initialization would, for
// the fields that need it, and show in the plan.
type Pin struct {
	// Groups and Kind of the resource.
	Groups []string
	Kind   string
	// From is the observed field the cloud fills in (under
	// status.atProvider); To the desired field it pins, both dotted.
	From, To string
	// Why the field needs pinning, and the upstream Source that says so.
	Why, Source string
}

// Pins are a cloud's pins.
type Pins []Pin

// Paths are the observed fields the pins read: what the function must
// decode of observed resources.
func (ps Pins) Paths() []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.From)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Observed is what Rollout needs of an observed resource.
type Observed struct {
	// Object as observed (only the fields the function decodes).
	Object map[string]any
	// Ready: its Ready condition is True.
	Ready bool
	// Settled: Ready, and Ready and Synced were written for its current
	// generation (the provider has acted on the last update).
	Settled bool
}

// Item is one desired composed resource.
type Item struct {
	Key       string
	Component string
	// Object is the desired object, normalized (see Normalize).
	Object map[string]any
}

// The actions a pending change reports.
const (
	ActionStaged  = "staged"
	ActionHeld    = "held"
	ActionRetired = "retiring"
)

// Pending is a change the function has started but not finished, or holds
// back: reported in the XR's status and once as an event.
type Pending struct {
	// Key of the composed resource that waits or was staged.
	Key string `json:"key"`
	// Action: staged (a new resource beside the running one), held (kept
	// at its observed values for now), retiring (left once its
	// replacement is ready).
	Action string `json:"action"`
	// Kind and Name of the resource (its manifest's for an Object).
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	// Fields that wait or caused the replacement, sorted.
	Fields []string `json:"fields,omitempty"`
	// Why, in a sentence.
	Why string `json:"why"`
}

// Outcome is what Rollout decided.
type Outcome struct {
	// Items replace the desired items given, in order: each item's
	// variants (running and staged) sorted by key in its place.
	Items []Item
	// Pending changes, in the items' order.
	Pending []Pending
	// Names maps a desired item's key to the name of what it manages in
	// the variant that carries the desired values (a staged StorageClass's
	// name, for the chart that references it).
	Names map[string]string
}

// stageHashLength is the number of hex characters a staged name carries.
const stageHashLength = 8

// StagedKey is the composition resource name of key's variant staged for
// values hashed h.
func StagedKey(key, h string) string { return key + "-" + h }

// variantOf is the key a staged variant was staged from, or "".
func variantOf(key string) (string, bool) {
	i := strings.LastIndexByte(key, '-')
	if i < 0 || len(key)-i-1 != stageHashLength {
		return "", false
	}
	for _, r := range key[i+1:] {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return "", false
		}
	}
	return key[:i], true
}

// Rollout decides, for the desired items, what to compose given the
// observed resources (by key): pins the fields the cloud fills in, stages
// a replacement for a change only a new resource can take, holds the
// running resource at its observed values until the replacement is ready,
// and changes the resources of one component that roll serially one at a
// time. Changes no stage can make are left for the refusal check. Callers
// pass only the items a rule or pin may concern (see Rules.Concerns).
func Rollout(items []Item, observed map[string]Observed, rules Rules, pins Pins) Outcome {
	out := Outcome{Names: map[string]string{}}
	variants := variantsByBase(observed)
	held := map[string]bool{}
	for _, it := range items {
		vs := variants[it.Key]
		if _, ok := observed[it.Key]; ok {
			vs = append([]string{it.Key}, vs...)
		}
		got, cur, pending := stage(it, vs, observed, rules, pins)
		for _, g := range got {
			if g.Key != cur {
				held[g.Key] = true
				continue
			}
			_, name, _ := target(g.Object)
			out.Names[it.Key] = name
		}
		out.Items = append(out.Items, got...)
		out.Pending = append(out.Pending, pending...)
	}
	out.Pending = append(out.Pending, serial(out.Items, held, observed, rules, pins)...)
	return out
}

// Concerns is true when a rule of rs stages or serializes changes of
// group/kind, or a pin of ps pins one of its fields: Rollout needs it.
func (rs Rules) Concerns(ps Pins, group, kind string) bool {
	for i := range rs {
		if (rs[i].Stage != NoStage || rs[i].Serial) && rs[i].matches(group, kind) {
			return true
		}
	}
	for _, p := range ps {
		if p.Kind == kind && slices.Contains(p.Groups, group) {
			return true
		}
	}
	return false
}

// RolloutPaths are the observed fields Rollout compares: the staging and
// serial rules' paths, as themselves and under an Object's manifest.
func (rs Rules) RolloutPaths() []string {
	var out []string
	for _, r := range rs {
		if r.Stage != NoStage || r.Serial {
			out = append(out, r.Path, ManifestPath+"."+r.Path)
		}
		if rp, ok := reportedPath(r.Path); ok && r.Serial {
			out = append(out, rp)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// variantsByBase are the observed staged variants' keys by the key they
// were staged from, sorted.
func variantsByBase(observed map[string]Observed) map[string][]string {
	out := map[string][]string{}
	for k := range observed {
		if base, ok := variantOf(k); ok {
			out[base] = append(out[base], k)
		}
	}
	for _, vs := range out {
		slices.Sort(vs)
	}
	return out
}

// variant is one running variant of a desired item compared with it.
type variant struct {
	key string
	// obj is the desired object named as the variant, pinned.
	obj map[string]any
	// staged are the refused fields a stage can make; refused is true when
	// a refused field cannot be staged.
	staged  []Field
	refused bool
}

// compare compares the desired item with the running variant v.
func compare(it Item, v string, o map[string]any, rules Rules, pins Pins) variant {
	gk, _, prefix := target(it.Object)
	d := deepCopy(it.Object)
	if v != it.Key {
		// A staged variant: compared under its own name.
		d = renamedLike(it.Object, o)
	}
	pin(d, o, gk.Group, gk.Kind, pins)
	proj := projectMap(d, rules.Paths(gk.Group, gk.Kind, prefix))
	ch := Classify(Resource{Key: v, Component: it.Component, Observed: cloudSide(o, gk.Group, gk.Kind, pins), Desired: proj}, rules)
	c := variant{key: v, obj: d}
	for _, f := range ch.Fields {
		if !f.Effect.Refused() {
			continue
		}
		if f.Stage == NoStage {
			c.refused = true
			continue
		}
		c.staged = append(c.staged, f)
	}
	return c
}

// stage is what to compose for one desired item whose running variants
// (keys, the unstaged one first) are vs, and the key of the one that
// carries the desired values.
func stage(it Item, vs []string, observed map[string]Observed, rules Rules, pins Pins) ([]Item, string, []Pending) {
	if len(vs) == 0 {
		return []Item{it}, it.Key, nil
	}
	gk, _, prefix := target(it.Object)
	cs := make([]variant, 0, len(vs))
	match := -1
	for _, v := range vs {
		c := compare(it, v, observed[v].Object, rules, pins)
		if c.refused {
			// A change no stage can make: the desired values go to this
			// variant, for the refusal check to name.
			return []Item{{Key: c.key, Component: it.Component, Object: c.obj}}, c.key, nil
		}
		if match < 0 && len(c.staged) == 0 {
			match = len(cs)
		}
		cs = append(cs, c)
	}
	mode := NoStage
	var why []Field
	for _, c := range cs {
		for _, f := range c.staged {
			mode = max(mode, f.Stage)
		}
		if why == nil {
			why = c.staged
		}
	}
	var newKey string
	var newObj map[string]any
	if match >= 0 {
		newKey, newObj = cs[match].key, cs[match].obj
	} else {
		h := stageHash(it.Object, rules, gk.Group, gk.Kind, prefix)
		newKey = StagedKey(it.Key, h)
		newObj = renamed(it.Object, h, nameMax(rules, gk.Group, gk.Kind), prefix)
	}
	newReady := observed[newKey].Ready
	var pending []Pending
	if mode != NoStage && !newReady {
		_, name, _ := target(newObj)
		pending = append(pending, Pending{Key: newKey, Action: ActionStaged, Kind: gk.Kind, Name: name,
			Fields: fieldPaths(why), Why: stagedWhy(mode, others(cs, newKey))})
	}
	items := []Item{{Key: newKey, Component: it.Component, Object: newObj}}
	for _, c := range cs {
		if c.key == newKey {
			continue
		}
		if mode != StageKeep && newReady {
			continue // left out: Crossplane deletes it
		}
		held := holdAt(c.obj, cloudSide(observed[c.key].Object, gk.Group, gk.Kind, pins), rules, gk.Group, gk.Kind, prefix, func(r *Rule) bool {
			return r.Stage != NoStage || r.Serial || r.Effect >= RollsNodes
		})
		items = append(items, Item{Key: c.key, Component: it.Component, Object: held})
		if mode == StageKeep {
			continue // kept for good: nothing pends
		}
		_, name, _ := target(held)
		pending = append(pending, Pending{Key: c.key, Action: ActionHeld, Kind: gk.Kind, Name: name, Fields: fieldPaths(c.staged),
			Why: "kept at its observed values until its replacement " + newKey + " is ready, then removed"})
	}
	slices.SortFunc(items, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
	return items, newKey, pending
}

// stagedWhy says what a staged replacement does with the running ones.
func stagedWhy(mode Stage, running []string) string {
	why := "a new resource beside " + strings.Join(running, ", ") + ", which "
	if mode == StageKeep {
		return why + "stays for what already uses it"
	}
	return why + "is removed once this one is ready"
}

// others are the keys of the variants other than key.
func others(cs []variant, key string) []string {
	var out []string
	for _, c := range cs {
		if c.key != key {
			out = append(out, c.key)
		}
	}
	return out
}

func fieldPaths(fs []Field) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Path)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// stageHash names a staged variant: a hash of the desired values of the
// fields the kind's staging rules name.
func stageHash(obj map[string]any, rules Rules, group, kind, prefix string) string {
	vals := map[string]any{}
	for _, r := range rules {
		if r.Stage == NoStage || !r.matches(group, kind) {
			continue
		}
		vals[r.Path] = get(obj, joinPath(prefix, r.Path))
	}
	b, err := json.Marshal(vals)
	if err != nil {
		b = []byte(fmt.Sprint(vals))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:stageHashLength]
}

func joinPath(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return prefix + "." + p
}

// nameMax is the longest name the kind's staging rules allow (63 unless a
// rule says less).
func nameMax(rules Rules, group, kind string) int {
	n := maxName
	for _, r := range rules {
		if r.Stage != NoStage && r.NameMax > 0 && r.matches(group, kind) {
			n = min(n, r.NameMax)
		}
	}
	return n
}

// maxName is the longest name Kubernetes accepts for most objects.
const maxName = 63

// renamed is obj with its name, and its manifest's, suffixed by h: an
// Object's within 63 characters, what it manages (or a managed resource)
// within maxLen.
func renamed(obj map[string]any, h string, maxLen int, prefix string) map[string]any {
	out := deepCopy(obj)
	suffix := func(m map[string]any, limit int) {
		n, _ := m["name"].(string)
		if n == "" {
			return
		}
		if keep := limit - len(h) - 1; len(n) > keep {
			n = strings.TrimRight(n[:keep], "-")
		}
		m["name"] = n + "-" + h
	}
	md, _ := out["metadata"].(map[string]any)
	if prefix == "" {
		suffix(md, maxLen)
		return out
	}
	suffix(md, maxName)
	if mmd, ok := get(out, prefix+".metadata").(map[string]any); ok {
		suffix(mmd, maxLen)
	}
	return out
}

// renamedLike is obj named as the observed object (and its manifest) is.
func renamedLike(obj, observed map[string]any) map[string]any {
	out := deepCopy(obj)
	if n := str(nested(observed, "metadata", "name")); n != "" {
		if md, ok := out["metadata"].(map[string]any); ok {
			md["name"] = n
		}
	}
	if n, ok := get(observed, ManifestPath+".metadata.name").(string); ok && n != "" {
		if mmd, ok := get(out, ManifestPath+".metadata").(map[string]any); ok {
			mmd["name"] = n
		}
	}
	return out
}

// pin sets each pinned field the desired object leaves unset to the value
// the cloud reports.
func pin(obj, observed map[string]any, group, kind string, pins Pins) {
	for _, p := range pins {
		if p.Kind != kind || !slices.Contains(p.Groups, group) {
			continue
		}
		v := get(observed, p.From)
		if isZero(v) || !isZero(get(obj, p.To)) {
			continue
		}
		// A field of a block the desired state leaves out stays out: the
		// block is what turns the feature on.
		if parent := p.To[:max(strings.LastIndexByte(p.To, '.'), 0)]; strings.Count(parent, ".") > 1 && get(obj, parent) == nil {
			continue
		}
		set(obj, p.To, deepCopyValue(v))
	}
}

// cloudSide is the observed object with each pinned field its spec leaves
// unset taken from what the cloud reports: pinning it changes nothing in
// the cloud.
func cloudSide(o map[string]any, group, kind string, pins Pins) map[string]any {
	out := o
	for _, p := range pins {
		if p.Kind != kind || !slices.Contains(p.Groups, group) {
			continue
		}
		v := get(o, p.From)
		if isZero(v) || !isZero(get(o, p.To)) {
			continue
		}
		if sameMap(out, o) {
			out = deepCopy(o)
		}
		set(out, p.To, v)
	}
	return out
}

// sameMap is true when a and b are the same map.
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// holdAt sets every field of obj that a rule of the kind picked by which
// names back to its observed value: the running resource stays as it is
// on those fields and takes the rest in place.
func holdAt(obj, observed map[string]any, rules Rules, group, kind, prefix string, which func(*Rule) bool) map[string]any {
	for i := range rules {
		r := &rules[i]
		if !r.matches(group, kind) || !which(r) {
			continue
		}
		p := joinPath(prefix, r.Path)
		if ov := get(observed, p); ov != nil {
			set(obj, p, deepCopyValue(ov))
		} else {
			del(obj, p)
		}
	}
	return obj
}

// serial holds back, per component, every resource but one whose change a
// serial rule says rolls its nodes: the first by key is applied once every
// resource of the component is settled; the others keep their observed
// values for those fields until it is ready again.
func serial(items []Item, held map[string]bool, observed map[string]Observed, rules Rules, pins Pins) []Pending {
	type member struct {
		i      int
		fields []Field
	}
	byComponent := map[string][]member{}
	var components []string
	busy := map[string]string{}
	for i, it := range items {
		o, ok := observed[it.Key]
		if !ok || held[it.Key] {
			continue
		}
		gk, _, prefix := target(it.Object)
		if busy[it.Component] == "" && (!o.Settled || !caughtUp(cloudSide(o.Object, gk.Group, gk.Kind, pins), rules, gk.Group, gk.Kind)) {
			busy[it.Component] = it.Key
		}
		proj := projectMap(it.Object, rules.Paths(gk.Group, gk.Kind, prefix))
		ch := Classify(Resource{Key: it.Key, Observed: cloudSide(o.Object, gk.Group, gk.Kind, pins), Desired: proj}, rules)
		var fs []Field
		for _, f := range ch.Fields {
			if f.Serial {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		if _, seen := byComponent[it.Component]; !seen {
			components = append(components, it.Component)
		}
		byComponent[it.Component] = append(byComponent[it.Component], member{i: i, fields: fs})
	}
	var pending []Pending
	for _, c := range components {
		ms := byComponent[c]
		slices.SortFunc(ms, func(a, b member) int { return strings.Compare(items[a.i].Key, items[b.i].Key) })
		waitFor, first := busy[c], -1
		if waitFor == "" {
			first, waitFor = 0, items[ms[0].i].Key
		}
		for j, m := range ms {
			if j == first {
				continue
			}
			it := &items[m.i]
			gk, name, prefix := target(it.Object)
			it.Object = holdAt(it.Object, cloudSide(observed[it.Key].Object, gk.Group, gk.Kind, pins), rules, gk.Group, gk.Kind, prefix, func(r *Rule) bool { return r.Serial })
			pending = append(pending, Pending{Key: it.Key, Action: ActionHeld, Kind: gk.Kind, Name: name, Fields: fieldPaths(m.fields),
				Why: "its change rolls the nodes: one " + c + " resource at a time, after " + waitFor + " is ready"})
		}
	}
	return pending
}

// reportedPath is where a managed resource reports the value the cloud
// has for a spec.forProvider field: the same path under
// status.atProvider (upjet's convention).
func reportedPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "spec.forProvider.")
	if !ok {
		return "", false
	}
	return "status.atProvider." + rest, true
}

// caughtUp is false while the cloud reports another value than the spec
// for a field a serial rule names: an update still running. upjet's
// asynchronous update leaves Ready and Synced True while it runs (an AKS
// pool keeps reporting its old vmSize until the cycle ends), so only the
// reported value tells. A field the provider does not report says nothing.
func caughtUp(o map[string]any, rules Rules, group, kind string) bool {
	for i := range rules {
		r := &rules[i]
		if !r.Serial || !r.matches(group, kind) {
			continue
		}
		rp, ok := reportedPath(r.Path)
		if !ok {
			continue
		}
		if at := get(o, rp); at != nil && !equal(get(o, r.Path), at) {
			return false
		}
	}
	return true
}

// projectMap is the part of a normalized object at the given dotted paths.
func projectMap(obj map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		if v := get(obj, p); v != nil {
			set(out, p, v)
		}
	}
	return out
}

// get is the value at a dotted path with [i] list indexes.
func get(o map[string]any, path string) any {
	var v any = o
	for _, s := range splitPath(path) {
		switch t := v.(type) {
		case map[string]any:
			v = t[s]
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// set sets the value at a dotted path, creating maps on the way.
func set(o map[string]any, path string, v any) {
	setSegs(o, splitPath(path), v)
}

// setSegs sets the value at a path of keys, creating maps on the way.
func setSegs(o map[string]any, segs []string, v any) {
	m := o
	for _, s := range segs[:len(segs)-1] {
		next, ok := m[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[s] = next
		}
		m = next
	}
	m[segs[len(segs)-1]] = v
}

// del removes the value at a dotted path.
func del(o map[string]any, path string) {
	segs := splitPath(path)
	m := o
	for _, s := range segs[:len(segs)-1] {
		next, ok := m[s].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, segs[len(segs)-1])
}

// splitPath splits a.b[0].c into a, b, 0, c.
func splitPath(path string) []string {
	path = strings.ReplaceAll(strings.ReplaceAll(path, "[", "."), "]", "")
	return strings.Split(path, ".")
}

// deepCopy and deepCopyValue copy normalized JSON values (see Normalize).
func deepCopy(m map[string]any) map[string]any { return runtime.DeepCopyJSON(m) }

func deepCopyValue(v any) any { return runtime.DeepCopyJSONValue(v) }

// BaseKey is the key a staged variant was staged from, key itself for any
// other.
func BaseKey(key string) string {
	if base, ok := variantOf(key); ok {
		return base
	}
	return key
}

// Target is the group and kind of what an object manages (an Object's
// manifest's) and the path of that object in it ("" or ManifestPath).
func Target(o map[string]any) (schema.GroupKind, string) {
	gk, _, prefix := target(o)
	return gk, prefix
}

// CloudSide is the observed object as the cloud has it: each field a pin
// names that the spec leaves unset, taken from what the cloud reports
// (pinning it changes nothing). o itself when no pin applies.
func CloudSide(o map[string]any, pins Pins) map[string]any {
	gk, _, _ := target(o)
	return cloudSide(o, gk.Group, gk.Kind, pins)
}
