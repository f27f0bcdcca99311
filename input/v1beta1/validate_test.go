package v1beta1

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestValidate: what Kubernetes or a cloud would refuse later is refused
// now, with its path in the function's input.
func TestValidate(t *testing.T) {
	cases := map[string]struct {
		in   Input
		want []string
	}{
		"Empty":              {Input{}, nil},
		"Valid":              {Input{Labels: map[string]string{"team": "platform", "example.com/tier": ""}, Tags: map[string]string{"Team": "Platform"}, ConnectionSecretNamespace: "crossplane-system"}, nil},
		"LabelKeyInvalid":    {Input{Labels: map[string]string{"bad key!": "x"}}, []string{"input.labels[bad key!]"}},
		"LabelValueInvalid":  {Input{Labels: map[string]string{"team": "two words"}}, []string{"input.labels[team]"}},
		"LabelValueTooLong":  {Input{Labels: map[string]string{"team": strings.Repeat("a", 64)}}, []string{"input.labels[team]"}},
		"TagKeyInvalid":      {Input{Tags: map[string]string{"/cost": "x"}}, []string{"input.tags[/cost]"}},
		"TagValueInvalid":    {Input{Tags: map[string]string{"cost": "a:b"}}, []string{"input.tags[cost]"}},
		"NamespaceUpperCase": {Input{ConnectionSecretNamespace: "Crossplane"}, []string{"input.connectionSecretNamespace"}},
		"NamespaceDots":      {Input{ConnectionSecretNamespace: "a.b"}, []string{"input.connectionSecretNamespace"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, e := range tc.in.Validate() {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate: -want +got field paths:\n%s", diff)
			}
		})
	}
}
