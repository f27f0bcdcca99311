package spaces

import (
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// How clients outside the Space cluster reach the router. Since Spaces 1.16
// the chart provisions no Ingress by default and the router's Service is a
// ClusterIP, so without these values nothing outside the cluster reaches
// the Space (upbound/docs, docs/reference/release-notes/spaces.md,
// v1.16.0). Upbound's "Exposing Spaces externally" (upbound/docs,
// self-hosted-spaces-docs/howtos/ingress.md) offers a LoadBalancer Service
// (recommended), Gateway API, or an Ingress. Every key below is listed in
// the chart's values reference (upbound/docs,
// docs/reference/spaces-helm-reference.md, 1.17): router.proxy.service.
// {type,annotations}, ingress.{provision,host,ingressClassName,annotations,
// podLabels,namespaceLabels}, gatewayAPI.{host,gateway.{provision,name,
// namespace,className},spacesRouterRoute.provision,podLabels,
// namespaceLabels} and externalTLS.tlsSecret.name. The reference has no key
// for the Service's spec.loadBalancerSourceRanges, so source ranges travel
// as Kubernetes' annotation of the same meaning, under
// router.proxy.service.annotations.

// The router's Service.
const (
	// RouterServiceName is the Service the chart puts in front of the
	// router's Envoy proxy ("kubectl get svc -n upbound-system
	// spaces-router" in Upbound's exposure guide).
	RouterServiceName = "spaces-router"
	// ServiceTypeLoadBalancer is router.proxy.service.type for a load
	// balancer.
	ServiceTypeLoadBalancer = "LoadBalancer"
)

// exposureValues sets the values of the plan's way in on v: the router's
// Service type and the cloud's load balancer annotations, the Ingress or
// the Gateway API route, and the serving certificate. ingress.provision is
// always written (false but for type Ingress): charts before 1.16 provision
// an ingress-nginx Ingress by default, and the way in is the one the XR
// says.
func exposureValues(v *Values, s plan.Spaces, env cloud.Env) {
	e := s.Exposure
	if v.Ingress == nil {
		v.Ingress = &IngressValues{}
	}
	v.Ingress.Provision = new(e.Type == plan.ExposeIngress)
	if e.TLSSecretName != "" {
		if v.ExternalTLS == nil {
			v.ExternalTLS = &ExternalTLSValues{}
		}
		v.ExternalTLS.TLSSecret = &SecretByName{Name: e.TLSSecretName}
	}
	switch e.Type {
	case plan.ExposeLoadBalancer:
		ann := maps.Clone(env.LoadBalancerAnnotations)
		if len(e.SourceRanges) > 0 {
			if ann == nil {
				ann = map[string]string{}
			}
			// Read by the cloud providers' service controllers (and the AWS
			// Load Balancer Controller) when spec.loadBalancerSourceRanges
			// is empty: k8s.io/api core/v1 AnnotationLoadBalancerSourceRangesKey.
			ann[corev1.AnnotationLoadBalancerSourceRangesKey] = strings.Join(e.SourceRanges, ",")
		}
		if len(ann) == 0 {
			ann = nil
		}
		v.Router.Proxy = &RouterProxy{Service: RouterService{Type: ServiceTypeLoadBalancer, Annotations: ann}}
	case plan.ExposeIngress:
		in := e.Ingress
		if in == nil {
			in = &plan.IngressExposure{}
		}
		v.Ingress.Host = s.RouterHost
		v.Ingress.IngressClassName = in.ClassName
		v.Ingress.Annotations = maps.Clone(in.Annotations)
		v.Ingress.PodLabels = maps.Clone(in.PodLabels)
		v.Ingress.NamespaceLabels = maps.Clone(in.NamespaceLabels)
	case plan.ExposeGatewayAPI:
		g := e.Gateway
		if g == nil {
			g = &plan.GatewayExposure{ProvisionGateway: true}
		}
		gv := GatewayValues{Provision: g.ProvisionGateway, Name: g.Name, ClassName: g.ClassName}
		if !g.ProvisionGateway {
			// The chart reads gatewayAPI.gateway.namespace only for a
			// Gateway it does not provision.
			gv.Namespace = g.Namespace
		}
		v.GatewayAPI = &GatewayAPIValues{
			Host:              s.RouterHost,
			Gateway:           gv,
			SpacesRouterRoute: ProvisionSwitch{Provision: true},
			PodLabels:         maps.Clone(g.PodLabels),
			NamespaceLabels:   maps.Clone(g.NamespaceLabels),
		}
	}
}

// The observe-only Object that reads the router's Service back, for the
// load balancer's address (status.router.address).
const (
	// RouterServiceKey is the composition resource name of the Object.
	RouterServiceKey = "router-service"
	// RouterAddressField is where the Object carries the Service's load
	// balancer status (provider-kubernetes copies the observed object into
	// status.atProvider.manifest); the function decodes only this of it.
	RouterAddressField = "status.atProvider.manifest.status.loadBalancer"
	// ComponentRouter is the status component of the Object.
	ComponentRouter = "routerService"
)

// ObservePolicy is the management policy of an Object that only reads.
const ObservePolicy = "Observe"

// serviceRef is a Service by name, the manifest of an observe-only Object:
// provider-kubernetes looks the object up by its kind, name and namespace.
type serviceRef struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
}

// RouterServiceObserver returns a provider-kubernetes Object that observes
// the chart's router Service (management policy Observe: it never creates,
// changes or deletes it), so that its load balancer's address can be read
// from the Object's status. The Service exists once the Release is
// installed; the caller composes the Object only from then on.
func RouterServiceObserver(p *plan.Plan, env cloud.Env) compose.Resource {
	svc := &serviceRef{
		TypeMeta: compose.TypeMeta{APIVersion: "v1", Kind: "Service"},
		Metadata: compose.ObjectMeta{Name: RouterServiceName, Namespace: p.Spaces.Namespace},
	}
	r := env.Delivery.Object(RouterServiceKey, ComponentRouter, compose.Name(p.XRName, "router-service"), svc)
	// Observe only: provider-kubernetes treats such an Object as up to
	// date and, with SuccessfulCreate, reports it Available once the
	// Service exists (crossplane-contrib/provider-kubernetes,
	// internal/controller/cluster/object/object.go, handleObservation).
	// The deletionPolicy the scope gives stays; without Delete among the
	// policies nothing deletes the Service either way.
	r.Object.(*compose.Object).Spec.ManagementPolicies = []string{ObservePolicy}
	return r
}
