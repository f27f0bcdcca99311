package gcp_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/internal/cloudtest"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

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
		"spec.writeConnectionSecretToRef.namespace":                       cloudtest.SecretNamespace,
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
		"spec.forProvider.passwordSecretRef.namespace": cloudtest.SecretNamespace,
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
		ConnectionSecret:  compose.SecretReference{Name: "prod-usc1-postgres-connection", Namespace: cloudtest.SecretNamespace},
		PasswordSecret:    compose.SecretKeySelector{Name: "spaces-prod-postgres-password", Namespace: cloudtest.SecretNamespace, Key: "password"},
		// The instance's server CA, from its connection secret.
		CA:        &compose.SecretKeySelector{Name: "prod-usc1-postgres-connection", Namespace: cloudtest.SecretNamespace, Key: "serverCACertificateCert"},
		CASSLMode: "verify-ca",
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
