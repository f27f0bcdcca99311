package azure_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const (
	testClusterID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.ContainerService/managedClusters/spaces-prod"
	testSubnetID  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pg"
	testDNSZoneID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-rg/providers/Microsoft.Network/privateDnsZones/spaces.postgres.database.azure.com"
)

// minimalXR is the smallest valid Azure XR as YAML.
const minimalXR = `
apiVersion: spacescaling.crossplane.io/v1alpha1
kind: XSpaceScaling
metadata:
  name: prod-eus
spec:
  cloud: azure
  region: eastus
  zones: ["1", "2", "3"]
  clusterName: spaces-prod
  spaces:
    version: 1.17.1
  azure:
    resourceGroupName: spaces-rg
    clusterId: ` + testClusterID + `
    delegatedSubnetId: ` + testSubnetID + `
    privateDnsZoneId: ` + testDNSZoneID + `
`

// build runs the function's pipeline (fn.Prepare) on an XR, after edit
// changes its decoded spec: decode, default and validate it, and build
// the plan.
func build(t *testing.T, xrYAML string, edit func(*spec.Spec)) (*plan.Plan, renderer) {
	t.Helper()
	pr, errs := prepare(t, xrYAML, edit)
	if len(errs) > 0 {
		t.Fatalf("fn.Prepare: %v", errs)
	}
	return pr.Plan, renderer{pr.Spec}
}

// prepare is fn.Prepare of an XR whose decoded spec edit changes.
func prepare(t *testing.T, xrYAML string, edit func(*spec.Spec)) (*fn.Prepared, field.ErrorList) {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(xrYAML))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		xr, errs := spec.Decode(raw)
		if len(errs) > 0 {
			t.Fatalf("Decode: %v", errs)
		}
		edit(&xr.Spec)
		if raw, err = json.Marshal(xr); err != nil {
			t.Fatal(err)
		}
	}
	return fn.Prepare(fn.Request{XR: raw, Input: &v1beta1.Input{}})
}

// renderer renders a plan of the spec with the Azure cloud, through the
// skeleton every cloud shares.
type renderer struct{ s *spec.Spec }

func (r renderer) Render(p *plan.Plan, e cloud.Env) (*cloud.Output, error) {
	return azure.Cloud.Render(p, r.s, e), nil
}

func (renderer) Machine(vmSize string) (plan.Machine, bool) { return azure.Machine(vmSize) }

func (renderer) Defaults() spec.CloudDefaults { return azure.Cloud.Defaults }

// envFor is the Env fn.Compose builds, cluster-scoped or namespaced.
func envFor(namespace string, direct bool) cloud.Env {
	scope := compose.Scope{Namespace: namespace, ProviderConfigKind: spec.DefaultProviderConfigKind}
	return cloud.Env{
		Scope:           scope,
		Delivery:        compose.Delivery{Direct: direct, Scope: scope, ProviderConfig: "default"},
		ProviderConfig:  "azure",
		Labels:          map[string]string{"team": "platform"},
		Tags:            map[string]string{"cost-center": "spaces"},
		SecretNamespace: "crossplane-system",
	}
}

func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object at %s", strings.Join(path, "."), p)
		}
		cur = mm[p]
	}
	return cur
}

func byKey(t *testing.T, out *cloud.Output) map[string]map[string]any {
	t.Helper()
	m := map[string]map[string]any{}
	for _, r := range out.Resources {
		if _, dup := m[r.Key]; dup {
			t.Errorf("duplicate key %s", r.Key)
		}
		m[r.Key] = testutil.JSON(t, r.Object)
	}
	return m
}

func TestRenderResources(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	var keys, components []string
	for _, res := range out.Resources {
		keys = append(keys, res.Key)
		components = append(components, res.Component)
	}
	wantKeys := []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool", "etcd-storageclass", "database-server", "database", "database-tls"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys: -want +got:\n%s", diff)
	}
	wantComponents := []string{cloud.ComponentEtcdPool, cloud.ComponentAPIServerPool, cloud.ComponentControlPlanesPool, cloud.ComponentStorage,
		cloud.ComponentDatabase, cloud.ComponentDatabase, cloud.ComponentDatabase}
	if diff := cmp.Diff(wantComponents, components); diff != "" {
		t.Errorf("components: -want +got:\n%s", diff)
	}

	// Rendering is deterministic.
	again, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(byKey(t, out), byKey(t, again)); diff != "" {
		t.Errorf("second render differs:\n%s", diff)
	}
}

func TestRenderNodePools(t *testing.T) {
	p, r := build(t, minimalXR, func(s *spec.Spec) {
		s.NodePools.Etcd.MachineTypes = []string{"Standard_D4ds_v5", "Standard_D8ds_v5"}
	})
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	res := byKey(t, out)

	etcd := res["etcd-nodepool"]
	pool := p.Pool(plan.RoleEtcd)
	want := map[string]any{
		"apiVersion": "containerservice.azure.upbound.io/v1beta2",
		"kind":       "KubernetesClusterNodePool",
		"metadata": map[string]any{
			"name":        "prod-eus-etcd",
			"labels":      map[string]any{"team": "platform"},
			"annotations": map[string]any{"crossplane.io/external-name": azure.PoolName("prod-eus", plan.RoleEtcd)},
		},
		"spec": map[string]any{
			"providerConfigRef":  map[string]any{"name": "azure"},
			"managementPolicies": []any{"Observe", "Create", "Update", "Delete"},
			"forProvider": map[string]any{
				"kubernetesClusterId": testClusterID,
				"mode":                "User",
				"osType":              "Linux",
				"vmSize":              "Standard_D4ds_v5",
				"zones":               []any{"1", "2", "3"},
				"autoScalingEnabled":  true,
				"minCount":            float64(3),
				"maxCount":            float64(pool.MaxNodes),
				"nodeLabels":          map[string]any{"team": "platform", "target": "etcd"},
				"nodeTaints":          []any{"target=etcd:NoSchedule"},
				"osDiskSizeGb":        float64(100),
				"osDiskType":          "Managed",
				"upgradeSettings": map[string]any{
					"maxSurge":                  "1",
					"drainTimeoutInMinutes":     float64(30),
					"nodeSoakDurationInMinutes": float64(5),
				},
				"temporaryNameForRotation": azure.TemporaryPoolName("prod-eus", plan.RoleEtcd),
				"tags":                     map[string]any{"cost-center": "spaces"},
			},
			"initProvider": map[string]any{"nodeCount": float64(3)},
		},
	}
	if diff := cmp.Diff(want, etcd); diff != "" {
		t.Errorf("etcd node pool: -want +got:\n%s", diff)
	}
	if pool.MaxNodes < pool.MinNodes || pool.MaxNodes == 0 {
		t.Errorf("etcd pool bounds %d..%d", pool.MinNodes, pool.MaxNodes)
	}

	if got := get(t, res["apiserver-nodepool"], "spec", "forProvider", "nodeTaints"); !cmp.Equal(got, []any{"target=apiserver:NoSchedule"}) {
		t.Errorf("apiserver taints = %v", got)
	}
	cp := res["controlplanes-nodepool"]
	if got := get(t, cp, "spec", "forProvider", "nodeTaints"); got != nil {
		t.Errorf("controlplanes pool is tainted: %v", got)
	}
	if got := get(t, cp, "spec", "forProvider", "vmSize"); got != azure.DefaultControlPlanesMachineType {
		t.Errorf("controlplanes vmSize = %v", got)
	}
	if got := get(t, cp, "spec", "forProvider", "upgradeSettings", "maxSurge"); got != "33%" {
		t.Errorf("controlplanes maxSurge = %v", got)
	}

	// Pools of one XR have distinct AKS names.
	names := map[string]bool{}
	for _, k := range []string{"etcd-nodepool", "apiserver-nodepool", "controlplanes-nodepool"} {
		for _, n := range []string{
			get(t, res[k], "metadata", "annotations", "crossplane.io/external-name").(string),
			get(t, res[k], "spec", "forProvider", "temporaryNameForRotation").(string),
		} {
			if names[n] {
				t.Errorf("AKS name %q used twice", n)
			}
			names[n] = true
		}
	}
}

func TestRenderStorageClass(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	for _, direct := range []bool{false, true} {
		out, err := r.Render(p, envFor("", direct))
		if err != nil {
			t.Fatal(err)
		}
		sc := byKey(t, out)["etcd-storageclass"]
		if !direct {
			if sc["kind"] != "Object" || get(t, sc, "metadata", "name") != "prod-eus-etcd-storageclass" {
				t.Errorf("not delivered through an Object: %v", sc["kind"])
			}
			sc = get(t, sc, "spec", "forProvider", "manifest").(map[string]any)
		}
		want := map[string]any{
			"apiVersion":           "storage.k8s.io/v1",
			"kind":                 "StorageClass",
			"metadata":             map[string]any{"name": p.Storage.ClassName, "labels": map[string]any{"team": "platform"}},
			"provisioner":          "disk.csi.azure.com",
			"reclaimPolicy":        "Delete",
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
			"parameters": map[string]any{
				"skuName":                   "PremiumV2_LRS",
				"cachingMode":               "None",
				"DiskIOPSReadWrite":         "6000",
				"DiskMBpsReadWrite":         "250",
				"csi.storage.k8s.io/fstype": "ext4",
			},
		}
		if diff := cmp.Diff(want, sc); diff != "" {
			t.Errorf("direct=%v StorageClass: -want +got:\n%s", direct, diff)
		}
	}
}

func TestRenderDatabase(t *testing.T) {
	p, r := build(t, minimalXR, nil)
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	res := byKey(t, out)
	serverName := azure.ServerName("prod-eus", &spec.Azure{ClusterID: testClusterID, ResourceGroupName: "spaces-rg"})
	want := map[string]any{
		"apiVersion": "dbforpostgresql.azure.upbound.io/v1beta2",
		"kind":       "FlexibleServer",
		"metadata": map[string]any{
			"name":        "prod-eus-postgres",
			"labels":      map[string]any{"team": "platform"},
			"annotations": map[string]any{"crossplane.io/external-name": serverName},
		},
		"spec": map[string]any{
			// deletionProtection defaults to true: orphan on delete.
			"providerConfigRef":          map[string]any{"name": "azure"},
			"deletionPolicy":             "Orphan",
			"managementPolicies":         []any{"Observe", "Create", "Update"},
			"writeConnectionSecretToRef": map[string]any{"name": "prod-eus-postgres", "namespace": "crossplane-system"},
			"forProvider": map[string]any{
				"location":                   "eastus",
				"resourceGroupName":          "spaces-rg",
				"version":                    "16",
				"skuName":                    azure.DefaultSKU,
				"storageMb":                  float64(131072),
				"storageTier":                "P10",
				"autoGrowEnabled":            false,
				"highAvailability":           map[string]any{"mode": "ZoneRedundant"},
				"backupRetentionDays":        float64(7),
				"geoRedundantBackupEnabled":  false,
				"publicNetworkAccessEnabled": false,
				"delegatedSubnetId":          testSubnetID,
				"privateDnsZoneId":           testDNSZoneID,
				"administratorLogin":         "upbound",
				"administratorPasswordSecretRef": map[string]any{
					"name": "prod-eus-postgres-password", "namespace": "crossplane-system", "key": "password",
				},
				"autoGeneratePassword": true,
				"tags":                 map[string]any{"cost-center": "spaces"},
			},
		},
	}
	if diff := cmp.Diff(want, res["database-server"]); diff != "" {
		t.Errorf("FlexibleServer: -want +got:\n%s", diff)
	}

	wantDB := map[string]any{
		"apiVersion": "dbforpostgresql.azure.upbound.io/v1beta1",
		"kind":       "FlexibleServerDatabase",
		"metadata": map[string]any{
			"name":        "prod-eus-postgres-upbound",
			"labels":      map[string]any{"team": "platform"},
			"annotations": map[string]any{"crossplane.io/external-name": "upbound"},
		},
		"spec": map[string]any{
			"providerConfigRef":  map[string]any{"name": "azure"},
			"deletionPolicy":     "Orphan",
			"managementPolicies": []any{"Observe", "Create", "Update"},
			"forProvider": map[string]any{
				"serverIdRef": map[string]any{"name": "prod-eus-postgres"},
				"charset":     "UTF8",
				"collation":   "en_US.utf8",
			},
		},
	}
	if diff := cmp.Diff(wantDB, res["database"]); diff != "" {
		t.Errorf("FlexibleServerDatabase: -want +got:\n%s", diff)
	}
	tls := res["database-tls"]
	if got := get(t, tls, "spec", "forProvider"); !cmp.Equal(got, map[string]any{
		"serverIdRef": map[string]any{"name": "prod-eus-postgres"}, "name": "require_secure_transport", "value": "on",
	}) {
		t.Errorf("TLS configuration forProvider = %v", got)
	}

	wantOut := &cloud.Database{
		Status:            spec.DatabaseStatus{Engine: "postgres", Version: "16", StorageType: "Premium SSD P10", StorageGiB: 128, IOPS: 500},
		Key:               "database-server",
		EndpointFieldPath: "status.atProvider.fqdn",
		Port:              5432,
		Username:          "upbound",
		ConnectionSecret:  compose.SecretReference{Name: "prod-eus-postgres", Namespace: "crossplane-system"},
		PasswordSecret:    compose.SecretKeySelector{Name: "prod-eus-postgres-password", Namespace: "crossplane-system", Key: "password"},
	}
	if diff := cmp.Diff(wantOut, out.Database); diff != "" {
		t.Errorf("Output.Database: -want +got:\n%s", diff)
	}
}

func TestRenderDatabaseVariants(t *testing.T) {
	cases := map[string]struct {
		edit      func(*spec.Spec)
		namespace string
		check     func(t *testing.T, server map[string]any, out *cloud.Output)
	}{
		"UserPassword": {
			edit: func(s *spec.Spec) { s.QueryAPI.Postgres.PasswordSecretName = "my-pg-password" },
			check: func(t *testing.T, server map[string]any, out *cloud.Output) {
				t.Helper()
				fp := get(t, server, "spec", "forProvider").(map[string]any)
				if _, ok := fp["autoGeneratePassword"]; ok {
					t.Errorf("autoGeneratePassword set with the user's secret")
				}
				want := map[string]any{"name": "my-pg-password", "namespace": "crossplane-system", "key": "password"}
				if diff := cmp.Diff(want, fp["administratorPasswordSecretRef"]); diff != "" {
					t.Errorf("administratorPasswordSecretRef: %s", diff)
				}
				if got := out.Database.PasswordSecret; got != (compose.SecretKeySelector{Name: "my-pg-password", Namespace: "crossplane-system", Key: "password"}) {
					t.Errorf("PasswordSecret = %+v", got)
				}
			},
		},
		"NoHAShortRetentionNoProtection": {
			edit: func(s *spec.Spec) {
				ha := false
				s.QueryAPI.Postgres.HighAvailability = &ha
				s.QueryAPI.Postgres.BackupRetentionDays = 3
				s.QueryAPI.Postgres.DeletionProtection = false
			},
			check: func(t *testing.T, server map[string]any, _ *cloud.Output) {
				t.Helper()
				fp := get(t, server, "spec", "forProvider").(map[string]any)
				if _, ok := fp["highAvailability"]; ok {
					t.Errorf("highAvailability set without HA")
				}
				if fp["backupRetentionDays"] != float64(7) {
					t.Errorf("backupRetentionDays = %v, want 7", fp["backupRetentionDays"])
				}
				if got := get(t, server, "spec", "deletionPolicy"); got != nil {
					t.Errorf("deletionPolicy = %v without deletion protection", got)
				}
				if got := get(t, server, "spec", "managementPolicies"); !cmp.Equal(got, []any{"Observe", "Create", "Update", "Delete"}) {
					t.Errorf("managementPolicies = %v", got)
				}
			},
		},
		"FastStorage": {
			edit: func(s *spec.Spec) { s.QueryAPI.Postgres.MinIOPS = 5000; s.QueryAPI.Postgres.StorageGiB = 64 },
			check: func(t *testing.T, server map[string]any, out *cloud.Output) {
				t.Helper()
				fp := get(t, server, "spec", "forProvider").(map[string]any)
				if fp["storageMb"] != float64(65536) || fp["storageTier"] != "P30" {
					t.Errorf("storage = %v %v, want 65536 P30", fp["storageMb"], fp["storageTier"])
				}
				if s := out.Database.Status; s.IOPS != 5000 || s.StorageGiB != 64 || s.StorageType != "Premium SSD P30" {
					t.Errorf("status = %+v", s)
				}
			},
		},
		"Namespaced": {
			namespace: "spaces",
			check: func(t *testing.T, server map[string]any, out *cloud.Output) {
				t.Helper()
				if server["apiVersion"] != "dbforpostgresql.azure.m.upbound.io/v1beta1" {
					t.Errorf("apiVersion = %v", server["apiVersion"])
				}
				spec := server["spec"].(map[string]any)
				if _, ok := spec["deletionPolicy"]; ok {
					t.Errorf("namespaced server has a deletionPolicy")
				}
				if got := spec["providerConfigRef"]; !cmp.Equal(got, map[string]any{"kind": "ClusterProviderConfig", "name": "azure"}) {
					t.Errorf("providerConfigRef = %v", got)
				}
				if got := spec["writeConnectionSecretToRef"]; !cmp.Equal(got, map[string]any{"name": "prod-eus-postgres"}) {
					t.Errorf("writeConnectionSecretToRef = %v", got)
				}
				if got := get(t, server, "spec", "forProvider", "administratorPasswordSecretRef"); !cmp.Equal(got, map[string]any{"name": "prod-eus-postgres-password", "key": "password"}) {
					t.Errorf("administratorPasswordSecretRef = %v", got)
				}
				if out.Database.ConnectionSecret.Namespace != "" || out.Database.PasswordSecret.Namespace != "" {
					t.Errorf("namespaced secrets carry a namespace: %+v", out.Database)
				}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, r := build(t, minimalXR, tc.edit)
			out, err := r.Render(p, envFor(tc.namespace, false))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, byKey(t, out)["database-server"], out)
		})
	}
}

func TestRenderWithoutDatabase(t *testing.T) {
	p, r := build(t, minimalXR, func(s *spec.Spec) { s.QueryAPI.Enabled = false })
	out, err := r.Render(p, envFor("", false))
	if err != nil {
		t.Fatal(err)
	}
	if out.Database != nil {
		t.Errorf("Database = %+v without the Query API", out.Database)
	}
	for _, res := range out.Resources {
		if res.Component == cloud.ComponentDatabase {
			t.Errorf("database resource %s without the Query API", res.Key)
		}
	}
}

func TestValidateAndWarnings(t *testing.T) {
	cases := map[string]struct {
		edit     func(*spec.Spec)
		errs     []string
		warnings int
	}{
		"Defaults":        {},
		"TooManyIOPS":     {edit: func(s *spec.Spec) { s.QueryAPI.Postgres.MinIOPS = 30000 }, errs: []string{"spec.queryAPI.postgres.minIOPS"}},
		"AWSInstanceSize": {edit: func(s *spec.Spec) { s.QueryAPI.Postgres.InstanceSize = "db.m7g.large" }, errs: []string{"spec.queryAPI.postgres.instanceSize"}},
		"BurstableHA":     {edit: func(s *spec.Spec) { s.QueryAPI.Postgres.InstanceSize = "B_Standard_B2s" }, errs: []string{"spec.queryAPI.postgres.instanceSize"}},
		"BurstableNoHA": {edit: func(s *spec.Spec) {
			ha := false
			s.QueryAPI.Postgres.HighAvailability = &ha
			s.QueryAPI.Postgres.InstanceSize = "B_Standard_B2s"
		}},
		"SmallOSDisk":    {edit: func(s *spec.Spec) { s.NodePools.Etcd.DiskSizeGiB = 20 }, errs: []string{"spec.nodePools.etcd.diskSizeGiB"}},
		"ShortRetention": {edit: func(s *spec.Spec) { s.QueryAPI.Postgres.BackupRetentionDays = 1 }, warnings: 1},
		"IOPSNeedsSize":  {edit: func(s *spec.Spec) { s.QueryAPI.Postgres.MinIOPS = 20000 }, warnings: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// The function's pipeline runs ValidatePlan on every plan.
			pr, errs := prepare(t, minimalXR, tc.edit)
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.errs, got); diff != "" {
				t.Errorf("ValidatePlan fields: -want +got:\n%s\n%v", diff, errs)
			}
			if pr == nil {
				return
			}
			if errs := azure.ValidatePlan(pr.Plan); len(errs) > 0 {
				t.Errorf("ValidatePlan = %v on a plan fn.Prepare accepted", errs)
			}
			if w := azure.Warnings(pr.Plan); len(w) != tc.warnings {
				t.Errorf("Warnings = %q, want %d", w, tc.warnings)
			}
		})
	}
}

func TestServerName(t *testing.T) {
	a := &spec.Azure{ClusterID: testClusterID, ResourceGroupName: "spaces-rg"}
	b := &spec.Azure{ClusterID: strings.Replace(testClusterID, "00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111", 1), ResourceGroupName: "spaces-rg"}
	if azure.ServerName("prod", a) == azure.ServerName("prod", b) {
		t.Errorf("the same XR name in two subscriptions gets one server name")
	}
	if first, again := azure.ServerName("prod", a), azure.ServerName("prod", a); first != again {
		t.Errorf("server name not stable: %q, then %q", first, again)
	}
	long := azure.ServerName(strings.Repeat("a", 63), a)
	if len(long) > 63 || len(long) < 3 || strings.HasPrefix(long, "-") || strings.HasSuffix(long, "-") {
		t.Errorf("server name %q breaks Azure's rule", long)
	}
}

func TestMachineCatalog(t *testing.T) {
	r := renderer{}
	known := map[string]plan.Machine{
		"Standard_D8s_v5":   {VCPU: 8, MemoryMiB: 32 * 1024},
		"Standard_D16s_v5":  {VCPU: 16, MemoryMiB: 64 * 1024},
		"Standard_D8ds_v5":  {VCPU: 8, MemoryMiB: 32 * 1024},
		"Standard_D16as_v5": {VCPU: 16, MemoryMiB: 64 * 1024},
		"Standard_D4s_v4":   {VCPU: 4, MemoryMiB: 16 * 1024},
		"Standard_D32s_v6":  {VCPU: 32, MemoryMiB: 128 * 1024},
		"Standard_E8s_v5":   {VCPU: 8, MemoryMiB: 64 * 1024},
		"Standard_E20ds_v5": {VCPU: 20, MemoryMiB: 160 * 1024},
		"Standard_F16s_v2":  {VCPU: 16, MemoryMiB: 32 * 1024},
		"Standard_D8ls_v5":  {VCPU: 8, MemoryMiB: 16 * 1024},
		"Standard_D8ps_v5":  {VCPU: 8, MemoryMiB: 32 * 1024},
	}
	for vm, want := range known {
		got, ok := r.Machine(vm)
		if !ok || got != want {
			t.Errorf("Machine(%q) = %+v, %v; want %+v", vm, got, ok, want)
		}
	}
	for _, vm := range []string{"", "D8s_v5", "Standard_D7s_v5", "Standard_E96s_v5", "Standard_X8s_v5", "standard_d8s_v5", "m7i.2xlarge", "Standard_D8s_v9"} {
		if got, ok := r.Machine(vm); ok {
			t.Errorf("Machine(%q) = %+v, want unknown", vm, got)
		}
	}
	d := r.Defaults()
	for _, vm := range slices.Concat(d.EtcdMachineTypes, d.APIServerMachineTypes, d.ControlPlanesMachineTypes) {
		if _, ok := r.Machine(vm); !ok {
			t.Errorf("default %q is not in the catalog", vm)
		}
	}
}

// TestRenderValidatesAgainstCRDs checks every resource the renderer
// composes, in every scope and delivery, against the upstream CRDs
// (served, not deprecated, known fields, types, CEL rules).
func TestRenderValidatesAgainstCRDs(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	edits := map[string]func(*spec.Spec){
		"defaults":     nil,
		"userPassword": func(s *spec.Spec) { s.QueryAPI.Postgres.PasswordSecretName = "pg" },
		"noHA": func(s *spec.Spec) {
			ha := false
			s.QueryAPI.Postgres.HighAvailability = &ha
			s.QueryAPI.Postgres.DeletionProtection = false
		},
	}
	for name, edit := range edits {
		for _, ns := range []string{"", "spaces"} {
			for _, direct := range []bool{false, true} {
				if ns != "" && direct {
					continue // a namespaced XR cannot compose cluster-scoped objects
				}
				p, r := build(t, minimalXR, edit)
				out, err := r.Render(p, envFor(ns, direct))
				if err != nil {
					t.Fatal(err)
				}
				for _, res := range out.Resources {
					obj := testutil.JSON(t, res.Object)
					if ns != "" {
						// Crossplane puts composed resources in the XR's namespace.
						if meta, ok := obj["metadata"].(map[string]any); ok && obj["kind"] != "StorageClass" {
							meta["namespace"] = ns
						}
					}
					for _, e := range v.Validate(obj) {
						t.Errorf("%s ns=%q direct=%v %s: %v", name, ns, direct, res.Key, e)
					}
				}
			}
		}
	}
}

// TestExampleXR renders example/xr-azure.yaml, which must carry every
// field of the API.
func TestExampleXR(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "example", "xr-azure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, r := build(t, string(b), nil)
	if _, err := r.Render(p, envFor("", false)); err != nil {
		t.Fatal(err)
	}
	raw, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var xr map[string]any
	if err := json.Unmarshal(raw, &xr); err != nil {
		t.Fatal(err)
	}
	want := testutil.JSON(t, struct {
		Spec spec.Spec `json:"spec"`
	}{Spec: spec.Defaults()})
	missing := missingFields(want["spec"].(map[string]any), xr["spec"].(map[string]any), "spec")
	for _, f := range missing {
		if strings.HasPrefix(f, "spec.aws") || strings.HasPrefix(f, "spec.gcp") {
			continue
		}
		t.Errorf("example/xr-azure.yaml lacks %s", f)
	}
	az, _ := xr["spec"].(map[string]any)["azure"].(map[string]any)
	for _, f := range []string{"resourceGroupName", "clusterId", "delegatedSubnetId", "privateDnsZoneId"} {
		if az[f] == nil {
			t.Errorf("example/xr-azure.yaml lacks spec.azure.%s", f)
		}
	}
}

// missingFields lists the fields of want (the defaulted spec) absent from got.
func missingFields(want, got map[string]any, path string) []string {
	var out []string
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			out = append(out, path+"."+k)
			continue
		}
		wm, wok := wv.(map[string]any)
		gm, gok := gv.(map[string]any)
		if wok && gok {
			out = append(out, missingFields(wm, gm, path+"."+k)...)
		}
	}
	return out
}
