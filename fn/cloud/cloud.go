// Package cloud is the contract between the function and the clouds it
// composes for, and the one skeleton that renders every cloud: a Cloud is
// data (its name, defaults and catalog) plus the few functions that know
// its providers' field names (validation, node pool, storage class,
// database). Render owns the loop over the pools, the etcd StorageClass
// and the database block, so each of those shapes is written once. The
// package holds no cloud's knowledge.
package cloud

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// A Cloud is everything the function knows of one cloud. The fields marked
// optional may be nil.
type Cloud struct {
	// Name is the cloud's spec.cloud value.
	Name spec.Cloud
	// Defaults are the cloud's default machine types and database instance
	// size.
	Defaults spec.CloudDefaults
	// InputDefaults picks the cloud's block of the function's input, which
	// overrides Defaults per Composition. Optional.
	InputDefaults func(in *v1beta1.Input) *v1beta1.CloudDefaults
	// Default fills the cloud's defaults that follow from other fields of
	// the spec (after Defaults). Optional.
	Default func(s *spec.Spec)
	// Configured says whether the spec carries the cloud's block (spec.aws,
	// spec.gcp, ...), which the function requires.
	Configured func(s *spec.Spec) bool
	// Catalog sizes the cloud's machine types.
	Catalog func(machineType string) (plan.Machine, bool)
	// CheckMachineType says why a machine type cannot exist in the cloud
	// (a name not of the cloud's pattern, or a size its family is not
	// published in), "" when it may: the cloud's pattern and size lists
	// are data in its package. A type that may exist but is not in the
	// catalog is only warned about (the plan cannot size it).
	CheckMachineType func(machineType string) string
	// ValidateSpec checks the cloud's rules on the defaulted spec (its own
	// block, and what it allows of the cloud-neutral fields), each error
	// with its field path. It runs only when Configured.
	ValidateSpec func(s *spec.Spec) field.ErrorList
	// ValidateInput checks what the cloud cannot serve of the function's
	// input (its labels and tags), each error with its path. Optional.
	ValidateInput func(in *v1beta1.Input) field.ErrorList
	// ValidatePlan checks what the cloud cannot serve of the plan (disk
	// sizes, SKUs, IOPS), each error with the field to change. Optional.
	ValidatePlan func(p *plan.Plan) field.ErrorList
	// Warnings are the degraded choices the cloud makes for the plan, the
	// spec's cloud block and what it observes. Optional.
	Warnings func(in In) []string

	// NodePool renders one pool's resources.
	NodePool func(in In, pool *plan.Pool) []compose.Resource
	// StorageClass is the etcd StorageClass's provisioner and parameters.
	StorageClass func(in In) (provisioner string, parameters map[string]string)
	// DatabaseKeys are the composition resource names of the database
	// resources the cloud composes. The data-loss guard reads them for
	// observed resources composed before they carried LabelComponent.
	DatabaseKeys []string
	// ObservedFields are the fields of observed composed resources the
	// cloud reads under status.atProvider (dotted paths, such as its
	// database's endpoint and size). Of status.atProvider the function
	// decodes only the fields every cloud lists here: an Object's reads
	// back its whole manifest there, most of a steady-state request.
	ObservedFields []string
	// Database renders the Query API's database (the plan has one) and says
	// how to reach it.
	Database func(in In) ([]compose.Resource, *Database)
	// KarpenterNodePool names a role's Karpenter NodePool, for the alerts,
	// which read Karpenter's metrics for it. Nil for a cloud whose pools
	// are its own (the alerts count their nodes).
	KarpenterNodePool func(xrName string, r plan.Role) string
	// LoadBalancerAnnotations are the annotations the cloud's load balancer
	// controller needs on a LoadBalancer Service to get a layer-4 (network)
	// load balancer, internet-facing or internal. The router's watches are
	// long-lived, which layer-7 load balancers time out.
	LoadBalancerAnnotations func(internal bool) map[string]string
	// Changes say what changing each field of the cloud's resources does
	// to a running Space (fn/change), each with its upstream source: the
	// function refuses what no update gets past, and the plan command
	// prints all of it. They include the etcd StorageClass's rules
	// (change.StorageClassRules), which name the cloud's XR fields.
	Changes change.Rules
	// Pins are the fields the cloud fills in that the function copies from
	// the observed resource where it leaves them unset (change.Pin), so
	// that no update reads them as a change. Optional.
	Pins change.Pins
}

// ValidateMachineTypes refuses every listed machine type of the spec's
// pools that cannot exist in the cloud, each with its path
// (spec.nodePools.etcd.machineTypes[0]).
func (c *Cloud) ValidateMachineTypes(s *spec.Spec) field.ErrorList {
	if c.CheckMachineType == nil {
		return nil
	}
	var errs field.ErrorList
	for _, p := range []struct {
		name string
		np   spec.NodePool
	}{{"etcd", s.NodePools.Etcd}, {"apiServer", s.NodePools.APIServer}, {"controlPlanes", s.NodePools.ControlPlanes}} {
		for i, t := range p.np.MachineTypes {
			if why := c.CheckMachineType(t); why != "" {
				errs = append(errs, field.Invalid(field.NewPath("spec", "nodePools", p.name, "machineTypes").Index(i), t, why))
			}
		}
	}
	return errs
}

// JoinCounts lists counts for a message: "2, 4, 8".
func JoinCounts(counts []int64) string {
	s := make([]string, len(counts))
	for i, n := range counts {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, ", ")
}

// Machine sizes a machine type, so that a Cloud is a plan.Catalog.
func (c *Cloud) Machine(machineType string) (plan.Machine, bool) {
	return c.Catalog(machineType)
}

// In is what a cloud's render functions read: the plan, the environment,
// and the spec, for the cloud's own block (spec.aws, spec.gcp, ...), which
// validation guarantees is set.
type In struct {
	Plan *plan.Plan
	Spec *spec.Spec
	Env  Env
}

// Env is everything a renderer needs beyond the plan.
type Env struct {
	// Scope of the XR (cluster-scoped or namespaced).
	Scope compose.Scope
	// Delivery of in-cluster manifests.
	Delivery compose.Delivery
	// ProviderConfig of the cloud's provider.
	ProviderConfig string
	// Labels to put on every in-cluster object and node (from the input).
	Labels map[string]string
	// Tags to put on every cloud resource that takes tags (from the input).
	Tags map[string]string
	// SecretNamespace is where cluster-scoped managed resources write their
	// connection secrets in the management cluster.
	SecretNamespace string
	// LoadBalancerAnnotations are the cloud's annotations for the router's
	// LoadBalancer Service (Cloud.LoadBalancerAnnotations of the plan's
	// scheme); nil unless the router is exposed by a LoadBalancer.
	LoadBalancerAnnotations map[string]string
	// Observed composed resources by composition resource name, for what
	// only the running resource knows (the storage a database has grown
	// to). Read-only.
	Observed map[string]map[string]any
}

// Output is what Render returns.
type Output struct {
	// Resources in a deterministic order.
	Resources []compose.Resource
	// Database is how to reach the database the cloud composed; nil when
	// the plan has no database.
	Database *Database
}

// Database says what was composed for the Query API and how to reach it.
type Database struct {
	// Status is reported on the XR as status.database (without endpoint).
	Status spec.DatabaseStatus
	// Key is the composition resource name of the database instance, whose
	// observed state carries the endpoint and readiness.
	Key string
	// EndpointFieldPath is where the observed instance carries its host.
	EndpointFieldPath string
	// Port the database listens on.
	Port int32
	// Username the Query API connects as.
	Username string
	// ConnectionSecret is the management-cluster Secret that holds the
	// database's connection details (written by the managed resource).
	ConnectionSecret compose.SecretReference
	// EndpointKey is the key of ConnectionSecret whose value is host:port
	// (empty when the cloud does not write one).
	EndpointKey string
	// Endpoint is host:port as observed (filled by the function, not the
	// cloud); the release uses it where EndpointKey is empty.
	Endpoint string
	// PasswordSecret is the Secret (and key) that holds the password: the
	// connection secret, or the user's passwordSecretName.
	PasswordSecret compose.SecretKeySelector
	// Warnings are the degraded choices the database forced (storage kept
	// at its observed size), each naming the field.
	Warnings []string
	// CA is the Secret (and key) that holds the PEM bundle of the CAs the
	// server's certificate chains to, where the credentials' Secrets are
	// (the management cluster; with Direct delivery the Spaces
	// namespace): the user's caSecretName, or a key of the connection
	// secret. nil when there is none: the Query API then encrypts without
	// verifying the server (sslmode require), and the cloud warns.
	CA *compose.SecretKeySelector
	// CASSLMode is the sslmode the Query API verifies the server with when
	// CA is set: verify-full where the server's certificate names the host
	// the Query API dials, verify-ca where it does not.
	CASSLMode string
	// ConnectionSecretHasLogin is true when ConnectionSecret holds the keys
	// username and password exactly as the Query API logs in with them, so
	// that with Direct delivery (the connection secret lands in the Spaces
	// namespace) the chart can read it as it is. When false the function
	// composes the credentials Secret, through an Object, with either
	// delivery. The cloud's renderer knows which.
	ConnectionSecretHasLogin bool
}

// Components of status.components, one per composed concern.
const (
	ComponentEtcdPool          = "etcdPool"
	ComponentAPIServerPool     = "apiServerPool"
	ComponentControlPlanesPool = "controlPlanesPool"
	ComponentStorage           = "storageClass"
	ComponentDatabase          = "database"
	ComponentSpaces            = "spacesRelease"
	ComponentAlerts            = "alerts"
	ComponentDashboard         = "dashboard"
)

// ComponentOf names the status component of a pool role.
func ComponentOf(r plan.Role) string {
	switch r {
	case plan.RoleEtcd:
		return ComponentEtcdPool
	case plan.RoleAPIServer:
		return ComponentAPIServerPool
	default:
		return ComponentControlPlanesPool
	}
}
