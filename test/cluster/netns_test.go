package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// netns is a private network and mount namespace held by one locked OS
// thread. Processes started through it live in that namespace: they see only
// their own loopback interface (so fixed ports such as Crossplane's 9443 for
// functions or a provider's :8080 metrics never collide with anything on the
// machine), and, when hosts is given, a private /etc/hosts that maps the
// Service DNS names Crossplane dials to loopback. Chosen host-side loopback
// ports are bridged into it on the same port numbers.
type netns struct {
	ctx    context.Context // ends when the namespace does
	cancel context.CancelFunc
	name   string
	calls  chan func()
	done   chan struct{}

	mu   sync.Mutex
	lis  []net.Listener
	stop bool
}

// newNetNS creates the namespace; hosts, when not empty, is bind-mounted over
// /etc/hosts inside it. The namespace ends when the test's cleanups run.
func newNetNS(t *testing.T, name, hosts string) *netns {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n := &netns{ctx: ctx, cancel: cancel, name: name, calls: make(chan func()), done: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		// The thread never returns to the scheduler's pool: when this
		// goroutine ends, Go ends the thread with it, namespace and all.
		runtime.LockOSThread()
		defer close(n.done)
		if err := enterPrivateNamespaces(hosts); err != nil {
			errc <- err
			return
		}
		errc <- nil
		for f := range n.calls {
			f()
		}
	}()
	if err := <-errc; err != nil {
		t.Fatalf("cannot create the private namespaces for %s: %v", name, err)
	}
	t.Cleanup(n.close)
	return n
}

// enterPrivateNamespaces moves the calling (locked) thread into new network
// and mount namespaces, brings up loopback and installs hosts.
func enterPrivateNamespaces(hosts string) error {
	if err := unix.Unshare(unix.CLONE_NEWNET | unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare: %w", err)
	}
	// Keep mounts made here out of the machine's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if hosts != "" {
		if err := unix.Mount(hosts, "/etc/hosts", "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mount the hosts file: %w", err)
		}
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer func() { _ = unix.Close(fd) }()
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("read the loopback flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring up loopback: %w", err)
	}
	return nil
}

// do runs f on the namespace's thread: sockets it opens and processes it
// starts belong to the namespace.
func (n *netns) do(f func()) {
	ran := make(chan struct{})
	n.calls <- func() {
		defer close(ran)
		f()
	}
	<-ran
}

// bridge listens on addr (a loopback host:port) inside the namespace and
// forwards each connection to the same address outside it.
func (n *netns) bridge(ctx context.Context, t *testing.T, addr string) {
	t.Helper()
	var lis net.Listener
	var err error
	n.do(func() { lis, err = (&net.ListenConfig{}).Listen(ctx, "tcp", addr) })
	if err != nil {
		t.Fatalf("%s: cannot listen on %s: %v", n.name, addr, err)
	}
	n.mu.Lock()
	n.lis = append(n.lis, lis)
	n.mu.Unlock()
	go func() {
		for {
			in, err := lis.Accept()
			if err != nil {
				return // closed
			}
			go pipe(n.ctx, in, addr)
		}
	}()
}

// pipe copies in to a new connection to addr (dialed from a thread outside
// the namespace) and back, until either side closes.
func pipe(ctx context.Context, in net.Conn, addr string) {
	defer func() { _ = in.Close() }()
	var d net.Dialer
	out, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return
	}
	defer func() { _ = out.Close() }()
	// When either side stops, both connections close (the deferred Closes),
	// which ends the other copy too.
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
	go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
	<-done
}

// dial connects to addr from inside the namespace.
func (n *netns) dial(ctx context.Context, addr string) (net.Conn, error) {
	var c net.Conn
	var err error
	n.do(func() {
		var d net.Dialer
		c, err = d.DialContext(ctx, "tcp", addr)
	})
	return c, err
}

func (n *netns) close() {
	n.mu.Lock()
	if n.stop {
		n.mu.Unlock()
		return
	}
	n.stop = true
	n.cancel()
	for _, l := range n.lis {
		_ = l.Close()
	}
	n.mu.Unlock()
	close(n.calls)
	<-n.done
}

// canCreateNamespaces reports whether this process may create namespaces
// (root, or CAP_SYS_ADMIN), which the suite needs.
func canCreateNamespaces() bool { return os.Geteuid() == 0 }
