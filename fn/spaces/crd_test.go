package spaces

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestResourcesMatchCRDs validates the Release and the credentials Secret
// (inside its Object) against the upstream CRDs, in every scope, delivery,
// with and without a database and monitoring, and with user values.
func TestResourcesMatchCRDs(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	cases := map[string]struct {
		plan func(*plan.Plan)
		db   func() *cloud.Database
		env  cloud.Env
	}{
		"Cluster":    {db: testDB, env: clusterEnv()},
		"Namespaced": {db: namespacedDB, env: namespacedEnv()},
		"Direct":     {db: testDB, env: directEnv()},
		"ObservedEndpoint": {db: func() *cloud.Database {
			db := namespacedDB()
			db.EndpointKey, db.Endpoint = "", "10.1.2.3:5432"
			return db
		}, env: namespacedEnv()},
		"NoDatabase":               {plan: func(p *plan.Plan) { p.Database = nil }, db: func() *cloud.Database { return nil }, env: clusterEnv()},
		"NoPullSecretNoMonitoring": {plan: func(p *plan.Plan) { p.Spaces.PullSecretName = ""; p.Monitoring = nil }, db: testDB, env: namespacedEnv()},
		"UserValues": {plan: func(p *plan.Plan) {
			p.Spaces.Values = []byte(`{"api": {"replicaCount": 4}, "controlPlanes": {"etcd": {"tolerations": []}}, "x": null}`)
		}, db: testDB, env: clusterEnv()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			if tc.plan != nil {
				tc.plan(p)
			}
			db := tc.db()
			rel, err := Release(p, db, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range v.Validate(testutil.JSON(t, rel.Object)) {
				t.Errorf("%s: %v", rel.Key, e)
			}
			for _, r := range Credentials(p, db, tc.env) {
				for _, e := range v.Validate(testutil.JSON(t, r.Object)) {
					t.Errorf("%s: %v", r.Key, e)
				}
			}
		})
	}
}

// TestCRDValidationBites: the validator does reject what the cluster-scoped
// CRD forbids, so the test above can fail.
func TestCRDValidationBites(t *testing.T) {
	v := crdvalidate.RequireValidators(t)
	rel, err := Release(testPlan(), testDB(), clusterEnv())
	if err != nil {
		t.Fatal(err)
	}
	m := testutil.JSON(t, rel.Object)
	chart, _ := at(m, "spec.forProvider.chart.pullSecretRef")
	delete(chart.(map[string]any), "namespace")
	sel, _ := at(m, "spec.forProvider.set.0.valueFrom.secretKeyRef")
	delete(sel.(map[string]any), "namespace")
	if errs := v.Validate(m); len(errs) < 2 {
		t.Errorf("a cluster-scoped Release without secret namespaces passed validation: %v", errs)
	}
}
