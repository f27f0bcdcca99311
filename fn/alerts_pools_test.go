package fn

import (
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/alerts"
)

// TestNodePoolAlertNamesComposedPools: the node pool alert reads the pools
// the function composes. On AWS it names exactly the Karpenter NodePools
// composed into the Space cluster; on GKE and AKS it counts nodes by the
// target label every composed pool carries.
func TestNodePoolAlertNamesComposedPools(t *testing.T) {
	cases := map[string]struct {
		xr   string
		want func(manifests []map[string]any) []string // substrings of the expression
	}{
		"AWS": {xr: "../example/xr-aws.yaml", want: func(ms []map[string]any) []string {
			var names []string
			for _, m := range ms {
				if m["kind"] == "NodePool" && m["apiVersion"] == "karpenter.sh/v1" {
					names = append(names, m["metadata"].(map[string]any)["name"].(string))
				}
			}
			if len(names) != 3 {
				t.Fatalf("%d Karpenter NodePools composed, want 3", len(names))
			}
			// Each name whole, as an alternative of the selector's regex.
			var want []string
			for _, n := range names {
				want = append(want, n+`|`, n+`"}`)
			}
			return want
		}},
		"GCP":   {xr: "../example/xr-gcp.yaml", want: func([]map[string]any) []string { return []string{`kube_node_labels{label_target="etcd"}`} }},
		"Azure": {xr: "../example/xr-azure.yaml", want: func([]map[string]any) []string { return []string{`kube_node_labels{label_target="etcd"}`} }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// The alerts live in the Spaces namespace: composed once the
			// Release is observed.
			rsp := run(t, newRequest(t, readXR(t, tc.xr), map[string]map[string]any{"spaces-release": observedRelease(false)}))
			var manifests []map[string]any
			expr := ""
			for _, r := range rsp.GetDesired().GetResources() {
				m := r.GetResource().AsMap()
				if spec, ok := m["spec"].(map[string]any); ok {
					if fp, ok := spec["forProvider"].(map[string]any); ok {
						if mf, ok := fp["manifest"].(map[string]any); ok {
							m = mf
						}
					}
				}
				manifests = append(manifests, m)
				if m["kind"] != alerts.Kind {
					continue
				}
				for _, g := range m["spec"].(map[string]any)["groups"].([]any) {
					for _, rl := range g.(map[string]any)["rules"].([]any) {
						if rl.(map[string]any)["alert"] == alerts.AlertNodePoolNearLimit {
							expr = rl.(map[string]any)["expr"].(string)
						}
					}
				}
			}
			if expr == "" {
				t.Fatalf("no %s alert composed", alerts.AlertNodePoolNearLimit)
			}
			want := tc.want(manifests)
			for i := 0; i < len(want); i++ {
				w := want[i]
				if name == "AWS" { // either the name then "|", or last then `"}`
					if !strings.Contains(expr, w) && !strings.Contains(expr, want[i+1]) {
						t.Errorf("%s: expression %q lacks NodePool %q", alerts.AlertNodePoolNearLimit, expr, strings.TrimSuffix(w, "|"))
					}
					i++
					continue
				}
				if !strings.Contains(expr, w) {
					t.Errorf("%s: expression %q lacks %q", alerts.AlertNodePoolNearLimit, expr, w)
				}
			}
		})
	}
}
