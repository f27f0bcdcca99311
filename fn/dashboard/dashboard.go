// Package dashboard renders the Grafana dashboard of a Space: its control
// planes (how many, degraded, stuck), the router's traffic, errors and
// latency, the API server and etcd pods, the controller's memory, the node
// pools against the limits the function computed, and a word on the
// database. It reads only the metrics the alerts read, those docs/alerts.md
// says Prometheus must scrape, and is delivered as a ConfigMap that Grafana's
// dashboard sidecar loads, in a provider-kubernetes Object the way the
// PrometheusRule is. Like the alerts it is cloud-neutral: of a cloud it only
// learns whether its pools are Karpenter NodePools, and their names.
package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/alerts"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// The ConfigMap and the dashboard.
const (
	// Key is the composition resource name of the dashboard.
	Key = "dashboard"
	// NameSuffix ends the names of the ConfigMap and of its Object.
	NameSuffix = "spaces-dashboard"
	// UIDLength is the longest dashboard uid Grafana accepts.
	UIDLength = 40
	// SchemaVersion of the dashboard JSON model (Grafana 10 and later
	// migrate older ones on load).
	SchemaVersion = 39
	// DataSourceVariable names the variable that picks the Prometheus data
	// source; every query goes through it.
	DataSourceVariable = "datasource"
	// RateWindow is the window rates are taken over, the alerts'.
	RateWindow = alerts.RateWindow
)

// Threshold colors.
const (
	green  = "green"
	orange = "orange"
	red    = "red"
)

// ConfigMap is a v1 ConfigMap.
type ConfigMap struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Data             map[string]string  `json:"data"`
}

// Resource returns the ConfigMap that carries the Space's dashboard,
// delivered like the PrometheusRule. Call it only when p.Monitoring and
// p.Monitoring.Dashboard are set.
func Resource(p *plan.Plan, env cloud.Env, karpenter alerts.KarpenterNames) (compose.Resource, error) {
	d := p.Monitoring.Dashboard
	name := compose.Name(p.XRName, NameSuffix)
	b, err := Encode(Build(p, alerts.Pools(p, karpenter)))
	if err != nil {
		return compose.Resource{}, err
	}
	cm := &ConfigMap{
		TypeMeta: compose.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		Metadata: compose.ObjectMeta{
			Name:      name,
			Namespace: d.Namespace,
			// The sidecar's labels win over the input's.
			Labels: compose.Labels(env.Labels, d.Labels),
		},
		Data: map[string]string{name + ".json": string(b)},
	}
	return env.Delivery.InCluster(Key, cloud.ComponentDashboard, name, cm), nil
}

// Encode is the dashboard's JSON, compact (the ConfigMap's data, and with
// provider-kubernetes' client-side apply a second copy in its
// last-applied-configuration annotation) and without HTML escapes, so that
// the queries' comparisons read as written.
func Encode(d *Dashboard) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Build returns the dashboard of the plan; pools are the Space's node
// pools as the alerts see them.
func Build(p *plan.Plan, pools []alerts.Pool) *Dashboard {
	m := p.Monitoring
	ns := p.Spaces.Namespace
	g := &grid{}

	g.row("Control plane health")
	g.add(8, 6, stat("Control planes", "Control planes of the Space; orange from the number spec.capacity.controlPlanes sized the pools for.",
		controlPlanes(alerts.MetricExists), steps(at(orange, float64(p.Capacity.ControlPlanes)))))
	g.add(5, 6, stat("Degraded", "Control planes not Synced, Ready and Healthy; red above spec.monitoring.degradedControlPlanes (the SpacesControlPlanesDegraded alert).",
		controlPlanes(alerts.MetricDegraded), steps(at(red, float64(m.DegradedControlPlanes)+1))))
	g.add(5, 6, stat("Stuck provisioning", "Control planes provisioning too long; orange above spec.monitoring.stuckControlPlanes.",
		controlPlanes(alerts.MetricStuck), steps(at(orange, float64(m.StuckControlPlanes)+1))))
	g.add(6, 6, stat("Stuck deleting", "Control planes deleting too long; orange above spec.monitoring.stuckControlPlanes.",
		controlPlanes(alerts.MetricDeletionStuck), steps(at(orange, float64(m.StuckControlPlanes)+1))))
	g.add(24, 8, series("Control planes over time", "The line is spec.capacity.controlPlanes, what the pools are sized for.", "short",
		steps(at(orange, float64(p.Capacity.ControlPlanes))), nil,
		target(controlPlanes(alerts.MetricExists), "control planes"),
		target(controlPlanes(alerts.MetricDegraded), "degraded"),
		target(controlPlanes(alerts.MetricStuck), "stuck provisioning"),
		target(controlPlanes(alerts.MetricDeletionStuck), "stuck deleting")))

	g.row("Router")
	g.add(12, 8, series("Requests by response class", "Responses of the Spaces router per second, by status class (its admin listener, the scrapes, left out).", "reqps",
		nil, nil, target(fmt.Sprintf(`sum by (envoy_response_code_class) (rate(%s{%s}[%s]))`, alerts.MetricRequestsByClass, routerRequests(ns), RateWindow), "{{envoy_response_code_class}}xx")))
	g.add(12, 8, series("Error responses", "Share of the router's responses that are 5xx and 4xx; the line is spec.monitoring.errorRatePercent, where the SpacesRouter*ErrorRateHigh alerts fire.", "percent",
		steps(at(red, float64(m.ErrorRatePercent))), nil,
		target(errorRatio("5", ns), "5xx"), target(errorRatio("4", ns), "4xx")))
	latency := steps(at(red, float64(m.RouterLatencySeconds)*1000))
	g.add(12, 8, series("Upstream request time", "Quantiles of the router's upstream request time, every upstream; the line is spec.monitoring.routerLatencySeconds, where SpacesRouterLatencyHigh fires on the 90th percentile. Watches count with their whole length.", "ms",
		latency, nil,
		target(quantile("0.5", ns, "le"), "p50"), target(quantile(alerts.LatencyQuantile, ns, "le"), "p90"), target(quantile("0.99", ns, "le"), "p99")))
	g.add(12, 8, series("Slowest upstreams (p90)", "The five upstreams (a control plane's API server, spaces-api, apollo) with the highest 90th percentile request time.", "ms",
		latency, nil,
		target(fmt.Sprintf(`topk(5, %s)`, quantile(alerts.LatencyQuantile, ns, "envoy_cluster_name, le")), "{{envoy_cluster_name}}")))
	g.add(8, 8, series("Upstream timeouts", "Requests from the router that timed out, per upstream (SpacesRouterUpstreamTimeouts).", "reqps",
		nil, nil, target(fmt.Sprintf(`sum by (envoy_cluster_name) (rate(%s{namespace=%s}[%s]))`, alerts.MetricUpstreamTimeouts, strconv.Quote(ns), RateWindow), "{{envoy_cluster_name}}")))
	g.add(8, 8, series("Circuit breakers open", "1 while a circuit breaker of the router to an upstream is open (SpacesRouterCircuitBreakerOpen).", "short",
		steps(at(red, 1)), nil,
		target(fmt.Sprintf(`max by (envoy_cluster_name) ({__name__=~%s,namespace=%s})`, strconv.Quote(alerts.CircuitBreakersOpen), strconv.Quote(ns)), "{{envoy_cluster_name}}")))
	hpa := fmt.Sprintf(`{namespace=%s,horizontalpodautoscaler=~%s}`, strconv.Quote(ns), strconv.Quote(alerts.RouterHPA))
	g.add(8, 8, series("Router replicas", "Replicas of the router's autoscaler and its maximum as the autoscaler has it; the line is spec.spaces.router.maxReplicas (SpacesRouterAtMaxReplicas).", "short",
		steps(at(red, float64(p.Spaces.Router.MaxReplicas))), soft(float64(p.Spaces.Router.MaxReplicas)),
		target(fmt.Sprintf(`max by (horizontalpodautoscaler) (%s%s)`, alerts.MetricHPACurrent, hpa), "{{horizontalpodautoscaler}}"),
		target(fmt.Sprintf(`max by (horizontalpodautoscaler) (%s%s)`, alerts.MetricHPAMax, hpa), "{{horizontalpodautoscaler}} max")))

	g.row("API servers, etcd and the controller")
	cp := fmt.Sprintf(`namespace=~%s,pod=~%s`, strconv.Quote(alerts.ControlPlaneNamespaces), strconv.Quote(alerts.ControlPlanePods))
	g.add(8, 8, series("API server and etcd pods by phase", "Control planes' API server (vcluster) and etcd pods, by phase; any Pending is SpacesControlPlanePodsPending.", "short",
		nil, nil, target(fmt.Sprintf(`sum by (phase) (max by (namespace, pod, phase) (%s{%s}))`, alerts.MetricPodPhase, cp), "{{phase}}")))
	g.add(8, 8, series(fmt.Sprintf("Restarts in %s", alerts.RestartWindow), fmt.Sprintf("API server and etcd pods that restarted; above the line (%d) SpacesControlPlanePodsRestarting fires.", alerts.RestartsTolerated), "short",
		steps(at(orange, alerts.RestartsTolerated)), nil,
		target(fmt.Sprintf(`sum by (namespace, pod) (increase(%s{%s}[%s])) > 0`, alerts.MetricRestarts, cp, alerts.RestartWindow), "{{namespace}}/{{pod}}")))
	g.add(8, 8, series("Controller memory, share of its limit", "Working set of each spaces-controller container against its memory limit; the line is spec.monitoring.controllerMemoryPercent (SpacesControllerNearMemoryLimit).", "percent",
		steps(at(red, float64(m.ControllerMemoryPercent))), soft(100),
		target(controllerMemory(ns), "{{pod}}/{{container}}")))

	g.row("Node pools")
	for _, pl := range pools {
		g.add(24/max(len(pools), 1), 8, poolNodes(pl, m.NodePoolUsagePercent))
	}
	if karpenterPools(pools) {
		g.add(24, 8, series("NodePool limits used", "What each Karpenter NodePool has provisioned of its limits (nodes, cpu, memory, which the function sizes from maxNodes); orange from spec.monitoring.nodePoolUsagePercent (SpacesNodePoolNearLimit), red at the limit.", "percent",
			steps(at(orange, float64(m.NodePoolUsagePercent)), at(red, 100)), soft(100),
			target(karpenterShare(pools), "{{nodepool}} {{resource_type}}")))
	}

	g.row("Database")
	g.add(24, 5, text("Query API database", databaseText(p.Database)))

	return &Dashboard{
		UID:           compose.NameN(UIDLength, p.XRName, "spaces"),
		Title:         "Spaces: " + p.XRName,
		Description:   "The Space of XSpaceScaling " + p.XRName + ", composed by function-space-scaling.",
		Tags:          []string{"spaces", "crossplane"},
		Timezone:      "browser",
		Refresh:       "1m",
		SchemaVersion: SchemaVersion,
		Time:          TimeRange{From: "now-6h", To: "now"},
		Templating:    Templating{List: []Variable{{Name: DataSourceVariable, Label: "Data source", Type: "datasource", Query: "prometheus"}}},
		Panels:        g.panels,
	}
}

// grid lays panels out left to right in rows of 24 columns.
type grid struct {
	panels  []Panel
	x, y, h int
}

func (g *grid) next() int { return len(g.panels) + 1 }

// row starts a row below everything so far.
func (g *grid) row(title string) {
	g.newline()
	g.panels = append(g.panels, Panel{ID: g.next(), Type: "row", Title: title, GridPos: GridPos{X: 0, Y: g.y, W: 24, H: 1}})
	g.y++
}

func (g *grid) newline() {
	if g.x > 0 {
		g.y += g.h
		g.x, g.h = 0, 0
	}
}

// add places a panel of width w and height h.
func (g *grid) add(w, h int, p Panel) {
	if g.x+w > 24 {
		g.newline()
	}
	p.ID = g.next()
	p.GridPos = GridPos{X: g.x, Y: g.y, W: w, H: h}
	g.panels = append(g.panels, p)
	g.x += w
	g.h = max(g.h, h)
}

func datasource() *DataSource {
	return &DataSource{Type: "prometheus", UID: "${" + DataSourceVariable + "}"}
}

func target(expr, legend string) Target {
	return Target{Expr: expr, LegendFormat: legend}
}

// steps are thresholds: green below the first step, then each step's color
// from its value up.
func steps(more ...Step) *Thresholds {
	return &Thresholds{Mode: "absolute", Steps: append([]Step{{Color: green}}, more...)}
}

// at is a threshold step: color from v up.
func at(color string, v float64) Step {
	return Step{Color: color, Value: &v}
}

func soft(v float64) *float64 { return &v }

func zero() *float64 {
	z := 0.0
	return &z
}

func withTargets(p Panel, targets []Target) Panel {
	p.Datasource = datasource()
	for i, t := range targets {
		t.RefID = string(rune('A' + i))
		t.Datasource = datasource()
		p.Targets = append(p.Targets, t)
	}
	return p
}

// stat is a single number, colored by thresholds.
func stat(title, description, expr string, t *Thresholds) Panel {
	p := Panel{
		Type: "stat", Title: title, Description: description,
		FieldConfig: &FieldConfig{Defaults: FieldDefaults{Unit: "short", Min: zero(), Decimals: new(int), Thresholds: t}},
		Options:     &Options{ColorMode: "value", GraphMode: "area"},
	}
	return withTargets(p, []Target{target(expr, title)})
}

// series is a time series panel; thresholds, if any, are drawn as lines,
// and axisMax keeps a limit on the axis.
func series(title, description, unit string, t *Thresholds, axisMax *float64, targets ...Target) Panel {
	d := FieldDefaults{Unit: unit, Min: zero()}
	if t != nil {
		d.Thresholds = t
		d.Custom = &Custom{ThresholdsStyle: &ThresholdsStyle{Mode: "line"}, AxisSoftMax: axisMax}
	}
	return withTargets(Panel{Type: "timeseries", Title: title, Description: description, FieldConfig: &FieldConfig{Defaults: d}}, targets)
}

func text(title, content string) Panel {
	return Panel{Type: "text", Title: title, Options: &Options{Mode: "markdown", Content: content}}
}

// controlPlanes counts the control planes with a per-control-plane gauge
// set, each once however many controller replicas export it (as the
// alerts do).
func controlPlanes(metric string) string {
	return fmt.Sprintf("sum(max without (instance, pod) (%s))", metric)
}

func routerRequests(namespace string) string {
	return fmt.Sprintf(`namespace=%s,envoy_http_conn_manager_prefix!="admin"`, strconv.Quote(namespace))
}

// errorRatio is the share of the router's responses of one class, in
// percent; none without traffic.
func errorRatio(class, namespace string) string {
	sel := routerRequests(namespace)
	return fmt.Sprintf(`100 * sum(rate(%s{%s,envoy_response_code_class=%s}[%s])) / (sum(rate(%s{%s}[%s])) > 0)`,
		alerts.MetricRequestsByClass, sel, strconv.Quote(class), RateWindow, alerts.MetricRequests, sel, RateWindow)
}

// quantile of the router's upstream request time (milliseconds), summed by
// the labels by (which must include le).
func quantile(q, namespace, by string) string {
	return fmt.Sprintf(`histogram_quantile(%s, sum by (%s) (rate(%s{namespace=%s}[%s])))`,
		q, by, alerts.MetricUpstreamTimeBucket, strconv.Quote(namespace), RateWindow)
}

// controllerMemory is each spaces-controller container's working set in
// percent of its memory limit, as SpacesControllerNearMemoryLimit reads it.
func controllerMemory(namespace string) string {
	ns, pods := strconv.Quote(namespace), strconv.Quote(alerts.ControllerPods)
	by := "max by (namespace, pod, container) "
	return fmt.Sprintf(`100 * %s(%s{namespace=%s,pod=~%s,container!=""}) / on (namespace, pod, container) (%s(%s{namespace=%s,pod=~%s,resource="memory"}) > 0)`,
		by, alerts.MetricWorkingSet, ns, pods, by, alerts.MetricLimits, ns, pods)
}

func karpenterPools(pools []alerts.Pool) bool {
	return len(pools) > 0 && pools[0].KarpenterNodePool != ""
}

// poolNodes is a pool's node count against its maxNodes: a Karpenter
// NodePool's own count of its nodes, or the nodes carrying the pool's
// target label (kube-state-metrics exports it once allowed). The lines are
// where SpacesNodePoolNearLimit fires and maxNodes.
func poolNodes(pl alerts.Pool, percent int32) Panel {
	expr := fmt.Sprintf(`count(max by (node) (%s{%s=%s}))`, alerts.MetricNodeLabels, alerts.NodeTargetLabelInKSM, strconv.Quote(string(pl.Role)))
	if pl.KarpenterNodePool != "" {
		expr = fmt.Sprintf(`max(%s{nodepool=%s,resource_type="nodes"})`, alerts.MetricKarpenterUsage, strconv.Quote(pl.KarpenterNodePool))
	}
	maxNodes := float64(pl.MaxNodes)
	near := float64(max((int64(pl.MaxNodes)*int64(percent)+99)/100, 1))
	t := steps(at(orange, near), at(red, maxNodes))
	if near >= maxNodes {
		t = steps(at(red, maxNodes))
	}
	return series(fmt.Sprintf("%s pool: nodes of %d", pl.Role, pl.MaxNodes),
		fmt.Sprintf("Nodes of the %s pool (minNodes %d, maxNodes %d); orange from spec.monitoring.nodePoolUsagePercent of maxNodes, red at maxNodes: past it no node is added.", pl.Role, pl.MinNodes, pl.MaxNodes),
		"short", t, soft(maxNodes), target(expr, "nodes"))
}

// karpenterShare is what the Space's Karpenter NodePools provisioned of
// each of their limits, in percent.
func karpenterShare(pools []alerts.Pool) string {
	names := make([]string, 0, len(pools))
	for _, p := range pools {
		names = append(names, regexp.QuoteMeta(p.KarpenterNodePool))
	}
	sel := fmt.Sprintf(`{nodepool=~%s}`, strconv.Quote(strings.Join(names, "|")))
	by := "max by (nodepool, resource_type) "
	return fmt.Sprintf(`100 * %s(%s%s) / on (nodepool, resource_type) (%s(%s%s) > 0)`,
		by, alerts.MetricKarpenterUsage, sel, by, alerts.MetricKarpenterLimit, sel)
}

// databaseText says what the function asked of the database, and why the
// dashboard has no graph of it: Prometheus scrapes no metric of a
// cloud-managed database.
func databaseText(db *plan.Database) string {
	if db == nil {
		return "The Query API uses the Spaces chart's in-cluster PostgreSQL (spec.queryAPI): no database is composed."
	}
	ha := "single zone"
	if db.HighAvailability {
		ha = "a standby in another zone"
	}
	return fmt.Sprintf("PostgreSQL %s, at least %d GiB and %d IOPS, %s, backups kept %d days.\n\n"+
		"Prometheus scrapes no metric of the database: it is the cloud's managed PostgreSQL, whose metrics "+
		"(CPU, connections, storage, IOPS) are in Amazon CloudWatch (RDS), Cloud Monitoring (Cloud SQL) or Azure Monitor (Flexible Server). "+
		"The XR's status.database and status.components say whether it is ready.",
		db.Version, db.StorageGiB, db.MinIOPS, ha, db.BackupRetentionDays)
}
