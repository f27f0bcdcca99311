package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/encoding/protojson"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// BenchmarkServe calls the function the way Crossplane does: through its
// own gRPC server (interceptors included) over loopback mTLS, on one
// connection, with 1 and 8 concurrent callers, on the captured requests.
// The client runs in the same process, so a CPU profile of this benchmark
// (-cpuprofile) shows the server's work beside the client's; the separate
// processes of `go run ./test/perf load` measure the server alone.
func BenchmarkServe(b *testing.B) {
	p := newPKI(b)
	p.issue(b, 2, x509.ExtKeyUsageServerAuth)
	client := p.issue(b, 3, x509.ExtKeyUsageClientAuth)
	s, _, _ := start(b, &ServeCmd{TLSCertsDir: p.dir}, fn.New())
	c := dial(b, s.Addr().String(), credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12, RootCAs: p.caPool, Certificates: []tls.Certificate{client}, ServerName: "localhost",
	}))
	for _, name := range []string{"aws-create", "aws-steady"} {
		raw, err := os.ReadFile(filepath.Join("fn", "testdata", "requests", name+".json")) //nolint:gosec // test fixtures.
		if err != nil {
			b.Fatal(err)
		}
		req := &fnv1.RunFunctionRequest{}
		if err := protojson.Unmarshal(raw, req); err != nil {
			b.Fatal(err)
		}
		for _, callers := range []int{1, 8} {
			b.Run(name+"/callers="+strconv.Itoa(callers), func(b *testing.B) {
				b.ReportAllocs()
				var wg sync.WaitGroup
				var once sync.Once
				var first error
				calls := make(chan struct{})
				for range callers {
					wg.Go(func() {
						for range calls {
							if err := call(c, req); err != nil {
								once.Do(func() { first = err })
							}
						}
					})
				}
				for b.Loop() {
					calls <- struct{}{}
				}
				close(calls)
				wg.Wait()
				if first != nil {
					b.Fatal(first)
				}
			})
		}
	}
}
