package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// loadConfig bounds a load run: every phase stops at calls or duration,
// whichever comes first, so a run takes at most
// rounds x transports x states x len(callers) x 2 servers x duration.
type loadConfig struct {
	root       string // the module root, to build the function
	bin        string // a built function; empty builds one
	requests   string // the captured requests
	example    string // which cloud's requests
	calls      int
	warmup     int
	duration   time.Duration
	rounds     int
	starts     int // extra starts of each server, to take the median start-up
	callers    []int
	transports []string
	out        io.Writer
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	c := loadConfig{out: os.Stdout}
	fs.StringVar(&c.root, "root", ".", "the module root")
	fs.StringVar(&c.bin, "bin", "", "the function binary; empty builds it from -root")
	fs.StringVar(&c.requests, "requests", "fn/testdata/requests", "the captured requests")
	fs.StringVar(&c.example, "example", "aws", "the cloud whose example XR is called: aws, gcp or azure")
	fs.IntVar(&c.calls, "calls", 3000, "calls per phase, at most")
	fs.IntVar(&c.warmup, "warmup", 100, "unmeasured calls before each phase")
	fs.DurationVar(&c.duration, "duration", 3*time.Second, "time per phase, at most")
	fs.IntVar(&c.rounds, "rounds", 3, "rounds; the servers alternate who goes first")
	fs.IntVar(&c.starts, "starts", 7, "starts of each server; the report shows the median time to the first call")
	callers := fs.String("callers", "1,8", "concurrent callers on one connection, per phase")
	transports := fs.String("transports", plaintext+","+mTLS, "the transports, each measured with both servers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for f := range strings.SplitSeq(*callers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-callers: %q is not a positive number", f)
		}
		c.callers = append(c.callers, n)
	}
	for f := range strings.SplitSeq(*transports, ",") {
		t := strings.TrimSpace(f)
		if t != plaintext && t != mTLS {
			return fmt.Errorf("-transports: %q is neither %s nor %s", f, plaintext, mTLS)
		}
		c.transports = append(c.transports, t)
	}
	_, err := runLoad(context.Background(), c)
	return err
}

// The two servers, in the order the report shows them.
const (
	function = "function"
	floor    = "canned"
)

// The transports: plaintext gRPC (the function's --insecure, the canned
// server without TLS) and mTLS (RSA 2048 certificates, as Crossplane's).
const (
	plaintext = "plaintext"
	mTLS      = "mtls"
)

// state is one shape of request: create or steady.
type state struct {
	name     string
	req      *fnv1.RunFunctionRequest
	rsp      *fnv1.RunFunctionResponse
	observed int
}

// sample accumulates the phases of one server, state and caller count.
type sample struct {
	calls int
	wall  time.Duration
	cpu   time.Duration
	lat   []time.Duration
}

type key struct {
	transport, server, state string
	callers                  int
}

// server is one server process of one transport.
type server struct {
	transport, name string
}

// loadReport is what a run measured.
type loadReport struct {
	states  []*state
	samples map[key]*sample
	startup map[server][]time.Duration
	peakRSS map[server]int64 // bytes
	memory  map[server]memory
	size    map[string]int64 // binary size, by server name
}

// setup is how one run starts its servers.
type setup struct {
	crt       *certs
	certsDir  string
	responses string
	bins      map[string]string // by server name
}

// args are a server's arguments for a transport, listening at addr.
// metrics, for the function, is the metrics listener ("" for none).
func (s setup) args(srv server, addr, metrics string) []string {
	switch {
	case srv.name == function && srv.transport == plaintext:
		return []string{"--insecure", "--address", addr, "--metrics-address", metrics}
	case srv.name == function:
		return []string{"--tls-certs-dir", s.certsDir, "--address", addr, "--metrics-address", metrics}
	case srv.transport == plaintext:
		return []string{"--insecure", "--address", addr, "--responses", s.responses}
	default:
		return []string{"--certs", s.certsDir, "--address", addr, "--responses", s.responses}
	}
}

// creds are the client's credentials for a transport.
func (s setup) creds(transport string) credentials.TransportCredentials {
	if transport == plaintext {
		return insecure.NewCredentials()
	}
	return credentials.NewTLS(s.crt.client.Clone())
}

// run starts srv listening on a fresh port, and the function with its
// metrics on when metrics is set.
func (s setup) run(ctx context.Context, srv server, req *fnv1.RunFunctionRequest, metrics bool) (*proc, error) {
	addr, err := freeAddr(ctx)
	if err != nil {
		return nil, err
	}
	maddr := ""
	if metrics {
		if maddr, err = freeAddr(ctx); err != nil {
			return nil, err
		}
	}
	p, err := start(ctx, s.creds(srv.transport), req, s.bins[srv.name], s.args(srv, addr, maddr)...)
	if err != nil {
		return nil, fmt.Errorf("%s over %s: %w", srv.name, srv.transport, err)
	}
	return p, nil
}

// runLoad runs both servers over each transport and calls them side by
// side.
func runLoad(ctx context.Context, c loadConfig) (*loadReport, error) {
	tmp, err := os.MkdirTemp("", "perf-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // best effort.
	crt, err := newCerts(tmp)
	if err != nil {
		return nil, err
	}
	st := setup{crt: crt, certsDir: tmp, responses: filepath.Join(tmp, "responses"), bins: map[string]string{
		function: c.bin, floor: filepath.Join(tmp, "canned"),
	}}
	if st.bins[function] == "" {
		st.bins[function] = filepath.Join(tmp, "function")
		if err := build(ctx, c.root, st.bins[function], "."); err != nil {
			return nil, fmt.Errorf("cannot build the function: %w", err)
		}
	}
	if err := build(ctx, c.root, st.bins[floor], "./test/perf/canned"); err != nil {
		return nil, fmt.Errorf("cannot build the canned server: %w", err)
	}
	rep := &loadReport{
		samples: map[key]*sample{}, startup: map[server][]time.Duration{}, peakRSS: map[server]int64{},
		memory: map[server]memory{}, size: map[string]int64{},
	}
	for name, bin := range st.bins {
		fi, err := os.Stat(bin)
		if err != nil {
			return nil, err
		}
		rep.size[name] = fi.Size()
	}
	for _, name := range []string{"create", "steady"} {
		req, err := readRequest(filepath.Join(c.root, c.requests, c.example+"-"+name+".json"))
		if err != nil {
			return nil, err
		}
		rep.states = append(rep.states, &state{name: name, req: req, observed: len(req.GetObserved().GetResources())})
	}

	procs := map[server]*proc{}
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	for _, t := range c.transports {
		srv := server{t, function}
		p, err := st.run(ctx, srv, rep.states[0].req, true)
		if err != nil {
			return nil, err
		}
		procs[srv] = p
	}

	// The canned server answers with the function's own responses.
	if err := os.Mkdir(st.responses, 0o700); err != nil {
		return nil, err
	}
	for _, s := range rep.states {
		s.rsp, err = fnv1.NewFunctionRunnerServiceClient(procs[server{c.transports[0], function}].conn).RunFunction(ctx, s.req)
		if err != nil {
			return nil, fmt.Errorf("function, %s: %w", s.name, err)
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(s.rsp)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(st.responses, strconv.Itoa(s.observed)+".binpb"), b, 0o600); err != nil {
			return nil, err
		}
	}
	for _, t := range c.transports {
		srv := server{t, floor}
		p, err := st.run(ctx, srv, rep.states[0].req, false)
		if err != nil {
			return nil, err
		}
		procs[srv] = p
	}

	if err := measureStarts(ctx, c, st, rep); err != nil {
		return nil, err
	}

	// Every server answers every state with the same response.
	for srv, p := range procs {
		for _, s := range rep.states {
			got, err := fnv1.NewFunctionRunnerServiceClient(p.conn).RunFunction(ctx, s.req)
			if err != nil {
				return nil, fmt.Errorf("%s over %s, %s: %w", srv.name, srv.transport, s.name, err)
			}
			if !proto.Equal(got, s.rsp) {
				return nil, fmt.Errorf("%s over %s, %s: the response differs from the function's first", srv.name, srv.transport, s.name)
			}
		}
	}

	if err := runPhases(ctx, c, rep, procs); err != nil {
		return nil, err
	}
	for srv, p := range procs {
		m, err := readMemory(p.cmd.Process.Pid)
		if err != nil {
			return nil, err
		}
		rep.peakRSS[srv], rep.memory[srv] = m.peak, m
	}
	err = rep.print(c)
	return rep, err
}

// build builds a server the way the Dockerfile and hack/image build the
// function's image: static (no cgo), -trimpath, without gRPC's tracing
// package, without symbol tables, so the binaries measured here map the
// same pages the image's would.
func build(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags=grpcnotrace", "-ldflags=-s -w", "-o", out, pkg) //nolint:gosec // G204: fixed arguments.
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w\n%s", err, b)
	}
	return nil
}

// measureStarts starts each server c.starts times per transport on a fresh
// port, alternating the two, and records the time to the first successful
// call. The function starts with its metrics listener, as it runs.
func measureStarts(ctx context.Context, c loadConfig, st setup, rep *loadReport) error {
	for i := range c.starts {
		for _, t := range c.transports {
			order := []string{function, floor}
			if i%2 == 1 {
				order = []string{floor, function}
			}
			for _, name := range order {
				srv := server{t, name}
				p, err := st.run(ctx, srv, rep.states[0].req, name == function)
				if err != nil {
					return fmt.Errorf("start %d: %w", i, err)
				}
				p.stop()
				rep.startup[srv] = append(rep.startup[srv], p.startup)
			}
		}
	}
	return nil
}

// runPhases calls both servers, per round, transport, state and caller
// count, alternating which goes first.
func runPhases(ctx context.Context, c loadConfig, rep *loadReport, procs map[server]*proc) error {
	for r := range c.rounds {
		for _, t := range c.transports {
			for _, s := range rep.states {
				for _, n := range c.callers {
					order := []string{function, floor}
					if r%2 == 1 {
						order = []string{floor, function}
					}
					for _, name := range order {
						k := key{transport: t, server: name, state: s.name, callers: n}
						if rep.samples[k] == nil {
							rep.samples[k] = &sample{}
						}
						if err := phase(ctx, procs[server{t, name}], s.req, n, c, rep.samples[k]); err != nil {
							return fmt.Errorf("%s over %s, %s, %d callers: %w", name, t, s.name, n, err)
						}
					}
				}
			}
		}
	}
	return nil
}

// phase calls the server with n callers sharing its one connection, as
// Crossplane does, and adds the calls, the wall time, the server's CPU time
// and every call's latency to s.
func phase(ctx context.Context, p *proc, req *fnv1.RunFunctionRequest, n int, c loadConfig, s *sample) error {
	client := fnv1.NewFunctionRunnerServiceClient(p.conn)
	for range c.warmup {
		if _, err := client.RunFunction(ctx, req); err != nil {
			return err
		}
	}
	cpu0, err := cpuTime(p.cmd.Process.Pid)
	if err != nil {
		return err
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	start := time.Now()
	deadline := start.Add(c.duration)
	lats := make([][]time.Duration, n)
	for i := range n {
		wg.Go(func() {
			for next.Add(1) <= int64(c.calls) && time.Now().Before(deadline) {
				t := time.Now()
				if _, err := client.RunFunction(ctx, req); err != nil {
					mu.Lock()
					firstErr = cmp(firstErr, err)
					mu.Unlock()
					return
				}
				lats[i] = append(lats[i], time.Since(t))
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	cpu1, err := cpuTime(p.cmd.Process.Pid)
	if err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	for _, l := range lats {
		s.calls += len(l)
		s.lat = append(s.lat, l...)
	}
	s.wall += wall
	s.cpu += cpu1 - cpu0
	return nil
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// proc is a server process with the client connection the load uses.
type proc struct {
	cmd     *exec.Cmd
	conn    *grpc.ClientConn
	startup time.Duration
	log     *bytes.Buffer
	exited  chan error
	exitErr error // how it ended, once stopped
}

// startTimeout bounds the wait for a server's first successful call.
const startTimeout = 20 * time.Second

// start runs a server and measures the time from starting the process to
// the first successful RunFunction with the given client credentials.
func start(ctx context.Context, creds credentials.TransportCredentials, req *fnv1.RunFunctionRequest, bin string, args ...string) (*proc, error) {
	addr := args[slices.Index(args, "--address")+1]
	cmd := exec.CommandContext(ctx, bin, args...) //nolint:gosec // G204: the binaries this tool built or is.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	p := &proc{cmd: cmd, log: &log, exited: make(chan error, 1)}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.exited <- cmd.Wait() }()
	deadline := t0.Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.exited:
			return nil, fmt.Errorf("exited before serving: %w\n%s", err, log.String())
		default:
		}
		c, err := (&net.Dialer{Timeout: 50 * time.Millisecond}).DialContext(ctx, "tcp", addr)
		if err != nil {
			time.Sleep(200 * time.Microsecond)
			continue
		}
		_ = c.Close()
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
		if err != nil {
			return nil, err
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = fnv1.NewFunctionRunnerServiceClient(conn).RunFunction(cctx, req, grpc.WaitForReady(true))
		cancel()
		if err != nil {
			_ = conn.Close()
			time.Sleep(time.Millisecond)
			continue
		}
		p.startup = time.Since(t0)
		p.conn = conn
		return p, nil
	}
	p.stop()
	return nil, fmt.Errorf("no successful call within %s\n%s", startTimeout, log.String())
}

// stop ends the server with SIGTERM, and SIGKILL if it lingers.
func (p *proc) stop() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case p.exitErr = <-p.exited:
	case <-timer.C:
		_ = p.cmd.Process.Kill()
		p.exitErr = <-p.exited
	}
}

func freeAddr(ctx context.Context) (string, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close() //nolint:errcheck // only its port is wanted.
	return l.Addr().String(), nil
}

// clockTick is the unit of /proc/<pid>/stat's utime and stime: USER_HZ,
// 100 on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime is the user and system CPU time of every thread of a process:
// the counters getrusage(RUSAGE_SELF) reports, read from outside.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields follow its last ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// memory is what /proc/PID/status says of a process's memory, in bytes:
// the peak resident set (VmHWM), and of the resident set now, the anonymous
// part (heap, stacks, written data) and the part mapped from files (the
// binary's text and read-only data the process touched).
type memory struct {
	peak, anon, file int64
}

// readMemory reads a process's memory counters.
func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close() //nolint:errcheck // read only.
	var m memory
	fields := map[string]*int64{"VmHWM:": &m.peak, "RssAnon:": &m.anon, "RssFile:": &m.file}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for prefix, dst := range fields {
			v, ok := strings.CutPrefix(sc.Text(), prefix)
			if !ok {
				continue
			}
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return memory{}, fmt.Errorf("%s %w", prefix, err)
			}
			*dst = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return memory{}, err
	}
	if m.peak == 0 {
		return memory{}, errors.New("no VmHWM in /proc status")
	}
	return m, nil
}

// peakRSS is the process's peak resident set size (VmHWM).
func peakRSS(pid int) (int64, error) {
	m, err := readMemory(pid)
	return m.peak, err
}

func readRequest(path string) (*fnv1.RunFunctionRequest, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the captured requests.
	if err != nil {
		return nil, err
	}
	req := &fnv1.RunFunctionRequest{}
	if err := protojson.Unmarshal(b, req); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return req, nil
}

func (s *sample) perCall(d time.Duration) time.Duration {
	if s.calls == 0 {
		return 0
	}
	return d / time.Duration(s.calls)
}

func (s *sample) quantile(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	l := slices.Clone(s.lat)
	slices.Sort(l)
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

// The targets of issue 26, checked in every run's output.
const (
	targetRatio   = 1.5
	targetPeakRSS = 32 << 20
	targetStartup = 15 * time.Millisecond
)

// print writes the report as docs/performance.md shows it.
func (r *loadReport) print(c loadConfig) error {
	var w strings.Builder
	fmt.Fprintf(&w, "machine: %s, %d CPUs, %s %s/%s; example %s; %d rounds of at most %d calls or %s per phase\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, c.example, c.rounds, c.calls, c.duration)
	for _, s := range r.states {
		fmt.Fprintf(&w, "%s: request %s (%d observed resources), response %s\n", s.name, kb(proto.Size(s.req)), s.observed, kb(proto.Size(s.rsp)))
	}
	w.WriteString("\n| transport | state | callers | calls function / canned | req/s function / canned | p50 function / canned | p99 function / canned | CPU/call function | CPU/call canned | CPU ratio |\n")
	w.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	worst, worstRow := 0.0, ""
	for _, t := range c.transports {
		for _, s := range r.states {
			for _, n := range c.callers {
				fnS, flS := r.samples[key{t, function, s.name, n}], r.samples[key{t, floor, s.name, n}]
				ratio := 0.0
				if flS.perCall(flS.cpu) > 0 {
					ratio = float64(fnS.perCall(fnS.cpu)) / float64(flS.perCall(flS.cpu))
				}
				if ratio > worst {
					worst, worstRow = ratio, fmt.Sprintf("%s %s %d callers", t, s.name, n)
				}
				fmt.Fprintf(&w, "| %s | %s | %d | %d / %d | %.0f / %.0f | %s / %s | %s / %s | %s | %s | %.2fx |\n",
					t, s.name, n, fnS.calls, flS.calls, fnS.rate(), flS.rate(),
					ms(fnS.quantile(0.5)), ms(flS.quantile(0.5)), ms(fnS.quantile(0.99)), ms(flS.quantile(0.99)),
					ms(fnS.perCall(fnS.cpu)), ms(flS.perCall(flS.cpu)), ratio)
			}
		}
	}
	w.WriteString("\n| transport | server | binary | first successful call after start (median, min of starts) | peak RSS (VmHWM) | RSS at the end: anonymous + file |\n")
	w.WriteString("|---|---|--:|--:|--:|--:|\n")
	var fnPeak int64
	var fnStart time.Duration
	for _, t := range c.transports {
		for _, name := range []string{function, floor} {
			srv := server{t, name}
			st := slices.Sorted(slices.Values(r.startup[srv]))
			med, least := time.Duration(0), time.Duration(0)
			if len(st) > 0 {
				med, least = st[len(st)/2], st[0]
			}
			if name == function {
				fnPeak, fnStart = max(fnPeak, r.peakRSS[srv]), max(fnStart, med)
			}
			m := r.memory[srv]
			fmt.Fprintf(&w, "| %s | %s | %.1f MB | %s (min %s, %d starts) | %s | %s + %s |\n",
				t, name, float64(r.size[name])/1e6, ms(med), ms(least), len(st), mib(r.peakRSS[srv]), mib(m.anon), mib(m.file))
		}
	}
	fmt.Fprintf(&w, "\ntargets (function): CPU per call <= %.1fx the canned server's in every row: %s (worst %.2fx, %s); "+
		"peak RSS <= %s with %d callers: %s (%s); first successful call <= %s after start: %s (median %s); binary %.1f MB\n",
		targetRatio, holds(worst <= targetRatio), worst, worstRow,
		mib(targetPeakRSS), slices.Max(c.callers), holds(fnPeak <= targetPeakRSS), mib(fnPeak),
		ms(targetStartup), holds(fnStart <= targetStartup), ms(fnStart), float64(r.size[function])/1e6)
	_, err := io.WriteString(c.out, w.String())
	return err
}

func holds(ok bool) string {
	if ok {
		return "holds"
	}
	return "does not hold"
}

func (s *sample) rate() float64 {
	if s.wall <= 0 {
		return 0
	}
	return float64(s.calls) / s.wall.Seconds()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}
