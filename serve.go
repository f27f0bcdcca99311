package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	grpcprometheus "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	function "github.com/crossplane/function-sdk-go"
	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	fnv1beta1 "github.com/crossplane/function-sdk-go/proto/v1beta1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/internal/metrics"
)

// ServeCmd serves the function.
type ServeCmd struct {
	Network            string        `default:"tcp" help:"Network on which to listen for gRPC connections."`
	Address            string        `default:":9443" help:"Address at which to listen for gRPC connections."`
	TLSCertsDir        string        `env:"TLS_SERVER_CERTS_DIR" help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)."`
	Insecure           bool          `help:"Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored."`
	MaxRecvMessageSize int           `default:"4" help:"Maximum size of received messages in MiB."`
	MetricsAddress     string        `default:":8080" help:"Address of the Prometheus metrics server; empty turns it off."`
	TTL                time.Duration `default:"30s" help:"How long Crossplane may cache a response while composed resources converge; with realtime compositions, when it calls again at the latest."`
	ReadyTTL           time.Duration `default:"5m" help:"The TTL once every composed resource is ready (docs/performance.md)."`
	ShutdownTimeout    time.Duration `default:"30s" help:"How long a SIGTERM waits for calls in flight before stopping hard."`
}

// Run serves the function until SIGTERM or an interrupt, then stops
// gracefully: calls in flight finish, new ones are refused.
func (c *ServeCmd) Run(cli *CLI) error {
	log, err := function.NewLogger(cli.Debug)
	if err != nil {
		return err
	}
	// Crossplane reads a zero TTL as "cache forever".
	if c.TTL <= 0 || c.ReadyTTL <= 0 {
		return errors.Errorf("--ttl and --ready-ttl must be positive, got %s and %s", c.TTL, c.ReadyTTL)
	}
	reg := prometheus.NewRegistry()
	f, err := newFunction(c, fnOptions(cli.Debug, log, c), reg)
	if err != nil {
		return err
	}
	srv, err := newServer(c, f, log, reg)
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	log.Info("serving", "address", srv.Addr().String(), "insecure", c.Insecure)
	return srv.Serve(ctx)
}

// fnOptions configures the function from the flags.
func fnOptions(verbose bool, log logging.Logger, c *ServeCmd) []fn.Option {
	o := []fn.Option{fn.WithLogger(log), fn.WithTTL(c.TTL), fn.WithReadyTTL(c.ReadyTTL)}
	if verbose {
		o = append(o, fn.WithVerdictTrace())
	}
	return o
}

// newFunction is the function with its options and, when the metrics
// endpoint is on, its own metrics on reg, the registry the endpoint serves
// beside the gRPC server's metrics.
func newFunction(c *ServeCmd, o []fn.Option, reg *prometheus.Registry) (*fn.Function, error) {
	if c.MetricsAddress != "" {
		m, err := metrics.New(reg, metrics.WithExpiry(max(10*time.Minute, 3*c.TTL)))
		if err != nil {
			return nil, errors.Wrap(err, "cannot register the function's metrics")
		}
		o = append(o, fn.WithMetrics(m))
	}
	return fn.New(o...), nil
}

// signalContext is done on SIGTERM (how Kubernetes stops a pod) or an
// interrupt.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
}

// server is the function's gRPC server with its metrics endpoint.
type server struct {
	grpc     *grpc.Server
	lis      net.Listener
	metrics  *http.Server
	mlis     net.Listener
	log      logging.Logger
	shutdown time.Duration
}

// Error messages.
const (
	errNoCredentials = "refusing to serve without credentials: pass --tls-certs-dir (or set TLS_SERVER_CERTS_DIR) for mTLS, or --insecure for local development"
	errPanic         = "the function failed unexpectedly; see its logs"
)

// newServer listens and prepares the gRPC server. It refuses to serve
// without mTLS unless insecure is asked for.
func newServer(c *ServeCmd, f fnv1.FunctionRunnerServiceServer, log logging.Logger, reg *prometheus.Registry) (*server, error) {
	creds, err := serverCredentials(c)
	if err != nil {
		return nil, err
	}
	if c.MaxRecvMessageSize <= 0 {
		return nil, errors.Errorf("--max-recv-message-size must be positive, got %d", c.MaxRecvMessageSize)
	}
	interceptors := []grpc.UnaryServerInterceptor{recoverPanics(log)}
	var grpcMetrics *grpcprometheus.ServerMetrics
	if c.MetricsAddress != "" {
		grpcMetrics = grpcprometheus.NewServerMetrics()
		if err := reg.Register(grpcMetrics); err != nil {
			return nil, errors.Wrap(err, "cannot register the gRPC metrics")
		}
		interceptors = append([]grpc.UnaryServerInterceptor{grpcMetrics.UnaryServerInterceptor()}, interceptors...)
	}
	g := grpc.NewServer(
		grpc.Creds(creds),
		grpc.MaxRecvMsgSize(c.MaxRecvMessageSize<<20),
		grpc.ChainUnaryInterceptor(interceptors...),
	)
	reflection.Register(g)
	fnv1.RegisterFunctionRunnerServiceServer(g, f)
	fnv1beta1.RegisterFunctionRunnerServiceServer(g, function.ServeBeta(f))
	healthgrpc.RegisterHealthServer(g, health.NewServer())

	lis, err := (&net.ListenConfig{}).Listen(context.Background(), c.Network, c.Address)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot listen for %s connections at %q", c.Network, c.Address)
	}
	s := &server{grpc: g, lis: lis, log: log, shutdown: c.ShutdownTimeout}
	if grpcMetrics != nil {
		grpcMetrics.InitializeMetrics(g)
		// Listening here, not in Serve, reports a taken port at start and
		// gives tests the port of ":0".
		s.mlis, err = (&net.ListenConfig{}).Listen(context.Background(), "tcp", c.MetricsAddress)
		if err != nil {
			_ = lis.Close()
			return nil, errors.Wrapf(err, "cannot listen for metrics at %q", c.MetricsAddress)
		}
		s.metrics = &http.Server{
			Addr:              c.MetricsAddress,
			Handler:           promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
			ReadHeaderTimeout: 30 * time.Second,
		}
	}
	return s, nil
}

// serverCredentials are mTLS credentials from the certificates directory
// (tls.crt, tls.key, and ca.crt to verify clients), or insecure ones when
// asked for. Clients must present a certificate signed by the CA.
func serverCredentials(c *ServeCmd) (credentials.TransportCredentials, error) {
	if c.Insecure {
		return insecure.NewCredentials(), nil
	}
	if c.TLSCertsDir == "" {
		return nil, errors.New(errNoCredentials)
	}
	crt, err := tls.LoadX509KeyPair(filepath.Join(c.TLSCertsDir, "tls.crt"), filepath.Join(c.TLSCertsDir, "tls.key"))
	if err != nil {
		return nil, errors.Wrap(err, "cannot load the server certificate")
	}
	ca, err := os.ReadFile(filepath.Join(c.TLSCertsDir, "ca.crt"))
	if err != nil {
		return nil, errors.Wrap(err, "cannot read the CA certificate")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("the CA certificate is not valid PEM")
	}
	return credentials.NewTLS(&tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{crt},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}), nil
}

// recoverPanics turns a panic in a call into an Internal error for that
// call: one bad request must not take the process, and every other XR's
// reconciles, down.
func recoverPanics(log logging.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (rsp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				log.Info("recovered from a panic", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				rsp, err = nil, status.Error(codes.Internal, errPanic)
			}
		}()
		return handler(ctx, req)
	}
}

// Addr is the address the server listens on.
func (s *server) Addr() net.Addr { return s.lis.Addr() }

// MetricsAddr is the address of the metrics endpoint, nil when it is off.
func (s *server) MetricsAddr() net.Addr {
	if s.mlis == nil {
		return nil
	}
	return s.mlis.Addr()
}

// Serve serves until ctx is done, then stops gracefully: it stops taking
// calls, lets those in flight finish for up to the shutdown timeout, and
// then stops hard.
func (s *server) Serve(ctx context.Context) error {
	if s.metrics != nil {
		go func() {
			if err := s.metrics.Serve(s.mlis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Info("the metrics server stopped", "error", err.Error())
			}
		}()
	}
	done := make(chan error, 1)
	go func() { done <- s.grpc.Serve(s.lis) }()

	select {
	case err := <-done:
		return errors.Wrap(err, "cannot serve gRPC")
	case <-ctx.Done():
	}
	s.log.Info("stopping: finishing calls in flight", "timeout", s.shutdown.String())
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.shutdown)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		s.log.Info("calls still in flight after the shutdown timeout; stopping hard")
		s.grpc.Stop()
	}
	if s.metrics != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = s.metrics.Shutdown(sctx)
	}
	return nil
}
