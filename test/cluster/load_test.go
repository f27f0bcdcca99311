package cluster_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

const (
	// loadLabel marks the XRs of the load test, so its watch sees only them.
	loadLabel = "test.spacescaling.crossplane.io/load"
	// loadQuiet is how long the load test keeps watching once every XR is
	// Ready, with nothing edited: a flap after that would go unseen.
	loadQuiet = 30 * time.Second
)

// readyTransition is one change of an XR's Ready condition, as watched.
type readyTransition struct {
	at                      time.Time
	status, reason, message string
}

// readyWatch records every change of the Ready condition of the XRs it
// watches, from the API server's watch stream (not polling, which would
// miss a flap shorter than its interval).
type readyWatch struct {
	mu   sync.Mutex
	seen map[string][]readyTransition
}

func (w *readyWatch) observe(o *unstructured.Unstructured) {
	st, r, m := condition(o, "Ready")
	w.mu.Lock()
	defer w.mu.Unlock()
	ts := w.seen[o.GetName()]
	if n := len(ts); n > 0 && ts[n-1].status == st {
		return
	}
	w.seen[o.GetName()] = append(ts, readyTransition{at: time.Now(), status: st, reason: r, message: m})
}

// allReady reports whether every one of names is Ready now.
func (w *readyWatch) allReady(names []string) (bool, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var waiting []string
	for _, n := range names {
		ts := w.seen[n]
		if len(ts) == 0 || ts[len(ts)-1].status != "True" {
			waiting = append(waiting, n)
		}
	}
	return len(waiting) == 0, fmt.Sprintf("%d of %d not Ready: %s", len(waiting), len(names), strings.Join(waiting, ", "))
}

// flaps lists every Ready True -> not True transition after an XR's first
// Ready, and when each XR first became Ready.
func (w *readyWatch) flaps() (flaps []string, firstReady map[string]time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	firstReady = map[string]time.Time{}
	for name, ts := range w.seen {
		for i, tr := range ts {
			if tr.status == "True" {
				if _, ok := firstReady[name]; !ok {
					firstReady[name] = tr.at
				}
				continue
			}
			if _, ok := firstReady[name]; ok && i > 0 && ts[i-1].status == "True" {
				flaps = append(flaps, fmt.Sprintf("%s: Ready=%s at +%.1fs after its first Ready (%s: %s)",
					name, tr.status, tr.at.Sub(firstReady[name]).Seconds(), tr.reason, tr.message))
			}
		}
	}
	slices.Sort(flaps)
	return flaps, firstReady
}

// run watches the XR kind's objects carrying loadLabel until ctx ends,
// starting again from the last resourceVersion when the server closes the
// stream.
func (w *readyWatch) run(ctx context.Context, t *testing.T, s *suite, xr *unstructured.Unstructured) {
	t.Helper()
	ri, err := s.k.resource(xr.GroupVersionKind(), xr.GetNamespace())
	if err != nil {
		t.Fatal(err)
	}
	rv := ""
	for ctx.Err() == nil {
		wi, err := ri.Watch(ctx, metav1.ListOptions{LabelSelector: loadLabel, ResourceVersion: rv, AllowWatchBookmarks: true})
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			rv = ""
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
}

// noReadyFlaps applies n copies of an example XR at once, each its own
// Space (its own name and Spaces namespace), lets the cloud finish all of
// them, waits until all are Ready and then watches them, unedited, for
// loadQuiet: no XR may turn unready after its first Ready (issue 27). The
// function runs with --debug, so its log says, for every readiness verdict
// that changed between two calls, what the observed state held.
func (s *suite) noReadyFlaps(ctx context.Context, t *testing.T, file string, n int) { //nolint:thelper // the body of a subtest.
	base := readObjects(t, filepath.Join(s.root, file))[0]
	names := make([]string, n)
	xrs := make([]*unstructured.Unstructured, n)
	for i := range n {
		x := base.DeepCopy()
		names[i] = fmt.Sprintf("load-%02d", i)
		x.SetName(names[i])
		x.SetLabels(map[string]string{loadLabel: "true"})
		if err := unstructured.SetNestedField(x.Object, "spaces-"+names[i], "spec", "spaces", "namespace"); err != nil {
			t.Fatal(err)
		}
		s.fake.release(names[i])
		xrs[i] = x
	}

	w := &readyWatch{seen: map[string][]readyTransition{}}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(wctx, t, s, base)
	}()
	defer func() {
		stop()
		<-done
	}()

	start := time.Now()
	for _, x := range xrs {
		mustApply(ctx, t, s.k, x)
	}
	eventually(ctx, t, 2*stepTimeout, fmt.Sprintf("%d XRs applied at once to be Ready", n), func() (bool, string, error) {
		ok, msg := w.allReady(names)
		return ok, msg, nil
	}, s.report)
	allReady := time.Since(start)
	select {
	case <-ctx.Done():
	case <-time.After(loadQuiet):
	}
	flaps, first := w.flaps()
	var slowest time.Duration
	for _, at := range first {
		slowest = max(slowest, at.Sub(start))
	}
	t.Logf("%d XRs: all Ready %.1fs after the apply (slowest first Ready %.1fs); watched %s more: %d Ready flaps",
		n, allReady.Seconds(), slowest.Seconds(), loadQuiet, len(flaps))
	changes := s.verdictChanges(t)
	down := 0
	for _, c := range changes {
		if wasReady.MatchString(c) {
			down++
		}
	}
	t.Logf("the function logged %d readiness verdict changes, %d of them from ready to not ready", len(changes), down)
	if len(flaps) > 0 {
		t.Errorf("%d Ready True -> False transitions after the first Ready, with nothing edited:\n%s\nevery readiness verdict change the function logged:\n%s",
			len(flaps), strings.Join(flaps, "\n"), strings.Join(changes, "\n"))
	}

	for _, x := range xrs {
		if err := s.k.delete(ctx, x.GroupVersionKind(), x.GetNamespace(), x.GetName()); err != nil {
			t.Fatal(err)
		}
	}
	eventually(ctx, t, stepTimeout, "the load test's XRs to be deleted", func() (bool, string, error) {
		for _, x := range xrs {
			if o, err := s.k.get(ctx, x.GroupVersionKind(), x.GetNamespace(), x.GetName()); err != nil || o != nil {
				return false, x.GetName() + " still exists", err
			}
		}
		return true, "", nil
	}, s.report)
}

// wasReady matches a verdict change from ready, in the function's debug
// log (zap's development encoder writes its fields as JSON with a space
// after each colon; the production one without).
var wasReady = regexp.MustCompile(`"was": ?true`)

// verdictChanges are the function's debug lines for verdicts that changed
// between two calls for the same XR.
func (s *suite) verdictChanges(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(s.functionLog)
	if err != nil {
		t.Logf("cannot read the function's log: %v", err)
		return nil
	}
	defer func() { _ = f.Close() }()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.Contains(l, "readiness verdict changed") {
			out = append(out, l)
		}
	}
	return out
}
