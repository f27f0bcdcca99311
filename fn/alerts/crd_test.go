package alerts

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestRuleMatchesCRD validates the PrometheusRule, delivered directly and
// inside an Object (cluster-scoped and namespaced), against the upstream
// CRDs.
func TestRuleMatchesCRD(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	for name, e := range map[string]struct{ direct, namespaced bool }{
		"Object": {}, "ObjectNamespaced": {namespaced: true}, "Direct": {direct: true},
	} {
		t.Run(name, func(t *testing.T) {
			r := Rule(testPlan(), env(e.direct, e.namespaced), nil)
			for _, err := range v.Validate(testutil.JSON(t, r.Object)) {
				t.Errorf("%s: %v", r.Key, err)
			}
		})
	}
}
