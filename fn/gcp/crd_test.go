package gcp_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestResourcesMatchCRDs validates every resource the renderer composes,
// cluster-scoped and namespaced, delivered through Objects and directly,
// against the upstream CRDs (served, not deprecated versions; unknown
// fields, types, enums and CEL rules).
func TestResourcesMatchCRDs(t *testing.T) {
	crdvalidate.Require(t)
	for _, tc := range []struct {
		name      string
		namespace string
		direct    bool
		patch     map[string]any
	}{
		{name: "cluster-scoped"},
		{name: "cluster-scoped direct", direct: true},
		{name: "namespaced", namespace: "spaces"},
		{name: "unprotected zonal", patch: map[string]any{"spec.queryAPI.postgres.deletionProtection": false, "spec.queryAPI.postgres.highAvailability": false}},
		{name: "enterprise plus", patch: map[string]any{"spec.queryAPI.postgres.instanceSize": "db-perf-optimized-N-8"}},
		{name: "no project", namespace: "spaces", patch: map[string]any{"spec.gcp": map[string]any{"privateNetwork": "projects/p/global/networks/n"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			xr := exampleXR(t)
			for k, val := range tc.patch {
				testutil.Set(xr, k, val)
			}
			cloudtest.MatchCRDs(t, render(t, xr, env(tc.namespace, tc.direct)))
		})
	}
}
