package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestLoadSmoke runs a tiny load: both servers start over plaintext and
// mTLS, answer the
// same requests with the same responses, and every number is measured. It
// asserts no timing: the numbers are `make perf`'s business.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the function; skipped with -short")
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := runLoad(ctx, loadConfig{
		root: filepath.Join("..", ".."), requests: filepath.Join("fn", "testdata", "requests"), example: "aws",
		calls: 5, warmup: 1, duration: 10 * time.Second, rounds: 1, starts: 2, callers: []int{1, 2},
		transports: []string{plaintext, mTLS}, out: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for k, s := range rep.samples {
		if s.calls != 5 || len(s.lat) != 5 {
			t.Errorf("%v: %d calls, %d latencies; want 5", k, s.calls, len(s.lat))
		}
	}
	if len(rep.samples) != 2*2*2*2 {
		t.Errorf("%d samples, want 16 (2 transports x 2 servers x 2 states x 2 caller counts)", len(rep.samples))
	}
	for _, tr := range []string{plaintext, mTLS} {
		for _, name := range []string{function, floor} {
			srv := server{tr, name}
			if len(rep.startup[srv]) != 2 || slices.Min(rep.startup[srv]) <= 0 || rep.peakRSS[srv] <= 0 {
				t.Errorf("%v: start-ups %v, peak RSS %d; want 2 start-ups and the RSS measured", srv, rep.startup[srv], rep.peakRSS[srv])
			}
		}
	}
	for _, name := range []string{function, floor} {
		if rep.size[name] <= 0 {
			t.Errorf("%s: binary size %d, want it measured", name, rep.size[name])
		}
	}
	for _, want := range []string{"| plaintext | create | 1 |", "| mtls | steady | 2 |", "| plaintext | function |", "targets (function):"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report has no %q", want)
		}
	}
}

func TestProcCounters(t *testing.T) {
	pid := os.Getpid()
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) { // burn CPU so the counter moves
	}
	cpu, err := cpuTime(pid)
	if err != nil || cpu <= 0 {
		t.Errorf("cpuTime = %s, %v; want > 0", cpu, err)
	}
	rss, err := peakRSS(pid)
	if err != nil || rss <= 0 {
		t.Errorf("peakRSS = %d, %v; want > 0", rss, err)
	}
}

// TestGrowthSmoke runs the growth table once per request: the XRs compose
// from the fewest resources to the most, the observed state grows to the
// message limit, and the function answers the largest request, with the
// answer it gives without the padding (runGrowth fails otherwise). A
// request just over the limit is refused by the same server binary with
// its default flags, so answering the largest one says it fits the
// default limit, not that there is none.
func TestGrowthSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the function; skipped with -short")
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root := filepath.Join("..", "..")
	bin := filepath.Join(t.TempDir(), "function")
	if err := build(ctx, root, bin, "."); err != nil {
		t.Fatal(err)
	}
	rep, err := runGrowth(ctx, growthConfig{root: root, bin: bin, calls: 1, warmup: 0, duration: 30 * time.Second, rounds: 1, out: &out})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if want := 2*len(growthVariants) + len(growthSizes); len(rep.rows) != want {
		t.Fatalf("%d rows, want %d", len(rep.rows), want)
	}
	for _, r := range rep.rows {
		if r.sample.calls != 1 {
			t.Errorf("%s %s: %d calls, want 1", r.group, r.name, r.sample.calls)
		}
	}
	if first, last := rep.rows[0], rep.rows[2*len(growthVariants)-1]; first.composed > 5 || last.composed < 13 {
		t.Errorf("the XRs compose %d to %d resources, want from at most 5 to at least 13", first.composed, last.composed)
	}
	last := rep.rows[len(rep.rows)-1]
	if n := proto.Size(last.req); n > messageLimit || n < messageLimit-8<<10 {
		t.Errorf("the largest request is %d bytes, want within 8 KiB under the %d byte limit", n, messageLimit)
	}
	if !strings.Contains(out.String(), "no faster than linear") && !strings.Contains(out.String(), "FASTER than linear") {
		t.Error("the report does not say how CPU grows with the observed state")
	}

	over, err := padObserved(rep.rows[1].req, messageLimit+8<<10)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := freeAddr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := start(ctx, insecure.NewCredentials(), rep.rows[0].req, bin, "--insecure", "--address", addr, "--metrics-address", "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	_, err = fnv1.NewFunctionRunnerServiceClient(p.conn).RunFunction(ctx, over)
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a %d byte request: %v, want ResourceExhausted", proto.Size(over), err)
	}
}
