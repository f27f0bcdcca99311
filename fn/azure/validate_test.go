package azure_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/azure"
	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

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
		// The Query API database's network prerequisites the function can
		// see: a delegated subnet and a private DNS zone whose name Flexible
		// Server accepts. IDs are case-insensitive.
		"VNetID": {edit: func(s *spec.Spec) {
			s.Azure.DelegatedSubnetID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"
		}, errs: []string{"spec.azure.delegatedSubnetId"}},
		"PublicDNSZone": {edit: func(s *spec.Spec) {
			s.Azure.PrivateDNSZoneID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/dnsZones/spaces.postgres.database.azure.com"
		}, errs: []string{"spec.azure.privateDnsZoneId"}},
		"DNSZoneOtherSuffix": {edit: func(s *spec.Spec) {
			s.Azure.PrivateDNSZoneID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/spaces.internal"
		}, errs: []string{"spec.azure.privateDnsZoneId"}},
		"IDsInLowerCase": {edit: func(s *spec.Spec) {
			s.Azure.DelegatedSubnetID = "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet/subnets/pg"
			s.Azure.PrivateDNSZoneID = "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/privatednszones/spaces.postgres.database.azure.com"
		}},
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
			if w := azure.Warnings(cloud.In{Plan: pr.Plan, Spec: pr.Spec}); len(w) != tc.warnings {
				t.Errorf("Warnings = %q, want %d", w, tc.warnings)
			}
		})
	}
}
