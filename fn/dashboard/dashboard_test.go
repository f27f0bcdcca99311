package dashboard

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/crossplane-contrib/function-space-scaling/fn/alerts"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func testPlan() *plan.Plan {
	return &plan.Plan{
		XRName: "prod-use1",
		Spaces: plan.Spaces{Namespace: "upbound-system", Router: plan.RouterScaling{MinReplicas: 2, MaxReplicas: 8}},
		Monitoring: &plan.Monitoring{
			ErrorRatePercent:        5,
			DegradedControlPlanes:   1,
			StuckControlPlanes:      2,
			RouterLatencySeconds:    5,
			ControllerMemoryPercent: 80,
			NodePoolUsagePercent:    90,
			For:                     "10m",
			Dashboard:               &plan.Dashboard{Namespace: "monitoring", Labels: map[string]string{"grafana_dashboard": "1"}},
		},
		Capacity: plan.Capacity{ControlPlanes: 25},
		Pools: []plan.Pool{
			{Role: plan.RoleEtcd, MinNodes: 3, MaxNodes: 9},
			{Role: plan.RoleAPIServer, MinNodes: 2, MaxNodes: 2},
			{Role: plan.RoleControlPlanes, MinNodes: 3, MaxNodes: 20},
		},
		Database: &plan.Database{Version: "16", StorageGiB: 100, MinIOPS: 400, HighAvailability: true, BackupRetentionDays: 7},
	}
}

func karpenterNames(xr string, r plan.Role) string { return xr + "-" + string(r) }

// variants are the dashboards of a cloud with its own pools (GKE, AKS) and
// of one with Karpenter NodePools (EKS).
func variants() map[string]*Dashboard {
	p := testPlan()
	return map[string]*Dashboard{
		"OwnPools":  Build(p, alerts.Pools(p, nil)),
		"Karpenter": Build(p, alerts.Pools(p, karpenterNames)),
	}
}

func env(direct, namespaced bool) cloud.Env {
	s := compose.Scope{}
	if namespaced {
		s = compose.Scope{Namespace: "team-a", ProviderConfigKind: "ProviderConfig"}
	}
	return cloud.Env{Scope: s, Delivery: compose.Delivery{Direct: direct, Scope: s, ProviderConfig: "k8s-pc"}}
}

func queries(d *Dashboard) []string {
	var out []string
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			out = append(out, t.Expr)
		}
	}
	return out
}

// TestQueriesParse: every panel's query parses with Prometheus' own parser.
func TestQueriesParse(t *testing.T) {
	for name, d := range variants() {
		t.Run(name, func(t *testing.T) {
			qs := queries(d)
			if len(qs) < 15 {
				t.Fatalf("%d queries, want the dashboard's (at least 15)", len(qs))
			}
			for _, q := range qs {
				if _, err := parser.NewParser(parser.Options{}).ParseExpr(q); err != nil {
					t.Errorf("%s: %v", q, err)
				}
			}
		})
	}
}

// scrapedMetrics are the metric names (or patterns, with *) docs/alerts.md
// lists in "What Prometheus must scrape": the last column of its table.
func scrapedMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "alerts.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## What Prometheus must scrape\n")
	if !ok {
		t.Fatal(`docs/alerts.md has no section "What Prometheus must scrape"`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	tick := regexp.MustCompile("`([a-z_:*]+)`")
	var out []string
	rows := 0
	for l := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(l, "|") || strings.HasPrefix(l, "|---") || strings.HasPrefix(l, "| source") {
			continue
		}
		rows++
		cells := strings.Split(strings.Trim(l, "| "), "|")
		for _, m := range tick.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			out = append(out, m[1])
		}
	}
	if rows < 5 || len(out) < 10 {
		t.Fatalf("read %d rows and %d metrics from the scrape table of docs/alerts.md; the table changed shape", rows, len(out))
	}
	return out
}

// metricNames are the metric names a query reads; a regular expression on
// __name__ is expanded into every name it matches.
func metricNames(t *testing.T, q string) []string {
	t.Helper()
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		if vs.Name != "" {
			out = append(out, vs.Name)
			return nil
		}
		for _, m := range vs.LabelMatchers {
			if m.Name != model.MetricNameLabel {
				continue
			}
			switch m.Type {
			case labels.MatchEqual:
				out = append(out, m.Value)
			case labels.MatchRegexp:
				out = append(out, expand(t, m.Value)...)
			default:
				t.Errorf("%s: a negative __name__ matcher reads metrics no list can name", q)
			}
		}
		return nil
	})
	return out
}

// expand lists every string a finite regular expression matches.
func expand(t *testing.T, expr string) []string {
	t.Helper()
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(re *syntax.Regexp) []string
	walk = func(re *syntax.Regexp) []string {
		switch re.Op {
		case syntax.OpLiteral:
			return []string{string(re.Rune)}
		case syntax.OpEmptyMatch:
			return []string{""}
		case syntax.OpCapture:
			return walk(re.Sub[0])
		case syntax.OpCharClass:
			var out []string
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
					out = append(out, string(r))
				}
			}
			return out
		case syntax.OpAlternate:
			var out []string
			for _, s := range re.Sub {
				out = append(out, walk(s)...)
			}
			return out
		case syntax.OpConcat:
			out := []string{""}
			for _, s := range re.Sub {
				var next []string
				for _, a := range out {
					for _, b := range walk(s) {
						next = append(next, a+b)
					}
				}
				out = next
			}
			return out
		default:
			t.Fatalf("%s: cannot list the metric names of a regular expression with %v", expr, re.Op)
			return nil
		}
	}
	return walk(re)
}

// TestMetricsAreScraped: every metric a panel reads is one docs/alerts.md
// says Prometheus must scrape.
func TestMetricsAreScraped(t *testing.T) {
	scraped := scrapedMetrics(t)
	listed := func(name string) bool {
		return slices.ContainsFunc(scraped, func(pattern string) bool {
			ok, err := path.Match(pattern, name)
			return err == nil && ok
		})
	}
	for name, d := range variants() {
		t.Run(name, func(t *testing.T) {
			for _, q := range queries(d) {
				names := metricNames(t, q)
				if len(names) == 0 {
					t.Errorf("%s reads no metric", q)
				}
				for _, n := range names {
					if !listed(n) {
						t.Errorf("%s reads %s, which docs/alerts.md does not list among the metrics Prometheus must scrape", q, n)
					}
				}
			}
		})
	}
}

// TestExpand pins the expansion the scrape check relies on.
func TestExpand(t *testing.T) {
	got := expand(t, alerts.CircuitBreakersOpen)
	if len(got) != 10 || !slices.Contains(got, "envoy_cluster_circuit_breakers_high_rq_pending_open") || !slices.Contains(got, "envoy_cluster_circuit_breakers_default_cx_open") {
		t.Errorf("expand(%s) = %v", alerts.CircuitBreakersOpen, got)
	}
}

// TestDeterministic: the same plan encodes to the same bytes, built anew
// each time (no map iteration or pointer leaks into the output).
func TestDeterministic(t *testing.T) {
	var first []byte
	for i := range 20 {
		p := testPlan()
		r, err := Resource(p, env(false, false), karpenterNames)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
			continue
		}
		if !bytes.Equal(first, b) {
			t.Fatalf("run %d encodes differently from the first", i)
		}
	}
}

// TestLayout: panel ids are unique, every panel fits the 24-column grid and
// none overlaps another; every query panel reads through the data source
// variable, with distinct refIds.
func TestLayout(t *testing.T) {
	for name, d := range variants() {
		t.Run(name, func(t *testing.T) {
			ids := map[int]bool{}
			for i, p := range d.Panels {
				if ids[p.ID] {
					t.Errorf("panel id %d twice", p.ID)
				}
				ids[p.ID] = true
				g := p.GridPos
				if g.X < 0 || g.W <= 0 || g.H <= 0 || g.X+g.W > 24 {
					t.Errorf("%q at %+v does not fit the grid", p.Title, g)
				}
				for _, o := range d.Panels[:i] {
					h := o.GridPos
					if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
						t.Errorf("%q at %+v overlaps %q at %+v", p.Title, g, o.Title, h)
					}
				}
				if p.Type == "row" || p.Type == "text" {
					continue
				}
				if len(p.Targets) == 0 || p.Datasource == nil || p.Datasource.UID != "${datasource}" {
					t.Errorf("%q: no query, or not through the data source variable", p.Title)
				}
				refs := map[string]bool{}
				for _, q := range p.Targets {
					if refs[q.RefID] || q.RefID == "" {
						t.Errorf("%q: refId %q empty or twice", p.Title, q.RefID)
					}
					if q.Datasource == nil || *q.Datasource != *p.Datasource {
						t.Errorf("%q: query %s not through the panel's data source", p.Title, q.RefID)
					}
					refs[q.RefID] = true
				}
			}
			if len(d.UID) > UIDLength || d.UID == "" {
				t.Errorf("uid %q: Grafana takes 1 to %d characters", d.UID, UIDLength)
			}
		})
	}
}

// panel finds a panel by title.
func panel(t *testing.T, d *Dashboard, title string) Panel {
	t.Helper()
	for _, p := range d.Panels {
		if p.Title == title {
			return p
		}
	}
	t.Fatalf("no panel %q", title)
	return Panel{}
}

func values(p Panel) []float64 {
	var out []float64
	if p.FieldConfig == nil || p.FieldConfig.Defaults.Thresholds == nil {
		return nil
	}
	for _, s := range p.FieldConfig.Defaults.Thresholds.Steps {
		if s.Value != nil {
			out = append(out, *s.Value)
		}
	}
	return out
}

// TestThresholdsFollowThePlan: the lines are the limits and thresholds the
// function computed, and time series panels draw them.
func TestThresholdsFollowThePlan(t *testing.T) {
	cases := map[string]struct {
		title string
		want  []float64
		line  bool
	}{
		"Capacity":        {"Control planes", []float64{25}, false},
		"Degraded":        {"Degraded", []float64{2}, false},
		"Stuck":           {"Stuck provisioning", []float64{3}, false},
		"ErrorRate":       {"Error responses", []float64{5}, true},
		"Latency":         {"Upstream request time", []float64{5000}, true},
		"MaxReplicas":     {"Router replicas", []float64{8}, true},
		"ControllerLimit": {"Controller memory, share of its limit", []float64{80}, true},
		// 90% of 9 is 8.1: 9, the maximum itself.
		"EtcdPool":          {"etcd pool: nodes of 9", []float64{9}, true},
		"APIServerPool":     {"apiserver pool: nodes of 2", []float64{2}, true},
		"ControlPlanesPool": {"controlplanes pool: nodes of 20", []float64{18, 20}, true},
	}
	d := variants()["OwnPools"]
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := panel(t, d, tc.title)
			if got := values(p); !slices.Equal(got, tc.want) {
				t.Errorf("thresholds %v, want %v", got, tc.want)
			}
			c := p.FieldConfig.Defaults.Custom
			if drawn := c != nil && c.ThresholdsStyle != nil && c.ThresholdsStyle.Mode == "line"; drawn != tc.line {
				t.Errorf("drawn as lines: %v, want %v", drawn, tc.line)
			}
		})
	}
	k := variants()["Karpenter"]
	if got := panel(t, k, "controlplanes pool: nodes of 20").Targets[0].Expr; got != `max(karpenter_nodepools_usage{nodepool="prod-use1-controlplanes",resource_type="nodes"})` {
		t.Errorf("Karpenter pool query = %s", got)
	}
	if got := values(panel(t, k, "NodePool limits used")); !slices.Equal(got, []float64{90, 100}) {
		t.Errorf("NodePool limits thresholds %v, want [90 100]", got)
	}
	for _, p := range d.Panels {
		if p.Title == "NodePool limits used" {
			t.Error("a cloud with its own pools has no Karpenter panel")
		}
	}
}

// TestDatabaseText: the database panel says what was asked of the database
// and that no metric of it is scraped; without a database, says so.
func TestDatabaseText(t *testing.T) {
	d := variants()["OwnPools"]
	c := panel(t, d, "Query API database").Options.Content
	for _, want := range []string{"PostgreSQL 16", "100 GiB", "400 IOPS", "standby", "scrapes no metric"} {
		if !strings.Contains(c, want) {
			t.Errorf("database text lacks %q:\n%s", want, c)
		}
	}
	p := testPlan()
	p.Database = nil
	c = panel(t, Build(p, nil), "Query API database").Options.Content
	if !strings.Contains(c, "in-cluster PostgreSQL") {
		t.Errorf("without a database: %s", c)
	}
}

// MaxManifestBytes bounds the ConfigMap as JSON. Without server-side apply,
// provider-kubernetes copies the manifest into the object's
// kubectl.kubernetes.io/last-applied-configuration annotation (all
// annotations together: at most 256 KiB), and the Object carries it in its
// spec and again, with that annotation, in status.atProvider.manifest.
const MaxManifestBytes = 64 << 10

// TestConfigMap pins the ConfigMap and its delivery: validated against the
// CRDs and Kubernetes' own types, in an Object (cluster-scoped and
// namespaced) and directly; the sidecar's label, the namespace, the name,
// the data key, and the size.
func TestConfigMap(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	cases := map[string]struct {
		env        cloud.Env
		apiVersion string
		object     bool
	}{
		"Object":           {env: env(false, false), apiVersion: "kubernetes.crossplane.io/v1alpha2", object: true},
		"ObjectNamespaced": {env: env(false, true), apiVersion: "kubernetes.m.crossplane.io/v1alpha1", object: true},
		"Direct":           {env: env(true, false), apiVersion: "v1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := tc.env
			e.Labels = map[string]string{"team": "platform", "grafana_dashboard": "0"}
			r, err := Resource(testPlan(), e, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Key != Key || r.Component != cloud.ComponentDashboard {
				t.Errorf("Key, Component = %q, %q", r.Key, r.Component)
			}
			m := testutil.JSON(t, r.Object)
			for _, err := range v.Validate(m) {
				t.Errorf("%s: %v", r.Key, err)
			}
			if m["apiVersion"] != tc.apiVersion {
				t.Errorf("apiVersion = %v, want %s", m["apiVersion"], tc.apiVersion)
			}
			cm := m
			if tc.object {
				if md := m["metadata"].(map[string]any); md["name"] != "prod-use1-spaces-dashboard" {
					t.Errorf("Object name = %v", md["name"])
				}
				spec := m["spec"].(map[string]any)
				if got := spec["readiness"].(map[string]any)["policy"]; got != compose.ReadinessSuccessfulCreate {
					t.Errorf("readiness policy %v: a ConfigMap has no Ready condition", got)
				}
				cm = spec["forProvider"].(map[string]any)["manifest"].(map[string]any)
			}
			if cm["apiVersion"] != "v1" || cm["kind"] != "ConfigMap" {
				t.Errorf("manifest is %v %v", cm["apiVersion"], cm["kind"])
			}
			md := cm["metadata"].(map[string]any)
			if md["name"] != "prod-use1-spaces-dashboard" || md["namespace"] != "monitoring" {
				t.Errorf("ConfigMap %v/%v", md["namespace"], md["name"])
			}
			// The sidecar's label wins over the input's.
			if l := md["labels"].(map[string]any); l["grafana_dashboard"] != "1" || l["team"] != "platform" {
				t.Errorf("labels %v", l)
			}
			data := cm["data"].(map[string]any)
			if len(data) != 1 {
				t.Fatalf("data has %d keys, want one dashboard", len(data))
			}
			for k, raw := range data {
				if errs := validation.IsConfigMapKey(k); len(errs) > 0 || k != "prod-use1-spaces-dashboard.json" {
					t.Errorf("data key %q: %v", k, errs)
				}
				var back Dashboard
				if err := json.Unmarshal([]byte(raw.(string)), &back); err != nil || back.UID != "prod-use1-spaces" {
					t.Errorf("data is not the dashboard (uid %q): %v", back.UID, err)
				}
			}
			b, err := json.Marshal(cm)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > MaxManifestBytes {
				t.Errorf("the ConfigMap is %d bytes, more than %d", len(b), MaxManifestBytes)
			}
			t.Logf("ConfigMap: %d bytes", len(b))
		})
	}
}

// TestLongNames: a long XR name still yields DNS-safe names of at most 63
// characters and a uid Grafana accepts.
func TestLongNames(t *testing.T) {
	p := testPlan()
	p.XRName = strings.Repeat("a-very-long-space-name-", 4)
	r, err := Resource(p, env(false, false), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Object.(*compose.Object) //nolint:forcetypeassert // Object delivery.
	if errs := validation.IsDNS1123Label(o.Metadata.Name); len(errs) > 0 {
		t.Errorf("Object name %q: %v", o.Metadata.Name, errs)
	}
	cm := o.Spec.ForProvider.Manifest.(*ConfigMap) //nolint:forcetypeassert // the manifest.
	if errs := validation.IsDNS1123Label(cm.Metadata.Name); len(errs) > 0 {
		t.Errorf("ConfigMap name %q: %v", cm.Metadata.Name, errs)
	}
	if uid := Build(p, nil).UID; len(uid) > UIDLength || !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(uid) {
		t.Errorf("uid %q", uid)
	}
}

// BenchmarkResource is what the dashboard adds to a call: building the
// panels, encoding them and wrapping the ConfigMap.
//
//	go test ./fn/dashboard -run '^$' -bench Resource -benchmem
func BenchmarkResource(b *testing.B) {
	p := testPlan()
	e := env(false, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Resource(p, e, karpenterNames); err != nil {
			b.Fatal(err)
		}
	}
}

// TestQueriesEvaluate runs some panels' queries with the PromQL engine on
// sample series, as kube-state-metrics (two replicas), Karpenter and the
// router's Envoy export them: each yields what its panel says it shows.
func TestQueriesEvaluate(t *testing.T) {
	own, karp := variants()["OwnPools"], variants()["Karpenter"]
	const router = `namespace="upbound-system",envoy_http_conn_manager_prefix="ingress"`
	cases := map[string]struct {
		d     *Dashboard
		panel string
		load  string
		want  []string
	}{
		// Three etcd nodes, each exported by both replicas, and a node of
		// another pool: 3.
		"OwnPoolNodes": {d: own, panel: "etcd pool: nodes of 9", load: `
			kube_node_labels{node="a",label_target="etcd",instance="ksm-0"} 1+0x10
			kube_node_labels{node="a",label_target="etcd",instance="ksm-1"} 1+0x10
			kube_node_labels{node="b",label_target="etcd",instance="ksm-0"} 1+0x10
			kube_node_labels{node="c",label_target="etcd",instance="ksm-1"} 1+0x10
			kube_node_labels{node="d",label_target="apiserver",instance="ksm-0"} 1+0x10`,
			want: []string{`{} 3`}},
		"KarpenterPoolNodes": {d: karp, panel: "etcd pool: nodes of 9", load: `
			karpenter_nodepools_usage{nodepool="prod-use1-etcd",resource_type="nodes"} 4+0x10
			karpenter_nodepools_usage{nodepool="prod-use1-etcd",resource_type="cpu"} 32+0x10
			karpenter_nodepools_usage{nodepool="prod-use1-apiserver",resource_type="nodes"} 2+0x10`,
			want: []string{`{} 4`}},
		"KarpenterLimitShare": {d: karp, panel: "NodePool limits used", load: `
			karpenter_nodepools_usage{nodepool="prod-use1-etcd",resource_type="cpu"} 24+0x10
			karpenter_nodepools_limit{nodepool="prod-use1-etcd",resource_type="cpu"} 48+0x10
			karpenter_nodepools_usage{nodepool="other",resource_type="cpu"} 24+0x10
			karpenter_nodepools_limit{nodepool="other",resource_type="cpu"} 24+0x10`,
			want: []string{`{nodepool="prod-use1-etcd",resource_type="cpu"} 50`}},
		// 10 requests a second, 1 of them 5xx; the admin listener's scrapes
		// do not count.
		"ErrorResponses": {d: own, panel: "Error responses", load: `
			envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="5"} 0+60x10
			envoy_http_downstream_rq_xx{` + router + `,envoy_response_code_class="2"} 0+540x10
			envoy_http_downstream_rq_total{` + router + `} 0+600x10
			envoy_http_downstream_rq_total{namespace="upbound-system",envoy_http_conn_manager_prefix="admin"} 0+6000x10`,
			want: []string{`{} 10`}},
		"PodsByPhase": {d: own, panel: "API server and etcd pods by phase", load: `
			kube_pod_status_phase{namespace="mxp-a-system",pod="etcd-0",phase="Running",instance="ksm-0"} 1+0x10
			kube_pod_status_phase{namespace="mxp-a-system",pod="etcd-0",phase="Running",instance="ksm-1"} 1+0x10
			kube_pod_status_phase{namespace="mxp-a-system",pod="etcd-0",phase="Pending",instance="ksm-0"} 0+0x10
			kube_pod_status_phase{namespace="mxp-a-system",pod="etcd-1",phase="Running",instance="ksm-0"} 0+0x10
			kube_pod_status_phase{namespace="mxp-a-system",pod="etcd-1",phase="Pending",instance="ksm-0"} 1+0x10
			kube_pod_status_phase{namespace="mxp-a-system",pod="crossplane-0",phase="Running",instance="ksm-0"} 1+0x10`,
			want: []string{`{phase="Running"} 1`, `{phase="Pending"} 1`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("load 1m\n")
			for l := range strings.SplitSeq(strings.TrimSpace(tc.load), "\n") {
				b.WriteString("  " + strings.TrimSpace(l) + "\n")
			}
			b.WriteString("\neval instant at 10m " + panel(t, tc.d, tc.panel).Targets[0].Expr + "\n")
			for _, w := range tc.want {
				b.WriteString("  " + w + "\n")
			}
			promqltest.RunTest(t, b.String(), promqltest.NewTestEngine(t, false, 0, promqltest.DefaultMaxSamplesPerQuery))
		})
	}
}
