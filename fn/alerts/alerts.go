// Package alerts renders the PrometheusRule that watches a Space: degraded
// and stuck control planes, the router's error rates, latency, timeouts,
// circuit breakers and autoscaler, the controller's memory, control-plane
// pods restarting or pending, node pools near their maximum, and the
// metrics going missing. It is cloud-neutral: of a cloud it only learns
// whether its pools are Karpenter NodePools, and their names.
package alerts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// The PrometheusRule.
const (
	APIVersion = "monitoring.coreos.com/v1"
	Kind       = "PrometheusRule"
	// Key is the composition resource name of the rule.
	Key = "alerts"
	// GroupName is the rule group's name.
	GroupName = "spaces"
	// RateWindow is the window the router's request rates are taken over.
	RateWindow = "5m"
	// RestartWindow is the window control-plane pod restarts are counted
	// over, and RestartsTolerated how many in it are no alert.
	RestartWindow     = "1h"
	RestartsTolerated = 2
	// LatencyQuantile is the quantile of the router's upstream request
	// time the latency alert reads. Envoy records a request when its
	// response ends, so a watch of minutes counts as a request of minutes:
	// at the 99th percentile a few watches would set the value.
	LatencyQuantile = "0.9"
)

// Severities.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
)

// Alert names.
const (
	AlertDegraded            = "SpacesControlPlanesDegraded"
	AlertStuckProvisioning   = "SpacesControlPlanesStuckProvisioning"
	AlertStuckDeleting       = "SpacesControlPlanesStuckDeleting"
	AlertRouter5xx           = "SpacesRouterServerErrorRateHigh"
	AlertRouter4xx           = "SpacesRouterClientErrorRateHigh"
	AlertMetricsAbsent       = "SpacesControlPlaneMetricsAbsent"
	AlertRouterMetricsAbsent = "SpacesRouterMetricsAbsent"
	AlertRouterLatency       = "SpacesRouterLatencyHigh"
	AlertRouterTimeouts      = "SpacesRouterUpstreamTimeouts"
	AlertRouterCircuitOpen   = "SpacesRouterCircuitBreakerOpen"
	AlertRouterAtMaxReplicas = "SpacesRouterAtMaxReplicas"
	AlertControllerMemory    = "SpacesControllerNearMemoryLimit"
	AlertPodsRestarting      = "SpacesControlPlanePodsRestarting"
	AlertPodsPending         = "SpacesControlPlanePodsPending"
	AlertNodePoolNearLimit   = "SpacesNodePoolNearLimit"
)

// The metrics the alerts read (see the Spaces controller and Envoy).
const (
	MetricExists          = "spaces_control_plane_exists"
	MetricDegraded        = "spaces_control_plane_degraded"
	MetricStuck           = "spaces_control_plane_stuck"
	MetricDeletionStuck   = "spaces_control_plane_deletion_stuck"
	MetricRequestsByClass = "envoy_http_downstream_rq_xx"
	MetricRequests        = "envoy_http_downstream_rq_total"

	// The router's Envoy, per upstream cluster (label envoy_cluster_name):
	// request time in milliseconds (a histogram), requests that timed out
	// (a counter), and one gauge per circuit breaker and routing priority,
	// 1 while it is open (envoy_cluster_circuit_breakers_default_rq_open,
	// ..._high_cx_open, ...).
	MetricUpstreamTimeBucket = "envoy_cluster_upstream_rq_time_bucket"
	MetricUpstreamTimeouts   = "envoy_cluster_upstream_rq_timeout"
	CircuitBreakersOpen      = "envoy_cluster_circuit_breakers_(default|high)_(cx|cx_pool|rq|rq_pending|rq_retry)_open"

	// kube-state-metrics.
	MetricHPACurrent     = "kube_horizontalpodautoscaler_status_current_replicas"
	MetricHPAMax         = "kube_horizontalpodautoscaler_spec_max_replicas"
	MetricLimits         = "kube_pod_container_resource_limits"
	MetricRestarts       = "kube_pod_container_status_restarts_total"
	MetricPodPhase       = "kube_pod_status_phase"
	MetricNodeLabels     = "kube_node_labels"
	NodeTargetLabelInKSM = "label_" + plan.TargetLabel

	// cAdvisor (the kubelet).
	MetricWorkingSet = "container_memory_working_set_bytes"

	// Karpenter, per NodePool (label nodepool) and resource (label
	// resource_type: cpu, memory, ...).
	MetricKarpenterUsage = "karpenter_nodepools_usage"
	MetricKarpenterLimit = "karpenter_nodepools_limit"
)

// Selectors of Spaces' pods. The control planes run in namespaces named
// mxp-<id>-system (Upbound's Spaces concepts); their API server (vcluster)
// and etcd pods are matched by name, which carries vcluster or etcd. The
// router's autoscaler is the one in the Spaces namespace whose name holds
// "router"; the controller's pods are those of the spaces-controller
// Deployment.
const (
	ControlPlaneNamespaces = "mxp-.+-system"
	ControlPlanePods       = ".*(vcluster|etcd).*"
	RouterHPA              = ".*router.*"
	ControllerPods         = "spaces-controller-.*"
)

// Pool is what the node pool alert knows of one pool.
type Pool struct {
	Role               plan.Role
	MinNodes, MaxNodes int32
	// KarpenterNodePool is the name of the pool's Karpenter NodePool; empty
	// where the cloud's pools have node counts (GKE, AKS).
	KarpenterNodePool string
}

// KarpenterNames names a role's Karpenter NodePool for an XR; nil for a
// cloud whose pools are not Karpenter's.
type KarpenterNames func(xrName string, r plan.Role) string

// Pools are the plan's pools as the node pool alert sees them.
func Pools(p *plan.Plan, karpenter KarpenterNames) []Pool {
	out := make([]Pool, 0, len(p.Pools))
	for _, pl := range p.Pools {
		ap := Pool{Role: pl.Role, MinNodes: pl.MinNodes, MaxNodes: pl.MaxNodes}
		if karpenter != nil {
			ap.KarpenterNodePool = karpenter(p.XRName, pl.Role)
		}
		out = append(out, ap)
	}
	return out
}

// PrometheusRule is a monitoring.coreos.com/v1 PrometheusRule.
type PrometheusRule struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Spec             RuleSpec           `json:"spec"`
}

// RuleSpec is the spec of a PrometheusRule.
type RuleSpec struct {
	Groups []RuleGroup `json:"groups"`
}

// RuleGroup is a group of rules evaluated together.
type RuleGroup struct {
	Name  string      `json:"name"`
	Rules []AlertRule `json:"rules"`
}

// AlertRule is an alerting rule.
type AlertRule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Rule returns the PrometheusRule of the Space, in the Spaces namespace,
// labelled for the Prometheus rule selector. Call it only when p.Monitoring
// is set.
func Rule(p *plan.Plan, env cloud.Env, karpenter KarpenterNames) compose.Resource {
	m := p.Monitoring
	r := &PrometheusRule{
		TypeMeta: compose.TypeMeta{APIVersion: APIVersion, Kind: Kind},
		Metadata: compose.ObjectMeta{
			Name:      compose.Name(p.XRName, "spaces-alerts"),
			Namespace: p.Spaces.Namespace,
			// The rule selector's labels win over the input's.
			Labels: compose.Labels(env.Labels, m.RuleLabels),
		},
		Spec: RuleSpec{Groups: []RuleGroup{{Name: GroupName, Rules: Rules(m, p.Spaces.Namespace, Pools(p, karpenter))}}},
	}
	return env.Delivery.InCluster(Key, cloud.ComponentAlerts, compose.Name(p.XRName, "spaces-alerts"), r)
}

// Rules are the alerting rules. namespace is where the Spaces router runs;
// pools are the Space's node pools.
func Rules(m *plan.Monitoring, namespace string, pools []Pool) []AlertRule {
	rule := func(name, expr, severity, summary, description string) AlertRule {
		return AlertRule{
			Alert:       name,
			Expr:        expr,
			For:         m.For,
			Labels:      map[string]string{"severity": severity},
			Annotations: map[string]string{"summary": summary, "description": description},
		}
	}
	rules := []AlertRule{
		rule(AlertDegraded, ControlPlanesAbove(MetricDegraded, m.DegradedControlPlanes), SeverityCritical,
			"Control planes of the Space are degraded.",
			fmt.Sprintf("{{ $value }} control planes are not Synced, Ready and Healthy (more than %d tolerated) for %s.", m.DegradedControlPlanes, m.For)),
		rule(AlertStuckProvisioning, ControlPlanesAbove(MetricStuck, m.StuckControlPlanes), SeverityWarning,
			"Control planes of the Space are stuck provisioning.",
			fmt.Sprintf("{{ $value }} control planes have been provisioning too long (more than %d tolerated) for %s.", m.StuckControlPlanes, m.For)),
		rule(AlertStuckDeleting, ControlPlanesAbove(MetricDeletionStuck, m.StuckControlPlanes), SeverityWarning,
			"Control planes of the Space are stuck deleting.",
			fmt.Sprintf("{{ $value }} control planes have been deleting too long (more than %d tolerated) for %s.", m.StuckControlPlanes, m.For)),
		rule(AlertRouter5xx, ErrorRatioAbove("5", namespace, m.ErrorRatePercent), SeverityCritical,
			"The Spaces router answers too many requests with 5xx.",
			fmt.Sprintf("{{ printf \"%%.1f\" $value }}%% of the Spaces router's responses over %s are 5xx (threshold %d%%).", RateWindow, m.ErrorRatePercent)),
		rule(AlertRouter4xx, ErrorRatioAbove("4", namespace, m.ErrorRatePercent), SeverityWarning,
			"The Spaces router answers too many requests with 4xx.",
			fmt.Sprintf("{{ printf \"%%.1f\" $value }}%% of the Spaces router's responses over %s are 4xx (threshold %d%%): check clients' credentials and requests.", RateWindow, m.ErrorRatePercent)),
		rule(AlertMetricsAbsent, "absent("+MetricExists+")", SeverityWarning,
			"The Spaces controller's control-plane metrics are missing.",
			fmt.Sprintf("Prometheus has no %s series: the spaces-controller is down or not scraped (check its PodMonitor and the Prometheus selectors), so the control-plane alerts cannot fire. A Space without any control plane shows this too.", MetricExists)),
		rule(AlertRouterMetricsAbsent, RouterMetricsAbsent(namespace), SeverityWarning,
			"The Spaces router's metrics are missing.",
			fmt.Sprintf("Prometheus has no %s series from namespace %s: the spaces-router is down or not scraped (check its PodMonitor, router.prometheus.podMonitor.enabled, and the Prometheus podMonitorSelector and podMonitorNamespaceSelector), so the router error-rate alerts cannot fire.", MetricRequests, namespace)),
		rule(AlertRouterLatency, RouterLatencyAbove(namespace, m.RouterLatencySeconds), SeverityWarning,
			"The Spaces router's upstream requests are slow.",
			fmt.Sprintf("The 90th percentile of the Spaces router's upstream request time over %s is {{ printf \"%%.0f\" $value }} ms (threshold %d s). "+
				"Find the slow upstream with histogram_quantile(0.9, sum by (envoy_cluster_name, le) (rate(%s[5m]))): a control plane's API server (check its vcluster and etcd pods and the etcd pool's nodes) or spaces-api/apollo; watches that end count with their whole length.",
				RateWindow, m.RouterLatencySeconds, MetricUpstreamTimeBucket)),
		rule(AlertRouterTimeouts, UpstreamTimeouts(namespace), SeverityWarning,
			"The Spaces router's requests to an upstream time out.",
			fmt.Sprintf("Requests from the Spaces router to {{ $labels.envoy_cluster_name }} time out ({{ printf \"%%.2f\" $value }}/s over %s). "+
				"Check that upstream's pods (a control plane's API server in its mxp-<id>-system namespace, or spaces-api/apollo): restarts, CPU throttling, and etcd latency.", RateWindow)),
		rule(AlertRouterCircuitOpen, CircuitBreakerOpen(namespace), SeverityCritical,
			"A circuit breaker of the Spaces router is open.",
			"The Spaces router's circuit breaker to {{ $labels.envoy_cluster_name }} is open: Envoy refuses requests to that upstream because too many connections, requests or retries are outstanding. "+
				"Check the upstream's health and load (envoy_cluster_circuit_breakers_*_open says which breaker); scale or fix the upstream rather than the router."),
		rule(AlertRouterAtMaxReplicas, RouterAtMaxReplicas(namespace), SeverityWarning,
			"The Spaces router's autoscaler is at its maximum.",
			"The autoscaler {{ $labels.horizontalpodautoscaler }} runs the router at its maximum replicas, so it cannot absorb more load. "+
				"Raise spec.spaces.router.maxReplicas (and check the router's CPU and memory, and the nodes it runs on)."),
		rule(AlertControllerMemory, ControllerMemoryAbove(namespace, m.ControllerMemoryPercent), SeverityWarning,
			"The Spaces controller is near its memory limit.",
			fmt.Sprintf("Container {{ $labels.container }} of {{ $labels.pod }} uses {{ printf \"%%.0f\" $value }}%% of its memory limit (threshold %d%%); the controller's memory spikes with the number of control planes and the next spike can OOM-kill it. "+
				"Raise spec.spaces.controllerResources.limits.memory (and requests).", m.ControllerMemoryPercent)),
		rule(AlertPodsRestarting, PodsRestarting(), SeverityWarning,
			"Control-plane API server or etcd pods are restarting.",
			fmt.Sprintf("Pod {{ $labels.pod }} in {{ $labels.namespace }} restarted {{ printf \"%%.0f\" $value }} times in %s. "+
				"Check its last termination reason (OOMKilled: the API server or etcd needs more memory via spec.spaces.values; else its logs), and its node's pressure.", RestartWindow)),
		rule(AlertPodsPending, PodsPending(), SeverityWarning,
			"Control-plane API server or etcd pods cannot be scheduled.",
			"Pod {{ $labels.pod }} in {{ $labels.namespace }} is Pending: its control plane is down or degraded. "+
				"Check its events: no node of its pool has room (raise the pool's maxNodes or spec.capacity), a volume cannot attach (zone, attach limit), or a taint or affinity does not match."),
	}
	if expr := NodePoolsNearLimit(pools, m.NodePoolUsagePercent); expr != "" {
		desc := fmt.Sprintf("Pool {{ $labels.%s }} has {{ $value }} nodes, at least %d%% of its maxNodes: the next control planes may not fit. "+
			"Raise spec.nodePools.<pool>.maxNodes (or spec.capacity, which sizes it).", NodeTargetLabelInKSM, m.NodePoolUsagePercent)
		if karpenter(pools) {
			desc = fmt.Sprintf("Karpenter NodePool {{ $labels.nodepool }} has provisioned {{ printf \"%%.0f\" $value }}%% of its {{ $labels.resource_type }} limit (threshold %d%%): past the limit Karpenter adds no node, and control planes stay Pending. "+
				"Raise spec.capacity or spec.nodePools.<pool>.maxNodes, which size the limits.", m.NodePoolUsagePercent)
		}
		rules = append(rules, rule(AlertNodePoolNearLimit, expr, SeverityWarning, "A node pool of the Space is near its maximum.", desc))
	}
	return rules
}

func karpenter(pools []Pool) bool {
	return len(pools) > 0 && pools[0].KarpenterNodePool != ""
}

// RouterLatencyAbove is true when the LatencyQuantile of the router's
// upstream request time, over every upstream, exceeds seconds. Envoy's
// histogram is in milliseconds. Without requests the quantile is NaN, and
// the comparison is false.
func RouterLatencyAbove(namespace string, seconds int32) string {
	return fmt.Sprintf(`histogram_quantile(%s, sum by (le) (rate(%s{namespace=%s}[%s]))) > %d`,
		LatencyQuantile, MetricUpstreamTimeBucket, strconv.Quote(namespace), RateWindow, int64(seconds)*1000)
}

// UpstreamTimeouts is true for each upstream of the router whose requests
// time out, at any rate: the alert's for says how long.
func UpstreamTimeouts(namespace string) string {
	return fmt.Sprintf(`sum by (envoy_cluster_name) (rate(%s{namespace=%s}[%s])) > 0`,
		MetricUpstreamTimeouts, strconv.Quote(namespace), RateWindow)
}

// CircuitBreakerOpen is true for each upstream of the router with any of
// its circuit breakers open, on any router pod.
func CircuitBreakerOpen(namespace string) string {
	return fmt.Sprintf(`max by (envoy_cluster_name) ({__name__=~%s,namespace=%s}) > 0`,
		strconv.Quote(CircuitBreakersOpen), strconv.Quote(namespace))
}

// RouterAtMaxReplicas is true when the router's autoscaler runs as many
// replicas as its maximum. max by collapses kube-state-metrics replicas.
func RouterAtMaxReplicas(namespace string) string {
	sel := fmt.Sprintf(`{namespace=%s,horizontalpodautoscaler=~%s}`, strconv.Quote(namespace), strconv.Quote(RouterHPA))
	by := "max by (namespace, horizontalpodautoscaler) "
	return fmt.Sprintf(`%s(%s%s) >= %s(%s%s)`, by, MetricHPACurrent, sel, by, MetricHPAMax, sel)
}

// ControllerMemoryAbove is true for each container of the spaces-controller
// whose working set exceeds percent of its memory limit. A container
// without a limit has no series in kube-state-metrics, so it never fires.
func ControllerMemoryAbove(namespace string, percent int32) string {
	ns, pods := strconv.Quote(namespace), strconv.Quote(ControllerPods)
	by := "max by (namespace, pod, container) "
	return fmt.Sprintf(`100 * %s(%s{namespace=%s,pod=~%s,container!=""}) / on (namespace, pod, container) (%s(%s{namespace=%s,pod=~%s,resource="memory"}) > 0) > %d`,
		by, MetricWorkingSet, ns, pods, by, MetricLimits, ns, pods, percent)
}

func controlPlanePods() string {
	return fmt.Sprintf(`namespace=~%s,pod=~%s`, strconv.Quote(ControlPlaneNamespaces), strconv.Quote(ControlPlanePods))
}

// PodsRestarting is true for each control-plane API server or etcd pod
// that restarted more than RestartsTolerated times in RestartWindow.
func PodsRestarting() string {
	return fmt.Sprintf(`sum by (namespace, pod) (increase(%s{%s}[%s])) > %d`,
		MetricRestarts, controlPlanePods(), RestartWindow, RestartsTolerated)
}

// PodsPending is true for each control-plane API server or etcd pod that
// is Pending.
func PodsPending() string {
	return fmt.Sprintf(`max by (namespace, pod) (%s{%s,phase="Pending"}) > 0`, MetricPodPhase, controlPlanePods())
}

// NodePoolsNearLimit is true for each pool at percent of its maximum or
// more; "" when no pool can be: Karpenter NodePools compare the resources
// they provisioned with their limits; the clouds' own pools count their
// nodes (by the target label, which kube-state-metrics exports as
// label_target once allowed) against percent of maxNodes, rounded up.
// A pool whose minNodes is its maxNodes is always full by design, and is
// left out.
func NodePoolsNearLimit(pools []Pool, percent int32) string {
	if karpenter(pools) {
		names := make([]string, 0, len(pools))
		for _, p := range pools {
			names = append(names, regexp.QuoteMeta(p.KarpenterNodePool))
		}
		sel := fmt.Sprintf(`{nodepool=~%s}`, strconv.Quote(strings.Join(names, "|")))
		by := "max by (nodepool, resource_type) "
		return fmt.Sprintf(`100 * %s(%s%s) / on (nodepool, resource_type) (%s(%s%s) > 0) >= %d`,
			by, MetricKarpenterUsage, sel, by, MetricKarpenterLimit, sel, percent)
	}
	var terms []string
	for _, p := range pools {
		if p.MaxNodes <= p.MinNodes {
			continue
		}
		at := max((int64(p.MaxNodes)*int64(percent)+99)/100, 1)
		terms = append(terms, fmt.Sprintf(`count by (%s) (max by (node, %s) (%s{%s=%s})) >= %d`,
			NodeTargetLabelInKSM, NodeTargetLabelInKSM, MetricNodeLabels, NodeTargetLabelInKSM, strconv.Quote(string(p.Role)), at))
	}
	return strings.Join(terms, " or ")
}

// RouterMetricsAbsent is true when no router Envoy in namespace reports
// its request counter: the series the error-rate alerts divide by. Envoy
// creates its HTTP connection manager counters with the listener, so an
// idle router still reports them (at 0), and its admin listener counts the
// scrapes themselves.
func RouterMetricsAbsent(namespace string) string {
	return fmt.Sprintf("absent(%s{namespace=%s})", MetricRequests, strconv.Quote(namespace))
}

// ControlPlanesAbove is true when more than limit control planes have the
// per-control-plane gauge metric set. max without (instance, pod) first
// collapses the same series exported by several controller replicas, so a
// control plane is never counted twice; sum then counts control planes (or
// adds up a count, if the controller exports one).
func ControlPlanesAbove(metric string, limit int32) string {
	return fmt.Sprintf("sum(max without (instance, pod) (%s)) > %d", metric, limit)
}

// ErrorRatioAbove is true when the share of the router's responses of one
// class ("4" or "5") exceeds percent over RateWindow. Only the router's
// Envoy (in namespace) counts, and not Envoy's admin listener, whose
// requests are the metric scrapes themselves. A router without traffic
// yields no ratio rather than 0/0.
func ErrorRatioAbove(class, namespace string, percent int32) string {
	sel := fmt.Sprintf(`namespace=%s,envoy_http_conn_manager_prefix!="admin"`, strconv.Quote(namespace))
	return fmt.Sprintf(`100 * sum(rate(%s{%s,envoy_response_code_class=%s}[%s])) / (sum(rate(%s{%s}[%s])) > 0) > %d`,
		MetricRequestsByClass, sel, strconv.Quote(class), RateWindow, MetricRequests, sel, RateWindow, percent)
}
