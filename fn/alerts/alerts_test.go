package alerts

import (
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func testPlan() *plan.Plan {
	return &plan.Plan{
		XRName: "prod-use1",
		Spaces: plan.Spaces{Namespace: "upbound-system"},
		Monitoring: &plan.Monitoring{
			RuleLabels:            map[string]string{"release": "kube-prometheus-stack"},
			ErrorRatePercent:      5,
			DegradedControlPlanes: 0,
			StuckControlPlanes:    2,
			For:                   "10m",
		},
	}
}

func env(direct, namespaced bool) cloud.Env {
	s := compose.Scope{}
	if namespaced {
		s = compose.Scope{Namespace: "team-a", ProviderConfigKind: "ProviderConfig"}
	}
	return cloud.Env{Scope: s, Delivery: compose.Delivery{Direct: direct, Scope: s, ProviderConfig: "k8s-pc"}}
}

// TestRuleDelivery pins the wrapper and the rule's metadata for each
// delivery and scope.
func TestRuleDelivery(t *testing.T) {
	cases := map[string]struct {
		env        cloud.Env
		apiVersion string // of the composed resource
		object     bool
	}{
		"Object":           {env: env(false, false), apiVersion: "kubernetes.crossplane.io/v1alpha2", object: true},
		"ObjectNamespaced": {env: env(false, true), apiVersion: "kubernetes.m.crossplane.io/v1alpha1", object: true},
		"Direct":           {env: env(true, false), apiVersion: "monitoring.coreos.com/v1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := tc.env
			e.Labels = map[string]string{"team": "platform", "release": "overridden"}
			r := Rule(testPlan(), e)
			if r.Key != "alerts" || r.Component != cloud.ComponentAlerts {
				t.Errorf("Key, Component = %q, %q", r.Key, r.Component)
			}
			m := testutil.JSON(t, r.Object)
			if m["apiVersion"] != tc.apiVersion {
				t.Errorf("apiVersion = %v, want %s", m["apiVersion"], tc.apiVersion)
			}
			rule := m
			if tc.object {
				if md := m["metadata"].(map[string]any); md["name"] != "prod-use1-spaces-alerts" {
					t.Errorf("Object name = %v", md["name"])
				}
				rule = m["spec"].(map[string]any)["forProvider"].(map[string]any)["manifest"].(map[string]any)
			}
			if rule["apiVersion"] != "monitoring.coreos.com/v1" || rule["kind"] != "PrometheusRule" {
				t.Errorf("manifest is %v %v", rule["apiVersion"], rule["kind"])
			}
			wantMeta := map[string]any{
				"name":      "prod-use1-spaces-alerts",
				"namespace": "upbound-system",
				// The rule selector's labels win over the input's.
				"labels": map[string]any{"team": "platform", "release": "kube-prometheus-stack"},
			}
			if !reflect.DeepEqual(rule["metadata"], any(wantMeta)) {
				t.Errorf("metadata = %v, want %v", rule["metadata"], wantMeta)
			}
			groups := rule["spec"].(map[string]any)["groups"].([]any)
			if len(groups) != 1 || groups[0].(map[string]any)["name"] != "spaces" {
				t.Errorf("groups = %v, want one named spaces", groups)
			}
		})
	}
}

// TestRules pins every rule's name, severity, for and expression, and that
// each has a summary and a description.
func TestRules(t *testing.T) {
	m := testPlan().Monitoring
	want := []struct{ alert, severity, expr string }{
		{"SpacesControlPlanesDegraded", "critical", `sum(max without (instance, pod) (spaces_control_plane_degraded)) > 0`},
		{"SpacesControlPlanesStuckProvisioning", "warning", `sum(max without (instance, pod) (spaces_control_plane_stuck)) > 2`},
		{"SpacesControlPlanesStuckDeleting", "warning", `sum(max without (instance, pod) (spaces_control_plane_deletion_stuck)) > 2`},
		{"SpacesRouterServerErrorRateHigh", "critical", `100 * sum(rate(envoy_http_downstream_rq_xx{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin",envoy_response_code_class="5"}[5m])) / (sum(rate(envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin"}[5m])) > 0) > 5`},
		{"SpacesRouterClientErrorRateHigh", "warning", `100 * sum(rate(envoy_http_downstream_rq_xx{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin",envoy_response_code_class="4"}[5m])) / (sum(rate(envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin"}[5m])) > 0) > 5`},
		{"SpacesControlPlaneMetricsAbsent", "warning", `absent(spaces_control_plane_exists)`},
		{"SpacesRouterMetricsAbsent", "warning", `absent(envoy_http_downstream_rq_total{namespace="upbound-system"})`},
	}
	got := Rules(m, "upbound-system")
	if len(got) != len(want) {
		t.Fatalf("%d rules, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Alert != w.alert || g.Labels["severity"] != w.severity || g.Expr != w.expr || g.For != "10m" {
			t.Errorf("rule %d = %s %s for %s: %s\nwant %s %s for 10m: %s", i, g.Alert, g.Labels["severity"], g.For, g.Expr, w.alert, w.severity, w.expr)
		}
		if g.Annotations["summary"] == "" || g.Annotations["description"] == "" {
			t.Errorf("%s: summary and description are required, got %v", g.Alert, g.Annotations)
		}
	}
}

// TestExprsParse: every expression parses with Prometheus' own parser, with
// no experimental features.
func TestExprsParse(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, r := range Rules(testPlan().Monitoring, "upbound-system") {
		if _, err := p.ParseExpr(r.Expr); err != nil {
			t.Errorf("%s: %q does not parse: %v", r.Alert, r.Expr, err)
		}
	}
	// The parser does reject a broken expression.
	if _, err := p.ParseExpr(ControlPlanesAbove("x", 0) + ")"); err == nil {
		t.Error("the parser accepted a broken expression")
	}
}

// script builds a promqltest script: the series, then the expression
// evaluated at 10m with the expected result (no lines: it must return
// nothing, i.e. the alert does not fire).
func script(load, expr string, want ...string) string {
	var b strings.Builder
	b.WriteString("load 1m\n")
	for _, l := range strings.Split(strings.TrimSpace(load), "\n") {
		b.WriteString("  " + strings.TrimSpace(l) + "\n")
	}
	b.WriteString("\neval instant at 10m " + expr + "\n")
	for _, w := range want {
		b.WriteString("  " + w + "\n")
	}
	return b.String()
}

// TestAlertsFire evaluates the alerts' expressions with the PromQL engine
// on sample series: each case shows an alert firing (a result) or not
// (none).
func TestAlertsFire(t *testing.T) {
	m := testPlan().Monitoring
	exprOf := map[string]string{}
	for _, r := range Rules(m, "upbound-system") {
		exprOf[r.Alert] = r.Expr
	}
	const router = `namespace="upbound-system",envoy_http_conn_manager_prefix="ingress"`
	cases := map[string]struct {
		alert string
		load  string
		want  []string
	}{
		"DegradedFires": {
			alert: AlertDegraded,
			load: `
				spaces_control_plane_degraded{name="a",pod="c-0"} 0x10
				spaces_control_plane_degraded{name="b",pod="c-0"} 1x10`,
			want: []string{"{} 1"},
		},
		"DegradedCountsAControlPlaneOnce": {
			// Two controller replicas export the same control plane.
			alert: AlertDegraded,
			load: `
				spaces_control_plane_degraded{name="b",pod="c-0",instance="10.0.0.1:8080"} 1x10
				spaces_control_plane_degraded{name="b",pod="c-1",instance="10.0.0.2:8080"} 1x10
				spaces_control_plane_degraded{name="c",pod="c-0",instance="10.0.0.1:8080"} 1x10`,
			want: []string{"{} 2"},
		},
		"DegradedQuiet": {
			alert: AlertDegraded,
			load: `
				spaces_control_plane_degraded{name="a",pod="c-0"} 0x10
				spaces_control_plane_degraded{name="b",pod="c-0"} 0x10`,
		},
		"DegradedRecovered": {
			// Degraded earlier, healthy at evaluation time.
			alert: AlertDegraded,
			load:  `spaces_control_plane_degraded{name="a",pod="c-0"} 1x5 0x5`,
		},
		"DegradedNoSeries": {
			alert: AlertDegraded,
			load:  `spaces_control_plane_exists{name="a"} 1x10`,
		},
		"StuckAboveLimitFires": {
			alert: AlertStuckProvisioning,
			load: `
				spaces_control_plane_stuck{name="a"} 1x10
				spaces_control_plane_stuck{name="b"} 1x10
				spaces_control_plane_stuck{name="c"} 1x10`,
			want: []string{"{} 3"},
		},
		"StuckAtLimitQuiet": {
			alert: AlertStuckProvisioning,
			load: `
				spaces_control_plane_stuck{name="a"} 1x10
				spaces_control_plane_stuck{name="b"} 1x10`,
		},
		"DeletionStuckFires": {
			alert: AlertStuckDeleting,
			load: `
				spaces_control_plane_deletion_stuck{name="a"} 1x10
				spaces_control_plane_deletion_stuck{name="b"} 1x10
				spaces_control_plane_deletion_stuck{name="c"} 1x10`,
			want: []string{"{} 3"},
		},
		"5xxFires": {
			// 10 of 100 requests a minute fail: 10% > 5%. Envoy's admin
			// listener (the scrapes) and another namespace's Envoy would
			// hide it if they were counted.
			alert: AlertRouter5xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+10x20
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="2"} 0+90x20
				envoy_http_downstream_rq_total{` + router + `} 0+100x20
				envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix="admin"} 0+10000x20
				envoy_http_downstream_rq_total{namespace="other",envoy_http_conn_manager_prefix="ingress"} 0+10000x20`,
			want: []string{"{} 10"},
		},
		"5xxQuiet": {
			// 2% < 5%; another namespace's errors do not count.
			alert: AlertRouter5xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+2x20
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="2"} 0+98x20
				envoy_http_downstream_rq_total{` + router + `} 0+100x20
				envoy_http_downstream_rq_xx{namespace="other",envoy_http_conn_manager_prefix="ingress",envoy_response_code_class="5"} 0+100x20
				envoy_http_downstream_rq_total{namespace="other",envoy_http_conn_manager_prefix="ingress"} 0+100x20`,
		},
		"5xxOnly4xxQuiet": {
			alert: AlertRouter5xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="4"} 0+50x20
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+0x20
				envoy_http_downstream_rq_total{` + router + `} 0+100x20`,
		},
		"5xxNoTrafficQuiet": {
			// No requests: no ratio at all rather than 0/0.
			alert: AlertRouter5xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+0x20
				envoy_http_downstream_rq_total{` + router + `} 0+0x20`,
		},
		"5xxSummedOverRouters": {
			// Two router pods: 0% and 20% of equal traffic is 10% overall.
			alert: AlertRouter5xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,pod="r-0",envoy_response_code_class="5"} 0+0x20
				envoy_http_downstream_rq_total{` + router + `,pod="r-0"} 0+100x20
				envoy_http_downstream_rq_xx{` + router + `,pod="r-1",envoy_response_code_class="5"} 0+20x20
				envoy_http_downstream_rq_total{` + router + `,pod="r-1"} 0+100x20`,
			want: []string{"{} 10"},
		},
		"4xxFires": {
			alert: AlertRouter4xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="4"} 0+30x20
				envoy_http_downstream_rq_total{` + router + `} 0+100x20`,
			want: []string{"{} 30"},
		},
		"4xxQuiet": {
			alert: AlertRouter4xx,
			load: `
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="4"} 0+5x20
				envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+50x20
				envoy_http_downstream_rq_total{` + router + `} 0+100x20`,
		},
		"MetricsAbsentFires": {
			alert: AlertMetricsAbsent,
			load:  `up{job="spaces-controller"} 0x10`,
			want:  []string{"{} 1"},
		},
		"RouterMetricsAbsentFires": {
			// Another namespace's Envoy does not stand in for the router.
			alert: AlertRouterMetricsAbsent,
			load:  `envoy_http_downstream_rq_total{namespace="other",envoy_http_conn_manager_prefix="ingress"} 0+100x10`,
			want:  []string{`{namespace="upbound-system"} 1`},
		},
		"RouterMetricsIdleRouterQuiet": {
			// A router without traffic still reports its counters, at 0.
			alert: AlertRouterMetricsAbsent,
			load:  `envoy_http_downstream_rq_total{` + router + `} 0x10`,
		},
		"RouterMetricsStoppedFires": {
			// Scraped until minute 4, then gone past the lookback window.
			alert: AlertRouterMetricsAbsent,
			load:  `envoy_http_downstream_rq_total{` + router + `} 0+10x4`,
			want:  []string{`{namespace="upbound-system"} 1`},
		},
		"MetricsPresentQuiet": {
			alert: AlertMetricsAbsent,
			load:  `spaces_control_plane_exists{name="a"} 1x10`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			expr, ok := exprOf[tc.alert]
			if !ok {
				t.Fatalf("no alert %s", tc.alert)
			}
			engine := promqltest.NewTestEngine(t, false, 0, promqltest.DefaultMaxSamplesPerQuery)
			promqltest.RunTest(t, script(tc.load, expr, tc.want...), engine)
		})
	}
}
