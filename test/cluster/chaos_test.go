package cluster_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// The chaos suite (issue 25): faults and load on the same real control plane
// as TestCluster, one fresh plane per experiment. It runs only with CHAOS=1
// (make chaos, hack/chaos.sh), never in go test ./...; CHAOS_ONLY=load,faults
// selects experiments. Every experiment adds its figures to a summary written
// to _output/chaos/summary.md and summary.json and printed at the end.

const (
	// chaosTimeout bounds the whole chaos suite.
	chaosTimeout = 100 * time.Minute
	// chaosLabel marks every XR an experiment applies, so its watch sees
	// only those.
	chaosLabel = "test.spacescaling.crossplane.io/chaos"
	// functionMetrics is where the function serves its metrics, inside
	// Crossplane's network namespace (its default --metrics-address).
	functionMetrics = "127.0.0.1:8080"
)

// chaosClouds are the examples the experiments spread their XRs over.
var chaosClouds = []string{"example/xr-aws.yaml", "example/xr-gcp.yaml", "example/xr-azure.yaml"}

// experiment is one chaos experiment; run starts its own plane(s).
type experiment struct {
	name string
	run  func(ctx context.Context, t *testing.T, e env, sum *chaosSummary)
}

func chaosExperiments() []experiment {
	return []experiment{
		{"load", chaosLoad},
		{"faults", chaosFaults},
		{"unreachable", chaosUnreachable},
		{"readopt", chaosReadopt},
		{"badinput", chaosBadInput},
	}
}

func TestChaos(t *testing.T) {
	if os.Getenv("CHAOS") != "1" {
		t.Skip("the chaos suite runs with CHAOS=1 (make chaos); minutes of faults and load on a real control plane")
	}
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), chaosTimeout)
	defer cancel()
	only := phases(os.Getenv("CHAOS_ONLY"))
	sum := &chaosSummary{}
	out := filepath.Join(e.root, "_output", "chaos")
	defer func() {
		md, err := sum.write(out)
		if err != nil {
			t.Errorf("cannot write the summary: %v", err)
		}
		t.Logf("chaos summary (%s):\n%s", filepath.Join("_output", "chaos"), md)
	}()
	for _, x := range chaosExperiments() {
		if !only(x.name) {
			continue
		}
		t.Run(x.name, func(t *testing.T) { x.run(ctx, t, e, sum) })
	}
}

// chaosPlane is a fresh plane for one experiment, with the cluster-scoped
// XRD and Composition installed, and the handles to kill and restart its
// processes.
type chaosPlane struct {
	*plane
	e     env
	start time.Time
	// t is the experiment's test: what respawn starts lives as long as the
	// plane, not as long as the subtest that restarted it.
	t *testing.T
	// restarts counts the processes found dead after a fault and started
	// again, as a kubelet would (restartPolicy Always).
	restarts map[string]int
}

func newChaosPlane(ctx context.Context, t *testing.T, e env) *chaosPlane {
	t.Helper()
	start := time.Now()
	dir := t.TempDir()
	step := func(name string) { t.Logf("[%6.1fs] %s", time.Since(start).Seconds(), name) }
	// On failure keep every process log in _output/chaos/logs/<test>.
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		keep := filepath.Join(e.root, "_output", "chaos", "logs", strings.ReplaceAll(t.Name(), "/", "_"))
		_ = os.RemoveAll(keep)
		if err := os.CopyFS(keep, os.DirFS(filepath.Join(dir, "logs"))); err != nil {
			t.Logf("cannot keep the logs in %s: %v", keep, err)
		} else {
			t.Logf("process logs kept in %s", keep)
		}
	})
	pl := newPlane(ctx, t, e, dir, step)
	step("cluster-scoped XRD and Composition")
	pl.s.install(ctx, t, "example/xrd.yaml", "example/composition.yaml")
	step("plane ready")
	return &chaosPlane{plane: pl, e: e, start: start, t: t, restarts: map[string]int{}}
}

// xr is the example of cloud i (mod 3) renamed, in a Spaces namespace of its
// own, labelled for the experiment's watch.
func (c *chaosPlane) xr(t *testing.T, i int, name string) *unstructured.Unstructured {
	t.Helper()
	x := c.s.day2XR(t, chaosClouds[i%len(chaosClouds)], name)
	x.SetLabels(map[string]string{chaosLabel: "true"})
	return x
}

// last returns the process last started under name.
func (c *chaosPlane) last(name string) *proc {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	for i := len(c.p.list) - 1; i >= 0; i-- {
		if c.p.list[i].name == name {
			return c.p.list[i]
		}
	}
	return nil
}

// kill sends SIGKILL to a process and waits until it is gone.
func (c *chaosPlane) kill(t *testing.T, name string) {
	t.Helper()
	pr := c.last(name)
	if pr == nil {
		t.Fatalf("no process %s", name)
	}
	_ = pr.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-pr.done:
	case <-time.After(stopTimeout):
		t.Fatalf("%s survived SIGKILL for %s", name, stopTimeout)
	}
}

// stop ends a process the way a Pod deletion does (SIGTERM, then SIGKILL).
func (c *chaosPlane) stop(t *testing.T, name string) {
	t.Helper()
	pr := c.last(name)
	if pr == nil {
		t.Fatalf("no process %s", name)
	}
	pr.stop(t)
}

// respawn starts a process again with the command line and environment it
// last ran with, in the namespace it needs: the function in Crossplane's,
// provider-kubernetes in a new one of its own (its ports are fixed).
func (c *chaosPlane) respawn(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if name == "crossplane" {
		c.xp.proc = c.xp.start()
		return
	}
	old := c.last(name)
	if old == nil {
		t.Fatalf("no process %s", name)
	}
	if done, _ := old.exited(); !done {
		t.Fatalf("%s is still running", name)
	}
	cmd := command(context.WithoutCancel(ctx), old.cmd.Path, old.cmd.Args[1:]...)
	cmd.Env, cmd.Dir = old.cmd.Env, old.cmd.Dir
	var ns *netns
	switch name {
	case "function":
		ns = c.xp.ns
	case "provider-kubernetes":
		ns = newNetNS(c.t, name, "")
		ns.bridge(context.WithoutCancel(ctx), t, c.cp.apiAddr)
	}
	c.p.start(c.t, name, ns, cmd)
	switch name {
	case "kube-apiserver":
		waitReady(ctx, t, c.p, name, "https://"+c.cp.apiAddr+"/readyz", c.cp.pki.caPEM)
	case "function":
		eventually(ctx, t, time.Minute, "the function to listen again", func() (bool, string, error) {
			conn, err := c.xp.ns.dial(ctx, net.JoinHostPort("127.0.0.1", strconv.Itoa(functionPort)))
			if err != nil {
				return false, err.Error(), nil //nolint:nilerr // not listening yet: poll again.
			}
			_ = conn.Close()
			return true, "", nil
		}, c.p.logs)
	}
}

// supervise restarts every process of the plane that has exited, as the
// kubelet restarts a crashed container, and counts it.
func (c *chaosPlane) supervise(ctx context.Context, t *testing.T) {
	t.Helper()
	for _, n := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "crossplane", "function", "provider-kubernetes"} {
		pr := c.last(n)
		if n == "crossplane" {
			pr = c.xp.proc
		}
		if pr == nil {
			continue
		}
		if done, err := pr.exited(); done {
			t.Logf("%s had exited (%v): starting it again, as a kubelet would", n, err)
			c.restarts[n]++
			c.respawn(ctx, t, n)
		}
	}
}

// fnMetrics reads the function's metrics endpoint inside Crossplane's network
// namespace and returns the calls by outcome.
func (c *chaosPlane) fnCalls(ctx context.Context) (map[string]float64, error) {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return c.xp.ns.dial(ctx, functionMetrics) },
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+functionMetrics+"/metrics", http.NoBody)
	if err != nil {
		return nil, err
	}
	rsp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rsp.Body.Close() }()
	out := map[string]float64{}
	sc := bufio.NewScanner(rsp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if m := callsLine.FindStringSubmatch(sc.Text()); m != nil {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				return nil, err
			}
			out[m[1]] += v
		}
	}
	return out, sc.Err()
}

var callsLine = regexp.MustCompile(`^function_space_scaling_run_function_duration_seconds_count\{outcome="([a-z]+)"\} ([0-9.e+]+)$`)

// peakRSS is the function process's peak resident set (VmHWM), in MiB.
func (c *chaosPlane) peakRSS() (float64, error) {
	pr := c.last("function")
	if pr == nil {
		return 0, fmt.Errorf("no function process")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pr.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pr.cmd.Process.Pid)
}

// circuitLogLines counts Crossplane's "Circuit breaker is open" log lines (one
// per reconcile of an XR while its breaker is open).
func (c *chaosPlane) circuitLogLines() int {
	b, err := os.ReadFile(filepath.Join(c.p.dir, "crossplane.log"))
	if err != nil {
		return -1
	}
	return strings.Count(string(b), "Circuit breaker is open")
}

// xrWatch records, from the API server's watch stream, every change of the
// Ready and Responsive conditions of the XRs carrying chaosLabel.
type xrWatch struct {
	mu      sync.Mutex
	ready   map[string][]readyTransition
	circuit map[string]int // Responsive -> False (WatchCircuitOpen) transitions
	open    map[string]bool
}

func (c *chaosPlane) watchXRs(ctx context.Context, t *testing.T) *xrWatch {
	t.Helper()
	w := &xrWatch{ready: map[string][]readyTransition{}, circuit: map[string]int{}, open: map[string]bool{}}
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		rv := ""
		for wctx.Err() == nil {
			ri, err := c.s.k.resource(gvk, "")
			var wi watch.Interface
			if err == nil {
				wi, err = ri.Watch(wctx, metav1.ListOptions{LabelSelector: chaosLabel, ResourceVersion: rv, AllowWatchBookmarks: true})
			}
			if err != nil {
				rv = ""
				select {
				case <-wctx.Done():
				case <-time.After(time.Second):
				}
				continue
			}
			for ev := range wi.ResultChan() {
				o, ok := ev.Object.(*unstructured.Unstructured)
				if !ok {
					continue
				}
				rv = o.GetResourceVersion()
				if ev.Type == watch.Added || ev.Type == watch.Modified {
					w.observe(o)
				}
			}
			wi.Stop()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return w
}

func (w *xrWatch) observe(o *unstructured.Unstructured) {
	st, r, m := condition(o, "Ready")
	rs, rr, _ := condition(o, "Responsive")
	w.mu.Lock()
	defer w.mu.Unlock()
	n := o.GetName()
	open := rs == "False" && rr == "WatchCircuitOpen"
	if open && !w.open[n] {
		w.circuit[n]++
	}
	w.open[n] = open
	ts := w.ready[n]
	if k := len(ts); k > 0 && ts[k-1].status == st {
		return
	}
	w.ready[n] = append(ts, readyTransition{at: time.Now(), status: st, reason: r, message: m})
}

// firstReady is when each XR first became Ready.
func (w *xrWatch) firstReady() map[string]time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]time.Time{}
	for n, ts := range w.ready {
		for _, tr := range ts {
			if tr.status == "True" {
				out[n] = tr.at
				break
			}
		}
	}
	return out
}

// flaps lists the Ready True -> not True transitions after since.
func (w *xrWatch) flaps(since time.Time) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for n, ts := range w.ready {
		for i := 1; i < len(ts); i++ {
			if ts[i].at.After(since) && ts[i-1].status == "True" && ts[i].status != "True" {
				out = append(out, fmt.Sprintf("%s: Ready=%s at %s (%s: %s)", n, ts[i].status, ts[i].at.Format(time.TimeOnly), ts[i].reason, ts[i].message))
			}
		}
	}
	sort.Strings(out)
	return out
}

func (w *xrWatch) circuitOpens() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, v := range w.circuit {
		n += v
	}
	return n
}

// waitAllReady waits until every named XR is Ready (read from the API
// server, not the watch, so it also holds right after a restart) and
// returns how long it took.
func (c *chaosPlane) waitAllReady(ctx context.Context, t *testing.T, names []string, timeout time.Duration, what string) time.Duration {
	t.Helper()
	start := time.Now()
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	eventually(ctx, t, timeout, what, func() (bool, string, error) {
		var waiting []string
		for _, n := range names {
			o, err := c.s.k.get(ctx, gvk, "", n)
			if err != nil {
				return false, "", err
			}
			if o == nil {
				waiting = append(waiting, n+" (absent)")
				continue
			}
			if st, r, m := condition(o, "Ready"); st != "True" {
				waiting = append(waiting, fmt.Sprintf("%s (Ready=%s %s %s)", n, st, r, m))
			}
		}
		return len(waiting) == 0, fmt.Sprintf("%d of %d not Ready: %s", len(waiting), len(names), strings.Join(waiting, "; ")), nil
	}, c.s.report)
	return time.Since(start)
}

// identity is what must never change across a fault: the UID of every
// composed resource of every XR and of every object provider-kubernetes
// created for an Object, and how many objects of each kind carry the XR's
// label (a duplicate would add one).
type identity struct {
	xrs    map[string]bool   // the XRs it covers
	uids   map[string]string // "xr kind/namespace/name" -> uid
	counts map[string]int    // xr/kind -> objects labelled with the XR
	refs   map[string]int    // xr/kind -> resources the XR references
}

func (c *chaosPlane) identity(ctx context.Context, t *testing.T, names []string) identity {
	t.Helper()
	id := identity{xrs: map[string]bool{}, uids: map[string]string{}, counts: map[string]int{}, refs: map[string]int{}}
	gvk := c.xr(t, 0, "probe").GroupVersionKind()
	kinds := map[schema.GroupVersionKind]bool{}
	for _, n := range names {
		id.xrs[n] = true
		xr, cs, err := c.s.composedOf(ctx, gvk, n)
		if err != nil || xr == nil {
			t.Fatalf("cannot read %s and what it composed: %v", n, err)
		}
		for _, cr := range cs {
			if cr.obj == nil {
				t.Fatalf("%s references %s that does not exist", n, cr.ref.Kind)
			}
			kinds[cr.ref] = true
			id.refs[n+"/"+cr.ref.Kind]++
			id.uids[n+" "+cr.ref.Kind+"/"+key(cr.obj)] = string(cr.obj.GetUID())
			if cr.ref.Kind != "Object" {
				continue
			}
			m, _, _ := unstructured.NestedMap(cr.obj.Object, "spec", "forProvider", "manifest")
			u := &unstructured.Unstructured{Object: m}
			got, err := c.s.k.get(ctx, u.GroupVersionKind(), u.GetNamespace(), u.GetName())
			if err != nil {
				t.Fatalf("cannot read %s %s: %v", u.GetKind(), key(u), err)
			}
			if got != nil {
				id.uids[n+" in the Space: "+u.GetKind()+"/"+key(got)] = string(got.GetUID())
			}
		}
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for gvk := range kinds {
		l, err := c.s.k.list(ctx, gvk)
		if err != nil {
			t.Fatalf("cannot list %s: %v", gvk.Kind, err)
		}
		for _, o := range l {
			if x := o.GetLabels()[compositeLabel]; want[x] {
				id.counts[x+"/"+gvk.Kind]++
			}
		}
	}
	return id
}

// diff lists what changed from was to now for the XRs was covers: deleted,
// recreated, new.
func (was identity) diff(now identity) []string {
	var out []string
	for k, uid := range was.uids {
		switch got, ok := now.uids[k]; {
		case !ok:
			out = append(out, k+" is gone")
		case got != uid:
			out = append(out, fmt.Sprintf("%s was recreated (uid %s, was %s)", k, got, uid))
		}
	}
	for k := range now.uids {
		xr, _, _ := strings.Cut(k, " ")
		if _, ok := was.uids[k]; !ok && was.xrs[xr] {
			out = append(out, k+" is new")
		}
	}
	for k, n := range was.counts {
		if now.counts[k] != n {
			out = append(out, fmt.Sprintf("%s: %d objects labelled with the XR, were %d", k, now.counts[k], n))
		}
	}
	sort.Strings(out)
	return out
}

// chaosSummary collects the figures of every experiment.
type chaosSummary struct {
	mu   sync.Mutex
	rows []chaosRow
}

// chaosRow is one case of one experiment: its figures in order.
type chaosRow struct {
	Experiment string       `json:"experiment"`
	Case       string       `json:"case"`
	Passed     bool         `json:"passed"`
	Figures    []chaosValue `json:"figures"`
}

type chaosValue struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// add records a case; passed is read when the summary is written, so a
// row added before the case's checks reports their outcome.
func (s *chaosSummary) add(t *testing.T, experiment, name string, kv ...any) {
	t.Helper()
	r := chaosRow{Experiment: experiment, Case: name}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Figures = append(r.Figures, chaosValue{Name: fmt.Sprint(kv[i]), Value: kv[i+1]})
	}
	s.mu.Lock()
	i := len(s.rows)
	s.rows = append(s.rows, r)
	s.mu.Unlock()
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rows[i].Passed = !t.Failed()
	})
}

// write writes summary.json and summary.md into dir and returns the Markdown.
func (s *chaosSummary) write(dir string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	doc := struct {
		Date    string     `json:"date"`
		Machine string     `json:"machine"`
		Rows    []chaosRow `json:"experiments"`
	}{time.Now().UTC().Format(time.RFC3339), machine(), s.rows}
	j, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), append(j, '\n'), 0o600); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Chaos suite, %s, %s\n", doc.Date, doc.Machine)
	var last string
	for _, r := range s.rows {
		if r.Experiment != last {
			last = r.Experiment
			fmt.Fprintf(&b, "\n### %s\n\n| case | result |", r.Experiment)
			for _, f := range r.Figures {
				fmt.Fprintf(&b, " %s |", f.Name)
			}
			b.WriteString("\n|---|---|")
			b.WriteString(strings.Repeat("---|", len(r.Figures)))
			b.WriteString("\n")
		}
		res := "pass"
		if !r.Passed {
			res = "FAIL"
		}
		fmt.Fprintf(&b, "| %s | %s |", r.Case, res)
		for _, f := range r.Figures {
			fmt.Fprintf(&b, " %s |", cell(f.Value))
		}
		b.WriteString("\n")
	}
	md := b.String()
	return md, os.WriteFile(filepath.Join(dir, "summary.md"), []byte(md), 0o600)
}

func cell(v any) string {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', 1, 64)
	case time.Duration:
		return strconv.FormatFloat(x.Seconds(), 'f', 1, 64) + " s"
	default:
		return strings.ReplaceAll(fmt.Sprint(v), "|", "/")
	}
}

// machine says what ran the suite: CPUs, memory and load.
func machine() string {
	cpus := 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		cpus = strings.Count(string(b), "\nprocessor") + 1
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
				mem = fmt.Sprintf(", %.1f GiB", kb/(1<<20))
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%d CPUs%s%s", cpus, mem, load)
}

// percentile returns the p-th percentile (nearest rank) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p/100*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}
