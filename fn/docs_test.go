package fn

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	xppkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"

	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/configpkg"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
)

// docsFiles are the Markdown files whose snippets the docs tests read.
func docsFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join("..", "README.md")}, files...)
}

// docsSnippet is one fenced ```yaml block of a Markdown file.
type docsSnippet struct {
	file string
	line int // of the opening fence
	text string
}

// docsYAMLSnippets returns every ```yaml block of a Markdown file.
func docsYAMLSnippets(file, content string) []docsSnippet {
	var out []docsSnippet
	lines := strings.Split(content, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```yaml" {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		out = append(out, docsSnippet{file: file, line: start + 1, text: strings.Join(body, "\n") + "\n"})
	}
	return out
}

// docsFragment marks a snippet that is deliberately partial (a piece of a
// larger manifest): it must parse, nothing more.
const docsFragment = "# fragment"

// splitYAMLDocuments splits a multi-document YAML text at `---` lines.
func splitYAMLDocuments(text string) []string {
	var docs []string
	var cur []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimRight(l, " ") == "---" {
			docs = append(docs, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	docs = append(docs, strings.Join(cur, "\n"))
	var out []string
	for _, d := range docs {
		if strings.TrimSpace(d) != "" {
			out = append(out, d)
		}
	}
	return out
}

// TestDocsYAMLSnippets: every ```yaml block of the README and docs/ parses;
// an XSpaceScaling is valid against the XRD and renders through
// RunFunction without a Fatal result; a Composition, Function or Input
// decodes strictly into its type (an unknown or misspelt field fails). A
// block that is deliberately a fragment says so with a `# fragment` line
// and is only parsed.
func TestDocsYAMLSnippets(t *testing.T) {
	xrds := map[bool]*crdvalidate.XRD{}
	for namespaced, path := range map[bool]string{false: "../example/xrd.yaml", true: "../example/namespaced/xrd.yaml"} {
		x, err := crdvalidate.LoadXRD(path)
		if err != nil {
			t.Fatal(err)
		}
		xrds[namespaced] = x
	}
	var total, xrs int
	for _, file := range docsFiles(t) {
		b, err := os.ReadFile(file) //nolint:gosec // the repository's own docs.
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range docsYAMLSnippets(file, string(b)) {
			total++
			where := filepath.Base(s.file) + ":" + strconv.Itoa(s.line)
			fragment := slices.ContainsFunc(strings.Split(s.text, "\n"), func(l string) bool {
				return strings.TrimSpace(l) == docsFragment
			})
			for _, doc := range splitYAMLDocuments(s.text) {
				m := map[string]any{}
				if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
					t.Errorf("%s: the YAML does not parse: %v", where, err)
					continue
				}
				if fragment {
					continue
				}
				kind, _ := m["kind"].(string)
				apiVersion, _ := m["apiVersion"].(string)
				switch {
				case kind == "XSpaceScaling":
					xrs++
					docsCheckXR(t, where, m, xrds)
				case kind == "Composition" && strings.HasPrefix(apiVersion, "apiextensions.crossplane.io/"):
					docsCheckComposition(t, where, doc)
				case kind == "Function" && strings.HasPrefix(apiVersion, "pkg.crossplane.io/"):
					var f xppkgv1.Function
					if err := yaml.UnmarshalStrict([]byte(doc), &f); err != nil {
						t.Errorf("%s: not a valid Function: %v", where, err)
					}
				case kind == "Configuration" && strings.HasPrefix(apiVersion, "pkg.crossplane.io/"):
					docsCheckConfiguration(t, where, doc)
				case kind == "Input" && apiVersion == "spacescaling.fn.crossplane.io/v1beta1":
					var in v1beta1.Input
					if err := yaml.UnmarshalStrict([]byte(doc), &in); err != nil {
						t.Errorf("%s: not a valid Input: %v", where, err)
					}
				default:
					t.Errorf("%s: no check for a %s %q: check it here, or mark the block %q if it is a piece of a larger manifest", where, apiVersion, kind, docsFragment)
				}
			}
		}
	}
	if total == 0 || xrs == 0 {
		t.Fatalf("found %d YAML blocks, %d XSpaceScalings: the extraction is broken", total, xrs)
	}
}

func docsCheckXR(t *testing.T, where string, xr map[string]any, xrds map[bool]*crdvalidate.XRD) {
	t.Helper()
	md, _ := xr["metadata"].(map[string]any)
	_, namespaced := md["namespace"]
	x := xrds[namespaced]
	if errs := x.Validate(xr); len(errs) > 0 {
		t.Errorf("%s: the XRD refuses the XSpaceScaling: %v", where, errs.ToAggregate())
		return
	}
	x.Default(xr)
	rsp := run(t, newRequest(t, xr, nil))
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Errorf("%s: the XSpaceScaling renders with a Fatal result: %s", where, r.GetMessage())
		}
	}
	if len(rsp.GetDesired().GetResources()) == 0 {
		t.Errorf("%s: the XSpaceScaling composes nothing", where)
	}
}

func docsCheckComposition(t *testing.T, where, doc string) {
	t.Helper()
	var c xpextv1.Composition
	if err := yaml.UnmarshalStrict([]byte(doc), &c); err != nil {
		t.Errorf("%s: not a valid Composition: %v", where, err)
		return
	}
	for _, step := range c.Spec.Pipeline {
		if step.FunctionRef.Name != "crossplane-contrib-function-space-scaling" || step.Input == nil {
			continue
		}
		var in v1beta1.Input
		if err := yaml.UnmarshalStrict(step.Input.Raw, &in); err != nil {
			t.Errorf("%s: step %s: not a valid Input: %v", where, step.Step, err)
		}
	}
}

// TestDocsYAMLSnippetsExtraction: the extraction finds indented and
// multi-document blocks and only ```yaml ones.
func TestDocsYAMLSnippetsExtraction(t *testing.T) {
	md := "text\n```yaml\na: 1\n---\nb: 2\n```\n```sh\nc: 3\n```\n  ```yaml\n  d: 4\n  ```\n"
	got := docsYAMLSnippets("x.md", md)
	if len(got) != 2 || got[0].line != 2 || len(splitYAMLDocuments(got[0].text)) != 2 || !strings.Contains(got[1].text, "d: 4") {
		t.Errorf("got %+v", got)
	}
}

// docsAlertNames are the alerts the function can compose: the Alert*
// constants of fn/alerts, and every alert the examples compose.
func docsAlertNames(t *testing.T) []string {
	t.Helper()
	names := map[string]bool{}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("alerts", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec) //nolint:forcetypeassert // const specs are value specs.
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Alert") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						names[v] = true
					}
				}
			}
		}
	}
	for _, path := range exampleXRs(t) {
		rsp := run(t, newRequest(t, readXR(t, path), nil))
		for _, r := range rsp.GetDesired().GetResources() {
			b, err := yaml.Marshal(r.GetResource().AsMap())
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range bytes.Split(b, []byte("\n")) {
				if v, ok := bytes.CutPrefix(bytes.TrimLeft(l, " -"), []byte("alert: ")); ok {
					names[string(v)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// TestDocsAlertsRunbook: docs/alerts.md has a runbook section for every
// alert the function composes (what it means, what to check, what to do),
// and lists it in its table.
func TestDocsAlertsRunbook(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "alerts.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	table, runbook, ok := strings.Cut(doc, "\n## Runbook\n")
	if !ok {
		t.Fatal("docs/alerts.md has no \"## Runbook\" section")
	}
	names := docsAlertNames(t)
	if len(names) < 10 {
		t.Fatalf("found only %d alerts: %v", len(names), names)
	}
	for _, n := range names {
		_, section, ok := strings.Cut(runbook, "\n### "+n+"\n")
		if !ok {
			t.Errorf("docs/alerts.md: the runbook has no section \"### %s\"", n)
			continue
		}
		section, _, _ = strings.Cut(section, "\n### ")
		for _, part := range []string{"**What it means.**", "**What to check.**", "**What to do.**"} {
			if !strings.Contains(section, part) {
				t.Errorf("docs/alerts.md: the runbook section of %s lacks %s", n, part)
			}
		}
		if !strings.Contains(table, n) {
			t.Errorf("docs/alerts.md: the table of alerts does not name %s", n)
		}
	}
}

// docsPending are pages other work adds; links to them may dangle until it
// lands.
var docsPending = map[string]bool{"metrics.md": true, "management-alerts.md": true}

// docsAnchor is GitHub's anchor of a heading: lower case, punctuation but
// hyphens and underscores dropped, spaces turned into hyphens.
func docsAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// docsAnchors are the anchors of a Markdown file's headings.
func docsAnchors(content string) map[string]bool {
	out := map[string]bool{}
	fence := false
	for _, l := range strings.Split(content, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if fence || !strings.HasPrefix(l, "#") {
			continue
		}
		out[docsAnchor(strings.TrimLeft(l, "#"))] = true
	}
	return out
}

// TestDocsLinks: every relative link of the README and docs/ points at a
// file of the repository and, with a #fragment, at a heading of it.
func TestDocsLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, file := range docsFiles(t) {
		b, err := os.ReadFile(file) //nolint:gosec // the repository's own docs.
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(docsProse(string(b)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), path)
			}
			content, err := os.ReadFile(dest) //nolint:gosec // the repository's own docs.
			if err != nil {
				if docsPending[filepath.Base(dest)] {
					continue
				}
				t.Errorf("%s: link %s: %v", filepath.Base(file), target, err)
				continue
			}
			if frag != "" && strings.HasSuffix(dest, ".md") && !docsAnchors(string(content))[frag] {
				t.Errorf("%s: link %s: %s has no heading with anchor #%s", filepath.Base(file), target, filepath.Base(dest), frag)
			}
		}
	}
}

// docsProse is a Markdown text without its fenced blocks and code spans,
// whose brackets and parentheses are no links.
func docsProse(content string) string {
	var out []string
	fence := false
	for _, l := range strings.Split(content, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if !fence {
			out = append(out, l)
		}
	}
	return regexp.MustCompile("`[^`]*`").ReplaceAllString(strings.Join(out, "\n"), "")
}

// docsSet sets a dotted path of an XR map, creating maps on the way.
func docsSet(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// docsWarningKey is the start of a warning as docs/troubleshooting.md
// quotes it: up to its first colon or quote, at most 40 characters, with
// numbers as N.
func docsWarningKey(msg string) string {
	if i := strings.IndexAny(msg, ":\""); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(msg)
	if len(msg) > 40 {
		msg = msg[:40]
	}
	return docsNormalize(msg)
}

var (
	docsNumbers = regexp.MustCompile(`[0-9]+`)
	docsPools   = regexp.MustCompile(`spec\.nodePools\.(etcd|apiServer|controlPlanes)\.`)
)

// docsNormalize writes numbers as N and a pool's field path with <pool>.
func docsNormalize(s string) string {
	return docsPools.ReplaceAllString(docsNumbers.ReplaceAllString(s, "N"), "spec.nodePools.<pool>.")
}

// TestDocsTroubleshootingWarnings: every Warning the examples and a set of
// degraded variants of them produce is in docs/troubleshooting.md's table
// of warnings, with its fix.
func TestDocsTroubleshootingWarnings(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "troubleshooting.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Warnings\n")
	if !ok {
		t.Fatal("docs/troubleshooting.md has no \"## Warnings\" section")
	}
	table = docsNormalize(table)
	type variant struct {
		example string
		set     map[string]any
	}
	variants := []variant{
		{"xr-aws.yaml", map[string]any{"spec.highAvailability": false, "spec.nodePools.etcd.minNodes": 1, "spec.nodePools.apiServer.minNodes": 1,
			"spec.spaces.apiReplicas": 1, "spec.spaces.apolloReplicas": 1, "spec.spaces.router.minReplicas": 1}},
		{"xr-aws.yaml", map[string]any{"spec.zones": []any{"us-east-1a", "us-east-1b"}}},
		{"xr-aws.yaml", map[string]any{"spec.spaces.exposure.type": "None", "spec.queryAPI.enabled": false, "spec.spaces.pullSecretName": "other"}},
		{"xr-aws.yaml", map[string]any{"spec.queryAPI.postgres.caSecretName": "", "spec.nodePools.controlPlanes.minNodes": 9}},
		{"xr-aws.yaml", map[string]any{"spec.nodePools.etcd.machineTypes": []any{"m7i.2xlarge", "x2idn.16xlarge"}, "spec.nodePools.apiServer.maxNodes": 2}},
		{"xr-aws.yaml", map[string]any{"spec.spaces.exposure.type": "None", "spec.spaces.values.router.proxy.service.type": "LoadBalancer"}},
		{"xr-gcp.yaml", map[string]any{"spec.gcp.nodeServiceAccount": ""}},
		{"xr-azure.yaml", map[string]any{"spec.queryAPI.postgres.backupRetentionDays": 3, "spec.queryAPI.postgres.minIOPS": 5000, "spec.queryAPI.postgres.caSecretName": ""}},
	}
	for _, path := range exampleXRs(t) {
		variants = append(variants, variant{example: path})
	}
	seen := map[string]bool{}
	for _, v := range variants {
		path := v.example
		if !strings.Contains(path, "/") {
			path = filepath.Join("..", "example", path)
		}
		xr := readXR(t, path)
		for p, val := range v.set {
			docsSet(xr, p, val)
		}
		for _, r := range run(t, newRequest(t, xr, nil)).GetResults() {
			switch r.GetSeverity() {
			case fnv1.Severity_SEVERITY_FATAL:
				t.Errorf("%s with %v: Fatal: %s", v.example, v.set, r.GetMessage())
			case fnv1.Severity_SEVERITY_WARNING:
				seen[r.GetMessage()] = true
			}
		}
	}
	if len(seen) < 10 {
		t.Errorf("the variants produced only %d warnings", len(seen))
	}
	for msg := range seen {
		if key := docsWarningKey(msg); !strings.Contains(table, key) {
			t.Errorf("docs/troubleshooting.md's table of warnings lacks %q (warning: %s)", key, msg)
		}
	}
}

var docsIndex = regexp.MustCompile(`\[[0-9]+\]`)

// TestDocsTroubleshootingFatals: the field path of each Fatal result a set
// of broken variants of the examples produce is in docs/troubleshooting.md's
// table of Fatal results, with its fix.
func TestDocsTroubleshootingFatals(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "troubleshooting.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Fatal results\n")
	if !ok {
		t.Fatal("docs/troubleshooting.md has no \"## Fatal results\" section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	table = docsNormalize(table)
	variants := []struct {
		example string
		set     map[string]any
	}{
		{"xr-aws.yaml", map[string]any{"spec.nodePools.etcd.minNodes": 2}},
		{"xr-aws.yaml", map[string]any{"spec.spaces.chartPullSecretRef": nil}},
		{"xr-gcp.yaml", map[string]any{"spec.queryAPI.postgres.passwordSecretName": ""}},
		{"xr-aws.yaml", map[string]any{"spec.aws.databaseSubnetIds": nil}},
		{"xr-aws.yaml", map[string]any{"spec.nodePools.etcd.machineTypes": []any{"c5.8xlarge"}}},
		{"xr-aws.yaml", map[string]any{"spec.nodePools.etcd.machineTypes": []any{"x2idn.16xlarge"}}},
		{"xr-aws.yaml", map[string]any{"spec.capacity.controlPlanes": 10000}},
		{"xr-aws.yaml", map[string]any{"spec.spaces.values.controlPlanes.etcd": nil}},
		{"xr-aws.yaml", map[string]any{"spec.monitoring.for": "30m1h"}},
	}
	for _, v := range variants {
		xr := readXR(t, filepath.Join("..", "example", v.example))
		for p, val := range v.set {
			docsSet(xr, p, val)
		}
		fatal := ""
		for _, r := range run(t, newRequest(t, xr, nil)).GetResults() {
			if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
				fatal = r.GetMessage()
			}
		}
		if fatal == "" {
			t.Errorf("%s with %v: no Fatal result", v.example, v.set)
			continue
		}
		msg := strings.TrimPrefix(fatal, "invalid XSpaceScaling: ")
		path, _, _ := strings.Cut(msg, ":")
		if key := docsNormalize(docsIndex.ReplaceAllString(path, "[i]")); !strings.Contains(table, "`"+key) {
			t.Errorf("docs/troubleshooting.md's table of Fatal results lacks %s (Fatal: %s)", key, fatal)
		}
	}
}

// docsCheckConfiguration checks that a Configuration in the docs installs
// one of the project's packages (configuration/*/crossplane.yaml) under the
// name it has.
func docsCheckConfiguration(t *testing.T, where, doc string) {
	t.Helper()
	var c xppkgv1.Configuration
	if err := yaml.UnmarshalStrict([]byte(doc), &c); err != nil {
		t.Errorf("%s: not a valid Configuration: %v", where, err)
		return
	}
	for _, dir := range append([]string{configpkg.Base}, configpkg.Clouds...) {
		meta, err := configpkg.Load("..", dir)
		if err != nil {
			t.Fatal(err)
		}
		if c.Spec.Package == "xpkg.crossplane.io/crossplane-contrib/"+meta.Metadata.Name+":"+meta.Spec.DependsOn[0].Version && c.Name == meta.Metadata.Name {
			return
		}
	}
	t.Errorf("%s: Configuration %s installs %s, not one of the project's packages at its version", where, c.Name, c.Spec.Package)
}
