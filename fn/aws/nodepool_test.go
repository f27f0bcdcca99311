package aws_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func TestNodePools(t *testing.T) {
	o := objects(t, render(t, "", false, nil))
	cases := map[string]struct {
		taints     any
		disruption any
		limits     any
		instance   any
		expire     string
	}{
		"etcd": {
			taints:     []any{map[string]any{"key": "target", "value": "etcd", "effect": "NoSchedule"}},
			disruption: map[string]any{"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30m", "budgets": []any{map[string]any{"nodes": "1"}}},
			// 150 etcd members, 50 a zone; an m7i.2xlarge serves 24 at
			// etcd's sustained 500 IOPS (12,000 baseline EBS IOPS): 3 a
			// zone, 9 nodes.
			limits:   map[string]any{"nodes": "9", "cpu": "72", "memory": "288Gi"},
			instance: []any{"m7i.2xlarge"},
			expire:   "Never",
		},
		"apiserver": {
			taints:     []any{map[string]any{"key": "target", "value": "apiserver", "effect": "NoSchedule"}},
			disruption: map[string]any{"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30m", "budgets": []any{map[string]any{"nodes": "1"}}},
			// 100 API servers, 34 a zone: 34 x 1320Mi x 1.2 = 53,856Mi
			// over c7i.2xlarge's 14,746Mi: 4 a zone, 12 nodes.
			limits:   map[string]any{"nodes": "12", "cpu": "96", "memory": "192Gi"},
			instance: []any{"c7i.2xlarge"},
			expire:   "Never",
		},
		"controlplanes": {
			disruption: map[string]any{"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m", "budgets": []any{map[string]any{"nodes": "10%"}}},
			limits:     map[string]any{"nodes": "11", "cpu": "176", "memory": "704Gi"},
			instance:   []any{"m7i.4xlarge"},
		},
	}
	for role, want := range cases {
		t.Run(role, func(t *testing.T) {
			np := manifest(o[role+"-nodepool"])
			if np["apiVersion"] != "karpenter.sh/v1" || np["kind"] != "NodePool" {
				t.Fatalf("%s-nodepool delivers %v %v", role, np["apiVersion"], np["kind"])
			}
			tmpl := testutil.Get(np, "spec", "template").(map[string]any)
			wantReqs := []any{
				map[string]any{"key": "topology.kubernetes.io/zone", "operator": "In", "values": []any{"us-east-1a", "us-east-1b", "us-east-1c"}},
				map[string]any{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": want.instance},
				map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []any{"on-demand"}},
			}
			// The dedicated pools never expire; the general one after 30 days.
			expire := "720h"
			if want.expire != "" {
				expire = want.expire
			}
			for field, w := range map[string]any{
				"requirements": wantReqs,
				"taints":       want.taints,
				"nodeClassRef": map[string]any{"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "prod-use1-" + role},
				"expireAfter":  expire,
			} {
				if diff := cmp.Diff(w, testutil.Get(tmpl, "spec", field)); diff != "" {
					t.Errorf("template.spec.%s: -want +got:\n%s", field, diff)
				}
			}
			if diff := cmp.Diff(map[string]any{"target": role, "team": "platform"}, testutil.Get(tmpl, "metadata", "labels")); diff != "" {
				t.Errorf("node labels: -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(want.disruption, testutil.Get(np, "spec", "disruption")); diff != "" {
				t.Errorf("disruption: -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(want.limits, testutil.Get(np, "spec", "limits")); diff != "" {
				t.Errorf("limits: -want +got:\n%s", diff)
			}
		})
	}
}

func TestNodeClass(t *testing.T) {
	nc := manifest(objects(t, render(t, "", false, nil))["etcd-nodeclass"])
	discovery := []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": "spaces-prod"}}}
	want := map[string]any{
		"role":                       "KarpenterNodeRole-spaces-prod",
		"amiSelectorTerms":           []any{map[string]any{"alias": "al2023@latest"}},
		"subnetSelectorTerms":        discovery,
		"securityGroupSelectorTerms": discovery,
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{
			"volumeSize": "100Gi", "volumeType": "gp3", "encrypted": true, "deleteOnTermination": true,
		}}},
		"metadataOptions": map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": float64(1)},
		"tags":            map[string]any{"cost-center": "spaces", "spacescaling.crossplane.io/pool": "etcd"},
	}
	if diff := cmp.Diff(want, nc["spec"]); diff != "" {
		t.Errorf("EC2NodeClass spec: -want +got:\n%s", diff)
	}
}

// TestNodeClassDefaults pins the defaults that follow from clusterName.
func TestNodeClassDefaults(t *testing.T) {
	out := render(t, "", false, func(xr map[string]any) {
		testutil.Set(xr, "spec.clusterName", "other")
		testutil.Set(xr, "spec.aws", map[string]any{"databaseSubnetIds": []any{"subnet-0a"}, "databaseSecurityGroupIds": []any{"sg-0a"}})
	})
	nc := manifest(objects(t, out)["etcd-nodeclass"])
	if got := testutil.Get(nc, "spec", "role"); got != "KarpenterNodeRole-other" {
		t.Errorf("role = %v", got)
	}
	if got := testutil.Get(nc, "spec", "subnetSelectorTerms"); !cmp.Equal(got, []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": "other"}}}) {
		t.Errorf("subnetSelectorTerms = %v", got)
	}
}
