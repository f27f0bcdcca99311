package cluster_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The chaos suite's verdicts, without a control plane: what counts as a
// deleted, recreated or duplicated object, a percentile, a metrics line.

func TestIdentityDiff(t *testing.T) {
	was := identity{
		xrs:    map[string]bool{"a": true},
		uids:   map[string]string{"a Object/x": "1", "a Object/y": "2", "a Instance/db": "3"},
		counts: map[string]int{"a/Object": 2},
		refs:   map[string]int{"a/Object": 2},
	}
	now := identity{
		xrs: map[string]bool{"a": true, "b": true},
		uids: map[string]string{
			"a Object/x":    "1", // unchanged
			"a Object/y":    "9", // recreated
			"a Object/z":    "4", // new for a
			"b Instance/db": "5", // another XR's, not compared
			// a Instance/db is gone
		},
		counts: map[string]int{"a/Object": 3},
		refs:   map[string]int{"a/Object": 2},
	}
	got := was.diff(now)
	want := []string{
		"a Instance/db is gone",
		"a Object/y was recreated (uid 9, was 2)",
		"a Object/z is new",
		"a/Object: 3 objects labelled with the XR, were 2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diff:\n got %q\nwant %q", got, want)
	}
	if d := was.diff(was); len(d) != 0 {
		t.Errorf("an identity differs from itself: %q", d)
	}
	if d := now.duplicates(); len(d) != 1 || !strings.Contains(d[0], "a/Object: 3 objects labelled with the XR, 2 referenced") {
		t.Errorf("duplicates: %q", d)
	}
	if d := was.duplicates(); len(d) != 0 {
		t.Errorf("duplicates without any: %q", d)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(101-i)*time.Second)
	}
	if got := percentile(ds, 50); got != 50*time.Second {
		t.Errorf("p50 = %s, want 50s", got)
	}
	if got := percentile(ds, 99); got != 99*time.Second {
		t.Errorf("p99 = %s, want 99s", got)
	}
	if got := percentile(ds[:1], 99); got != 100*time.Second {
		t.Errorf("p99 of one = %s, want 100s", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %s", got)
	}
}

func TestCallsLine(t *testing.T) {
	m := callsLine.FindStringSubmatch(`function_space_scaling_run_function_duration_seconds_count{outcome="fatal"} 3`)
	if len(m) != 3 || m[1] != "fatal" || m[2] != "3" {
		t.Errorf("calls line: %q", m)
	}
	if callsLine.MatchString(`function_space_scaling_run_function_duration_seconds_sum{outcome="ok"} 3`) {
		t.Error("the sum matched as a count")
	}
}
