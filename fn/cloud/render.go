package cloud

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// KeyStorageClass is the composition resource name of the etcd StorageClass.
const KeyStorageClass = "etcd-storageclass"

// What every cloud's PostgreSQL shares.
const (
	// Engine is the database engine, as status.database reports it.
	Engine = "postgres"
	// PostgresPort is the port every managed PostgreSQL listens on.
	PostgresPort = 5432
	// PasswordKey is the key of the Secret that holds the password, in the
	// user's passwordSecretName and in what the providers generate.
	PasswordKey = "password"
)

// Render renders a validated plan (see ValidatePlan) for the cloud: each
// pool in the plan's order, the etcd StorageClass, and the database when
// the plan has one.
func (c *Cloud) Render(p *plan.Plan, s *spec.Spec, env Env) *Output {
	in := In{Plan: p, Spec: s, Env: env}
	out := &Output{}
	for i := range p.Pools {
		out.Resources = append(out.Resources, c.NodePool(in, &p.Pools[i])...)
	}
	provisioner, params := c.StorageClass(in)
	sc := compose.NewStorageClass(p.Storage.ClassName, provisioner, params)
	sc.Metadata.Labels = env.Labels
	out.Resources = append(out.Resources, env.Delivery.InCluster(KeyStorageClass, ComponentStorage,
		compose.Name(p.XRName, "etcd", "storageclass"), sc))
	if p.Database != nil {
		rs, db := c.Database(in)
		out.Resources = append(out.Resources, rs...)
		out.Database = db
	}
	return out
}

// NodeLabels are the input's labels and the pool's own; the pool's win.
func NodeLabels(pool *plan.Pool, extra map[string]string) map[string]string {
	own := make(map[string]string, len(pool.Labels))
	for _, l := range pool.Labels {
		own[l.Key] = l.Value
	}
	return compose.Labels(extra, own)
}

// CAKey is the key of the Secret that holds a CA bundle, in the user's
// caSecretName and in the Secret the chart reads (connection.ca.name).
const CAKey = "ca.crt"

// The sslmodes the Query API verifies its database with (libpq's).
const (
	SSLModeVerifyFull = "verify-full"
	SSLModeVerifyCA   = "verify-ca"
)

// UserCA selects the user's caSecretName (key ca.crt), beside the
// password's Secret; nil when the user named none.
func UserCA(in In) *compose.SecretKeySelector {
	name := in.Plan.Database.CASecretName
	if name == "" {
		return nil
	}
	return in.Env.Scope.SecretKey(name, in.Env.SecretNamespace, CAKey)
}

// Password selects the Secret key that holds the database's password: the
// user's passwordSecretName, or the Secret the provider generates the
// password into (generate is then true). Either way the password never
// passes through the function.
func Password(in In) (sel *compose.SecretKeySelector, generate bool) {
	name := in.Plan.Database.PasswordSecretName
	if name != "" {
		return in.Env.Scope.SecretKey(name, in.Env.SecretNamespace, PasswordKey), false
	}
	return in.Env.Scope.SecretKey(compose.Name(in.Plan.XRName, "postgres", "password"), in.Env.SecretNamespace, PasswordKey), true
}
