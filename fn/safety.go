package fn

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// checkCloudUnchanged refuses a change of spec.cloud: the cloud the XR
// composed for is recorded in status.cloud, and the XRD makes the field
// immutable too (render and old XRDs do not enforce that).
func checkCloudUnchanged(was spec.Cloud, s *spec.Spec) *field.Error {
	if was == "" || was == s.Cloud { // Empty when not recorded yet.
		return nil
	}
	return field.Forbidden(field.NewPath("spec", "cloud"), fmt.Sprintf(
		"cloud is immutable: this XR runs on %s; moving a Space to another cloud means a new XR (the database on %s would be lost)", was, was))
}

// checkNoDataLoss refuses to drop or replace an observed database resource
// (instance, database, user, subnet group, configuration) because the spec
// changed, unless spec.queryAPI.postgres.allowReplacement says so. Crossplane
// deletes a composed resource that leaves the desired state; for a database
// that is the Query API's data.
func checkNoDataLoss(observed map[string]*unstructured.Unstructured, desired []compose.Resource, s *spec.Spec) *field.Error {
	if s.QueryAPI.Postgres.AllowReplacement {
		return nil
	}
	want := map[string]schema.GroupKind{}
	for _, r := range desired {
		if r.Component == cloud.ComponentDatabase {
			want[r.Key] = r.GroupKind()
		}
	}
	var lost []string
	for key, o := range observed {
		// The password's keeper and restore Objects orphan their Secrets:
		// dropping them (the password becomes the user's, the database is
		// no longer orphaned) deletes nothing.
		if !isDatabaseObserved(key, o) || key == KeyPasswordKeeper || key == KeyPasswordRestore {
			continue
		}
		if gk, ok := want[key]; !ok || gk != o.GroupVersionKind().GroupKind() {
			lost = append(lost, fmt.Sprintf("%s (%s %s)", key, o.GetKind(), o.GetName()))
		}
	}
	if len(lost) == 0 {
		return nil
	}
	slices.Sort(lost)
	return field.Forbidden(field.NewPath("spec", "queryAPI"), fmt.Sprintf(
		"this change would delete or replace the Query API database: %s; set spec.queryAPI.postgres.allowReplacement: true to do it on purpose (back up first)",
		strings.Join(lost, ", ")))
}

// isDatabaseObserved is true for an observed resource of the function's
// database: one it labelled so (compose.LabelComponent). A resource without
// that label, composed by a version of the function before it, counts when
// its name is one of the clouds' database keys; any other resource, such as
// another pipeline step's "database-backup-bucket", is not the function's.
func isDatabaseObserved(key string, o *unstructured.Unstructured) bool {
	if o == nil || o.Object == nil {
		return false
	}
	if c, ok := o.GetLabels()[compose.LabelComponent]; ok {
		return c == cloud.ComponentDatabase
	}
	for _, c := range registry {
		if slices.Contains(c.DatabaseKeys, key) {
			return true
		}
	}
	return false
}
