package fn

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// keptValue is the kept Secret's data in the tests: it must appear nowhere
// in a response.
const keptValue = "a2VwdC1wYXNzd29yZC1uZXZlci1zaG93bg=="

// keptSecret is the kept copy as Crossplane returns it as a required
// resource.
func keptSecret(ns, name string, data map[string]any) *fnv1.Resources {
	o := map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": name, "namespace": ns, "resourceVersion": "42"},
		"type":     "Opaque",
	}
	if data != nil {
		o["data"] = data
	}
	s, err := structpb.NewStruct(o)
	if err != nil {
		panic(err)
	}
	return &fnv1.Resources{Items: []*fnv1.Resource{{Resource: s}}}
}

// keptRequirement is the requirement the function returns for xr "minimal"
// on AWS (the minimal example's name and connection-secret namespace).
func keptRequirement(ns, name string) *fnv1.Requirements {
	return &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{
		RequirementKeptPassword: {
			ApiVersion: "v1", Kind: "Secret",
			Match:     &fnv1.ResourceSelector_MatchName{MatchName: name},
			Namespace: &ns,
		},
	}}
}

// passwordObject is the keeper or the restore Object as the function must
// compose it: a Secret in the management cluster whose password is copied
// from another Secret by reference, orphaned with the XR.
func passwordObject(objectName, secret, from, ns string) map[string]any {
	return map[string]any{
		"apiVersion": "kubernetes.crossplane.io/v1alpha2",
		"kind":       "Object",
		"metadata": map[string]any{
			"name":   objectName,
			"labels": map[string]any{"spacescaling.crossplane.io/component": "database"},
		},
		"spec": map[string]any{
			"providerConfigRef": map[string]any{"name": "management"},
			"deletionPolicy":    "Orphan",
			"forProvider": map[string]any{"manifest": map[string]any{
				"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
				"metadata": map[string]any{"name": secret, "namespace": ns},
			}},
			"readiness": map[string]any{"policy": "SuccessfulCreate"},
			"references": []any{map[string]any{
				"patchesFrom": map[string]any{"apiVersion": "v1", "kind": "Secret", "name": from, "namespace": ns, "fieldPath": "data.password"},
				"toFieldPath": "data.password",
			}},
		},
	}
}

// TestKeepGeneratedPassword: a generated database password is kept in a
// copy that outlives the XR, and a new XR that adopts the orphaned
// database restores it before composing the database (issue 22).
func TestKeepGeneratedPassword(t *testing.T) {
	const (
		ns        = "crossplane-system"
		generated = "minimal-use1-postgres-password"
		kept      = "minimal-use1-postgres-password-kept"
	)
	base := readXR(t, minimalXR)
	name, _ := testutil.Get(base, "metadata", "name").(string)
	if name+"-postgres-password" != generated {
		t.Fatalf("the minimal example is named %q: update the test's Secret names", name)
	}
	testutil.Set(base, "spec.providerConfigs.management", "management")
	// Desired resources of a first call, to observe them as the providers
	// write them back.
	first := run(t, newRequest(t, base, nil))
	desired := func(k string) map[string]any {
		r := first.GetDesired().GetResources()[k]
		if r == nil {
			t.Fatalf("the first call composes no %s", k)
		}
		return r.GetResource().AsMap()
	}
	dbReady := asProviderObserves(t, desired(aws.KeyDatabaseInstance))
	dbNotReady := deepCopy(t, desired(aws.KeyDatabaseInstance))
	dbNotReady["status"] = map[string]any{"conditions": []any{
		map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess"},
		map[string]any{"type": "Ready", "status": "False", "reason": "Creating"},
	}}
	restore := passwordObject("minimal-use1-postgres-password-restore", generated, kept, ns)
	keeper := passwordObject("minimal-use1-postgres-password-keeper", kept, generated, ns)
	restoreReady := asProviderKubernetesObserves(t, restore)
	restoreCreating := deepCopy(t, restore)
	restoreCreating["status"] = map[string]any{"conditions": []any{
		map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError"},
	}}
	noManagement := deepCopy(t, base)
	testutil.Set(noManagement, "spec.providerConfigs.management", "")
	ownPassword := deepCopy(t, base)
	testutil.Set(ownPassword, "spec.queryAPI.postgres.passwordSecretName", "my-password")
	deletable := deepCopy(t, base)
	testutil.Set(deletable, "spec.deletionPolicy", "Delete")
	testutil.Set(deletable, "spec.queryAPI.postgres.deletionProtection", false)

	cases := map[string]struct {
		xr       map[string]any
		observed map[string]map[string]any
		required map[string]*fnv1.Resources
		// want is what the response must compose of the database.
		wantDatabase bool
		wantKeeper   map[string]any
		wantRestore  map[string]any
		wantRequire  *fnv1.Requirements
		// wantReason is the database component's reason; "" not checked.
		wantReason string
		// wantWarning is a Warning result that must (or, false, must not)
		// name both fields.
		wantWarning bool
	}{
		"fresh XR, no kept Secret: database composed, the copy asked for": {
			xr:           base,
			required:     map[string]*fnv1.Resources{RequirementKeptPassword: {}},
			wantDatabase: true,
			wantRequire:  keptRequirement(ns, kept),
		},
		"first call, Crossplane has not answered yet: database composed, the copy asked for": {
			xr:           base,
			wantDatabase: true,
			wantRequire:  keptRequirement(ns, kept),
		},
		"kept Secret without the key: created as new": {
			xr:           base,
			required:     map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, kept, map[string]any{"other": keptValue})},
			wantDatabase: true,
			wantRequire:  keptRequirement(ns, kept),
		},
		"database observed, not ready: no keeper yet, nothing asked": {
			xr:           base,
			observed:     map[string]map[string]any{aws.KeyDatabaseInstance: dbNotReady},
			wantDatabase: true,
		},
		"database observed ready: the keeper copies the generated Secret": {
			xr:           base,
			observed:     map[string]map[string]any{aws.KeyDatabaseInstance: dbReady},
			wantDatabase: true,
			wantKeeper:   keeper,
		},
		"keeper observed, database briefly not ready: keeper kept": {
			xr: base,
			observed: map[string]map[string]any{
				aws.KeyDatabaseInstance: dbNotReady,
				KeyPasswordKeeper:       asProviderKubernetesObserves(t, keeper),
			},
			wantDatabase: true,
			wantKeeper:   keeper,
		},
		"re-adoption, kept Secret present: restore composed, database held": {
			xr:          base,
			required:    map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, kept, map[string]any{"password": keptValue})},
			wantRestore: restore,
			wantRequire: keptRequirement(ns, kept),
			wantReason:  "database-instance: not composed until database-password-restore restores the password Secret " + generated + " from " + kept + ", so that the adopted database keeps its password",
		},
		"re-adoption, restore observed but not ready: database still held": {
			xr:          base,
			observed:    map[string]map[string]any{KeyPasswordRestore: restoreCreating},
			required:    map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, kept, map[string]any{"password": keptValue})},
			wantRestore: restore,
			wantRequire: keptRequirement(ns, kept),
			wantReason:  "database-instance: not composed until database-password-restore restores the password Secret " + generated + " from " + kept + ", so that the adopted database keeps its password",
		},
		"re-adoption, restore observed ready: database composed, restore kept": {
			xr:           base,
			observed:     map[string]map[string]any{KeyPasswordRestore: restoreReady},
			required:     map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, kept, map[string]any{"password": keptValue})},
			wantDatabase: true,
			wantRestore:  restore,
			wantRequire:  keptRequirement(ns, kept),
		},
		"adopted database ready: restore and keeper both composed": {
			xr: base,
			observed: map[string]map[string]any{
				KeyPasswordRestore:      restoreReady,
				aws.KeyDatabaseInstance: dbReady,
			},
			wantDatabase: true,
			wantKeeper:   keeper,
			wantRestore:  restore,
		},
		"no management ProviderConfig: a warning naming both fields, no keeper": {
			xr:           noManagement,
			observed:     map[string]map[string]any{aws.KeyDatabaseInstance: dbReady},
			wantDatabase: true,
			wantWarning:  true,
		},
		"no management ProviderConfig, kept Secret present: nothing restored": {
			xr:           noManagement,
			required:     map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, kept, map[string]any{"password": keptValue})},
			wantDatabase: true,
			wantWarning:  true,
		},
		"the user's passwordSecretName: no keeper, no warning": {
			xr:           ownPassword,
			observed:     map[string]map[string]any{aws.KeyDatabaseInstance: dbReady},
			wantDatabase: true,
		},
		"keeper observed, database no longer orphaned: keeper dropped, no data-loss refusal": {
			xr: deletable,
			observed: map[string]map[string]any{
				aws.KeyDatabaseInstance: dbReady,
				KeyPasswordKeeper:       asProviderKubernetesObserves(t, keeper),
			},
			wantDatabase: true,
		},
		"a database deleted with the XR: nothing to keep": {
			xr:           deletable,
			observed:     map[string]map[string]any{aws.KeyDatabaseInstance: dbReady},
			wantDatabase: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := newRequest(t, tc.xr, tc.observed)
			req.RequiredResources = tc.required
			rsp := run(t, req)
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					t.Fatalf("Fatal: %s", r.GetMessage())
				}
			}
			res := rsp.GetDesired().GetResources()
			if _, got := res[aws.KeyDatabaseInstance]; got != tc.wantDatabase {
				t.Errorf("database instance composed: %v, want %v", got, tc.wantDatabase)
			}
			for k, want := range map[string]map[string]any{KeyPasswordKeeper: tc.wantKeeper, KeyPasswordRestore: tc.wantRestore} {
				got := res[k]
				switch {
				case want == nil && got != nil:
					t.Errorf("%s composed, want none", k)
				case want != nil && got == nil:
					t.Errorf("%s not composed", k)
				case want != nil:
					w, err := structpb.NewStruct(want)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(w, got.GetResource(), protocmp.Transform()); diff != "" {
						t.Errorf("%s (-want +got):\n%s", k, diff)
					}
				}
			}
			if diff := cmp.Diff(tc.wantRequire, rsp.GetRequirements(), protocmp.Transform()); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			if tc.wantDatabase {
				db := res[aws.KeyDatabaseInstance].GetResource().AsMap()
				generate := testutil.Get(db, "spec", "forProvider", "autoGeneratePassword") == true
				ref, _ := testutil.Get(db, "spec", "forProvider", "passwordSecretRef", "name").(string)
				if tc.xr["spec"].(map[string]any)["queryAPI"].(map[string]any)["postgres"].(map[string]any)["passwordSecretName"] == nil &&
					(!generate || ref != generated) {
					t.Errorf("database: autoGeneratePassword %v, passwordSecretRef %q; want true, %q", generate, ref, generated)
				}
			}
			if tc.wantReason != "" {
				st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
				found := false
				for _, c := range st["components"].([]any) {
					cm := c.(map[string]any)
					if cm["name"] == "database" {
						found = true
						if cm["ready"] != false || cm["reason"] != tc.wantReason {
							t.Errorf("database component: ready %v, reason %q; want false, %q", cm["ready"], cm["reason"], tc.wantReason)
						}
					}
				}
				if !found {
					t.Error("no database component in status")
				}
			}
			warned := slices.ContainsFunc(rsp.GetResults(), func(r *fnv1.Result) bool {
				return r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING &&
					strings.Contains(r.GetMessage(), "spec.providerConfigs.management") &&
					strings.Contains(r.GetMessage(), "spec.queryAPI.postgres.passwordSecretName")
			})
			if warned != tc.wantWarning {
				t.Errorf("warning about keeping the password: %v, want %v", warned, tc.wantWarning)
			}
			b, err := protojson.Marshal(rsp)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), keptValue) {
				t.Error("the kept Secret's data is in the response")
			}
		})
	}
}

// TestKeepGeneratedPasswordWarnsOnce: the warning is sent once, then kept
// in status.warnings like the others.
func TestKeepGeneratedPasswordWarnsOnce(t *testing.T) {
	xr := readXR(t, minimalXR)
	first := run(t, newRequest(t, xr, nil))
	xr["status"] = first.GetDesired().GetComposite().GetResource().AsMap()["status"]
	for _, r := range run(t, newRequest(t, xr, nil)).GetResults() {
		if strings.Contains(r.GetMessage(), "spec.providerConfigs.management") {
			t.Errorf("warned again: %s", r.GetMessage())
		}
	}
}

// TestKeepGeneratedPasswordNamespacedAzure: a namespaced XR keeps the copy
// in its namespace, through a namespaced Object that leaves Delete out of
// its management policies, and so does Azure's server.
func TestKeepGeneratedPasswordNamespacedAzure(t *testing.T) {
	xr := readXR(t, "../example/namespaced/xr-aws.yaml")
	ns, _ := testutil.Get(xr, "metadata", "namespace").(string)
	name, _ := testutil.Get(xr, "metadata", "name").(string)
	req := newRequest(t, xr, nil)
	req.RequiredResources = map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret(ns, name+"-postgres-password-kept", map[string]any{"password": keptValue})}
	rsp := run(t, req)
	if diff := cmp.Diff(keptRequirement(ns, name+"-postgres-password-kept"), rsp.GetRequirements(), protocmp.Transform()); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	r := rsp.GetDesired().GetResources()[KeyPasswordRestore].GetResource().AsMap()
	if r == nil {
		t.Fatal("no restore Object")
	}
	if got := testutil.Get(r, "apiVersion"); got != "kubernetes.m.crossplane.io/v1alpha1" {
		t.Errorf("apiVersion %v", got)
	}
	if diff := cmp.Diff([]any{"Observe", "Create", "Update", "LateInitialize"}, testutil.Get(r, "spec", "managementPolicies")); diff != "" {
		t.Errorf("managementPolicies (-want +got):\n%s", diff)
	}
	refs, _ := testutil.Get(r, "spec", "references").([]any)
	if len(refs) != 1 {
		t.Fatalf("references %v, want one", refs)
	}
	if got := testutil.Get(refs[0].(map[string]any), "patchesFrom", "namespace"); got != ns {
		t.Errorf("patchesFrom.namespace %v, want %s", got, ns)
	}

	az := readXR(t, "../example/xr-azure.yaml")
	areq := newRequest(t, az, nil)
	azName, _ := testutil.Get(az, "metadata", "name").(string)
	areq.RequiredResources = map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret("crossplane-system", azName+"-postgres-password-kept", map[string]any{"password": keptValue})}
	ar := run(t, areq).GetDesired().GetResources()
	if ar[KeyPasswordRestore] == nil {
		t.Error("Azure: no restore Object")
	}
	if ar[azure.KeyServer] != nil {
		t.Error("Azure: the server is composed before the password is restored")
	}
}

// TestKeptPassword: of the required resources only whether the kept
// Secret's data has a non-empty password key counts.
func TestKeptPassword(t *testing.T) {
	odd, err := structpb.NewStruct(map[string]any{"apiVersion": "v1", "kind": "Secret", "data": "not an object"})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		required map[string]*fnv1.Resources
		want     Kept
	}{
		"not answered":          {want: KeptUnknown},
		"another requirement":   {required: map[string]*fnv1.Resources{"other": keptSecret("ns", "x", map[string]any{"password": keptValue})}, want: KeptUnknown},
		"answered, no Secret":   {required: map[string]*fnv1.Resources{RequirementKeptPassword: {}}, want: KeptAbsent},
		"no data":               {required: map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret("ns", "x", nil)}, want: KeptAbsent},
		"empty password":        {required: map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret("ns", "x", map[string]any{"password": ""})}, want: KeptAbsent},
		"data of another shape": {required: map[string]*fnv1.Resources{RequirementKeptPassword: {Items: []*fnv1.Resource{{Resource: odd}, {}}}}, want: KeptAbsent},
		"password":              {required: map[string]*fnv1.Resources{RequirementKeptPassword: keptSecret("ns", "x", map[string]any{"password": keptValue})}, want: KeptPresent},
	} {
		t.Run(name, func(t *testing.T) {
			if got := keptPassword(&fnv1.RunFunctionRequest{RequiredResources: tc.required}); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
