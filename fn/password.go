package fn

import (
	"slices"

	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// Keeping a generated database password across re-adoption (issue 22).
//
// Where the provider generates the database's password (AWS and Azure,
// without queryAPI.postgres.passwordSecretName), upjet's PasswordGenerator
// writes it into <xr>-postgres-password and makes the managed resource the
// Secret's owner. Deleting an XR whose database is orphaned deletes the
// managed resource, so Kubernetes collects the Secret; a new XR that adopts
// the database gets a new password, which the provider sets on it. With
// providerConfigs.management (provider-kubernetes in the cluster where
// Crossplane runs) the function:
//   - keeps a copy, <xr>-postgres-password-kept, through an orphaned Object
//     (the keeper) composed once the database is observed ready;
//   - on a new XR (the database not observed) asks Crossplane for that
//     copy; where it exists, restores the generated Secret from it through
//     another orphaned Object and composes the database only once that
//     Object is ready: the provider finds the password and neither
//     generates one nor owns the Secret.
//
// The password passes through neither the function nor the desired state:
// both Objects copy it with references, and of the kept Secret the
// function reads only whether its data has the key.

// Composition resource names and the required resource of the keeper.
const (
	// KeyPasswordKeeper is the Object that writes the kept copy.
	KeyPasswordKeeper = "database-password-keeper"
	// KeyPasswordRestore is the Object that restores the generated Secret
	// from the kept copy.
	KeyPasswordRestore = "database-password-restore"
	// RequirementKeptPassword is the key of the required resource: the kept
	// copy.
	RequirementKeptPassword = "database-password-kept"
)

// Kept is what the request says of the kept copy of the password.
type Kept int

// The states of the kept copy.
const (
	// KeptUnknown: Crossplane has not answered the requirement (the first
	// call of a reconcile, whose response it discards when the
	// requirements change, or a runner without required resources).
	KeptUnknown Kept = iota
	// KeptAbsent: no such Secret, or its data lacks the key.
	KeptAbsent
	// KeptPresent: the Secret exists with the key.
	KeptPresent
)

// keptPassword reads the kept copy's state from the request's required
// resources: only whether its data has a non-empty password key, never the
// value.
func keptPassword(req *fnv1.RunFunctionRequest) Kept {
	rs, ok := req.GetRequiredResources()[RequirementKeptPassword]
	if !ok {
		return KeptUnknown
	}
	for _, r := range rs.GetItems() {
		if hasPassword(r.GetResource()) {
			return KeptPresent
		}
	}
	return KeptAbsent
}

// hasPassword says whether a Secret's data has a non-empty password key.
func hasPassword(s *structpb.Struct) bool {
	return s.GetFields()["data"].GetStructValue().GetFields()[cloud.PasswordKey].GetStringValue() != ""
}

// passwordKeeping is what the function composes and asks for to keep a
// generated password.
type passwordKeeping struct {
	// Resources to compose: the keeper, the restore, or neither.
	Resources []compose.Resource
	// Require is the kept copy to ask Crossplane for; nil when not needed.
	Require *compose.SecretReference
	// Hold is true when the database instance must not be composed yet.
	Hold bool
	// HoldReason says why, for status.components.
	HoldReason string
	// Warning when the password cannot be kept; "" otherwise.
	Warning string
}

// NoManagementProviderConfigWarning is the warning of a generated password
// that nothing keeps.
func NoManagementProviderConfigWarning(secret string) string {
	return "the database's password is generated into Secret " + secret + ", which Kubernetes deletes with the database's managed resource when the XR is deleted; " +
		"the database outlives the XR (it is orphaned), and an XR that adopts it again gets a new password set on it. " +
		"Set spec.providerConfigs.management (provider-kubernetes in the cluster where Crossplane runs) to keep a copy, " +
		"or spec.queryAPI.postgres.passwordSecretName to use a Secret of your own"
}

// keepPassword decides the keeper, the restore and the hold for a rendered
// database (db, nil without one).
func keepPassword(req Request, obs *status.Observed, s *spec.Spec, in cloud.In, db *cloud.Database) passwordKeeping {
	var out passwordKeeping
	if db == nil {
		return out
	}
	sel, generate := cloud.Password(in)
	if !generate || !in.Env.Scope.Orphans(compose.Protection(in.Plan.Database.DeletionProtection)) {
		return out
	}
	if s.ProviderConfigs.Management == "" {
		out.Warning = NoManagementProviderConfigWarning(sel.Name)
		return out
	}
	ns := sel.Namespace
	if in.Env.Scope.Namespaced() {
		ns = in.Env.Scope.Namespace
	}
	kept := compose.Name(in.Plan.XRName, "postgres", "password", "kept")
	mgmt := compose.Delivery{Scope: in.Env.Scope, ProviderConfig: s.ProviderConfigs.Management}

	observed := req.Observed[db.Key] != nil
	if !observed {
		out.Require = &compose.SecretReference{Name: kept, Namespace: ns}
	}
	if ready, _ := obs.Ready(db.Key); ready || req.Observed[KeyPasswordKeeper] != nil {
		out.Resources = append(out.Resources, orphaned(in.Env.Scope, mgmt.Object(KeyPasswordKeeper, cloud.ComponentDatabase,
			compose.Name(in.Plan.XRName, "postgres", "password", "keeper"),
			passwordSecret(kept, ns, in.Env.Labels), copyPassword(sel.Name, ns, sel.Key))))
	}
	restoreObserved := req.Observed[KeyPasswordRestore]
	if restoreObserved != nil || (!observed && req.Kept == KeptPresent) {
		out.Resources = append(out.Resources, orphaned(in.Env.Scope, mgmt.Object(KeyPasswordRestore, cloud.ComponentDatabase,
			compose.Name(in.Plan.XRName, "postgres", "password", "restore"),
			passwordSecret(sel.Name, ns, in.Env.Labels), copyPassword(kept, ns, cloud.PasswordKey))))
		if ready, _ := obs.Ready(KeyPasswordRestore); !observed && !ready {
			out.Hold = true
			out.HoldReason = db.Key + ": not composed until " + KeyPasswordRestore + " restores the password Secret " + sel.Name +
				" from " + kept + ", so that the adopted database keeps its password"
		}
	}
	return out
}

// passwordSecret is the manifest of a Secret the keeper or the restore
// writes: no data but what the Object's reference copies in.
func passwordSecret(name, ns string, labels map[string]string) *compose.Secret {
	return &compose.Secret{
		TypeMeta: compose.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		Metadata: compose.ObjectMeta{Name: name, Namespace: ns, Labels: compose.Labels(labels)},
		Type:     "Opaque",
	}
}

// copyPassword copies the password key of the Secret name (in ns, always
// written: the namespaced Object controller does not default it) to the
// manifest's password key.
func copyPassword(name, ns, key string) compose.ObjectReference {
	return compose.ObjectReference{
		PatchesFrom: &compose.PatchesFrom{APIVersion: "v1", Kind: "Secret", Name: name, Namespace: ns, FieldPath: "data." + key},
		ToFieldPath: "data." + cloud.PasswordKey,
	}
}

// orphaned makes an Object's Secret outlive the XR: deletionPolicy Orphan,
// or for a namespaced Object every management policy but Delete.
func orphaned(scope compose.Scope, r compose.Resource) compose.Resource {
	o := r.Object.(*compose.Object) //nolint:forcetypeassert // Delivery.Object returns one.
	o.Spec.ManagedSpec = scope.Managed(o.Spec.ProviderConfigRef.Name, compose.Orphan)
	return r
}

// requireSecret is the selector of a required Secret.
func requireSecret(ref *compose.SecretReference) *fnv1.ResourceSelector {
	ns := ref.Namespace
	return &fnv1.ResourceSelector{
		ApiVersion: "v1",
		Kind:       "Secret",
		Match:      &fnv1.ResourceSelector_MatchName{MatchName: ref.Name},
		Namespace:  &ns,
	}
}

// holdDatabase leaves the database instance out of the composed resources.
func holdDatabase(rs []compose.Resource, key string) []compose.Resource {
	return slices.DeleteFunc(rs, func(r compose.Resource) bool { return r.Key == key })
}

// setHoldReason marks the database component not ready with why it is held.
func setHoldReason(cs []spec.ComponentStatus, why string) []spec.ComponentStatus {
	for i := range cs {
		if cs[i].Name == cloud.ComponentDatabase {
			cs[i].Ready = false
			cs[i].Reason = why
			return cs
		}
	}
	return append(cs, spec.ComponentStatus{Name: cloud.ComponentDatabase, Ready: false, Reason: why})
}
