// Package cloud is the contract between the function and its per-cloud
// renderers: what a renderer is given (the plan and the environment) and
// what it returns (resources, and how to reach the database it composed).
// It holds no cloud's knowledge.
package cloud

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// A Renderer turns the plan into one cloud's resources.
type Renderer interface {
	// Catalog sizes the cloud's machine types.
	plan.Catalog
	// Defaults are the cloud's default machine types and instance size.
	Defaults() spec.CloudDefaults
	// Render returns the cloud's resources for the plan.
	Render(p *plan.Plan, env Env) (*Output, error)
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
}

// Output is what a renderer returns.
type Output struct {
	// Resources in a deterministic order.
	Resources []compose.Resource
	// Database is how to reach the database the renderer composed; nil when
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
	// renderer); the release uses it where EndpointKey is empty.
	Endpoint string
	// PasswordSecret is the Secret (and key) that holds the password: the
	// connection secret, or the user's passwordSecretName.
	PasswordSecret compose.SecretKeySelector
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

// A PlanValidator checks what only its cloud knows (SKU names, tier
// limits) and names the field to fix. Renderers may implement it.
type PlanValidator interface {
	ValidatePlan(p *plan.Plan) field.ErrorList
}

// A SpecValidator checks cloud rules on the spec itself. Renderers may
// implement it.
type SpecValidator interface {
	ValidateSpec(s *spec.Spec) field.ErrorList
}

// A Warner reports degraded choices its cloud had to make. Renderers may
// implement it.
type Warner interface {
	Warnings(p *plan.Plan) []string
}
