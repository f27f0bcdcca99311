package aws

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
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

// TestMinNodesWarnings: Karpenter keeps no floor, so a minNodes above what
// the pods keep busy (3 etcd members, 2 API servers, 1 general node with
// HA) is reported, naming the field.
func TestMinNodesWarnings(t *testing.T) {
	p := &plan.Plan{
		Capacity: plan.Capacity{EtcdMembersPerControlPlane: 3, APIServersPerControlPlane: 2},
		Pools: []plan.Pool{
			{Role: plan.RoleEtcd, SpecField: "etcd", MinNodes: 3},
			{Role: plan.RoleAPIServer, SpecField: "apiServer", MinNodes: 4},
			{Role: plan.RoleControlPlanes, SpecField: "controlPlanes", MinNodes: 4},
		},
	}
	want := []string{
		"spec.nodePools.apiServer.minNodes is 4, but a Karpenter NodePool keeps no minimum: the pool holds the nodes its pods need (at least 2 while a control plane runs), not 4 idle ones",
		"spec.nodePools.controlPlanes.minNodes is 4, but a Karpenter NodePool keeps no minimum: the pool holds the nodes its pods need (at least 1 while a control plane runs), not 4 idle ones",
	}
	if diff := cmp.Diff(want, Warnings(cloud.In{Plan: p})); diff != "" {
		t.Errorf("warnings: -want +got:\n%s", diff)
	}
	// The defaults (3 etcd, 2 API server, 3 general nodes) warn nowhere:
	// every minimal XR would carry the same warning.
	p.Pools[1].MinNodes, p.Pools[2].MinNodes = 2, 3
	if got := Warnings(cloud.In{Plan: p}); len(got) != 0 {
		t.Errorf("the default minNodes warn: %q", got)
	}
}
