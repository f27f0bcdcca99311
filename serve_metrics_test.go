package main

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// xrRequest is a request for the XR in path, its name set to name.
func xrRequest(t *testing.T, path, name string, edit func(spec map[string]any)) *fnv1.RunFunctionRequest {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test fixture
	if err != nil {
		t.Fatal(err)
	}
	xr := map[string]any{}
	if err := yaml.Unmarshal(b, &xr); err != nil {
		t.Fatal(err)
	}
	xr["metadata"].(map[string]any)["name"] = name
	if edit != nil {
		edit(xr["spec"].(map[string]any))
	}
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatal(err)
	}
	return &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}}}
}

// TestServeExportsTheFunctionsMetrics serves the function as Run does
// (its metrics on the registry of the metrics endpoint), makes one call
// with a valid XR and one with an invalid XR, and scrapes the endpoint
// over HTTP.
func TestServeExportsTheFunctionsMetrics(t *testing.T) {
	c := &ServeCmd{Insecure: true, Network: "tcp", Address: "127.0.0.1:0", MetricsAddress: "127.0.0.1:0",
		MaxRecvMessageSize: 4, ShutdownTimeout: 10 * time.Second, TTL: 30 * time.Second, ReadyTTL: 5 * time.Minute}
	reg := prometheus.NewRegistry()
	f, err := newFunction(c, fnOptions(false, logging.NewNopLogger(), c), reg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(c, f, logging.NewNopLogger(), reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	client := dial(t, s.Addr().String(), insecure.NewCredentials())

	rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer rcancel()
	// Two zones: valid, with a Warning result.
	valid, err := client.RunFunction(rctx, xrRequest(t, "example/xr-aws.yaml", "valid", func(spec map[string]any) {
		spec["zones"] = []any{"us-east-1a", "us-east-1b"}
	}))
	if err != nil {
		t.Fatal(err)
	}
	invalid, err := client.RunFunction(rctx, xrRequest(t, "example/xr-aws.yaml", "invalid", func(spec map[string]any) {
		spec["zones"] = []any{}
	}))
	if err != nil {
		t.Fatal(err)
	}
	// What the responses say, to compare the counters with.
	kinds := map[string]float64{}
	for _, r := range valid.GetDesired().GetResources() {
		m := r.GetResource().AsMap()
		kinds[m["kind"].(string)]++
	}
	warnings := map[string]float64{}
	for _, r := range valid.GetResults() {
		switch r.GetSeverity() {
		case fnv1.Severity_SEVERITY_FATAL:
			t.Fatalf("the valid XR got a Fatal result: %s", r.GetMessage())
		case fnv1.Severity_SEVERITY_WARNING:
			warnings[fn.WarningReason(r.GetMessage())]++
		}
	}
	if len(kinds) == 0 || len(warnings) == 0 {
		t.Fatalf("the valid XR composed %v and warned %v: want both", kinds, warnings)
	}
	fatal := 0
	for _, r := range invalid.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			fatal++
		}
	}
	if fatal != 1 {
		t.Fatalf("the invalid XR got %d Fatal results, want 1", fatal)
	}

	fams := scrape(t, "http://"+s.MetricsAddr().String()+"/metrics")
	want := []struct {
		name   string
		labels map[string]string
		value  float64
	}{
		{"function_space_scaling_results_total", map[string]string{"severity": "Fatal", "reason": fn.ReasonInvalidInput}, 1},
		{"function_space_scaling_results_total", map[string]string{"severity": "Fatal", "reason": fn.ReasonRefusedChange}, 0},
		{"function_space_scaling_results_total", map[string]string{"severity": "Fatal", "reason": fn.ReasonDataLossGuard}, 0},
		{"function_space_scaling_results_total", map[string]string{"severity": "Fatal", "reason": fn.ReasonInternal}, 0},
		{"function_space_scaling_run_function_duration_seconds", map[string]string{"outcome": fn.OutcomeOK}, 1},
		{"function_space_scaling_run_function_duration_seconds", map[string]string{"outcome": fn.OutcomeFatal}, 1},
		{"function_space_scaling_run_function_duration_seconds", map[string]string{"outcome": fn.OutcomePanic}, 0},
		{"function_space_scaling_pending_changes_total", map[string]string{"action": "staged"}, 0},
		{"function_space_scaling_pending_changes_total", map[string]string{"action": "held"}, 0},
		// Nothing observed: both XRs are not ready.
		{"function_space_scaling_xrs_not_ready", nil, 2},
		// The gRPC server's metrics are on the same endpoint.
		{"grpc_server_handled_total", map[string]string{"grpc_method": "RunFunction", "grpc_service": "apiextensions.fn.proto.v1.FunctionRunnerService", "grpc_code": "OK"}, 2},
	}
	for reason, n := range warnings {
		want = append(want, struct {
			name   string
			labels map[string]string
			value  float64
		}{"function_space_scaling_results_total", map[string]string{"severity": "Warning", "reason": reason}, n})
	}
	for kind, n := range kinds {
		want = append(want, struct {
			name   string
			labels map[string]string
			value  float64
		}{"function_space_scaling_composed_resources_total", map[string]string{"kind": kind}, n})
	}
	for _, w := range want {
		got, ok := fams.get(w.name, w.labels)
		if !ok {
			t.Errorf("%s %v: no such series", w.name, w.labels)
			continue
		}
		if got != w.value {
			t.Errorf("%s %v = %v, want %v", w.name, w.labels, got, w.value)
		}
	}
	if d, ok := fams.get("function_space_scaling_xr_not_ready_max_seconds", nil); !ok || d <= 0 {
		t.Errorf("function_space_scaling_xr_not_ready_max_seconds = %v (%v), want > 0", d, ok)
	}
}

// scrape GETs the metrics endpoint and parses the text format.
func scrape(t *testing.T, url string) *scraped {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rsp.Body.Close() }()
	if rsp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, rsp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rsp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := &scraped{series: map[string][]series{}}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			s := series{labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				s.value = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				s.value = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				s.value = float64(m.GetHistogram().GetSampleCount())
			}
			out.series[name] = append(out.series[name], s)
		}
	}
	return out
}

// scraped are the series of each metric family.
type scraped struct{ series map[string][]series }

type series struct {
	labels map[string]string
	value  float64
}

// get is the sum of the series of name whose labels include want (a
// histogram's count); ok is false when none matches.
func (s *scraped) get(name string, want map[string]string) (float64, bool) {
	var sum float64
	ok := false
	for _, ser := range s.series[name] {
		match := true
		for k, v := range want {
			if ser.labels[k] != v {
				match = false
			}
		}
		if match {
			sum += ser.value
			ok = true
		}
	}
	return sum, ok
}
