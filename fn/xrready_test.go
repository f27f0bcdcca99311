package fn

import (
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestXRReadyOnlyOnceStatusRecorded pins the XR's readiness for the
// requests around the flap of issue 27: every composed resource observed
// ready, and the XR's status still the one recorded while a component was
// not. The XR turns Ready only in the call after the one that records the
// last component ready, and that call leaves the ComponentsReady condition
// as it is, so that neither of Crossplane's two status writes of the
// recording call changes the XR's conditions (xrready.go).
func TestXRReadyOnlyOnceStatusRecorded(t *testing.T) {
	xr := readXR(t, "../example/xr-aws.yaml")
	ready := readyObserved(t, xr) // xr now records every component ready
	settled := deepCopy(t, xr)["status"].(map[string]any)
	settled["conditions"] = []any{
		map[string]any{"type": "Ready", "status": "True", "reason": "Available"},
		map[string]any{"type": ConditionComponentsReady, "status": "True", "reason": ReasonAvailable},
	}

	// The status recorded one call earlier: the alerts not ready yet.
	notYet := map[string]map[string]any{}
	for k, v := range ready {
		notYet[k] = v
	}
	alerts := deepCopy(t, ready["alerts"])
	alerts["status"].(map[string]any)["conditions"] = []any{map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}}
	notYet["alerts"] = alerts
	before := withStatus(xr, run(t, newRequest(t, xr, notYet)))
	before["status"].(map[string]any)["conditions"] = []any{
		map[string]any{"type": "Ready", "status": "False", "reason": "Creating"},
		map[string]any{"type": ConditionComponentsReady, "status": "False", "reason": ReasonWaiting},
	}

	type want struct {
		ready     fnv1.Ready
		condition bool // ComponentsReady sent
	}
	cases := map[string]struct {
		xr       map[string]any
		observed map[string]map[string]any
		earlier  map[string]*fnv1.Resource
		want     want
	}{
		// The request of the flap: all ready, the status not yet recorded.
		"RecordsFirst": {xr: before, observed: ready, want: want{fnv1.Ready_READY_FALSE, false}},
		// The next call: the status records it; now the XR turns Ready.
		"ThenReady": {xr: withStatusMap(xr, settled), observed: ready, want: want{fnv1.Ready_READY_TRUE, true}},
		// A resource that turns unready is reported at once.
		"UnreadyAtOnce": {xr: withStatusMap(xr, settled), observed: notYet, want: want{fnv1.Ready_READY_FALSE, false}},
		// Never Ready before a first status is recorded.
		"NoStatusYet": {xr: withStatusMap(xr, nil), observed: ready, want: want{fnv1.Ready_READY_FALSE, true}},
		// An earlier step's resource that is not ready keeps the XR unready.
		"EarlierStepNotReady": {xr: withStatusMap(xr, settled), observed: ready,
			earlier: map[string]*fnv1.Resource{"other": {Resource: &structpb.Struct{}, Ready: fnv1.Ready_READY_UNSPECIFIED}},
			want:    want{fnv1.Ready_READY_FALSE, true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := newRequest(t, tc.xr, tc.observed)
			req.Desired = &fnv1.State{Resources: tc.earlier}
			rsp := run(t, req)
			if got := rsp.GetDesired().GetComposite().GetReady(); got != tc.want.ready {
				t.Errorf("the XR's readiness: got %s, want %s", got, tc.want.ready)
			}
			sent := false
			for _, c := range rsp.GetConditions() {
				sent = sent || c.GetType() == ConditionComponentsReady
			}
			if sent != tc.want.condition {
				t.Errorf("ComponentsReady sent: got %v, want %v", sent, tc.want.condition)
			}
		})
	}
}

func withStatusMap(xr map[string]any, status any) map[string]any {
	out := map[string]any{}
	for k, v := range xr {
		out[k] = v
	}
	if status == nil {
		delete(out, "status")
		return out
	}
	out["status"] = status
	return out
}
