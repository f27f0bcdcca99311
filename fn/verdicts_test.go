package fn

import (
	"context"
	"strings"
	"sync"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// withStatus is the XR as Crossplane stores it after a call: with the
// status the call wrote.
func withStatus(xr map[string]any, rsp *fnv1.RunFunctionResponse) map[string]any {
	out := map[string]any{}
	for k, v := range xr {
		out[k] = v
	}
	out["status"] = rsp.GetDesired().GetComposite().GetResource().AsMap()["status"]
	return out
}

// readyObserved is every resource the XR composes, observed ready as the
// providers write it, after enough rounds for the Release to be composed;
// the XR's status becomes the one the last round recorded.
func readyObserved(t *testing.T, xr map[string]any) map[string]map[string]any {
	t.Helper()
	var obs map[string]map[string]any
	for range 4 {
		rsp := run(t, newRequest(t, xr, obs))
		xr["status"] = withStatus(xr, rsp)["status"]
		obs = map[string]map[string]any{}
		for k, r := range rsp.GetDesired().GetResources() {
			m := r.GetResource().AsMap()
			if m["kind"] == "Object" {
				obs[k] = asProviderKubernetesObserves(t, m)
				continue
			}
			obs[k] = asProviderObserves(t, m)
		}
	}
	return obs
}

// TestVerdictTraceLogsChanges: with the trace on (--debug), a verdict that
// differs from the previous call's for the same XR is logged with what the
// observed state held; an unchanged one is not.
func TestVerdictTraceLogsChanges(t *testing.T) {
	xr := readXR(t, "../example/xr-aws.yaml")
	obs := readyObserved(t, xr)
	var lines []string
	f := New(WithLogger(recorder{mu: &sync.Mutex{}, lines: &lines}), WithVerdictTrace())
	call := func(o map[string]map[string]any) {
		t.Helper()
		if _, err := f.RunFunction(context.Background(), newRequest(t, xr, o)); err != nil {
			t.Fatal(err)
		}
	}
	call(obs)
	call(obs)
	if n := countContaining(lines, "readiness verdict changed"); n != 0 {
		t.Fatalf("unchanged verdicts logged %d changes:\n%s", n, strings.Join(lines, "\n"))
	}
	unready := deepCopy(t, obs["etcd-nodepool"])
	unready["metadata"].(map[string]any)["resourceVersion"] = "4711"
	unready["status"].(map[string]any)["conditions"] = []any{map[string]any{"type": "Ready", "status": "False", "reason": "Unavailable"}}
	changed := map[string]map[string]any{}
	for k, v := range obs {
		changed[k] = v
	}
	changed["etcd-nodepool"] = unready
	call(changed)
	var got []string
	for _, l := range lines {
		if strings.Contains(l, "readiness verdict changed") {
			got = append(got, l)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one verdict change logged, got %d:\n%s", len(got), strings.Join(lines, "\n"))
	}
	for _, want := range []string{"etcd-nodepool", "was true", "now false", "observed true", "resourceVersion 4711", "ready-status False", "ready-reason Unavailable"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the logged change lacks %q: %s", want, got[0])
		}
	}
}

// TestVerdictTraceOffByDefault: without --debug nothing is remembered.
func TestVerdictTraceOffByDefault(t *testing.T) {
	if New().trace != nil {
		t.Error("the verdict trace is on without WithVerdictTrace")
	}
}

func countContaining(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}
