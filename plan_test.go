package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/change"
)

var update = flag.Bool("update", false, "rewrite the plan golden files in testdata/plan from the current output")

func readXRMap(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // test fixtures.
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// running is what a Space made from xr looks like to kubectl: every
// resource the function composes, annotated with its composition resource
// name as Crossplane does (or, with annotate false, only labelled).
func running(t *testing.T, xr map[string]any, annotate bool) []map[string]any {
	t.Helper()
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatal(err)
	}
	// Until it composes nothing more: what one render composes, settled,
	// is observed by the next, which composes what waits for it (the
	// Release, then the router's observer and what lives in the Spaces
	// namespace).
	observed := map[string]*fnv1.Resource{}
	var rsp *fnv1.RunFunctionResponse
	for n := -1; n < len(observed); {
		n = len(observed)
		rsp, err = fn.New().RunFunction(context.Background(), &fnv1.RunFunctionRequest{
			Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: observed}, Desired: &fnv1.State{},
		})
		if err != nil {
			t.Fatal(err)
		}
		observed = map[string]*fnv1.Resource{}
		for k, r := range rsp.GetDesired().GetResources() {
			o := r.GetResource().AsMap()
			settle(o)
			so, err := structpb.NewStruct(o)
			if err != nil {
				t.Fatal(err)
			}
			observed[k] = &fnv1.Resource{Resource: so}
		}
	}
	var out []map[string]any
	for k, r := range rsp.GetDesired().GetResources() {
		o := r.GetResource().AsMap()
		settle(o)
		if annotate {
			md := o["metadata"].(map[string]any)
			a, _ := md["annotations"].(map[string]any)
			if a == nil {
				a = map[string]any{}
			}
			a[fn.CompositionResourceNameAnnotation] = k
			md["annotations"] = a
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		t.Fatalf("the XR composes nothing: %v", rsp.GetResults())
	}
	return out
}

// settle gives a managed resource or Object the status its provider
// writes once it has acted on generation 1: Synced and Ready True for it.
func settle(o map[string]any) {
	av, _ := o["apiVersion"].(string)
	group, _, _ := strings.Cut(av, "/")
	if !strings.HasSuffix(group, "upbound.io") && !strings.HasSuffix(group, "crossplane.io") {
		return
	}
	o["metadata"].(map[string]any)["generation"] = float64(1)
	cond := func(typ, reason string) map[string]any {
		return map[string]any{"type": typ, "status": "True", "reason": reason, "observedGeneration": float64(1), "lastTransitionTime": "2026-12-01T10:00:00Z"}
	}
	o["status"] = map[string]any{"conditions": []any{cond("Synced", "ReconcileSuccess"), cond("Ready", "Available")}}
	// The endpoint a database reports once created, which the Release
	// waits for.
	name, _ := o["metadata"].(map[string]any)["name"].(string)
	switch o["kind"] {
	case "DatabaseInstance": // sql.gcp
		o["status"].(map[string]any)["atProvider"] = map[string]any{"privateIpAddress": "10.20.0.5"}
	case "FlexibleServer": // dbforpostgresql.azure
		o["status"].(map[string]any)["atProvider"] = map[string]any{"fqdn": name + ".postgres.database.azure.com"}
	}
}

func set(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
		return
	}
	m[keys[len(keys)-1]] = v
}

// planCase is a running Space (made from example, edited by before) and
// the XR applied to it (example, edited by after).
type planCase struct {
	example       string
	before, after func(map[string]any)
	// labelsOnly leaves the composition resource name annotation out, so
	// resources are matched by component label, kind and name.
	labelsOnly bool
	wantBlock  bool
	// observe, when set, adds what the cloud wrote back to the running
	// Space's resources.
	observe func(objs []map[string]any)
}

var planCases = map[string]planCase{
	"trap-aws-etcd-volume-size": {
		example: "xr-aws.yaml", // staged: a new StorageClass beside
		after:   func(xr map[string]any) { set(xr, "spec.spaces.etcdVolumeSize", "5Gi") },
	},
	"trap-gcp-etcd-n2-to-n4": {
		example: "xr-gcp.yaml", wantBlock: true,
		after: func(xr map[string]any) { set(xr, "spec.nodePools.etcd.machineTypes", []any{"n4-standard-8"}) },
	},
	"trap-gcp-new-node-service-account": {
		example: "xr-gcp.yaml", wantBlock: true, // an etcd pool is replaced (staged)
		before: func(xr map[string]any) { set(xr, "spec.gcp.nodeServiceAccount", nil) },
	},
	"trap-azure-etcd-vm-size": {
		example: "xr-azure.yaml",
		after:   func(xr map[string]any) { set(xr, "spec.nodePools.etcd.machineTypes", []any{"Standard_D16s_v5"}) },
	},
	// What Azure fills in is pinned: no change, nothing cycled.
	"trap-azure-cloud-filled-fields": {
		example: "xr-azure.yaml",
		observe: func(objs []map[string]any) {
			for _, o := range objs {
				st, _ := o["status"].(map[string]any)
				switch o["kind"] {
				case "KubernetesClusterNodePool":
					st["atProvider"] = map[string]any{"vnetSubnetId": "/subscriptions/0/resourceGroups/spaces-rg/providers/Microsoft.Network/virtualNetworks/spaces/subnets/nodes"}
				case "FlexibleServer":
					st["atProvider"] = map[string]any{"zone": "1", "highAvailability": map[string]any{"mode": "ZoneRedundant", "standbyAvailabilityZone": "2"}}
				}
			}
		},
	},
	"trap-aws-query-api-off": {
		example: "xr-aws.yaml", wantBlock: true,
		after: func(xr map[string]any) { set(xr, "spec.queryAPI.enabled", false) },
	},
	"trap-aws-query-api-off-labels-only": {
		example: "xr-aws.yaml", wantBlock: true, labelsOnly: true,
		after: func(xr map[string]any) { set(xr, "spec.queryAPI.enabled", false) },
	},
	"aws-router-replicas-labels-only": {
		example: "xr-aws.yaml", labelsOnly: true,
		after: func(xr map[string]any) { set(xr, "spec.spaces.router.maxReplicas", 12) },
	},
}

// TestPlanGolden previews each example against its own render (everything
// "no change") and each trap, and compares the text plan with a committed
// file. After an intended change: go test . -run TestPlanGolden -update,
// then review the diff.
func TestPlanGolden(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("example", "xr-*.yaml"))
	namespaced, err2 := filepath.Glob(filepath.Join("example", "namespaced", "xr-*.yaml"))
	if err != nil || err2 != nil || len(examples) == 0 || len(namespaced) == 0 {
		t.Fatalf("no examples: %v %v", err, err2)
	}
	cases := map[string]planCase{}
	for _, e := range append(examples, namespaced...) {
		rel, err := filepath.Rel("example", e)
		if err != nil {
			t.Fatal(err)
		}
		cases["example-"+strings.ReplaceAll(strings.TrimSuffix(rel, ".yaml"), string(filepath.Separator), "-")] = planCase{example: rel}
	}
	for k, v := range planCases {
		cases[k] = v
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := readXRMap(t, filepath.Join("example", tc.example))
			if tc.before != nil {
				tc.before(before)
			}
			after := readXRMap(t, filepath.Join("example", tc.example))
			if tc.after != nil {
				tc.after(after)
			}
			xr, err := structpb.NewStruct(after)
			if err != nil {
				t.Fatal(err)
			}
			objs := running(t, before, !tc.labelsOnly)
			if tc.observe != nil {
				tc.observe(objs)
			}
			p, err := preview(xr, objs, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(p.Blocking()) > 0; got != tc.wantBlock {
				t.Errorf("blocking: got %v (%v), want %v", got, p.Blocking(), tc.wantBlock)
			}
			if strings.HasPrefix(name, "example-") {
				for _, c := range p.Changes {
					if c.Effect != change.NoChange {
						t.Errorf("an example against its own render: %s is %s, want no change (%+v)", c.Key, c.Effect, c.Fields)
					}
				}
			}
			if len(p.Unmatched) > 0 {
				t.Errorf("unmatched observed resources: %v", p.Unmatched)
			}
			var b strings.Builder
			if err := printPlan(&b, p, "text"); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "plan", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(b.String()), 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden) //nolint:gosec // test fixtures.
			if err != nil {
				t.Fatalf("%v: run go test . -run TestPlanGolden -update and review the new file", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got); if intended, rerun with -update and review:\n%s", golden, diff)
			}
		})
	}
}

// TestPlanReadsKubectlOutput: a folder holding a List (kubectl get -o yaml
// of several objects), a multi-document file, the XR with its status and
// a Secret reads as the running Space and the Secret, its value redacted.
func TestPlanReadsKubectlOutput(t *testing.T) {
	xr := readXRMap(t, filepath.Join("example", "xr-aws.yaml"))
	objs := running(t, xr, true)
	dir := t.TempDir()
	list, err := yaml.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": objs[:2]})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, o := range objs[2:] {
		b, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: c2VjcmV0\n"
	withStatus := readXRMap(t, filepath.Join("example", "xr-aws.yaml"))
	withStatus["status"] = map[string]any{"cloud": "aws"}
	xrDoc, err := yaml.Marshal(withStatus)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"a-list.yaml": string(list), "b-docs.yaml": strings.Join(docs, "---\n"), "c-secret.yml": secret, "d-xr.json": string(xrDoc), "notes.txt": "not YAML",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := readObjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(objs)+2 {
		t.Fatalf("read %d objects, want the %d composed ones, the XR and the Secret", len(got), len(objs))
	}
	for _, o := range got {
		if o["kind"] == "Secret" {
			if diff := cmp.Diff(map[string]any{"password": redacted}, o["data"]); diff != "" {
				t.Errorf("the Secret's data is not redacted (-want +got):\n%s", diff)
			}
		}
	}
	s, err := structpb.NewStruct(readXRMap(t, filepath.Join("example", "xr-aws.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	// A resource of another XR, as kubectl get -A would list it.
	other := map[string]any{"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": map[string]any{
		"name": "other-etcd", "labels": map[string]any{"crossplane.io/composite": "other", "spacescaling.crossplane.io/component": "etcdPool"}}}
	p, err := preview(s, append(got, other), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		if c.Effect != change.NoChange {
			t.Errorf("%s: %s, want no change", c.Key, c.Effect)
		}
	}
	if diff := cmp.Diff([]string{"NodePool other-etcd"}, p.Unmatched); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
	if len(p.Changes) != len(objs) {
		t.Errorf("classified %d resources, want %d", len(p.Changes), len(objs))
	}
}

// TestPlanJSON: -o json carries each change with its effect by name and
// the blocking reasons, for machines.
func TestPlanJSON(t *testing.T) {
	tc := planCases["trap-gcp-etcd-n2-to-n4"]
	before := readXRMap(t, filepath.Join("example", tc.example))
	after := readXRMap(t, filepath.Join("example", tc.example))
	tc.after(after)
	xr, err := structpb.NewStruct(after)
	if err != nil {
		t.Fatal(err)
	}
	p, err := preview(xr, running(t, before, true), "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := printPlan(&b, p, "json"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Changes []struct {
			Key    string `json:"key"`
			Effect string `json:"effect"`
			Fields []struct {
				Path   string   `json:"path"`
				Effect string   `json:"effect"`
				Causes []string `json:"causes"`
			} `json:"fields"`
		} `json:"changes"`
		Refused  string   `json:"refused"`
		Blocking []string `json:"blocking"`
	}
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	found := false
	for _, c := range got.Changes {
		if c.Key == "etcd-storageclass" && c.Effect == "forbidden by the API server" {
			for _, f := range c.Fields {
				found = found || (f.Path == "spec.forProvider.manifest.parameters" && len(f.Causes) == 1 && f.Causes[0] == "spec.nodePools.etcd.machineTypes")
			}
		}
	}
	if !found {
		t.Errorf("no forbidden parameters change of etcd-storageclass in:\n%s", b.String())
	}
	if got.Refused == "" || len(got.Blocking) == 0 {
		t.Errorf("want the function's refusal and blocking reasons, got %q %v", got.Refused, got.Blocking)
	}
}

// TestPlanReadoption: a new XR over an orphaned database, with the kept
// copy of its generated password among the observed objects, plans the
// restore and holds the database instance; without the copy it plans the
// instance. The copy's value never reaches the plan.
func TestPlanReadoption(t *testing.T) {
	const value = "cGxhbi1tdXN0LW5ldmVyLXByaW50LXRoaXM="
	xr := readXRMap(t, filepath.Join("example", "xr-aws.yaml"))
	name := xr["metadata"].(map[string]any)["name"].(string)
	dir := t.TempDir()
	kept := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "-postgres-password-kept\n  namespace: crossplane-system\ndata:\n  password: " + value + "\n"
	if err := os.WriteFile(filepath.Join(dir, "kept.yaml"), []byte(kept), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := readObjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		objs              []map[string]any
		restore, instance bool
	}{
		"readoption-aws-kept-password":    {objs: objs, restore: true},
		"readoption-aws-no-kept-password": {instance: true},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := structpb.NewStruct(readXRMap(t, filepath.Join("example", "xr-aws.yaml")))
			if err != nil {
				t.Fatal(err)
			}
			p, err := preview(s, tc.objs, "")
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for _, c := range p.Changes {
				keys[c.Key] = true
			}
			if keys[fn.KeyPasswordRestore] != tc.restore || keys["database-instance"] != tc.instance {
				t.Errorf("planned %v: want restore %v, instance %v", keys, tc.restore, tc.instance)
			}
			var b strings.Builder
			if err := printPlan(&b, p, "text"); err != nil {
				t.Fatal(err)
			}
			var j strings.Builder
			if err := printPlan(&j, p, "json"); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String()+j.String(), value) || strings.Contains(b.String()+j.String(), redacted) {
				t.Error("the Secret's data is in the plan")
			}
			golden := filepath.Join("testdata", "plan", name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden) //nolint:gosec // test fixtures.
			if err != nil {
				t.Fatalf("%v: run go test . -run TestPlanReadoption -update and review the new file", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
