package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"google.golang.org/protobuf/types/known/structpb"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/change"
)

// PlanCmd previews what applying an XR does to a running Space.
type PlanCmd struct {
	XR       string `arg:"" type:"existingfile" help:"The changed XSpaceScaling (YAML)."`
	Observed string `required:"" type:"path" help:"The running Space's composed resources as kubectl get -o yaml prints them: a file (several documents or a List) or a folder of them. The XR itself, if there, gives its status. A Secret only answers what the function asks Crossplane for (the kept copy of a generated database password), its values redacted on reading."`
	Input    string `type:"existingfile" help:"The function input (YAML), as a Composition step would pass it."`
	Output   string `short:"o" enum:"text,json" default:"text" help:"text or json."`
}

// errBlocked fails the command when the plan must not be applied.
var errBlocked = errors.New("the change is refused, forbidden, loses data or replaces an etcd pool")

// Run prints the plan; it fails when anything is refused, forbidden, loses
// data or replaces an etcd pool.
func (c *PlanCmd) Run(_ *CLI) error {
	p, err := c.plan()
	if err != nil {
		return err
	}
	if err := printPlan(os.Stdout, p, c.Output); err != nil {
		return err
	}
	if len(p.Blocking()) > 0 {
		return errBlocked
	}
	return nil
}

func (c *PlanCmd) plan() (*fn.ChangePlan, error) {
	xr, err := readYAML(c.XR)
	if err != nil {
		return nil, err
	}
	objs, err := readObjects(c.Observed)
	if err != nil {
		return nil, err
	}
	return preview(xr, objs, c.Input)
}

// preview builds the request the function would get and previews it.
func preview(xr *structpb.Struct, objs []map[string]any, inputPath string) (*fn.ChangePlan, error) {
	kind := xr.GetFields()["kind"].GetStringValue()
	var composed, secrets []map[string]any
	for _, o := range objs {
		if isSecret(o) {
			secrets = append(secrets, o)
			continue
		}
		if o["kind"] == kind {
			// The XR as it runs: its status is what earlier calls recorded.
			if st, ok := o["status"].(map[string]any); ok && xr.GetFields()["status"] == nil {
				s, err := structpb.NewStruct(st)
				if err != nil {
					return nil, err
				}
				xr.Fields["status"] = structpb.NewStructValue(s)
			}
			continue
		}
		composed = append(composed, o)
	}
	req := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: xr}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{},
	}
	if inputPath != "" {
		in, err := readYAML(inputPath)
		if err != nil {
			return nil, err
		}
		req.Input = in
	}
	keyed, unmatched, err := fn.KeyObserved(req, composed)
	if err != nil {
		return nil, err
	}
	for k, o := range keyed {
		s, err := structpb.NewStruct(o)
		if err != nil {
			return nil, fmt.Errorf("observed %s: %w", k, err)
		}
		req.Observed.Resources[k] = &fnv1.Resource{Resource: s}
	}
	// What the function asks Crossplane for, answered from the Secrets
	// given, as Crossplane answers it from the cluster.
	first, err := fn.New().RunFunction(context.Background(), req)
	if err != nil {
		return nil, err
	}
	if req.RequiredResources, err = answer(first.GetRequirements(), secrets); err != nil {
		return nil, err
	}
	p, err := fn.New().Preview(context.Background(), req)
	if err != nil {
		return nil, err
	}
	p.Unmatched = unmatched
	return p, nil
}

// answer is the required resources Crossplane would send for reqs, from
// objs: for each requirement the objects of its apiVersion and kind with
// its name and namespace (the function asks for nothing else), an empty
// list where none matches.
func answer(reqs *fnv1.Requirements, objs []map[string]any) (map[string]*fnv1.Resources, error) {
	if len(reqs.GetResources()) == 0 {
		return nil, nil
	}
	out := make(map[string]*fnv1.Resources, len(reqs.GetResources()))
	for k, sel := range reqs.GetResources() {
		rs := &fnv1.Resources{}
		for _, o := range objs {
			md, _ := o["metadata"].(map[string]any)
			if o["apiVersion"] != sel.GetApiVersion() || o["kind"] != sel.GetKind() ||
				md["name"] != sel.GetMatchName() || (sel.Namespace != nil && md["namespace"] != sel.GetNamespace()) {
				continue
			}
			s, err := structpb.NewStruct(o)
			if err != nil {
				return nil, fmt.Errorf("required %s: %w", k, err)
			}
			rs.Items = append(rs.Items, &fnv1.Resource{Resource: s})
		}
		out[k] = rs
	}
	return out, nil
}

// isSecret is true for a v1 Secret.
func isSecret(o map[string]any) bool { return o["kind"] == "Secret" && o["apiVersion"] == "v1" }

// redacted is what every value of a Secret read becomes: the function
// tests only whether a key is there.
const redacted = "cmVkYWN0ZWQ=" // base64 of "redacted"

// redact replaces every value of a Secret's data, and drops stringData
// and the last-applied annotation that may repeat them.
func redact(o map[string]any) map[string]any {
	out := map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"]}
	if md, ok := o["metadata"].(map[string]any); ok {
		out["metadata"] = map[string]any{"name": md["name"], "namespace": md["namespace"]}
	}
	data := map[string]any{}
	for _, f := range []string{"data", "stringData"} {
		m, _ := o[f].(map[string]any)
		for k := range m {
			data[k] = redacted
		}
	}
	if len(data) > 0 {
		out["data"] = data
	}
	return out
}

// readObjects reads every object of a file or of the YAML and JSON files
// of a folder, with kubectl's Lists flattened and every value of a Secret
// redacted on reading (its data never enters the plan).
func readObjects(path string) ([]map[string]any, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if fi.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".yaml", ".yml", ".json":
				if !e.IsDir() {
					files = append(files, filepath.Join(path, e.Name()))
				}
			}
		}
		slices.Sort(files)
	}
	var out []map[string]any
	for _, f := range files {
		objs, err := readDocs(f)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

func readDocs(path string) ([]map[string]any, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the user names the file.
	if err != nil {
		return nil, err
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var out []map[string]any
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("cannot parse %s: %w", path, err)
		}
		out = append(out, flatten(m)...)
	}
}

// flatten turns a List into its items, redacts Secrets and drops empty
// documents.
func flatten(m map[string]any) []map[string]any {
	if len(m) == 0 {
		return nil
	}
	if k, _ := m["kind"].(string); strings.HasSuffix(k, "List") {
		items, _ := m["items"].([]any)
		var out []map[string]any
		for _, it := range items {
			if o, ok := it.(map[string]any); ok {
				out = append(out, flatten(o)...)
			}
		}
		return out
	}
	if isSecret(m) {
		return []map[string]any{redact(m)}
	}
	return []map[string]any{m}
}

// printPlan writes the plan as text or JSON.
func printPlan(w io.Writer, p *fn.ChangePlan, format string) error {
	if format == "json" {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(struct {
			*fn.ChangePlan
			Blocking []string `json:"blocking,omitempty"`
		}{p, p.Blocking()})
	}
	var b strings.Builder
	_, _ = fmt.Fprintf(&b, "XSpaceScaling %s", p.XR)
	if p.Cloud != "" {
		_, _ = fmt.Fprintf(&b, " (%s)", p.Cloud)
	}
	b.WriteString("\n")
	for _, e := range p.Invalid {
		_, _ = fmt.Fprintf(&b, "invalid: %s\n", e)
	}
	var same []string
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	// Writes to a strings.Builder through a tabwriter fail only at Flush.
	pf := func(format string, a ...any) { _, _ = fmt.Fprintf(tw, format, a...) }
	for _, c := range p.Changes {
		if c.Effect == change.NoChange && c.Pending == "" {
			same = append(same, c.Key)
			continue
		}
		pf("\n%s\t%s %s\t%s\n", c.Key, c.Kind, c.Name, strings.ToUpper(c.Effect.String()))
		if c.Why != "" {
			pf("  %s\n", c.Why)
		}
		if c.Pending != "" {
			pf("  %s\n", c.Pending)
		}
		if c.Nodes != "" {
			pf("  rolls %s\n", c.Nodes)
		}
		for _, f := range c.Fields {
			if f.Redacted {
				pf("  %s: (a Secret's value, redacted)  [%s]\n", f.Path, f.Effect)
			} else {
				pf("  %s: %s -> %s  [%s]\n", f.Path, value(f.Old), value(f.New), f.Effect)
			}
			if f.Why != "" {
				pf("    why: %s\n", f.Why)
			}
			if len(f.Causes) > 0 {
				pf("    from: %s\n", strings.Join(f.Causes, ", "))
			}
			if f.Way != "" {
				pf("    way: %s\n", f.Way)
			}
			if f.Source != "" {
				pf("    source: %s\n", f.Source)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(same) > 0 {
		_, _ = fmt.Fprintf(&b, "\nno change: %s\n", strings.Join(same, ", "))
	}
	if len(p.Unmatched) > 0 {
		_, _ = fmt.Fprintf(&b, "\nobserved but not this XR's: %s\n", strings.Join(p.Unmatched, ", "))
	}
	for _, wn := range p.Warnings {
		_, _ = fmt.Fprintf(&b, "\nwarning: %s\n", wn)
	}
	if p.Refused != "" {
		_, _ = fmt.Fprintf(&b, "\nthe function refuses this change (Fatal: it composes nothing, and Crossplane keeps every resource as it is):\n  %s\n", p.Refused)
	}
	if bl := p.Blocking(); len(bl) > 0 {
		_, _ = fmt.Fprintf(&b, "\nblocked: %s\n", strings.Join(bl, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxValue bounds a value the text plan prints (-o json prints it whole).
const maxValue = 240

// value is a field's value as JSON, cut to maxValue bytes.
func value(v any) string {
	if v == nil {
		return "(unset)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	if len(b) > maxValue {
		return string(b[:maxValue]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}
