package management

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	pkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"
	pkgv1beta1 "github.com/crossplane/crossplane/apis/v2/pkg/v1beta1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/metrics"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// root is the module root.
func root(t *testing.T) string {
	t.Helper()
	r, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readYAML decodes the file at path, relative to the module root.
func readYAML(t *testing.T, path string) (map[string]any, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), path)) //nolint:gosec // the test's own fixtures
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m, b
}

// rule is one alerting rule of the PrometheusRule.
type rule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func alertRules(t *testing.T) []rule {
	t.Helper()
	_, b := readYAML(t, "example/management/alerts.yaml")
	var pr struct {
		Spec struct {
			Groups []struct {
				Rules []rule `json:"rules"`
			} `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &pr); err != nil {
		t.Fatal(err)
	}
	var out []rule
	for _, g := range pr.Spec.Groups {
		out = append(out, g.Rules...)
	}
	if len(out) == 0 {
		t.Fatal("no rules")
	}
	return out
}

// TestAlertsValidate: the PrometheusRule validates against the Prometheus
// Operator's CRD (../shared/crds), as the API server would.
func TestAlertsValidate(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	m, _ := readYAML(t, "example/management/alerts.yaml")
	if errs := v.Validate(m); len(errs) > 0 {
		t.Errorf("alerts.yaml is invalid: %v", errs.ToAggregate())
	}
}

// TestAlertsParse: every expression parses with Prometheus' own parser, as
// fn/alerts does for the Space's alerts; every alert has a severity, a
// summary, a description and its section in docs/management-alerts.md.
func TestAlertsParse(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root(t), "docs", "management-alerts.md"))
	if err != nil {
		t.Fatal(err)
	}
	p := parser.NewParser(parser.Options{})
	seen := map[string]bool{}
	for _, r := range alertRules(t) {
		if seen[r.Alert] {
			t.Errorf("%s: twice", r.Alert)
		}
		seen[r.Alert] = true
		if _, err := p.ParseExpr(r.Expr); err != nil {
			t.Errorf("%s: %q does not parse: %v", r.Alert, r.Expr, err)
		}
		if !slices.Contains([]string{"warning", "critical"}, r.Labels["severity"]) {
			t.Errorf("%s: severity %q", r.Alert, r.Labels["severity"])
		}
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: no summary or description", r.Alert)
		}
		if !bytes.Contains(doc, []byte("\n## "+r.Alert+"\n")) {
			t.Errorf("%s: no section \"## %s\" in docs/management-alerts.md", r.Alert, r.Alert)
		}
	}
	if _, err := p.ParseExpr("sum(rate(x[5m])"); err == nil {
		t.Error("the parser accepted a broken expression")
	}

	// As Prometheus loads a rule file: every field known, every expression
	// and every label and annotation template parsed.
	m, _ := readYAML(t, "example/management/alerts.yaml")
	groups, err := yaml.Marshal(m["spec"])
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := rulefmt.Parse(groups, false, model.UTF8Validation, p, slog.New(slog.DiscardHandler)); len(errs) > 0 {
		t.Errorf("Prometheus would not load the rules: %v", errs)
	}
	if _, errs := rulefmt.Parse([]byte("groups:\n- name: x\n  rules:\n  - alert: X\n    expr: up\n    annotations:\n      a: '{{ $value | nosuchfunc }}'\n"),
		false, model.UTF8Validation, p, slog.New(slog.DiscardHandler)); len(errs) == 0 {
		t.Error("rulefmt accepted a broken template")
	}
}

var metricName = regexp.MustCompile(`\b(function_space_scaling_[a-z_]+|function_run_function_[a-z_]+|circuit_breaker_[a-z_]+)\b`)

// TestAlertsReadMetricsThatExist: the function's metrics the alerts read
// are the ones internal/metrics exports; Crossplane's are named so in its
// v2.4 source (the module cache, after
// cd tools/crossplane && go mod download github.com/crossplane/crossplane/v2).
func TestAlertsReadMetricsThatExist(t *testing.T) {
	own := map[string]bool{}
	for _, n := range []string{metrics.NameResults, metrics.NameComposed, metrics.NamePending, metrics.NameNotReady, metrics.NameNotReadySeconds} {
		own[metrics.Namespace+"_"+n] = true
	}
	for _, s := range []string{"_bucket", "_count", "_sum"} {
		own[metrics.Namespace+"_"+metrics.NameDuration+s] = true
	}
	var crossplane []string
	for _, r := range alertRules(t) {
		for _, n := range metricName.FindAllString(r.Expr, -1) {
			if strings.HasPrefix(n, metrics.Namespace+"_") {
				if !own[n] {
					t.Errorf("%s reads %s, which the function does not export", r.Alert, n)
				}
				continue
			}
			crossplane = append(crossplane, n)
		}
	}
	for _, v := range []string{fn.ReasonInternal, fn.ReasonInvalidInput, fn.ReasonRefusedChange, fn.ReasonDataLossGuard, fn.OutcomePanic} {
		found := false
		for _, r := range alertRules(t) {
			found = found || strings.Contains(r.Expr, `"`+v+`"`) || strings.Contains(r.Expr, v+"|") || strings.Contains(r.Expr, "|"+v)
		}
		if !found {
			t.Errorf("no alert reads the label value %q", v)
		}
	}

	src := crossplaneSource(t)
	// Crossplane registers these metrics without a namespace: each is
	// <subsystem>_<name>.
	for _, n := range slices.Compact(slices.Sorted(slices.Values(crossplane))) {
		file, sub := "internal/circuit/circuit_metrics.go", "circuit_breaker"
		if strings.HasPrefix(n, "function_") {
			file, sub = "internal/xfn/function_runner_metrics.go", "function"
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, sub+"_"), "_bucket")
		b, err := os.ReadFile(filepath.Join(src, file)) //nolint:gosec // the module cache
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`Subsystem:\s*"` + sub + `",\s*Name:\s*"` + name + `"`).Match(b) {
			t.Errorf("%s: no metric of subsystem %s and name %s in %s", n, sub, name, file)
		}
	}
	// The label values the expressions match on.
	for file, want := range map[string]string{
		"internal/circuit/breaker.go":                                  `EventDropped EventType = "Dropped"`,
		"internal/controller/apiextensions/composite/reconciler.go":    `return "composite/" + name`,
		"internal/controller/apiextensions/definition/reconciler.go":   "circuit.NewTokenBucketBreaker(controllerName",
		"internal/xfn/function_runner_metrics.go":                      `"function_name", "function_package", "grpc_target", "grpc_method", "grpc_code", "result_severity"`,
		"internal/controller/pkg/runtime/runtime.go":                   `MetricsPortName = "metrics"`,
		"cluster/crds/pkg.crossplane.io_deploymentruntimeconfigs.yaml": "deploymentTemplate",
	} {
		b, err := os.ReadFile(filepath.Join(src, file)) //nolint:gosec // the module cache
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s does not hold %q", file, want)
		}
	}
	xrd, _ := readYAML(t, "example/xrd.yaml")
	name := testutil.Get(xrd, "metadata", "name")
	for _, r := range alertRules(t) {
		if strings.Contains(r.Expr, "circuit_breaker_") && !strings.Contains(r.Expr, fmt.Sprintf(`controller="composite/%s"`, name)) {
			t.Errorf("%s: does not select the controller of the XRD %s", r.Alert, name)
		}
		if strings.Contains(r.Expr, "function_run_function_") && !strings.Contains(r.Expr, `function_name="`+FunctionName+`"`) {
			t.Errorf("%s: does not select function_name %q", r.Alert, FunctionName)
		}
	}
}

// crossplaneSource is the folder of Crossplane's module, at the version
// tools/crossplane requires, in the module cache.
func crossplaneSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "tools", "crossplane", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`github\.com/crossplane/crossplane/v2 (v\S+)`).FindSubmatch(b)
	if version == nil {
		t.Fatal("tools/crossplane/go.mod does not require github.com/crossplane/crossplane/v2")
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		out, err := exec.CommandContext(t.Context(), "go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Fatal(err)
		}
		cache = strings.TrimSpace(string(out))
	}
	dir := filepath.Join(cache, "github.com", "crossplane", "crossplane", "v2@"+string(version[1]))
	if _, err := os.Stat(dir); err != nil { //nolint:gosec // G703: the module cache
		testutil.Prerequisites(t, "Crossplane's source", []string{
			dir + ": run cd tools/crossplane && go mod download github.com/crossplane/crossplane/v2",
		})
	}
	return dir
}

// podLabels are the labels Crossplane puts on every pod of the Function:
// the revision's changes with each package version, so the examples select
// the function's.
var podLabels = map[string]string{pkgv1.LabelFunction: FunctionName}

// TestFunctionRuntimeConfig: the DeploymentRuntimeConfig decodes strictly
// into Crossplane's type and validates against Crossplane's CRD; it runs
// two replicas spread over nodes, selecting the function's own pods.
func TestFunctionRuntimeConfig(t *testing.T) {
	m, b := readYAML(t, "example/management/function-runtime.yaml")
	drc := &pkgv1beta1.DeploymentRuntimeConfig{}
	if err := yaml.UnmarshalStrict(b, drc); err != nil {
		t.Fatalf("does not decode into DeploymentRuntimeConfig: %v", err)
	}
	if drc.APIVersion != pkgv1beta1.SchemeGroupVersion.String() || drc.Kind != pkgv1beta1.DeploymentRuntimeConfigKind {
		t.Errorf("apiVersion %s kind %s", drc.APIVersion, drc.Kind)
	}
	d := drc.Spec.DeploymentTemplate.Spec
	if d.Replicas == nil || *d.Replicas != 2 {
		t.Errorf("replicas %v, want 2", d.Replicas)
	}
	ps := d.Template.Spec
	if len(ps.Containers) != 1 || ps.Containers[0].Name != "package-runtime" {
		t.Fatalf("want the one container package-runtime (Crossplane's ContainerName), got %v", ps.Containers)
	}
	res := ps.Containers[0].Resources
	// The README's peak RSS with 8 callers is 44.5 to 45.3 MiB (target 48).
	const peak = 48 << 20
	if r := res.Requests.Memory().Value(); r < peak {
		t.Errorf("memory request %d below the peak RSS", r)
	}
	if l := res.Limits.Memory().Value(); l < 2*peak {
		t.Errorf("memory limit %d: want at least twice the peak RSS", l)
	}
	if res.Requests.Cpu().IsZero() || res.Limits.Cpu().Cmp(*res.Requests.Cpu()) < 0 {
		t.Errorf("cpu request %s, limit %s", res.Requests.Cpu(), res.Limits.Cpu())
	}
	spread := false
	for _, c := range ps.TopologySpreadConstraints {
		if c.TopologyKey == "kubernetes.io/hostname" && c.LabelSelector != nil && maps.Equal(c.LabelSelector.MatchLabels, podLabels) {
			spread = true
		}
	}
	if !spread {
		t.Error("no topology spread over nodes selecting the function's pods")
	}
	if a := ps.Affinity; a == nil || a.PodAntiAffinity == nil {
		t.Error("no pod anti-affinity")
	}

	src := crossplaneSource(t)
	crd, err := os.ReadFile(filepath.Join(src, "cluster", "crds", "pkg.crossplane.io_deploymentruntimeconfigs.yaml")) //nolint:gosec // the module cache
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "drc.yaml"), crd, 0o600); err != nil { //nolint:gosec // G703: a temporary folder
		t.Fatal(err)
	}
	v, err := crdvalidate.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if errs := v.Validate(m); len(errs) > 0 {
		t.Errorf("function-runtime.yaml is invalid: %v", errs.ToAggregate())
	}
	// The validator does reject a wrong field.
	bad, _ := readYAML(t, "example/management/function-runtime.yaml")
	testutil.Set(bad, "spec.deploymentTemplate.spec.replicas", "two")
	if errs := v.Validate(bad); len(errs) == 0 {
		t.Error("the CRD accepted replicas: two")
	}
}

// TestFunctionPDBAndPodMonitor: the PodDisruptionBudget and the PodMonitor
// select the function's pods by Crossplane's label, where Crossplane runs.
func TestFunctionPDBAndPodMonitor(t *testing.T) {
	_, b := readYAML(t, "example/management/function-pdb.yaml")
	pdb := &policyv1.PodDisruptionBudget{}
	if err := yaml.UnmarshalStrict(b, pdb); err != nil {
		t.Fatal(err)
	}
	if pdb.Namespace != Namespace || pdb.Spec.Selector == nil || !maps.Equal(pdb.Spec.Selector.MatchLabels, podLabels) {
		t.Errorf("the PDB selects %v in %q, want %v in %q", pdb.Spec.Selector, pdb.Namespace, podLabels, Namespace)
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("minAvailable %v, want 1 of the 2 replicas", pdb.Spec.MinAvailable)
	}

	pm, _ := readYAML(t, "example/management/function-podmonitor.yaml")
	if got := testutil.Get(pm, "spec", "selector", "matchLabels", pkgv1.LabelFunction); got != FunctionName {
		t.Errorf("the PodMonitor selects %v", got)
	}
	eps, _ := testutil.Get(pm, "spec", "podMetricsEndpoints").([]any)
	if len(eps) != 1 || eps[0].(map[string]any)["port"] != "metrics" {
		t.Errorf("the PodMonitor scrapes %v, want the port Crossplane names metrics", eps)
	}

	fns, _ := readYAML(t, "example/functions.yaml")
	if got := testutil.Get(fns, "metadata", "name"); got != FunctionName {
		t.Errorf("example/functions.yaml names the function %v, the examples %s", got, FunctionName)
	}
}
