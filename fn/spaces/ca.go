package spaces

import (
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// The Secret in the Space cluster the Query API verifies its database's
// server certificate with: the chart's
// apollo.apollo.storage.postgres.connection.ca.name names a Secret with the
// key ca.crt in the release's namespace (upbound/docs,
// docs/reference/uxp-helm-reference.md, "Name of the secret containing the
// CA certificate to verify the connection with";
// self-hosted-spaces-docs/howtos/deploy-query-api.md creates it with
// --from-file=ca.crt=...).
const (
	// CAKey is the composition resource name of the Object that delivers it.
	CAKey = "query-api-ca"
	// CASecretName is the Secret's name in the Spaces namespace.
	CASecretName = "spaces-query-api-postgres-ca"
)

// CA returns the Secret with the database server's CA bundle, in the Spaces
// namespace of the Space cluster, delivered like the credentials: a
// provider-kubernetes Object copies data[ca.crt] from the Secret the cloud
// names (the user's caSecretName, or a key of the connection secret), so
// the function never reads it. With Direct delivery a Secret that already
// holds ca.crt lands in the Spaces namespace and the chart reads it as it
// is; a connection secret's key of another name is still copied. It
// returns nothing without a CA.
func CA(p *plan.Plan, db *cloud.Database, env cloud.Env) []compose.Resource {
	if db == nil || db.CA == nil || readsCASecret(db, env) {
		return nil
	}
	s := &compose.Secret{
		TypeMeta: compose.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		Metadata: compose.ObjectMeta{Name: CASecretName, Namespace: p.Spaces.Namespace, Labels: compose.Labels(env.Labels)},
		Type:     "Opaque",
	}
	ref := compose.ObjectReference{
		PatchesFrom: &compose.PatchesFrom{
			APIVersion: "v1",
			Kind:       "Secret",
			Name:       db.CA.Name,
			Namespace:  sourceNamespace(db.CA.Namespace, env),
			FieldPath:  dataField(db.CA.Key),
		},
		ToFieldPath: dataField(cloud.CAKey),
	}
	return []compose.Resource{env.Delivery.Object(CAKey, cloud.ComponentDatabase, compose.Name(p.XRName, "query-api-ca"), s, ref)}
}

// readsCASecret is true when the chart reads the cloud's CA Secret itself:
// with Direct delivery it is in the Spaces namespace, and it holds ca.crt.
func readsCASecret(db *cloud.Database, env cloud.Env) bool {
	return env.Delivery.Direct && db.CA.Key == cloud.CAKey
}

// CASecret is the Secret in the Spaces namespace the chart reads the CA
// from (connection.ca.name); empty without a CA.
func CASecret(db *cloud.Database, env cloud.Env) string {
	switch {
	case db == nil || db.CA == nil:
		return ""
	case readsCASecret(db, env):
		return db.CA.Name
	default:
		return CASecretName
	}
}

// SSLMode is the sslmode of the Query API's connection: the cloud's
// verifying mode with a CA, else require (encrypted, any server).
func SSLMode(db *cloud.Database) string {
	if db == nil || db.CA == nil || db.CASSLMode == "" {
		return SSLModeRequire
	}
	return db.CASSLMode
}

// sourceNamespace is where an Object reads a management-cluster Secret:
// the XR's namespace when namespaced (the namespaced Object controller
// does not default patchesFrom.namespace), else the Secret's own.
func sourceNamespace(ns string, env cloud.Env) string {
	if env.Scope.Namespaced() {
		return env.Scope.Namespace
	}
	return ns
}
