// Package spaces renders the Spaces Helm release (a provider-helm Release
// with the values production needs) and the Secret the Query API reads its
// database credentials from. It is cloud-neutral: what it needs of the
// cloud's database comes in as a cloud.Database.
package spaces

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// provider-helm's Release.
const (
	ReleaseAPIVersion           = "helm.crossplane.io/v1beta1"
	ReleaseAPIVersionNamespaced = "helm.m.crossplane.io/v1beta1"
	ReleaseKind                 = "Release"
)

// The Release and what it installs.
const (
	// ReleaseKey is the composition resource name of the Release.
	ReleaseKey = "spaces-release"
	// ChartName is the Spaces chart in p.Spaces.ChartRepository.
	ChartName = "spaces"
	// HelmReleaseName is the name of the Helm release in the Space cluster,
	// set through the external-name annotation (provider-helm names the
	// Helm release after it). It is the name Upbound's install docs use,
	// whatever the XR is called.
	HelmReleaseName = "spaces"
	// AnnotationExternalName is Crossplane's external-name annotation.
	AnnotationExternalName = "crossplane.io/external-name"
	// WaitTimeout bounds how long provider-helm waits for the release's
	// workloads to be ready: a first install pulls images and starts the
	// controller, router, API and Query API.
	WaitTimeout = "15m"
	// RollbackLimit is how many times provider-helm rolls back (or, for a
	// first install, uninstalls) a failed release and retries it before
	// it stops and leaves the failure for a human.
	RollbackLimit int64 = 3
)

// Scheduling of the control planes' pods.
const (
	// LabelApp is the pod label the chart puts on control-plane pods.
	LabelApp = "app"
	// AppVCluster is the label value of the API server (vcluster) pods.
	AppVCluster = "vcluster"
	// AppEtcd is the label value of the etcd member pods.
	AppEtcd = "vcluster-etcd"
	// TopologyHostname spreads pods over nodes.
	TopologyHostname = "kubernetes.io/hostname"
	// TopologyZone spreads pods over zones.
	TopologyZone = "topology.kubernetes.io/zone"
	// ZoneSpreadWeight of the preferred zone anti-affinity: the most a
	// preference can weigh.
	ZoneSpreadWeight int32 = 100
)

// The Query API's external database.
const (
	// URLValuePath is the Helm value that carries the database's host:port,
	// set from the connection secret (never from the desired state).
	URLValuePath = "apollo.apollo.storage.postgres.connection.url"
	// SSLModeRequire encrypts the connection without verifying the
	// server's certificate: the mode when there is no CA bundle to verify
	// it with (connection.ca.name), which the cloud warns about.
	SSLModeRequire = "require"
	// CredentialsFormatBasicAuth reads username and password from a
	// kubernetes.io/basic-auth Secret.
	CredentialsFormatBasicAuth = "basicauth"
)

// HelmRelease is a provider-helm Release (cluster-scoped or namespaced; the
// fields the function sets are common to both).
type HelmRelease struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Spec             ReleaseSpec        `json:"spec"`
}

// ReleaseSpec is the spec of a Release.
type ReleaseSpec struct {
	compose.ManagedSpec `json:",inline"`
	ForProvider         ReleaseParameters `json:"forProvider"`
	RollbackLimit       *int64            `json:"rollbackLimit,omitempty"`
}

// ReleaseParameters are the Release's forProvider.
type ReleaseParameters struct {
	Chart ChartSpec `json:"chart"`
	// Namespace in the Space cluster; required by the cluster-scoped kind.
	Namespace string `json:"namespace"`
	// SkipCreateNamespace is written as false: provider-helm creates the
	// namespace if it is missing.
	SkipCreateNamespace bool     `json:"skipCreateNamespace"`
	Wait                bool     `json:"wait"`
	WaitTimeout         string   `json:"waitTimeout,omitempty"`
	Set                 []SetVal `json:"set,omitempty"`
	// Values are the chart's values: the computed Values, or a JSON tree
	// when merged with the user's.
	Values any `json:"values,omitempty"`
}

// ChartSpec is the chart to install.
type ChartSpec struct {
	Name       string `json:"name"`
	Repository string `json:"repository,omitempty"`
	Version    string `json:"version,omitempty"`
	// PullSecretRef is read by provider-helm in the cluster where it runs;
	// the namespaced kind takes no namespace (the Release's own).
	PullSecretRef *compose.SecretReference `json:"pullSecretRef,omitempty"`
}

// SetVal sets one Helm value, here from a Secret.
type SetVal struct {
	Name      string     `json:"name"`
	Value     string     `json:"value,omitempty"`
	ValueFrom *ValueFrom `json:"valueFrom,omitempty"`
}

// ValueFrom reads a value from a Secret where provider-helm runs.
type ValueFrom struct {
	SecretKeyRef *compose.SecretKeySelector `json:"secretKeyRef,omitempty"`
}

// Release returns the Spaces Helm release: the chart, with the computed
// values deep-merged with the user's spec.spaces.values (the user wins),
// and, when the Query API uses an external database (db != nil), the
// database's host:port read from its connection secret.
func Release(p *plan.Plan, db *cloud.Database, env cloud.Env) (compose.Resource, error) {
	vals, err := ComputedValues(p, db, env)
	if err != nil {
		return compose.Resource{}, err
	}
	// Without user values (none, or {}) the typed values are the
	// release's as they are; only a merge needs them as a tree.
	var values any = vals
	var user map[string]any
	if len(p.Spaces.Values) > 0 {
		if user, err = decodeObject(p.Spaces.Values); err != nil {
			return compose.Resource{}, errors.Wrap(err, "spec.spaces.values")
		}
	}
	if len(user) > 0 {
		tree, err := toTree(vals)
		if err != nil {
			return compose.Resource{}, errors.Wrap(err, "cannot convert the computed Helm values")
		}
		var errs field.ErrorList
		if tree, errs = merge(tree, user, valuesPath); len(errs) > 0 {
			return compose.Resource{}, &ValuesError{Errs: errs}
		}
		// The chart takes one of minAvailable and maxUnavailable: a user's
		// maxUnavailable replaces the computed minAvailable.
		if has(user, controllerPDBPath("maxUnavailable")...) && !has(user, controllerPDBPath("minAvailable")...) {
			if pdb, ok := lookupMap(tree, controllerPDBPath()...); ok {
				delete(pdb, "minAvailable")
			}
		}
		values = tree
	}

	r := &HelmRelease{
		TypeMeta: compose.TypeMeta{APIVersion: env.Scope.APIVersion(ReleaseAPIVersion, ReleaseAPIVersionNamespaced), Kind: ReleaseKind},
		Metadata: compose.ObjectMeta{
			Name:        compose.Name(p.XRName, "spaces"),
			Annotations: map[string]string{AnnotationExternalName: HelmReleaseName},
		},
		Spec: ReleaseSpec{
			ManagedSpec: env.Scope.Managed(p.Spaces.ProviderConfig, compose.Delete),
			ForProvider: ReleaseParameters{
				Chart: ChartSpec{
					Name:       ChartName,
					Repository: p.Spaces.ChartRepository,
					Version:    p.Spaces.Version,
				},
				Namespace:           p.Spaces.Namespace,
				SkipCreateNamespace: false,
				Wait:                true,
				WaitTimeout:         WaitTimeout,
				Values:              values,
			},
			RollbackLimit: new(RollbackLimit),
		},
	}
	// provider-helm reads chart.pullSecretRef in the cluster where it runs
	// and requires the keys username and password; the cluster-scoped
	// Release needs the namespace, the namespaced one reads its own
	// (crossplane-contrib/provider-helm, pkg/clients/registryauth/auth.go).
	// Without it provider-helm uses its default credential chain. The
	// Space's docker-registry image pull secret is a different Secret in a
	// different cluster: it goes to the chart's imagePullSecrets.
	if p.Spaces.ChartPullSecretName != "" {
		ref := &compose.SecretReference{Name: p.Spaces.ChartPullSecretName}
		if !env.Scope.Namespaced() {
			ref.Namespace = p.Spaces.ChartPullSecretNamespace
		}
		r.Spec.ForProvider.Chart.PullSecretRef = ref
	}

	// The URL comes from the connection secret where the cloud writes
	// host:port there, else from the observed instance, unless the user set it.
	if db != nil && !has(user, "apollo", "apollo", "storage", "postgres", "connection", "url") {
		switch {
		case db.EndpointKey != "":
			sel, err := endpointSelector(db, env)
			if err != nil {
				return compose.Resource{}, err
			}
			r.Spec.ForProvider.Set = []SetVal{{Name: URLValuePath, ValueFrom: &ValueFrom{SecretKeyRef: sel}}}
		case db.Endpoint != "":
			r.Spec.ForProvider.Set = []SetVal{{Name: URLValuePath, Value: db.Endpoint}}
		default:
			return compose.Resource{}, ErrEndpointPending
		}
	}
	return compose.Resource{Key: ReleaseKey, Component: cloud.ComponentSpaces, Object: r}, nil
}

// ErrEndpointPending means the database's host:port is not known yet: the
// cloud does not write it to a connection secret and the instance has not
// been observed with an address. The release waits for it.
var ErrEndpointPending = errors.New("waiting for the database's endpoint")

// valuesPath is where the user's values are in the XR.
var valuesPath = field.NewPath("spec", "spaces", "values")

// endpointSelector selects the connection secret's host:port key. The
// cluster-scoped Release needs the secret's namespace; the namespaced one
// reads from its own namespace and takes none.
func endpointSelector(db *cloud.Database, env cloud.Env) (*compose.SecretKeySelector, error) {
	if db.EndpointKey == "" {
		return nil, errors.Errorf("the database's connection secret %q has no host:port key to read %s from", db.ConnectionSecret.Name, URLValuePath)
	}
	sel := &compose.SecretKeySelector{Name: db.ConnectionSecret.Name, Key: db.EndpointKey}
	if env.Scope.Namespaced() {
		return sel, nil
	}
	sel.Namespace = db.ConnectionSecret.Namespace
	if sel.Namespace == "" {
		sel.Namespace = env.SecretNamespace
	}
	if sel.Namespace == "" {
		return nil, errors.Errorf("the database's connection secret %q has no namespace", db.ConnectionSecret.Name)
	}
	return sel, nil
}

// ComputedValues are the values the function computes, before the user's.
func ComputedValues(p *plan.Plan, db *cloud.Database, env cloud.Env) (*Values, error) {
	apiServer := p.Pool(plan.RoleAPIServer)
	etcd := p.Pool(plan.RoleEtcd)
	if apiServer == nil || etcd == nil {
		return nil, errors.New("the plan has no API server or etcd pool to place the control planes on")
	}
	v := &Values{
		ControlPlanes: ControlPlanesValues{
			HA:       HAValues{Enabled: p.HighAvailability},
			VCluster: placement(apiServer, AppVCluster),
			Etcd: EtcdValues{
				PodPlacement: placement(etcd, AppEtcd),
				Persistence:  Persistence{Size: p.Spaces.EtcdVolumeSize, StorageClassName: p.Storage.ClassName},
			},
		},
		API:      APIValues{ReplicaCount: p.Spaces.APIReplicas},
		Features: FeaturesValues{Alpha: AlphaFeatures{Apollo: Switch{Enabled: true}}},
		Apollo: ApolloValues{Apollo: ApolloServer{
			ReplicaCount: p.Spaces.ApolloReplicas,
			Storage:      ApolloStorage{Postgres: Postgres{Create: true}},
		}},
		Router: RouterValues{HPA: HPA{
			Enabled:                           true,
			MinReplicas:                       p.Spaces.Router.MinReplicas,
			MaxReplicas:                       p.Spaces.Router.MaxReplicas,
			TargetCPUUtilizationPercentage:    p.Spaces.Router.TargetCPUUtilizationPercentage,
			TargetMemoryUtilizationPercentage: p.Spaces.Router.TargetMemoryUtilizationPercentage,
		}},
		Controller: ControllerValues{Controller: ControllerPod{Resources: Resources{
			Requests: quantities(p.Spaces.ControllerRequests),
			Limits:   quantities(p.Spaces.ControllerLimits),
		}}},
	}
	installValues(v, p.Spaces)
	exposureValues(v, p.Spaces, env)
	if p.HighAvailability {
		controllerHA(&v.Controller)
	}
	if p.Spaces.PullSecretName != "" {
		v.ImagePullSecrets = []SecretByName{{Name: p.Spaces.PullSecretName}}
	}
	if p.Monitoring != nil {
		v.API.Prometheus = &PrometheusValues{PodMonitor: Switch{Enabled: true}}
		v.Controller.Prometheus = &PrometheusValues{PodMonitor: Switch{Enabled: true}}
		v.Router.Prometheus = &PrometheusValues{PodMonitor: Switch{Enabled: true}}
	}
	if db != nil {
		if p.Database == nil {
			return nil, errors.New("a database was composed but the plan has none")
		}
		v.Apollo.Apollo.Storage.Postgres = Postgres{
			Create: false,
			Connection: &PostgresConnection{
				Database: p.Database.Name,
				SSLMode:  SSLMode(db),
				Credentials: PostgresCredentials{
					Format: CredentialsFormatBasicAuth,
					User:   db.Username,
					Secret: SecretByName{Name: CredentialsSecret(db, env)},
				},
			},
		}
		if name := CASecret(db, env); name != "" {
			v.Apollo.Apollo.Storage.Postgres.Connection.CA = &SecretByName{Name: name}
		}
	}
	return v, nil
}

// placement pins a component's pods to its pool (node affinity to the
// pool's labels and tolerations of its taints), never two of one control
// plane's pods on a node (required), and across zones where it can
// (preferred: a zone outage must not take a quorum, but a zone short of
// nodes must not block scheduling).
func placement(pool *plan.Pool, app string) PodPlacement {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{LabelApp: app}}
	a := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{LabelSelector: sel, TopologyKey: TopologyHostname}},
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
			Weight:          ZoneSpreadWeight,
			PodAffinityTerm: corev1.PodAffinityTerm{LabelSelector: sel, TopologyKey: TopologyZone},
		}},
	}}
	if len(pool.Labels) > 0 {
		reqs := make([]corev1.NodeSelectorRequirement, 0, len(pool.Labels))
		for _, l := range pool.Labels {
			reqs = append(reqs, corev1.NodeSelectorRequirement{Key: l.Key, Operator: corev1.NodeSelectorOpIn, Values: []string{l.Value}})
		}
		a.NodeAffinity = &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: reqs}},
		}}
	}
	out := PodPlacement{Affinity: a}
	for _, t := range pool.Taints {
		out.Tolerations = append(out.Tolerations, corev1.Toleration{
			Key: t.Key, Operator: corev1.TolerationOpEqual, Value: t.Value, Effect: corev1.TaintEffect(t.Effect),
		})
	}
	return out
}

func quantities(q plan.ResourceQuantities) *Quantities {
	if q.CPU == "" && q.Memory == "" {
		return nil
	}
	return &Quantities{CPU: q.CPU, Memory: q.Memory}
}

// The spaces-controller in HA: the chart's values reference (1.17) lists
// controller.replicaCount (default 1) and controller.controller.
// podDisruptionBudget.{enabled,minAvailable,maxUnavailable} (disabled by
// default). The controller runs with leader election whatever its replica
// count (Spaces 1.13.1 release notes), so a second replica is a warm standby,
// and the PDB keeps a node drain from taking both at once.
const (
	ControllerReplicasHA     int32 = 2
	ControllerMinAvailableHA int32 = 1
)

func controllerHA(c *ControllerValues) {
	c.ReplicaCount = new(ControllerReplicasHA)
	c.Controller.PodDisruptionBudget = &PodDisruptionBudget{Enabled: true, MinAvailable: new(ControllerMinAvailableHA)}
}

func controllerPDBPath(leaf ...string) []string {
	return append([]string{"controller", "controller", "podDisruptionBudget"}, leaf...)
}

// lookupMap returns the object at path in tree.
func lookupMap(tree map[string]any, path ...string) (map[string]any, bool) {
	cur := tree
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}
