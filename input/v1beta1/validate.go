package v1beta1

import (
	"maps"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxEntries bounds labels and tags, as the MaxProperties markers do.
const maxEntries = 32

// Validate checks the input the way Kubernetes will check what the function
// writes from it: labels and tags become Kubernetes labels (on objects and
// nodes) or cloud tags and labels, and the connection secret namespace is a
// namespace name. Crossplane does not validate a function's input against
// its CRD, so the function does. Paths start at the step's input.
func (in *Input) Validate() field.ErrorList {
	p := field.NewPath("input")
	var errs field.ErrorList
	errs = append(errs, labelMap(p.Child("labels"), in.Labels)...)
	errs = append(errs, labelMap(p.Child("tags"), in.Tags)...)
	if ns := in.ConnectionSecretNamespace; ns != "" {
		for _, e := range validation.IsDNS1123Label(ns) {
			errs = append(errs, field.Invalid(p.Child("connectionSecretNamespace"), ns, e))
		}
	}
	errs = append(errs, ttl(p.Child("ttl"), in.TTL)...)
	errs = append(errs, ttl(p.Child("readyTTL"), in.ReadyTTL)...)
	return errs
}

// maxTTL bounds a TTL: a day is already far past any useful resync.
const maxTTL = 24 * time.Hour

// ttl checks a TTL: positive (Crossplane takes zero as never expiring) and
// at most maxTTL.
func ttl(p *field.Path, d *metav1.Duration) field.ErrorList {
	switch {
	case d == nil:
		return nil
	case d.Duration <= 0:
		return field.ErrorList{field.Invalid(p, d.Duration.String(), "must be positive: Crossplane reads a zero TTL as no expiry")}
	case d.Duration > maxTTL:
		return field.ErrorList{field.Invalid(p, d.Duration.String(), "must be at most "+maxTTL.String())}
	}
	return nil
}

// labelMap checks that every key is a label key (an optional DNS subdomain
// prefix and a name) and every value a label value.
func labelMap(p *field.Path, m map[string]string) field.ErrorList {
	var errs field.ErrorList
	if len(m) > maxEntries {
		errs = append(errs, field.TooMany(p, len(m), maxEntries))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		for _, e := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, "key: "+e))
		}
		for _, e := range validation.IsValidLabelValue(m[k]) {
			errs = append(errs, field.Invalid(p.Key(k), m[k], e))
		}
	}
	return errs
}
