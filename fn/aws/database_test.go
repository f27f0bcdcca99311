package aws_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func TestChooseStorage(t *testing.T) {
	cases := []struct {
		minIOPS, minGiB int32
		want            aws.Storage
	}{
		// 400 IOPS: the gp3 baseline covers it at any size.
		{400, 20, aws.Storage{Type: "gp3", GiB: 20, ProvidedIOPS: 3000}},
		{400, 100, aws.Storage{Type: "gp3", GiB: 100, ProvidedIOPS: 3000}},
		{400, 400, aws.Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{400, 1000, aws.Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 3,000 IOPS: still the small baseline.
		{3000, 20, aws.Storage{Type: "gp3", GiB: 20, ProvidedIOPS: 3000}},
		{3000, 100, aws.Storage{Type: "gp3", GiB: 100, ProvidedIOPS: 3000}},
		{3000, 400, aws.Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{3000, 1000, aws.Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 5,000 IOPS: grow to 400 GiB for the 12,000 baseline.
		{5000, 20, aws.Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 100, aws.Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 400, aws.Storage{Type: "gp3", GiB: 400, ProvidedIOPS: 12000}},
		{5000, 1000, aws.Storage{Type: "gp3", GiB: 1000, ProvidedIOPS: 12000}},
		// 20,000 IOPS: gp3 with provisioned IOPS from 400 GiB.
		{20000, 20, aws.Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 100, aws.Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 400, aws.Storage{Type: "gp3", GiB: 400, IOPS: 20000, ProvidedIOPS: 20000}},
		{20000, 1000, aws.Storage{Type: "gp3", GiB: 1000, IOPS: 20000, ProvidedIOPS: 20000}},
		// gp3's provisioned ceiling is 64,000 IOPS inclusive.
		{64000, 20, aws.Storage{Type: "gp3", GiB: 400, IOPS: 64000, ProvidedIOPS: 64000}},
		// Beyond gp3: io2 within 0.5x..50x of the size.
		// One IOPS past gp3: io2, its size rounded up (64001 / 50 = 1280.02 -> 1281 GiB).
		{64001, 20, aws.Storage{Type: "io2", GiB: 1281, IOPS: 64001, ProvidedIOPS: 64001}},
		{100000, 100, aws.Storage{Type: "io2", GiB: 2000, IOPS: 100000, ProvidedIOPS: 100000}},
		{100000, 32767, aws.Storage{Type: "io2", GiB: 32767, IOPS: 100000, ProvidedIOPS: 100000}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dIOPS-%dGiB", tc.minIOPS, tc.minGiB), func(t *testing.T) {
			got := aws.ChooseStorage(tc.minGiB, tc.minIOPS)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ChooseStorage(%d, %d): -want +got:\n%s", tc.minGiB, tc.minIOPS, diff)
			}
			// The invariants every choice keeps.
			if got.ProvidedIOPS < tc.minIOPS {
				t.Errorf("provides %d IOPS, below %d", got.ProvidedIOPS, tc.minIOPS)
			}
			if got.GiB < tc.minGiB {
				t.Errorf("allocates %d GiB, below %d", got.GiB, tc.minGiB)
			}
			if got.Type == "io2" && (got.IOPS*2 < got.GiB || got.IOPS > got.GiB*50) {
				t.Errorf("io2 IOPS %d outside 0.5x..50x of %d GiB", got.IOPS, got.GiB)
			}
			if got.Type == "gp3" && got.IOPS != 0 && (got.GiB < 400 || got.IOPS > 64000) {
				t.Errorf("gp3 provisioned IOPS %d need 400 GiB and at most 64000 (got %d GiB)", got.IOPS, got.GiB)
			}
		})
	}
}

func TestDatabase(t *testing.T) {
	out := render(t, "", false, nil)
	o := objects(t, out)
	in := o[aws.KeyDatabaseInstance]
	if in["apiVersion"] != aws.InstanceAPIVersion || in["kind"] != "Instance" {
		t.Fatalf("instance is %v %v", in["apiVersion"], in["kind"])
	}
	want := map[string]any{
		"region":                     "us-east-1",
		"engine":                     "postgres",
		"engineVersion":              "16",
		"instanceClass":              "db.m7g.large",
		"allocatedStorage":           float64(100),
		"storageType":                "gp3",
		"storageEncrypted":           true,
		"multiAz":                    true,
		"publiclyAccessible":         false,
		"deletionProtection":         true,
		"backupRetentionPeriod":      float64(7),
		"copyTagsToSnapshot":         true,
		"skipFinalSnapshot":          false,
		"finalSnapshotIdentifier":    "prod-use1-postgres-final",
		"autoMinorVersionUpgrade":    true,
		"caCertIdentifier":           "rds-ca-rsa2048-g1",
		"dbName":                     "upbound",
		"username":                   "upbound",
		"autoGeneratePassword":       true,
		"passwordSecretRef":          map[string]any{"name": "prod-use1-postgres-password", "namespace": "crossplane-system", "key": "password"},
		"dbSubnetGroupNameRef":       map[string]any{"name": "prod-use1-postgres"},
		"vpcSecurityGroupIds":        []any{"sg-0123"},
		"performanceInsightsEnabled": true,
		"tags":                       map[string]any{"cost-center": "spaces"},
	}
	if diff := cmp.Diff(want, testutil.Get(in, "spec", "forProvider")); diff != "" {
		t.Errorf("instance forProvider: -want +got:\n%s", diff)
	}
	// Deletion protection orphans the data with the XR.
	if got := testutil.Get(in, "spec", "deletionPolicy"); got != "Orphan" {
		t.Errorf("deletionPolicy = %v, want Orphan", got)
	}
	if diff := cmp.Diff(map[string]any{"name": "prod-use1-postgres-connection", "namespace": "crossplane-system"}, testutil.Get(in, "spec", "writeConnectionSecretToRef")); diff != "" {
		t.Errorf("connection secret: -want +got:\n%s", diff)
	}
	sg := o[aws.KeyDatabaseSubnetGroup]
	if diff := cmp.Diff([]any{"subnet-0a", "subnet-0b", "subnet-0c"}, testutil.Get(sg, "spec", "forProvider", "subnetIds")); diff != "" {
		t.Errorf("subnet group subnets: -want +got:\n%s", diff)
	}
	if got := testutil.Get(sg, "spec", "deletionPolicy"); got != "Orphan" {
		t.Errorf("subnet group deletionPolicy = %v, want Orphan", got)
	}

	// How the function reaches the instance.
	db := out.Database
	if diff := cmp.Diff(spec.DatabaseStatus{Engine: "postgres", Version: "16", StorageType: "gp3", StorageGiB: 100, IOPS: 3000}, db.Status); diff != "" {
		t.Errorf("Database.Status: -want +got:\n%s", diff)
	}
	got := []any{db.Key, db.EndpointFieldPath, db.EndpointKey, db.Port, db.Username, db.ConnectionSecret, db.PasswordSecret}
	wantReach := []any{aws.KeyDatabaseInstance, "status.atProvider.address", "endpoint", int32(5432), "upbound",
		compose.SecretReference{Name: "prod-use1-postgres-connection", Namespace: "crossplane-system"},
		compose.SecretKeySelector{Name: "prod-use1-postgres-password", Namespace: "crossplane-system", Key: "password"}}
	if diff := cmp.Diff(wantReach, got); diff != "" {
		t.Errorf("Database: -want +got:\n%s", diff)
	}
}

func TestDatabaseVariants(t *testing.T) {
	cases := map[string]struct {
		edit  map[string]any
		field string
		want  any
	}{
		"UserPassword": {
			edit:  map[string]any{"spec.queryAPI.postgres.passwordSecretName": "pg"},
			field: "spec.forProvider.passwordSecretRef",
			want:  map[string]any{"name": "pg", "namespace": "crossplane-system", "key": "password"},
		},
		"Unprotected": {
			edit:  map[string]any{"spec.queryAPI.postgres.deletionProtection": false},
			field: "spec.deletionPolicy",
			want:  nil,
		},
		"NoHA": {
			edit:  map[string]any{"spec.queryAPI.postgres.highAvailability": false},
			field: "spec.forProvider.multiAz",
			want:  false,
		},
		"ProvisionedIOPS": {
			edit:  map[string]any{"spec.queryAPI.postgres.minIOPS": 20000},
			field: "spec.forProvider.iops",
			want:  float64(20000),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "", false, func(xr map[string]any) {
				for k, v := range tc.edit {
					testutil.Set(xr, k, v)
				}
			})
			in := objects(t, out)[aws.KeyDatabaseInstance]
			if diff := cmp.Diff(tc.want, testutil.Get(in, strings.Split(tc.field, ".")...)); diff != "" {
				t.Errorf("%s: -want +got:\n%s", tc.field, diff)
			}
		})
	}
	// A user's password Secret is not generated.
	out := render(t, "", false, func(xr map[string]any) { testutil.Set(xr, "spec.queryAPI.postgres.passwordSecretName", "pg") })
	if got := testutil.Get(objects(t, out)[aws.KeyDatabaseInstance], "spec", "forProvider", "autoGeneratePassword"); got != nil {
		t.Errorf("autoGeneratePassword = %v with the user's Secret", got)
	}
}
