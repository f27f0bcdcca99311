package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// growthConfig bounds a growth run: every request is called until calls or
// duration, whichever comes first, per round.
type growthConfig struct {
	root     string
	bin      string
	calls    int
	warmup   int
	duration time.Duration
	rounds   int
	out      io.Writer
}

// The largest request gRPC takes by default: the function's
// --max-recv-message-size (4 MiB), which is also gRPC's default.
const messageLimit = 4 << 20

// The observed-state sizes the growth run pads a steady request to; the
// message limit stands for as much as fits in a request of that size.
var growthSizes = []int{10 << 10, 100 << 10, 1 << 20, messageLimit}

// growth measures how the function's CPU per call grows with the number of
// resources an XR composes and with the size of the observed state, on the
// function's real server over loopback plaintext gRPC (the transport adds
// a cost per byte of its own, the same for any function).
func growth(args []string) error {
	fs := flag.NewFlagSet("growth", flag.ContinueOnError)
	c := growthConfig{out: os.Stdout}
	fs.StringVar(&c.root, "root", ".", "the module root")
	fs.StringVar(&c.bin, "bin", "", "the function binary; empty builds it from -root")
	fs.IntVar(&c.calls, "calls", 1000, "calls per request and round, at most")
	fs.IntVar(&c.warmup, "warmup", 5, "unmeasured calls before each")
	fs.DurationVar(&c.duration, "duration", 2*time.Second, "time per request and round, at most")
	fs.IntVar(&c.rounds, "rounds", 2, "rounds over every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := runGrowth(context.Background(), c)
	return err
}

// variant is one XR of the growth run: an example with parts turned off.
type variant struct {
	example    string // example/<example>.yaml
	monitoring bool
	queryAPI   bool
}

func (v variant) name() string {
	parts := []string{strings.TrimPrefix(v.example, "xr-")}
	if !v.queryAPI {
		parts = append(parts, "no queryAPI")
	}
	if !v.monitoring {
		parts = append(parts, "no monitoring")
	}
	return strings.Join(parts, ", ")
}

// growthVariants compose from the fewest resources an XR can (no database,
// no alerts) to the most (every part on).
var growthVariants = []variant{
	{example: "xr-gcp"},
	{example: "xr-aws"},
	{example: "xr-gcp", monitoring: true, queryAPI: true},
	{example: "xr-azure", monitoring: true, queryAPI: true},
	{example: "xr-aws", monitoring: true, queryAPI: true},
}

// requests are the variant's create and steady requests, built in process
// as the capture does without an engine.
func (v variant) requests(r renderer, root string) (create, steady *fnv1.RunFunctionRequest, err error) {
	xr, err := readYAML(filepath.Join(root, "example", v.example+".yaml"))
	if err != nil {
		return nil, nil, err
	}
	spec := obj(xr, "spec")
	if !v.monitoring {
		spec["monitoring"] = map[string]any{"enabled": false}
	}
	if !v.queryAPI {
		spec["queryAPI"] = map[string]any{"enabled": false}
	}
	create, steady, err = r.capture(xr)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", v.name(), err)
	}
	return create, steady, nil
}

// inProcessRenderer builds requests as the engine does, in process.
func inProcessRenderer(root string) (renderer, error) {
	in, err := compositionInput(filepath.Join(root, "example", "composition.yaml"))
	if err != nil {
		return renderer{}, err
	}
	return renderer{input: in, rec: &recorder{fn: fn.New()}}, nil
}

// growthRow is one request of the growth run and what it cost.
type growthRow struct {
	group     string // "resources" or "observed"
	name      string
	req       *fnv1.RunFunctionRequest
	rsp       *fnv1.RunFunctionResponse // the function's first answer
	composed  int
	observed  int // bytes of observed composed resources on the wire
	sample    sample
	reference *growthRow // the row whose answer it must equal, earlier in the run
}

type growthReport struct {
	rows []*growthRow
}

// runGrowth builds the requests, serves the function and calls it with
// each, one caller at a time.
func runGrowth(ctx context.Context, c growthConfig) (*growthReport, error) {
	tmp, err := os.MkdirTemp("", "perf-growth-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)             //nolint:errcheck // best effort.
	rows, err := growthRequests(c.root) //nolint:contextcheck // in process, as the capture without an engine; nothing to cancel.
	if err != nil {
		return nil, err
	}
	bin := c.bin
	if bin == "" {
		bin = filepath.Join(tmp, "function")
		if err := build(ctx, c.root, bin, "."); err != nil {
			return nil, fmt.Errorf("cannot build the function: %w", err)
		}
	}
	addr, err := freeAddr(ctx)
	if err != nil {
		return nil, err
	}
	// The function's defaults, message limit included; metrics off.
	p, err := start(ctx, insecure.NewCredentials(), rows[0].req, bin, "--insecure", "--address", addr, "--metrics-address", "")
	if err != nil {
		return nil, fmt.Errorf("function: %w", err)
	}
	defer p.stop()
	client := fnv1.NewFunctionRunnerServiceClient(p.conn)
	for _, r := range rows {
		if r.rsp, err = client.RunFunction(ctx, r.req); err != nil {
			return nil, fmt.Errorf("%s %s (%d bytes): %w", r.group, r.name, proto.Size(r.req), err)
		}
		if r.reference != nil && !proto.Equal(r.rsp, r.reference.rsp) {
			return nil, fmt.Errorf("%s %s: padding the observed state changed the response", r.group, r.name)
		}
		r.composed = len(r.rsp.GetDesired().GetResources())
	}
	lc := loadConfig{calls: c.calls, warmup: c.warmup, duration: c.duration}
	for range c.rounds {
		for _, r := range rows {
			if err := phase(ctx, p, r.req, 1, lc, &r.sample); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.group, r.name, err)
			}
		}
	}
	rep := &growthReport{rows: rows}
	err = rep.print(c.out, c)
	return rep, err
}

// growthRequests are the create and steady requests of every variant, and
// the largest steady request padded to each growth size.
func growthRequests(root string) ([]*growthRow, error) {
	r, err := inProcessRenderer(root)
	if err != nil {
		return nil, err
	}
	var rows []*growthRow
	var smallest *growthRow
	for _, v := range growthVariants {
		create, steady, err := v.requests(r, root)
		if err != nil {
			return nil, err
		}
		for _, s := range []struct {
			name string
			req  *fnv1.RunFunctionRequest
		}{{"create", create}, {"steady", steady}} {
			row := &growthRow{group: "resources", name: v.name() + ", " + s.name, req: s.req, observed: observedBytes(s.req)}
			rows = append(rows, row)
			if s.name == "steady" && (smallest == nil || row.observed < smallest.observed) {
				smallest = row
			}
		}
	}
	// The observed state grows on the XR with the fewest resources, so
	// the smallest size is within reach: what grows is bytes per resource.
	for _, size := range growthSizes {
		if size >= messageLimit {
			// The rest of the request, and 1 KiB for the framing of the
			// resources in their map.
			size = messageLimit - (proto.Size(smallest.req) - smallest.observed) - 1<<10
		}
		req, err := padObserved(smallest.req, size)
		if err != nil {
			return nil, err
		}
		if n := proto.Size(req); n > messageLimit {
			return nil, fmt.Errorf("the padded request is %d bytes, over the %d byte message limit", n, messageLimit)
		}
		rows = append(rows, &growthRow{group: "observed", name: strings.TrimSuffix(smallest.name, ", steady"), req: req, observed: observedBytes(req), reference: smallest})
	}
	return rows, nil
}

// observedBytes is the size of the observed composed resources on the wire.
func observedBytes(req *fnv1.RunFunctionRequest) int {
	n := 0
	for _, r := range req.GetObserved().GetResources() {
		n += proto.Size(r)
	}
	return n
}

// padObserved is req with its observed composed resources' managedFields
// grown (or cut) until the observed state is size bytes on the wire: more
// field managers of the shape the API server records, spread evenly over
// the resources. The function never reads managedFields, so its answer
// stays the same; the bytes still have to be received and decoded.
func padObserved(req *fnv1.RunFunctionRequest, size int) (*fnv1.RunFunctionRequest, error) {
	out := proto.CloneOf(req)
	res := out.GetObserved().GetResources()
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range res {
			if !yield(k) {
				return
			}
		}
	})
	lists := make([]*structpb.ListValue, len(keys))
	var template []*structpb.Value
	for i, k := range keys {
		md := res[k].GetResource().GetFields()["metadata"].GetStructValue()
		mf := md.GetFields()["managedFields"].GetListValue()
		if mf == nil {
			mf = &structpb.ListValue{}
			md.Fields["managedFields"] = structpb.NewListValue(mf)
		}
		template = append(template, mf.GetValues()...)
		mf.Values = nil // start from none: the smallest sizes are under a real steady state's
		lists[i] = mf
	}
	if len(template) == 0 {
		return nil, fmt.Errorf("no managedFields to pad with")
	}
	// Each entry adds its size and a few bytes of framing; add as many as
	// the missing bytes hold, measure, and repeat until the size is
	// reached, then drop entries to fit: a few measures of the whole.
	entry := proto.Size(template[0]) + 4
	n := 0
	for have := observedBytes(out); have < size; have = observedBytes(out) {
		for range max(1, (size-have)/entry) {
			e := proto.CloneOf(template[n%len(template)])
			e.GetStructValue().GetFields()["manager"] = structpb.NewStringValue(fmt.Sprintf("field-manager-%d", n))
			l := lists[n%len(lists)]
			l.Values = append(l.Values, e)
			n++
		}
	}
	for n > 0 && observedBytes(out) > size {
		n--
		l := lists[n%len(lists)]
		l.Values = l.Values[:len(l.Values)-1]
	}
	return out, nil
}

// print writes the growth tables as docs/performance.md shows them.
func (g *growthReport) print(w io.Writer, c growthConfig) error {
	var b strings.Builder
	fmt.Fprintf(&b, "growth: the function alone over loopback plaintext gRPC, 1 caller, %d rounds of at most %d calls or %s per request\n\n",
		c.rounds, c.calls, c.duration)
	b.WriteString("| XR | composed resources | request | calls | CPU/call | CPU per composed resource |\n|---|--:|--:|--:|--:|--:|\n")
	for _, r := range g.rows {
		if r.group != "resources" {
			continue
		}
		cpu := r.sample.perCall(r.sample.cpu)
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %s | %s |\n", r.name, r.composed, kib(proto.Size(r.req)), r.sample.calls, ms(cpu), us(cpu/time.Duration(max(1, r.composed))))
	}
	b.WriteString("\n| observed state | request | calls | p50 | CPU/call | CPU per KiB of observed state | CPU per added KiB (from the row above) |\n|--:|--:|--:|--:|--:|--:|--:|\n")
	var prevCPU time.Duration
	var prevSize int
	var first, last *growthRow
	for _, r := range g.rows {
		if r.group != "observed" {
			continue
		}
		if first == nil {
			first = r
		}
		last = r
		cpu := r.sample.perCall(r.sample.cpu)
		added := ""
		if prevSize > 0 {
			added = us(time.Duration(float64(cpu-prevCPU) / (float64(r.observed-prevSize) / 1024)))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s |\n", kib(r.observed), kib(proto.Size(r.req)), r.sample.calls,
			ms(r.sample.quantile(0.5)), ms(cpu), us(time.Duration(float64(cpu)/(float64(r.observed)/1024))), added)
		prevCPU, prevSize = cpu, r.observed
	}
	if first != nil && last != first {
		sizeX := float64(last.observed) / float64(first.observed)
		cpuX := float64(last.sample.perCall(last.sample.cpu)) / float64(max(1, first.sample.perCall(first.sample.cpu)))
		fmt.Fprintf(&b, "\nobserved state %.0fx larger, CPU per call %.1fx: %s; the request at the message limit (%s of %s) is answered\n",
			sizeX, cpuX, map[bool]string{true: "no faster than linear", false: "FASTER than linear"}[cpuX <= sizeX], kib(proto.Size(last.req)), kib(messageLimit))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func kib(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)) }
