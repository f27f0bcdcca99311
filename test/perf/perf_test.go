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
