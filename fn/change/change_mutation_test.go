package change

import (
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
