package spaces

import (
	"reflect"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// TestReleaseExposure pins the values of each way in: exactly the chart
// keys of Upbound's "Exposing Spaces externally", and nothing of the other
// ways (ingress.provision is always written, false but for Ingress).
func TestReleaseExposure(t *testing.T) {
	const values = "spec.forProvider.values."
	type check struct{ path, want string }
	cases := map[string]struct {
		exposure plan.Exposure
		version  string
		checks   []check
	}{
		"LoadBalancerTakesTheCloudsAnnotations": {
			exposure: plan.Exposure{Type: plan.ExposeLoadBalancer},
			checks: []check{
				{values + "router.proxy.service", `{"type": "LoadBalancer", "annotations": {"lb.example.com/type": "network"}}`},
				{values + "ingress", `{"provision": false}`},
				{values + "gatewayAPI", ""},
				{values + "externalTLS", `{"host": "spaces.acme.example.com"}`},
			},
		},
		"LoadBalancerSourceRanges": {
			exposure: plan.Exposure{Type: plan.ExposeLoadBalancer, SourceRanges: []string{"203.0.113.0/24", "2001:db8::/32"}},
			checks: []check{{values + "router.proxy.service.annotations", `{"lb.example.com/type": "network",
				"service.beta.kubernetes.io/load-balancer-source-ranges": "203.0.113.0/24,2001:db8::/32"}`}},
		},
		"TLSSecret": {
			exposure: plan.Exposure{Type: plan.ExposeLoadBalancer, TLSSecretName: "spaces-router-cert"},
			checks:   []check{{values + "externalTLS", `{"host": "spaces.acme.example.com", "tlsSecret": {"name": "spaces-router-cert"}}`}},
		},
		"Ingress": {
			exposure: plan.Exposure{Type: plan.ExposeIngress, Ingress: &plan.IngressExposure{
				ClassName:       "traefik",
				Annotations:     map[string]string{"example.com/ssl-passthrough": "true"},
				PodLabels:       map[string]string{"app.kubernetes.io/name": "traefik"},
				NamespaceLabels: map[string]string{"kubernetes.io/metadata.name": "traefik"},
			}},
			checks: []check{
				{values + "ingress", `{"provision": true, "host": "spaces.acme.example.com", "ingressClassName": "traefik",
					"annotations": {"example.com/ssl-passthrough": "true"}, "podLabels": {"app.kubernetes.io/name": "traefik"},
					"namespaceLabels": {"kubernetes.io/metadata.name": "traefik"}}`},
				{values + "router.proxy", ""},
				{values + "gatewayAPI", ""},
			},
		},
		"IngressOfTheDefaultClass": {
			exposure: plan.Exposure{Type: plan.ExposeIngress},
			checks:   []check{{values + "ingress", `{"provision": true, "host": "spaces.acme.example.com"}`}},
		},
		"GatewayAPIProvisioned": {
			exposure: plan.Exposure{Type: plan.ExposeGatewayAPI, Gateway: &plan.GatewayExposure{
				ProvisionGateway: true, Name: "spaces", ClassName: "envoy", Namespace: "ignored",
				PodLabels: map[string]string{"app.kubernetes.io/name": "envoy"},
			}},
			checks: []check{
				{values + "gatewayAPI", `{"host": "spaces.acme.example.com", "gateway": {"provision": true, "name": "spaces", "className": "envoy"},
					"spacesRouterRoute": {"provision": true}, "podLabels": {"app.kubernetes.io/name": "envoy"}}`},
				{values + "ingress", `{"provision": false}`},
				{values + "router.proxy", ""},
			},
		},
		"GatewayAPISharedGateway": {
			exposure: plan.Exposure{Type: plan.ExposeGatewayAPI, Gateway: &plan.GatewayExposure{Name: "shared", Namespace: "gateways"}},
			checks: []check{{values + "gatewayAPI", `{"host": "spaces.acme.example.com", "gateway": {"provision": false, "name": "shared", "namespace": "gateways"},
				"spacesRouterRoute": {"provision": true}}`}},
		},
		"None": {
			exposure: plan.Exposure{Type: plan.ExposeNone},
			checks: []check{
				{values + "ingress", `{"provision": false}`},
				{values + "router.proxy", ""},
				{values + "gatewayAPI", ""},
			},
		},
		// Charts before 1.16 provisioned an ingress-nginx Ingress by
		// default: a LoadBalancer turns it off.
		"Chart115LoadBalancer": {
			exposure: plan.Exposure{Type: plan.ExposeLoadBalancer},
			version:  "1.15.2",
			checks: []check{
				{values + "ingress", `{"provision": false, "host": "spaces.acme.example.com"}`},
				{values + "router.proxy.service.type", `"LoadBalancer"`},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			p.Spaces.Exposure = tc.exposure
			if tc.version != "" {
				p.Spaces.Version = tc.version
			}
			got := render(t, p, testDB(), clusterEnv())
			for _, c := range tc.checks {
				v, ok := at(got, c.path)
				if c.want == "" {
					if ok {
						t.Errorf("%s = %v, want it absent", c.path, v)
					}
					continue
				}
				if !ok {
					t.Errorf("%s is absent, want %s", c.path, c.want)
					continue
				}
				if w := js(t, c.want); !reflect.DeepEqual(v, w) {
					t.Errorf("%s = %v, want %v", c.path, v, w)
				}
			}
		})
	}
}
