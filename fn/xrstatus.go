package fn

import (
	"fmt"
	"strconv"

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
			Zones:          pc.Zones,
			NeededNodes:    pc.Needed,
			Binding:        string(pc.Binding),
			Shortfall:      pc.Shortfall(),
			Needs:          needsStatus(pc.Needs),
		})
	}
	return out
}

// needsStatus shows each dimension's need in its unit.
func needsStatus(needs []plan.Need) []spec.PoolNeedStatus {
	out := make([]spec.PoolNeedStatus, 0, len(needs))
	for _, n := range needs {
		ns := spec.PoolNeedStatus{Dimension: string(n.Dimension), MachineType: n.MachineType, Nodes: n.Nodes, Limit: n.Limit, NodesPerZone: n.NodesPerZone}
		format := func(v int64) string { return strconv.FormatInt(v, 10) }
		switch n.Dimension {
		case plan.DimensionCPU, plan.DimensionCPURequests:
			format = func(v int64) string { return resource.NewMilliQuantity(v, resource.DecimalSI).String() }
		case plan.DimensionMemory, plan.DimensionMemoryRequests:
			format = plan.MiQuantity
		}
		ns.Demand, ns.PerNode = format(n.Demand), format(n.PerNode)
		if n.Zones > 1 {
			ns.DemandPerZone = format(n.ZoneDemand)
		}
		out = append(out, ns)
	}
	if len(out) == 0 {
		return nil
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
	if s.Spaces.PullSecretName != spec.DefaultPullSecretName {
		// Spaces chart values reference (1.17), imagePullSecrets: "only an
		// imagePullSecret of upbound-pull-secret is currently supported".
		w = append(w, fmt.Sprintf("spec.spaces.pullSecretName is %q: the Spaces chart supports only the image pull secret %q", s.Spaces.PullSecretName, spec.DefaultPullSecretName))
	}
	if s.Delivery == spec.DeliveryDirect && s.DeletionPolicy == spec.DeletionOrphan {
		// Plain composed objects have no deletionPolicy: the garbage
		// collector deletes them with the XR through their owner references
		// (crossplane/crossplane#6084, #7146).
		w = append(w, "spec.delivery is Direct: the node pool objects, StorageClass, Secret, PrometheusRule and dashboard ConfigMap are plain composed objects that Kubernetes deletes with the XR whatever spec.deletionPolicy says; delete the XR with kubectl delete --cascade=orphan to keep them")
	}
	if s.Spaces.Exposure.Type == spec.ExposureNone {
		// Since Spaces 1.16 the chart exposes nothing by default.
		w = append(w, "spec.spaces.exposure.type is None: nothing outside the Space cluster reaches the Spaces router at "+s.Spaces.RouterHost+
			"; expose it yourself (a LoadBalancer Service, Gateway API or an Ingress), or pick one here")
	}
	if !s.QueryAPI.Enabled {
		w = append(w, "spec.queryAPI.enabled is false: the Query API uses the chart's in-cluster PostgreSQL, which is not the production recommendation")
	}
	return w
}

// routerStatus says where clients reach the router: the host, the way in,
// and, for a load balancer, its address once observed (address is empty
// until then).
func routerStatus(s *spec.Spec, address string, observed bool) *spec.RouterStatus {
	e := s.Spaces.Exposure
	out := &spec.RouterStatus{Host: s.Spaces.RouterHost, Exposure: string(e.Type), Address: address}
	switch {
	case address != "":
		out.Message = "point the DNS record of " + s.Spaces.RouterHost + " at " + address
	case e.Type == spec.ExposureLoadBalancer && observed:
		out.Message = "waiting for the load balancer's address on Service " + s.Spaces.Namespace + "/spaces-router"
	case e.Type == spec.ExposureLoadBalancer:
		out.Message = "point the DNS record of " + s.Spaces.RouterHost + " at the address of Service " + s.Spaces.Namespace + "/spaces-router (status.loadBalancer.ingress[0]) once it has one"
	case e.Type == spec.ExposureGatewayAPI:
		out.Message = "point the DNS record of " + s.Spaces.RouterHost + " at the address of the Gateway (status.addresses[0])"
	case e.Type == spec.ExposureIngress:
		out.Message = "point the DNS record of " + s.Spaces.RouterHost + " at the address of the Ingress controller's load balancer"
	default:
		out.Message = "not exposed: spec.spaces.exposure.type is None"
	}
	return out
}
