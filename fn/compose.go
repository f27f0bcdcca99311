package fn

import (
	"encoding/json"
	"net"
	"slices"
	"strconv"

	"github.com/crossplane/crossplane-runtime/v2/pkg/fieldpath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/crossplane-contrib/function-space-scaling/fn/alerts"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Request is what Compose needs of a RunFunctionRequest, as plain data.
type Request struct {
	// XR is the observed XR as JSON.
	XR []byte
	// Namespace of the XR; empty for a cluster-scoped XR.
	Namespace string
	// Input of the function; never nil.
	Input *v1beta1.Input
	// Observed composed resources by composition resource name.
	Observed map[string]*status.Observed
}

// observedXR decodes the observed XR loosely, for what the function recorded
// in its status on earlier calls.
func observedXR(raw []byte) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m) // Decode reported any error already.
	return m
}

// Result is everything the function composes for one XR.
type Result struct {
	// Resources in a deterministic order.
	Resources []compose.Resource
	// Ready says, per resource key, whether the observed resource is ready.
	Ready map[string]bool
	// Status of the XR.
	Status spec.Status
	// Warnings about degraded choices to send as Warning results: those not
	// already reported in the observed status.warnings, in a fixed order.
	Warnings []string
}

// Compose is the function without protobuf: XR in, resources and status
// out. Invalid input returns every error, each with its field path, and no
// resources.
func Compose(req Request) (*Result, field.ErrorList) {
	xr, errs := spec.Decode(req.XR)
	if errs = append(errs, req.Input.Validate()...); len(errs) > 0 {
		return nil, errs
	}
	s := &xr.Spec
	newRenderer, ok := renderers[s.Cloud]
	if !ok {
		// Validate reports the unsupported cloud with the other errors.
		return nil, spec.Validate(s)
	}
	spec.ApplyCloudDefaults(s, cloudDefaults(newRenderer(s).Defaults(), req.Input, s.Cloud))
	// The renderer keeps the cloud block as defaulted above.
	r := newRenderer(s)
	if errs := spec.Validate(s); len(errs) > 0 {
		return nil, errs
	}
	if err := checkCloudUnchanged(observedXR(req.XR), s); err != nil {
		return nil, field.ErrorList{err}
	}
	if req.Namespace != "" && s.Delivery == spec.DeliveryDirect {
		return nil, field.ErrorList{field.Invalid(field.NewPath("spec", "delivery"), s.Delivery,
			"a namespaced XR cannot compose cluster-scoped objects such as NodePools and StorageClasses: use Object")}
	}

	if v, ok := r.(cloud.SpecValidator); ok {
		if errs := v.ValidateSpec(s); len(errs) > 0 {
			return nil, errs
		}
	}
	p, errs := plan.Build(xr.Name, s, r)
	if len(errs) > 0 {
		return nil, errs
	}
	if v, ok := r.(cloud.PlanValidator); ok {
		if errs := v.ValidatePlan(p); len(errs) > 0 {
			return nil, errs
		}
	}

	scope := compose.Scope{Namespace: req.Namespace, ProviderConfigKind: s.ProviderConfigs.Kind}
	// Connection secrets land in the management cluster; with Direct
	// delivery Crossplane runs in the Space cluster, so they land where the
	// Query API reads them.
	secretNS := req.Input.ConnectionSecretNamespace
	switch {
	case s.Delivery == spec.DeliveryDirect:
		secretNS = s.Spaces.Namespace
	case secretNS == "":
		secretNS = v1beta1.DefaultConnectionSecretNamespace
	}
	env := cloud.Env{
		Scope:           scope,
		Delivery:        compose.Delivery{Direct: s.Delivery == spec.DeliveryDirect, Scope: scope, ProviderConfig: s.ProviderConfigs.Kubernetes},
		ProviderConfig:  s.ProviderConfigs.Cloud,
		Labels:          req.Input.Labels,
		Tags:            req.Input.Tags,
		SecretNamespace: secretNS,
	}
	pendingRelease := false
	out, err := r.Render(p, env)
	if err != nil {
		return nil, field.ErrorList{field.InternalError(field.NewPath("spec"), errors.Wrap(err, errRender))}
	}

	if out.Database != nil {
		out.Database.Endpoint = endpoint(req.Observed[out.Database.Key], out.Database)
		if out.Database.Endpoint == "" {
			out.Database.Endpoint = releasedEndpoint(req.Observed[spaces.ReleaseKey])
		}
		out.Resources = append(out.Resources, spaces.Credentials(p, out.Database, env)...)
	}
	rel, err := spaces.Release(p, out.Database, env)
	var badValues *spaces.ValuesError
	switch {
	case errors.Is(err, spaces.ErrEndpointPending):
		// Installing Spaces without its database would leave the Query API
		// broken: the release waits for the endpoint (status says so).
		pendingRelease = true
	case errors.As(err, &badValues):
		return nil, badValues.Errs
	case err != nil:
		return nil, field.ErrorList{field.InternalError(field.NewPath("spec", "spaces"), errors.Wrap(err, errRender))}
	default:
		out.Resources = append(out.Resources, rel)
	}
	if p.Monitoring != nil {
		out.Resources = append(out.Resources, alerts.Rule(p, env))
	}

	if err := checkNoDataLoss(req.Observed, out.Resources, s); err != nil {
		return nil, field.ErrorList{err}
	}

	res := &Result{Resources: out.Resources}
	res.Status.Cloud = s.Cloud
	if out.Database != nil {
		ds := out.Database.Status
		ds.Endpoint = endpoint(req.Observed[out.Database.Key], out.Database)
		res.Status.Database = &ds
	}
	srs := make([]status.Resource, 0, len(res.Resources))
	for _, cr := range res.Resources {
		srs = append(srs, status.Resource{Key: cr.Key, Component: cr.Component, Observed: req.Observed[cr.Key]})
	}
	res.Status.Components, res.Ready = status.Components(srs)
	if pendingRelease {
		res.Status.Components = append(res.Status.Components, spec.ComponentStatus{
			Name: cloud.ComponentSpaces, Ready: false, Reason: "waiting for the database's endpoint before installing Spaces",
		})
	}
	res.Status.CapacityPlan = capacityStatus(p)
	all := warnings(s)
	if w, ok := r.(cloud.Warner); ok {
		all = append(all, w.Warnings(p)...)
	}
	res.Status.Warnings = all
	res.Warnings = newWarnings(observedXR(req.XR), all)
	return res, nil
}

// newWarnings are the warnings the XR's observed status does not carry yet:
// each degraded choice is reported once, not on every reconcile.
func newWarnings(xr map[string]any, all []string) []string {
	st, _ := xr["status"].(map[string]any)
	seen := map[string]bool{}
	if ws, ok := st["warnings"].([]any); ok {
		for _, w := range ws {
			if s, ok := w.(string); ok {
				seen[s] = true
			}
		}
	}
	var out []string
	for _, w := range all {
		if !seen[w] {
			out = append(out, w)
		}
	}
	return out
}

// endpoint reads the database's host:port from the observed instance.
func endpoint(o *status.Observed, db *cloud.Database) string {
	if o == nil || db.EndpointFieldPath == "" {
		return ""
	}
	host, err := fieldpath.Pave(o.Object).GetString(db.EndpointFieldPath)
	if err != nil || host == "" {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(int(db.Port)))
}

// releasedEndpoint is the database URL an observed Release was installed
// with, so a database that briefly reports no address never changes or
// removes the installed release.
func releasedEndpoint(o *status.Observed) string {
	if o == nil {
		return ""
	}
	var sets []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := fieldpath.Pave(o.Object).GetValueInto("spec.forProvider.set", &sets); err != nil {
		return ""
	}
	for _, s := range sets {
		if s.Name == spaces.URLValuePath {
			return s.Value
		}
	}
	return ""
}

// cloudDefaults lays the input's per-cloud defaults over the renderer's.
func cloudDefaults(d spec.CloudDefaults, in *v1beta1.Input, c spec.Cloud) spec.CloudDefaults {
	var o *v1beta1.CloudDefaults
	switch c {
	case spec.CloudAWS:
		o = in.AWS
	case spec.CloudGCP:
		o = in.GCP
	case spec.CloudAzure:
		o = in.Azure
	}
	if o == nil {
		return d
	}
	pick := func(over, def []string) []string {
		if len(over) > 0 {
			return slices.Clone(over)
		}
		return def
	}
	d.EtcdMachineTypes = pick(o.EtcdMachineTypes, d.EtcdMachineTypes)
	d.APIServerMachineTypes = pick(o.APIServerMachineTypes, d.APIServerMachineTypes)
	d.ControlPlanesMachineTypes = pick(o.ControlPlanesMachineTypes, d.ControlPlanesMachineTypes)
	if o.DatabaseInstanceSize != "" {
		d.InstanceSize = o.DatabaseInstanceSize
	}
	return d
}

func observedFrom(obs map[resource.Name]resource.ObservedComposed) map[string]*status.Observed {
	out := make(map[string]*status.Observed, len(obs))
	for k, o := range obs {
		if o.Resource == nil {
			continue
		}
		out[string(k)] = &status.Observed{Object: o.Resource.Object}
	}
	return out
}

// writeDesired adds the composed resources to the desired state (keeping
// what earlier pipeline steps composed) and the status to the desired XR.
func writeDesired(rsp *fnv1.RunFunctionResponse, req *fnv1.RunFunctionRequest, desired map[resource.Name]*resource.DesiredComposed, res *Result) error {
	for _, cr := range res.Resources {
		u, err := toUnstructured(cr.Object)
		if err != nil {
			return errors.Wrapf(err, "cannot convert %s", cr.Key)
		}
		dc := &resource.DesiredComposed{Resource: &composed.Unstructured{Unstructured: *u}, Ready: resource.ReadyFalse}
		if res.Ready[cr.Key] {
			dc.Ready = resource.ReadyTrue
		}
		desired[resource.Name(cr.Key)] = dc
	}
	if err := response.SetDesiredComposedResources(rsp, desired); err != nil {
		return err
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		return errors.Wrap(err, "cannot get the desired composite resource")
	}
	st, err := toMap(res.Status)
	if err != nil {
		return errors.Wrap(err, "cannot convert the status")
	}
	if err := dxr.Resource.SetValue("status", st); err != nil {
		return errors.Wrap(err, "cannot set the status")
	}
	return response.SetDesiredCompositeResource(rsp, dxr)
}

func toUnstructured(o any) (*unstructured.Unstructured, error) {
	m, err := toMap(o)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}

func toMap(o any) (map[string]any, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
