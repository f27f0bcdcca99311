package metrics

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/encoding/protojson"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// BenchmarkRunFunction is what recording a call costs: RunFunction on the
// captured AWS requests without and with metrics.
//
//	go test ./internal/metrics -run '^$' -bench RunFunction -benchmem
func BenchmarkRunFunction(b *testing.B) {
	p, err := New(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"aws-create", "aws-steady"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "fn", "testdata", "requests", name+".json")) //nolint:gosec // test fixtures
		if err != nil {
			b.Fatal(err)
		}
		req := &fnv1.RunFunctionRequest{}
		if err := protojson.Unmarshal(raw, req); err != nil {
			b.Fatal(err)
		}
		for mode, f := range map[string]*fn.Function{"without": fn.New(), "with": fn.New(fn.WithMetrics(p))} {
			b.Run(name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := f.RunFunction(context.Background(), req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
