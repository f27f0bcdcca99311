package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// The examples whose requests are captured: one per cloud.
var captureExamples = []string{"xr-aws", "xr-gcp", "xr-azure"}

// renderTimeout bounds one crossplane composition render.
const renderTimeout = 3 * time.Minute

// capture records, for each cloud's example, the request the real engine
// sends on the first reconcile (create: the XR only) and once every composed
// resource exists and is ready (steady), with observed state shaped the way
// the providers write it (observe.go). It serves the function in process
// behind a recorder and lets crossplane composition render call it.
func capture(args []string) error {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	root := fs.String("root", ".", "the module root")
	crossplane := fs.String("crossplane", "_tools/bin/crossplane", "the Crossplane CLI")
	engine := fs.String("engine", "_tools/bin/crossplane-engine", "the Crossplane engine render runs; empty builds the requests in process the way the engine does")
	out := fs.String("out", "fn/testdata/requests", "where to write the requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rec, addr, stop, err := serveRecorder()
	if err != nil {
		return err
	}
	defer stop()
	tmp, err := os.MkdirTemp("", "perf-capture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // best effort.
	functions := filepath.Join(tmp, "functions.yaml")
	if err := os.WriteFile(functions, []byte(functionsYAML(addr)), 0o600); err != nil {
		return err
	}
	r := renderer{crossplane: *crossplane, engine: *engine, functions: functions,
		composition: filepath.Join(*root, "example", "composition.yaml"),
		xrd:         filepath.Join(*root, "example", "xrd.yaml"), tmp: tmp, rec: rec}
	if *engine == "" {
		if r.input, err = compositionInput(r.composition); err != nil {
			return err
		}
	}

	for _, ex := range captureExamples {
		xrPath := filepath.Join(*root, "example", ex+".yaml")
		xr, err := readYAML(xrPath)
		if err != nil {
			return err
		}
		create, steady, err := r.capture(xr)
		if err != nil {
			return fmt.Errorf("%s: %w", ex, err)
		}
		name := ex[len("xr-"):]
		for state, req := range map[string]*fnv1.RunFunctionRequest{"create": create, "steady": steady} {
			b, err := marshalRequest(req)
			if err != nil {
				return err
			}
			p := filepath.Join(*root, *out, name+"-"+state+".json")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				return err
			}
			fmt.Printf("%s: %d resources observed, %d bytes on the wire\n", p, len(req.GetObserved().GetResources()), proto.Size(req))
		}
	}
	return nil
}

// marshalRequest is the request as stable, reviewable JSON.
func marshalRequest(req *fnv1.RunFunctionRequest) ([]byte, error) {
	b, err := protojson.Marshal(req)
	if err != nil {
		return nil, err
	}
	// protojson varies its whitespace on purpose; indenting makes it stable.
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// renderer runs crossplane composition render against the recorder.
type renderer struct {
	crossplane, engine, functions, composition, xrd, tmp string
	rec                                                  *recorder
	input                                                *structpb.Struct // the step's input, without an engine
}

// maxRounds bounds the reconciles it takes an example to settle.
const maxRounds = 5

// capture renders the XR with nothing observed, then again with what the
// function composed observed as ready, until the composed set stops
// changing; it returns the first and the last request.
func (r renderer) capture(xr map[string]any) (create, steady *fnv1.RunFunctionRequest, err error) {
	x := newXRState(xr)
	req, rsp, err := r.render(x.observedXR(nil), nil)
	if err != nil {
		return nil, nil, err
	}
	create = req
	prev := -1
	for range maxRounds {
		obs := x.observe(rsp)
		req, rsp, err = r.render(x.observedXR(rsp), obs)
		if err != nil {
			return nil, nil, err
		}
		n := len(rsp.GetDesired().GetResources())
		// Steady: the composed resources no longer change, and the XR is
		// Ready (one call after its status records every component ready).
		if n == len(obs) && n == prev && rsp.GetDesired().GetComposite().GetReady() == fnv1.Ready_READY_TRUE {
			return create, req, nil
		}
		prev = n
	}
	return nil, nil, fmt.Errorf("the composed resources did not settle in %d reconciles", maxRounds)
}

// render writes the XR and observed resources and renders them; it returns
// the request the function received and its response.
func (r renderer) render(xr map[string]any, observed []map[string]any) (*fnv1.RunFunctionRequest, *fnv1.RunFunctionResponse, error) {
	if r.engine == "" {
		return r.inProcess(xr, observed)
	}
	xrFile := filepath.Join(r.tmp, "xr.yaml")
	if err := writeYAML(xrFile, xr); err != nil {
		return nil, nil, err
	}
	args := []string{"composition", "render", xrFile, r.composition, r.functions,
		"--crossplane-binary=" + r.engine, "--xrd=" + r.xrd, "--timeout=2m"}
	if len(observed) > 0 {
		obsFile := filepath.Join(r.tmp, "observed.yaml")
		if err := writeYAMLStream(obsFile, observed); err != nil {
			return nil, nil, err
		}
		args = append(args, "--observed-resources="+obsFile)
	}
	r.rec.reset()
	ctx, cancel := context.WithTimeout(context.Background(), renderTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.crossplane, args...) //nolint:gosec // G204: the caller picks the CLI.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("render: %w\n%s", err, stderr.String())
	}
	req, rsp := r.rec.last()
	if req == nil {
		return nil, nil, fmt.Errorf("render never called the function\n%s", stderr.String())
	}
	return req, rsp, nil
}

func functionsYAML(addr string) string {
	return `apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: crossplane-contrib-function-space-scaling
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: ` + addr + `
spec:
  package: xpkg.crossplane.io/crossplane-contrib/function-space-scaling:v0.1.0
`
}

// recorder is the function behind a tap that keeps the last call.
type recorder struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	fn  *fn.Function
	mu  sync.Mutex
	req *fnv1.RunFunctionRequest
	rsp *fnv1.RunFunctionResponse
}

func (r *recorder) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	// The SDK's response shares the request's desired state: keep the
	// request as it arrived.
	in := proto.CloneOf(req)
	rsp, err := r.fn.RunFunction(ctx, req)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.req, r.rsp = in, proto.CloneOf(rsp)
	return rsp, err
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.req, r.rsp = nil, nil
}

func (r *recorder) last() (*fnv1.RunFunctionRequest, *fnv1.RunFunctionResponse) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.req, r.rsp
}

// serveRecorder serves the recorder on a loopback port without TLS, as the
// render Development runtime expects.
func serveRecorder() (*recorder, string, func(), error) {
	lis, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	rec := &recorder{fn: fn.New()}
	s := grpc.NewServer(grpc.Creds(insecure.NewCredentials()))
	fnv1.RegisterFunctionRunnerServiceServer(s, rec)
	go s.Serve(lis) //nolint:errcheck // stops with the process.
	return rec, lis.Addr().String(), s.Stop, nil
}

func readYAML(path string) (map[string]any, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the examples.
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	err = yaml.Unmarshal(b, &m)
	return m, err
}

func writeYAML(path string, o any) error {
	b, err := yaml.Marshal(o)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

func writeYAMLStream(path string, objs []map[string]any) error {
	var buf bytes.Buffer
	for _, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			return err
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

// inProcess builds the request as the engine does (crossplane
// internal/controller/apiextensions/composite/composition_functions.go):
// the observed XR and composed resources, empty desired state and context,
// the step's input, empty credentials and requirements, and meta with the
// engine's capabilities and the request's hash as tag. It is the fallback
// when the Crossplane binaries are not built; it skips the XRD's defaults.
func (r renderer) inProcess(xr map[string]any, observed []map[string]any) (*fnv1.RunFunctionRequest, *fnv1.RunFunctionResponse, error) {
	oxr, err := structpb.NewStruct(xr)
	if err != nil {
		return nil, nil, err
	}
	req := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: oxr}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{}, Context: &structpb.Struct{Fields: map[string]*structpb.Value{}},
		Input: r.input, Credentials: map[string]*fnv1.Credentials{},
		RequiredResources: map[string]*fnv1.Resources{}, RequiredSchemas: map[string]*fnv1.Schema{},
	}
	for _, o := range observed {
		s, err := structpb.NewStruct(o)
		if err != nil {
			return nil, nil, err
		}
		req.Observed.Resources[str(o, "metadata", "annotations", "crossplane.io/composition-resource-name")] = &fnv1.Resource{Resource: s}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, nil, err
	}
	h := sha256.Sum256(b)
	req.Meta = &fnv1.RequestMeta{Tag: hex.EncodeToString(h[:]), Capabilities: []fnv1.Capability{
		fnv1.Capability_CAPABILITY_CAPABILITIES, fnv1.Capability_CAPABILITY_REQUIRED_RESOURCES,
		fnv1.Capability_CAPABILITY_CREDENTIALS, fnv1.Capability_CAPABILITY_CONDITIONS,
		fnv1.Capability_CAPABILITY_REQUIRED_SCHEMAS,
	}}
	if _, err := r.rec.RunFunction(context.Background(), req); err != nil {
		return nil, nil, err
	}
	in, rsp := r.rec.last()
	return in, rsp, nil
}

// compositionInput is the input of the Composition's only step.
func compositionInput(path string) (*structpb.Struct, error) {
	c, err := readYAML(path)
	if err != nil {
		return nil, err
	}
	steps, _ := obj(c, "spec")["pipeline"].([]any)
	if len(steps) != 1 {
		return nil, fmt.Errorf("%s: want one pipeline step, got %d", path, len(steps))
	}
	in, _ := steps[0].(map[string]any)["input"].(map[string]any)
	return structpb.NewStruct(in)
}
