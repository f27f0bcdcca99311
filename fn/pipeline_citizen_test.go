package fn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// withEarlierStep is a request as Crossplane sends it after an earlier
// pipeline step: a desired XR status field and a desired composed resource
// of that step's.
func withEarlierStep(t *testing.T, extraKey string) *fnv1.RunFunctionRequest {
	t.Helper()
	req := newRequest(t, readXR(t, minimalXR), nil)
	xr, err := structpb.NewStruct(map[string]any{
		"apiVersion": "spacescaling.crossplane.io/v1alpha1", "kind": "XSpaceScaling",
		"status": map[string]any{"other": map[string]any{"owner": "earlier-step"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := structpb.NewStruct(map[string]any{
		"apiVersion": "s3.aws.upbound.io/v1beta2", "kind": "Bucket",
		"metadata": map[string]any{"name": "backups"}, "spec": map[string]any{"forProvider": map[string]any{"region": "us-east-1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	req.Desired = &fnv1.State{
		Composite: &fnv1.Resource{Resource: xr},
		Resources: map[string]*fnv1.Resource{extraKey: {Resource: bucket, Ready: fnv1.Ready_READY_TRUE}},
	}
	return req
}

// TestKeepsWhatEarlierStepsWrote: the function merges into the desired
// state: an earlier step's XR status field and composed resource come out
// exactly as they went in, beside the function's own.
func TestKeepsWhatEarlierStepsWrote(t *testing.T) {
	req := withEarlierStep(t, "database-backup-bucket")
	rsp := run(t, req)
	if fatalIn(rsp) {
		t.Fatalf("Fatal: %v", rsp.GetResults())
	}
	st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"owner": "earlier-step"}, st["other"]); diff != "" {
		t.Errorf("the earlier step's status.other: -want +got:\n%s", diff)
	}
	if st["capacityPlan"] == nil || st["cloud"] != "aws" {
		t.Errorf("the function's own status is missing: %v", st)
	}
	want := req.GetDesired().GetResources()["database-backup-bucket"]
	if diff := cmp.Diff(want, rsp.GetDesired().GetResources()["database-backup-bucket"], protocmp.Transform()); diff != "" {
		t.Errorf("the earlier step's resource: -want +got:\n%s", diff)
	}
	if n := len(rsp.GetDesired().GetResources()); n < 2 {
		t.Errorf("composed %d resources; want the earlier step's and the function's", n)
	}
}

// TestRefusesToRewriteAnEarlierStepsResource: a desired resource of an
// earlier step with a name the function composes is refused, not replaced.
func TestRefusesToRewriteAnEarlierStepsResource(t *testing.T) {
	rsp := run(t, withEarlierStep(t, "etcd-nodepool"))
	if !fatalIn(rsp) || !strings.Contains(rsp.GetResults()[0].GetMessage(), `an earlier pipeline step composes a resource named "etcd-nodepool"`) {
		t.Fatalf("want a Fatal result naming etcd-nodepool, got %v", rsp.GetResults())
	}
}

// TestGCPTagsThatCollideAreRefused: on GCP, tags Team/team/TEAM would
// become one label key chosen by map order (12 renders gave 11 outputs);
// they are refused, each named. Other clouds keep them apart.
func TestGCPTagsThatCollideAreRefused(t *testing.T) {
	in, err := structpb.NewStruct(map[string]any{
		"apiVersion": "spacescaling.fn.crossplane.io/v1beta1", "kind": "Input",
		"tags": map[string]any{"Team": "a", "team": "b", "TEAM": "c"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for base, wantFatal := range map[string]bool{"xr-gcp": true, "xr-aws": false, "xr-azure": false} {
		t.Run(base, func(t *testing.T) {
			req := newRequest(t, readXR(t, "../example/"+base+".yaml"), nil)
			req.Input = in
			rsp := run(t, req)
			if fatalIn(rsp) != wantFatal {
				t.Fatalf("Fatal = %v, want %v: %v", fatalIn(rsp), wantFatal, rsp.GetResults())
			}
			if !wantFatal {
				return
			}
			msg := rsp.GetResults()[0].GetMessage()
			for _, p := range []string{"input.tags[Team]: ", "input.tags[team]: "} {
				if !strings.Contains(msg, p) {
					t.Errorf("the Fatal result does not name %s\n%s", p, msg)
				}
			}
		})
	}
}

// TestRunFunctionLeavesTheRequestAlone: RunFunction does not change its
// request, so the same request run twice gives the same response. (It once
// wrote its resources into the request's desired state, which made the
// second call of a benchmark a Fatal "name taken" and its numbers wrong.)
func TestRunFunctionLeavesTheRequestAlone(t *testing.T) {
	for _, c := range capturedRequests(t) {
		t.Run(c.name, func(t *testing.T) {
			before := proto.Clone(c.req)
			first := run(t, c.req)
			if diff := cmp.Diff(before, c.req, protocmp.Transform()); diff != "" {
				t.Fatalf("RunFunction changed its request: -before +after:\n%s", diff)
			}
			if diff := cmp.Diff(first, run(t, c.req), protocmp.Transform()); diff != "" {
				t.Errorf("the second call answered differently: -first +second:\n%s", diff)
			}
		})
	}
}
