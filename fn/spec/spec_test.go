package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const minimal = `{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","metadata":{"name":"x"},
"spec":{"cloud":"aws","region":"us-east-1","zones":["a","b","c"],"clusterName":"c","spaces":{"version":"1.17.1"},
"aws":{"databaseSubnetIds":["subnet-1"],"databaseSecurityGroupIds":["sg-1"]}}}`

func TestDecodeAppliesDefaults(t *testing.T) {
	xr, errs := Decode([]byte(minimal))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := Defaults()
	want.Cloud, want.Region, want.Zones, want.ClusterName = CloudAWS, "us-east-1", []string{"a", "b", "c"}, "c"
	want.Spaces.Version = "1.17.1"
	want.AWS = &AWS{AMIAlias: DefaultAMIAlias, DatabaseSubnetIDs: []string{"subnet-1"}, DatabaseSecurityGroupIDs: []string{"sg-1"}}
	if diff := cmp.Diff(want, xr.Spec); diff != "" {
		t.Errorf("Decode: -want +got:\n%s", diff)
	}
}

func TestDecodeKeepsExplicitFalse(t *testing.T) {
	xr, errs := Decode([]byte(`{"spec":{"highAvailability":false,"queryAPI":{"enabled":false}}}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if xr.Spec.HighAvailability || xr.Spec.QueryAPI.Enabled {
		t.Error("an explicit false must not be defaulted to true")
	}
	if xr.Spec.QueryAPI.Postgres.MinIOPS != DefaultMinIOPS {
		t.Error("defaults of sibling fields must survive")
	}
}

func TestApplyCloudDefaults(t *testing.T) {
	xr, _ := Decode([]byte(minimal))
	s := xr.Spec
	ApplyCloudDefaults(&s, CloudDefaults{EtcdMachineTypes: []string{"e"}, APIServerMachineTypes: []string{"a"}, ControlPlanesMachineTypes: []string{"c"}, InstanceSize: "db"})
	got := []any{s.NodePools.Etcd.MachineTypes, s.NodePools.APIServer.MachineTypes, s.NodePools.ControlPlanes.MachineTypes,
		s.QueryAPI.Postgres.InstanceSize, *s.QueryAPI.Postgres.HighAvailability}
	want := []any{[]string{"e"}, []string{"a"}, []string{"c"}, "db", true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyCloudDefaults: -want +got:\n%s", diff)
	}
}

// TestValidate has one case per rule of the API; the corpus in
// fn/testdata/invalid.yaml covers the same rules through RunFunction.
func TestValidate(t *testing.T) {
	cases := map[string]struct {
		edit func(s *Spec)
		want field.ErrorList
	}{
		"Valid": {func(*Spec) {}, nil},
		"EtcdHA": {func(s *Spec) { s.NodePools.Etcd.MinNodes = 2 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "etcd", "minNodes"), int32(2), "must be at least 3 when highAvailability is true")}},
		"EtcdWithoutHA": {func(s *Spec) { s.HighAvailability = false; s.NodePools.Etcd.MinNodes = 1 }, nil},
		"APIServerHA": {func(s *Spec) { s.NodePools.APIServer.MinNodes = 1 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "apiServer", "minNodes"), int32(1), "must be at least 2 when highAvailability is true")}},
		"MaxBelowMin": {func(s *Spec) { s.NodePools.ControlPlanes.MaxNodes = 2 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "controlPlanes", "maxNodes"), int32(2), "must be 0 (computed) or at least minNodes")}},
		"ZonesDuplicate": {func(s *Spec) { s.Zones = []string{"a", "a"} },
			field.ErrorList{field.Duplicate(field.NewPath("spec", "zones").Index(1), "a")}},
		"RouterMaxBelowMin": {func(s *Spec) { s.Spaces.Router.MaxReplicas = 1 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "router", "maxReplicas"), int32(1), "must be at least minReplicas")}},
		"MinIOPS": {func(s *Spec) { s.QueryAPI.Postgres.MinIOPS = 100 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "queryAPI", "postgres", "minIOPS"), int32(100), "must be at least 400 (the Query API's requirement)")}},
		// The cloud's own rules are its package's: spec ignores the blocks.
		"CloudBlocksAreTheClouds": {func(s *Spec) { s.Cloud = CloudGCP; s.AWS.DatabaseSubnetIDs = nil; s.Zones = []string{"1", "eastus-2"} }, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr, _ := Decode([]byte(minimal))
			s := xr.Spec
			ApplyCloudDefaults(&s, CloudDefaults{EtcdMachineTypes: []string{"m"}, APIServerMachineTypes: []string{"m"}, ControlPlanesMachineTypes: []string{"m"}})
			tc.edit(&s)
			if diff := cmp.Diff(tc.want, Validate(&s)); diff != "" {
				t.Errorf("Validate: -want +got:\n%s", diff)
			}
		})
	}
}
