package fn

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
)

// Request is what the function needs of a RunFunctionRequest, as plain data.
type Request struct {
	// XR is the observed XR as JSON.
	XR []byte
	// Namespace of the XR; empty for a cluster-scoped XR.
	Namespace string
	// Input of the function; never nil.
	Input *v1beta1.Input
	// Observed composed resources by composition resource name.
	Observed map[string]*unstructured.Unstructured
	// Kept is whether the kept copy of a generated database password
	// exists (password.go), as the request's required resources say.
	Kept Kept
}

// Prepared is the pure pipeline's result: everything the clouds' render
// functions read.
type Prepared struct {
	// XRName is the XR's name.
	XRName string
	// Spec is the defaulted, validated spec.
	Spec *spec.Spec
	// Cloud is the XR's cloud.
	Cloud *cloud.Cloud
	// Plan is the cloud-neutral plan, validated by the cloud too.
	Plan *plan.Plan
	// Env is what the renderers need beyond the plan.
	Env cloud.Env
	// Recorded is the observed XR's status: what earlier calls recorded.
	Recorded spec.Status
}

// Prepare is the function's pure pipeline up to rendering: the XR and the
// input in; the defaulted spec validated by the cloud-neutral rules and by
// its cloud's, the plan, and the environment out. Invalid input returns
// every error of the first stage that fails, each with its field path.
// Compose renders what it returns; tests call it instead of copying it.
func Prepare(req Request) (*Prepared, field.ErrorList) {
	xr, errs := spec.Decode(req.XR)
	if errs = append(errs, req.Input.Validate()...); len(errs) > 0 {
		return nil, errs
	}
	s := &xr.Spec
	c, ok := registry[s.Cloud]
	if !ok {
		// Validate reports the unsupported cloud with the other errors.
		return nil, spec.Validate(s)
	}
	spec.ApplyCloudDefaults(s, cloudDefaults(c, req.Input))
	if c.Default != nil {
		c.Default(s)
	}
	errs = spec.Validate(s)
	if c.ValidateInput != nil {
		errs = append(errs, c.ValidateInput(req.Input)...)
	}
	errs = append(errs, c.ValidateMachineTypes(s)...)
	if c.Configured(s) {
		errs = append(errs, c.ValidateSpec(s)...)
	} else {
		errs = append(errs, field.Required(field.NewPath("spec", string(c.Name)), "required when cloud is "+string(c.Name)))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := checkCloudUnchanged(xr.Status.Cloud, s); err != nil {
		return nil, field.ErrorList{err}
	}
	if req.Namespace != "" && s.Delivery == spec.DeliveryDirect {
		return nil, field.ErrorList{field.Invalid(field.NewPath("spec", "delivery"), s.Delivery,
			"a namespaced XR cannot compose cluster-scoped objects such as NodePools and StorageClasses: use Object")}
	}
	p, errs := plan.Build(xr.Name, s, c)
	if len(errs) > 0 {
		return nil, errs
	}
	if c.ValidatePlan != nil {
		if errs := c.ValidatePlan(p); len(errs) > 0 {
			return nil, errs
		}
	}
	e := env(req, s)
	if p.Spaces.Exposure.Type == plan.ExposeLoadBalancer && c.LoadBalancerAnnotations != nil {
		e.LoadBalancerAnnotations = c.LoadBalancerAnnotations(p.Spaces.Exposure.Internal)
	}
	return &Prepared{XRName: xr.Name, Spec: s, Cloud: c, Plan: p, Env: e, Recorded: xr.Status}, nil
}

// env is the environment of the renderers: scope, delivery, provider
// configs, the input's labels and tags, and where connection secrets go.
func env(req Request, s *spec.Spec) cloud.Env {
	scope := compose.Scope{Namespace: req.Namespace, ProviderConfigKind: s.ProviderConfigs.Kind, OrphanAll: s.DeletionPolicy == spec.DeletionOrphan}
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
	return cloud.Env{
		Scope:           scope,
		Delivery:        compose.Delivery{Direct: s.Delivery == spec.DeliveryDirect, Scope: scope, ProviderConfig: s.ProviderConfigs.Kubernetes},
		ProviderConfig:  s.ProviderConfigs.Cloud,
		Labels:          req.Input.Labels,
		Tags:            req.Input.Tags,
		SecretNamespace: secretNS,
		Observed:        observedObjects(req.Observed),
	}
}

// observedObjects are the observed composed resources' objects by key.
func observedObjects(in map[string]*unstructured.Unstructured) map[string]map[string]any {
	out := make(map[string]map[string]any, len(in))
	for k, o := range in {
		if o != nil && o.Object != nil {
			out[k] = o.Object
		}
	}
	return out
}

// cloudDefaults lays the input's defaults for the cloud over the cloud's.
func cloudDefaults(c *cloud.Cloud, in *v1beta1.Input) spec.CloudDefaults {
	d := c.Defaults
	var o *v1beta1.CloudDefaults
	if c.InputDefaults != nil {
		o = c.InputDefaults(in)
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
