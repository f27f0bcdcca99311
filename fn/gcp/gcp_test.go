package gcp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const secretNamespace = "crossplane-system"

// exampleXR is the complete GCP example, read from the repository.
func exampleXR(t *testing.T) map[string]any {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "example", "xr-gcp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	xr := map[string]any{}
	if err := yaml.Unmarshal(b, &xr); err != nil {
		t.Fatal(err)
	}
	return xr
}

// build runs the function's pipeline (fn.Prepare) on an XR: decode,
// default and validate it, and build the plan.
func build(t *testing.T, xr map[string]any) (*plan.Plan, renderer, *spec.Spec) {
	t.Helper()
	raw, err := json.Marshal(xr)
	if err != nil {
		t.Fatal(err)
	}
	pr, errs := fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}})
	if len(errs) > 0 {
		t.Fatalf("fn.Prepare: %v", errs.ToAggregate())
	}
	return pr.Plan, renderer{pr.Spec}, pr.Spec
}

// renderer renders a plan of the spec with the GCP cloud, through the
// skeleton every cloud shares.
type renderer struct{ s *spec.Spec }

func (r renderer) Render(p *plan.Plan, e cloud.Env) (*cloud.Output, error) {
	return gcp.Cloud.Render(p, r.s, e), nil
}

// env is the environment fn.Compose gives a renderer.
func env(namespace string, direct bool) cloud.Env {
	scope := compose.Scope{Namespace: namespace, ProviderConfigKind: "ClusterProviderConfig"}
	return cloud.Env{
		Scope:           scope,
		Delivery:        compose.Delivery{Direct: direct, Scope: scope, ProviderConfig: "default"},
		ProviderConfig:  "gcp",
		Labels:          map[string]string{"team": "platform"},
		Tags:            map[string]string{"CostCenter": "Spaces 42"},
		SecretNamespace: secretNamespace,
	}
}

func render(t *testing.T, xr map[string]any, e cloud.Env) *cloud.Output {
	t.Helper()
	p, r, _ := build(t, xr)
	out, err := r.Render(p, e)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

// get reads a dotted path of a JSON object.
func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func byKey(t *testing.T, out *cloud.Output, key string) compose.Resource {
	t.Helper()
	for _, r := range out.Resources {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no resource %q", key)
	return compose.Resource{}
}

func TestMachine(t *testing.T) {
	cases := map[string]struct {
		vcpu, gib int64
		known     bool
	}{
		"n2-standard-8":    {8, 32, true},
		"n2-standard-16":   {16, 64, true},
		"n2-highmem-4":     {4, 32, true},
		"n2-highcpu-16":    {16, 16, true},
		"n2d-standard-224": {224, 896, true},
		"e2-standard-32":   {32, 128, true},
		"e2-highcpu-8":     {8, 8, true},
		"c3-standard-22":   {22, 88, true},
		"c3-highcpu-44":    {44, 88, true},
		"c3-highmem-8":     {8, 64, true},
		"c2-standard-30":   {30, 120, true},
		"n4-highcpu-8":     {8, 16, true},
		"t2d-standard-60":  {60, 240, true},
		// Not sold, or not in the catalog.
		"n2-standard-7":   {0, 0, false},
		"e2-highmem-32":   {0, 0, false},
		"c2-highmem-8":    {0, 0, false},
		"t2d-highcpu-8":   {0, 0, false},
		"m1-ultramem-40":  {0, 0, false},
		"n2-standard":     {0, 0, false},
		"n2-standard-8-x": {0, 0, false},
		"m7i.2xlarge":     {0, 0, false},
		"":                {0, 0, false},
	}
	for mt, want := range cases {
		m, ok := gcp.Machine(mt)
		if ok != want.known {
			t.Errorf("Machine(%q) known = %v, want %v", mt, ok, want.known)
			continue
		}
		if m.VCPU != want.vcpu || m.MemoryMiB != want.gib*1024 {
			t.Errorf("Machine(%q) = %d vCPU / %d MiB, want %d / %d", mt, m.VCPU, m.MemoryMiB, want.vcpu, want.gib*1024)
		}
	}
	// Every default sizes its pool.
	d := gcp.Cloud.Defaults
	for _, mt := range [][]string{d.EtcdMachineTypes, d.APIServerMachineTypes, d.ControlPlanesMachineTypes} {
		if _, ok := gcp.Machine(mt[0]); !ok {
			t.Errorf("default machine type %q is not in the catalog", mt[0])
		}
	}
}

func TestDiskSizeGiB(t *testing.T) {
	cases := []struct {
		storageGiB, minIOPS, want int32
	}{
		// 30 IOPS per GiB: 10 GiB give 300, so 400 need 14.
		{10, 400, 14},
		{1, 400, 14},
		{10, 2000, 67},
		{10, 10000, 334},
		{10, 300, 10},
		{10, 301, 11},
		// Never below the storage asked for.
		{20, 400, 20},
		{100, 400, 100},
		{100, 10000, 334},
		{500, 10000, 500},
		// Never below Cloud SQL's smallest disk.
		{0, 0, gcp.MinDiskSizeGiB},
	}
	for _, tc := range cases {
		got := gcp.DiskSizeGiB(tc.storageGiB, tc.minIOPS)
		if got != tc.want {
			t.Errorf("DiskSizeGiB(%d, %d) = %d, want %d", tc.storageGiB, tc.minIOPS, got, tc.want)
		}
		if got*gcp.IOPSPerGiB < tc.minIOPS || got < tc.storageGiB {
			t.Errorf("DiskSizeGiB(%d, %d) = %d gives %d IOPS", tc.storageGiB, tc.minIOPS, got, got*gcp.IOPSPerGiB)
		}
	}
}

func TestEdition(t *testing.T) {
	cases := map[string]string{
		"db-custom-2-8192":      gcp.EditionEnterprise,
		"db-custom-2-7680":      gcp.EditionEnterprise,
		"db-custom-16-61440":    gcp.EditionEnterprise,
		"db-g1-small":           gcp.EditionEnterprise,
		"db-f1-micro":           gcp.EditionEnterprise,
		"db-perf-optimized-N-2": gcp.EditionEnterprisePlus,
		"db-perf-optimized-N-8": gcp.EditionEnterprisePlus,
	}
	for tier, want := range cases {
		if got := gcp.Edition(tier); got != want {
			t.Errorf("Edition(%q) = %s, want %s", tier, got, want)
		}
	}
}

func TestTransactionLogDays(t *testing.T) {
	cases := []struct {
		days    int32
		edition string
		want    int32
	}{
		{1, gcp.EditionEnterprise, 1},
		{7, gcp.EditionEnterprise, 7},
		{14, gcp.EditionEnterprise, 7},
		{35, gcp.EditionEnterprise, 7},
		{14, gcp.EditionEnterprisePlus, 14},
		{35, gcp.EditionEnterprisePlus, 35},
	}
	for _, tc := range cases {
		if got := gcp.TransactionLogDays(tc.days, tc.edition); got != tc.want {
			t.Errorf("TransactionLogDays(%d, %s) = %d, want %d", tc.days, tc.edition, got, tc.want)
		}
	}
}

func TestInitialNodeCount(t *testing.T) {
	cases := []struct {
		minNodes int32
		zones    int
		want     int32
	}{
		{3, 3, 1},
		{5, 3, 2},
		{6, 3, 2},
		{7, 3, 3},
		{2, 3, 1},
		{3, 1, 3},
		{0, 3, 1},
		{4, 0, 4},
	}
	for _, tc := range cases {
		if got := gcp.InitialNodeCount(tc.minNodes, tc.zones); got != tc.want {
			t.Errorf("InitialNodeCount(%d, %d) = %d, want %d", tc.minNodes, tc.zones, got, tc.want)
		}
	}
}

// TestNodePoolCounts pins that autoscaling bounds are totals over the zones
// and only initialNodeCount is per zone.
func TestNodePoolCounts(t *testing.T) {
	cases := []struct {
		name                       string
		min, max                   int64
		wantMin, wantMax, wantInit float64
	}{
		{"3..9 over 3 zones", 3, 9, 3, 9, 1},
		{"5..9 over 3 zones", 5, 9, 5, 9, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "spec.nodePools.etcd.minNodes", tc.min)
			testutil.Set(xr, "spec.nodePools.etcd.maxNodes", tc.max)
			out := render(t, xr, env("", false))
			np := testutil.JSON(t, byKey(t, out, "etcd-nodepool").Object)
			fp := "spec.forProvider."
			if got := get(np, fp+"autoscaling.totalMinNodeCount"); got != tc.wantMin {
				t.Errorf("totalMinNodeCount = %v, want %v", got, tc.wantMin)
			}
			if got := get(np, fp+"autoscaling.totalMaxNodeCount"); got != tc.wantMax {
				t.Errorf("totalMaxNodeCount = %v, want %v", got, tc.wantMax)
			}
			for _, perZone := range []string{"autoscaling.minNodeCount", "autoscaling.maxNodeCount", "nodeCount", "initialNodeCount"} {
				if v := get(np, fp+perZone); v != nil {
					t.Errorf("forProvider.%s = %v, want unset", perZone, v)
				}
			}
			if got := get(np, "spec.initProvider.initialNodeCount"); got != tc.wantInit {
				t.Errorf("initProvider.initialNodeCount = %v, want %v", got, tc.wantInit)
			}
			if got := get(np, fp+"autoscaling.locationPolicy"); got != "BALANCED" {
				t.Errorf("locationPolicy = %v", got)
			}
		})
	}
}

func TestRenderNodePools(t *testing.T) {
	out := render(t, exampleXR(t), env("", false))

	var keys []string
	for _, r := range out.Resources {
		keys = append(keys, r.Key+"/"+r.Component)
	}
	want := []string{
		"etcd-nodepool/" + cloud.ComponentEtcdPool,
		"apiserver-nodepool/" + cloud.ComponentAPIServerPool,
		"controlplanes-nodepool/" + cloud.ComponentControlPlanesPool,
		"etcd-storageclass/" + cloud.ComponentStorage,
		"database-instance/" + cloud.ComponentDatabase,
		"database/" + cloud.ComponentDatabase,
		"database-user/" + cloud.ComponentDatabase,
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Fatalf("resources: -want +got:\n%s", diff)
	}

	cases := []struct {
		key, machine, disk string
		taint              []any
	}{
		{"etcd-nodepool", "n2-standard-8", gcp.DiskPDSSD, []any{map[string]any{"key": "target", "value": "etcd", "effect": "NO_SCHEDULE"}}},
		{"apiserver-nodepool", "n2-highcpu-16", gcp.DiskPDBalanced, []any{map[string]any{"key": "target", "value": "apiserver", "effect": "NO_SCHEDULE"}}},
		{"controlplanes-nodepool", "n2-standard-16", gcp.DiskPDBalanced, nil},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			np := testutil.JSON(t, byKey(t, out, tc.key).Object)
			role := strings.TrimSuffix(tc.key, "-nodepool")
			checks := map[string]any{
				"apiVersion":                                      gcp.NodePoolAPIVersion,
				"kind":                                            "NodePool",
				"metadata.name":                                   "prod-usc1-" + role,
				"spec.providerConfigRef.name":                     "gcp",
				"spec.forProvider.cluster":                        "spaces-prod",
				"spec.forProvider.location":                       "us-central1",
				"spec.forProvider.project":                        "my-project",
				"spec.forProvider.nodeConfig.machineType":         tc.machine,
				"spec.forProvider.nodeConfig.diskType":            tc.disk,
				"spec.forProvider.nodeConfig.diskSizeGb":          float64(100),
				"spec.forProvider.management.autoRepair":          true,
				"spec.forProvider.management.autoUpgrade":         true,
				"spec.forProvider.upgradeSettings.strategy":       "SURGE",
				"spec.forProvider.upgradeSettings.maxSurge":       float64(1),
				"spec.forProvider.upgradeSettings.maxUnavailable": float64(0),
			}
			for path, want := range checks {
				if got := get(np, path); got != want {
					t.Errorf("%s = %v, want %v", path, got, want)
				}
			}
			if get(np, "spec.deletionPolicy") != nil {
				t.Errorf("node pools are deleted with the XR, got deletionPolicy %v", get(np, "spec.deletionPolicy"))
			}
			zones := []any{"us-central1-a", "us-central1-b", "us-central1-c"}
			if diff := cmp.Diff(zones, get(np, "spec.forProvider.nodeLocations")); diff != "" {
				t.Errorf("nodeLocations: %s", diff)
			}
			labels := map[string]any{"target": role, "team": "platform"}
			if diff := cmp.Diff(labels, get(np, "spec.forProvider.nodeConfig.labels")); diff != "" {
				t.Errorf("labels: %s", diff)
			}
			var taint any
			if tc.taint != nil {
				taint = tc.taint
			}
			if diff := cmp.Diff(taint, get(np, "spec.forProvider.nodeConfig.taint")); diff != "" {
				t.Errorf("taint: %s", diff)
			}
			rl := map[string]any{"costcenter": "spaces_42"}
			if diff := cmp.Diff(rl, get(np, "spec.forProvider.nodeConfig.resourceLabels")); diff != "" {
				t.Errorf("resourceLabels: %s", diff)
			}
		})
	}

	// No project: the ProviderConfig's.
	xr := exampleXR(t)
	testutil.Set(xr, "spec.gcp", map[string]any{"privateNetwork": "projects/p/global/networks/n"})
	out = render(t, xr, env("", false))
	for _, r := range out.Resources {
		if m := testutil.JSON(t, r.Object); get(m, "spec.forProvider.project") != nil {
			t.Errorf("%s: project %v without spec.gcp.project", r.Key, get(m, "spec.forProvider.project"))
		}
	}
}

func TestBootDiskType(t *testing.T) {
	cases := []struct {
		role    plan.Role
		machine string
		want    string
	}{
		{plan.RoleEtcd, "n2-standard-8", gcp.DiskPDSSD},
		{plan.RoleAPIServer, "n2-standard-8", gcp.DiskPDBalanced},
		{plan.RoleControlPlanes, "c3-standard-22", gcp.DiskPDBalanced},
		{plan.RoleEtcd, "n4-standard-8", gcp.DiskHyperdiskBalanced},
		{plan.RoleControlPlanes, "c4-standard-16", gcp.DiskHyperdiskBalanced},
	}
	for _, tc := range cases {
		if got := gcp.BootDiskType(tc.role, tc.machine); got != tc.want {
			t.Errorf("BootDiskType(%s, %s) = %s, want %s", tc.role, tc.machine, got, tc.want)
		}
	}
}

func TestStorageClass(t *testing.T) {
	for _, direct := range []bool{false, true} {
		out := render(t, exampleXR(t), env("", direct))
		r := byKey(t, out, "etcd-storageclass")
		m := testutil.JSON(t, r.Object)
		sc := m
		if !direct {
			if got := get(m, "metadata.name"); got != "prod-usc1-etcd-storageclass" {
				t.Errorf("Object name = %v", got)
			}
			sc, _ = get(m, "spec.forProvider.manifest").(map[string]any)
		}
		want := map[string]any{
			"apiVersion":           "storage.k8s.io/v1",
			"kind":                 "StorageClass",
			"metadata":             map[string]any{"name": "prod-usc1-etcd", "labels": map[string]any{"team": "platform"}},
			"provisioner":          gcp.PDCSIProvisioner,
			"parameters":           map[string]any{"type": "pd-ssd", "replication-type": "none", "csi.storage.k8s.io/fstype": "ext4"},
			"reclaimPolicy":        "Delete",
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
		}
		if diff := cmp.Diff(want, sc); diff != "" {
			t.Errorf("direct=%v: StorageClass -want +got:\n%s", direct, diff)
		}
	}
}

func TestDatabase(t *testing.T) {
	out := render(t, exampleXR(t), env("", false))
	in := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseInstance).Object)
	s := "spec.forProvider.settings."
	checks := map[string]any{
		"apiVersion":                           gcp.DatabaseInstanceAPIVersion,
		"kind":                                 "DatabaseInstance",
		"metadata.name":                        "prod-usc1-postgres",
		"spec.deletionPolicy":                  "Orphan",
		"spec.providerConfigRef.name":          "gcp",
		"spec.writeConnectionSecretToRef.name": "prod-usc1-postgres-connection",
		"spec.writeConnectionSecretToRef.namespace":                       secretNamespace,
		"spec.forProvider.databaseVersion":                                "POSTGRES_16",
		"spec.forProvider.region":                                         "us-central1",
		"spec.forProvider.project":                                        "my-project",
		"spec.forProvider.deletionProtection":                             true,
		s + "tier":                                                        "db-custom-2-8192",
		s + "edition":                                                     "ENTERPRISE",
		s + "availabilityType":                                            "REGIONAL",
		s + "diskType":                                                    "PD_SSD",
		s + "diskAutoresize":                                              true,
		s + "deletionProtectionEnabled":                                   true,
		s + "ipConfiguration.ipv4Enabled":                                 false,
		s + "ipConfiguration.privateNetwork":                              "projects/my-project/global/networks/spaces",
		s + "ipConfiguration.sslMode":                                     "ENCRYPTED_ONLY",
		s + "backupConfiguration.enabled":                                 true,
		s + "backupConfiguration.pointInTimeRecoveryEnabled":              true,
		s + "backupConfiguration.transactionLogRetentionDays":             float64(7),
		s + "backupConfiguration.backupRetentionSettings.retainedBackups": float64(7),
		s + "backupConfiguration.backupRetentionSettings.retentionUnit":   "COUNT",
		s + "locationPreference.zone":                                     "us-central1-a",
		s + "locationPreference.secondaryZone":                            "us-central1-b",
		s + "userLabels.costcenter":                                       "spaces_42",
		// The disk is sized at creation; autoresize grows it after.
		"spec.initProvider.settings.diskSize": float64(100),
	}
	for path, want := range checks {
		if got := get(in, path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	if v := get(in, s+"diskSize"); v != nil {
		t.Errorf("forProvider diskSize %v would shrink an autoresized disk", v)
	}

	d := testutil.JSON(t, byKey(t, out, gcp.KeyDatabase).Object)
	for path, want := range map[string]any{
		"apiVersion":                        gcp.DatabaseAPIVersion,
		"kind":                              "Database",
		"metadata.name":                     "prod-usc1-postgres-database",
		"spec.forProvider.instanceRef.name": "prod-usc1-postgres",
		"spec.forProvider.project":          "my-project",
		"spec.forProvider.deletionPolicy":   "ABANDON",
		"spec.deletionPolicy":               "Orphan",
	} {
		if got := get(d, path); got != want {
			t.Errorf("database %s = %v, want %v", path, got, want)
		}
	}
	if got := get(d, "metadata.annotations").(map[string]any)[compose.ExternalNameAnnotation]; got != "upbound" {
		t.Errorf("database external name = %v, want upbound", got)
	}

	u := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseUser).Object)
	for path, want := range map[string]any{
		"apiVersion":                        gcp.UserAPIVersion,
		"kind":                              "User",
		"metadata.name":                     "prod-usc1-postgres-user",
		"spec.forProvider.instanceRef.name": "prod-usc1-postgres",
		"spec.forProvider.type":             "BUILT_IN",
		"spec.forProvider.passwordSecretRef.name":      "spaces-prod-postgres-password",
		"spec.forProvider.passwordSecretRef.namespace": secretNamespace,
		"spec.forProvider.passwordSecretRef.key":       "password",
		"spec.forProvider.deletionPolicy":              "ABANDON",
	} {
		if got := get(u, path); got != want {
			t.Errorf("user %s = %v, want %v", path, got, want)
		}
	}
	if got := get(u, "metadata.annotations").(map[string]any)[compose.ExternalNameAnnotation]; got != plan.DatabaseAdminUser {
		t.Errorf("user external name = %v, want %s", got, plan.DatabaseAdminUser)
	}

	want := &cloud.Database{
		Status:            spec.DatabaseStatus{Engine: "postgres", Version: "16", StorageType: "PD_SSD", StorageGiB: 100, IOPS: 3000},
		Key:               gcp.KeyDatabaseInstance,
		EndpointFieldPath: "status.atProvider.privateIpAddress",
		Port:              5432,
		Username:          "upbound",
		ConnectionSecret:  compose.SecretReference{Name: "prod-usc1-postgres-connection", Namespace: secretNamespace},
		PasswordSecret:    compose.SecretKeySelector{Name: "spaces-prod-postgres-password", Namespace: secretNamespace, Key: "password"},
	}
	if diff := cmp.Diff(want, out.Database); diff != "" {
		t.Errorf("Output.Database -want +got:\n%s", diff)
	}
}

func TestDatabaseVariants(t *testing.T) {
	cases := []struct {
		name  string
		patch map[string]any
		check map[string]any
		disk  int32
	}{
		{
			name:  "no HA, no protection, small disk for many IOPS",
			patch: map[string]any{"highAvailability": false, "deletionProtection": false, "storageGiB": int64(20), "minIOPS": int64(10000)},
			check: map[string]any{
				"spec.forProvider.settings.availabilityType":          "ZONAL",
				"spec.forProvider.deletionProtection":                 false,
				"spec.forProvider.settings.deletionProtectionEnabled": false,
				"spec.forProvider.settings.locationPreference.zone":   "us-central1-a",
				"spec.initProvider.settings.diskSize":                 float64(334),
			},
			disk: 334,
		},
		{
			name:  "ENTERPRISE_PLUS tier keeps longer logs",
			patch: map[string]any{"instanceSize": "db-perf-optimized-N-4", "backupRetentionDays": int64(14)},
			check: map[string]any{
				"spec.forProvider.settings.edition":                                                     "ENTERPRISE_PLUS",
				"spec.forProvider.settings.tier":                                                        "db-perf-optimized-N-4",
				"spec.forProvider.settings.backupConfiguration.transactionLogRetentionDays":             float64(14),
				"spec.forProvider.settings.backupConfiguration.backupRetentionSettings.retainedBackups": float64(14),
			},
			disk: 100,
		},
		{
			name:  "ENTERPRISE caps logs at 7 days",
			patch: map[string]any{"backupRetentionDays": int64(30)},
			check: map[string]any{
				"spec.forProvider.settings.edition":                                         "ENTERPRISE",
				"spec.forProvider.settings.backupConfiguration.transactionLogRetentionDays": float64(7),
			},
			disk: 100,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			xr := exampleXR(t)
			for k, v := range tc.patch {
				testutil.Set(xr, "spec.queryAPI.postgres."+k, v)
			}
			out := render(t, xr, env("", false))
			in := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseInstance).Object)
			for path, want := range tc.check {
				if got := get(in, path); got != want {
					t.Errorf("%s = %v, want %v", path, got, want)
				}
			}
			if get(in, "spec.forProvider.settings.locationPreference.secondaryZone") != nil && tc.patch["highAvailability"] == false {
				t.Error("secondary zone without HA")
			}
			if out.Database.Status.StorageGiB != tc.disk || out.Database.Status.IOPS != tc.disk*gcp.IOPSPerGiB {
				t.Errorf("status %+v, want %d GiB", out.Database.Status, tc.disk)
			}
			if tc.patch["deletionProtection"] == false {
				for _, r := range out.Resources {
					if m := testutil.JSON(t, r.Object); get(m, "spec.deletionPolicy") != nil {
						t.Errorf("%s: deletionPolicy %v without deletion protection", r.Key, get(m, "spec.deletionPolicy"))
					}
				}
			}
		})
	}

	// The default tier when the plan has none.
	p, r, _ := build(t, exampleXR(t))
	p.Database.InstanceSize = ""
	out, err := r.Render(p, env("", false))
	if err != nil {
		t.Fatal(err)
	}
	in := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseInstance).Object)
	if get(in, "spec.forProvider.settings.tier") != gcp.DefaultTier || get(in, "spec.forProvider.settings.edition") != gcp.Edition(gcp.DefaultTier) {
		t.Errorf("default tier: %v %v", get(in, "spec.forProvider.settings.tier"), get(in, "spec.forProvider.settings.edition"))
	}

	// No Query API, no database.
	xr := exampleXR(t)
	testutil.Set(xr, "spec.queryAPI.enabled", false)
	out = render(t, xr, env("", false))
	if out.Database != nil || len(out.Resources) != 4 {
		t.Errorf("queryAPI disabled: %d resources, database %v", len(out.Resources), out.Database)
	}
}

func TestNamespaced(t *testing.T) {
	out := render(t, exampleXR(t), env("spaces", false))
	want := map[string]string{
		"etcd-nodepool":         gcp.NodePoolAPIVersionNamespaced,
		"etcd-storageclass":     compose.ObjectAPIVersionNamespaced,
		gcp.KeyDatabaseInstance: gcp.DatabaseInstanceAPIVersionNamespaced,
		gcp.KeyDatabase:         gcp.DatabaseAPIVersionNamespaced,
		gcp.KeyDatabaseUser:     gcp.UserAPIVersionNamespaced,
	}
	for key, av := range want {
		m := testutil.JSON(t, byKey(t, out, key).Object)
		if get(m, "apiVersion") != av {
			t.Errorf("%s apiVersion = %v, want %s", key, get(m, "apiVersion"), av)
		}
		if get(m, "spec.providerConfigRef.kind") != "ClusterProviderConfig" {
			t.Errorf("%s providerConfigRef = %v", key, get(m, "spec.providerConfigRef"))
		}
		if get(m, "spec.deletionPolicy") != nil {
			t.Errorf("%s: namespaced resources have no deletionPolicy", key)
		}
		if get(m, "metadata.namespace") != nil {
			t.Errorf("%s: namespace is Crossplane's to set", key)
		}
	}
	in := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseInstance).Object)
	if diff := cmp.Diff([]any{"Observe", "Create", "Update", "LateInitialize"}, get(in, "spec.managementPolicies")); diff != "" {
		t.Errorf("protected instance management policies: %s", diff)
	}
	if diff := cmp.Diff(map[string]any{"name": "prod-usc1-postgres-connection"}, get(in, "spec.writeConnectionSecretToRef")); diff != "" {
		t.Errorf("connection secret: %s", diff)
	}
	u := testutil.JSON(t, byKey(t, out, gcp.KeyDatabaseUser).Object)
	if diff := cmp.Diff(map[string]any{"name": "spaces-prod-postgres-password", "key": "password"}, get(u, "spec.forProvider.passwordSecretRef")); diff != "" {
		t.Errorf("password secret: %s", diff)
	}
	if out.Database.PasswordSecret.Namespace != "" || out.Database.ConnectionSecret.Namespace != "" {
		t.Errorf("namespaced secrets carry no namespace: %+v", out.Database)
	}
}

func TestValidatePassword(t *testing.T) {
	base := func() *spec.Spec {
		s := spec.Defaults()
		s.Cloud = spec.CloudGCP
		s.QueryAPI.Enabled = true
		return &s
	}
	s := base()
	errs := gcp.ValidatePassword(s)
	if len(errs) != 1 || errs[0].Type != field.ErrorTypeRequired || errs[0].Field != "spec.queryAPI.postgres.passwordSecretName" {
		t.Fatalf("ValidatePassword without a secret = %v", errs)
	}
	for _, word := range []string{"Cloud SQL", "desired state"} {
		if !strings.Contains(errs[0].Detail, word) {
			t.Errorf("message %q does not explain %q", errs[0].Detail, word)
		}
	}

	s = base()
	s.QueryAPI.Postgres.PasswordSecretName = "pw"
	if errs := gcp.ValidatePassword(s); len(errs) != 0 {
		t.Errorf("with a secret: %v", errs)
	}
	s = base()
	s.QueryAPI.Enabled = false
	if errs := gcp.ValidatePassword(s); len(errs) != 0 {
		t.Errorf("queryAPI off: %v", errs)
	}
	s = base()
	s.Cloud = spec.CloudAWS
	if errs := gcp.ValidatePassword(s); len(errs) != 0 {
		t.Errorf("aws: %v", errs)
	}

	// The cloud's spec validation runs it.
	s = base()
	s.GCP = &spec.GCP{PrivateNetwork: "projects/p/global/networks/n"}
	if errs := gcp.ValidateSpec(s); len(errs) != 1 {
		t.Errorf("ValidateSpec = %v, want the passwordSecretName error", errs)
	}

	// The function's pipeline refuses such an XR, with the same field error.
	xr := exampleXR(t)
	testutil.Set(xr, "spec.queryAPI.postgres.passwordSecretName", nil)
	raw, err := json.Marshal(xr)
	if err != nil {
		t.Fatal(err)
	}
	_, errs = fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}})
	if len(errs) != 1 || errs[0].Field != "spec.queryAPI.postgres.passwordSecretName" {
		t.Errorf("fn.Prepare without a password secret: %v", errs)
	}
}

// TestNoSecretValues pins that nothing the renderer composes carries a
// password: only references to Secrets.
func TestNoSecretValues(t *testing.T) {
	for _, ns := range []string{"", "spaces"} {
		out := render(t, exampleXR(t), env(ns, false))
		for _, r := range out.Resources {
			walk(testutil.JSON(t, r.Object), "", func(path string, _ any) {
				leaf := path[strings.LastIndex(path, ".")+1:]
				switch strings.ToLower(leaf) {
				case "password", "rootpassword", "data", "stringdata":
					t.Errorf("%s: %s carries a secret value", r.Key, path)
				}
			})
		}
	}
}

func walk(v any, path string, fn func(string, any)) {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			fn(p, c)
			walk(c, p, fn)
		}
	case []any:
		for _, c := range t {
			walk(c, path, fn)
		}
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("a", 60) + ".example." + strings.Repeat("b", 100)
	for _, xrName := range []string{"prod-usc1", "0day", long, "1" + strings.Repeat("2", 80)} {
		t.Run(xrName[:min(len(xrName), 20)], func(t *testing.T) {
			xr := exampleXR(t)
			testutil.Set(xr, "metadata.name", xrName)
			for _, ns := range []string{"", "spaces"} {
				out := render(t, xr, env(ns, false))
				seen := map[string]bool{}
				for _, r := range out.Resources {
					m := testutil.JSON(t, r.Object)
					name, _ := get(m, "metadata.name").(string)
					for _, e := range validation.IsDNS1123Label(name) {
						t.Errorf("%s: name %q: %s", r.Key, name, e)
					}
					if seen[name] {
						t.Errorf("%s: name %q used twice", r.Key, name)
					}
					seen[name] = true
					kind := get(m, "kind")
					if kind == "NodePool" && (len(name) > gcp.MaxNodePoolNameLength || name[0] < 'a' || name[0] > 'z') {
						t.Errorf("GKE node pool name %q: at most 40 characters, starting with a letter", name)
					}
					if kind == "DatabaseInstance" && (name[0] < 'a' || name[0] > 'z') {
						t.Errorf("Cloud SQL instance name %q must start with a letter", name)
					}
				}
				for _, n := range []string{out.Database.ConnectionSecret.Name} {
					for _, e := range validation.IsDNS1123Subdomain(n) {
						t.Errorf("secret %q: %s", n, e)
					}
				}
			}
		})
	}
	// Distinct XRs keep distinct names even when shortened.
	a, b := gcp.NodePoolName(long+"x", plan.RoleEtcd), gcp.NodePoolName(long+"y", plan.RoleEtcd)
	if a == b {
		t.Errorf("shortened names collide: %s", a)
	}
}
