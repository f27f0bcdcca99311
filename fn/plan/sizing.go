package plan

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// sizePool sizes one pool: each dimension's need over the pool's known
// machine types, the computed maxNodes, and what the user's maxNodes
// leaves short. It never clamps: a need above PoolNodeLimit is an error
// naming the field to change, a user's maxNodes below the need a warning.
func sizePool(role Role, pool string, controlPlanes int32, np spec.NodePool, d PoolDemand, cat Catalog) (PoolCapacity, field.ErrorList, []string) {
	fp := field.NewPath("spec", "nodePools", pool)
	pc := PoolCapacity{
		Role: role, Volumes: d.Volumes, Pods: d.Pods,
		// What the pool must hold: the usage estimate or the pods'
		// requests, whichever is larger.
		Demand: Resources{
			MilliCPU:    max(d.Resources.MilliCPU, d.Requests.MilliCPU),
			MemoryBytes: max(d.Resources.MemoryBytes, d.Requests.MemoryBytes),
		},
		MinNodes: np.MinNodes, MaxNodes: np.MaxNodes,
	}
	var machines []TypedMachine
	for _, t := range np.MachineTypes {
		if m, ok := cat.Machine(t); ok {
			machines = append(machines, TypedMachine{Type: t, Machine: m})
			continue
		}
		pc.Unknown = append(pc.Unknown, t)
	}
	if d.PerZone != nil {
		pc.Zones = d.PerZone.Zones
	}
	pc.Known = len(machines) > 0
	if !pc.Known {
		if len(np.MachineTypes) > 0 {
			pc.MachineType = np.MachineTypes[0]
		}
		if pc.MaxNodes == 0 {
			return pc, field.ErrorList{field.Required(fp.Child("maxNodes"), fmt.Sprintf(
				"machine type %q is not in the function's catalog, so maxNodes cannot be computed: set maxNodes, or use a known machine type", pc.MachineType))}, nil
		}
		return pc, nil, nil
	}

	pc.Needs, pc.Binding, pc.Needed = Size(d, np.MinNodes, machines)
	pc.MachineType = machines[0].Type
	for _, n := range pc.Needs {
		if n.Dimension == pc.Binding && n.MachineType != "" {
			pc.MachineType = n.MachineType
		}
	}
	for _, m := range machines {
		if m.Type == pc.MachineType {
			pc.Machine = m.Machine
		}
	}

	var warns []string
	if len(pc.Unknown) > 0 {
		known := make([]string, 0, len(machines))
		for _, m := range machines {
			known = append(known, m.Type)
		}
		warns = append(warns, fmt.Sprintf(
			"%s lists machine types the function's catalog does not know (%s): the capacity plan sizes the pool for %s; set %s if the unknown types hold less",
			fp.Child("machineTypes"), strings.Join(pc.Unknown, ", "), strings.Join(known, ", "), fp.Child("maxNodes")))
	}

	binding := pc.need(pc.Binding)
	if pc.MaxNodes == 0 {
		if pc.Needed > PoolNodeLimit {
			return pc, field.ErrorList{field.Invalid(field.NewPath("spec", "capacity", "controlPlanes"), controlPlanes, fmt.Sprintf(
				"the %s pool would need %d nodes (%s), above the %d nodes a pool can have: lower it, or list larger machine types in %s",
				pool, pc.Needed, binding, PoolNodeLimit, fp.Child("machineTypes")))}, warns
		}
		pc.MaxNodes = int32(pc.Needed) //nolint:gosec // bounded by PoolNodeLimit above.
		pc.Computed = true
	} else if short := pc.Shortfall(); short > 0 {
		// The user wins: the pool is rendered as asked, and told once.
		warns = append(warns, fmt.Sprintf(
			"%s is %d, below the %d nodes the capacity plan needs (%s): %d nodes short; pods beyond %d nodes stay Pending",
			fp.Child("maxNodes"), pc.MaxNodes, pc.Needed, binding, short, pc.MaxNodes))
	}
	pc.Limits = largest(machines).Capacity(pc.MaxNodes)
	return pc, nil, warns
}

// need returns the need of a dimension.
func (pc PoolCapacity) need(d Dimension) Need {
	for _, n := range pc.Needs {
		if n.Dimension == d {
			return n
		}
	}
	return Need{}
}

// String says a need in words: "volumes bind: 360 volumes, 31 per m7i.2xlarge node";
// for a pool sized per zone "volumes bind: 150 volumes, 50 per zone, 24 per
// m7i.2xlarge node: 3 zones x 3".
func (n Need) String() string {
	var s string
	switch n.Dimension {
	case DimensionCPU, DimensionCPURequests:
		s = fmt.Sprintf("%s binds: %s CPU%s, %s per %s node", n.Dimension, milli(n.Demand), n.zone(milli), milli(n.PerNode), n.MachineType)
	case DimensionMemory, DimensionMemoryRequests:
		s = fmt.Sprintf("%s binds: %s%s, %s per %s node", n.Dimension, MiQuantity(n.Demand), n.zone(MiQuantity), MiQuantity(n.PerNode), n.MachineType)
	case DimensionVolumes:
		s = fmt.Sprintf("volumes bind: %d volumes%s, %d per %s node", n.Demand, n.zone(count), n.PerNode, n.MachineType)
		if n.Limit != "" {
			s += " by " + n.Limit
		}
	case DimensionPods:
		s = fmt.Sprintf("pods bind: %d pods%s, %d per %s node", n.Demand, n.zone(count), n.PerNode, n.MachineType)
	default:
		return fmt.Sprintf("minNodes binds: %d", n.Demand)
	}
	if n.Zones > 1 {
		s += fmt.Sprintf(": %d zones x %d", n.Zones, n.NodesPerZone)
	}
	return s
}

// zone is ", <share> per zone" for a need sized per zone, else empty.
func (n Need) zone(format func(int64) string) string {
	if n.Zones < 2 {
		return ""
	}
	return fmt.Sprintf(", %s per zone", format(n.ZoneDemand))
}

func count(n int64) string { return fmt.Sprintf("%d", n) }

func milli(m int64) string { return resource.NewMilliQuantity(m, resource.DecimalSI).String() }

// largest is the listed machine with the most CPU (then memory): limits
// sized for it let maxNodes nodes of any listed type fit.
func largest(ms []TypedMachine) Machine {
	return slices.MaxFunc(ms, func(a, b TypedMachine) int {
		if a.VCPU != b.VCPU {
			return int(a.VCPU - b.VCPU)
		}
		return int(a.MemoryMiB - b.MemoryMiB)
	}).Machine
}

// checkPodsFit refuses per-pod requests that no node of a listed machine
// type can hold: such a pod never schedules, whatever the pool's size.
func checkPodsFit(s *spec.Spec, c Capacity, cat Catalog) field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		pool string
		np   spec.NodePool
		pod  string
		r    Resources
	}{
		{"etcd", s.NodePools.Etcd, "etcd", c.EtcdPodRequests},
		{"apiServer", s.NodePools.APIServer, "vcluster", c.APIServerPodRequests},
	} {
		fp := field.NewPath("spec", "spaces", "values", "controlPlanes", f.pod, "resources", "requests")
		for _, t := range f.np.MachineTypes {
			m, ok := cat.Machine(t)
			if !ok {
				continue
			}
			a := m.Allocatable()
			if f.r.MilliCPU > a.MilliCPU {
				errs = append(errs, field.Invalid(fp.Child("cpu"), milli(f.r.MilliCPU), fmt.Sprintf(
					"more CPU than one %s node can allocate (%s): lower it, or list larger machine types in spec.nodePools.%s.machineTypes", t, milli(a.MilliCPU), f.pool)))
			}
			if f.r.MemoryBytes > a.MemoryBytes {
				errs = append(errs, field.Invalid(fp.Child("memory"), MiQuantity(f.r.MemoryBytes), fmt.Sprintf(
					"more memory than one %s node can allocate (%s): lower it, or list larger machine types in spec.nodePools.%s.machineTypes", t, MiQuantity(a.MemoryBytes), f.pool)))
			}
		}
	}
	return errs
}
