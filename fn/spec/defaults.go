package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Defaults of the fields whose default does not depend on the cloud. They
// match the +kubebuilder:default markers above; a test checks that the XRD's
// structural defaulting and these agree.
const (
	DefaultEtcdMinNodes          = 3
	DefaultAPIServerMinNodes     = 2
	DefaultControlPlanesMinNodes = 3
	DefaultDiskSizeGiB           = 100
	DefaultControlPlanes         = 10
	DefaultManagedResources      = 100
	DefaultProviderCRDs          = 100
	DefaultChartRepository       = "oci://xpkg.upbound.io/spaces-artifacts"
	DefaultNamespace             = "upbound-system"
	DefaultPullSecretName        = "upbound-pull-secret"
	DefaultChartPullSecretNS     = "crossplane-system"
	DefaultReplicas              = 2
	DefaultRouterMaxReplicas     = 8
	DefaultUtilizationPercent    = 80
	DefaultEtcdVolumeSize        = "50Gi"
	DefaultPostgresVersion       = "16"
	DefaultStorageGiB            = 100
	DefaultMinIOPS               = 400
	DefaultBackupRetentionDays   = 7
	DefaultErrorRatePercent      = 5
	// DefaultRouterLatencySeconds, DefaultControllerMemoryPercent and
	// DefaultNodePoolUsagePercent are the alerts' thresholds.
	DefaultRouterLatencySeconds    = 5
	DefaultControllerMemoryPercent = 80
	DefaultNodePoolUsagePercent    = 90
	DefaultFor                     = "10m"
	DefaultProviderConfig          = "default"
	DefaultProviderConfigKind      = "ClusterProviderConfig"
	DefaultAMIAlias                = "al2023@latest"
	// NodeRolePrefix makes the default AWS node role KarpenterNodeRole-<clusterName>.
	NodeRolePrefix = "KarpenterNodeRole-"
	// DefaultDashboardLabel and DefaultDashboardLabelValue are the label
	// Grafana's dashboard sidecar selects ConfigMaps by
	// (kube-prometheus-stack's grafana.sidecar.dashboards.label and
	// labelValue).
	DefaultDashboardLabel      = "grafana_dashboard"
	DefaultDashboardLabelValue = "1"
)

// Defaults returns a Spec with every cloud-neutral default set. Decoding an
// XR's spec over it keeps the defaults of every field the XR leaves out,
// which is what the API server's structural defaulting does with the XRD.
func Defaults() Spec {
	pool := func(minNodes int32) NodePool {
		return NodePool{MinNodes: minNodes, DiskSizeGiB: DefaultDiskSizeGiB}
	}
	return Spec{
		HighAvailability: true,
		NodePools: NodePools{
			Etcd:          pool(DefaultEtcdMinNodes),
			APIServer:     pool(DefaultAPIServerMinNodes),
			ControlPlanes: pool(DefaultControlPlanesMinNodes),
		},
		Capacity: Capacity{
			ControlPlanes:                   DefaultControlPlanes,
			ManagedResourcesPerControlPlane: DefaultManagedResources,
			ProviderCRDsPerControlPlane:     DefaultProviderCRDs,
		},
		Spaces: Spaces{
			HubIdentities:   true,
			HubRBAC:         true,
			ChartRepository: DefaultChartRepository,
			Namespace:       DefaultNamespace,
			PullSecretName:  DefaultPullSecretName,
			APIReplicas:     DefaultReplicas,
			ApolloReplicas:  DefaultReplicas,
			Router: Router{
				MinReplicas:                       DefaultReplicas,
				MaxReplicas:                       DefaultRouterMaxReplicas,
				TargetCPUUtilizationPercentage:    DefaultUtilizationPercent,
				TargetMemoryUtilizationPercentage: DefaultUtilizationPercent,
			},
			ControllerResources: Resources{
				Requests: ResourceList{CPU: "500m", Memory: "1Gi"},
				Limits:   ResourceList{CPU: "2000m", Memory: "4Gi"},
			},
			Exposure:       Exposure{Type: ExposureLoadBalancer, Scheme: SchemeInternetFacing},
			EtcdVolumeSize: DefaultEtcdVolumeSize,
		},
		QueryAPI: QueryAPI{
			Enabled: true,
			Postgres: Postgres{
				Version:             DefaultPostgresVersion,
				StorageGiB:          DefaultStorageGiB,
				MinIOPS:             DefaultMinIOPS,
				DeletionProtection:  true,
				BackupRetentionDays: DefaultBackupRetentionDays,
			},
		},
		Monitoring: Monitoring{
			Enabled:                 true,
			ErrorRatePercent:        DefaultErrorRatePercent,
			RouterLatencySeconds:    DefaultRouterLatencySeconds,
			ControllerMemoryPercent: DefaultControllerMemoryPercent,
			NodePoolUsagePercent:    DefaultNodePoolUsagePercent,
			For:                     DefaultFor,
			Dashboard:               Dashboard{Enabled: true},
		},
		DeletionPolicy: DeletionOrphan,
		Delivery:       DeliveryObject,
		ProviderConfigs: ProviderConfigs{
			Cloud:      DefaultProviderConfig,
			Helm:       DefaultProviderConfig,
			Kubernetes: DefaultProviderConfig,
			Kind:       DefaultProviderConfigKind,
		},
	}
}

// CloudDefaults are the defaults that depend on the cloud (and on the
// function's input, which can override them per Composition).
type CloudDefaults struct {
	// MachineTypes per pool field name (etcd, apiServer, controlPlanes).
	EtcdMachineTypes          []string
	APIServerMachineTypes     []string
	ControlPlanesMachineTypes []string
	// InstanceSize of the database.
	InstanceSize string
}

// NewCloudDefaults are a cloud's defaults: one machine type for each pool
// and the database's instance size.
func NewCloudDefaults(etcd, apiServer, controlPlanes, instanceSize string) CloudDefaults {
	return CloudDefaults{
		EtcdMachineTypes:          []string{etcd},
		APIServerMachineTypes:     []string{apiServer},
		ControlPlanesMachineTypes: []string{controlPlanes},
		InstanceSize:              instanceSize,
	}
}

// ApplyCloudDefaults fills what the cloud decides and what follows from other
// fields: machine types, the database instance size and the database's HA
// (spec.highAvailability). A cloud's own block is its package's to default.
func ApplyCloudDefaults(s *Spec, d CloudDefaults) {
	fill := func(p *NodePool, def []string) {
		if len(p.MachineTypes) == 0 {
			p.MachineTypes = slices.Clone(def)
		}
	}
	fill(&s.NodePools.Etcd, d.EtcdMachineTypes)
	fill(&s.NodePools.APIServer, d.APIServerMachineTypes)
	fill(&s.NodePools.ControlPlanes, d.ControlPlanesMachineTypes)
	if s.QueryAPI.Postgres.InstanceSize == "" {
		s.QueryAPI.Postgres.InstanceSize = d.InstanceSize
	}
	if s.QueryAPI.Postgres.HighAvailability == nil {
		ha := s.HighAvailability
		s.QueryAPI.Postgres.HighAvailability = &ha
	}
}

// maxTypeErrors bounds how many wrong-typed fields Decode reports.
const maxTypeErrors = 32

// Decode decodes an XR (as JSON) over the defaults. It refuses a document
// that is not an XSpaceScaling of the served group and version, and reports
// every value of the wrong type, each with its field path.
func Decode(xrJSON []byte) (*XSpaceScaling, field.ErrorList) {
	// The common case, a valid XR, in one pass; anything else is decoded
	// again below, the slow way that names every problem.
	if xr := decodeValid(xrJSON); xr != nil {
		return xr, nil
	}
	return decodeNamingErrors(xrJSON)
}

// decodeNamingErrors is Decode of any document: it returns the XR only when
// it is valid, and otherwise every problem it finds, each with its path.
func decodeNamingErrors(xrJSON []byte) (*XSpaceScaling, field.ErrorList) {
	var doc map[string]any
	d := json.NewDecoder(bytes.NewReader(xrJSON))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, field.ErrorList{field.Invalid(field.NewPath("spec"), "", "cannot decode the XR: "+err.Error())}
	}
	if len(doc) == 0 {
		return nil, field.ErrorList{field.Required(field.NewPath("observed", "composite"),
			"the request carries no observed composite resource (XR)")}
	}
	if errs := checkKind(doc); len(errs) > 0 {
		return nil, errs
	}

	// encoding/json reports only the first value of the wrong type; drop
	// each from the document and decode again, so that every one is named.
	var errs field.ErrorList
	for range maxTypeErrors {
		xr := &XSpaceScaling{Spec: Defaults()}
		err := json.Unmarshal(mustMarshal(doc), xr)
		var te *json.UnmarshalTypeError
		switch {
		case err == nil && len(errs) == 0:
			defaultOptional(&xr.Spec)
			return xr, nil
		case err == nil:
			return nil, errs
		case errors.As(err, &te):
			p := te.Field
			if p == "" {
				p = "spec"
			}
			errs = append(errs, field.TypeInvalid(field.NewPath(p), te.Value, fmt.Sprintf("must be of type %s", jsonType(te.Type.Kind().String()))))
			if !deletePath(doc, strings.Split(te.Field, ".")) {
				return nil, errs
			}
		default:
			return nil, append(errs, field.Invalid(field.NewPath("spec"), "", "cannot decode the XR: "+err.Error()))
		}
	}
	return nil, errs
}

// decodeValid decodes an XR of the served kind whose every value has the
// right type, in one pass over the defaults; nil for anything else.
func decodeValid(xrJSON []byte) *XSpaceScaling {
	xr := &XSpaceScaling{Spec: Defaults()}
	if err := json.Unmarshal(xrJSON, xr); err != nil || xr.APIVersion != Group+"/"+Version || xr.Kind != Kind {
		return nil
	}
	// The kind is checked on the exact keys, as the API server spells
	// them: encoding/json also fills TypeMeta from "Kind" or "KIND".
	if !exactTypeKeys(xrJSON) {
		return nil
	}
	defaultOptional(&xr.Spec)
	return xr
}

// exactTypeKeys reports whether the top-level keys of a valid JSON object
// that encoding/json matches to apiVersion and kind are exactly those, once
// each. It only scans: no value is decoded.
func exactTypeKeys(b []byte) bool {
	var apiVersion, kind int
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			end := i + 1
			for end < len(b) && b[end] != '"' {
				if b[end] == '\\' {
					end++
				}
				end++
			}
			if depth == 1 {
				// A top-level string is a key when a colon follows it.
				j := end + 1
				for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
					j++
				}
				if j < len(b) && b[j] == ':' {
					k := b[i+1 : end]
					switch {
					case string(k) == "apiVersion":
						apiVersion++
					case string(k) == "kind":
						kind++
					case bytes.EqualFold(k, []byte("apiVersion")), bytes.EqualFold(k, []byte("kind")),
						bytes.IndexByte(k, '\\') >= 0: // an escaped key could spell either
						return false
					}
				}
			}
			i = end
		}
	}
	return apiVersion == 1 && kind == 1
}

// defaultOptional fills the defaults inside optional objects, which a
// decode over Defaults() cannot fill.
func defaultOptional(s *Spec) {
	if r := s.Spaces.ChartPullSecretRef; r != nil && r.Namespace == "" {
		r.Namespace = DefaultChartPullSecretNS
	}
	// A map default applies only where the XR leaves the map out, as the
	// API server's does: decoding over a default map would merge into it.
	if s.Monitoring.Dashboard.Labels == nil {
		s.Monitoring.Dashboard.Labels = map[string]LabelValue{DefaultDashboardLabel: DefaultDashboardLabelValue}
	}
	// AWS defaults that depend only on the AWS block itself.
	if s.AWS != nil && s.AWS.AMIAlias == "" {
		s.AWS.AMIAlias = DefaultAMIAlias
	}
}

// checkKind refuses an XR of a kind, group or version the function does not
// serve: its fields would mean something else.
func checkKind(doc map[string]any) field.ErrorList {
	av, _ := doc["apiVersion"].(string)
	kind, _ := doc["kind"].(string)
	var errs field.ErrorList
	if want := Group + "/" + Version; av != want {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), av, []string{want}))
	}
	if kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), kind, []string{Kind}))
	}
	return errs
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v) // A decoded JSON tree always marshals.
	return b
}

// deletePath removes the value at a dotted path (as encoding/json names a
// field; map keys may contain dots) and reports whether it found one.
func deletePath(m map[string]any, path []string) bool {
	if len(path) == 0 {
		return false
	}
	if rest := strings.Join(path, "."); len(path) > 1 {
		if _, ok := m[rest]; ok {
			delete(m, rest)
			return true
		}
	}
	if len(path) == 1 {
		_, ok := m[path[0]]
		delete(m, path[0])
		return ok
	}
	child, ok := m[path[0]].(map[string]any)
	if !ok {
		return false
	}
	return deletePath(child, path[1:])
}

func jsonType(goKind string) string {
	switch goKind {
	case "int32", "int64", "int":
		return "integer"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	default:
		return goKind
	}
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
