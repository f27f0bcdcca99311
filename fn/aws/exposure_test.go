package aws

import (
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// TestRouterExposureWarnings: a router LoadBalancer Service in the user's
// values warns unless it asks for the AWS Load Balancer Controller's NLB;
// ClusterIP (the chart's default), Ingress and no values do not.
func TestRouterExposureWarnings(t *testing.T) {
	cases := map[string]struct {
		values   string
		exposure string // spec.spaces.exposure.type; "" for a plan without one
		warn     bool
	}{
		// spec.spaces.exposure LoadBalancer: the function sets the
		// annotation, and values merge over it key by key.
		"ComposedLoadBalancer":          {exposure: plan.ExposeLoadBalancer},
		"ComposedWithValuesType":        {exposure: plan.ExposeLoadBalancer, values: `{"router":{"proxy":{"service":{"type":"LoadBalancer"}}}}`},
		"ComposedWithOtherAnnotation":   {exposure: plan.ExposeLoadBalancer, values: `{"router":{"proxy":{"service":{"annotations":{"a":"b"}}}}}`},
		"ComposedOverriddenToInTreeNLB": {exposure: plan.ExposeLoadBalancer, values: `{"router":{"proxy":{"service":{"annotations":{"service.beta.kubernetes.io/aws-load-balancer-type":"nlb"}}}}}`, warn: true},
		"NoneButValuesLoadBalancer":     {exposure: plan.ExposeNone, values: `{"router":{"proxy":{"service":{"type":"LoadBalancer"}}}}`, warn: true},
		"NoValues":                      {},
		"ClusterIP":                     {values: `{"router":{"proxy":{"service":{"type":"ClusterIP"}}}}`},
		"NLB": {values: `{"router":{"proxy":{"service":{"type":"LoadBalancer","annotations":{` +
			`"service.beta.kubernetes.io/aws-load-balancer-type":"external","service.beta.kubernetes.io/aws-load-balancer-nlb-target-type":"ip"}}}}}`},
		"InTreeLoadBalancer": {values: `{"router":{"proxy":{"service":{"type":"LoadBalancer"}}}}`, warn: true},
		"InTreeNLB": {values: `{"router":{"proxy":{"service":{"type":"LoadBalancer","annotations":{` +
			`"service.beta.kubernetes.io/aws-load-balancer-type":"nlb"}}}}}`, warn: true},
		"Ingress":     {values: `{"ingress":{"provision":true}}`},
		"NotAnObject": {values: `[1]`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := &plan.Plan{Spaces: plan.Spaces{Values: []byte(tc.values), Exposure: plan.Exposure{Type: tc.exposure}}}
			got := Warnings(cloud.In{Plan: p})
			if !tc.warn {
				if len(got) != 0 {
					t.Errorf("warnings = %q, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], "spec.spaces.values.router.proxy.service") || !strings.Contains(got[0], "AWS Load Balancer Controller") {
				t.Errorf("warnings = %q, want one naming spec.spaces.values.router.proxy.service and the AWS Load Balancer Controller", got)
			}
		})
	}
}
