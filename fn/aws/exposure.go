package aws

import (
	"encoding/json"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// The router Service's load balancer annotations of Upbound's "Exposing
// Spaces externally" guide. The value external hands the Service to the
// AWS Load Balancer Controller, which makes a Network Load Balancer; the
// in-tree controller leaves such a Service alone.
const (
	AnnotationLBType = "service.beta.kubernetes.io/aws-load-balancer-type"
	LBTypeExternal   = "external"
)

// routerExposureWarnings reads the router's Service in the user's Helm
// values (router.proxy.service.type and .annotations): a LoadBalancer
// Service that does not ask for the AWS Load Balancer Controller gets the
// in-tree controller's Classic Load Balancer, not the Network Load
// Balancer Upbound recommends for the router's long-lived watches. With
// the annotation, the controller must run in the cluster, which the
// function cannot see (docs/prerequisites.md). Values that do not decode
// are the release's to refuse, not this check's.
func routerExposureWarnings(p *plan.Plan) []string {
	if len(p.Spaces.Values) == 0 {
		return nil
	}
	var v struct {
		Router struct {
			Proxy struct {
				Service struct {
					Type        string            `json:"type"`
					Annotations map[string]string `json:"annotations"`
				} `json:"service"`
			} `json:"proxy"`
		} `json:"router"`
	}
	if json.Unmarshal(p.Spaces.Values, &v) != nil {
		return nil
	}
	svc := v.Router.Proxy.Service
	lbType, set := svc.Annotations[AnnotationLBType]
	// With spec.spaces.exposure.type LoadBalancer the function sets the
	// annotation itself, and the user's values merge over it key by key:
	// only a value of the user's own replaces it.
	composed := p.Spaces.Exposure.Type == plan.ExposeLoadBalancer
	switch {
	case svc.Type != "LoadBalancer" && (!composed || svc.Type != ""):
		return nil
	case set && lbType == LBTypeExternal:
		return nil
	case !set && composed:
		return nil
	}
	return []string{"spec.spaces.values.router.proxy.service is a LoadBalancer without the annotation " + AnnotationLBType + ": " + LBTypeExternal +
		": the in-tree controller makes a Classic Load Balancer; Upbound recommends a Network Load Balancer, which the AWS Load Balancer Controller " +
		"(a prerequisite in the cluster) makes with that annotation, -scheme and -nlb-target-type: ip"}
}
