package gcp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

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

// TestValidateInputTagCollisions: tags whose keys become one Google Cloud
// label key are refused, each after the first named; others are fine.
func TestValidateInputTagCollisions(t *testing.T) {
	cases := map[string]struct {
		tags map[string]string
		want []string
	}{
		"None":        {nil, nil},
		"Distinct":    {map[string]string{"team": "a", "cost-center": "b"}, nil},
		"CaseOnly":    {map[string]string{"Team": "a", "team": "b", "TEAM": "c"}, []string{"input.tags[Team]", "input.tags[team]"}},
		"Replacement": {map[string]string{"cost.center": "a", "cost_center": "b"}, []string{"input.tags[cost_center]"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, e := range gcp.ValidateInput(&v1beta1.Input{Tags: tc.tags}) {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ValidateInput: -want +got paths:\n%s", diff)
			}
		})
	}
}

// TestPrivateNetwork: spec.gcp.privateNetwork is a VPC network's path (or
// its compute URL), which Cloud SQL's private IP peers with through
// Private Service Access; anything else is refused on the field.
func TestPrivateNetwork(t *testing.T) {
	cases := map[string]struct {
		network string
		bad     bool
	}{
		"Path":        {network: "projects/my-project/global/networks/spaces"},
		"URL":         {network: "https://www.googleapis.com/compute/v1/projects/my-project/global/networks/spaces"},
		"NameOnly":    {network: "spaces", bad: true},
		"Subnetwork":  {network: "projects/my-project/regions/us-central1/subnetworks/spaces", bad: true},
		"ServiceName": {network: "projects/my-project/global/networks/spaces/peerings/servicenetworking", bad: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := spec.Defaults()
			s.Cloud = spec.CloudGCP
			s.QueryAPI.Postgres.PasswordSecretName = "pw"
			s.GCP = &spec.GCP{PrivateNetwork: tc.network}
			errs := gcp.ValidateSpec(&s)
			if !tc.bad {
				if len(errs) != 0 {
					t.Errorf("errs = %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != "spec.gcp.privateNetwork" || !strings.Contains(errs[0].Detail, "Private Service Access") {
				t.Errorf("errs = %v, want one on spec.gcp.privateNetwork naming Private Service Access", errs)
			}
		})
	}
}
