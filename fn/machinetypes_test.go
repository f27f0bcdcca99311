package fn

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestImpossibleMachineTypes: a machine type that cannot exist in the
// cloud (malformed, or a size its family is not sold in) is a Fatal
// naming its path, and nothing is composed; a well-formed type the
// catalog does not know stays a Warning.
func TestImpossibleMachineTypes(t *testing.T) {
	cases := map[string]struct {
		xr    string
		pool  string
		types []any
		// fatal: the message's start; empty for no Fatal.
		fatal string
	}{
		"AWSSizeTheFamilyLacks": {"../example/xr-aws.yaml", "etcd", []any{"c5.8xlarge"},
			"spec.nodePools.etcd.machineTypes[0]: Invalid value: \"c5.8xlarge\": EC2 has no c5.8xlarge"},
		"AWSGraviton24xlarge": {"../example/xr-aws.yaml", "controlPlanes", []any{"m7i.4xlarge", "m6g.24xlarge"},
			"spec.nodePools.controlPlanes.machineTypes[1]: Invalid value: \"m6g.24xlarge\": EC2 has no m6g.24xlarge"},
		"AWSGarbage": {"../example/xr-aws.yaml", "apiServer", []any{"m7i..x"},
			"spec.nodePools.apiServer.machineTypes[0]: Invalid value: \"m7i..x\": not an EC2 instance type"},
		"GCPSize": {"../example/xr-gcp.yaml", "etcd", []any{"n2-standard-7"},
			"spec.nodePools.etcd.machineTypes[0]: Invalid value: \"n2-standard-7\": n2-standard comes in"},
		"AzurePattern": {"../example/xr-azure.yaml", "etcd", []any{"D8s_v5"},
			"spec.nodePools.etcd.machineTypes[0]: Invalid value: \"D8s_v5\": not an Azure VM size"},
		"AWSUnknownButPlausible":   {"../example/xr-aws.yaml", "controlPlanes", []any{"m7i.4xlarge", "x2idn.16xlarge"}, ""},
		"AzureUnknownButPlausible": {"../example/xr-azure.yaml", "controlPlanes", []any{"Standard_D16s_v5", "Standard_NC24ads_A100_v4"}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, tc.xr)
			testutil.Set(xr, "spec.nodePools."+tc.pool+".machineTypes", tc.types)
			rsp := run(t, newRequest(t, xr, nil))
			var fatal, warned string
			for _, r := range rsp.GetResults() {
				switch r.GetSeverity() {
				case fnv1.Severity_SEVERITY_FATAL:
					fatal = r.GetMessage()
				case fnv1.Severity_SEVERITY_WARNING:
					if strings.Contains(r.GetMessage(), "machineTypes lists machine types the function's catalog does not know") {
						warned = r.GetMessage()
					}
				}
			}
			if tc.fatal == "" {
				if fatal != "" || warned == "" {
					t.Errorf("fatal %q, catalog warning %q; want no Fatal and a Warning", fatal, warned)
				}
				return
			}
			if !strings.Contains(fatal, tc.fatal) {
				t.Errorf("Fatal %q, want it to contain %q", fatal, tc.fatal)
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("%d resources composed, want none", n)
			}
		})
	}
}
