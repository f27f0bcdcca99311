package fn

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// capacityStatus is status.capacityPlan: the numbers behind the pool sizes.
func capacityStatus(p *plan.Plan) *spec.CapacityPlanStatus {
	c := p.Capacity
	out := &spec.CapacityPlanStatus{
		ControlPlanes:                   c.ControlPlanes,
		ManagedResourcesPerControlPlane: c.ManagedResourcesPerControlPlane,
		ProviderCRDsPerControlPlane:     c.ProviderCRDsPerControlPlane,
		BufferPercent:                   plan.BufferPercent,
	}
	for _, pc := range c.Pools {
		src := "user"
		if pc.Computed {
			src = "computed"
		}
		out.Pools = append(out.Pools, spec.PoolPlanStatus{
			Name:           poolName(pc.Role),
			CPU:            resource.NewMilliQuantity(pc.Demand.MilliCPU, resource.DecimalSI).String(),
			Memory:         plan.MiQuantity(pc.Demand.MemoryBytes),
			Basis:          pc.Basis,
			MachineType:    pc.MachineType,
			MinNodes:       pc.MinNodes,
			MaxNodes:       pc.MaxNodes,
			MaxNodesSource: src,
		})
	}
	return out
}

func poolName(r plan.Role) string {
	switch r {
	case plan.RoleEtcd:
		return "etcd"
	case plan.RoleAPIServer:
		return "apiServer"
	default:
		return "controlPlanes"
	}
}

// warnings lists the degraded choices of a valid spec, once each, in a
// fixed order.
func warnings(s *spec.Spec) []string {
	var w []string
	if !s.HighAvailability {
		w = append(w, "spec.highAvailability is false: single etcd member and API server per control plane; not for production")
	}
	if len(s.Zones) < 3 {
		w = append(w, fmt.Sprintf("spec.zones has %d zone(s): a zone outage can take the Space down; use 3 for production", len(s.Zones)))
	}
	if int(s.NodePools.Etcd.MinNodes) < len(s.Zones) {
		w = append(w, fmt.Sprintf("spec.nodePools.etcd.minNodes (%d) is below the number of zones (%d): some zones start with no etcd node", s.NodePools.Etcd.MinNodes, len(s.Zones)))
	}
	if !s.QueryAPI.Enabled {
		w = append(w, "spec.queryAPI.enabled is false: the Query API uses the chart's in-cluster PostgreSQL, which is not the production recommendation")
	}
	return w
}
