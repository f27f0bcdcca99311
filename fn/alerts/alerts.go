// Package alerts renders the PrometheusRule that watches a Space: degraded
// and stuck control planes, the router's error rates, and the control-plane
// metrics going missing. It is cloud-neutral.
package alerts

import (
	"fmt"
	"strconv"

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
)

// The metrics the alerts read (see the Spaces controller and Envoy).
const (
	MetricExists          = "spaces_control_plane_exists"
	MetricDegraded        = "spaces_control_plane_degraded"
	MetricStuck           = "spaces_control_plane_stuck"
	MetricDeletionStuck   = "spaces_control_plane_deletion_stuck"
	MetricRequestsByClass = "envoy_http_downstream_rq_xx"
	MetricRequests        = "envoy_http_downstream_rq_total"
)

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
func Rule(p *plan.Plan, env cloud.Env) compose.Resource {
	m := p.Monitoring
	r := &PrometheusRule{
		TypeMeta: compose.TypeMeta{APIVersion: APIVersion, Kind: Kind},
		Metadata: compose.ObjectMeta{
			Name:      compose.Name(p.XRName, "spaces-alerts"),
			Namespace: p.Spaces.Namespace,
			// The rule selector's labels win over the input's.
			Labels: compose.Labels(env.Labels, m.RuleLabels),
		},
		Spec: RuleSpec{Groups: []RuleGroup{{Name: GroupName, Rules: Rules(m, p.Spaces.Namespace)}}},
	}
	return env.Delivery.InCluster(Key, cloud.ComponentAlerts, compose.Name(p.XRName, "spaces-alerts"), r)
}

// Rules are the alerting rules. namespace is where the Spaces router runs.
func Rules(m *plan.Monitoring, namespace string) []AlertRule {
	rule := func(name, expr, severity, summary, description string) AlertRule {
		return AlertRule{
			Alert:       name,
			Expr:        expr,
			For:         m.For,
			Labels:      map[string]string{"severity": severity},
			Annotations: map[string]string{"summary": summary, "description": description},
		}
	}
	return []AlertRule{
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
	}
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
