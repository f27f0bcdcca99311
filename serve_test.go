package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// pki is a CA and certificates it signed, written as PEM files.
type pki struct {
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPool *x509.CertPool
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p := &pki{dir: t.TempDir(), ca: ca, caKey: key, caPool: x509.NewCertPool()}
	p.caPool.AddCert(ca)
	writePEM(t, filepath.Join(p.dir, "ca.crt"), "CERTIFICATE", der)
	return p
}

// issue signs a certificate for usage (server or client).
func (p *pki) issue(t testing.TB, serial int64, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "function-space-scaling"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if usage == x509.ExtKeyUsageServerAuth {
		writePEM(t, filepath.Join(p.dir, "tls.crt"), "CERTIFICATE", der)
		writePEM(t, filepath.Join(p.dir, "tls.key"), "EC PRIVATE KEY", kb)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start serves f on a free loopback port until the test ends.
func start(t testing.TB, c *ServeCmd, f fnv1.FunctionRunnerServiceServer) (*server, context.CancelFunc, <-chan error) {
	t.Helper()
	c.Network, c.Address = "tcp", "127.0.0.1:0"
	if c.MaxRecvMessageSize == 0 {
		c.MaxRecvMessageSize = 4
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	s, err := newServer(c, f, logging.NewNopLogger(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return s, cancel, done
}

func dial(t testing.TB, addr string, creds credentials.TransportCredentials) fnv1.FunctionRunnerServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds), grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return fnv1.NewFunctionRunnerServiceClient(conn)
}

func call(c fnv1.FunctionRunnerServiceClient, req *fnv1.RunFunctionRequest) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.RunFunction(ctx, req)
	return err
}

func TestServeRefusesWithoutCredentials(t *testing.T) {
	_, err := newServer(&ServeCmd{Network: "tcp", Address: "127.0.0.1:0", MaxRecvMessageSize: 4}, fn.New(), logging.NewNopLogger(), prometheus.NewRegistry())
	if err == nil || !strings.Contains(err.Error(), "refusing to serve without credentials") {
		t.Fatalf("want a refusal without certificates or --insecure, got %v", err)
	}
}

func TestServeMTLS(t *testing.T) {
	p := newPKI(t)
	p.issue(t, 2, x509.ExtKeyUsageServerAuth)
	client := p.issue(t, 3, x509.ExtKeyUsageClientAuth)
	other := newPKI(t)
	stranger := other.issue(t, 4, x509.ExtKeyUsageClientAuth)

	s, _, _ := start(t, &ServeCmd{TLSCertsDir: p.dir}, fn.New())
	tlsCreds := func(certs ...tls.Certificate) credentials.TransportCredentials {
		return credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.caPool, Certificates: certs, ServerName: "localhost"})
	}
	cases := map[string]struct {
		creds credentials.TransportCredentials
		ok    bool
	}{
		"ClientCertificateFromTheCA": {tlsCreds(client), true},
		"NoClientCertificate":        {tlsCreds(), false},
		"CertificateFromAnotherCA":   {tlsCreds(stranger), false},
		"Plaintext":                  {insecure.NewCredentials(), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := call(dial(t, s.Addr().String(), tc.creds), &fnv1.RunFunctionRequest{})
			if tc.ok && err != nil {
				t.Errorf("want the call served, got %v", err)
			}
			if !tc.ok && err == nil {
				t.Error("want the call refused, it was served")
			}
		})
	}
}

func TestServeMaxRecvMessageSize(t *testing.T) {
	s, _, _ := start(t, &ServeCmd{Insecure: true, MaxRecvMessageSize: 1}, fn.New())
	c := dial(t, s.Addr().String(), insecure.NewCredentials())
	withPayload := func(n int) *fnv1.RunFunctionRequest {
		in, err := structpb.NewStruct(map[string]any{"padding": strings.Repeat("x", n)})
		if err != nil {
			t.Fatal(err)
		}
		return &fnv1.RunFunctionRequest{Input: in}
	}
	if err := call(c, withPayload(512<<10)); err != nil {
		t.Errorf("a 512 KiB request under the 1 MiB limit: want served, got %v", err)
	}
	err := call(c, withPayload(2<<20))
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a 2 MiB request over the 1 MiB limit: want ResourceExhausted, got %v", err)
	}
}

// slow answers after a delay, counting the calls it finished.
type slow struct {
	fnv1.UnimplementedFunctionRunnerServiceServer
	started  chan struct{}
	finished atomic.Int32
}

func (s *slow) RunFunction(context.Context, *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	s.started <- struct{}{}
	time.Sleep(500 * time.Millisecond)
	s.finished.Add(1)
	return &fnv1.RunFunctionResponse{}, nil
}

// TestServeGracefulShutdown: SIGTERM lets the call in flight finish, then
// the server stops and refuses new calls.
func TestServeGracefulShutdown(t *testing.T) {
	f := &slow{started: make(chan struct{}, 1)}
	c := &ServeCmd{Insecure: true, Network: "tcp", Address: "127.0.0.1:0", MaxRecvMessageSize: 4, ShutdownTimeout: 10 * time.Second}
	s, err := newServer(c, f, logging.NewNopLogger(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	// The same signal wiring as Run.
	ctx, stop := signalContext()
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()

	client := dial(t, s.Addr().String(), insecure.NewCredentials())
	inFlight := make(chan error, 1)
	go func() { inFlight <- call(client, &fnv1.RunFunctionRequest{}) }()
	<-f.started
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-inFlight; err != nil {
		t.Errorf("the call in flight at SIGTERM failed: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop after SIGTERM")
	}
	if f.finished.Load() != 1 {
		t.Errorf("finished %d calls, want 1", f.finished.Load())
	}
	if err := call(dial(t, s.Addr().String(), insecure.NewCredentials()), &fnv1.RunFunctionRequest{}); err == nil {
		t.Error("a call after shutdown was served")
	}
}

// panicky panics on its first call.
type panicky struct {
	fnv1.UnimplementedFunctionRunnerServiceServer
	calls atomic.Int32
}

func (p *panicky) RunFunction(context.Context, *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	if p.calls.Add(1) == 1 {
		panic("forced")
	}
	return &fnv1.RunFunctionResponse{}, nil
}

// TestServePanicIsAnErrorForThatCall: a panic costs one call, not the process.
func TestServePanicIsAnErrorForThatCall(t *testing.T) {
	s, _, _ := start(t, &ServeCmd{Insecure: true}, &panicky{})
	c := dial(t, s.Addr().String(), insecure.NewCredentials())
	if err := call(c, &fnv1.RunFunctionRequest{}); status.Code(err) != codes.Internal {
		t.Errorf("the panicking call: want Internal, got %v", err)
	}
	if err := call(c, &fnv1.RunFunctionRequest{}); err != nil {
		t.Errorf("the next call: want served, got %v", err)
	}
}
