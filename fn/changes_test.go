package fn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// builtinKinds are the Kubernetes kinds the rules speak of, by their Go
// types, whose json tags are their schema.
var builtinKinds = map[schema.GroupKind]reflect.Type{
	{Group: "storage.k8s.io", Kind: "StorageClass"}: reflect.TypeFor[storagev1.StorageClass](),
}

// loadCRDs reads every CRD of the upstream CRD folder by group and kind.
func loadCRDs(t *testing.T) map[schema.GroupKind]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	dir := crdvalidate.Require(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s: %v", dir, err)
	}
	out := map[schema.GroupKind]*apiextensionsv1.CustomResourceDefinition{}
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // the test's CRD folder.
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(b, crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}] = crd
	}
	return out
}

// schemaHas is true when the dotted path names a property of s (through
// arrays' items; a map's keys are free).
func schemaHas(s *apiextensionsv1.JSONSchemaProps, path string) bool {
	for _, seg := range strings.Split(path, ".") {
		for s.Type == "array" && s.Items != nil && s.Items.Schema != nil {
			s = s.Items.Schema
		}
		p, ok := s.Properties[seg]
		if !ok {
			if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
				s = s.AdditionalProperties.Schema
				continue
			}
			return false
		}
		s = &p
	}
	return true
}

// typeHas is true when the dotted path names a field of t by its json
// tags (a map's keys are free).
func typeHas(t reflect.Type, path string) bool {
	for _, seg := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() == reflect.Map {
			t = t.Elem()
			continue
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		f, ok := fieldByJSON(t, seg)
		if !ok {
			return false
		}
		t = f.Type
	}
	return true
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return f, true
		}
		if f.Anonymous && tag == "" {
			if g, ok := fieldByJSON(f.Type, name); ok {
				return g, true
			}
		}
	}
	return reflect.StructField{}, false
}

// TestChangeRulesMatchCRDs pins every cloud's change model to the
// upstream schemas: each rule's field exists in every served version of
// its kind in each of its groups, so a renamed field upstream (or a typo
// here) fails instead of silently never matching.
func TestChangeRulesMatchCRDs(t *testing.T) {
	crds := loadCRDs(t)
	for name, c := range registry {
		for _, r := range c.Changes {
			for _, g := range r.Groups {
				gk := schema.GroupKind{Group: g, Kind: r.Kind}
				if typ, ok := builtinKinds[gk]; ok {
					if !typeHas(typ, r.Path) {
						t.Errorf("%s: %s has no field %s", name, gk, r.Path)
					}
					continue
				}
				crd, ok := crds[gk]
				if !ok {
					t.Errorf("%s: no CRD for %s in the CRD folder", name, gk)
					continue
				}
				for _, v := range crd.Spec.Versions {
					if !v.Served || v.Schema == nil {
						continue
					}
					if !schemaHas(v.Schema.OpenAPIV3Schema, r.Path) {
						t.Errorf("%s: %s %s has no field %s", name, gk, v.Name, r.Path)
					}
				}
			}
		}
	}
}

// TestChangeRulesCiteSources: every rule says why and where that is
// written; every refusing one says the way and which XR field to put back
// (or that none of the XR's fields drives it).
func TestChangeRulesCiteSources(t *testing.T) {
	for name, c := range registry {
		if len(c.Changes) == 0 {
			t.Errorf("%s registers no change rules", name)
		}
		for _, r := range c.Changes {
			if r.Why == "" || r.Source == "" || len(r.Groups) == 0 || r.Kind == "" || r.Path == "" {
				t.Errorf("%s: incomplete rule %+v", name, r)
			}
			if r.Effect.Refused() && r.Way == "" {
				t.Errorf("%s: refusing rule %s %s says no way", name, r.Kind, r.Path)
			}
		}
	}
}

// composeOf runs an XR and returns its desired resources as observed
// state for the next call, as Crossplane would observe them once created.
func composeOf(t *testing.T, xr map[string]any) map[string]map[string]any {
	t.Helper()
	rsp := run(t, newRequest(t, xr, nil))
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Fatalf("the first render failed: %s", r.GetMessage())
		}
	}
	out := map[string]map[string]any{}
	for k, r := range rsp.GetDesired().GetResources() {
		out[k] = settled(r.GetResource().AsMap())
	}
	return out
}

// settled is a composed resource as Crossplane observes it once its
// provider has acted on it: generation 1, Ready and Synced True written
// for that generation (crossplane-runtime's conditions).
func settled(o map[string]any) map[string]any {
	o["metadata"].(map[string]any)["generation"] = float64(1)
	cond := func(typ, reason string) map[string]any {
		return map[string]any{"type": typ, "status": "True", "reason": reason, "observedGeneration": float64(1), "lastTransitionTime": "2026-12-01T10:00:00Z"}
	}
	o["status"] = map[string]any{"conditions": []any{cond("Synced", "ReconcileSuccess"), cond("Ready", "Available")}}
	return o
}

// checkPending compares the XR's status.pendingChanges with want ("action
// key", a key ending in "-" matching a staged key), and checks each is
// sent as a Normal result.
func checkPending(t *testing.T, rsp *fnv1.RunFunctionResponse, want []string) {
	t.Helper()
	st, _ := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	pcs, _ := st["pendingChanges"].([]any)
	var got []string
	for _, pc := range pcs {
		m := pc.(map[string]any)
		key := m["resource"].(string)
		if b := change.BaseKey(key); b != key {
			key = b + "-"
		}
		got = append(got, m["action"].(string)+" "+key)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status.pendingChanges (-want +got):\n%s", diff)
	}
	normal := 0
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_NORMAL {
			normal++
		}
	}
	if normal != len(want) {
		t.Errorf("want one Normal result per new pending change (%d), got %d", len(want), normal)
	}
}

// trap is a change to a running Space the model must catch.
type trap struct {
	example string
	// edit turns the example XR into the changed one.
	edit func(xr map[string]any)
	// before, when set, edits the XR the running Space was made from.
	before func(xr map[string]any)
	// wantFatal are substrings of the Fatal message; none means the change
	// goes through.
	wantFatal []string
	// wantPending are the pending changes the XR's status reports, each
	// "action key" where a key ending in "-" stands for a staged key.
	wantPending []string
	// observe, when set, adds to the running Space what the cloud wrote
	// back (status.atProvider).
	observe func(observed map[string]map[string]any)
	// check, when set, checks the desired resources of a change that goes
	// through.
	check func(t *testing.T, desired map[string]map[string]any)
}

// traps are the changes TestRefuseChanges and the plan's golden tests run.
var traps = map[string]trap{
	// The gp3 IOPS follow the volume size, and StorageClass parameters are
	// immutable: a new class beside the old, which the etcd volumes made
	// with it keep.
	"aws-etcd-volume-size": {
		example:     "xr-aws.yaml",
		edit:        func(xr map[string]any) { testutil.Set(xr, "spec.spaces.etcdVolumeSize", "5Gi") },
		wantPending: []string{"staged etcd-storageclass-"},
		check: func(t *testing.T, d map[string]map[string]any) {
			t.Helper()
			old, staged := d["etcd-storageclass"], stagedOf(t, d, "etcd-storageclass")
			if got := testutil.Get(old, "spec", "forProvider", "manifest", "parameters", "iops"); got != "6000" {
				t.Errorf("the running StorageClass's iops = %v, want 6000 kept", got)
			}
			if got := testutil.Get(staged, "spec", "forProvider", "manifest", "parameters", "iops"); got != "3000" {
				t.Errorf("the staged StorageClass's iops = %v, want 3000", got)
			}
			name := testutil.Get(staged, "spec", "forProvider", "manifest", "metadata", "name").(string)
			if !strings.Contains(mustJSONString(t, d["spaces-release"]), `"storageClassName":"`+name+`"`) {
				t.Errorf("the release does not name the staged StorageClass %s", name)
			}
		},
	},
	"aws-direct-etcd-volume-size": {
		example:     "xr-aws-direct.yaml",
		edit:        func(xr map[string]any) { testutil.Set(xr, "spec.spaces.etcdVolumeSize", "5Gi") },
		wantPending: []string{"staged etcd-storageclass-"},
	},
	"namespaced-aws-etcd-volume-size": {
		example:     filepath.Join("namespaced", "xr-aws.yaml"),
		edit:        func(xr map[string]any) { testutil.Set(xr, "spec.spaces.etcdVolumeSize", "5Gi") },
		wantPending: []string{"staged etcd-storageclass-"},
	},
	// No stage helps: the etcd volumes cannot attach to the new nodes.
	"gcp-etcd-n2-to-n4": {
		example:   "xr-gcp.yaml",
		edit:      func(xr map[string]any) { testutil.Set(xr, "spec.nodePools.etcd.machineTypes", []any{"n4-standard-8"}) },
		wantFatal: []string{"spec.nodePools.etcd.machineTypes: Forbidden", "Hyperdisk-only", "can attach to the new nodes", `"type":"pd-ssd"} -> {`},
	},
	// nodeConfig.serviceAccount is ForceNew: new pools beside, the old ones
	// kept as they are until the new ones are ready.
	"gcp-new-node-service-account": {
		example: "xr-gcp.yaml",
		before: func(xr map[string]any) {
			delete(testutil.Get(xr, "spec", "gcp").(map[string]any), "nodeServiceAccount")
		},
		edit: func(map[string]any) {},
		wantPending: []string{"staged apiserver-nodepool-", "held apiserver-nodepool", "staged controlplanes-nodepool-", "held controlplanes-nodepool",
			"staged etcd-nodepool-", "held etcd-nodepool"},
		check: func(t *testing.T, d map[string]map[string]any) {
			t.Helper()
			for _, k := range []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool"} {
				if sa := testutil.Get(d[k], "spec", "forProvider", "nodeConfig", "serviceAccount"); sa != nil {
					t.Errorf("%s: the running pool's serviceAccount changed to %v", k, sa)
				}
				if sa := testutil.Get(stagedOf(t, d, k), "spec", "forProvider", "nodeConfig", "serviceAccount"); sa == nil {
					t.Errorf("%s: the staged pool has no serviceAccount", k)
				}
			}
		},
	},
	// AKS cycles a pool whose vmSize changes: one zone at a time.
	"azure-etcd-vm-size": {
		example: "xr-azure.yaml",
		edit: func(xr map[string]any) {
			testutil.Set(xr, "spec.nodePools.etcd.machineTypes", []any{"Standard_D16s_v5"})
		},
		wantPending: []string{"held etcd-nodepool-zone-2", "held etcd-nodepool-zone-3"},
		check: func(t *testing.T, d map[string]map[string]any) {
			t.Helper()
			for k, want := range map[string]string{"etcd-nodepool-zone-1": "Standard_D16s_v5", "etcd-nodepool-zone-2": "Standard_D8s_v5", "etcd-nodepool-zone-3": "Standard_D8s_v5"} {
				if got := testutil.Get(d[k], "spec", "forProvider", "vmSize"); got != want {
					t.Errorf("%s vmSize = %v, want %s", k, got, want)
				}
			}
		},
	},
}

// azureSubnet is the node subnet AKS reports for a cluster with its own.
const azureSubnet = "/subscriptions/0/resourceGroups/spaces-rg/providers/Microsoft.Network/virtualNetworks/spaces/subnets/nodes"

func init() {
	// What Azure fills in: the node subnet of every pool, the zones of the
	// server. Unpinned, each reads as a change on every update: azurerm
	// cycles a pool for a new vnetSubnetId, and refuses a zone change.
	traps["azure-cloud-filled-fields"] = trap{
		example: "xr-azure.yaml",
		edit:    func(map[string]any) {},
		observe: func(o map[string]map[string]any) {
			for k, r := range o {
				switch r["kind"] {
				case "KubernetesClusterNodePool":
					r["status"].(map[string]any)["atProvider"] = map[string]any{"id": k, "vnetSubnetId": azureSubnet}
				case "FlexibleServer":
					r["status"].(map[string]any)["atProvider"] = map[string]any{"zone": "1",
						"highAvailability": map[string]any{"mode": "ZoneRedundant", "standbyAvailabilityZone": "2"}, "fqdn": "db.example.com"}
				}
			}
		},
		check: func(t *testing.T, d map[string]map[string]any) {
			t.Helper()
			pools := 0
			for k, r := range d {
				switch r["kind"] {
				case "KubernetesClusterNodePool":
					pools++
					if got := testutil.Get(r, "spec", "forProvider", "vnetSubnetId"); got != azureSubnet {
						t.Errorf("%s: vnetSubnetId = %v, want the observed subnet pinned", k, got)
					}
				case "FlexibleServer":
					if got := testutil.Get(r, "spec", "forProvider", "zone"); got != "1" {
						t.Errorf("%s: zone = %v, want the observed zone pinned", k, got)
					}
					if ha := testutil.Get(r, "spec", "forProvider", "highAvailability"); ha != nil {
						if got := testutil.Get(r, "spec", "forProvider", "highAvailability", "standbyAvailabilityZone"); got != "2" {
							t.Errorf("%s: standby zone = %v, want the observed one pinned", k, got)
						}
					}
				}
			}
			if pools == 0 {
				t.Error("no AKS pool composed")
			}
		},
	}
}

// stagedOf is the staged variant of key among the desired resources.
func stagedOf(t *testing.T, d map[string]map[string]any, key string) map[string]any {
	t.Helper()
	for k, r := range d {
		if change.BaseKey(k) == key && k != key {
			return r
		}
	}
	t.Fatalf("no staged variant of %s", key)
	return nil
}

func mustJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRefuseChanges runs each trap through the function as Crossplane
// would: the running Space is what the XR composed before, observed with
// only the fields the function decodes. A refused change is a Fatal result
// that names the XR field and the way, and composes nothing (Crossplane
// then keeps every composed resource as it is); the rest goes through.
func TestRefuseChanges(t *testing.T) {
	for name, tc := range traps {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, filepath.Join("..", "example", tc.example))
			if tc.before != nil {
				tc.before(xr)
			}
			observed := composeOf(t, xr)
			if tc.observe != nil {
				tc.observe(observed)
			}
			xr = readXR(t, filepath.Join("..", "example", tc.example))
			tc.edit(xr)
			rsp := run(t, newRequest(t, xr, observed))
			var fatal string
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					fatal = r.GetMessage()
				}
			}
			if len(tc.wantFatal) == 0 {
				if fatal != "" {
					t.Fatalf("want the change to go through, got Fatal: %s", fatal)
				}
				checkPending(t, rsp, tc.wantPending)
				if tc.check != nil {
					d := map[string]map[string]any{}
					for k, r := range rsp.GetDesired().GetResources() {
						d[k] = r.GetResource().AsMap()
					}
					tc.check(t, d)
				}
				return
			}
			if fatal == "" {
				t.Fatalf("want a Fatal result, got none")
			}
			t.Log(fatal)
			for _, w := range tc.wantFatal {
				if !strings.Contains(fatal, w) {
					t.Errorf("Fatal result lacks %q:\n%s", w, fatal)
				}
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("a Fatal result must compose nothing, got %d resources", n)
			}
		})
	}
}

// TestChangeObservedFieldsDecoded: every field a refusing rule compares
// is decoded from observed resources, as itself and in an Object's
// manifest; otherwise the function would see it as unset and refuse
// every reconcile.
func TestChangeObservedFieldsDecoded(t *testing.T) {
	for name, c := range registry {
		for _, r := range c.Changes.Refusing() {
			for _, p := range []string{r.Path, change.ManifestPath + "." + r.Path} {
				if !treeHas(observedRead, p) {
					t.Errorf("%s: observedRead does not decode %s", name, p)
				}
			}
		}
	}
}

// treeHas is true when the field tree decodes the dotted path.
func treeHas(t fieldTree, path string) bool {
	for _, seg := range strings.Split(path, ".") {
		sub, ok := t[seg]
		if !ok {
			return false
		}
		if sub == nil {
			return true
		}
		t = sub
	}
	return true
}

// TestREADMEListsChangeRules: the Day 2 table (docs/day2.md, moved there
// from the README) names every rule's kind and field, so the documented
// model is the one the code runs.
func TestREADMEListsChangeRules(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "day2.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Day 2: what a change does")
	if !ok {
		t.Fatal("docs/day2.md has no Day 2 section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for name, c := range registry {
		for _, r := range c.Changes {
			parts := strings.Split(r.Path, ".")
			if last := parts[len(parts)-1] + "`"; !strings.Contains(section, r.Kind) || !strings.Contains(section, last) {
				t.Errorf("%s: the Day 2 table of docs/day2.md lacks %s %s", name, r.Kind, last)
			}
		}
	}
}

// TestGKEPoolsKeepTheirScopes: GKE pools composed without
// spec.gcp.nodeServiceAccount by a release that gave them the
// cloud-platform scope keep it after an upgrade to GKE's narrow defaults:
// oauthScopes is ForceNew, so changing it would leave every such pool
// refused (and the change model would refuse the whole XR). A Warning says
// so once per pool; a new pool gets the narrow scopes.
func TestGKEPoolsKeepTheirScopes(t *testing.T) {
	xr := readXR(t, filepath.Join("..", "example", "xr-gcp.yaml"))
	delete(xr["spec"].(map[string]any)["gcp"].(map[string]any), "nodeServiceAccount")
	observed := composeOf(t, xr)
	old := []any{gcp.CloudPlatformScope}
	for _, k := range []string{"etcd-nodepool", "apiserver-nodepool"} {
		nc := observed[k]["spec"].(map[string]any)["forProvider"].(map[string]any)["nodeConfig"].(map[string]any)
		nc["oauthScopes"] = old
	}
	delete(observed, "controlplanes-nodepool") // a pool the running Space does not have yet
	rsp := run(t, newRequest(t, xr, observed))
	var warnings []string
	for _, r := range rsp.GetResults() {
		switch r.GetSeverity() {
		case fnv1.Severity_SEVERITY_FATAL:
			t.Fatalf("Fatal: %s", r.GetMessage())
		case fnv1.Severity_SEVERITY_WARNING:
			if strings.Contains(r.GetMessage(), "keeps the access scopes") {
				warnings = append(warnings, r.GetMessage())
			}
		}
	}
	scopes := func(k string) []any {
		m := rsp.GetDesired().GetResources()[k].GetResource().AsMap()
		return m["spec"].(map[string]any)["forProvider"].(map[string]any)["nodeConfig"].(map[string]any)["oauthScopes"].([]any)
	}
	for _, k := range []string{"etcd-nodepool", "apiserver-nodepool"} {
		if diff := cmp.Diff(old, scopes(k)); diff != "" {
			t.Errorf("%s: the running pool's scopes changed (-kept +got):\n%s", k, diff)
		}
	}
	var narrow []any
	for _, s := range gcp.DefaultServiceAccountScopes {
		narrow = append(narrow, s)
	}
	if diff := cmp.Diff(narrow, scopes("controlplanes-nodepool")); diff != "" {
		t.Errorf("a new pool does not get GKE's default scopes (-want +got):\n%s", diff)
	}
	if len(warnings) != 2 {
		t.Errorf("want one warning per pool that keeps its scopes, got %d: %q", len(warnings), warnings)
	}
}
