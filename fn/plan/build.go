package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Database defaults that are not the user's to choose.
const (
	DatabaseName      = "upbound"
	DatabaseAdminUser = "upbound"
)

// Build turns a defaulted, validated spec into the plan. catalog sizes the
// machine types; errors name the field the user must change.
func Build(xrName string, s *spec.Spec, catalog Catalog) (*Plan, field.ErrorList) {
	p := &Plan{
		XRName:           xrName,
		HighAvailability: s.HighAvailability,
		Region:           s.Region,
		Zones:            slices.Clone(s.Zones),
		ClusterName:      s.ClusterName,
		Storage:          Storage{ClassName: compose.Name(xrName, "etcd"), MinIOPS: EtcdVolumeIOPS, MinThroughputMiBps: EtcdVolumeThroughputMiBps},
	}

	c, errs := capacityInputs(s)
	demands := PoolDemands(c)

	type poolSpec struct {
		role      Role
		field     string
		np        spec.NodePool
		dedicated bool
	}
	for _, ps := range []poolSpec{
		{RoleEtcd, "etcd", s.NodePools.Etcd, true},
		{RoleAPIServer, "apiServer", s.NodePools.APIServer, true},
		{RoleControlPlanes, "controlPlanes", s.NodePools.ControlPlanes, false},
	} {
		pc, perrs, warns := sizePool(ps.role, ps.field, c.ControlPlanes, ps.np, demands[ps.role], catalog)
		errs = append(errs, perrs...)
		p.Warnings = append(p.Warnings, warns...)
		pc.Basis = basis(ps.role, c)
		c.Pools = append(c.Pools, pc)

		pool := Pool{
			Role:         ps.role,
			SpecField:    ps.field,
			MinNodes:     pc.MinNodes,
			MaxNodes:     pc.MaxNodes,
			MachineTypes: slices.Clone(ps.np.MachineTypes),
			Zones:        slices.Clone(s.Zones),
			DiskSizeGiB:  ps.np.DiskSizeGiB,
			Labels:       []Label{{Key: TargetLabel, Value: string(ps.role)}},
			Demand:       pc.Demand,
			Conservative: ps.dedicated,
		}
		if ps.dedicated {
			pool.Taints = []Taint{{Key: TargetLabel, Value: string(ps.role), Effect: EffectNoSchedule}}
		}
		p.Pools = append(p.Pools, pool)
	}
	errs = append(errs, checkPodsFit(s, c, catalog)...)
	p.Capacity = c

	if s.QueryAPI.Enabled {
		pg := s.QueryAPI.Postgres
		ha := s.HighAvailability
		if pg.HighAvailability != nil {
			ha = *pg.HighAvailability
		}
		p.Database = &Database{
			Version:             pg.Version,
			InstanceSize:        pg.InstanceSize,
			StorageGiB:          pg.StorageGiB,
			MinIOPS:             pg.MinIOPS,
			HighAvailability:    ha,
			DeletionProtection:  pg.DeletionProtection,
			BackupRetentionDays: pg.BackupRetentionDays,
			PasswordSecretName:  pg.PasswordSecretName,
			CASecretName:        pg.CASecretName,
			Name:                DatabaseName,
			AdminUser:           DatabaseAdminUser,
		}
	}
	p.Spaces = spacesPlan(s)
	if s.Monitoring.Enabled {
		m := s.Monitoring
		p.Monitoring = &Monitoring{
			RuleLabels:              ruleLabels(m.RuleLabels),
			ErrorRatePercent:        m.ErrorRatePercent,
			RouterLatencySeconds:    m.RouterLatencySeconds,
			ControllerMemoryPercent: m.ControllerMemoryPercent,
			NodePoolUsagePercent:    m.NodePoolUsagePercent,
			DegradedControlPlanes:   m.DegradedControlPlanes,
			StuckControlPlanes:      m.StuckControlPlanes,
			For:                     m.For,
		}
		if d := m.Dashboard; d.Enabled {
			ns := d.Namespace
			if ns == "" {
				ns = p.Spaces.Namespace
			}
			p.Monitoring.Dashboard = &Dashboard{Namespace: ns, Labels: ruleLabels(d.Labels)}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

func spacesPlan(s *spec.Spec) Spaces {
	sp := s.Spaces
	out := Spaces{
		Version:         sp.Version,
		Account:         sp.Account,
		RouterHost:      sp.RouterHost,
		HubIdentities:   sp.HubIdentities,
		HubRBAC:         sp.HubRBAC,
		ChartRepository: sp.ChartRepository,
		Namespace:       sp.Namespace,
		PullSecretName:  sp.PullSecretName,
		APIReplicas:     sp.APIReplicas,
		ApolloReplicas:  sp.ApolloReplicas,
		Router: RouterScaling{
			MinReplicas:                       sp.Router.MinReplicas,
			MaxReplicas:                       sp.Router.MaxReplicas,
			TargetCPUUtilizationPercentage:    sp.Router.TargetCPUUtilizationPercentage,
			TargetMemoryUtilizationPercentage: sp.Router.TargetMemoryUtilizationPercentage,
		},
		ControllerRequests: ResourceQuantities{CPU: sp.ControllerResources.Requests.CPU, Memory: sp.ControllerResources.Requests.Memory},
		ControllerLimits:   ResourceQuantities{CPU: sp.ControllerResources.Limits.CPU, Memory: sp.ControllerResources.Limits.Memory},
		EtcdVolumeSize:     sp.EtcdVolumeSize,
		ProviderConfig:     s.ProviderConfigs.Helm,
	}
	out.Exposure = exposure(sp.Exposure)
	if r := sp.ChartPullSecretRef; r != nil {
		out.ChartPullSecretName, out.ChartPullSecretNamespace = r.Name, r.Namespace
	}
	if sp.Values != nil && len(sp.Values.Raw) > 0 && string(sp.Values.Raw) != "null" {
		out.Values = slices.Clone(sp.Values.Raw)
	}
	return out
}

// exposure copies the way in out of the spec.
func exposure(e spec.Exposure) Exposure {
	out := Exposure{Type: string(e.Type), Internal: e.Scheme == spec.SchemeInternal, TLSSecretName: e.TLSSecretName}
	if out.Type == "" {
		out.Type = ExposeLoadBalancer
	}
	if out.Type == ExposeLoadBalancer {
		for _, c := range e.LoadBalancerSourceRanges {
			out.SourceRanges = append(out.SourceRanges, string(c))
		}
	}
	if out.Type == ExposeIngress {
		in := IngressExposure{}
		if e.Ingress != nil {
			in = IngressExposure{ClassName: e.Ingress.ClassName, Annotations: maps.Clone(e.Ingress.Annotations),
				PodLabels: maps.Clone(e.Ingress.PodLabels), NamespaceLabels: maps.Clone(e.Ingress.NamespaceLabels)}
		}
		out.Ingress = &in
	}
	if out.Type == ExposeGatewayAPI {
		g := GatewayExposure{ProvisionGateway: true}
		if e.GatewayAPI != nil {
			a := e.GatewayAPI
			if a.ProvisionGateway != nil {
				g.ProvisionGateway = *a.ProvisionGateway
			}
			g.Name, g.Namespace, g.ClassName = a.GatewayName, a.GatewayNamespace, a.ClassName
			g.PodLabels, g.NamespaceLabels = maps.Clone(a.PodLabels), maps.Clone(a.NamespaceLabels)
		}
		out.Gateway = &g
	}
	return out
}

// The etcd volumes' performance where a StorageClass can ask for it: etcd
// is latency-bound on fsync, so ask for more than the gp3 baseline.
const (
	EtcdVolumeIOPS            = 6000
	EtcdVolumeThroughputMiBps = 250
)

func basis(r Role, c Capacity) string {
	switch r {
	case RoleEtcd:
		return fmt.Sprintf("%d control planes x %d etcd members x (%dm CPU, %s) + %d%%",
			c.ControlPlanes, c.EtcdMembersPerControlPlane, c.EtcdPodRequests.MilliCPU, mi(c.EtcdPodRequests.MemoryBytes), BufferPercent)
	case RoleAPIServer:
		return fmt.Sprintf("%d control planes x %d API servers x (%dm CPU, %s) + %d%%",
			c.ControlPlanes, c.APIServersPerControlPlane, c.APIServerPodRequests.MilliCPU, mi(c.APIServerPodRequests.MemoryBytes), BufferPercent)
	default:
		return fmt.Sprintf("%d control planes x (640MB + %d CRDs x 3MB memory, %d MRs x 5m CPU) + %d%%; requests: %d control planes x the chart's pods (%dm CPU, %s) + %d%%",
			c.ControlPlanes, c.ProviderCRDsPerControlPlane, c.ManagedResourcesPerControlPlane, BufferPercent,
			c.ControlPlanes, c.ControlPlanePodRequests.MilliCPU, mi(c.ControlPlanePodRequests.MemoryBytes), BufferPercent)
	}
}

func mi(b int64) string { return MiQuantity(b) }

// MiQuantity formats bytes as a quantity in Mi, rounded up.
func MiQuantity(b int64) string {
	return resource.NewQuantity(ceilDiv(b, 1<<20)<<20, resource.BinarySI).String()
}

// capacityInputs reads the sizing inputs, including pod requests the user
// overrode under spec.spaces.values.
func capacityInputs(s *spec.Spec) (Capacity, field.ErrorList) {
	c := Capacity{
		Zones:                           int32(len(s.Zones)), //nolint:gosec // at most 5 zones (XRD).
		ControlPlanes:                   s.Capacity.ControlPlanes,
		ManagedResourcesPerControlPlane: s.Capacity.ManagedResourcesPerControlPlane,
		ProviderCRDsPerControlPlane:     s.Capacity.ProviderCRDsPerControlPlane,
		EtcdMembersPerControlPlane:      EtcdMembers,
		APIServersPerControlPlane:       APIServers,
		EtcdPodRequests:                 EtcdPodRequests,
		APIServerPodRequests:            APIServerPodRequests,
	}
	if s.HighAvailability {
		c.EtcdMembersPerControlPlane = EtcdMembersHA
		c.APIServersPerControlPlane = APIServersHA
	}
	var values map[string]any
	if s.Spaces.Values != nil && len(s.Spaces.Values.Raw) > 0 {
		if err := json.Unmarshal(s.Spaces.Values.Raw, &values); err != nil {
			return c, field.ErrorList{field.TypeInvalid(field.NewPath("spec", "spaces", "values"), "", "must be an object")}
		}
	}
	var errs field.ErrorList
	c.EtcdPodRequests, errs = overrideRequests(values, c.EtcdPodRequests, errs, "controlPlanes", "etcd", "resources", "requests")
	c.APIServerPodRequests, errs = overrideRequests(values, c.APIServerPodRequests, errs, "controlPlanes", "vcluster", "resources", "requests")
	for _, pod := range ControlPlaneChartPods {
		var r Resources
		r, errs = overrideRequests(values, pod.Requests, errs, pod.RequestsPath...)
		var n int64
		n, errs = chartReplicas(values, pod, errs)
		c.ControlPlanePodRequests.MilliCPU += r.MilliCPU * n
		c.ControlPlanePodRequests.MemoryBytes += r.MemoryBytes * n
	}
	// Each term is bounded (MaxPod*, maxChartReplicas), so the sum cannot
	// overflow; bounding the sum keeps control planes x sum x the buffer
	// from overflowing too.
	if r := c.ControlPlanePodRequests; r.MilliCPU > MaxPodMilliCPU || r.MemoryBytes > MaxPodMemoryBytes {
		errs = append(errs, field.Invalid(valuesPath([]string{"controlPlanes"}), fmt.Sprintf("%s CPU, %s", milli(r.MilliCPU), MiQuantity(r.MemoryBytes)), fmt.Sprintf(
			"the chart's pods of one control plane would request more than %s CPU or %s: lower their requests or replicas", milli(MaxPodMilliCPU), MiQuantity(MaxPodMemoryBytes))))
		c.ControlPlanePodRequests = Resources{}
	}
	return c, errs
}

// maxChartReplicas bounds a per-control-plane pod's replicas under
// spec.spaces.values, so that the plan's arithmetic cannot overflow.
const maxChartReplicas = 100

// chartReplicas is how many of a chart pod run per control plane: 0 when
// the values switch it off, the values' replica count when they set one,
// else 1.
func chartReplicas(values map[string]any, pod ChartPod, errs field.ErrorList) (int64, field.ErrorList) {
	if pod.EnabledPath != nil {
		if v, ok := lookup(values, pod.EnabledPath...); ok {
			b, isBool := v.(bool)
			if !isBool {
				return 0, append(errs, field.TypeInvalid(valuesPath(pod.EnabledPath), v, "must be a boolean"))
			}
			if !b {
				return 0, errs
			}
		}
	}
	if pod.ReplicasPath != nil {
		if v, ok := lookup(values, pod.ReplicasPath...); ok {
			f, isNum := v.(float64)
			if !isNum || f != float64(int64(f)) || f < 0 || f > maxChartReplicas {
				return 1, append(errs, field.Invalid(valuesPath(pod.ReplicasPath), v, fmt.Sprintf("must be a whole number from 0 to %d", maxChartReplicas)))
			}
			return int64(f), errs
		}
	}
	return 1, errs
}

func valuesPath(path []string) *field.Path {
	fp := field.NewPath("spec", "spaces", "values")
	for _, p := range path {
		fp = fp.Child(p)
	}
	return fp
}

func overrideRequests(values map[string]any, def Resources, errs field.ErrorList, path ...string) (Resources, field.ErrorList) {
	fp := valuesPath(path)
	node, ok := lookup(values, path...)
	if !ok {
		return def, errs
	}
	m, ok := node.(map[string]any)
	if !ok {
		return def, append(errs, field.TypeInvalid(fp, node, "must be an object"))
	}
	out := def
	if v, ok := m["cpu"]; ok {
		q, err := parseQuantity(v)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(fp.Child("cpu"), v, err.Error()))
		case q.Cmp(*resource.NewMilliQuantity(MaxPodMilliCPU, resource.DecimalSI)) > 0:
			// Checked before MilliValue, which overflows silently.
			errs = append(errs, field.Invalid(fp.Child("cpu"), v, "must be at most "+milli(MaxPodMilliCPU)+" for one pod"))
		default:
			out.MilliCPU = q.MilliValue()
		}
	}
	if v, ok := m["memory"]; ok {
		q, err := parseQuantity(v)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(fp.Child("memory"), v, err.Error()))
		case q.Cmp(*resource.NewQuantity(MaxPodMemoryBytes, resource.BinarySI)) > 0:
			errs = append(errs, field.Invalid(fp.Child("memory"), v, "must be at most "+MiQuantity(MaxPodMemoryBytes)+" for one pod"))
		default:
			out.MemoryBytes = q.Value()
		}
	}
	return out, errs
}

func parseQuantity(v any) (resource.Quantity, error) {
	switch t := v.(type) {
	case string:
		q, err := resource.ParseQuantity(t)
		if err == nil && q.Sign() < 0 {
			return q, fmt.Errorf("must not be negative")
		}
		return q, err
	case float64:
		if t < 0 {
			return resource.Quantity{}, fmt.Errorf("must not be negative")
		}
		return resource.ParseQuantity(fmt.Sprintf("%g", t))
	default:
		return resource.Quantity{}, fmt.Errorf("must be a quantity")
	}
}

func lookup(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// ruleLabels copies the labels of the PrometheusRule (or of the dashboard's
// ConfigMap) out of the spec.
func ruleLabels(in map[string]spec.LabelValue) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = string(v)
	}
	return out
}
