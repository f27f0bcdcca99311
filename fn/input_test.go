package fn

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestInputIsStrict: a misspelt input field is a Fatal result naming it
// (the SDK's request.GetInput); a valid input is read.
func TestInputIsStrict(t *testing.T) {
	cases := map[string]struct {
		input map[string]any
		fatal string // part of the Fatal message; "" for none
	}{
		"Valid": {input: map[string]any{
			"apiVersion": "spacescaling.fn.crossplane.io/v1beta1", "kind": "Input",
			"connectionSecretNamespace": "elsewhere",
		}},
		"UnknownField": {input: map[string]any{
			"apiVersion": "spacescaling.fn.crossplane.io/v1beta1", "kind": "Input",
			"connectionSecretNamespaces": "typo",
		}, fatal: `"connectionSecretNamespaces"`},
		"WrongType": {input: map[string]any{"labels": "not-a-map"}, fatal: errGetInput},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := newRequest(t, readXR(t, "../example/xr-aws.yaml"), nil)
			in, err := structpb.NewStruct(tc.input)
			if err != nil {
				t.Fatal(err)
			}
			req.Input = in
			rsp := run(t, req)
			var fatal string
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					fatal = r.GetMessage()
				}
			}
			switch {
			case tc.fatal == "" && fatal != "":
				t.Fatalf("Fatal %q, want none", fatal)
			case tc.fatal != "" && !strings.Contains(fatal, tc.fatal):
				t.Fatalf("Fatal %q, want one containing %q", fatal, tc.fatal)
			}
			if tc.fatal == "" {
				sec := rsp.GetDesired().GetResources()["database-instance"].GetResource().AsMap()
				ref, _ := sec["spec"].(map[string]any)["writeConnectionSecretToRef"].(map[string]any)
				if ref["namespace"] != "elsewhere" {
					t.Errorf("the input's connectionSecretNamespace was not read: %v", ref)
				}
			}
		})
	}
}

// TestInputTTL: a step's input sets its own TTLs over the server's flags
// (--ttl 30s, --ready-ttl 5m here): ttl while converging, readyTTL once
// every composed resource is ready. A TTL that is not positive is refused
// with its path.
func TestInputTTL(t *testing.T) {
	xr := readXR(t, "../example/xr-aws.yaml")
	ready := readyObserved(t, xr)
	cases := map[string]struct {
		input    map[string]any
		observed map[string]map[string]any
		want     time.Duration
		fatal    string
	}{
		"FlagWhileConverging":  {want: 30 * time.Second},
		"FlagOnceReady":        {observed: ready, want: 5 * time.Minute},
		"InputWhileConverging": {input: map[string]any{"ttl": "5s", "readyTTL": "2m"}, want: 5 * time.Second},
		"InputOnceReady":       {input: map[string]any{"ttl": "5s", "readyTTL": "2m"}, observed: ready, want: 2 * time.Minute},
		"OnlyTTLKeepsReadyTTL": {input: map[string]any{"ttl": "5s"}, observed: ready, want: 5 * time.Minute},
		"ZeroIsRefused":        {input: map[string]any{"ttl": "0s"}, fatal: "input.ttl: Invalid value: \"0s\": must be positive"},
		"NegativeIsRefused":    {input: map[string]any{"readyTTL": "-1m"}, fatal: "input.readyTTL: Invalid value: \"-1m0s\": must be positive"},
		"TooLongIsRefused":     {input: map[string]any{"ttl": "48h"}, fatal: "input.ttl: Invalid value: \"48h0m0s\": must be at most 24h0m0s"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := newRequest(t, xr, tc.observed)
			in := map[string]any{"apiVersion": "spacescaling.fn.crossplane.io/v1beta1", "kind": "Input"}
			for k, v := range tc.input {
				in[k] = v
			}
			s, err := structpb.NewStruct(in)
			if err != nil {
				t.Fatal(err)
			}
			req.Input = s
			rsp, err := New(WithTTL(30*time.Second), WithReadyTTL(5*time.Minute)).RunFunction(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			var fatal string
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					fatal = r.GetMessage()
				}
			}
			if tc.fatal != "" {
				if !strings.Contains(fatal, tc.fatal) {
					t.Fatalf("Fatal %q, want one containing %q", fatal, tc.fatal)
				}
				return
			}
			if fatal != "" {
				t.Fatalf("unexpected Fatal %q", fatal)
			}
			if got := rsp.GetMeta().GetTtl().AsDuration(); got != tc.want {
				t.Errorf("meta.ttl = %s, want %s", got, tc.want)
			}
		})
	}
}
