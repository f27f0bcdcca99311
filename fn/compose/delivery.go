package compose

// API versions of provider-kubernetes Objects.
const (
	ObjectAPIVersion           = "kubernetes.crossplane.io/v1alpha2"
	ObjectAPIVersionNamespaced = "kubernetes.m.crossplane.io/v1alpha1"
	ObjectKind                 = "Object"
)

// Readiness policies of provider-kubernetes Objects
// (crossplane-contrib/provider-kubernetes v1.2,
// internal/controller/cluster/object/object.go, updateConditionFromObserved).
const (
	// ReadinessDeriveFromObject makes an Object ready only while the object
	// it manages has a Ready condition that is True: an object of a kind
	// without one (StorageClass, Secret, PrometheusRule) never becomes ready
	// (crossplane-contrib/provider-kubernetes#124).
	ReadinessDeriveFromObject = "DeriveFromObject"
	// ReadinessSuccessfulCreate makes an Object ready once the object it
	// manages exists and is up to date.
	ReadinessSuccessfulCreate = "SuccessfulCreate"
)

// A ReadyReporter is a manifest whose kind carries a Ready condition of its
// own, which its Object's readiness should follow. Renderers implement it on
// the kinds that do (a cloud's own kinds stay in the cloud's package).
type ReadyReporter interface {
	// ReportsReady is true when the kind's controller writes a Ready
	// condition.
	ReportsReady() bool
}

// ReadinessOf is the readiness policy of the Object that delivers manifest:
// DeriveFromObject for a kind that reports Ready, SuccessfulCreate for one
// that does not.
func ReadinessOf(manifest any) string {
	if r, ok := manifest.(ReadyReporter); ok && r.ReportsReady() {
		return ReadinessDeriveFromObject
	}
	return ReadinessSuccessfulCreate
}

// Object is a provider-kubernetes Object: a manifest applied to the Space
// cluster through a ProviderConfig.
type Object struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta `json:"metadata"`
	Spec     ObjectSpec `json:"spec"`
}

// ObjectSpec is the spec of an Object.
type ObjectSpec struct {
	ManagedSpec `json:",inline"`
	ForProvider ObjectParameters  `json:"forProvider"`
	Readiness   *ObjectReadiness  `json:"readiness,omitempty"`
	References  []ObjectReference `json:"references,omitempty"`
}

// ObjectParameters carries the manifest.
type ObjectParameters struct {
	Manifest any `json:"manifest"`
}

// ObjectReadiness says how the Object's readiness is computed.
type ObjectReadiness struct {
	Policy string `json:"policy"`
}

// ObjectReference patches a field of another object into the manifest.
type ObjectReference struct {
	PatchesFrom *PatchesFrom `json:"patchesFrom,omitempty"`
	ToFieldPath string       `json:"toFieldPath,omitempty"`
}

// PatchesFrom names the object and field a reference copies from.
type PatchesFrom struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
	FieldPath  string `json:"fieldPath"`
}

// Delivery turns an in-cluster manifest (a Karpenter NodePool, a
// StorageClass, a Secret, a PrometheusRule) into the composed resource that
// delivers it: a provider-kubernetes Object, or the manifest itself.
type Delivery struct {
	// Direct composes manifests as themselves.
	Direct bool
	// Scope of the XR.
	Scope Scope
	// ProviderConfig of provider-kubernetes.
	ProviderConfig string
}

// InCluster returns the composed resource that delivers manifest to the
// Space cluster. name is the Object's metadata.name; refs, if any, patch
// fields of other objects into the manifest (only possible through an
// Object: with Direct delivery they are the caller's concern).
func (d Delivery) InCluster(key, component, name string, manifest any, refs ...ObjectReference) Resource {
	if d.Direct {
		return Resource{Key: key, Component: component, Object: manifest}
	}
	return d.Object(key, component, name, manifest, refs...)
}

// Object wraps manifest in a provider-kubernetes Object whatever the
// delivery: a manifest whose data must be copied from another object
// (a password) can only be delivered through an Object's references, even
// when Crossplane runs in the Space cluster.
func (d Delivery) Object(key, component, name string, manifest any, refs ...ObjectReference) Resource {
	o := &Object{
		TypeMeta: TypeMeta{APIVersion: d.Scope.APIVersion(ObjectAPIVersion, ObjectAPIVersionNamespaced), Kind: ObjectKind},
		Metadata: ObjectMeta{Name: name},
		Spec: ObjectSpec{
			ManagedSpec: d.Scope.Managed(d.ProviderConfig, Delete),
			ForProvider: ObjectParameters{Manifest: manifest},
			Readiness:   &ObjectReadiness{Policy: ReadinessOf(manifest)},
			References:  refs,
		},
	}
	return Resource{Key: key, Component: component, Object: o}
}
