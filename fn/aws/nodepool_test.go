package aws

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// TestNodePoolDisruption: the etcd and API server pools never expire and
// lose at most one node at a time for any reason (drift included); the
// general pool expires after 30 days and consolidates 10% at a time.
func TestNodePoolDisruption(t *testing.T) {
	cases := map[string]struct {
		pool       plan.Pool
		expire     string
		disruption Disruption
	}{
		"Etcd": {
			pool:       plan.Pool{Role: plan.RoleEtcd, Conservative: true, MaxNodes: 12},
			expire:     "Never",
			disruption: Disruption{ConsolidationPolicy: "WhenEmpty", ConsolidateAfter: "30m", Budgets: []Budget{{Nodes: "1"}}},
		},
		"APIServer": {
			pool:       plan.Pool{Role: plan.RoleAPIServer, Conservative: true, MaxNodes: 13},
			expire:     "Never",
			disruption: Disruption{ConsolidationPolicy: "WhenEmpty", ConsolidateAfter: "30m", Budgets: []Budget{{Nodes: "1"}}},
		},
		"ControlPlanes": {
			pool:       plan.Pool{Role: plan.RoleControlPlanes, MaxNodes: 40},
			expire:     "720h",
			disruption: Disruption{ConsolidationPolicy: "WhenEmptyOrUnderutilized", ConsolidateAfter: "5m", Budgets: []Budget{{Nodes: "10%"}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			np := nodePool("x", &tc.pool, nil, nil)
			if got := np.Spec.Template.Spec.ExpireAfter; got != tc.expire {
				t.Errorf("expireAfter = %q, want %q", got, tc.expire)
			}
			if diff := cmp.Diff(&tc.disruption, np.Spec.Disruption); diff != "" {
				t.Errorf("disruption: -want +got:\n%s", diff)
			}
		})
	}
}
