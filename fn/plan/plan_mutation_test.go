package plan

import (
	"encoding/json"
	"fmt"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// Tests that pin behaviour the fn package's golden tests cover but this
// package's own did not, found by mutation testing (docs/reliability.md,
// "Mutation testing": Gremlins runs only the mutated package's tests).

func TestExposure(t *testing.T) {
	lb := exposure(spec.Exposure{Scheme: spec.SchemeInternal, LoadBalancerSourceRanges: []spec.CIDR{"10.0.0.0/8"}})
	if lb.Type != ExposeLoadBalancer || !lb.Internal || len(lb.SourceRanges) != 1 || lb.Ingress != nil || lb.Gateway != nil {
		t.Errorf("the default way in: %+v, want an internal load balancer with its source ranges", lb)
	}
	if e := exposure(spec.Exposure{Type: ExposeLoadBalancer}); e.Internal {
		t.Error("a load balancer without scheme internal is internal")
	}
	in := exposure(spec.Exposure{Type: ExposeIngress, LoadBalancerSourceRanges: []spec.CIDR{"10.0.0.0/8"}})
	if in.Ingress == nil || in.SourceRanges != nil || in.Gateway != nil {
		t.Errorf("an Ingress without settings: %+v", in)
	}
	in = exposure(spec.Exposure{Type: ExposeIngress, Ingress: &spec.IngressExposure{ClassName: "nginx"}})
	if in.Ingress == nil || in.Ingress.ClassName != "nginx" {
		t.Errorf("an Ingress's class: %+v", in.Ingress)
	}
	gw := exposure(spec.Exposure{Type: ExposeGatewayAPI})
	if gw.Gateway == nil || !gw.Gateway.ProvisionGateway || gw.Ingress != nil {
		t.Errorf("the Gateway API by default provisions a Gateway: %+v", gw)
	}
}

func TestSpacesPlanValues(t *testing.T) {
	for raw, want := range map[string]string{"": "", "null": "", `{"a":1}`: `{"a":1}`} {
		s := &spec.Spec{}
		s.Spaces.Values = &apiextensionsv1.JSON{Raw: []byte(raw)}
		got := spacesPlan(s).Values
		if string(got) != want || (want == "" && got != nil) {
			t.Errorf("values %q: plan has %q (nil %v), want %q", raw, got, got == nil, want)
		}
	}
}

func TestChartReplicasZero(t *testing.T) {
	pod := ChartPod{ReplicasPath: []string{"r"}}
	if n, errs := chartReplicas(map[string]any{"r": float64(0)}, pod, nil); n != 0 || len(errs) != 0 {
		t.Errorf("0 replicas: %d, %v", n, errs)
	}
	if n, errs := chartReplicas(map[string]any{"r": float64(maxChartReplicas)}, pod, nil); n != maxChartReplicas || len(errs) != 0 {
		t.Errorf("%d replicas: %d, %v", maxChartReplicas, n, errs)
	}
}

func TestParseQuantityZero(t *testing.T) {
	if _, err := parseQuantity("0"); err != nil {
		t.Errorf("a zero quantity: %v", err)
	}
	if _, err := parseQuantity("-1Mi"); err == nil {
		t.Error("a negative quantity: want an error")
	}
}

func TestCapacityInputsEmptyValues(t *testing.T) {
	s := &spec.Spec{}
	s.Spaces.Values = &apiextensionsv1.JSON{}
	if _, errs := capacityInputs(s); len(errs) != 0 {
		t.Errorf("empty values: %v", errs)
	}
}

func TestChartRequestsUpToTheBound(t *testing.T) {
	def, errs := capacityInputs(&spec.Spec{})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	pod := ControlPlaneChartPods[0]
	if pod.ReplicasPath != nil || pod.EnabledPath != nil {
		t.Fatalf("%s: the test wants a pod that always runs once", pod.Name)
	}
	at := func(cpu int64) (Capacity, field.ErrorList) {
		var values any = map[string]any{"cpu": fmt.Sprintf("%dm", cpu)}
		for i := len(pod.RequestsPath) - 1; i >= 0; i-- {
			values = map[string]any{pod.RequestsPath[i]: values}
		}
		raw, err := json.Marshal(values)
		if err != nil {
			t.Fatal(err)
		}
		s := &spec.Spec{}
		s.Spaces.Values = &apiextensionsv1.JSON{Raw: raw}
		return capacityInputs(s)
	}
	// The chart's pods of one control plane request exactly the bound.
	exact := MaxPodMilliCPU - def.ControlPlanePodRequests.MilliCPU + pod.Requests.MilliCPU
	if c, errs := at(exact); len(errs) != 0 || c.ControlPlanePodRequests.MilliCPU != MaxPodMilliCPU {
		t.Errorf("requests summing to the bound: %d, %v", c.ControlPlanePodRequests.MilliCPU, errs)
	}
	if _, errs := at(exact + 1); len(errs) == 0 {
		t.Error("requests summing to 1m over the bound: want an error")
	}
}
