package management

import (
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/promqltest"
)

// fireScript is a promqltest script: the series one sample a minute, then
// count(expr) at the time given, which is 1 when the alert fires and
// nothing when it does not.
func fireScript(load, expr, at string, fires bool) string {
	var b strings.Builder
	b.WriteString("load 1m\n")
	for _, l := range strings.Split(strings.TrimSpace(load), "\n") {
		b.WriteString("  " + strings.TrimSpace(l) + "\n")
	}
	// One line: the script takes the expression on the eval line.
	b.WriteString("\neval instant at " + at + " count(" + strings.Join(strings.Fields(expr), " ") + ")\n")
	if fires {
		b.WriteString("  {} 1\n")
	}
	return b.String()
}

// TestAlertsFire evaluates each alert's expression with Prometheus' engine
// on sample series, firing and not firing, as fn/alerts does for the
// Space's alerts. Pending periods (for) are Prometheus' and not evaluated.
func TestAlertsFire(t *testing.T) {
	exprOf := map[string]string{}
	for _, r := range alertRules(t) {
		exprOf[r.Alert] = r.Expr
	}
	const (
		ctl = `controller="composite/xspacescalings.spacescaling.crossplane.io"`
		fnc = `function_name="crossplane-contrib-function-space-scaling"`
	)
	cases := map[string]struct {
		alert string
		load  string
		at    string
		fires bool
	}{
		"DroppingFires": {alert: "XSpaceScalingCircuitBreakerDropping", fires: true, load: `
			circuit_breaker_events_total{` + ctl + `,result="Allowed"} 0+10x10
			circuit_breaker_events_total{` + ctl + `,result="Dropped"} 0+5x10`},
		"DroppingFewQuiet": {alert: "XSpaceScalingCircuitBreakerDropping", load: `
			circuit_breaker_events_total{` + ctl + `,result="Allowed"} 0+10x10
			circuit_breaker_events_total{` + ctl + `,result="Dropped"} 0+1x10`},
		"DroppingOtherXRDQuiet": {alert: "XSpaceScalingCircuitBreakerDropping", load: `
			circuit_breaker_events_total{controller="composite/xbuckets.example.org",result="Dropped"} 0+10x10`},
		"FlappingFires": {alert: "XSpaceScalingCircuitBreakerFlapping", at: "70m", fires: true, load: `
			circuit_breaker_opens_total{` + ctl + `} 0+0.2x70`},
		"FlappingQuiet": {alert: "XSpaceScalingCircuitBreakerFlapping", at: "70m", load: `
			circuit_breaker_opens_total{` + ctl + `} 0+0.05x70`},
		"CallsFailingFires": {alert: "FunctionSpaceScalingCallsFailing", fires: true, load: `
			function_run_function_response_total{` + fnc + `,grpc_code="OK",result_severity="Normal"} 0+100x10
			function_run_function_response_total{` + fnc + `,grpc_code="Unavailable",result_severity="Normal"} 0+10x10`},
		"CallsFailingFewQuiet": {alert: "FunctionSpaceScalingCallsFailing", load: `
			function_run_function_response_total{` + fnc + `,grpc_code="OK",result_severity="Normal"} 0+100x10
			function_run_function_response_total{` + fnc + `,grpc_code="Unavailable",result_severity="Normal"} 0+1x10`},
		"FatalResultsAreNoFailedCalls": {alert: "FunctionSpaceScalingCallsFailing", load: `
			function_run_function_response_total{` + fnc + `,grpc_code="OK",result_severity="Fatal"} 0+100x10`},
		"OtherFunctionFailingQuiet": {alert: "FunctionSpaceScalingCallsFailing", load: `
			function_run_function_response_total{` + fnc + `,grpc_code="OK",result_severity="Normal"} 0+100x10
			function_run_function_response_total{function_name="function-auto-ready",grpc_code="Unavailable",result_severity="Normal"} 0+100x10`},
		"SlowFires": {alert: "FunctionSpaceScalingSlow", fires: true, load: `
			function_run_function_seconds_bucket{` + fnc + `,le="0.5"} 0+10x10
			function_run_function_seconds_bucket{` + fnc + `,le="1"} 0+10x10
			function_run_function_seconds_bucket{` + fnc + `,le="2.5"} 0+100x10
			function_run_function_seconds_bucket{` + fnc + `,le="+Inf"} 0+100x10`},
		"SlowQuiet": {alert: "FunctionSpaceScalingSlow", load: `
			function_run_function_seconds_bucket{` + fnc + `,le="0.1"} 0+100x10
			function_run_function_seconds_bucket{` + fnc + `,le="1"} 0+100x10
			function_run_function_seconds_bucket{` + fnc + `,le="+Inf"} 0+100x10`},
		"RunFunctionSlowFires": {alert: "FunctionSpaceScalingRunFunctionSlow", fires: true, load: `
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="0.05"} 0+10x10
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="0.25"} 0+100x10
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="+Inf"} 0+100x10`},
		"RunFunctionSlowQuiet": {alert: "FunctionSpaceScalingRunFunctionSlow", load: `
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="0.005"} 0+100x10
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="0.25"} 0+100x10
			function_space_scaling_run_function_duration_seconds_bucket{outcome="ok",le="+Inf"} 0+100x10`},
		"InternalFires": {alert: "FunctionSpaceScalingInternalErrors", fires: true, load: `
			function_space_scaling_results_total{severity="Fatal",reason="internal"} 0x5 1x5
			function_space_scaling_run_function_duration_seconds_count{outcome="panic"} 0x10`},
		"PanicFires": {alert: "FunctionSpaceScalingInternalErrors", fires: true, load: `
			function_space_scaling_results_total{severity="Fatal",reason="internal"} 0x10
			function_space_scaling_run_function_duration_seconds_count{outcome="panic"} 0x5 1x5`},
		"InternalQuiet": {alert: "FunctionSpaceScalingInternalErrors", load: `
			function_space_scaling_results_total{severity="Fatal",reason="internal"} 0x10
			function_space_scaling_results_total{severity="Fatal",reason="invalid_input"} 0+1x10
			function_space_scaling_run_function_duration_seconds_count{outcome="panic"} 0x10`},
		"RefusedFires": {alert: "FunctionSpaceScalingXRRefused", fires: true, load: `
			function_space_scaling_results_total{severity="Fatal",reason="refused_change"} 0+1x10`},
		"RefusedQuiet": {alert: "FunctionSpaceScalingXRRefused", load: `
			function_space_scaling_results_total{severity="Fatal",reason="refused_change"} 3x10
			function_space_scaling_results_total{severity="Fatal",reason="internal"} 0+1x10`},
		"NotReadyFires": {alert: "XSpaceScalingNotReady", fires: true, load: `
			function_space_scaling_xr_not_ready_max_seconds{pod="a"} 4000x10
			function_space_scaling_xr_not_ready_max_seconds{pod="b"} 0x10`},
		"NotReadyQuiet": {alert: "XSpaceScalingNotReady", load: `
			function_space_scaling_xr_not_ready_max_seconds{pod="a"} 1200x10`},
		"AbsentFires": {alert: "FunctionSpaceScalingMetricsAbsent", fires: true, load: `
			up{job="crossplane"} 1x10`},
		"AbsentQuiet": {alert: "FunctionSpaceScalingMetricsAbsent", load: `
			function_space_scaling_run_function_duration_seconds_count{outcome="ok"} 0x10`},
	}
	covered := map[string]bool{}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			expr, ok := exprOf[tc.alert]
			if !ok {
				t.Fatalf("no alert %s", tc.alert)
			}
			at := tc.at
			if at == "" {
				at = "10m"
			}
			engine := promqltest.NewTestEngine(t, false, 0, promqltest.DefaultMaxSamplesPerQuery)
			promqltest.RunTest(t, fireScript(tc.load, expr, at, tc.fires), engine)
		})
		if tc.fires {
			covered[tc.alert] = true
		}
	}
	for a := range exprOf {
		if !covered[a] {
			t.Errorf("%s: no case where it fires", a)
		}
	}
}
