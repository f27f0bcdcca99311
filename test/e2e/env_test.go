package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// Timeouts of the external commands the tests run.
const (
	buildTimeout    = 10 * time.Minute // go build of the function; minutes only on a cold build cache
	renderTimeout   = 3 * time.Minute  // one crossplane composition render
	validateTimeout = 3 * time.Minute  // one crossplane resource validate
	startTimeout    = 30 * time.Second // until the function accepts connections
	stopTimeout     = 10 * time.Second // after SIGTERM, before SIGKILL
)

// env is what the end-to-end tests need from the machine.
type env struct {
	root       string // the module root (holds go.mod)
	crossplane string // the Crossplane CLI (composition render, resource validate)
	engine     string // the Crossplane engine binary render runs
	crdsDir    string // upstream CRDs to validate composed resources against
}

// inCI reports whether the tests run in CI, where a missing prerequisite is
// a failure rather than a reason to skip.

// setup finds the module root, the Crossplane binaries and the CRD folder.
// Outside CI a missing prerequisite skips the test; in CI it fails it,
// because hack/test.sh builds the tools before running the tests.
func setup(t *testing.T) env {
	t.Helper()
	return prerequisites(t, true)
}

// prerequisites is setup; withTools false needs only the CRD folder.
func prerequisites(t *testing.T, withTools bool) env {
	t.Helper()
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatalf("cannot find the module root: %v", err)
	}
	e := env{
		root:       root,
		crossplane: filepath.Join(root, "_tools", "bin", "crossplane"),
		engine:     filepath.Join(root, "_tools", "bin", "crossplane-engine"),
		crdsDir:    os.Getenv("CRDS_DIR"),
	}
	if e.crdsDir == "" {
		e.crdsDir = filepath.Join(root, "..", "shared", "crds")
	}
	var missing []string
	if withTools {
		for _, bin := range []string{e.crossplane, e.engine} {
			if fi, err := os.Stat(bin); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
				missing = append(missing, fmt.Sprintf("%s (build it with ./hack/tools.sh)", bin))
			}
		}
	}
	if fi, err := os.Stat(e.crdsDir); err != nil || !fi.IsDir() {
		missing = append(missing, fmt.Sprintf("CRD folder %s (set CRDS_DIR, or put shared/crds beside the project)", e.crdsDir))
	}
	testutil.Prerequisites(t, "end-to-end", missing)
	return e
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a process's
// stdout and stderr copiers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// result is the outcome of one external command.
type result struct {
	stdout, stderr string
	err            error
}

// combined is stdout and stderr, for messages and for searching.
func (r result) combined() string { return r.stdout + r.stderr }

// run runs name with args in dir, bounded by timeout. A non-zero exit is
// returned in result.err, not reported, so callers can expect failures.
func run(t *testing.T, timeout time.Duration, dir, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // G204: the tests choose the binaries and arguments.
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s: %w", timeout, ctx.Err())
	}
	t.Logf("ran %s %s (%s)", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// function is the function under test, serving gRPC without TLS on loopback.
type function struct {
	address string // host:port it listens on
}

// startFunction builds the function from the module root, starts it on a free
// loopback port and waits until it accepts connections. It stops the process
// when the test ends and prints the process's log if the test failed.
func startFunction(t *testing.T, e env) function {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "function-space-scaling")
	if r := run(t, buildTimeout, e.root, "go", "build", "-o", bin, "."); r.err != nil {
		t.Fatalf("cannot build the function: %v\n%s", r.err, r.combined())
	}

	port, err := freePort()
	if err != nil {
		t.Fatalf("cannot find a free port: %v", err)
	}
	address := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	// The process lives for the whole test: its context ends at the test's
	// deadline or in the cleanup, whichever comes first. Ending it sends
	// SIGTERM, then SIGKILL after stopTimeout.
	lifetime := 30 * time.Minute
	if d, ok := t.Deadline(); ok {
		lifetime = time.Until(d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), lifetime)
	cmd := exec.CommandContext(ctx, bin, "--insecure", "--address", address, "--metrics-address", "") //nolint:gosec // G204: the binary this test just built.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopTimeout
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("cannot start the function: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		cancel()
		stopped := <-exited // "signal: terminated" when the cleanup stopped it
		if t.Failed() {
			t.Logf("function (%v) log:\n%s", stopped, log.String())
		}
	})

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case err := <-exited:
			exited <- err // let the cleanup see it too
			t.Fatalf("the function exited before accepting connections: %v\n%s", err, log.String())
		default:
		}
		d := net.Dialer{Timeout: time.Second}
		conn, err := d.DialContext(t.Context(), "tcp", address)
		if err == nil {
			_ = conn.Close()
			return function{address: address}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the function did not accept connections on %s within %s: %v\n%s", address, startTimeout, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before the function binds it; the start-up check then fails loudly.
func freePort() (int, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if err := l.Close(); err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", l.Addr())
	}
	return addr.Port, nil
}
