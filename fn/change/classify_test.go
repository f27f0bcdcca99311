package change_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
)

// rules of made-up kinds, so that the test pins the model, not a cloud.
var rules = change.Rules{
	{Groups: []string{"pool.example.org", "pool.example.m.org"}, Kind: "Pool", Path: "spec.forProvider.serviceAccount",
		Effect: change.RefusedByProvider, Why: "ForceNew", Causes: []string{"spec.identity"}, Source: "test"},
	{Groups: []string{"pool.example.org"}, Kind: "Pool", Path: "spec.forProvider.machine", Effect: change.RollsNodes, Why: "surge"},
	{Groups: []string{"pool.example.org"}, Kind: "Pool", Path: "spec.forProvider.shielded", Effect: change.RefusedByProvider},
	{Groups: []string{"pool.example.org"}, Kind: "Pool", Path: "spec.forProvider.scopes", Effect: change.RefusedByProvider},
	{Groups: []string{"db.example.org"}, Kind: "Server", Path: "spec.forProvider.storageMb", When: change.Decrease, Effect: change.RefusedByProvider},
	{Groups: []string{"db.example.org"}, Kind: "Server", Path: "spec.forProvider.version", When: change.Decrease, Effect: change.RefusedByProvider},
	{Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: "parameters", Whole: true, Effect: change.ForbiddenByAPIServer, Why: "immutable"},
	{Groups: []string{"storage.k8s.io"}, Kind: "StorageClass", Path: "parameters.type", Effect: change.ForbiddenByAPIServer, Why: "volume type"},
}

func pool(fp map[string]any) map[string]any {
	return map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "metadata": map[string]any{"name": "etcd"},
		"spec": map[string]any{"forProvider": fp}}
}

func server(fp map[string]any) map[string]any {
	return map[string]any{"apiVersion": "db.example.org/v1", "kind": "Server", "metadata": map[string]any{"name": "db"},
		"spec": map[string]any{"forProvider": fp}}
}

func storageClass(params map[string]any) map[string]any {
	return map[string]any{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": map[string]any{"name": "etcd"},
		"provisioner": "csi.example.org", "parameters": params}
}

// object wraps a manifest in a provider-kubernetes Object.
func object(name string, manifest map[string]any) map[string]any {
	return map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": manifest}, "readiness": map[string]any{"policy": "SuccessfulCreate"}}}
}

// field is what a test expects of a changed field.
type field struct {
	Path     string
	Effect   change.Effect
	Old, New any
}

func TestClassify(t *testing.T) {
	cases := map[string]struct {
		r            change.Resource
		wantEffect   change.Effect
		wantFields   []field
		wantRedacted bool
	}{
		"OnlyDesiredIsCreated": {
			r:          change.Resource{Key: "etcd", Desired: pool(map[string]any{"machine": "n2"})},
			wantEffect: change.Create,
		},
		"SameIsNoChange": {
			r:          change.Resource{Key: "etcd", Observed: pool(map[string]any{"machine": "n2", "size": 3.0}), Desired: pool(map[string]any{"machine": "n2", "size": 3.0})},
			wantEffect: change.NoChange,
		},
		"LateInitializedFieldIsNoChange": {
			r:          change.Resource{Observed: pool(map[string]any{"machine": "n2", "serviceAccount": "default"}), Desired: pool(map[string]any{"machine": "n2"})},
			wantEffect: change.NoChange,
		},
		"AbsentEqualsZero": {
			r:          change.Resource{Observed: pool(map[string]any{}), Desired: pool(map[string]any{"autoRepair": false, "labels": map[string]any{}})},
			wantEffect: change.NoChange,
		},
		"UnnamedFieldIsInPlace": {
			r:          change.Resource{Observed: pool(map[string]any{"max": 3.0}), Desired: pool(map[string]any{"max": 5.0})},
			wantEffect: change.InPlace,
			wantFields: []field{{Path: "spec.forProvider.max", Effect: change.InPlace, Old: 3.0, New: 5.0}},
		},
		"RollsNodes": {
			r:          change.Resource{Observed: pool(map[string]any{"machine": "n2", "max": 3.0}), Desired: pool(map[string]any{"machine": "n4", "max": 5.0})},
			wantEffect: change.RollsNodes,
			wantFields: []field{
				{Path: "spec.forProvider.machine", Effect: change.RollsNodes, Old: "n2", New: "n4"},
				{Path: "spec.forProvider.max", Effect: change.InPlace, Old: 3.0, New: 5.0},
			},
		},
		"NewForceNewFieldIsRefused": {
			r:          change.Resource{Observed: pool(map[string]any{"machine": "n2"}), Desired: pool(map[string]any{"machine": "n2", "serviceAccount": "nodes@example"})},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.serviceAccount", Effect: change.RefusedByProvider, New: "nodes@example"}},
		},
		"NamespacedGroupMatches": {
			r: change.Resource{
				Observed: map[string]any{"apiVersion": "pool.example.m.org/v1", "kind": "Pool", "spec": map[string]any{"forProvider": map[string]any{"serviceAccount": "a"}}},
				Desired:  map[string]any{"apiVersion": "pool.example.m.org/v1", "kind": "Pool", "spec": map[string]any{"forProvider": map[string]any{"serviceAccount": "b"}}},
			},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.serviceAccount", Effect: change.RefusedByProvider, Old: "a", New: "b"}},
		},
		"OtherKindDoesNotMatch": {
			r:          change.Resource{Observed: server(map[string]any{"serviceAccount": "a"}), Desired: server(map[string]any{"serviceAccount": "b"})},
			wantEffect: change.InPlace,
			wantFields: []field{{Path: "spec.forProvider.serviceAccount", Effect: change.InPlace, Old: "a", New: "b"}},
		},
		"NestedFieldUnderRule": {
			r: change.Resource{
				Observed: pool(map[string]any{"shielded": map[string]any{"secureBoot": false}}),
				Desired:  pool(map[string]any{"shielded": map[string]any{"secureBoot": true}}),
			},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.shielded.secureBoot", Effect: change.RefusedByProvider, Old: false, New: true}},
		},
		"ListItemChangedByIndex": {
			r: change.Resource{
				Observed: pool(map[string]any{"scopes": []any{"a", "b"}, "taints": []any{map[string]any{"key": "k", "value": "1"}}}),
				Desired:  pool(map[string]any{"scopes": []any{"a", "c"}, "taints": []any{map[string]any{"key": "k", "value": "2"}}}),
			},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{
				{Path: "spec.forProvider.scopes[1]", Effect: change.RefusedByProvider, Old: "b", New: "c"},
				{Path: "spec.forProvider.taints[0].value", Effect: change.InPlace, Old: "1", New: "2"},
			},
		},
		"ListLengthChangedWhole": {
			r:          change.Resource{Observed: pool(map[string]any{"scopes": []any{"a"}}), Desired: pool(map[string]any{"scopes": []any{"a", "b"}})},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.scopes", Effect: change.RefusedByProvider, Old: []any{"a"}, New: []any{"a", "b"}}},
		},
		"DecreaseRefused": {
			r:          change.Resource{Observed: server(map[string]any{"storageMb": 65536.0}), Desired: server(map[string]any{"storageMb": 32768.0})},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.storageMb", Effect: change.RefusedByProvider, Old: 65536.0, New: 32768.0}},
		},
		"IncreaseInPlace": {
			r:          change.Resource{Observed: server(map[string]any{"storageMb": 32768.0}), Desired: server(map[string]any{"storageMb": 65536.0})},
			wantEffect: change.InPlace,
			wantFields: []field{{Path: "spec.forProvider.storageMb", Effect: change.InPlace, Old: 32768.0, New: 65536.0}},
		},
		"DecreaseOfNumericString": {
			r:          change.Resource{Observed: server(map[string]any{"version": "16"}), Desired: server(map[string]any{"version": "15"})},
			wantEffect: change.RefusedByProvider,
			wantFields: []field{{Path: "spec.forProvider.version", Effect: change.RefusedByProvider, Old: "16", New: "15"}},
		},
		"WholeMapKeyRemovedIsForbidden": {
			r: change.Resource{
				Observed: storageClass(map[string]any{"type": "gp3", "iops": "6000"}),
				Desired:  storageClass(map[string]any{"type": "gp3"}),
			},
			wantEffect: change.ForbiddenByAPIServer,
			wantFields: []field{{Path: "parameters", Effect: change.ForbiddenByAPIServer, Old: map[string]any{"iops": "6000"}, New: map[string]any{}}},
		},
		"ObjectManifestUsesManifestRules": {
			r: change.Resource{
				Observed: object("sc", storageClass(map[string]any{"type": "gp3", "iops": "6000"})),
				Desired:  object("sc", storageClass(map[string]any{"type": "gp3", "iops": "3000"})),
			},
			wantEffect: change.ForbiddenByAPIServer,
			wantFields: []field{{Path: "spec.forProvider.manifest.parameters", Effect: change.ForbiddenByAPIServer,
				Old: map[string]any{"iops": "6000"}, New: map[string]any{"iops": "3000"}}},
		},
		"ObjectOwnFieldsInPlace": {
			r: change.Resource{
				Observed: object("sc", storageClass(map[string]any{"type": "gp3"})),
				Desired: func() map[string]any {
					o := object("sc", storageClass(map[string]any{"type": "gp3"}))
					o["spec"].(map[string]any)["readiness"] = map[string]any{"policy": "DeriveFromObject"}
					return o
				}(),
			},
			wantEffect: change.InPlace,
			wantFields: []field{{Path: "spec.readiness.policy", Effect: change.InPlace, Old: "SuccessfulCreate", New: "DeriveFromObject"}},
		},
		"SecretValuesRedacted": {
			r: change.Resource{
				Observed: object("creds", map[string]any{"apiVersion": "v1", "kind": "Secret", "stringData": map[string]any{"password": "old-secret"}}),
				Desired:  object("creds", map[string]any{"apiVersion": "v1", "kind": "Secret", "stringData": map[string]any{"password": "new-secret"}}),
			},
			wantEffect:   change.InPlace,
			wantFields:   []field{{Path: "spec.forProvider.manifest.stringData.password", Effect: change.InPlace}},
			wantRedacted: true,
		},
		"RenamedIsReplaced": {
			r: change.Resource{Observed: pool(map[string]any{}), Desired: func() map[string]any {
				p := pool(map[string]any{})
				p["metadata"] = map[string]any{"name": "etcd2"}
				return p
			}()},
			wantEffect: change.Replace,
		},
		"RenamedDatabaseLosesData": {
			r: change.Resource{Stateful: true, Observed: server(map[string]any{}),
				Desired: func() map[string]any {
					p := server(map[string]any{})
					p["metadata"] = map[string]any{"name": "db2"}
					return p
				}()},
			wantEffect: change.LosesData,
		},
		"OtherKindIsReplaced": {
			r:          change.Resource{Observed: pool(map[string]any{}), Desired: server(map[string]any{})},
			wantEffect: change.Replace,
		},
		"InitProviderIgnored": {
			r: change.Resource{
				Observed: map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "spec": map[string]any{"initProvider": map[string]any{"nodeCount": 1.0}}},
				Desired:  map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "spec": map[string]any{"initProvider": map[string]any{"nodeCount": 3.0}}},
			},
			wantEffect: change.NoChange,
		},
		"LabelsCompared": {
			r: change.Resource{
				Observed: map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "metadata": map[string]any{"name": "p", "labels": map[string]any{"a": "1"}, "uid": "x"}},
				Desired:  map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "metadata": map[string]any{"name": "p", "labels": map[string]any{"a": "2"}}},
			},
			wantEffect: change.InPlace,
			wantFields: []field{{Path: "metadata.labels.a", Effect: change.InPlace, Old: "1", New: "2"}},
		},
		"RemovedIsDeleted": {
			r:          change.Resource{Observed: pool(map[string]any{})},
			wantEffect: change.Delete,
		},
		"RemovedOrphanPolicy": {
			r: change.Resource{Observed: map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool",
				"spec": map[string]any{"deletionPolicy": "Orphan"}}},
			wantEffect: change.Orphan,
		},
		"RemovedWithoutDeletePolicy": {
			r: change.Resource{Observed: map[string]any{"apiVersion": "pool.example.m.org/v1", "kind": "Pool",
				"spec": map[string]any{"managementPolicies": []any{"Observe", "Create", "Update", "LateInitialize"}}}},
			wantEffect: change.Orphan,
		},
		"RemovedDatabaseLosesData": {
			r:          change.Resource{Stateful: true, Observed: server(map[string]any{})},
			wantEffect: change.LosesData,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := change.Classify(tc.r, rules)
			if got.Effect != tc.wantEffect {
				t.Errorf("effect: got %s, want %s (%+v)", got.Effect, tc.wantEffect, got)
			}
			var fields []field
			for _, f := range got.Fields {
				fields = append(fields, field{Path: f.Path, Effect: f.Effect, Old: f.Old, New: f.New})
			}
			if diff := cmp.Diff(tc.wantFields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			for _, f := range got.Fields {
				if f.Redacted != tc.wantRedacted {
					t.Errorf("%s: redacted %v, want %v", f.Path, f.Redacted, tc.wantRedacted)
				}
			}
		})
	}
}

// TestMostSpecificRule: a change of one parameter with a rule of its own
// reports that rule, not the map's.
func TestMostSpecificRule(t *testing.T) {
	got := change.Classify(change.Resource{
		Observed: storageClass(map[string]any{"type": "pd-ssd", "replication-type": "none"}),
		Desired:  storageClass(map[string]any{"type": "hyperdisk-balanced"}),
	}, rules)
	if len(got.Fields) != 1 || got.Fields[0].Why != "volume type" {
		t.Errorf("got %+v, want the parameters.type rule", got.Fields)
	}
	got = change.Classify(change.Resource{
		Observed: storageClass(map[string]any{"type": "gp3", "iops": "3000"}),
		Desired:  storageClass(map[string]any{"type": "gp3", "iops": "6000"}),
	}, rules)
	if len(got.Fields) != 1 || got.Fields[0].Why != "immutable" {
		t.Errorf("got %+v, want the parameters rule", got.Fields)
	}
}

func TestEffectRefused(t *testing.T) {
	for e := change.NoChange; e <= change.LosesData; e++ {
		want := e == change.RefusedByProvider || e == change.ForbiddenByAPIServer || e == change.LosesData
		if e.Refused() != want {
			t.Errorf("%s.Refused() = %v, want %v", e, e.Refused(), want)
		}
		if e.String() == "" {
			t.Errorf("effect %d has no name", int(e))
		}
	}
}
