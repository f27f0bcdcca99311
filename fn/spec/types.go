// Package spec holds the XSpaceScaling v1alpha1 API: the Go types (the source
// of the XRD schema, through kubebuilder markers), the defaults the function
// applies itself, and the validation that names every bad field path.
//
// +kubebuilder:object:generate=false
// +groupName=spacescaling.crossplane.io
// +versionName=v1alpha1
package spec

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Group, version and kind of the composite resource.
const (
	Group   = "spacescaling.crossplane.io"
	Version = "v1alpha1"
	Kind    = "XSpaceScaling"
)

// Cloud is the cloud that hosts the Space cluster.
// +kubebuilder:validation:Enum=aws;gcp;azure
type Cloud string

// The supported clouds.
const (
	CloudAWS   Cloud = "aws"
	CloudGCP   Cloud = "gcp"
	CloudAzure Cloud = "azure"
)

// Delivery says how in-cluster manifests reach the Space cluster.
// +kubebuilder:validation:Enum=Object;Direct
type Delivery string

// The delivery modes.
const (
	// DeliveryObject wraps every in-cluster manifest in a provider-kubernetes Object.
	DeliveryObject Delivery = "Object"
	// DeliveryDirect composes in-cluster manifests as themselves (Crossplane runs in the Space cluster).
	DeliveryDirect Delivery = "Direct"
)

// DeletionPolicy says what deleting the XR does to what it composed.
// +kubebuilder:validation:Enum=Orphan;Delete
type DeletionPolicy string

// The deletion policies.
const (
	// DeletionOrphan leaves every composed resource's external resource
	// (node pools, StorageClass, Spaces release, database, alerts) running.
	DeletionOrphan DeletionPolicy = "Orphan"
	// DeletionDelete deletes them, except a database under deletionProtection.
	DeletionDelete DeletionPolicy = "Delete"
)

// XSpaceScaling makes an Upbound Space ready for production scale and high
// availability: dedicated node pools, autoscaling, the Spaces chart with HA
// values, the Query API database and alerts.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,categories=crossplane
// +kubebuilder:subresource:status
type XSpaceScaling struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   Spec   `json:"spec"`
	Status Status `json:"status,omitempty"`
}

// Spec is the desired state of a Space's production setup.
//
// +kubebuilder:validation:XValidation:rule="self.cloud != 'aws' || has(self.aws)",message="spec.aws is required when cloud is aws",fieldPath=".aws"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'gcp' || has(self.gcp)",message="spec.gcp is required when cloud is gcp",fieldPath=".gcp"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'azure' || has(self.azure)",message="spec.azure is required when cloud is azure",fieldPath=".azure"
// +kubebuilder:validation:XValidation:rule="!self.highAvailability || self.nodePools.etcd.minNodes >= 3",message="must be at least 3 when highAvailability is true",fieldPath=".nodePools.etcd.minNodes"
// +kubebuilder:validation:XValidation:rule="!self.highAvailability || self.nodePools.apiServer.minNodes >= 2",message="must be at least 2 when highAvailability is true",fieldPath=".nodePools.apiServer.minNodes"
// +kubebuilder:validation:XValidation:rule="!self.highAvailability || self.spaces.apiReplicas >= 2",message="must be at least 2 when highAvailability is true",fieldPath=".spaces.apiReplicas"
// +kubebuilder:validation:XValidation:rule="!self.highAvailability || self.spaces.apolloReplicas >= 2",message="must be at least 2 when highAvailability is true",fieldPath=".spaces.apolloReplicas"
// +kubebuilder:validation:XValidation:rule="!self.highAvailability || self.spaces.router.minReplicas >= 2",message="must be at least 2 when highAvailability is true",fieldPath=".spaces.router.minReplicas"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'aws' || !self.queryAPI.enabled || (has(self.aws) && has(self.aws.databaseSubnetIds) && size(self.aws.databaseSubnetIds) > 0)",message="is required when queryAPI.enabled is true",fieldPath=".aws.databaseSubnetIds"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'aws' || !self.queryAPI.enabled || (has(self.aws) && has(self.aws.databaseSecurityGroupIds) && size(self.aws.databaseSecurityGroupIds) > 0)",message="is required when queryAPI.enabled is true",fieldPath=".aws.databaseSecurityGroupIds"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'gcp' || !self.queryAPI.enabled || (has(self.gcp) && has(self.gcp.privateNetwork) && size(self.gcp.privateNetwork) > 0)",message="is required when queryAPI.enabled is true",fieldPath=".gcp.privateNetwork"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'gcp' || (has(self.queryAPI) && has(self.queryAPI.enabled) && !self.queryAPI.enabled) || (has(self.queryAPI) && has(self.queryAPI.postgres) && has(self.queryAPI.postgres.passwordSecretName) && size(self.queryAPI.postgres.passwordSecretName) > 0)",message="is required when cloud is gcp and queryAPI.enabled is true: a Cloud SQL user cannot generate its own password; create a Secret with the key password and name it here",fieldPath=".queryAPI.postgres.passwordSecretName"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'azure' || !self.queryAPI.enabled || (has(self.azure) && has(self.azure.delegatedSubnetId) && size(self.azure.delegatedSubnetId) > 0)",message="is required when queryAPI.enabled is true",fieldPath=".azure.delegatedSubnetId"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'azure' || !self.queryAPI.enabled || (has(self.azure) && has(self.azure.privateDnsZoneId) && size(self.azure.privateDnsZoneId) > 0)",message="is required when queryAPI.enabled is true",fieldPath=".azure.privateDnsZoneId"
// +kubebuilder:validation:XValidation:rule="self.cloud != 'azure' || self.zones.all(z, z in ['1', '2', '3'])",message="Azure zones are \"1\", \"2\" or \"3\"",fieldPath=".zones"
type Spec struct {
	// Cloud that hosts the Space cluster. Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cloud is immutable"
	Cloud Cloud `json:"cloud"`

	// Region of the Space cluster, for example us-east-1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Region string `json:"region"`

	// Zones the node pools spread over. On Azure these are "1", "2" and "3".
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=64
	// +listType=set
	Zones []string `json:"zones"`

	// ClusterName is the existing EKS, GKE or AKS cluster that hosts the Space.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=100
	ClusterName string `json:"clusterName"`

	// HighAvailability turns on the HA rules. false is allowed for
	// non-production Spaces and yields a Warning result.
	// +kubebuilder:default=true
	// +optional
	HighAvailability bool `json:"highAvailability"`

	// NodePools are the dedicated, autoscaling pools of the Space cluster.
	// +kubebuilder:default={}
	// +optional
	NodePools NodePools `json:"nodePools"`

	// Capacity drives the capacity plan.
	// +kubebuilder:default={}
	// +optional
	Capacity Capacity `json:"capacity"`

	// Spaces configures the Spaces Helm release.
	Spaces Spaces `json:"spaces"`

	// QueryAPI configures the Query API and its PostgreSQL database.
	// +kubebuilder:default={}
	// +optional
	QueryAPI QueryAPI `json:"queryAPI"`

	// Monitoring configures the alerts and the Grafana dashboard.
	// +kubebuilder:default={}
	// +optional
	Monitoring Monitoring `json:"monitoring"`

	// DeletionPolicy says what deleting the XR does: Orphan (the default)
	// leaves everything it composed running; Delete deletes it all, except
	// the database while queryAPI.postgres.deletionProtection is true.
	// +kubebuilder:default=Orphan
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy"`

	// Delivery says how in-cluster manifests reach the Space cluster: Object
	// wraps them in provider-kubernetes Objects, Direct composes them as
	// themselves.
	// +kubebuilder:default=Object
	// +optional
	Delivery Delivery `json:"delivery"`

	// ProviderConfigs names the ProviderConfigs the composed resources use.
	// +kubebuilder:default={}
	// +optional
	ProviderConfigs ProviderConfigs `json:"providerConfigs"`

	// AWS settings; required when cloud is aws.
	// +optional
	AWS *AWS `json:"aws,omitempty"`

	// GCP settings; required when cloud is gcp.
	// +optional
	GCP *GCP `json:"gcp,omitempty"`

	// Azure settings; required when cloud is azure.
	// +optional
	Azure *Azure `json:"azure,omitempty"`
}

// NodePools are the three dedicated pools.
type NodePools struct {
	// Etcd hosts every control plane's etcd members.
	// +kubebuilder:default={minNodes: 3, maxNodes: 0, diskSizeGiB: 100}
	// +optional
	Etcd NodePool `json:"etcd"`

	// APIServer hosts every control plane's API server pods.
	// +kubebuilder:default={minNodes: 2, maxNodes: 0, diskSizeGiB: 100}
	// +optional
	APIServer NodePool `json:"apiServer"`

	// ControlPlanes hosts the control planes' other pods.
	// +kubebuilder:default={minNodes: 3, maxNodes: 0, diskSizeGiB: 100}
	// +optional
	ControlPlanes NodePool `json:"controlPlanes"`
}

// NodePool is one autoscaling pool, spread over all zones.
//
// +kubebuilder:validation:XValidation:rule="self.maxNodes == 0 || self.maxNodes >= self.minNodes",message="must be 0 (computed) or at least minNodes",fieldPath=".maxNodes"
type NodePool struct {
	// MinNodes is the smallest size of the pool, in total over all zones.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	MinNodes int32 `json:"minNodes"`

	// MaxNodes is the largest size of the pool; 0 computes it from the capacity plan.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	// +kubebuilder:default=0
	// +optional
	MaxNodes int32 `json:"maxNodes"`

	// MachineTypes the pool may use; the first sizes the capacity plan.
	// Defaults to a general-purpose, high-network type per cloud.
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=64
	// +listType=set
	// +optional
	MachineTypes []string `json:"machineTypes,omitempty"`

	// DiskSizeGiB is the node disk size.
	// +kubebuilder:validation:Minimum=20
	// +kubebuilder:validation:Maximum=16384
	// +kubebuilder:default=100
	// +optional
	DiskSizeGiB int32 `json:"diskSizeGiB"`
}

// Capacity is what the Space is expected to carry.
type Capacity struct {
	// ControlPlanes is the expected number of control planes.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000
	// +kubebuilder:default=10
	// +optional
	ControlPlanes int32 `json:"controlPlanes"`

	// ManagedResourcesPerControlPlane is the expected number of managed resources of one control plane.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100000
	// +kubebuilder:default=100
	// +optional
	ManagedResourcesPerControlPlane int32 `json:"managedResourcesPerControlPlane"`

	// ProviderCRDsPerControlPlane is the number of CRDs the providers of one control plane install.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	// +kubebuilder:default=100
	// +optional
	ProviderCRDsPerControlPlane int32 `json:"providerCRDsPerControlPlane"`
}

// Spaces configures the Spaces Helm release.
//
// +kubebuilder:validation:XValidation:rule="has(self.chartPullSecretRef) || (has(self.chartRepository) && !(self.chartRepository in ['oci://xpkg.upbound.io/spaces-artifacts', 'oci://xpkg.upbound.io/spaces-artifacts/']))",message="is required for the chart repository oci://xpkg.upbound.io/spaces-artifacts, which refuses anonymous pulls: name a Secret with the keys username and password where provider-helm runs",fieldPath=".chartPullSecretRef"
type Spaces struct {
	// Version of the Spaces Helm chart.
	// +kubebuilder:validation:Pattern=`^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$`
	// +kubebuilder:validation:MaxLength=64
	Version string `json:"version"`

	// Account is the Upbound organization the Space belongs to: the chart's
	// install value "account". provider-helm upgrades with values reset, so a
	// value the Release does not carry is dropped from the installed Space.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=100
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Account string `json:"account"`

	// RouterHost is the externally routable host name the Spaces router is
	// reached at (chart value externalTLS.host from Spaces 1.16, ingress.host
	// before).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	RouterHost string `json:"routerHost"`

	// HubIdentities lets users authenticate to the Space with the hosting
	// cluster's Kubernetes identities (chart value
	// authentication.hubIdentities).
	// +kubebuilder:default=true
	// +optional
	HubIdentities bool `json:"hubIdentities"`

	// HubRBAC authorizes requests with the hosting cluster's Kubernetes RBAC
	// (chart value authorization.hubRBAC).
	// +kubebuilder:default=true
	// +optional
	HubRBAC bool `json:"hubRBAC"`

	// ChartRepository is the OCI repository of the chart.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:default="oci://xpkg.upbound.io/spaces-artifacts"
	// +optional
	ChartRepository string `json:"chartRepository"`

	// Namespace the Spaces chart installs into.
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:default="upbound-system"
	// +optional
	Namespace string `json:"namespace"`

	// ChartPullSecretRef names the Secret provider-helm pulls the chart with,
	// in the cluster where provider-helm runs; it holds the keys username and
	// password. Required for the default chartRepository, which refuses
	// anonymous pulls; without it provider-helm pulls anonymously. A
	// namespaced XR's Release reads it from the XR's namespace, whatever
	// namespace says.
	// +optional
	ChartPullSecretRef *ChartPullSecretRef `json:"chartPullSecretRef,omitempty"`

	// PullSecretName is the docker-registry Secret in the Spaces namespace of
	// the Space cluster that pulls the Spaces images (chart value
	// imagePullSecrets; the 1.17 chart supports only upbound-pull-secret).
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:default="upbound-pull-secret"
	// +optional
	PullSecretName string `json:"pullSecretName"`

	// APIReplicas is the replica count of the Spaces API.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	// +kubebuilder:default=2
	// +optional
	APIReplicas int32 `json:"apiReplicas"`

	// ApolloReplicas is the replica count of the Query API server.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	// +kubebuilder:default=2
	// +optional
	ApolloReplicas int32 `json:"apolloReplicas"`

	// Router configures the spaces-router autoscaler.
	// +kubebuilder:default={minReplicas: 2, maxReplicas: 8, targetCPUUtilizationPercentage: 80, targetMemoryUtilizationPercentage: 80}
	// +optional
	Router Router `json:"router"`

	// ControllerResources are the spaces-controller's requests and limits.
	// +kubebuilder:default={requests: {cpu: "500m", memory: "1Gi"}, limits: {cpu: "2000m", memory: "4Gi"}}
	// +optional
	ControllerResources Resources `json:"controllerResources"`

	// Exposure says how clients outside the Space cluster reach the Spaces
	// router. Since Spaces 1.16 the chart exposes nothing by default.
	// +kubebuilder:default={type: LoadBalancer, scheme: internet-facing}
	// +optional
	Exposure Exposure `json:"exposure"`

	// EtcdVolumeSize is the size of each etcd member's volume.
	// +kubebuilder:validation:Pattern=`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="quantity(self).compareTo(quantity('1Gi')) >= 0",message="must be at least 1Gi"
	// +kubebuilder:default="50Gi"
	// +optional
	EtcdVolumeSize string `json:"etcdVolumeSize"`

	// Values are free-form Helm values, deep-merged last: the user wins over
	// every computed value; lists replace.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +optional
	Values *apiextensionsv1.JSON `json:"values,omitempty"`
}

// ExposureType is the way into the Space.
// +kubebuilder:validation:Enum=LoadBalancer;GatewayAPI;Ingress;None
type ExposureType string

// The exposure types (Upbound's "Exposing Spaces externally").
const (
	// ExposureLoadBalancer makes the router's Service a LoadBalancer, with
	// the annotations of the cloud's layer-4 load balancer.
	ExposureLoadBalancer ExposureType = "LoadBalancer"
	// ExposureGatewayAPI routes through a Gateway API Gateway (TLSRoute).
	ExposureGatewayAPI ExposureType = "GatewayAPI"
	// ExposureIngress has the chart provision an Ingress for the user's
	// Ingress controller (TLS passthrough).
	ExposureIngress ExposureType = "Ingress"
	// ExposureNone composes no way in.
	ExposureNone ExposureType = "None"
)

// LoadBalancerScheme says who can reach a LoadBalancer.
// +kubebuilder:validation:Enum=internet-facing;internal
type LoadBalancerScheme string

// The load balancer schemes.
const (
	SchemeInternetFacing LoadBalancerScheme = "internet-facing"
	SchemeInternal       LoadBalancerScheme = "internal"
)

// Exposure says how clients outside the Space cluster reach the router.
//
// +kubebuilder:validation:XValidation:rule="!has(self.loadBalancerSourceRanges) || size(self.loadBalancerSourceRanges) == 0 || !has(self.type) || self.type == 'LoadBalancer'",message="is read only when type is LoadBalancer",fieldPath=".loadBalancerSourceRanges"
type Exposure struct {
	// Type of the way in: LoadBalancer (a layer-4 load balancer in front of
	// the router's Service, Upbound's recommendation), GatewayAPI, Ingress,
	// or None (nothing; a Warning).
	// +kubebuilder:default=LoadBalancer
	// +optional
	Type ExposureType `json:"type"`

	// Scheme of the load balancer (type LoadBalancer): internet-facing or
	// internal (reachable from the cluster's network only).
	// +kubebuilder:default=internet-facing
	// +optional
	Scheme LoadBalancerScheme `json:"scheme"`

	// LoadBalancerSourceRanges are the client CIDRs the load balancer admits
	// (type LoadBalancer); empty admits any.
	// +kubebuilder:validation:MaxItems=40
	// +listType=set
	// +optional
	LoadBalancerSourceRanges []CIDR `json:"loadBalancerSourceRanges,omitempty"`

	// TLSSecretName is a Secret in the Spaces namespace of the Space
	// cluster with the router's serving certificate and key (chart value
	// externalTLS.tlsSecret.name); empty keeps the chart's own certificate.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$`
	// +optional
	TLSSecretName string `json:"tlsSecretName,omitempty"`

	// Ingress configures the Ingress the chart provisions (type Ingress).
	// +optional
	Ingress *IngressExposure `json:"ingress,omitempty"`

	// GatewayAPI configures the Gateway and route the chart provisions
	// (type GatewayAPI).
	// +optional
	GatewayAPI *GatewayAPIExposure `json:"gatewayAPI,omitempty"`
}

// CIDR is an IPv4 or IPv6 network in CIDR notation, e.g. 203.0.113.0/24.
// +kubebuilder:validation:MaxLength=43
// +kubebuilder:validation:Pattern=`^([0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/[0-9]{1,3})$`
type CIDR string

// IngressExposure is the Ingress the chart provisions for the user's
// Ingress controller, which must pass TLS through to the router.
type IngressExposure struct {
	// ClassName is the IngressClass (chart value ingress.ingressClassName);
	// empty takes the cluster's default class.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ClassName string `json:"className,omitempty"`
	// Annotations of the Ingress, for the controller (chart value
	// ingress.annotations), e.g. its TLS passthrough switch.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// PodLabels and NamespaceLabels select the controller's pods and
	// namespace in the chart's NetworkPolicy (chart values
	// ingress.podLabels and ingress.namespaceLabels).
	// +kubebuilder:validation:MaxProperties=16
	// +optional
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// +kubebuilder:validation:MaxProperties=16
	// +optional
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`
}

// GatewayAPIExposure is the Gateway API route (and Gateway) the chart
// provisions.
type GatewayAPIExposure struct {
	// ProvisionGateway has the chart create the Gateway (chart value
	// gatewayAPI.gateway.provision); false attaches the route to an
	// existing Gateway named gatewayName in gatewayNamespace.
	// +optional
	ProvisionGateway *bool `json:"provisionGateway,omitempty"`
	// GatewayName (chart value gatewayAPI.gateway.name); empty keeps the
	// chart's "spaces".
	// +kubebuilder:validation:MaxLength=253
	// +optional
	GatewayName string `json:"gatewayName,omitempty"`
	// GatewayNamespace of an existing Gateway (chart value
	// gatewayAPI.gateway.namespace).
	// +kubebuilder:validation:MaxLength=63
	// +optional
	GatewayNamespace string `json:"gatewayNamespace,omitempty"`
	// ClassName is the GatewayClass of a provisioned Gateway (chart value
	// gatewayAPI.gateway.className); empty keeps the chart's "spaces".
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ClassName string `json:"className,omitempty"`
	// PodLabels and NamespaceLabels select the gateway's pods and
	// namespace in the chart's NetworkPolicy (chart values
	// gatewayAPI.podLabels and gatewayAPI.namespaceLabels).
	// +kubebuilder:validation:MaxProperties=16
	// +optional
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// +kubebuilder:validation:MaxProperties=16
	// +optional
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`
}

// ChartPullSecretRef names a Secret with the keys username and password.
type ChartPullSecretRef struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// Namespace of the Secret (cluster-scoped XRs only).
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:default="crossplane-system"
	// +optional
	Namespace string `json:"namespace"`
}

// Router configures the spaces-router horizontal pod autoscaler.
//
// +kubebuilder:validation:XValidation:rule="self.maxReplicas >= self.minReplicas",message="must be at least minReplicas",fieldPath=".maxReplicas"
type Router struct {
	// MinReplicas of the router.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=2
	// +optional
	MinReplicas int32 `json:"minReplicas"`

	// MaxReplicas of the router.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=8
	// +optional
	MaxReplicas int32 `json:"maxReplicas"`

	// TargetCPUUtilizationPercentage of the router autoscaler.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=80
	// +optional
	TargetCPUUtilizationPercentage int32 `json:"targetCPUUtilizationPercentage"`

	// TargetMemoryUtilizationPercentage of the router autoscaler.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=80
	// +optional
	TargetMemoryUtilizationPercentage int32 `json:"targetMemoryUtilizationPercentage"`
}

// Resources are requests and limits of a container.
type Resources struct {
	// Requests of the container.
	// +kubebuilder:default={cpu: "500m", memory: "1Gi"}
	// +optional
	Requests ResourceList `json:"requests"`
	// Limits of the container.
	// +kubebuilder:default={cpu: "2000m", memory: "4Gi"}
	// +optional
	Limits ResourceList `json:"limits"`
}

// ResourceList is CPU and memory as Kubernetes quantities.
type ResourceList struct {
	// CPU as a Kubernetes quantity, for example 500m.
	// +kubebuilder:validation:Pattern=`^[0-9]+(\.[0-9]+)?m?$`
	// +kubebuilder:validation:MaxLength=32
	// +optional
	CPU string `json:"cpu,omitempty"`
	// Memory as a Kubernetes quantity, for example 1Gi.
	// +kubebuilder:validation:Pattern=`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`
	// +kubebuilder:validation:MaxLength=32
	// +optional
	Memory string `json:"memory,omitempty"`
}

// QueryAPI configures the Query API.
type QueryAPI struct {
	// Enabled composes the Query API's PostgreSQL database and wires Spaces to it.
	// +kubebuilder:default=true
	// +optional
	Enabled bool `json:"enabled"`

	// Postgres configures the managed PostgreSQL database.
	// +kubebuilder:default={}
	// +optional
	Postgres Postgres `json:"postgres"`
}

// Postgres configures the managed PostgreSQL database of the Query API.
type Postgres struct {
	// Version of PostgreSQL. Spaces requires 16.
	// +kubebuilder:validation:Enum="16"
	// +kubebuilder:default="16"
	// +optional
	Version string `json:"version"`

	// InstanceSize is the RDS instance class, Cloud SQL tier or Azure SKU.
	// Defaults per cloud.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	InstanceSize string `json:"instanceSize,omitempty"`

	// StorageGiB is the allocated storage.
	// +kubebuilder:validation:Minimum=20
	// +kubebuilder:validation:Maximum=32767
	// +kubebuilder:default=100
	// +optional
	StorageGiB int32 `json:"storageGiB"`

	// MinIOPS the database must provide; the function picks storage type,
	// size and tier to meet it.
	// +kubebuilder:validation:Minimum=400
	// +kubebuilder:validation:Maximum=256000
	// +kubebuilder:default=400
	// +optional
	MinIOPS int32 `json:"minIOPS"`

	// HighAvailability of the database (Multi-AZ, REGIONAL, ZoneRedundant).
	// Defaults to spec.highAvailability.
	// +optional
	HighAvailability *bool `json:"highAvailability,omitempty"`

	// DeletionProtection of the database. While true, deleting the XR also
	// orphans the database.
	// +kubebuilder:default=true
	// +optional
	DeletionProtection bool `json:"deletionProtection"`

	// BackupRetentionDays of automated backups.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=35
	// +kubebuilder:default=7
	// +optional
	BackupRetentionDays int32 `json:"backupRetentionDays"`

	// PasswordSecretName names an existing Secret (key "password") in the
	// management cluster to use instead of a generated password.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$`
	// +optional
	PasswordSecretName string `json:"passwordSecretName,omitempty"`

	// CASecretName names a Secret (key "ca.crt") in the management cluster,
	// beside passwordSecretName's, with the PEM bundle of the CAs the
	// database server's certificate chains to, so that the Query API
	// verifies the server. AWS: the RDS bundle of the region
	// (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem);
	// Azure: DigiCert Global Root G2 and Microsoft RSA Root Certificate
	// Authority 2017. Without it on AWS and Azure the Query API encrypts
	// but trusts any server (a Warning). GCP needs none: the instance's
	// server CA comes from its connection secret.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$`
	// +optional
	CASecretName string `json:"caSecretName,omitempty"`

	// AllowReplacement lets the function drop or replace a database it
	// observes (cloud change, queryAPI turned off, a change that replaces
	// the instance). Without it, such a change is refused.
	// +kubebuilder:default=false
	// +optional
	AllowReplacement bool `json:"allowReplacement"`
}

// Monitoring configures the alerts and the Grafana dashboard.
type Monitoring struct {
	// Enabled composes the PrometheusRule (and the dashboard, unless
	// dashboard.enabled is false) and turns on the pod monitors.
	// +kubebuilder:default=true
	// +optional
	Enabled bool `json:"enabled"`

	// RuleLabels are labels the Prometheus rule selector needs.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$') && size(k.split('/')[size(k.split('/')) - 1]) <= 63 && size(k) <= 317)",message="keys must be label names, e.g. release or prometheus.io/rule"
	// +kubebuilder:validation:XValidation:rule="self.all(k, self[k].matches('^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$') && size(self[k]) <= 63)",message="values must be label values: at most 63 characters, alphanumeric at both ends"
	// +optional
	RuleLabels map[string]LabelValue `json:"ruleLabels,omitempty"`

	// ErrorRatePercent is the share of 5xx (and separately 4xx) router
	// responses above which an alert fires.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=5
	// +optional
	ErrorRatePercent int32 `json:"errorRatePercent"`

	// DegradedControlPlanes is how many degraded control planes are tolerated.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	// +kubebuilder:default=0
	// +optional
	DegradedControlPlanes int32 `json:"degradedControlPlanes"`

	// StuckControlPlanes is how many control planes stuck provisioning or deleting are tolerated.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	// +kubebuilder:default=0
	// +optional
	StuckControlPlanes int32 `json:"stuckControlPlanes"`

	// RouterLatencySeconds is the 90th percentile of the router's upstream
	// request time above which an alert fires. Envoy records a watch when
	// it ends, so long watches weigh on the higher percentiles.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3600
	// +kubebuilder:default=5
	// +optional
	RouterLatencySeconds int32 `json:"routerLatencySeconds"`

	// ControllerMemoryPercent is the share of its memory limit above which
	// the spaces-controller's working set fires an alert.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=80
	// +optional
	ControllerMemoryPercent int32 `json:"controllerMemoryPercent"`

	// NodePoolUsagePercent is the share of a node pool's maximum (GKE and
	// AKS: nodes of maxNodes; Karpenter: any of its limits, nodes, CPU and
	// memory) above which an alert fires.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=90
	// +optional
	NodePoolUsagePercent int32 `json:"nodePoolUsagePercent"`

	// For is how long a condition holds before its alert fires: a Prometheus
	// duration such as 10m or 1h30m.
	// +kubebuilder:validation:Pattern=`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:default="10m"
	// +optional
	For string `json:"for"`

	// Dashboard is the Grafana dashboard of the Space, composed beside the
	// alerts while monitoring is enabled.
	// +kubebuilder:default={}
	// +optional
	Dashboard Dashboard `json:"dashboard"`
}

// Dashboard configures the Grafana dashboard: a ConfigMap in the Space
// cluster that Grafana's dashboard sidecar (kube-prometheus-stack's, which
// watches every namespace for ConfigMaps labelled grafana_dashboard: "1")
// loads.
type Dashboard struct {
	// Enabled composes the dashboard's ConfigMap; it needs
	// monitoring.enabled.
	// +kubebuilder:default=true
	// +optional
	Enabled bool `json:"enabled"`

	// Namespace of the ConfigMap; empty for spaces.namespace. The sidecar
	// must watch it (kube-prometheus-stack's watches every namespace).
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$`
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Labels of the ConfigMap: what the sidecar selects dashboards by
	// (kube-prometheus-stack: grafana.sidecar.dashboards.label and
	// labelValue). Setting them replaces the default.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$') && size(k.split('/')[size(k.split('/')) - 1]) <= 63 && size(k) <= 317)",message="keys must be label names, e.g. grafana_dashboard"
	// +kubebuilder:validation:XValidation:rule="self.all(k, self[k].matches('^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$') && size(self[k]) <= 63)",message="values must be label values: at most 63 characters, alphanumeric at both ends"
	// +kubebuilder:default={"grafana_dashboard":"1"}
	// +optional
	Labels map[string]LabelValue `json:"labels,omitempty"`
}

// LabelValue is the value of a Kubernetes label. Its bound lets the API
// server estimate the cost of the CEL rules that read it: an unbounded
// string is costed at the size of a whole request.
// +kubebuilder:validation:MaxLength=63
type LabelValue string

// ProviderConfigs names the ProviderConfigs to reference.
type ProviderConfigs struct {
	// Cloud is the ProviderConfig of the cloud's provider.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:default="default"
	// +optional
	Cloud string `json:"cloud"`
	// Helm is the ProviderConfig of provider-helm.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:default="default"
	// +optional
	Helm string `json:"helm"`
	// Kubernetes is the ProviderConfig of provider-kubernetes.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:default="default"
	// +optional
	Kubernetes string `json:"kubernetes"`
	// Management is the ProviderConfig of provider-kubernetes for the
	// cluster where Crossplane runs (the management cluster), unlike
	// kubernetes, which reaches the Space cluster. With it, a database
	// password the provider generates (no
	// queryAPI.postgres.passwordSecretName) is kept in a copy that
	// survives deleting the XR when the database is orphaned, and an XR
	// that adopts the database again restores it instead of generating a
	// new one. Without it the function warns. Same kind as the others.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Management string `json:"management,omitempty"`
	// Kind of the referenced ProviderConfigs when the XR is namespaced:
	// ProviderConfig (in the XR's namespace) or ClusterProviderConfig.
	// Ignored for cluster-scoped XRs.
	// +kubebuilder:validation:Enum=ProviderConfig;ClusterProviderConfig
	// +kubebuilder:default=ClusterProviderConfig
	// +optional
	Kind string `json:"kind"`
}

// AWS holds the settings of an EKS-hosted Space.
type AWS struct {
	// NodeRole is the IAM role of the Karpenter nodes. Defaults to
	// KarpenterNodeRole-<clusterName>.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	NodeRole string `json:"nodeRole,omitempty"`

	// DiscoveryTag is the karpenter.sh/discovery tag value of the subnets and
	// security groups. Defaults to clusterName.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DiscoveryTag string `json:"discoveryTag,omitempty"`

	// AMIAlias selects the node image.
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+@.+$`
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:default="al2023@latest"
	// +optional
	AMIAlias string `json:"amiAlias"`

	// DatabaseSubnetIDs are the subnets of the database subnet group.
	// Required when queryAPI is enabled.
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:Pattern=`^subnet-[0-9a-z]+$`
	// +listType=set
	// +optional
	DatabaseSubnetIDs []string `json:"databaseSubnetIds,omitempty"`

	// DatabaseSecurityGroupIDs are the security groups of the database.
	// Required when queryAPI is enabled.
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:Pattern=`^sg-[0-9a-z]+$`
	// +listType=set
	// +optional
	DatabaseSecurityGroupIDs []string `json:"databaseSecurityGroupIds,omitempty"`
}

// GCP holds the settings of a GKE-hosted Space.
type GCP struct {
	// Project of the resources; else the ProviderConfig's project.
	// +kubebuilder:validation:MaxLength=30
	// +optional
	Project string `json:"project,omitempty"`

	// PrivateNetwork is the VPC of the Cloud SQL instance's private IP, as
	// projects/<project>/global/networks/<network> (or that path's full
	// compute URL). Required when queryAPI is enabled. The network needs
	// Private Service Access (a servicenetworking peering).
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^((https://www\.googleapis\.com/compute/v1/)?projects/[^/]+/global/networks/[^/]+)?$`
	// +optional
	PrivateNetwork string `json:"privateNetwork,omitempty"`

	// NodeServiceAccount is the email of the IAM service account the node
	// pools' nodes run as (nodeConfig.serviceAccount), with GKE's metadata
	// server for workload identity. Without it nodes run as the Compute
	// Engine default service account, which has the Editor role. GKE
	// recreates a node pool when its service account changes.
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Pattern=`^[a-z][-a-z0-9]{4,61}[a-z0-9]@[-a-z0-9.]+\.iam\.gserviceaccount\.com$`
	// +optional
	NodeServiceAccount string `json:"nodeServiceAccount,omitempty"`
}

// Azure holds the settings of an AKS-hosted Space.
type Azure struct {
	// ResourceGroupName of the database.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=90
	ResourceGroupName string `json:"resourceGroupName"`

	// ClusterID is the resource ID of the AKS cluster.
	// +kubebuilder:validation:Pattern=`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ContainerService/managedClusters/[^/]+$`
	// +kubebuilder:validation:MaxLength=1024
	ClusterID string `json:"clusterId"`

	// DelegatedSubnetID is the subnet delegated to PostgreSQL flexible servers.
	// Required when queryAPI is enabled.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	DelegatedSubnetID string `json:"delegatedSubnetId,omitempty"`

	// PrivateDNSZoneID is the private DNS zone of the database.
	// Required when queryAPI is enabled.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	PrivateDNSZoneID string `json:"privateDnsZoneId,omitempty"`
}

// Status is what the function reports on the XR.
type Status struct {
	// Cloud the XR composed for; the function refuses to change it.
	// +optional
	Cloud Cloud `json:"cloud,omitempty"`
	// CapacityPlan shows the numbers behind the pool sizes.
	// +optional
	CapacityPlan *CapacityPlanStatus `json:"capacityPlan,omitempty"`
	// Database describes the Query API database.
	// +optional
	Database *DatabaseStatus `json:"database,omitempty"`
	// Warnings are the degraded choices in force. Each is also sent once as
	// a Warning result (an event), when it first appears.
	// +optional
	Warnings []string `json:"warnings,omitempty"`
	// Router says where clients reach the Spaces router: its host, the way
	// in, and the load balancer's address once observed (point the host's
	// DNS record at it).
	// +optional
	Router *RouterStatus `json:"router,omitempty"`
	// Components lists every composed concern and whether it is ready.
	// +optional
	// +listType=map
	// +listMapKey=name
	Components []ComponentStatus `json:"components,omitempty"`
	// PendingChanges are the changes the function staged beside a running
	// resource or holds back (one zone at a time), until they complete.
	// Each is also sent once as a Normal event when it first appears.
	// +optional
	// +listType=map
	// +listMapKey=resource
	PendingChanges []PendingChange `json:"pendingChanges,omitempty"`
}

// PendingChange is a change of one composed resource that is not applied
// as it is: staged (a new resource beside the running one) or held (the
// running resource keeps its observed values for now).
type PendingChange struct {
	// Resource is the composition resource name.
	Resource string `json:"resource"`
	// Action taken.
	// +kubebuilder:validation:Enum=staged;held
	Action string `json:"action"`
	// Kind and Name of the resource (of its manifest, for an Object).
	Kind string `json:"kind"`
	// +optional
	Name string `json:"name,omitempty"`
	// Fields that wait, or that called for the new resource.
	// +optional
	Fields []string `json:"fields,omitempty"`
	// Message says why and until when.
	Message string `json:"message"`
}

// CapacityPlanStatus shows why the pools are the size they are.
type CapacityPlanStatus struct {
	// ControlPlanes the plan is for.
	ControlPlanes int32 `json:"controlPlanes"`
	// ManagedResourcesPerControlPlane the plan assumes.
	ManagedResourcesPerControlPlane int32 `json:"managedResourcesPerControlPlane"`
	// ProviderCRDsPerControlPlane the plan assumes.
	ProviderCRDsPerControlPlane int32 `json:"providerCRDsPerControlPlane"`
	// BufferPercent added to every demand.
	BufferPercent int32 `json:"bufferPercent"`
	// Pools is the demand and size of each pool.
	// +listType=map
	// +listMapKey=name
	Pools []PoolPlanStatus `json:"pools,omitempty"`
}

// PoolPlanStatus is the demand and size of one pool.
type PoolPlanStatus struct {
	// Name of the pool: etcd, apiServer or controlPlanes.
	Name string `json:"name"`
	// CPU demand with the buffer, as a quantity.
	CPU string `json:"cpu"`
	// Memory demand with the buffer, as a quantity.
	Memory string `json:"memory"`
	// Basis says how the demand was computed.
	Basis string `json:"basis,omitempty"`
	// MachineType that sized the pool.
	MachineType string `json:"machineType,omitempty"`
	// MinNodes of the pool.
	MinNodes int32 `json:"minNodes"`
	// MaxNodes of the pool.
	MaxNodes int32 `json:"maxNodes"`
	// MaxNodesSource says whether maxNodes was computed or set by the user.
	MaxNodesSource string `json:"maxNodesSource,omitempty"`
	// Zones the pool is sized over: its pods spread over them (the etcd
	// members and API servers of each control plane), so each zone gets
	// nodes for its own share. Absent when the pool is sized by its total.
	// +optional
	Zones int64 `json:"zones,omitempty"`
	// NeededNodes is the node count the plan needs: the largest need over
	// all dimensions.
	// +optional
	NeededNodes int64 `json:"neededNodes,omitempty"`
	// Binding is the dimension that needs the most nodes.
	// +optional
	Binding string `json:"binding,omitempty"`
	// Shortfall is how many nodes the user's maxNodes is below the need.
	// +optional
	Shortfall int64 `json:"shortfall,omitempty"`
	// Needs lists each dimension's need (cpu, memory, volumes, pods, minNodes).
	// +optional
	// +listType=map
	// +listMapKey=dimension
	Needs []PoolNeedStatus `json:"needs,omitempty"`
}

// PoolNeedStatus is how many nodes one per-node limit asks for.
type PoolNeedStatus struct {
	// Dimension: cpu, memory (the usage estimate), cpuRequests,
	// memoryRequests (the general pool's pod requests), volumes, pods or
	// minNodes.
	Dimension string `json:"dimension"`
	// Demand of the pool in that dimension (a quantity or a count).
	Demand string `json:"demand"`
	// PerNode is what one node of MachineType holds in that dimension.
	PerNode string `json:"perNode"`
	// MachineType is the most restrictive listed type for the dimension.
	// +optional
	MachineType string `json:"machineType,omitempty"`
	// Nodes the dimension needs: ceil(demand / perNode), or, for a pool
	// sized per zone, zones x nodesPerZone.
	Nodes int64 `json:"nodes"`
	// DemandPerZone is the share of the demand the fullest zone holds, for
	// a pool sized per zone (a quantity or a count).
	// +optional
	DemandPerZone string `json:"demandPerZone,omitempty"`
	// NodesPerZone is ceil(demandPerZone / perNode): the nodes each zone
	// needs for its share.
	// +optional
	NodesPerZone int64 `json:"nodesPerZone,omitempty"`
	// Limit says which of the machine's limits sets perNode when it has
	// several: on Azure a VM's max data disks, or its total uncached disk
	// IOPS or MBps over one etcd member's sustained IOPS or MBps need.
	// +optional
	Limit string `json:"limit,omitempty"`
}

// DatabaseStatus describes the Query API database.
type DatabaseStatus struct {
	// Engine of the database.
	Engine string `json:"engine"`
	// Version of the engine.
	Version string `json:"version"`
	// StorageType chosen to meet minIOPS.
	StorageType string `json:"storageType"`
	// StorageGiB allocated.
	StorageGiB int32 `json:"storageGiB"`
	// IOPS the storage provides.
	IOPS int32 `json:"iops"`
	// Endpoint once observed.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
}

// RouterStatus says where the Spaces router is reached.
type RouterStatus struct {
	// Host clients use (spec.spaces.routerHost).
	Host string `json:"host"`
	// Exposure is the way in (spec.spaces.exposure.type).
	Exposure string `json:"exposure"`
	// Address of the load balancer (host name or IP) once observed: the
	// target of the host's DNS record.
	// +optional
	Address string `json:"address,omitempty"`
	// Message says what to do while there is no address.
	// +optional
	Message string `json:"message,omitempty"`
}

// ComponentStatus says whether one composed concern is ready.
type ComponentStatus struct {
	// Name of the concern.
	Name string `json:"name"`
	// Ready is true when every resource of the concern is ready.
	Ready bool `json:"ready"`
	// Reason it is not ready, or what it is.
	// +optional
	Reason string `json:"reason,omitempty"`
}
