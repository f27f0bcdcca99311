package fn

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// deletesExternal says whether deleting a composed managed resource deletes
// what it manages, as crossplane-runtime decides it
// (pkg/reconciler/managed/policies.go): non-default management policies
// decide by containing Delete (or *), whatever the deletionPolicy; the
// default policies ["*"] follow deletionPolicy, which namespaced managed
// resources do not have (they delete).
func deletesExternal(res map[string]any) bool {
	spec, _ := res["spec"].(map[string]any)
	if mp, ok := spec["managementPolicies"].([]any); ok && len(mp) > 0 {
		return slices.Contains(mp, any("Delete")) || slices.Contains(mp, any("*"))
	}
	return spec["deletionPolicy"] != "Orphan"
}

func isManagedResource(res map[string]any) bool {
	av, _ := res["apiVersion"].(string)
	group, _, _ := strings.Cut(av, "/")
	return strings.HasSuffix(group, "crossplane.io") || strings.HasSuffix(group, "upbound.io")
}

// databaseInstances are the keys of the database instances, which follow
// queryAPI.postgres.deletionProtection whatever spec.deletionPolicy says.
var databaseInstances = []string{"database-instance", "database-server"}

// TestDeletionPolicy proves that deleting the XR never takes the Space
// down by default: with spec.deletionPolicy Orphan (the default) no
// composed managed resource deletes what it manages; with Delete every one
// does, except the database under deletionProtection.
func TestDeletionPolicy(t *testing.T) {
	for _, path := range exampleXRs(t) {
		if strings.Contains(path, "direct") {
			continue // plain manifests; see TestDeletionPolicyDirectWarns
		}
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if filepath.Base(filepath.Dir(path)) == "namespaced" {
			name = "namespaced-" + name
		}
		for _, policy := range []string{"", "Orphan", "Delete"} {
			t.Run(name+"/"+policy, func(t *testing.T) {
				xr := readXR(t, path)
				testutil.Set(xr, "spec.queryAPI.postgres.deletionProtection", true)
				if policy != "" {
					testutil.Set(xr, "spec.deletionPolicy", policy)
				}
				rsp := run(t, newRequest(t, xr, nil))
				if len(rsp.GetDesired().GetResources()) == 0 {
					t.Fatalf("nothing composed: %v", rsp.GetResults())
				}
				managed := 0
				for key, r := range rsp.GetDesired().GetResources() {
					res := r.GetResource().AsMap()
					if !isManagedResource(res) {
						continue
					}
					managed++
					got := deletesExternal(res)
					want := policy == "Delete" && !slices.Contains(databaseInstances, key)
					if strings.HasPrefix(key, "database") && !slices.Contains(databaseInstances, key) {
						continue // the database's parts follow its renderer's choice
					}
					if got != want {
						t.Errorf("%s: deleting the XR deletes it = %v, want %v (deletionPolicy %v, managementPolicies %v)",
							key, got, want, testutil.Get(res, "spec", "deletionPolicy"), testutil.Get(res, "spec", "managementPolicies"))
					}
				}
				if managed == 0 {
					t.Error("no managed resource composed")
				}
			})
		}
	}
}

// TestDeletionPolicyDirectWarns: plain composed objects cannot be orphaned
// by a policy, so Direct delivery with Orphan says how to keep them.
func TestDeletionPolicyDirectWarns(t *testing.T) {
	rsp := run(t, newRequest(t, readXR(t, "../example/xr-aws-direct.yaml"), nil))
	for _, r := range rsp.GetResults() {
		if strings.Contains(r.GetMessage(), "--cascade=orphan") {
			return
		}
	}
	t.Errorf("no warning about deleting a Direct XR: %v", rsp.GetResults())
}
