package fn

import (
	"slices"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// What lives in the Spaces namespace is composed once the Release is
// observed (Helm creates the namespace), and stays once observed.
func TestSpacesNamespaceWaitsForTheRelease(t *testing.T) {
	inNamespace := []string{"alerts", "dashboard", "query-api-ca", "query-api-credentials"}
	observedAlerts := map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "metadata": map[string]any{"name": "prod-use1-alerts"}}
	cases := map[string]struct {
		observed map[string]map[string]any
		dashNS   string
		want     []string // of inNamespace, the keys composed
	}{
		"first reconcile: none":               {want: nil},
		"Release observed, not ready: all":    {observed: map[string]map[string]any{"spaces-release": observedRelease(false)}, want: inNamespace},
		"Release gone, alerts observed":       {observed: map[string]map[string]any{"alerts": observedAlerts}, want: []string{"alerts"}},
		"dashboard in a namespace of its own": {dashNS: "monitoring", want: []string{"dashboard"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, "../example/xr-aws.yaml")
			if tc.dashNS != "" {
				testutil.Set(xr, "spec.monitoring.dashboard.namespace", tc.dashNS)
			}
			rsp := run(t, newRequest(t, xr, tc.observed))
			var got []string
			for _, k := range inNamespace {
				if _, ok := rsp.GetDesired().GetResources()[k]; ok {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("composed %v of %v, want %v", got, inNamespace, tc.want)
			}
		})
	}
}
