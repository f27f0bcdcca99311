package alerts

import (
	"fmt"
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
			RuleLabels:              map[string]string{"release": "kube-prometheus-stack"},
			ErrorRatePercent:        5,
			DegradedControlPlanes:   0,
			StuckControlPlanes:      2,
			RouterLatencySeconds:    5,
			ControllerMemoryPercent: 80,
			NodePoolUsagePercent:    90,
			For:                     "10m",
		},
		Pools: []plan.Pool{
			{Role: plan.RoleEtcd, MinNodes: 3, MaxNodes: 9},
			{Role: plan.RoleAPIServer, MinNodes: 2, MaxNodes: 2},
			{Role: plan.RoleControlPlanes, MinNodes: 3, MaxNodes: 20},
		},
	}
}

// gkePools are testPlan's pools on a cloud with its own pools (GKE, AKS);
// awsPools as Karpenter NodePools.
func gkePools() []Pool { return Pools(testPlan(), nil) }

func awsPools() []Pool {
	return Pools(testPlan(), func(xr string, r plan.Role) string { return xr + "-" + string(r) })
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
			r := Rule(testPlan(), e, nil)
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
// each has a summary and a description, on a cloud with its own pools and
// with Karpenter (which differ in the node pool alert only).
func TestRules(t *testing.T) {
	m := testPlan().Monitoring
	common := []struct{ alert, severity, expr string }{
		{"SpacesControlPlanesDegraded", "critical", `sum(max without (instance, pod) (spaces_control_plane_degraded)) > 0`},
		{"SpacesControlPlanesStuckProvisioning", "warning", `sum(max without (instance, pod) (spaces_control_plane_stuck)) > 2`},
		{"SpacesControlPlanesStuckDeleting", "warning", `sum(max without (instance, pod) (spaces_control_plane_deletion_stuck)) > 2`},
		{"SpacesRouterServerErrorRateHigh", "critical", `100 * sum(rate(envoy_http_downstream_rq_xx{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin",envoy_response_code_class="5"}[5m])) / (sum(rate(envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin"}[5m])) > 0) > 5`},
		{"SpacesRouterClientErrorRateHigh", "warning", `100 * sum(rate(envoy_http_downstream_rq_xx{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin",envoy_response_code_class="4"}[5m])) / (sum(rate(envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix!="admin"}[5m])) > 0) > 5`},
		{"SpacesControlPlaneMetricsAbsent", "warning", `absent(spaces_control_plane_exists)`},
		{"SpacesRouterMetricsAbsent", "warning", `absent(envoy_http_downstream_rq_total{namespace="upbound-system"})`},
		{"SpacesRouterLatencyHigh", "warning", `histogram_quantile(0.9, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system"}[5m]))) > 5000`},
		{"SpacesRouterUpstreamTimeouts", "warning", `sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_timeout{namespace="upbound-system"}[5m])) > 0`},
		{"SpacesRouterCircuitBreakerOpen", "critical", `max by (envoy_cluster_name) ({__name__=~"envoy_cluster_circuit_breakers_(default|high)_(cx|cx_pool|rq|rq_pending|rq_retry)_open",namespace="upbound-system"}) > 0`},
		{"SpacesRouterAtMaxReplicas", "warning", `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="upbound-system",horizontalpodautoscaler=~".*router.*"}) >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="upbound-system",horizontalpodautoscaler=~".*router.*"})`},
		{"SpacesControllerNearMemoryLimit", "warning", `100 * max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="upbound-system",pod=~"spaces-controller-.*",container!=""}) / on (namespace, pod, container) (max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="upbound-system",pod=~"spaces-controller-.*",resource="memory"}) > 0) > 80`},
		{"SpacesControlPlanePodsRestarting", "warning", `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"mxp-.+-system",pod=~".*(vcluster|etcd).*"}[1h])) > 2`},
		{"SpacesControlPlanePodsPending", "warning", `max by (namespace, pod) (kube_pod_status_phase{namespace=~"mxp-.+-system",pod=~".*(vcluster|etcd).*",phase="Pending"}) > 0`},
	}
	cases := map[string]struct {
		pools    []Pool
		nodePool string // the node pool alert's expression; "" for none
	}{
		// 90% of 9 is 8.1: 9 nodes; of 20, 18. The apiserver pool's
		// minNodes is its maxNodes: always full, left out.
		"OwnPools": {pools: gkePools(), nodePool: `count by (label_target) (max by (node, label_target) (kube_node_labels{label_target="etcd"})) >= 9 or ` +
			`count by (label_target) (max by (node, label_target) (kube_node_labels{label_target="controlplanes"})) >= 18`},
		"Karpenter":     {pools: awsPools(), nodePool: `100 * max by (nodepool, resource_type) (karpenter_nodepools_usage{nodepool=~"prod-use1-etcd|prod-use1-apiserver|prod-use1-controlplanes"}) / on (nodepool, resource_type) (max by (nodepool, resource_type) (karpenter_nodepools_limit{nodepool=~"prod-use1-etcd|prod-use1-apiserver|prod-use1-controlplanes"}) > 0) >= 90`},
		"NoPoolCanFill": {pools: []Pool{{Role: plan.RoleEtcd, MinNodes: 3, MaxNodes: 3}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want := append([]struct{ alert, severity, expr string }{}, common...)
			if tc.nodePool != "" {
				want = append(want, struct{ alert, severity, expr string }{"SpacesNodePoolNearLimit", "warning", tc.nodePool})
			}
			got := Rules(m, "upbound-system", tc.pools)
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
		})
	}
}

// TestThresholdsFollowSpec: each configurable threshold reaches its
// expression and its description.
func TestThresholdsFollowSpec(t *testing.T) {
	m := *testPlan().Monitoring
	m.RouterLatencySeconds, m.ControllerMemoryPercent, m.NodePoolUsagePercent = 2, 65, 50
	want := map[string][]string{
		AlertRouterLatency:    {"> 2000", "threshold 2 s"},
		AlertControllerMemory: {"> 65", "threshold 65%"},
		// 50% of 9 is 4.5: 5 nodes; of 20, 10.
		AlertNodePoolNearLimit: {`label_target="etcd"})) >= 5 or`, `label_target="controlplanes"})) >= 10`, "at least 50%"},
	}
	for _, r := range Rules(&m, "upbound-system", gkePools()) {
		for _, w := range want[r.Alert] {
			if !strings.Contains(r.Expr, w) && !strings.Contains(r.Annotations["description"], w) {
				t.Errorf("%s: %q in neither %q nor its description %q", r.Alert, w, r.Expr, r.Annotations["description"])
			}
		}
		delete(want, r.Alert)
	}
	if len(want) > 0 {
		t.Errorf("alerts missing: %v", want)
	}
}

// TestExprsParse: every expression parses with Prometheus' own parser, with
// no experimental features.
func TestExprsParse(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, pools := range [][]Pool{gkePools(), awsPools()} {
		for _, r := range Rules(testPlan().Monitoring, "upbound-system", pools) {
			if _, err := p.ParseExpr(r.Expr); err != nil {
				t.Errorf("%s: %q does not parse: %v", r.Alert, r.Expr, err)
			}
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
	for _, r := range Rules(m, "upbound-system", gkePools()) {
		exprOf[r.Alert] = r.Expr
	}
	for _, r := range Rules(m, "upbound-system", awsPools()) {
		exprOf[r.Alert+"/karpenter"] = r.Expr
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
		"LatencyFires": {
			// 100 requests a minute, 20 of them between 5 and 10 s: the
			// 90th percentile is 7.5 s, above 5 s. Another namespace's
			// Envoy does not count.
			alert: AlertRouterLatency,
			load: `
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="100"} 0+80x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="5000"} 0+80x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="10000"} 0+100x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="+Inf"} 0+100x20
				envoy_cluster_upstream_rq_time_bucket{namespace="other",envoy_cluster_name="x",le="100"} 0+10000x20
				envoy_cluster_upstream_rq_time_bucket{namespace="other",envoy_cluster_name="x",le="+Inf"} 0+10000x20`,
			want: []string{"{} 7500"},
		},
		"LatencyFewLongWatchesQuiet": {
			// 5% of the requests are watches that lasted minutes: the 90th
			// percentile stays under 100 ms.
			alert: AlertRouterLatency,
			load: `
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="100"} 0+95x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="5000"} 0+95x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="+Inf"} 0+100x20`,
		},
		"LatencyNoTrafficQuiet": {
			alert: AlertRouterLatency,
			load: `
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="100"} 0x20
				envoy_cluster_upstream_rq_time_bucket{namespace="upbound-system",envoy_cluster_name="ctp-a",le="+Inf"} 0x20`,
		},
		"TimeoutsFire": {
			alert: AlertRouterTimeouts,
			load: `
				envoy_cluster_upstream_rq_timeout{namespace="upbound-system",envoy_cluster_name="ctp-a",pod="r-0"} 0+6x20
				envoy_cluster_upstream_rq_timeout{namespace="upbound-system",envoy_cluster_name="ctp-b",pod="r-0"} 3x20`,
			want: []string{`{envoy_cluster_name="ctp-a"} 0.1`},
		},
		"TimeoutsLongAgoQuiet": {
			alert: AlertRouterTimeouts,
			load:  `envoy_cluster_upstream_rq_timeout{namespace="upbound-system",envoy_cluster_name="ctp-a"} 7x20`,
		},
		"CircuitBreakerOpenFires": {
			alert: AlertRouterCircuitOpen,
			load: `
				envoy_cluster_circuit_breakers_default_rq_open{namespace="upbound-system",envoy_cluster_name="ctp-a",pod="r-0"} 1x10
				envoy_cluster_circuit_breakers_default_rq_open{namespace="upbound-system",envoy_cluster_name="ctp-a",pod="r-1"} 0x10
				envoy_cluster_circuit_breakers_high_rq_pending_open{namespace="upbound-system",envoy_cluster_name="ctp-c",pod="r-0"} 1x10
				envoy_cluster_circuit_breakers_default_cx_open{namespace="upbound-system",envoy_cluster_name="ctp-b",pod="r-0"} 0x10`,
			want: []string{`{envoy_cluster_name="ctp-a"} 1`, `{envoy_cluster_name="ctp-c"} 1`},
		},
		"CircuitBreakersClosedQuiet": {
			// The remaining_* gauges (track_remaining) are no breaker state.
			alert: AlertRouterCircuitOpen,
			load: `
				envoy_cluster_circuit_breakers_default_rq_open{namespace="upbound-system",envoy_cluster_name="ctp-a"} 0x10
				envoy_cluster_circuit_breakers_default_remaining_rq{namespace="upbound-system",envoy_cluster_name="ctp-a"} 1024x10
				envoy_cluster_circuit_breakers_default_rq_open{namespace="other",envoy_cluster_name="x"} 1x10`,
		},
		"RouterAtMaxFires": {
			alert: AlertRouterAtMaxReplicas,
			load: `
				kube_horizontalpodautoscaler_status_current_replicas{namespace="upbound-system",horizontalpodautoscaler="spaces-router"} 8x10
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="upbound-system",horizontalpodautoscaler="spaces-router"} 8x10`,
			want: []string{`{namespace="upbound-system",horizontalpodautoscaler="spaces-router"} 8`},
		},
		"RouterBelowMaxQuiet": {
			// Another autoscaler at its maximum is not the router.
			alert: AlertRouterAtMaxReplicas,
			load: `
				kube_horizontalpodautoscaler_status_current_replicas{namespace="upbound-system",horizontalpodautoscaler="spaces-router"} 5x10
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="upbound-system",horizontalpodautoscaler="spaces-router"} 8x10
				kube_horizontalpodautoscaler_status_current_replicas{namespace="upbound-system",horizontalpodautoscaler="apollo"} 3x10
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="upbound-system",horizontalpodautoscaler="apollo"} 3x10`,
		},
		"ControllerMemoryFires": {
			// 3.5 GiB of a 4 GiB limit is 87.5%. The pod-level cgroup
			// (container="") is not a container; other limits are not
			// memory.
			alert: AlertControllerMemory,
			load: `
				container_memory_working_set_bytes{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller"} 3758096384x10
				container_memory_working_set_bytes{namespace="upbound-system",pod="spaces-controller-7d9-x1",container=""} 9000000000x10
				kube_pod_container_resource_limits{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller",resource="memory",unit="byte"} 4294967296x10
				kube_pod_container_resource_limits{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller",resource="cpu",unit="core"} 2x10
				kube_pod_container_resource_limits{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller",resource="ephemeral_storage",unit="byte"} 107374182400x10`,
			want: []string{`{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller"} 87.5`},
		},
		"ControllerMemoryQuiet": {
			// Half the limit; another Deployment near its limit does not count.
			alert: AlertControllerMemory,
			load: `
				container_memory_working_set_bytes{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller"} 2147483648x10
				kube_pod_container_resource_limits{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller",resource="memory"} 4294967296x10
				container_memory_working_set_bytes{namespace="upbound-system",pod="spaces-api-5c-x2",container="api"} 1000x10
				kube_pod_container_resource_limits{namespace="upbound-system",pod="spaces-api-5c-x2",container="api",resource="memory"} 1000x10`,
		},
		"ControllerWithoutLimitQuiet": {
			alert: AlertControllerMemory,
			load:  `container_memory_working_set_bytes{namespace="upbound-system",pod="spaces-controller-7d9-x1",container="spaces-controller"} 3758096384x10`,
		},
		"RestartsFire": {
			// Four restarts of an API server in the last 10 minutes.
			alert: AlertPodsRestarting,
			load: `
				kube_pod_container_status_restarts_total{namespace="mxp-4f2a-system",pod="vcluster-0",container="syncer"} 0 0 0 0 0 0 1 2 3 4 4
				kube_pod_container_status_restarts_total{namespace="mxp-4f2a-system",pod="vcluster-etcd-0",container="etcd"} 0x10`,
			want: []string{`{namespace="mxp-4f2a-system",pod="vcluster-0"} 4`},
		},
		"RestartsTolerated": {
			alert: AlertPodsRestarting,
			load: `
				kube_pod_container_status_restarts_total{namespace="mxp-4f2a-system",pod="vcluster-etcd-1",container="etcd"} 0 0 0 0 0 0 1 2 2 2 2
				kube_pod_container_status_restarts_total{namespace="upbound-system",pod="spaces-api-5c-x2",container="api"} 0 1 2 3 4 5 6 7 8 9 10
				kube_pod_container_status_restarts_total{namespace="mxp-4f2a-system",pod="coredns-1",container="coredns"} 0 1 2 3 4 5 6 7 8 9 10`,
		},
		"PendingFires": {
			alert: AlertPodsPending,
			load: `
				kube_pod_status_phase{namespace="mxp-4f2a-system",pod="vcluster-etcd-2",phase="Pending"} 1x10
				kube_pod_status_phase{namespace="mxp-4f2a-system",pod="vcluster-etcd-2",phase="Running"} 0x10
				kube_pod_status_phase{namespace="mxp-4f2a-system",pod="vcluster-0",phase="Pending"} 0x10
				kube_pod_status_phase{namespace="mxp-4f2a-system",pod="vcluster-0",phase="Running"} 1x10`,
			want: []string{`{namespace="mxp-4f2a-system",pod="vcluster-etcd-2"} 1`},
		},
		"PendingElsewhereQuiet": {
			alert: AlertPodsPending,
			load: `
				kube_pod_status_phase{namespace="upbound-system",pod="vcluster-x",phase="Pending"} 1x10
				kube_pod_status_phase{namespace="mxp-4f2a-system",pod="crossplane-6d-x",phase="Pending"} 1x10`,
		},
		"NodePoolFullFires": {
			// 9 etcd nodes of at most 9; the control-plane pool's 3 of 20
			// and the apiserver pool's 2 of 2 (always full) are quiet.
			alert: AlertNodePoolNearLimit,
			load:  nodes("etcd", 9) + nodes("controlplanes", 3) + nodes("apiserver", 2),
			want:  []string{`{label_target="etcd"} 9`},
		},
		"NodePoolRoomQuiet": {
			alert: AlertNodePoolNearLimit,
			load:  nodes("etcd", 8) + nodes("controlplanes", 17),
		},
		"KarpenterNearLimitFires": {
			// 19 of 20 CPUs is 95%; memory at half; a NodePool of
			// another XR at its limit is not the Space's.
			alert: AlertNodePoolNearLimit + "/karpenter",
			load: `
				karpenter_nodepools_usage{nodepool="prod-use1-etcd",resource_type="cpu"} 19x10
				karpenter_nodepools_limit{nodepool="prod-use1-etcd",resource_type="cpu"} 20x10
				karpenter_nodepools_usage{nodepool="prod-use1-etcd",resource_type="memory"} 40x10
				karpenter_nodepools_limit{nodepool="prod-use1-etcd",resource_type="memory"} 80x10
				karpenter_nodepools_usage{nodepool="default",resource_type="cpu"} 10x10
				karpenter_nodepools_limit{nodepool="default",resource_type="cpu"} 10x10`,
			want: []string{`{nodepool="prod-use1-etcd",resource_type="cpu"} 95`},
		},
		"KarpenterNodesAtMaxNodesFires": {
			// limits.nodes is the pool's maxNodes.
			alert: AlertNodePoolNearLimit + "/karpenter",
			load: `
				karpenter_nodepools_usage{nodepool="prod-use1-controlplanes",resource_type="nodes"} 20x10
				karpenter_nodepools_limit{nodepool="prod-use1-controlplanes",resource_type="nodes"} 20x10`,
			want: []string{`{nodepool="prod-use1-controlplanes",resource_type="nodes"} 100`},
		},
		"KarpenterRoomQuiet": {
			// No limit set for a resource: no series, no alert.
			alert: AlertNodePoolNearLimit + "/karpenter",
			load: `
				karpenter_nodepools_usage{nodepool="prod-use1-apiserver",resource_type="cpu"} 8x10
				karpenter_nodepools_limit{nodepool="prod-use1-apiserver",resource_type="cpu"} 20x10
				karpenter_nodepools_usage{nodepool="prod-use1-apiserver",resource_type="pods"} 300x10`,
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

// nodes are kube_node_labels series of n nodes of a pool, as
// kube-state-metrics exports them with the target label allowed.
func nodes(role string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "kube_node_labels{node=\"%s-%d\",label_target=\"%s\"} 1x10\n", role, i, role)
	}
	return b.String()
}
