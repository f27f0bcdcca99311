package change

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Rules of the shapes the clouds use, on made-up kinds.
var rolloutRules = Rules{
	{Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: "parameters", Whole: true, Effect: ForbiddenByAPIServer, Stage: StageKeep, Why: "immutable"},
	{Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: "parameters.type", Effect: ForbiddenByAPIServer, Why: "volumes cannot follow"},
	{Groups: []string{"pool.example.io"}, Kind: "Pool", Path: "spec.forProvider.serviceAccount", Effect: RefusedByProvider, Stage: StageRetire, NameMax: 20, Why: "ForceNew"},
	{Groups: []string{"pool.example.io"}, Kind: "Pool", Path: "spec.forProvider.machineType", Effect: RollsNodes, Why: "surge"},
	{Groups: []string{"zonal.example.io"}, Kind: "ZonalPool", Path: "spec.forProvider.vmSize", Effect: RollsNodes, Serial: true, Why: "cycled"},
}

var rolloutPins = Pins{
	{Groups: []string{"db.example.io"}, Kind: "Server", From: "status.atProvider.zone", To: "spec.forProvider.zone"},
	{Groups: []string{"db.example.io"}, Kind: "Server", From: "status.atProvider.highAvailability.standbyAvailabilityZone", To: "spec.forProvider.highAvailability.standbyAvailabilityZone"},
}

func storageClass(name string, params map[string]any) map[string]any {
	return map[string]any{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": map[string]any{"name": name},
		"provisioner": "ebs.csi.aws.com", "parameters": params}
}

func pool(name, sa, machine string) map[string]any {
	return map[string]any{"apiVersion": "pool.example.io/v1", "kind": "Pool", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"forProvider": map[string]any{"serviceAccount": sa, "machineType": machine, "maxCount": float64(3)}}}
}

func zonal(name, vm string) map[string]any {
	return map[string]any{"apiVersion": "zonal.example.io/v1", "kind": "ZonalPool", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"forProvider": map[string]any{"vmSize": vm}}}
}

func keys(items []Item) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

func itemOf(t *testing.T, items []Item, key string) map[string]any {
	t.Helper()
	for _, it := range items {
		if it.Key == key {
			return it.Object
		}
	}
	t.Fatalf("no item %s in %v", key, keys(items))
	return nil
}

func TestRolloutStagesAStorageClassAndKeepsTheOld(t *testing.T) {
	old := map[string]any{"type": "gp3", "iops": "6000"}
	desired := storageClass("x-etcd", map[string]any{"type": "gp3", "iops": "3000"})
	observed := map[string]Observed{"etcd-storageclass": {Object: storageClass("x-etcd", old), Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "etcd-storageclass", Component: "storageClass", Object: desired}}, observed, rolloutRules, nil)
	if len(o.Items) != 2 {
		t.Fatalf("want the running class and a staged one, got %v", keys(o.Items))
	}
	staged := o.Items[1].Key
	if !strings.HasPrefix(staged, "etcd-storageclass-") || BaseKey(staged) != "etcd-storageclass" {
		t.Fatalf("staged key %q", staged)
	}
	if diff := cmp.Diff(old, itemOf(t, o.Items, "etcd-storageclass")["parameters"]); diff != "" {
		t.Errorf("the running class must keep its parameters (-want +got):\n%s", diff)
	}
	newName := get(itemOf(t, o.Items, staged), "metadata.name").(string)
	if newName != "x-etcd-"+staged[len(staged)-8:] || o.Names["etcd-storageclass"] != newName {
		t.Errorf("staged name %q, Names %v", newName, o.Names)
	}
	if len(o.Pending) != 1 || o.Pending[0].Action != ActionStaged || o.Pending[0].Key != staged {
		t.Errorf("pending %+v", o.Pending)
	}

	// Next reconcile: both observed, the staged one ready. Both stay, the
	// chart keeps the staged name, nothing pends.
	observed[staged] = Observed{Object: itemOf(t, o.Items, staged), Ready: true, Settled: true}
	o2 := Rollout([]Item{{Key: "etcd-storageclass", Component: "storageClass", Object: desired}}, observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{"etcd-storageclass", staged}, keys(o2.Items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if o2.Names["etcd-storageclass"] != newName || len(o2.Pending) != 0 {
		t.Errorf("Names %v pending %+v", o2.Names, o2.Pending)
	}

	// Back to the old parameters: the running class carries them again.
	o3 := Rollout([]Item{{Key: "etcd-storageclass", Component: "storageClass", Object: storageClass("x-etcd", old)}}, observed, rolloutRules, nil)
	if o3.Names["etcd-storageclass"] != "x-etcd" || len(o3.Items) != 2 {
		t.Errorf("Names %v items %v", o3.Names, keys(o3.Items))
	}
}

func TestRolloutLeavesAnUnstageableChangeToTheRefusal(t *testing.T) {
	desired := storageClass("x-etcd", map[string]any{"type": "hyperdisk-balanced"})
	observed := map[string]Observed{"etcd-storageclass": {Object: storageClass("x-etcd", map[string]any{"type": "pd-ssd"}), Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "etcd-storageclass", Object: desired}}, observed, rolloutRules, nil)
	if len(o.Items) != 1 || o.Items[0].Key != "etcd-storageclass" || len(o.Pending) != 0 {
		t.Fatalf("want the change left as it is, got %v %+v", keys(o.Items), o.Pending)
	}
	if diff := cmp.Diff(desired, o.Items[0].Object); diff != "" {
		t.Errorf("the desired object changed (-want +got):\n%s", diff)
	}
}

func TestRolloutStagesAPoolBesideAndRetiresTheOld(t *testing.T) {
	desired := pool("prod-etcd", "new@sa", "n2-standard-16")
	observed := map[string]Observed{"etcd-nodepool": {Object: pool("prod-etcd", "old@sa", "n2-standard-8"), Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil)
	if len(o.Items) != 2 {
		t.Fatalf("items %v", keys(o.Items))
	}
	staged := o.Items[1].Key
	held := itemOf(t, o.Items, "etcd-nodepool")
	if get(held, "spec.forProvider.serviceAccount") != "old@sa" || get(held, "spec.forProvider.machineType") != "n2-standard-8" {
		t.Errorf("the running pool must keep what would replace or roll it: %v", held["spec"])
	}
	if get(held, "spec.forProvider.maxCount") != float64(3) {
		t.Errorf("the running pool still takes in-place changes: %v", held["spec"])
	}
	n := get(itemOf(t, o.Items, staged), "metadata.name").(string)
	if len(n) > 20 || !strings.HasSuffix(n, staged[len(staged)-8:]) {
		t.Errorf("staged name %q: want at most the rule's 20 characters, ending in the hash", n)
	}
	var actions []string
	for _, p := range o.Pending {
		actions = append(actions, p.Action+" "+p.Key)
	}
	if diff := cmp.Diff([]string{"staged " + staged, "held etcd-nodepool"}, actions); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}

	// The staged pool is not ready yet: both stay.
	observed[staged] = Observed{Object: itemOf(t, o.Items, staged)}
	if got := keys(Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil).Items); len(got) != 2 {
		t.Errorf("the old pool left before the new one is ready: %v", got)
	}
	// Ready: the old pool leaves the desired state.
	observed[staged] = Observed{Object: itemOf(t, o.Items, staged), Ready: true, Settled: true}
	o2 := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{staged}, keys(o2.Items)); diff != "" || len(o2.Pending) != 0 {
		t.Errorf("items (-want +got):\n%s pending %+v", diff, o2.Pending)
	}
	// Once it is gone, the staged pool simply is the pool.
	delete(observed, "etcd-nodepool")
	o3 := Rollout([]Item{{Key: "etcd-nodepool", Component: "etcdPool", Object: desired}}, observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{staged}, keys(o3.Items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if get(o3.Items[0].Object, "metadata.name") != n {
		t.Errorf("the staged pool was renamed: %v", o3.Items[0].Object["metadata"])
	}
}

func TestRolloutChangesZonalPoolsOneAtATime(t *testing.T) {
	items := func() []Item {
		var out []Item
		for _, z := range []string{"1", "2", "3"} {
			out = append(out, Item{Key: "etcd-zone-" + z, Component: "etcdPool", Object: zonal("etcd-"+z, "D16")})
		}
		return out
	}
	observed := map[string]Observed{}
	for _, z := range []string{"1", "2", "3"} {
		observed["etcd-zone-"+z] = Observed{Object: zonal("etcd-"+z, "D8"), Ready: true, Settled: true}
	}
	vm := func(o Outcome) []string {
		var out []string
		for _, it := range o.Items {
			out = append(out, get(it.Object, "spec.forProvider.vmSize").(string))
		}
		return out
	}
	o := Rollout(items(), observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{"D16", "D8", "D8"}, vm(o)); diff != "" {
		t.Errorf("all settled: the first zone changes, the others wait (-want +got):\n%s", diff)
	}
	if len(o.Pending) != 2 || o.Pending[0].Action != ActionHeld || !strings.Contains(o.Pending[0].Why, "after etcd-zone-1") {
		t.Errorf("pending %+v", o.Pending)
	}
	// Zone 1 took the change and cycles: everyone waits.
	observed["etcd-zone-1"] = Observed{Object: zonal("etcd-1", "D16")}
	if diff := cmp.Diff([]string{"D16", "D8", "D8"}, vm(Rollout(items(), observed, rolloutRules, nil))); diff != "" {
		t.Errorf("zone 1 cycling (-want +got):\n%s", diff)
	}
	// upjet's asynchronous update: Ready and Synced True at the new
	// generation while the pool cycles; only atProvider tells.
	cycling := zonal("etcd-1", "D16")
	cycling["status"] = map[string]any{"atProvider": map[string]any{"vmSize": "D8"}}
	observed["etcd-zone-1"] = Observed{Object: cycling, Ready: true, Settled: true}
	if diff := cmp.Diff([]string{"D16", "D8", "D8"}, vm(Rollout(items(), observed, rolloutRules, nil))); diff != "" {
		t.Errorf("zone 1 still reports its old size (-want +got):\n%s", diff)
	}
	// Zone 1 ready again, the cloud reporting the new size: zone 2 goes.
	done := zonal("etcd-1", "D16")
	done["status"] = map[string]any{"atProvider": map[string]any{"vmSize": "D16"}}
	observed["etcd-zone-1"] = Observed{Object: done, Ready: true, Settled: true}
	o = Rollout(items(), observed, rolloutRules, nil)
	if diff := cmp.Diff([]string{"D16", "D16", "D8"}, vm(o)); diff != "" {
		t.Errorf("zone 1 ready (-want +got):\n%s", diff)
	}
	if len(o.Pending) != 1 || o.Pending[0].Key != "etcd-zone-3" {
		t.Errorf("pending %+v", o.Pending)
	}
}

func TestRolloutPinsWhatTheCloudChose(t *testing.T) {
	server := func(ha bool) map[string]any {
		fp := map[string]any{"version": "16"}
		if ha {
			fp["highAvailability"] = map[string]any{"mode": "ZoneRedundant"}
		}
		return map[string]any{"apiVersion": "db.example.io/v1", "kind": "Server", "metadata": map[string]any{"name": "db"}, "spec": map[string]any{"forProvider": fp}}
	}
	obs := server(true)
	obs["status"] = map[string]any{"atProvider": map[string]any{"zone": "2", "highAvailability": map[string]any{"standbyAvailabilityZone": "3"}}}
	observed := map[string]Observed{"database": {Object: obs, Ready: true, Settled: true}}
	o := Rollout([]Item{{Key: "database", Object: server(true)}}, observed, rolloutRules, rolloutPins)
	got := o.Items[0].Object
	if get(got, "spec.forProvider.zone") != "2" || get(got, "spec.forProvider.highAvailability.standbyAvailabilityZone") != "3" {
		t.Errorf("not pinned: %v", got["spec"])
	}
	o = Rollout([]Item{{Key: "database", Object: server(false)}}, observed, rolloutRules, rolloutPins)
	if got := o.Items[0].Object; get(got, "spec.forProvider.highAvailability") != nil || get(got, "spec.forProvider.zone") != "2" {
		t.Errorf("a pin must not turn on a block the desired state leaves out: %v", got["spec"])
	}
}

func TestRolloutHeldPoolsKeepTheirPins(t *testing.T) {
	pins := Pins{{Groups: []string{"zonal.example.io"}, Kind: "ZonalPool", From: "status.atProvider.vnetSubnetId", To: "spec.forProvider.vnetSubnetId"}}
	rules := append(Rules{{Groups: []string{"zonal.example.io"}, Kind: "ZonalPool", Path: "spec.forProvider.vnetSubnetId", Effect: RollsNodes, Serial: true}}, rolloutRules...)
	var items []Item
	observed := map[string]Observed{}
	for _, z := range []string{"1", "2"} {
		items = append(items, Item{Key: "etcd-zone-" + z, Component: "etcdPool", Object: zonal("etcd-"+z, "D16")})
		o := zonal("etcd-"+z, "D8")
		o["status"] = map[string]any{"atProvider": map[string]any{"vnetSubnetId": "subnet"}}
		observed["etcd-zone-"+z] = Observed{Object: o, Ready: true, Settled: true}
	}
	o := Rollout(items, observed, rules, pins)
	for _, it := range o.Items {
		if get(it.Object, "spec.forProvider.vnetSubnetId") != "subnet" {
			t.Errorf("%s lost its pinned subnet: %v", it.Key, it.Object["spec"])
		}
	}
	if got := get(o.Items[1].Object, "spec.forProvider.vmSize"); got != "D8" {
		t.Errorf("zone 2 vmSize = %v, want held at D8: pinning is no change in the cloud", got)
	}
}
