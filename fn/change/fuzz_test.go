package change

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzChange feeds arbitrary observed and desired objects (as the function
// decodes them: JSON into maps) through the change model's readers:
// Normalize, Project, Classify and Rollout with the rollout tests' rules
// and pins. None may panic; an object compared with itself is no change;
// Rollout answers the same twice, never changes what it is given, and
// returns only the desired key and its staged variants.
func FuzzChange(f *testing.F) {
	seed := func(obs, des map[string]any, ready, settled bool) {
		o, err := json.Marshal(obs)
		if err != nil {
			f.Fatal(err)
		}
		d, err := json.Marshal(des)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(o, d, ready, settled)
	}
	seed(storageClass("etcd", map[string]any{"type": "gp3"}), storageClass("etcd", map[string]any{"type": "io2"}), true, true)
	seed(pool("etcd", "a", "n2"), pool("etcd", "b", "n2"), true, false)
	seed(pool("etcd", "a", "n2"), pool("etcd", "a", "n4"), false, false)
	seed(zonal("etcd-1", "D4"), zonal("etcd-1", "D8"), true, true)
	seed(map[string]any{"apiVersion": "db.example.io/v1", "kind": "Server", "status": map[string]any{"atProvider": map[string]any{"zone": "1"}}},
		map[string]any{"apiVersion": "db.example.io/v1", "kind": "Server", "spec": map[string]any{"forProvider": map[string]any{}}}, true, true)
	seed(map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "spec": map[string]any{"forProvider": map[string]any{"manifest": storageClass("sc", map[string]any{"a": "b"})}}},
		map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "spec": map[string]any{"forProvider": map[string]any{"manifest": storageClass("sc", map[string]any{"a": "c"})}}}, true, true)
	f.Add([]byte(`{"kind":7,"spec":[1]}`), []byte(`{"apiVersion":"pool.example.io/v1","kind":"Pool","spec":{"forProvider":null}}`), false, true)
	f.Add([]byte(`null`), []byte(`{}`), false, false)

	f.Fuzz(func(t *testing.T, obsJSON, desJSON []byte, ready, settled bool) {
		var obs, des map[string]any
		if json.Unmarshal(obsJSON, &obs) != nil || json.Unmarshal(desJSON, &des) != nil {
			return
		}
		if _, err := Normalize(obs); err != nil {
			t.Fatalf("Normalize of decoded JSON: %v", err)
		}
		if _, err := Project(obs, []string{"spec.forProvider", "status.atProvider.zone", "metadata.name"}); err != nil {
			// Project reports what it cannot read; it must not panic.
			_ = err
		}
		c := Classify(Resource{Key: "k", Observed: obs, Desired: des}, rolloutRules)
		_ = c.Effect.String()
		if des != nil {
			same := Classify(Resource{Key: "k", Observed: deepCopy(des), Desired: des}, rolloutRules)
			if same.Effect != NoChange {
				t.Fatalf("an object compared with itself: %v, fields %+v", same.Effect, same.Fields)
			}
		}
		_ = Removed(Resource{Key: "k", Stateful: ready, Observed: obs})

		if des == nil {
			return
		}
		items := []Item{{Key: "k", Component: "c", Object: des}}
		observed := map[string]Observed{"k": {Object: obs, Ready: ready, Settled: settled}}
		before, err := json.Marshal([]any{items, observed})
		if err != nil {
			t.Skip()
		}
		out := Rollout(items, observed, rolloutRules, rolloutPins)
		again := Rollout(items, observed, rolloutRules, rolloutPins)
		if d := cmp.Diff(out, again); d != "" {
			t.Fatalf("Rollout is not deterministic:\n%s", d)
		}
		after, err := json.Marshal([]any{items, observed})
		if err != nil || !bytes.Equal(after, before) {
			t.Fatalf("Rollout changed its arguments:\n%s\n%s", before, after)
		}
		for _, it := range out.Items {
			if it.Key != "k" && !strings.HasPrefix(it.Key, "k-") {
				t.Fatalf("Rollout returned an item %q for desired key k", it.Key)
			}
		}
		if len(out.Items) == 0 {
			t.Fatal("Rollout dropped the desired item")
		}
	})
}
