package spec

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/common/model"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Bounds shared by the markers in types.go and the checks below.
const (
	MaxZones          = 5
	MaxNodes          = 1000
	MinDiskSizeGiB    = 20
	MaxDiskSizeGiB    = 16384
	MinStorageGiB     = 20
	MaxStorageGiB     = 32767
	MinIOPSFloor      = 400
	MaxIOPS           = 256000
	MaxBackupDays     = 35
	MaxReplicas       = 20
	MaxRouterReplicas = 100
	MaxAccountLength  = 100
	haEtcdMinNodes    = 3
	haMinTwo          = 2
)

var (
	reAccount = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	reVersion = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$`)
	reCPU     = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?m?$`)
	reMemory  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`)
)

// Clouds are the values of spec.cloud, in the order of the XRD's enum; the
// function registers one cloud package for each.
var Clouds = []Cloud{CloudAWS, CloudGCP, CloudAzure}

// Validate checks a defaulted spec against every cloud-neutral rule of the
// API and returns all errors at once, each with its field path. Each cloud
// checks its own rules (its block, what it allows of these fields) in its
// package's validate.go; the function runs both.
func Validate(s *Spec) field.ErrorList {
	p := field.NewPath("spec")
	var errs field.ErrorList

	switch {
	case s.Cloud == "":
		names := make([]string, 0, len(Clouds))
		for _, c := range Clouds {
			names = append(names, string(c))
		}
		errs = append(errs, field.Required(p.Child("cloud"), "must be one of "+strings.Join(names, ", ")))
	case !slices.Contains(Clouds, s.Cloud):
		errs = append(errs, field.NotSupported(p.Child("cloud"), s.Cloud, Clouds))
	}
	errs = append(errs, RequiredString(p.Child("region"), s.Region, 64)...)
	errs = append(errs, validateZones(p.Child("zones"), s)...)
	errs = append(errs, RequiredString(p.Child("clusterName"), s.ClusterName, 100)...)
	errs = append(errs, validateNodePools(p.Child("nodePools"), s)...)
	errs = append(errs, validateCapacity(p.Child("capacity"), &s.Capacity)...)
	errs = append(errs, validateSpaces(p.Child("spaces"), &s.Spaces, s.HighAvailability)...)
	errs = append(errs, validatePostgres(p.Child("queryAPI", "postgres"), &s.QueryAPI.Postgres)...)
	errs = append(errs, validateMonitoring(p.Child("monitoring"), &s.Monitoring)...)
	switch s.DeletionPolicy {
	case DeletionOrphan, DeletionDelete:
	default:
		errs = append(errs, field.NotSupported(p.Child("deletionPolicy"), s.DeletionPolicy, []DeletionPolicy{DeletionOrphan, DeletionDelete}))
	}
	switch s.Delivery {
	case DeliveryObject, DeliveryDirect:
	default:
		errs = append(errs, field.NotSupported(p.Child("delivery"), s.Delivery, []Delivery{DeliveryObject, DeliveryDirect}))
	}
	errs = append(errs, validateProviderConfigs(p.Child("providerConfigs"), &s.ProviderConfigs)...)
	return errs
}

// A Bound is an optional string field and its maximum length.
type Bound struct {
	Field  string
	Value  string
	MaxLen int
}

// MaxLens checks optional strings, the children of p, against their
// maximum lengths.
func MaxLens(p *field.Path, bounds ...Bound) field.ErrorList {
	var errs field.ErrorList
	for _, b := range bounds {
		if len(b.Value) > b.MaxLen {
			errs = append(errs, field.TooLong(p.Child(b.Field), "", b.MaxLen))
		}
	}
	return errs
}

// RequiredString checks a required string of at most maxLen characters.
func RequiredString(p *field.Path, v string, maxLen int) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if len(v) > maxLen {
		return field.ErrorList{field.TooLong(p, "", maxLen)}
	}
	return nil
}

func inRange(p *field.Path, v, lo, hi int64) field.ErrorList {
	if v < lo || v > hi {
		return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("must be between %d and %d", lo, hi))}
	}
	return nil
}

func atLeastWithHA(p *field.Path, v int32, floor int32, ha bool) field.ErrorList {
	if ha && v < floor {
		return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("must be at least %d when highAvailability is true", floor))}
	}
	return nil
}

func validateZones(p *field.Path, s *Spec) field.ErrorList {
	var errs field.ErrorList
	switch {
	case len(s.Zones) == 0:
		return field.ErrorList{field.Required(p, "at least one zone")}
	case len(s.Zones) > MaxZones:
		errs = append(errs, field.TooMany(p, len(s.Zones), MaxZones))
	}
	seen := map[string]bool{}
	for i, z := range s.Zones {
		switch {
		case z == "":
			errs = append(errs, field.Required(p.Index(i), ""))
		case len(z) > 64:
			errs = append(errs, field.TooLong(p.Index(i), "", 64))
		case seen[z]:
			errs = append(errs, field.Duplicate(p.Index(i), z))
		}
		seen[z] = true
	}
	return errs
}

func validateNodePools(p *field.Path, s *Spec) field.ErrorList {
	var errs field.ErrorList
	pools := []struct {
		name  string
		pool  *NodePool
		floor int32
	}{
		{"etcd", &s.NodePools.Etcd, haEtcdMinNodes},
		{"apiServer", &s.NodePools.APIServer, haMinTwo},
		{"controlPlanes", &s.NodePools.ControlPlanes, 1},
	}
	for _, np := range pools {
		pp := p.Child(np.name)
		errs = append(errs, validateNodePool(pp, np.pool)...)
		errs = append(errs, atLeastWithHA(pp.Child("minNodes"), np.pool.MinNodes, np.floor, s.HighAvailability)...)
	}
	return errs
}

func validateNodePool(p *field.Path, np *NodePool) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, inRange(p.Child("minNodes"), int64(np.MinNodes), 1, MaxNodes)...)
	errs = append(errs, inRange(p.Child("maxNodes"), int64(np.MaxNodes), 0, MaxNodes)...)
	if np.MaxNodes != 0 && np.MaxNodes < np.MinNodes {
		errs = append(errs, field.Invalid(p.Child("maxNodes"), np.MaxNodes, "must be 0 (computed) or at least minNodes"))
	}
	errs = append(errs, UniqueStrings(p.Child("machineTypes"), np.MachineTypes, 20, 64, nil)...)
	errs = append(errs, inRange(p.Child("diskSizeGiB"), int64(np.DiskSizeGiB), MinDiskSizeGiB, MaxDiskSizeGiB)...)
	return errs
}

// UniqueStrings checks a list of non-empty, unique strings of at most
// maxLen characters, each matching re if re is set.
func UniqueStrings(p *field.Path, vs []string, maxItems, maxLen int, re *regexp.Regexp) field.ErrorList {
	var errs field.ErrorList
	if len(vs) > maxItems {
		errs = append(errs, field.TooMany(p, len(vs), maxItems))
	}
	seen := map[string]bool{}
	for i, v := range vs {
		switch {
		case v == "":
			errs = append(errs, field.Required(p.Index(i), ""))
		case len(v) > maxLen:
			errs = append(errs, field.TooLong(p.Index(i), "", maxLen))
		case seen[v]:
			errs = append(errs, field.Duplicate(p.Index(i), v))
		case re != nil && !re.MatchString(v):
			errs = append(errs, field.Invalid(p.Index(i), v, "must match "+re.String()))
		}
		seen[v] = true
	}
	return errs
}

func validateCapacity(p *field.Path, c *Capacity) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, inRange(p.Child("controlPlanes"), int64(c.ControlPlanes), 1, 10000)...)
	errs = append(errs, inRange(p.Child("managedResourcesPerControlPlane"), int64(c.ManagedResourcesPerControlPlane), 0, 100000)...)
	errs = append(errs, inRange(p.Child("providerCRDsPerControlPlane"), int64(c.ProviderCRDsPerControlPlane), 0, 10000)...)
	return errs
}

func validateSpaces(p *field.Path, s *Spaces, ha bool) field.ErrorList {
	var errs field.ErrorList
	switch {
	case s.Version == "":
		errs = append(errs, field.Required(p.Child("version"), "the Spaces Helm chart version, e.g. 1.17.1"))
	case len(s.Version) > 64 || !reVersion.MatchString(s.Version):
		errs = append(errs, field.Invalid(p.Child("version"), s.Version, "must be a semantic version, e.g. 1.17.1"))
	}
	switch {
	case s.Account == "":
		errs = append(errs, field.Required(p.Child("account"), "the Upbound organization the Space belongs to"))
	case len(s.Account) > MaxAccountLength || !reAccount.MatchString(s.Account):
		errs = append(errs, field.Invalid(p.Child("account"), s.Account, "must be an Upbound organization name: lower-case letters, digits and '-', at most 100 characters"))
	}
	if s.RouterHost == "" {
		errs = append(errs, field.Required(p.Child("routerHost"), "the host name the Spaces router is reached at"))
	} else {
		for _, e := range validation.IsDNS1123Subdomain(s.RouterHost) {
			errs = append(errs, field.Invalid(p.Child("routerHost"), s.RouterHost, e))
		}
	}
	errs = append(errs, RequiredString(p.Child("chartRepository"), s.ChartRepository, 512)...)
	for _, e := range validation.IsDNS1123Label(s.Namespace) {
		errs = append(errs, field.Invalid(p.Child("namespace"), s.Namespace, e))
	}
	if s.ChartPullSecretRef == nil && NeedsChartPullSecret(s.ChartRepository) {
		errs = append(errs, field.Required(p.Child("chartPullSecretRef"), "is required for the chart repository "+DefaultChartRepository+
			", which refuses anonymous pulls: name a Secret with the keys username and password where provider-helm runs"))
	}
	if r := s.ChartPullSecretRef; r != nil {
		rp := p.Child("chartPullSecretRef")
		if r.Name == "" {
			errs = append(errs, field.Required(rp.Child("name"), "a Secret with the keys username and password"))
		} else {
			for _, e := range validation.IsDNS1123Subdomain(r.Name) {
				errs = append(errs, field.Invalid(rp.Child("name"), r.Name, e))
			}
		}
		for _, e := range validation.IsDNS1123Label(r.Namespace) {
			errs = append(errs, field.Invalid(rp.Child("namespace"), r.Namespace, e))
		}
	}
	for _, e := range validation.IsDNS1123Subdomain(s.PullSecretName) {
		errs = append(errs, field.Invalid(p.Child("pullSecretName"), s.PullSecretName, e))
	}
	errs = append(errs, inRange(p.Child("apiReplicas"), int64(s.APIReplicas), 1, MaxReplicas)...)
	errs = append(errs, atLeastWithHA(p.Child("apiReplicas"), s.APIReplicas, haMinTwo, ha)...)
	errs = append(errs, inRange(p.Child("apolloReplicas"), int64(s.ApolloReplicas), 1, MaxReplicas)...)
	errs = append(errs, atLeastWithHA(p.Child("apolloReplicas"), s.ApolloReplicas, haMinTwo, ha)...)

	r := p.Child("router")
	errs = append(errs, inRange(r.Child("minReplicas"), int64(s.Router.MinReplicas), 1, MaxRouterReplicas)...)
	errs = append(errs, atLeastWithHA(r.Child("minReplicas"), s.Router.MinReplicas, haMinTwo, ha)...)
	errs = append(errs, inRange(r.Child("maxReplicas"), int64(s.Router.MaxReplicas), 1, MaxRouterReplicas)...)
	if s.Router.MaxReplicas < s.Router.MinReplicas {
		errs = append(errs, field.Invalid(r.Child("maxReplicas"), s.Router.MaxReplicas, "must be at least minReplicas"))
	}
	errs = append(errs, inRange(r.Child("targetCPUUtilizationPercentage"), int64(s.Router.TargetCPUUtilizationPercentage), 1, 100)...)
	errs = append(errs, inRange(r.Child("targetMemoryUtilizationPercentage"), int64(s.Router.TargetMemoryUtilizationPercentage), 1, 100)...)

	cr := p.Child("controllerResources")
	errs = append(errs, validateResourceList(cr.Child("requests"), s.ControllerResources.Requests)...)
	errs = append(errs, validateResourceList(cr.Child("limits"), s.ControllerResources.Limits)...)
	errs = append(errs, validateExposure(p.Child("exposure"), &s.Exposure)...)
	errs = append(errs, quantity(p.Child("etcdVolumeSize"), s.EtcdVolumeSize, reMemory, true)...)
	if q, err := resource.ParseQuantity(s.EtcdVolumeSize); err == nil && q.Value() < 1<<30 {
		errs = append(errs, field.Invalid(p.Child("etcdVolumeSize"), s.EtcdVolumeSize, "must be at least 1Gi"))
	}
	if s.Values != nil && len(s.Values.Raw) > 0 && s.Values.Raw[0] != '{' {
		errs = append(errs, field.TypeInvalid(p.Child("values"), string(s.Values.Raw), "must be an object"))
	}
	return errs
}

// NeedsChartPullSecret is true for a chart repository provider-helm cannot
// pull from anonymously: Upbound's own, the default
// (oci://xpkg.upbound.io/spaces-artifacts needs a login with an Upbound
// token). provider-helm pulls anonymously when a Release names no
// chart.pullSecretRef. Other repositories (a mirror) may be public. The
// XRD's CEL rule on spec.spaces compares the same two spellings.
func NeedsChartPullSecret(repository string) bool {
	return strings.TrimSuffix(repository, "/") == DefaultChartRepository
}

// Bounds of spec.spaces.exposure (the markers in types.go).
const (
	MaxSourceRanges      = 40
	MaxIngressAnnotation = 32
	MaxSelectorLabels    = 16
)

func validateExposure(p *field.Path, e *Exposure) field.ErrorList {
	var errs field.ErrorList
	types := []ExposureType{ExposureLoadBalancer, ExposureGatewayAPI, ExposureIngress, ExposureNone}
	if !slices.Contains(types, e.Type) {
		errs = append(errs, field.NotSupported(p.Child("type"), e.Type, types))
	}
	if e.Scheme != SchemeInternetFacing && e.Scheme != SchemeInternal {
		errs = append(errs, field.NotSupported(p.Child("scheme"), e.Scheme, []LoadBalancerScheme{SchemeInternetFacing, SchemeInternal}))
	}
	rp := p.Child("loadBalancerSourceRanges")
	if len(e.LoadBalancerSourceRanges) > 0 && e.Type != ExposureLoadBalancer {
		errs = append(errs, field.Invalid(rp, len(e.LoadBalancerSourceRanges), "is read only when type is LoadBalancer"))
	}
	if len(e.LoadBalancerSourceRanges) > MaxSourceRanges {
		errs = append(errs, field.TooMany(rp, len(e.LoadBalancerSourceRanges), MaxSourceRanges))
	}
	seen := map[netip.Prefix]bool{}
	for i, c := range e.LoadBalancerSourceRanges {
		pfx, err := netip.ParsePrefix(string(c))
		switch {
		case len(c) > 43 || err != nil:
			errs = append(errs, field.Invalid(rp.Index(i), c, "must be a CIDR, e.g. 203.0.113.0/24"))
		case pfx != pfx.Masked():
			errs = append(errs, field.Invalid(rp.Index(i), c, "must be a network address: "+pfx.Masked().String()))
		case seen[pfx]:
			errs = append(errs, field.Duplicate(rp.Index(i), c))
		}
		seen[pfx] = true
	}
	if e.TLSSecretName != "" {
		for _, m := range validation.IsDNS1123Subdomain(e.TLSSecretName) {
			errs = append(errs, field.Invalid(p.Child("tlsSecretName"), e.TLSSecretName, m))
		}
	}
	if in := e.Ingress; in != nil {
		ip := p.Child("ingress")
		if in.ClassName != "" {
			for _, m := range validation.IsDNS1123Subdomain(in.ClassName) {
				errs = append(errs, field.Invalid(ip.Child("className"), in.ClassName, m))
			}
		}
		errs = append(errs, annotations(ip.Child("annotations"), in.Annotations, MaxIngressAnnotation)...)
		errs = append(errs, labels(ip.Child("podLabels"), in.PodLabels)...)
		errs = append(errs, labels(ip.Child("namespaceLabels"), in.NamespaceLabels)...)
	}
	if g := e.GatewayAPI; g != nil {
		gp := p.Child("gatewayAPI")
		for _, f := range []struct{ name, v string }{{"gatewayName", g.GatewayName}, {"className", g.ClassName}} {
			if f.v == "" {
				continue
			}
			for _, m := range validation.IsDNS1123Subdomain(f.v) {
				errs = append(errs, field.Invalid(gp.Child(f.name), f.v, m))
			}
		}
		if g.GatewayNamespace != "" {
			for _, m := range validation.IsDNS1123Label(g.GatewayNamespace) {
				errs = append(errs, field.Invalid(gp.Child("gatewayNamespace"), g.GatewayNamespace, m))
			}
		}
		errs = append(errs, labels(gp.Child("podLabels"), g.PodLabels)...)
		errs = append(errs, labels(gp.Child("namespaceLabels"), g.NamespaceLabels)...)
	}
	return errs
}

// annotations checks annotation keys (qualified names) and their count.
func annotations(p *field.Path, m map[string]string, maxItems int) field.ErrorList {
	var errs field.ErrorList
	if len(m) > maxItems {
		errs = append(errs, field.TooMany(p, len(m), maxItems))
	}
	for _, k := range SortedKeys(m) {
		for _, e := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, "key: "+e))
		}
	}
	return errs
}

// labels checks a label selector's keys and values.
func labels(p *field.Path, m map[string]string) field.ErrorList {
	var errs field.ErrorList
	if len(m) > MaxSelectorLabels {
		errs = append(errs, field.TooMany(p, len(m), MaxSelectorLabels))
	}
	for _, k := range SortedKeys(m) {
		for _, e := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, "key: "+e))
		}
		for _, e := range validation.IsValidLabelValue(m[k]) {
			errs = append(errs, field.Invalid(p.Key(k), m[k], e))
		}
	}
	return errs
}

func validateResourceList(p *field.Path, r ResourceList) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, quantity(p.Child("cpu"), r.CPU, reCPU, false)...)
	errs = append(errs, quantity(p.Child("memory"), r.Memory, reMemory, false)...)
	return errs
}

func quantity(p *field.Path, v string, re *regexp.Regexp, required bool) field.ErrorList {
	if v == "" {
		if required {
			return field.ErrorList{field.Required(p, "")}
		}
		return nil
	}
	if len(v) > 32 || !re.MatchString(v) {
		return field.ErrorList{field.Invalid(p, v, "must be a quantity matching "+re.String())}
	}
	if _, err := resource.ParseQuantity(v); err != nil {
		return field.ErrorList{field.Invalid(p, v, err.Error())}
	}
	return nil
}

func validatePostgres(p *field.Path, pg *Postgres) field.ErrorList {
	var errs field.ErrorList
	if pg.Version != DefaultPostgresVersion {
		errs = append(errs, field.NotSupported(p.Child("version"), pg.Version, []string{DefaultPostgresVersion}))
	}
	if len(pg.InstanceSize) > 64 {
		errs = append(errs, field.TooLong(p.Child("instanceSize"), "", 64))
	}
	errs = append(errs, inRange(p.Child("storageGiB"), int64(pg.StorageGiB), MinStorageGiB, MaxStorageGiB)...)
	if pg.MinIOPS < MinIOPSFloor {
		errs = append(errs, field.Invalid(p.Child("minIOPS"), pg.MinIOPS, "must be at least 400 (the Query API's requirement)"))
	} else {
		errs = append(errs, inRange(p.Child("minIOPS"), int64(pg.MinIOPS), MinIOPSFloor, MaxIOPS)...)
	}
	errs = append(errs, inRange(p.Child("backupRetentionDays"), int64(pg.BackupRetentionDays), 1, MaxBackupDays)...)
	if pg.CASecretName != "" {
		for _, e := range validation.IsDNS1123Subdomain(pg.CASecretName) {
			errs = append(errs, field.Invalid(p.Child("caSecretName"), pg.CASecretName, e))
		}
	}
	if pg.PasswordSecretName != "" {
		for _, e := range validation.IsDNS1123Subdomain(pg.PasswordSecretName) {
			errs = append(errs, field.Invalid(p.Child("passwordSecretName"), pg.PasswordSecretName, e))
		}
	}
	return errs
}

func validateMonitoring(p *field.Path, m *Monitoring) field.ErrorList {
	errs := validateLabels(p.Child("ruleLabels"), m.RuleLabels)
	errs = append(errs, validateLabels(p.Child("dashboard", "labels"), m.Dashboard.Labels)...)
	if m.Dashboard.Namespace != "" {
		for _, e := range validation.IsDNS1123Label(m.Dashboard.Namespace) {
			errs = append(errs, field.Invalid(p.Child("dashboard", "namespace"), m.Dashboard.Namespace, e))
		}
	}
	errs = append(errs, inRange(p.Child("errorRatePercent"), int64(m.ErrorRatePercent), 1, 100)...)
	errs = append(errs, inRange(p.Child("routerLatencySeconds"), int64(m.RouterLatencySeconds), 1, 3600)...)
	errs = append(errs, inRange(p.Child("controllerMemoryPercent"), int64(m.ControllerMemoryPercent), 1, 100)...)
	errs = append(errs, inRange(p.Child("nodePoolUsagePercent"), int64(m.NodePoolUsagePercent), 1, 100)...)
	errs = append(errs, inRange(p.Child("degradedControlPlanes"), int64(m.DegradedControlPlanes), 0, 10000)...)
	errs = append(errs, inRange(p.Child("stuckControlPlanes"), int64(m.StuckControlPlanes), 0, 10000)...)
	// Prometheus' own parser (prometheus/common, model/time.go): units
	// largest first (1h30m, not 30m1h), each once, no overflow. The XRD
	// carries the PrometheusRule CRD's pattern for rules[].for
	// (prometheus-operator, monitoring.coreos.com_prometheusrules.yaml).
	if _, err := model.ParseDuration(m.For); len(m.For) > 32 || err != nil {
		errs = append(errs, field.Invalid(p.Child("for"), m.For, "must be a Prometheus duration, e.g. 10m or 1h30m (units y, w, d, h, m, s, ms, largest first)"))
	}
	return errs
}

// validateLabels checks a map of at most 32 Kubernetes labels. Errors are
// reported on the map, as the XRD's rules do.
func validateLabels(p *field.Path, labels map[string]LabelValue) field.ErrorList {
	var errs field.ErrorList
	if len(labels) > 32 {
		errs = append(errs, field.TooMany(p, len(labels), 32))
	}
	for _, k := range SortedKeys(labels) {
		for _, e := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p, k, "key: "+e))
		}
		for _, e := range validation.IsValidLabelValue(string(labels[k])) {
			errs = append(errs, field.Invalid(p, labels[k], "value of "+k+": "+e))
		}
	}
	return errs
}

func validateProviderConfigs(p *field.Path, pc *ProviderConfigs) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, RequiredString(p.Child("cloud"), pc.Cloud, 253)...)
	errs = append(errs, RequiredString(p.Child("helm"), pc.Helm, 253)...)
	errs = append(errs, RequiredString(p.Child("kubernetes"), pc.Kubernetes, 253)...)
	if pc.Management != "" {
		errs = append(errs, RequiredString(p.Child("management"), pc.Management, 253)...)
	}
	if pc.Kind != "ProviderConfig" && pc.Kind != "ClusterProviderConfig" {
		errs = append(errs, field.NotSupported(p.Child("kind"), pc.Kind, []string{"ProviderConfig", "ClusterProviderConfig"}))
	}
	return errs
}
