package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// RenderCmd prints what an XR composes, without Crossplane or a cluster.
type RenderCmd struct {
	XR            string `arg:"" type:"existingfile" help:"The XSpaceScaling to render (YAML)."`
	Input         string `type:"existingfile" help:"The function input (YAML), as a Composition step would pass it."`
	IncludeStatus bool   `help:"Print the XR with the status the function writes, first."`
}

// Run renders the XR and prints the composed resources as a YAML stream,
// sorted by composition resource name. Results go to stderr; a Fatal result
// fails the command.
func (c *RenderCmd) Run(_ *CLI) error {
	req, err := c.request()
	if err != nil {
		return err
	}
	rsp, err := fn.New().RunFunction(context.Background(), req)
	if err != nil {
		return err
	}
	return printResponse(os.Stdout, os.Stderr, rsp, c.IncludeStatus)
}

func (c *RenderCmd) request() (*fnv1.RunFunctionRequest, error) {
	xr, err := readYAML(c.XR)
	if err != nil {
		return nil, err
	}
	req := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: xr}},
		Desired:  &fnv1.State{},
	}
	if c.Input != "" {
		if req.Input, err = readYAML(c.Input); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func readYAML(path string) (*structpb.Struct, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the user names the file.
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("cannot parse %s: %w", path, err)
	}
	return structpb.NewStruct(m)
}

func printResponse(out, errOut io.Writer, rsp *fnv1.RunFunctionResponse, withStatus bool) error {
	fatal := false
	for _, r := range rsp.GetResults() {
		_, _ = fmt.Fprintf(errOut, "%s: %s\n", strings.TrimPrefix(r.GetSeverity().String(), "SEVERITY_"), r.GetMessage())
		fatal = fatal || r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL
	}
	if fatal {
		return fmt.Errorf("the XR is invalid")
	}
	var docs []any
	if withStatus {
		docs = append(docs, rsp.GetDesired().GetComposite().GetResource().AsMap())
	}
	res := rsp.GetDesired().GetResources()
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		docs = append(docs, res[k].GetResource().AsMap())
	}
	for _, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "---\n%s", b); err != nil {
			return err
		}
	}
	return nil
}
