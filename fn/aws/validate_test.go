package aws_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

func valid() *spec.Spec {
	s := spec.Defaults()
	s.Cloud = spec.CloudAWS
	s.ClusterName = "c"
	s.AWS = &spec.AWS{DatabaseSubnetIDs: []string{"subnet-0a"}, DatabaseSecurityGroupIDs: []string{"sg-0a"}}
	aws.Default(&s)
	return &s
}

func TestDefault(t *testing.T) {
	s := valid()
	got := []string{s.AWS.NodeRole, s.AWS.DiscoveryTag, s.AWS.AMIAlias}
	if diff := cmp.Diff([]string{"KarpenterNodeRole-c", "c", "al2023@latest"}, got); diff != "" {
		t.Errorf("Default: -want +got:\n%s", diff)
	}
	s.AWS.NodeRole = "mine"
	aws.Default(s)
	if s.AWS.NodeRole != "mine" {
		t.Errorf("Default overwrote the user's node role: %q", s.AWS.NodeRole)
	}
}

func TestValidateSpec(t *testing.T) {
	p := field.NewPath("spec", "aws")
	cases := map[string]struct {
		edit func(s *spec.Spec)
		want field.ErrorList
	}{
		"Valid": {func(*spec.Spec) {}, nil},
		"SubnetsWithQueryAPI": {func(s *spec.Spec) { s.AWS.DatabaseSubnetIDs = nil },
			field.ErrorList{field.Required(p.Child("databaseSubnetIds"), "required when queryAPI.enabled is true")}},
		"SecurityGroupsWithQueryAPI": {func(s *spec.Spec) { s.AWS.DatabaseSecurityGroupIDs = nil },
			field.ErrorList{field.Required(p.Child("databaseSecurityGroupIds"), "required when queryAPI.enabled is true")}},
		"WithoutQueryAPI": {func(s *spec.Spec) {
			s.AWS.DatabaseSubnetIDs, s.AWS.DatabaseSecurityGroupIDs = nil, nil
			s.QueryAPI.Enabled = false
		}, nil},
		"BadSubnet": {func(s *spec.Spec) { s.AWS.DatabaseSubnetIDs = []string{"subnet_0a"} },
			field.ErrorList{field.Invalid(p.Child("databaseSubnetIds").Index(0), "subnet_0a", "must match ^subnet-[0-9a-z]+$")}},
		"BadAMIAlias": {func(s *spec.Spec) { s.AWS.AMIAlias = "al2023" },
			field.ErrorList{field.Invalid(p.Child("amiAlias"), "al2023", "must be family@version, e.g. al2023@latest")}},
		"LongNodeRole": {func(s *spec.Spec) { s.AWS.NodeRole = string(make([]byte, 65)) },
			field.ErrorList{field.TooLong(p.Child("nodeRole"), "", 64)}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := valid()
			tc.edit(s)
			if diff := cmp.Diff(tc.want, aws.ValidateSpec(s)); diff != "" {
				t.Errorf("ValidateSpec: -want +got:\n%s", diff)
			}
		})
	}
}
