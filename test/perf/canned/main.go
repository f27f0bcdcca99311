// Command canned is the floor the function is measured against: a gRPC
// server with the function's mTLS that answers every RunFunctionRequest with
// a response recorded from the function for a request of the same shape.
// It links only gRPC and the function's protobuf types, so its CPU, memory
// and start-up are what any function pays before doing any work.
//
//	canned --address A --certs DIR --responses DIR
//	canned --address A --insecure --responses DIR
//
// DIR holds <observed count>.binpb responses; the load tool (go run
// ./test/perf load) writes them and builds this binary with the image's
// build flags.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// cannedServer answers every request with a response recorded from the
// function for a request of the same shape: what is left is the cost of
// gRPC, TLS and protobuf, the floor under any function.
type cannedServer struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	// byObserved is the response to a request with that many observed
	// composed resources; the load tool's states differ in that count.
	byObserved map[int]*fnv1.RunFunctionResponse
}

func (s *cannedServer) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	if rsp, ok := s.byObserved[len(req.GetObserved().GetResources())]; ok {
		return rsp, nil
	}
	return nil, errors.New("no canned response for this request")
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		_, _ = os.Stderr.WriteString("canned: " + err.Error() + "\n")
		os.Exit(1)
	}
}

// run serves the canned server until SIGTERM.
func run(args []string) error {
	fs := flag.NewFlagSet("canned", flag.ContinueOnError)
	address := fs.String("address", "127.0.0.1:9443", "where to listen")
	certsDir := fs.String("certs", "", "ca.crt, tls.crt and tls.key")
	plain := fs.Bool("insecure", false, "serve plaintext gRPC, as the function's --insecure")
	responses := fs.String("responses", "", "a folder of <observed count>.binpb responses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := &cannedServer{byObserved: map[int]*fnv1.RunFunctionResponse{}}
	files, err := filepath.Glob(filepath.Join(*responses, "*.binpb"))
	if err != nil {
		return err
	}
	for _, f := range files {
		n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".binpb"))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(f) //nolint:gosec // the load tool wrote it.
		if err != nil {
			return err
		}
		rsp := &fnv1.RunFunctionResponse{}
		if err := proto.Unmarshal(b, rsp); err != nil {
			return err
		}
		s.byObserved[n] = rsp
	}
	creds := insecure.NewCredentials()
	if !*plain {
		if creds, err = serverTLS(*certsDir); err != nil {
			return err
		}
	}
	lis, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", *address)
	if err != nil {
		return err
	}
	g := grpc.NewServer(grpc.Creds(creds), grpc.MaxRecvMsgSize(4<<20))
	fnv1.RegisterFunctionRunnerServiceServer(g, s)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		g.Stop()
	}()
	return g.Serve(lis)
}

// serverTLS is the same mTLS the function serves with (serve.go).
func serverTLS(dir string) (credentials.TransportCredentials, error) {
	crt, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		return nil, err
	}
	ca, err := os.ReadFile(filepath.Join(dir, "ca.crt")) //nolint:gosec // the load tool wrote it.
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("ca.crt is not valid PEM")
	}
	return credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{crt},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert,
	}), nil
}
