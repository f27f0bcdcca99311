package azure_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
)

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
				"storageTier":                "P10",
				"autoGrowEnabled":            true,
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
			// The size is set on creation only: auto-grow owns it after.
			"initProvider": map[string]any{"storageMb": float64(131072)},
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
		// No caSecretName: no CA, and a warning that says how to get one.
		CASSLMode: "verify-full",
		Warnings:  []string{azure.NoCAWarning},
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
				if ip := get(t, server, "spec", "initProvider").(map[string]any); ip["storageMb"] != float64(65536) || fp["storageTier"] != "P30" {
					t.Errorf("storage = %v %v, want 65536 P30", ip["storageMb"], fp["storageTier"])
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
	cloudtest.NoDatabase(t, out)
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

// allowedStorageMB are the only storageMb values flexible server accepts
// (FACTS: "Field traps"), written out here rather than derived from the
// table under test.
var allowedStorageMB = []int32{32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408}

func TestChooseStorage(t *testing.T) {
	cases := []struct {
		minIOPS, minGiB int32
		want            azure.Storage
	}{
		// 400 IOPS: P10 at least; 1 TiB's default P30 is already faster.
		{400, 32, azure.Storage{MB: 32768, Tier: "P10", IOPS: 500}},
		{400, 64, azure.Storage{MB: 65536, Tier: "P10", IOPS: 500}},
		{400, 128, azure.Storage{MB: 131072, Tier: "P10", IOPS: 500}},
		{400, 1024, azure.Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 1,000 IOPS: P15.
		{1000, 32, azure.Storage{MB: 32768, Tier: "P15", IOPS: 1100}},
		{1000, 64, azure.Storage{MB: 65536, Tier: "P15", IOPS: 1100}},
		{1000, 128, azure.Storage{MB: 131072, Tier: "P15", IOPS: 1100}},
		{1000, 1024, azure.Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 5,000 IOPS: P30, which every size below 4 TiB may run at.
		{5000, 32, azure.Storage{MB: 32768, Tier: "P30", IOPS: 5000}},
		{5000, 64, azure.Storage{MB: 65536, Tier: "P30", IOPS: 5000}},
		{5000, 128, azure.Storage{MB: 131072, Tier: "P30", IOPS: 5000}},
		{5000, 1024, azure.Storage{MB: 1048576, Tier: "P30", IOPS: 5000}},
		// 20,000 IOPS: only P80, which needs 16 TiB.
		{20000, 32, azure.Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 64, azure.Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 128, azure.Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		{20000, 1024, azure.Storage{MB: 16777216, Tier: "P80", IOPS: 20000}},
		// Sizes between the allowed values round up; tiers above P50 need
		// the sizes that permit them.
		{400, 100, azure.Storage{MB: 131072, Tier: "P10", IOPS: 500}},
		{400, 4095, azure.Storage{MB: 4193280, Tier: "P50", IOPS: 7500}},
		{400, 4096, azure.Storage{MB: 4194304, Tier: "P50", IOPS: 7500}},
		{7500, 20, azure.Storage{MB: 32768, Tier: "P40", IOPS: 7500}},
		{8000, 20, azure.Storage{MB: 8388608, Tier: "P60", IOPS: 16000}},
		{17000, 20, azure.Storage{MB: 8388608, Tier: "P70", IOPS: 18000}},
		{400, 32767, azure.Storage{MB: 33553408, Tier: "P80", IOPS: 20000}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dIOPS-%dGiB", tc.minIOPS, tc.minGiB), func(t *testing.T) {
			got, ok := azure.ChooseStorage(tc.minGiB, tc.minIOPS)
			if !ok {
				t.Fatalf("ChooseStorage(%d, %d): no storage", tc.minGiB, tc.minIOPS)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ChooseStorage(%d, %d): -want +got:\n%s", tc.minGiB, tc.minIOPS, diff)
			}
			if got.IOPS < tc.minIOPS {
				t.Errorf("provides %d IOPS, below %d", got.IOPS, tc.minIOPS)
			}
			if int64(got.MB) < int64(tc.minGiB)*1024 {
				t.Errorf("allocates %d MB, below %d GiB", got.MB, tc.minGiB)
			}
			if !slices.Contains(allowedStorageMB, got.MB) {
				t.Errorf("storageMb %d is not one Azure accepts", got.MB)
			}
		})
	}
}

func TestChooseStorageBeyondP80(t *testing.T) {
	for _, gib := range []int32{20, 1024, 32767} {
		if got, ok := azure.ChooseStorage(gib, 20001); ok {
			t.Errorf("ChooseStorage(%d, 20001) = %+v, want none (P80 gives 20000)", gib, got)
		}
	}
}

// TestChooseStorageEmitsOnlyAllowedSizes sweeps every input the API accepts
// at the boundaries and checks every choice against Azure's rules.
func TestChooseStorageEmitsOnlyAllowedSizes(t *testing.T) {
	tierIOPS := map[string]int32{}
	for _, tr := range azure.Tiers {
		tierIOPS[tr.Name] = tr.IOPS
	}
	var sizes []int32
	for gib := int32(20); gib <= 32767; gib = gib*2 - 1 {
		sizes = append(sizes, gib, gib+1)
	}
	sizes = append(sizes, 32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384, 32767)
	for _, gib := range sizes {
		if gib > 32767 {
			continue
		}
		for _, iops := range []int32{400, 500, 501, 1100, 2300, 2301, 5000, 7500, 7501, 16000, 18000, 20000} {
			st, ok := azure.ChooseStorage(gib, iops)
			if !ok {
				t.Errorf("ChooseStorage(%d, %d): none", gib, iops)
				continue
			}
			if !slices.Contains(allowedStorageMB, st.MB) {
				t.Errorf("ChooseStorage(%d, %d): storageMb %d not allowed", gib, iops, st.MB)
			}
			if tierIOPS[st.Tier] != st.IOPS || st.IOPS < iops {
				t.Errorf("ChooseStorage(%d, %d): tier %s with %d IOPS", gib, iops, st.Tier, st.IOPS)
			}
			if !tierPermitted(st.MB, st.Tier) {
				t.Errorf("ChooseStorage(%d, %d): tier %s not permitted at %d MB", gib, iops, st.Tier, st.MB)
			}
		}
	}
}

// tierPermitted restates Azure's rule independently of azure.StorageSizes: a
// disk runs at its default tier (which follows its size) or higher, up to
// P50 below 8 TiB, up to P70 at 8 TiB and up to P80 above.
func tierPermitted(mb int32, tier string) bool {
	order := []string{"P4", "P6", "P10", "P15", "P20", "P30", "P40", "P50", "P60", "P70", "P80"}
	defaults := map[int32]string{
		32768: "P4", 65536: "P6", 131072: "P10", 262144: "P15", 524288: "P20", 1048576: "P30",
		2097152: "P40", 4193280: "P50", 4194304: "P50", 8388608: "P60", 16777216: "P70", 33553408: "P80",
	}
	top := "P50"
	switch {
	case mb == 8388608:
		top = "P70"
	case mb > 8388608:
		top = "P80"
	}
	i := slices.Index(order, tier)
	return i >= slices.Index(order, defaults[mb]) && i <= slices.Index(order, top)
}

func TestStorageSizesAreAzures(t *testing.T) {
	var got []int32
	for _, s := range azure.StorageSizes {
		got = append(got, s.MB)
	}
	if diff := cmp.Diff(allowedStorageMB, got); diff != "" {
		t.Errorf("StorageSizes: -allowed +got:\n%s", diff)
	}
}

func TestBackupRetentionDays(t *testing.T) {
	for in, want := range map[int32]int32{1: 7, 6: 7, 7: 7, 14: 14, 35: 35, 36: 35} {
		if got := azure.BackupRetentionDays(in); got != want {
			t.Errorf("BackupRetentionDays(%d) = %d, want %d", in, got, want)
		}
	}
}
