package change

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Tests that pin behaviour the other tests left open, found by mutation
// testing (docs/reliability.md, "Mutation testing").

func TestEffectStringOutOfRange(t *testing.T) {
	cases := map[Effect]string{
		NoChange:                 "no change",
		LosesData:                "loses data",
		-1:                       "effect(-1)",
		Effect(len(effectNames)): "effect(11)",
	}
	for e, want := range cases {
		if got := e.String(); got != want {
			t.Errorf("Effect(%d).String() = %q, want %q", int(e), got, want)
		}
	}
}

func TestFindTieKeepsTheFirstRule(t *testing.T) {
	rs := Rules{
		{Groups: []string{"g"}, Kind: "K", Path: "spec.a", Effect: RollsNodes},
		{Groups: []string{"g"}, Kind: "K", Path: "spec.b", Effect: InPlace},
		{Groups: []string{"g"}, Kind: "K", Path: "spec.a", Effect: RefusedByProvider},
	}
	if r := rs.find("g", "K", "spec.a.x"); r == nil || r.Effect != RollsNodes {
		t.Errorf("find of two rules of the same path: %+v, want the first", r)
	}
}

func TestNormalize(t *testing.T) {
	m, err := Normalize(struct {
		N int `json:"n"`
	}{N: 3})
	if err != nil || m["n"] != float64(3) {
		t.Errorf("Normalize of a struct = %v, %v; want n: 3.0", m, err)
	}
	if _, err := Normalize(math.Inf(1)); err == nil {
		t.Error("Normalize of what encoding/json cannot write: want an error")
	}
	if _, err := Normalize([]int{1}); err == nil {
		t.Error("Normalize of an array: want an error (not an object)")
	}
}

func TestClassifyObjectRenameNeedsBothNames(t *testing.T) {
	manifest := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}}
	object := func(name string) map[string]any {
		md := map[string]any{}
		if name != "" {
			md["name"] = name
		}
		return map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "metadata": md,
			"spec": map[string]any{"forProvider": map[string]any{"manifest": manifest}}}
	}
	if c := Classify(Resource{Key: "k", Observed: object("a"), Desired: object("b")}, nil); c.Effect != Replace {
		t.Errorf("an Object renamed: %v, want %v", c.Effect, Replace)
	}
	for _, names := range [][2]string{{"", "b"}, {"a", ""}, {"a", "a"}} {
		if c := Classify(Resource{Key: "k", Observed: object(names[0]), Desired: object(names[1])}, nil); c.Effect == Replace {
			t.Errorf("Object named %q observed, %q desired: replaced (%s)", names[0], names[1], c.Why)
		}
	}
}

func TestDecreaseRuleNeedsASmallerNumber(t *testing.T) {
	r := &Rule{When: Decrease}
	cases := []struct {
		obs, des any
		want     bool
	}{
		{"16", float64(16), false}, // the same number, written two ways
		{float64(20), "16", true},
		{float64(16), float64(20), false},
		{"x", float64(1), false},
	}
	for _, c := range cases {
		if got := r.applies(c.obs, c.des); got != c.want {
			t.Errorf("Decrease from %v to %v applies: %v, want %v", c.obs, c.des, got, c.want)
		}
	}
}

func TestRolloutStagedPendingNamesItsFields(t *testing.T) {
	desired := pool("prod-etcd", "new@sa", "n2-standard-8")
	observed := map[string]Observed{"etcd-nodepool": {Object: pool("prod-etcd", "old@sa", "n2-standard-8"), Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil)
	if len(o.Pending) == 0 || o.Pending[0].Action != ActionStaged {
		t.Fatalf("pending %+v: want a staged pool first", o.Pending)
	}
	if diff := cmp.Diff([]string{"spec.forProvider.serviceAccount"}, o.Pending[0].Fields); diff != "" {
		t.Errorf("the staged pool's fields (-want +got):\n%s", diff)
	}
}

func TestStagedWhy(t *testing.T) {
	if got := stagedWhy(StageKeep, []string{"a"}); got != "a new resource beside a, which stays for what already uses it" {
		t.Errorf("StageKeep: %q", got)
	}
	if got := stagedWhy(StageRetire, []string{"a", "b"}); got != "a new resource beside a, b, which is removed once this one is ready" {
		t.Errorf("StageRetire: %q", got)
	}
}

func TestOthers(t *testing.T) {
	if diff := cmp.Diff([]string{"a", "c"}, others([]variant{{key: "a"}, {key: "b"}, {key: "c"}}, "b")); diff != "" {
		t.Errorf("others (-want +got):\n%s", diff)
	}
}

// The staged name's hash is part of what runs in the cloud: it must hash
// the JSON of the staging rules' desired values, and nothing else.
func TestStageHash(t *testing.T) {
	sum := sha256.Sum256([]byte(`{"spec.forProvider.serviceAccount":"new@sa"}`))
	want := hex.EncodeToString(sum[:])[:stageHashLength]
	if got := stageHash(pool("p", "new@sa", "n2"), rolloutRules, "pool.example.io", "Pool", ""); got != want {
		t.Errorf("stageHash = %s, want %s", got, want)
	}
	if stageHash(pool("p", "new@sa", "n2"), rolloutRules, "pool.example.io", "Pool", "") != stageHash(pool("p", "new@sa", "n4"), rolloutRules, "pool.example.io", "Pool", "") {
		t.Error("a field no staging rule names changed the hash")
	}
}

func TestNameMaxCountsOnlyStagingRules(t *testing.T) {
	rs := Rules{
		{Groups: []string{"g"}, Kind: "K", Path: "a", NameMax: 10},
		{Groups: []string{"g"}, Kind: "K", Path: "b", Stage: StageRetire, NameMax: 30},
		{Groups: []string{"g"}, Kind: "K", Path: "c", Stage: StageRetire},
		{Groups: []string{"other"}, Kind: "K", Path: "d", Stage: StageRetire, NameMax: 5},
	}
	if got := nameMax(rs, "g", "K"); got != 30 {
		t.Errorf("nameMax = %d, want 30", got)
	}
	if got := nameMax(rs, "h", "K"); got != maxName {
		t.Errorf("nameMax of a kind without rules = %d, want %d", got, maxName)
	}
}

func TestRenamed(t *testing.T) {
	const h = "12345678"
	named := func(n string) map[string]any { return map[string]any{"metadata": map[string]any{"name": n}} }
	cases := []struct {
		name, want string
	}{
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijk-" + h}, // cut to 20 with the hash
		{"abcdefghij-xyz", "abcdefghij-" + h},              // the cut's trailing dash dropped
		{"abcdefghij-", "abcdefghij--" + h},                // exactly the room left: not cut
		{"short", "short-" + h},
	}
	for _, c := range cases {
		got := renamed(named(c.name), h, 20, "")
		if n := get(got, "metadata.name"); n != c.want {
			t.Errorf("renamed(%q) = %q, want %q", c.name, n, c.want)
		}
	}
	long := "abcdefghijklmnopqrstuvwxyz"
	obj := map[string]any{"metadata": map[string]any{"name": long},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{"metadata": map[string]any{"name": long}}}}}
	got := renamed(obj, h, 20, ManifestPath)
	if n := get(got, "metadata.name"); n != long+"-"+h {
		t.Errorf("an Object's own name = %q: want it within 63 characters", n)
	}
	if n := get(got, ManifestPath+".metadata.name"); n != "abcdefghijk-"+h {
		t.Errorf("the manifest's name = %q: want it within 20 characters", n)
	}
}

func TestRenamedLikeTakesTheManifestName(t *testing.T) {
	obj := map[string]any{"metadata": map[string]any{"name": "new"},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{"metadata": map[string]any{"name": "new"}}}}}
	observed := map[string]any{"metadata": map[string]any{"name": "old"},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{"metadata": map[string]any{"name": "old-m"}}}}}
	got := renamedLike(obj, observed)
	if get(got, "metadata.name") != "old" || get(got, ManifestPath+".metadata.name") != "old-m" {
		t.Errorf("renamedLike: %v", got)
	}
}

func TestPinCreatesTheForProviderBlock(t *testing.T) {
	obj := map[string]any{"apiVersion": "db.example.io/v1", "kind": "Server", "spec": map[string]any{}}
	observed := map[string]any{"status": map[string]any{"atProvider": map[string]any{"zone": "1"}}}
	pin(obj, observed, "db.example.io", "Server", rolloutPins)
	if get(obj, "spec.forProvider.zone") != "1" {
		t.Errorf("a pin directly under spec.forProvider is set even without the block: %v", obj["spec"])
	}
}

func TestHeldVariantTakesInPlaceChanges(t *testing.T) {
	rules := append(Rules{{Groups: []string{"pool.example.io"}, Kind: "Pool", Path: "spec.forProvider.maxCount", Effect: InPlace}}, rolloutRules...)
	desired := pool("prod-etcd", "new@sa", "n2-standard-8")
	set(desired, "spec.forProvider.maxCount", float64(5))
	observed := map[string]Observed{"etcd-nodepool": {Object: pool("prod-etcd", "old@sa", "n2-standard-8"), Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rules, nil)
	held := itemOf(t, o.Items, "etcd-nodepool")
	if get(held, "spec.forProvider.maxCount") != float64(5) || get(held, "spec.forProvider.serviceAccount") != "old@sa" {
		t.Errorf("the held pool: %v; want the in-place change and the old service account", held["spec"])
	}
}

func TestRolloutPrefersTheUnstagedVariant(t *testing.T) {
	desired := pool("prod-etcd", "sa", "n2")
	observed := map[string]Observed{
		"etcd-nodepool":          {Object: pool("prod-etcd", "sa", "n2"), Ready: true, Settled: true},
		"etcd-nodepool-0123abcd": {Object: pool("prod-etcd", "sa", "n2"), Ready: true, Settled: true},
	}
	o := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{"etcd-nodepool"}, keys(o.Items)); diff != "" {
		t.Errorf("both variants match: keep the unstaged one (-want +got):\n%s", diff)
	}
}
