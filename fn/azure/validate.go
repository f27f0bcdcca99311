package azure

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// OS disk sizes AKS accepts, in GiB.
const (
	MinOSDiskSizeGiB = 30
	MaxOSDiskSizeGiB = 2048
)

var (
	// Zones are Azure's availability zone names.
	Zones   = []string{"1", "2", "3"}
	reAKSID = regexp.MustCompile(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ContainerService/managedClusters/[^/]+$`)
	// Azure resource IDs are case-insensitive: the portal and the CLI
	// spell resourceGroups and the providers differently.
	reSubnetID = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$`)
	// reDNSZoneID: a Flexible Server with VNet integration takes a private
	// DNS zone whose name ends in .postgres.database.azure.com.
	reDNSZoneID = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/privateDnsZones/[^/]+\.postgres\.database\.azure\.com$`)
)

// configured says whether the spec carries spec.azure.
func configured(s *spec.Spec) bool { return s.Azure != nil }

// ValidateSpec checks spec.azure, which the function made sure is there
// (the AKS cluster's resource ID, the database's subnet and DNS zone when
// the Query API is enabled), and that spec.zones are Azure's zone names.
func ValidateSpec(s *spec.Spec) field.ErrorList {
	p := field.NewPath("spec")
	var errs field.ErrorList
	seen := map[string]bool{}
	for _, z := range s.Zones {
		// The cloud-neutral rules report empty, long and repeated zones.
		if z != "" && len(z) <= 64 && !seen[z] && !slices.Contains(Zones, z) {
			// Reported on the list, as the XRD's rule does.
			errs = append(errs, field.NotSupported(p.Child("zones"), z, Zones))
		}
		seen[z] = true
	}
	z, zp := s.Azure, p.Child("azure")
	errs = append(errs, spec.RequiredString(zp.Child("resourceGroupName"), z.ResourceGroupName, 90)...)
	switch {
	case z.ClusterID == "":
		errs = append(errs, field.Required(zp.Child("clusterId"), "the resource ID of the AKS cluster"))
	case len(z.ClusterID) > 1024 || !reAKSID.MatchString(z.ClusterID):
		errs = append(errs, field.Invalid(zp.Child("clusterId"), z.ClusterID, "must be an AKS cluster resource ID"))
	}
	for _, b := range []struct {
		spec.Bound
		re   *regexp.Regexp
		what string
	}{
		{spec.Bound{Field: "delegatedSubnetId", Value: z.DelegatedSubnetID, MaxLen: 1024}, reSubnetID,
			"must be a subnet's resource ID, .../providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>, delegated to Microsoft.DBforPostgreSQL/flexibleServers"},
		{spec.Bound{Field: "privateDnsZoneId", Value: z.PrivateDNSZoneID, MaxLen: 1024}, reDNSZoneID,
			"must be a private DNS zone's resource ID, .../providers/Microsoft.Network/privateDnsZones/<name>.postgres.database.azure.com, linked to the subnet's virtual network"},
	} {
		errs = append(errs, spec.MaxLens(zp, b.Bound)...)
		switch {
		case s.QueryAPI.Enabled && b.Value == "":
			errs = append(errs, field.Required(zp.Child(b.Field), "required when queryAPI.enabled is true"))
		case b.Value != "" && len(b.Value) <= b.MaxLen && !b.re.MatchString(b.Value):
			errs = append(errs, field.Invalid(zp.Child(b.Field), b.Value, b.what))
		}
	}
	return errs
}

// skuTiers are the pricing tier prefixes of flexible server SKUs:
// Burstable, General Purpose, Memory Optimized.
var skuTiers = []string{"B_", "GP_", "MO_"}

// ValidatePlan returns what Azure cannot do for the plan, each error with
// the field the user must change.
func ValidatePlan(p *plan.Plan) field.ErrorList {
	var errs field.ErrorList
	for _, pool := range p.Pools {
		if pool.DiskSizeGiB < MinOSDiskSizeGiB || pool.DiskSizeGiB > MaxOSDiskSizeGiB {
			errs = append(errs, field.Invalid(field.NewPath("spec", "nodePools", pool.SpecField, "diskSizeGiB"), pool.DiskSizeGiB,
				fmt.Sprintf("AKS OS disks are %d to %d GiB", MinOSDiskSizeGiB, MaxOSDiskSizeGiB)))
		}
	}
	db := p.Database
	if db == nil {
		return errs
	}
	pg := field.NewPath("spec", "queryAPI", "postgres")
	if _, ok := ChooseStorage(db.StorageGiB, db.MinIOPS); !ok {
		errs = append(errs, field.Invalid(pg.Child("minIOPS"), db.MinIOPS,
			fmt.Sprintf("Azure Database for PostgreSQL flexible server storage provides at most %d IOPS (P80)", MaxIOPS())))
	}
	if sku := db.InstanceSize; sku != "" {
		burstable := strings.HasPrefix(sku, skuTiers[0])
		known := false
		for _, t := range skuTiers {
			known = known || strings.HasPrefix(sku, t+"Standard_")
		}
		switch {
		case !known:
			errs = append(errs, field.Invalid(pg.Child("instanceSize"), sku,
				"must be a flexible server SKU: B_, GP_ or MO_ followed by a VM size, e.g. "+DefaultSKU))
		case burstable && db.HighAvailability:
			errs = append(errs, field.Invalid(pg.Child("instanceSize"), sku,
				"zone-redundant high availability needs a General Purpose (GP_) or Memory Optimized (MO_) SKU"))
		}
	}
	return errs
}
