package compose

import (
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A Resource is one composed resource: the key it has in the desired state
// (the composition resource name, stable across reconciles), the concern it
// belongs to (for status.components), and the typed object itself.
type Resource struct {
	// Key is the composition resource name, e.g. "etcd-nodepool".
	Key string
	// Component is the concern the resource belongs to, e.g. "etcdPool".
	Component string
	// Object is a typed struct with apiVersion, kind and metadata; it is
	// marshalled to JSON as is.
	Object any
}

// GroupKind is the API group and kind of the resource's object: every
// object the function composes embeds TypeMeta; anything else has none.
func (r Resource) GroupKind() schema.GroupKind {
	if o, ok := r.Object.(interface{ GroupKind() schema.GroupKind }); ok {
		return o.GroupKind()
	}
	return schema.GroupKind{}
}

// TypeMeta is apiVersion and kind.
type TypeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// GroupKind is the API group of APIVersion, and Kind.
func (t TypeMeta) GroupKind() schema.GroupKind {
	return schema.FromAPIVersionAndKind(t.APIVersion, t.Kind).GroupKind()
}

// ObjectMeta is the part of Kubernetes object metadata the function sets.
type ObjectMeta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ExternalNameAnnotation sets the cloud name of a managed resource when its
// Kubernetes name cannot be that name.
const ExternalNameAnnotation = "crossplane.io/external-name"

// LabelComponent marks every resource the function composes with the
// concern it serves (etcdPool, database, ...). The function reads it back
// from observed resources, for instance to recognise its own database
// among other pipeline steps' resources.
const LabelComponent = "spacescaling.crossplane.io/component"

// Reference names another object.
type Reference struct {
	Name string `json:"name"`
}

// ProviderConfigReference references a ProviderConfig. Kind is set only for
// namespaced managed resources.
type ProviderConfigReference struct {
	Kind string `json:"kind,omitempty"`
	Name string `json:"name"`
}

// SecretReference names a Secret. Namespace is empty for namespaced managed
// resources, whose secrets live in their own namespace.
type SecretReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// SecretKeySelector selects a key of a Secret.
type SecretKeySelector struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	Key       string `json:"key"`
}

// ManagedSpec is the part of every managed resource's spec that Crossplane
// defines rather than the provider. Embed it inline.
type ManagedSpec struct {
	ProviderConfigRef          *ProviderConfigReference `json:"providerConfigRef,omitempty"`
	DeletionPolicy             string                   `json:"deletionPolicy,omitempty"`
	ManagementPolicies         []string                 `json:"managementPolicies,omitempty"`
	WriteConnectionSecretToRef *SecretReference         `json:"writeConnectionSecretToRef,omitempty"`
}

// Scope says whether the XR, and so every managed resource it composes, is
// cluster-scoped or namespaced (Crossplane v2).
type Scope struct {
	// Namespace of the XR; empty for a cluster-scoped XR.
	Namespace string
	// ProviderConfigKind is the providerConfigRef kind of namespaced managed
	// resources (ProviderConfig or ClusterProviderConfig).
	ProviderConfigKind string
	// OrphanAll orphans every managed resource when the XR is deleted
	// (spec.deletionPolicy: Orphan), whatever Protection the renderer asks
	// for: deleting the XR never takes the Space down.
	OrphanAll bool
}

// Namespaced is true for a namespaced XR.
func (s Scope) Namespaced() bool { return s.Namespace != "" }

// APIVersion picks the cluster-scoped or the namespaced apiVersion.
func (s Scope) APIVersion(cluster, namespaced string) string {
	if s.Namespaced() {
		return namespaced
	}
	return cluster
}

// Protection says what deleting the XR may do to a managed resource.
type Protection bool

// The protections.
const (
	// Delete lets Crossplane delete the external resource with the XR.
	Delete Protection = false
	// Orphan keeps the external resource when the XR is deleted.
	Orphan Protection = true
)

// FullControlWithoutDelete is every management policy but Delete, the
// namespaced managed resources' equivalent of deletionPolicy: Orphan.
var FullControlWithoutDelete = []string{"Observe", "Create", "Update", "LateInitialize"}

// Orphans is true when deleting the XR must leave the external resource of
// a managed resource with Protection p: p is Orphan, or the XR orphans all.
func (s Scope) Orphans(p Protection) bool { return p == Orphan || s.OrphanAll }

// Managed returns the Crossplane part of a managed resource's spec: the
// providerConfigRef (with kind when namespaced), and, for a resource that
// Orphans, deletionPolicy Orphan (cluster-scoped) or management policies
// without Delete (namespaced, which have no deletionPolicy). A renderer that
// sets its own management policies must leave Delete out when Orphans says
// so: crossplane-runtime deletes a resource whose non-default management
// policies contain Delete whatever its deletionPolicy
// (pkg/reconciler/managed/policies.go, LegacyManagementPoliciesResolver).
func (s Scope) Managed(providerConfig string, p Protection) ManagedSpec {
	ms := ManagedSpec{ProviderConfigRef: &ProviderConfigReference{Name: providerConfig}}
	if s.Namespaced() {
		ms.ProviderConfigRef.Kind = s.ProviderConfigKind
		if s.Orphans(p) {
			ms.ManagementPolicies = slices.Clone(FullControlWithoutDelete)
		}
		return ms
	}
	if s.Orphans(p) {
		ms.DeletionPolicy = "Orphan"
	}
	return ms
}

// ConnectionSecret is where a managed resource writes its connection
// details: in the XR's namespace when namespaced (no namespace field), else
// in defaultNamespace.
func (s Scope) ConnectionSecret(name, defaultNamespace string) *SecretReference {
	if s.Namespaced() {
		return &SecretReference{Name: name}
	}
	return &SecretReference{Name: name, Namespace: defaultNamespace}
}

// SecretKey selects key of the Secret name, namespaced like ConnectionSecret.
func (s Scope) SecretKey(name, defaultNamespace, key string) *SecretKeySelector {
	if s.Namespaced() {
		return &SecretKeySelector{Name: name, Key: key}
	}
	return &SecretKeySelector{Name: name, Namespace: defaultNamespace, Key: key}
}

// Labels merges label sets; later sets win. It returns nil for no labels.
func Labels(sets ...map[string]string) map[string]string {
	var out map[string]string
	for _, s := range sets {
		if len(s) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(s))
		}
		maps.Copy(out, s)
	}
	return out
}

// Unstructured is a composed object as JSON maps: what the change model
// returns for a resource it pinned, staged or held (fn/change Rollout).
type Unstructured map[string]any

// GroupKind is the API group and kind of the object.
func (u Unstructured) GroupKind() schema.GroupKind {
	av, _ := u["apiVersion"].(string)
	k, _ := u["kind"].(string)
	return schema.FromAPIVersionAndKind(av, k).GroupKind()
}
