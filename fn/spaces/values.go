package spaces

import (
	corev1 "k8s.io/api/core/v1"
)

// The Helm values the function computes for the Spaces chart. Only the
// fields the function sets are here; every other value keeps the chart's
// default unless the user sets it under spec.spaces.values. Where the HA
// guide and the chart's values table disagree, the chart wins:
// controller.controller.resources (not controller.resources) and
// apollo.apollo.replicaCount (not features.alpha.apollo.replicaCount).

// Values is the root of the computed values.
type Values struct {
	// Account, Authentication, Authorization and the router's host
	// (ExternalTLS or Ingress, by chart version) are install-time values:
	// provider-helm upgrades with values reset, so the Release must carry
	// them or an upgrade drops them from the Space.
	Account        string               `json:"account"`
	Authentication AuthenticationValues `json:"authentication"`
	Authorization  AuthorizationValues  `json:"authorization"`
	ExternalTLS    *ExternalTLSValues   `json:"externalTLS,omitempty"`
	Ingress        *IngressValues       `json:"ingress,omitempty"`
	GatewayAPI     *GatewayAPIValues    `json:"gatewayAPI,omitempty"`
	// ImagePullSecrets pull the Spaces images inside the Space cluster
	// (values reference: "only an imagePullSecret of upbound-pull-secret is
	// currently supported").
	ImagePullSecrets []SecretByName      `json:"imagePullSecrets,omitempty"`
	ControlPlanes    ControlPlanesValues `json:"controlPlanes"`
	API              APIValues           `json:"api"`
	Features         FeaturesValues      `json:"features"`
	Apollo           ApolloValues        `json:"apollo"`
	Router           RouterValues        `json:"router"`
	Controller       ControllerValues    `json:"controller"`
}

// ControlPlanesValues place every control plane's pods.
type ControlPlanesValues struct {
	HA       HAValues     `json:"ha"`
	VCluster PodPlacement `json:"vcluster"`
	Etcd     EtcdValues   `json:"etcd"`
}

// HAValues switches the control planes' high availability. Enabled is
// always written, so that false is explicit.
type HAValues struct {
	Enabled bool `json:"enabled"`
}

// PodPlacement is where the pods of one control-plane component run, in
// the Kubernetes core types the chart passes to the pods.
type PodPlacement struct {
	Affinity    *corev1.Affinity    `json:"affinity,omitempty"`
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
}

// EtcdValues are the etcd members' placement and volumes.
type EtcdValues struct {
	PodPlacement `json:",inline"`
	Persistence  Persistence `json:"persistence"`
}

// Persistence is the etcd volume.
type Persistence struct {
	Size             string `json:"size,omitempty"`
	StorageClassName string `json:"storageClassName,omitempty"`
}

// APIValues are the spaces-api's values.
type APIValues struct {
	ReplicaCount int32             `json:"replicaCount"`
	Prometheus   *PrometheusValues `json:"prometheus,omitempty"`
}

// PrometheusValues switch a component's PodMonitor.
type PrometheusValues struct {
	PodMonitor Switch `json:"podMonitor"`
}

// Switch is an enabled flag, always written.
type Switch struct {
	Enabled bool `json:"enabled"`
}

// FeaturesValues are the chart's feature flags.
type FeaturesValues struct {
	Alpha AlphaFeatures `json:"alpha"`
}

// AlphaFeatures are the alpha feature flags.
type AlphaFeatures struct {
	Apollo Switch `json:"apollo"`
}

// ApolloValues are the Query API's values.
type ApolloValues struct {
	Apollo ApolloServer `json:"apollo"`
}

// ApolloServer is the Query API server.
type ApolloServer struct {
	ReplicaCount int32         `json:"replicaCount"`
	Storage      ApolloStorage `json:"storage"`
}

// ApolloStorage is the Query API's database.
type ApolloStorage struct {
	Postgres Postgres `json:"postgres"`
}

// Postgres says whether the chart creates its own PostgreSQL (Create) or
// connects to an external one (Connection).
type Postgres struct {
	Create     bool                `json:"create"`
	Connection *PostgresConnection `json:"connection,omitempty"`
}

// PostgresConnection is the external database. URL (host:port) is not here:
// it reaches the chart through the Release's set[] from the connection
// secret, so it is never in the desired state.
type PostgresConnection struct {
	Database string `json:"database"`
	SSLMode  string `json:"sslmode"`
	// CA names the Secret (key ca.crt) the server's certificate is
	// verified with (connection.ca.name).
	CA          *SecretByName       `json:"ca,omitempty"`
	Credentials PostgresCredentials `json:"credentials"`
}

// PostgresCredentials name the Secret in the Space cluster the Query API
// reads its credentials from.
type PostgresCredentials struct {
	Format string       `json:"format"`
	User   string       `json:"user"`
	Secret SecretByName `json:"secret"`
}

// SecretByName names a Secret in the release's namespace.
type SecretByName struct {
	Name string `json:"name"`
}

// RouterValues are the spaces-router's values.
type RouterValues struct {
	HPA        HPA               `json:"hpa"`
	Prometheus *PrometheusValues `json:"prometheus,omitempty"`
	Proxy      *RouterProxy      `json:"proxy,omitempty"`
}

// RouterProxy is the router's Envoy proxy; only its Service is set.
type RouterProxy struct {
	Service RouterService `json:"service"`
}

// RouterService is the router's Service (chart values
// router.proxy.service.type, ClusterIP by default, and
// router.proxy.service.annotations).
type RouterService struct {
	Type        string            `json:"type"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// HPA is the router's horizontal pod autoscaler.
type HPA struct {
	Enabled                           bool  `json:"enabled"`
	MinReplicas                       int32 `json:"minReplicas"`
	MaxReplicas                       int32 `json:"maxReplicas"`
	TargetCPUUtilizationPercentage    int32 `json:"targetCPUUtilizationPercentage"`
	TargetMemoryUtilizationPercentage int32 `json:"targetMemoryUtilizationPercentage"`
}

// ControllerValues are the spaces-controller's values.
type ControllerValues struct {
	// ReplicaCount of the spaces-controller Deployment (chart default 1).
	ReplicaCount *int32            `json:"replicaCount,omitempty"`
	Controller   ControllerPod     `json:"controller"`
	Prometheus   *PrometheusValues `json:"prometheus,omitempty"`
}

// ControllerPod is the controller's container.
type ControllerPod struct {
	Resources           Resources            `json:"resources"`
	PodDisruptionBudget *PodDisruptionBudget `json:"podDisruptionBudget,omitempty"`
}

// PodDisruptionBudget is a component's PDB switch. The chart takes one of
// minAvailable and maxUnavailable.
type PodDisruptionBudget struct {
	Enabled      bool   `json:"enabled"`
	MinAvailable *int32 `json:"minAvailable,omitempty"`
}

// Resources are a container's requests and limits.
type Resources struct {
	Requests *Quantities `json:"requests,omitempty"`
	Limits   *Quantities `json:"limits,omitempty"`
}

// Quantities are CPU and memory.
type Quantities struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// AuthenticationValues are the chart's authentication options.
type AuthenticationValues struct {
	HubIdentities bool `json:"hubIdentities"`
}

// AuthorizationValues are the chart's authorization options.
type AuthorizationValues struct {
	HubRBAC bool `json:"hubRBAC"`
}

// ExternalTLSValues are the router's external host and serving
// certificate (chart values externalTLS.host, externalTLS.tlsSecret.name).
type ExternalTLSValues struct {
	Host      string        `json:"host,omitempty"`
	TLSSecret *SecretByName `json:"tlsSecret,omitempty"`
}

// IngressValues are the chart's Ingress: whether it provisions one
// (always written, so that the way in is explicit), the host (the router's
// before chart 1.16, the Ingress rule's with type Ingress) and the
// controller's class, annotations and NetworkPolicy selectors.
type IngressValues struct {
	Provision        *bool             `json:"provision,omitempty"`
	Host             string            `json:"host,omitempty"`
	IngressClassName string            `json:"ingressClassName,omitempty"`
	Annotations      map[string]string `json:"annotations,omitempty"`
	PodLabels        map[string]string `json:"podLabels,omitempty"`
	NamespaceLabels  map[string]string `json:"namespaceLabels,omitempty"`
}

// GatewayAPIValues are the chart's Gateway API resources: the Gateway
// (provisioned, or an existing one by name and namespace) and the route to
// the router.
type GatewayAPIValues struct {
	Host              string            `json:"host"`
	Gateway           GatewayValues     `json:"gateway"`
	SpacesRouterRoute ProvisionSwitch   `json:"spacesRouterRoute"`
	PodLabels         map[string]string `json:"podLabels,omitempty"`
	NamespaceLabels   map[string]string `json:"namespaceLabels,omitempty"`
}

// GatewayValues are gatewayAPI.gateway.*.
type GatewayValues struct {
	Provision bool   `json:"provision"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	ClassName string `json:"className,omitempty"`
}

// ProvisionSwitch is a provision flag, always written.
type ProvisionSwitch struct {
	Provision bool `json:"provision"`
}
