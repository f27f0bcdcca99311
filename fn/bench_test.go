package fn

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// BenchmarkRunFunction measures RunFunction on the requests the real engine
// sends, per cloud, create and steady (testdata/requests):
//
//	go test ./fn -run '^$' -bench 'RunFunction|Floor' -benchmem -count 10
//
// Compare a change with benchstat (docs/performance.md).
func BenchmarkRunFunction(b *testing.B) {
	for _, c := range capturedRequests(b) {
		f := New()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.RunFunction(context.Background(), c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloor is what every call costs whatever the function does:
// decoding the request and encoding the response, as gRPC does around
// RunFunction. RunFunction's time above it is the function's own.
func BenchmarkFloor(b *testing.B) {
	for _, c := range capturedRequests(b) {
		raw, err := proto.Marshal(c.req)
		if err != nil {
			b.Fatal(err)
		}
		rsp, err := New().RunFunction(context.Background(), c.req)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				req := &fnv1.RunFunctionRequest{}
				if err := proto.Unmarshal(raw, req); err != nil {
					b.Fatal(err)
				}
				if _, err := proto.Marshal(rsp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
