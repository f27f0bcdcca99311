package fn

import (
	"strings"
	"testing"

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
