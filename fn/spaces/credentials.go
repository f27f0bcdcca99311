package spaces

import (
	"encoding/base64"
	"regexp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// The Query API's credentials Secret in the Space cluster.
const (
	// CredentialsKey is the composition resource name of the Secret.
	CredentialsKey = "query-api-credentials"
	// CredentialsSecretName is the Secret's name in the Spaces namespace.
	CredentialsSecretName = "spaces-query-api-postgres"
	// SecretTypeBasicAuth is the type of the Secret: keys username and
	// password, what the chart's basicauth format reads.
	SecretTypeBasicAuth = "kubernetes.io/basic-auth"
	// KeyUsername and KeyPassword are the Secret's keys.
	KeyUsername = "username"
	KeyPassword = "password"
)

// Credentials returns the Secret the Query API reads its database
// credentials from, in the Spaces namespace of the Space cluster.
//
// The manifest carries the username (not a secret) and never the password:
// the provider-kubernetes Object that delivers it copies data.password from
// the management-cluster Secret that holds it (db.PasswordSecret), so the
// password never enters the desired state.
//
// With Direct delivery the database's connection secret lands in the
// Spaces namespace; where it holds the login as the Query API uses it
// (db.ConnectionSecretHasLogin), Credentials returns nothing and the
// release reads that Secret (see CredentialsSecret). Where it does not
// (Cloud SQL writes no login, Azure's username carries an @server suffix),
// the Secret is still composed through an Object, which with Direct
// delivery runs in the Space cluster and copies the password from the
// Secret there. It returns nothing, too, when there is no external database.
func Credentials(p *plan.Plan, db *cloud.Database, env cloud.Env) []compose.Resource {
	if db == nil || readsConnectionSecret(db, env) {
		return nil
	}
	s := &compose.Secret{
		TypeMeta: compose.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		Metadata: compose.ObjectMeta{
			Name:      CredentialsSecretName,
			Namespace: p.Spaces.Namespace,
			Labels:    compose.Labels(env.Labels),
		},
		Type: SecretTypeBasicAuth,
		Data: map[string]string{KeyUsername: base64.StdEncoding.EncodeToString([]byte(db.Username))},
	}
	password := compose.ObjectReference{
		PatchesFrom: &compose.PatchesFrom{
			APIVersion: "v1",
			Kind:       "Secret",
			Name:       db.PasswordSecret.Name,
			Namespace:  passwordSecretNamespace(db, env),
			FieldPath:  dataField(db.PasswordSecret.Key),
		},
		ToFieldPath: dataField(KeyPassword),
	}
	return []compose.Resource{env.Delivery.Object(CredentialsKey, cloud.ComponentDatabase,
		compose.Name(p.XRName, "query-api-credentials"), s, password)}
}

// readsConnectionSecret is true when the release reads the database's
// connection secret itself: with Direct delivery, when it holds the login.
func readsConnectionSecret(db *cloud.Database, env cloud.Env) bool {
	return env.Delivery.Direct && db.ConnectionSecretHasLogin
}

// CredentialsSecret is the name of the Secret in the Spaces namespace that
// holds the Query API's database credentials: the Secret Credentials
// delivers, or, with Direct delivery, the connection secret the cloud
// renderer writes there.
func CredentialsSecret(db *cloud.Database, env cloud.Env) string {
	if db != nil && readsConnectionSecret(db, env) {
		return db.ConnectionSecret.Name
	}
	return CredentialsSecretName
}

var simpleKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// dataField is the field path of a Secret's data key; keys with dots or
// other characters a field path treats specially are bracketed.
func dataField(key string) string {
	if simpleKey.MatchString(key) {
		return "data." + key
	}
	return "data[" + key + "]"
}

// passwordSecretNamespace is where the Object reads the password from. A
// namespaced XR's managed resources write their connection secrets in the
// XR's namespace, and its user Secrets live there too; the namespaced
// Object controller does not default patchesFrom.namespace (it looks the
// reference up with the namespace as written, so an empty one fails:
// crossplane-contrib/provider-kubernetes v1.2,
// internal/controller/namespaced/object/object.go, resolveReferencies), so
// the namespace is always written.
func passwordSecretNamespace(db *cloud.Database, env cloud.Env) string {
	return sourceNamespace(db.PasswordSecret.Namespace, env)
}
