package cloud_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// fake is a cloud that names what it renders.
var fake = cloud.Cloud{
	NodePool: func(_ cloud.In, pool *plan.Pool) []compose.Resource {
		return []compose.Resource{{Key: string(pool.Role) + "-pool", Component: cloud.ComponentOf(pool.Role)}}
	},
	StorageClass: func(cloud.In) (string, map[string]string) {
		return "csi.example.com", map[string]string{"type": "ssd"}
	},
	Database: func(in cloud.In) ([]compose.Resource, *cloud.Database) {
		return []compose.Resource{{Key: "database-x", Component: cloud.ComponentDatabase}}, &cloud.Database{Key: "database-x", Username: in.Plan.Database.AdminUser}
	},
}

func testPlan() *plan.Plan {
	return &plan.Plan{
		XRName:   "xr",
		Pools:    []plan.Pool{{Role: plan.RoleEtcd}, {Role: plan.RoleAPIServer}, {Role: plan.RoleControlPlanes}},
		Storage:  plan.Storage{ClassName: "xr-etcd"},
		Database: &plan.Database{AdminUser: "upbound"},
	}
}

func TestRender(t *testing.T) {
	scope := compose.Scope{}
	env := cloud.Env{Delivery: compose.Delivery{Direct: true, Scope: scope}, Labels: map[string]string{"team": "platform"}}
	out := fake.Render(testPlan(), nil, env)

	var keys []string
	for _, r := range out.Resources {
		keys = append(keys, r.Key)
	}
	if diff := cmp.Diff([]string{"etcd-pool", "apiserver-pool", "controlplanes-pool", cloud.KeyStorageClass, "database-x"}, keys); diff != "" {
		t.Errorf("keys: -want +got:\n%s", diff)
	}
	sc, ok := out.Resources[3].Object.(*compose.StorageClass)
	if !ok {
		t.Fatalf("the StorageClass is delivered as %T with Direct delivery", out.Resources[3].Object)
	}
	want := compose.NewStorageClass("xr-etcd", "csi.example.com", map[string]string{"type": "ssd"})
	want.Metadata.Labels = map[string]string{"team": "platform"}
	if diff := cmp.Diff(want, sc); diff != "" {
		t.Errorf("StorageClass: -want +got:\n%s", diff)
	}
	if out.Resources[3].Component != cloud.ComponentStorage {
		t.Errorf("StorageClass component = %q", out.Resources[3].Component)
	}
	if out.Database == nil || out.Database.Username != "upbound" {
		t.Errorf("Database = %+v", out.Database)
	}

	// No database in the plan, none rendered.
	p := testPlan()
	p.Database = nil
	if out := fake.Render(p, nil, env); out.Database != nil || len(out.Resources) != 4 {
		t.Errorf("without a database: %d resources, database %+v", len(out.Resources), out.Database)
	}
}

func TestNodeLabels(t *testing.T) {
	pool := &plan.Pool{Labels: []plan.Label{{Key: "target", Value: "etcd"}}}
	got := cloud.NodeLabels(pool, map[string]string{"team": "platform", "target": "mine"})
	if diff := cmp.Diff(map[string]string{"team": "platform", "target": "etcd"}, got); diff != "" {
		t.Errorf("NodeLabels (the pool's win): -want +got:\n%s", diff)
	}
}

func TestPassword(t *testing.T) {
	in := cloud.In{Plan: testPlan(), Env: cloud.Env{SecretNamespace: "crossplane-system"}}
	sel, generate := cloud.Password(in)
	if !generate || *sel != (compose.SecretKeySelector{Name: "xr-postgres-password", Namespace: "crossplane-system", Key: "password"}) {
		t.Errorf("generated password = %+v, %v", sel, generate)
	}
	in.Plan.Database.PasswordSecretName = "mine"
	in.Env.Scope = compose.Scope{Namespace: "team"}
	sel, generate = cloud.Password(in)
	if generate || *sel != (compose.SecretKeySelector{Name: "mine", Key: "password"}) {
		t.Errorf("user's password = %+v, %v", sel, generate)
	}
}
