package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScopeManaged(t *testing.T) {
	cluster := Scope{}
	namespaced := Scope{Namespace: "team-a", ProviderConfigKind: "ProviderConfig"}
	cases := map[string]struct {
		scope Scope
		p     Protection
		want  ManagedSpec
	}{
		"ClusterDelete":    {cluster, Delete, ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Name: "pc"}}},
		"ClusterOrphan":    {cluster, Orphan, ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Name: "pc"}, DeletionPolicy: "Orphan"}},
		"NamespacedDelete": {namespaced, Delete, ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Kind: "ProviderConfig", Name: "pc"}}},
		"NamespacedOrphan": {namespaced, Orphan, ManagedSpec{
			ProviderConfigRef:  &ProviderConfigReference{Kind: "ProviderConfig", Name: "pc"},
			ManagementPolicies: []string{"Observe", "Create", "Update", "LateInitialize"},
		}},
		// spec.deletionPolicy: Orphan wins over a renderer's Delete.
		"ClusterOrphanAll": {Scope{OrphanAll: true}, Delete, ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Name: "pc"}, DeletionPolicy: "Orphan"}},
		"NamespacedOrphanAll": {Scope{Namespace: "team-a", ProviderConfigKind: "ProviderConfig", OrphanAll: true}, Delete, ManagedSpec{
			ProviderConfigRef:  &ProviderConfigReference{Kind: "ProviderConfig", Name: "pc"},
			ManagementPolicies: []string{"Observe", "Create", "Update", "LateInitialize"},
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.scope.Managed("pc", tc.p)); diff != "" {
				t.Errorf("Managed: -want +got:\n%s", diff)
			}
		})
	}
	if got := namespaced.ConnectionSecret("s", "ns"); got.Namespace != "" {
		t.Errorf("a namespaced connection secret carries no namespace, got %q", got.Namespace)
	}
	if got := cluster.SecretKey("s", "ns", "k"); got.Namespace != "ns" {
		t.Errorf("a cluster-scoped secret key needs a namespace, got %q", got.Namespace)
	}
}

func TestDelivery(t *testing.T) {
	manifest := &StorageClass{Metadata: ObjectMeta{Name: "sc"}}
	direct := Delivery{Direct: true}.InCluster("k", "c", "obj", manifest)
	if direct.Object != manifest {
		t.Errorf("Direct delivery composes the manifest itself, got %T", direct.Object)
	}
	obj := Delivery{Scope: Scope{Namespace: "ns", ProviderConfigKind: "ClusterProviderConfig"}, ProviderConfig: "k8s"}.InCluster("k", "c", "obj", manifest)
	o, ok := obj.Object.(*Object)
	if !ok {
		t.Fatalf("Object delivery composes an Object, got %T", obj.Object)
	}
	want := &Object{
		TypeMeta: TypeMeta{APIVersion: ObjectAPIVersionNamespaced, Kind: ObjectKind},
		Metadata: ObjectMeta{Name: "obj"},
		Spec: ObjectSpec{
			ManagedSpec: ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Kind: "ClusterProviderConfig", Name: "k8s"}},
			ForProvider: ObjectParameters{Manifest: manifest},
			// A StorageClass has no Ready condition to derive from.
			Readiness: &ObjectReadiness{Policy: ReadinessSuccessfulCreate},
		},
	}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("InCluster: -want +got:\n%s", diff)
	}
}

type reporter struct{ ready bool }

func (r reporter) ReportsReady() bool { return r.ready }

// TestReadinessOf: an Object follows the Ready condition of a kind that
// has one, and is ready once created for a kind that has none (with
// DeriveFromObject it would never be).
func TestReadinessOf(t *testing.T) {
	cases := map[string]struct {
		manifest any
		want     string
	}{
		"StorageClass":      {&StorageClass{}, ReadinessSuccessfulCreate},
		"Secret":            {&Secret{}, ReadinessSuccessfulCreate},
		"ReportsReady":      {reporter{ready: true}, ReadinessDeriveFromObject},
		"ReportsNoReady":    {reporter{ready: false}, ReadinessSuccessfulCreate},
		"PointerToReporter": {&reporter{ready: true}, ReadinessDeriveFromObject},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := ReadinessOf(tc.manifest); got != tc.want {
				t.Errorf("ReadinessOf = %q, want %q", got, tc.want)
			}
		})
	}
}
