package fn

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// exampleLBAnnotations are the annotations Upbound's "Exposing Spaces
// externally" gives each cloud's internet-facing layer-4 load balancer
// (upbound/docs, self-hosted-spaces-docs/howtos/ingress.md).
var exampleLBAnnotations = map[string]map[string]any{
	"aws": {
		"service.beta.kubernetes.io/aws-load-balancer-type":            "external",
		"service.beta.kubernetes.io/aws-load-balancer-scheme":          "internet-facing",
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
	},
	"gcp":   {"cloud.google.com/l4-rbs": "enabled"},
	"azure": nil, // AKS's load balancer is layer 4 and public by default.
}

// TestExamplesExposeTheRouter: every example renders a Release whose values
// make the router reachable from outside the cluster: a LoadBalancer
// Service with its cloud's annotations, and no chart Ingress.
func TestExamplesExposeTheRouter(t *testing.T) {
	for _, path := range exampleXRs(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			xr := readXR(t, path)
			raw, _ := json.Marshal(xr)
			ns, _ := dig(xr, "metadata.namespace").(string)
			pr, errs := Prepare(Request{XR: raw, Namespace: ns, Input: &v1beta1.Input{}})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			rel, err := spaces.Release(pr.Plan, nil, pr.Env)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			b, _ := json.Marshal(rel.Object)
			_ = json.Unmarshal(b, &got)
			values := dig(got, "spec.forProvider.values").(map[string]any)
			if typ := dig(values, "router.proxy.service.type"); typ != "LoadBalancer" {
				t.Errorf("router.proxy.service.type = %v, want LoadBalancer", typ)
			}
			ann, _ := dig(values, "router.proxy.service.annotations").(map[string]any)
			if diff := cmp.Diff(exampleLBAnnotations[string(pr.Spec.Cloud)], ann); diff != "" {
				t.Errorf("router.proxy.service.annotations: -want +got:\n%s", diff)
			}
			if p := dig(values, "ingress.provision"); p != false {
				t.Errorf("ingress.provision = %v, want false", p)
			}
			if h := dig(values, "externalTLS.host"); h != pr.Spec.Spaces.RouterHost {
				t.Errorf("externalTLS.host = %v, want %s", h, pr.Spec.Spaces.RouterHost)
			}
		})
	}
}

// TestInternalLoadBalancer: the internal scheme takes each cloud's
// internal load balancer annotations.
func TestInternalLoadBalancer(t *testing.T) {
	want := map[string]map[string]string{
		"aws": {
			"service.beta.kubernetes.io/aws-load-balancer-type":            "external",
			"service.beta.kubernetes.io/aws-load-balancer-scheme":          "internal",
			"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
		},
		"gcp":   {"networking.gke.io/load-balancer-type": "Internal"},
		"azure": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
	}
	for name, c := range registry {
		t.Run(string(name), func(t *testing.T) {
			if diff := cmp.Diff(want[string(name)], c.LoadBalancerAnnotations(true)); diff != "" {
				t.Errorf("LoadBalancerAnnotations(internal): -want +got:\n%s", diff)
			}
		})
	}
}

// TestExposureStatusAndWarning: status.router names the host and the way
// in; type None composes no way in and says so once, as a Warning.
func TestExposureStatusAndWarning(t *testing.T) {
	cases := map[string]struct {
		exposure    map[string]any
		wantRouter  map[string]any
		wantWarning bool
	}{
		"LoadBalancer": {
			exposure: nil,
			wantRouter: map[string]any{"host": "spaces.acme.example.com", "exposure": "LoadBalancer",
				"message": "point the DNS record of spaces.acme.example.com at the address of Service upbound-system/spaces-router (status.loadBalancer.ingress[0]) once it has one"},
		},
		"None": {
			exposure:    map[string]any{"type": "None"},
			wantRouter:  map[string]any{"host": "spaces.acme.example.com", "exposure": "None", "message": "not exposed: spec.spaces.exposure.type is None"},
			wantWarning: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, minimalXR)
			if tc.exposure != nil {
				testutil.Set(xr, "spec.spaces.exposure", tc.exposure)
			}
			rsp := run(t, newRequest(t, xr, nil))
			st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
			if diff := cmp.Diff(tc.wantRouter, st["router"]); diff != "" {
				t.Errorf("status.router: -want +got:\n%s", diff)
			}
			warned := slices.ContainsFunc(rsp.GetResults(), func(r *fnv1.Result) bool {
				return r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.HasPrefix(r.GetMessage(), "spec.spaces.exposure.type is None")
			})
			if warned != tc.wantWarning {
				t.Errorf("Warning about exposure None: %v, want %v; results: %v", warned, tc.wantWarning, rsp.GetResults())
			}
		})
	}
}

// dig is the value at a dotted path of keys without dots.
func dig(m map[string]any, path string) any { return testutil.Get(m, strings.Split(path, ".")...) }

// observedRelease is the Spaces Release as provider-helm reports it.
func observedRelease(ready bool) map[string]any {
	st := "False"
	if ready {
		st = "True"
	}
	return map[string]any{"apiVersion": "helm.crossplane.io/v1beta1", "kind": "Release", "metadata": map[string]any{"name": "minimal-use1-spaces"},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": st, "reason": "Available"}}}}
}

// observedRouterService is the observe-only Object as provider-kubernetes
// reports it: the Service read back under status.atProvider.manifest.
func observedRouterService(ingress ...map[string]any) map[string]any {
	lb := map[string]any{}
	if len(ingress) > 0 {
		l := make([]any, 0, len(ingress))
		for _, i := range ingress {
			l = append(l, i)
		}
		lb["ingress"] = l
	}
	return map[string]any{"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object", "metadata": map[string]any{"name": "minimal-use1-router-service"},
		"status": map[string]any{
			"atProvider": map[string]any{"manifest": map[string]any{"apiVersion": "v1", "kind": "Service",
				"metadata": map[string]any{"name": "spaces-router", "namespace": "upbound-system"},
				"status":   map[string]any{"loadBalancer": lb}}},
			"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Available"}},
		}}
}

// TestRouterServiceObserved: the observe-only Object of the router's
// Service is composed once the Release is ready (before, the Service cannot
// exist and the Object would hold the XR's readiness back), kept while it
// is observed, and never with Direct delivery or another way in; its
// load balancer's address becomes status.router.address.
func TestRouterServiceObserved(t *testing.T) {
	cases := map[string]struct {
		edit        func(xr map[string]any)
		observed    map[string]map[string]any
		wantObject  bool
		wantAddress string
	}{
		"NothingObserved":  {},
		"ReleaseNotReady":  {observed: map[string]map[string]any{spaces.ReleaseKey: observedRelease(false)}},
		"ReleaseReady":     {observed: map[string]map[string]any{spaces.ReleaseKey: observedRelease(true)}, wantObject: true},
		"KeptOnceObserved": {observed: map[string]map[string]any{spaces.ReleaseKey: observedRelease(false), spaces.RouterServiceKey: observedRouterService()}, wantObject: true},
		"HostName": {
			observed:   map[string]map[string]any{spaces.ReleaseKey: observedRelease(true), spaces.RouterServiceKey: observedRouterService(map[string]any{"hostname": "k8s-spaces.elb.us-east-1.amazonaws.com"})},
			wantObject: true, wantAddress: "k8s-spaces.elb.us-east-1.amazonaws.com",
		},
		"IP": {
			observed:   map[string]map[string]any{spaces.ReleaseKey: observedRelease(true), spaces.RouterServiceKey: observedRouterService(map[string]any{"ip": "203.0.113.10"})},
			wantObject: true, wantAddress: "203.0.113.10",
		},
		"DirectDelivery": {
			edit:     func(xr map[string]any) { testutil.Set(xr, "spec.delivery", "Direct") },
			observed: map[string]map[string]any{spaces.ReleaseKey: observedRelease(true)},
		},
		"Ingress": {
			edit:     func(xr map[string]any) { testutil.Set(xr, "spec.spaces.exposure", map[string]any{"type": "Ingress"}) },
			observed: map[string]map[string]any{spaces.ReleaseKey: observedRelease(true)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, minimalXR)
			if tc.edit != nil {
				tc.edit(xr)
			}
			rsp := run(t, newRequest(t, xr, tc.observed))
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					t.Fatal(r.GetMessage())
				}
			}
			o, ok := rsp.GetDesired().GetResources()[spaces.RouterServiceKey]
			if ok != tc.wantObject {
				t.Fatalf("router-service composed: %v, want %v", ok, tc.wantObject)
			}
			if ok {
				m := o.GetResource().AsMap()
				want := map[string]any{
					"managementPolicies": []any{"Observe"},
					"deletionPolicy":     "Orphan",
					"providerConfigRef":  map[string]any{"name": "default"},
					"readiness":          map[string]any{"policy": "SuccessfulCreate"},
					"forProvider": map[string]any{"manifest": map[string]any{"apiVersion": "v1", "kind": "Service",
						"metadata": map[string]any{"name": "spaces-router", "namespace": "upbound-system"}}},
				}
				if diff := cmp.Diff(want, m["spec"]); diff != "" {
					t.Errorf("router-service spec: -want +got:\n%s", diff)
				}
			}
			st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
			got, _ := dig(st, "router.address").(string)
			if got != tc.wantAddress {
				t.Errorf("status.router.address = %q, want %q", got, tc.wantAddress)
			}
		})
	}
}
