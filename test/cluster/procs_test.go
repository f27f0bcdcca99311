package cluster_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopTimeout is how long a process may take to exit after SIGTERM before it
// is killed.
const stopTimeout = 15 * time.Second

// logTail is how much of each process log a failure prints.
const logTail = 12 << 10

// procs are the processes the suite owns. Each writes its output to a log
// file in the suite's temp folder; a failing test prints the tail of every
// log.
type procs struct {
	dir string

	mu   sync.Mutex
	list []*proc
}

type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// start runs cmd as name, in ns when ns is not nil, and stops it (SIGTERM,
// then SIGKILL) when the test ends.
func (p *procs) start(t *testing.T, name string, ns *netns, cmd *exec.Cmd) *proc {
	t.Helper()
	logPath := filepath.Join(p.dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) //nolint:gosec // G304: a log in the suite's temp folder.
	if err != nil {
		t.Fatalf("cannot create the log of %s: %v", name, err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	// A process group of its own, so stopping it reaches nothing else, and
	// SIGKILL if the test binary dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if ns != nil {
		ns.do(func() { err = cmd.Start() })
	} else {
		err = cmd.Start()
	}
	_ = f.Close()
	if err != nil {
		t.Fatalf("cannot start %s (%s): %v", name, cmd.Path, err)
	}
	pr := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		pr.err = cmd.Wait()
		close(pr.done)
	}()
	p.mu.Lock()
	p.list = append(p.list, pr)
	p.mu.Unlock()
	t.Cleanup(func() { pr.stop(t) })
	t.Logf("started %s (pid %d): %s", name, cmd.Process.Pid, strings.Join(cmd.Args, " "))
	return pr
}

// stop ends the process and waits for it.
func (pr *proc) stop(t *testing.T) {
	t.Helper()
	select {
	case <-pr.done:
		return
	default:
	}
	_ = pr.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-pr.done:
	case <-time.After(stopTimeout):
		t.Logf("%s did not stop within %s of SIGTERM: killing it", pr.name, stopTimeout)
		_ = pr.cmd.Process.Kill()
		<-pr.done
	}
}

// exited reports whether the process has ended, and how.
func (pr *proc) exited() (bool, error) {
	select {
	case <-pr.done:
		return true, pr.err
	default:
		return false, nil
	}
}

// logs returns the tail of every process log, and says which processes
// have exited.
func (p *procs) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	for _, pr := range p.list {
		state := "running"
		if done, err := pr.exited(); done {
			state = fmt.Sprintf("exited: %v", err)
		}
		fmt.Fprintf(&b, "\n----- %s (%s), last %d KiB of its log -----\n", pr.name, state, logTail>>10)
		b.WriteString(tail(pr.log, logTail))
	}
	return b.String()
}

// command is exec.CommandContext for the binaries the suite runs: the tools
// hack/tools.sh built, the function it extracted, the repository's scripts.
func command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, bin, args...) //nolint:gosec // G204: the suite chooses every binary and argument.
}

// tail returns the last n bytes of a file.
func tail(path string, n int64) string {
	f, err := os.Open(path) //nolint:gosec // G304: a log in the suite's temp folder.
	if err != nil {
		return err.Error()
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	off := max(fi.Size()-n, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return err.Error()
	}
	return string(buf)
}
