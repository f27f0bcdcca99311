package aws

import (
	"regexp"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// The shapes of AWS identifiers the spec carries (the XRD's patterns).
var (
	reAMIAlias = regexp.MustCompile(`^[a-z0-9]+@.+$`)
	reSubnet   = regexp.MustCompile(`^subnet-[0-9a-z]+$`)
	reSG       = regexp.MustCompile(`^sg-[0-9a-z]+$`)
)

// Default fills the AWS settings that follow from other fields: the
// Karpenter node role and discovery tag of the cluster, and the AMI alias.
func Default(s *spec.Spec) {
	if s.AWS == nil {
		return
	}
	if s.AWS.NodeRole == "" {
		s.AWS.NodeRole = spec.NodeRolePrefix + s.ClusterName
	}
	if s.AWS.DiscoveryTag == "" {
		s.AWS.DiscoveryTag = s.ClusterName
	}
	if s.AWS.AMIAlias == "" {
		s.AWS.AMIAlias = spec.DefaultAMIAlias
	}
}

// configured says whether the spec carries spec.aws.
func configured(s *spec.Spec) bool { return s.AWS != nil }

// ValidateSpec checks spec.aws, which the function made sure is there: the
// XRD's bounds, and the database's subnets and security groups when the
// Query API is enabled.
func ValidateSpec(s *spec.Spec) field.ErrorList {
	ap, a := field.NewPath("spec", "aws"), s.AWS
	errs := spec.MaxLens(ap, spec.Bound{Field: "nodeRole", Value: a.NodeRole, MaxLen: 64},
		spec.Bound{Field: "discoveryTag", Value: a.DiscoveryTag, MaxLen: 256})
	if len(a.AMIAlias) > 64 || !reAMIAlias.MatchString(a.AMIAlias) {
		errs = append(errs, field.Invalid(ap.Child("amiAlias"), a.AMIAlias, "must be family@version, e.g. al2023@latest"))
	}
	errs = append(errs, spec.UniqueStrings(ap.Child("databaseSubnetIds"), a.DatabaseSubnetIDs, 20, 64, reSubnet)...)
	errs = append(errs, spec.UniqueStrings(ap.Child("databaseSecurityGroupIds"), a.DatabaseSecurityGroupIDs, 5, 64, reSG)...)
	if !s.QueryAPI.Enabled {
		return errs
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"databaseSubnetIds", a.DatabaseSubnetIDs}, {"databaseSecurityGroupIds", a.DatabaseSecurityGroupIDs}} {
		if len(f.ids) == 0 {
			errs = append(errs, field.Required(ap.Child(f.name), "required when queryAPI.enabled is true"))
		}
	}
	return errs
}
