// Package v1beta1 is the input of function-space-scaling: Composition-level
// defaults that a platform team sets once for every XSpaceScaling the
// Composition serves.
//
// +kubebuilder:object:generate=true
// +groupName=spacescaling.fn.crossplane.io
// +versionName=v1beta1
package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Input configures function-space-scaling for one Composition.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:resource:categories=crossplane
type Input struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// AWS overrides the function's AWS defaults.
	// +optional
	AWS *CloudDefaults `json:"aws,omitempty"`
	// GCP overrides the function's GCP defaults.
	// +optional
	GCP *CloudDefaults `json:"gcp,omitempty"`
	// Azure overrides the function's Azure defaults.
	// +optional
	Azure *CloudDefaults `json:"azure,omitempty"`

	// Labels are added to every object delivered into the Space cluster and
	// to the nodes of every pool.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Tags are added to every cloud resource that takes tags or labels.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	Tags map[string]string `json:"tags,omitempty"`

	// ConnectionSecretNamespace is where cluster-scoped XRs' database
	// connection secrets are written in the management cluster.
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:default=crossplane-system
	// +optional
	ConnectionSecretNamespace string `json:"connectionSecretNamespace,omitempty"`

	// TTL is how long Crossplane may wait before calling this step again
	// while composed resources converge (the response's meta.ttl), for this
	// Composition only; it overrides the function's --ttl flag. A Go
	// duration, positive: Crossplane reads a zero TTL as no expiry.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	// +optional
	TTL *metav1.Duration `json:"ttl,omitempty"`

	// ReadyTTL is the TTL once every composed resource is ready; it
	// overrides the function's --ready-ttl flag. A positive Go duration.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	// +optional
	ReadyTTL *metav1.Duration `json:"readyTTL,omitempty"`
}

// CloudDefaults are a cloud's defaults for XRs that leave them out.
type CloudDefaults struct {
	// EtcdMachineTypes of the etcd pool.
	// +optional
	EtcdMachineTypes []string `json:"etcdMachineTypes,omitempty"`
	// APIServerMachineTypes of the API server pool.
	// +optional
	APIServerMachineTypes []string `json:"apiServerMachineTypes,omitempty"`
	// ControlPlanesMachineTypes of the control planes' pool.
	// +optional
	ControlPlanesMachineTypes []string `json:"controlPlanesMachineTypes,omitempty"`
	// DatabaseInstanceSize is the RDS instance class, Cloud SQL tier or Azure SKU.
	// +optional
	DatabaseInstanceSize string `json:"databaseInstanceSize,omitempty"`
}

// DefaultConnectionSecretNamespace is the default of ConnectionSecretNamespace.
const DefaultConnectionSecretNamespace = "crossplane-system"
