package fn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const minimalXR = "../example/xr-aws-minimal.yaml"

// fatal is the whole response of an invalid XR: one Fatal result, nothing
// composed.
func fatal(msg string) *fnv1.RunFunctionResponse {
	return &fnv1.RunFunctionResponse{
		Meta: &fnv1.ResponseMeta{Ttl: durationpb.New(response.DefaultTTL)},
		Results: []*fnv1.Result{{
			Severity: fnv1.Severity_SEVERITY_FATAL,
			Message:  msg,
			Target:   fnv1.Target_TARGET_COMPOSITE.Enum(),
		}},
		Desired: &fnv1.State{},
	}
}

func TestRunFunctionInvalid(t *testing.T) {
	cases := map[string]struct {
		reason string
		edit   map[string]any
		want   *fnv1.RunFunctionResponse
	}{
		"EtcdBelowHAFloor": {
			reason: "With HA, three etcd members need three nodes.",
			edit:   map[string]any{"spec.nodePools.etcd.minNodes": 2},
			want:   fatal("invalid XSpaceScaling: spec.nodePools.etcd.minNodes: Invalid value: 2: must be at least 3 when highAvailability is true"),
		},
		"SeveralErrorsAtOnce": {
			reason: "Every error is reported at once, each with its path.",
			edit: map[string]any{
				"spec.nodePools.apiServer.minNodes": 1,
				"spec.spaces.router.maxReplicas":    1,
				"spec.queryAPI.postgres.minIOPS":    300,
			},
			want: fatal("invalid XSpaceScaling: " +
				"spec.nodePools.apiServer.minNodes: Invalid value: 1: must be at least 2 when highAvailability is true; " +
				"spec.spaces.router.maxReplicas: Invalid value: 1: must be at least minReplicas; " +
				"spec.queryAPI.postgres.minIOPS: Invalid value: 300: must be at least 400 (the Query API's requirement)"),
		},
		"WrongType": {
			reason: "A value of the wrong type names its path.",
			edit:   map[string]any{"spec.nodePools.etcd.minNodes": "three"},
			want:   fatal(`invalid XSpaceScaling: spec.nodePools.etcd.minNodes: Invalid value: "string": must be of type integer`),
		},
		"MissingCloudBlock": {
			reason: "cloud: aws needs spec.aws.",
			edit:   map[string]any{"spec.aws": nil},
			want:   fatal("invalid XSpaceScaling: spec.aws: Required value: required when cloud is aws"),
		},
		"UnknownMachineTypeWithoutMaxNodes": {
			reason: "maxNodes cannot be computed for a machine type the function does not know.",
			edit:   map[string]any{"spec.nodePools.controlPlanes.machineTypes": []any{"x9.huge"}},
			want:   fatal(`invalid XSpaceScaling: spec.nodePools.controlPlanes.maxNodes: Required value: machine type "x9.huge" is not in the function's catalog, so maxNodes cannot be computed: set maxNodes, or use a known machine type`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, minimalXR)
			for p, v := range tc.edit {
				testutil.Set(xr, p, v)
			}
			got := run(t, newRequest(t, xr, nil))
			if diff := cmp.Diff(tc.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("%s\nRunFunction(...): -want +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestRunFunctionMissingComposite: a request without an observed composite
// says that the composite is missing, not that spec.cloud is.
func TestRunFunctionMissingComposite(t *testing.T) {
	for name, req := range map[string]*fnv1.RunFunctionRequest{
		"NoObservedState": {},
		"NoComposite":     {Observed: &fnv1.State{}},
	} {
		t.Run(name, func(t *testing.T) {
			want := fatal("invalid XSpaceScaling: observed.composite: Required value: the request carries no observed composite resource (XR)").GetResults()
			if diff := cmp.Diff(want, run(t, req).GetResults(), protocmp.Transform()); diff != "" {
				t.Errorf("RunFunction(...): -want +got:\n%s", diff)
			}
		})
	}
}

// TestRunFunctionInvalidInput: labels, tags and the connection secret
// namespace of the function's input that Kubernetes or a cloud would refuse
// later are refused now, all at once, each with its path.
func TestRunFunctionInvalidInput(t *testing.T) {
	in, err := structpb.NewStruct(map[string]any{
		"apiVersion":                "spacescaling.fn.crossplane.io/v1beta1",
		"kind":                      "Input",
		"labels":                    map[string]any{"team": "two words"},
		"tags":                      map[string]any{"cost center": "x"},
		"connectionSecretNamespace": "Crossplane_System",
	})
	if err != nil {
		t.Fatal(err)
	}
	req := newRequest(t, readXR(t, minimalXR), nil)
	req.Input = in
	rsp := run(t, req)
	if len(rsp.GetResults()) != 1 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL {
		t.Fatalf("want one Fatal result, got %v", rsp.GetResults())
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("composed %d resources; invalid input must compose nothing", n)
	}
	msg := rsp.GetResults()[0].GetMessage()
	for _, p := range []string{"input.labels[team]", "input.tags[cost center]", "input.connectionSecretNamespace"} {
		if !strings.Contains(msg, p+": ") {
			t.Errorf("the Fatal result does not name %s:\n%s", p, msg)
		}
	}
}

// TestRunFunctionUnknownMachineTypeWithMaxNodes: the user's maxNodes makes an
// unknown machine type fine.
func TestRunFunctionUnknownMachineTypeWithMaxNodes(t *testing.T) {
	xr := readXR(t, minimalXR)
	testutil.Set(xr, "spec.nodePools.controlPlanes.machineTypes", []any{"x9.huge"})
	testutil.Set(xr, "spec.nodePools.controlPlanes.maxNodes", 7)
	rsp := run(t, newRequest(t, xr, nil))
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Fatalf("unexpected Fatal: %s", r.GetMessage())
		}
	}
	np := rsp.GetDesired().GetResources()["controlplanes-nodepool"].GetResource().AsMap()
	limits := testutil.Get(np, "spec", "forProvider", "manifest", "spec", "limits").(map[string]any)
	if diff := cmp.Diff(map[string]any{"nodes": "7"}, limits); diff != "" {
		t.Errorf("limits of a pool of an unknown machine type: -want +got:\n%s", diff)
	}
}

func TestRunFunctionWarnings(t *testing.T) {
	xr := readXR(t, minimalXR)
	testutil.Set(xr, "spec.highAvailability", false)
	testutil.Set(xr, "spec.zones", []any{"us-east-1a"})
	// Floors Karpenter keeps without HA (one etcd member, one API server):
	// no minNodes warning.
	for _, pool := range []string{"etcd", "apiServer", "controlPlanes"} {
		testutil.Set(xr, "spec.nodePools."+pool+".minNodes", 1)
	}
	// With the RDS bundle: no warning about an unverified database.
	testutil.Set(xr, "spec.queryAPI.postgres.caSecretName", "rds-ca")
	// The generated password is kept: no warning about losing it.
	testutil.Set(xr, "spec.providerConfigs.management", "default")
	rsp := run(t, newRequest(t, xr, nil))
	var warnings []string
	for _, r := range rsp.GetResults() {
		switch r.GetSeverity() {
		case fnv1.Severity_SEVERITY_FATAL:
			t.Fatalf("HA off with one zone must render, got Fatal: %s", r.GetMessage())
		case fnv1.Severity_SEVERITY_WARNING:
			warnings = append(warnings, r.GetMessage())
		}
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "spec.highAvailability") || !strings.Contains(warnings[1], "spec.zones") {
		t.Errorf("want two warnings (HA off, one zone), got %q", warnings)
	}
	if len(rsp.GetDesired().GetResources()) == 0 {
		t.Error("nothing composed")
	}

	// Once the XR's status carries them, the next reconcile sends none again.
	xr["status"] = rsp.GetDesired().GetComposite().GetResource().AsMap()["status"]
	again := run(t, newRequest(t, xr, nil))
	for _, r := range again.GetResults() {
		t.Errorf("a warning was sent again: %s", r.GetMessage())
	}
	ws := testutil.Get(again.GetDesired().GetComposite().GetResource().AsMap(), "status", "warnings")
	if l, ok := ws.([]any); !ok || len(l) != 2 {
		t.Errorf("status.warnings must keep both warnings, got %v", ws)
	}
}

// TestRunFunctionWarnsOfAnUnsupportedImagePullSecret: the Spaces chart
// supports only upbound-pull-secret as image pull secret, so another name
// renders (it is the user's call) with a Warning.
func TestRunFunctionWarnsOfAnUnsupportedImagePullSecret(t *testing.T) {
	xr := readXR(t, minimalXR)
	testutil.Set(xr, "spec.spaces.pullSecretName", "my-registry")
	testutil.Set(xr, "spec.queryAPI.postgres.caSecretName", "rds-ca")
	testutil.Set(xr, "spec.providerConfigs.management", "default")
	// The general pool's floor Karpenter keeps: no minNodes warning.
	testutil.Set(xr, "spec.nodePools.controlPlanes.minNodes", 1)
	rsp := run(t, newRequest(t, xr, nil))
	var warnings []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			warnings = append(warnings, r.GetMessage())
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "spec.spaces.pullSecretName") {
		t.Errorf("want one warning about spec.spaces.pullSecretName, got %q", warnings)
	}
}
