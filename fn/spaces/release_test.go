package spaces

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// testPlan is a production plan: HA, monitoring, an external database.
func testPlan() *plan.Plan {
	return &plan.Plan{
		XRName:           "prod-use1",
		HighAvailability: true,
		Pools: []plan.Pool{
			{Role: plan.RoleEtcd, Labels: []plan.Label{{Key: "target", Value: "etcd"}},
				Taints: []plan.Taint{{Key: "target", Value: "etcd", Effect: "NoSchedule"}}},
			{Role: plan.RoleAPIServer, Labels: []plan.Label{{Key: "target", Value: "apiserver"}},
				Taints: []plan.Taint{{Key: "target", Value: "apiserver", Effect: "NoSchedule"}}},
			{Role: plan.RoleControlPlanes, Labels: []plan.Label{{Key: "target", Value: "controlplanes"}}},
		},
		Storage:  plan.Storage{ClassName: "prod-use1-etcd"},
		Database: &plan.Database{Name: "upbound", AdminUser: "upbound"},
		Spaces: plan.Spaces{
			Version:                  "1.17.1",
			Account:                  "acme",
			RouterHost:               "spaces.acme.example.com",
			HubIdentities:            true,
			HubRBAC:                  false,
			ChartRepository:          "oci://xpkg.upbound.io/spaces-artifacts",
			Namespace:                "upbound-system",
			PullSecretName:           "upbound-pull-secret",
			ChartPullSecretName:      "upbound-chart-pull",
			ChartPullSecretNamespace: "crossplane-system",
			APIReplicas:              2,
			ApolloReplicas:           3,
			Router:                   plan.RouterScaling{MinReplicas: 2, MaxReplicas: 8, TargetCPUUtilizationPercentage: 80, TargetMemoryUtilizationPercentage: 70},
			ControllerRequests:       plan.ResourceQuantities{CPU: "500m", Memory: "1Gi"},
			ControllerLimits:         plan.ResourceQuantities{CPU: "2000m", Memory: "4Gi"},
			EtcdVolumeSize:           "50Gi",
			Exposure:                 plan.Exposure{Type: plan.ExposeLoadBalancer},
			ProviderConfig:           "helm-pc",
		},
		Monitoring: &plan.Monitoring{ErrorRatePercent: 5, For: "10m"},
	}
}

func testDB() *cloud.Database {
	return &cloud.Database{
		Port:             5432,
		Username:         "upbound",
		ConnectionSecret: compose.SecretReference{Name: "prod-use1-db-conn", Namespace: "crossplane-system"},
		EndpointKey:      "endpoint",
		PasswordSecret:   compose.SecretKeySelector{Name: "prod-use1-db-conn", Namespace: "crossplane-system", Key: "password"},
		// Like RDS: the connection secret holds username and password.
		ConnectionSecretHasLogin: true,
	}
}

// noLoginDB is a database whose connection secret does not hold the login
// the Query API uses (Cloud SQL, Azure): the password comes from a Secret in
// the Spaces namespace when Crossplane runs in the Space cluster.
func noLoginDB() *cloud.Database {
	db := testDB()
	db.ConnectionSecretHasLogin = false
	db.EndpointKey = ""
	db.Endpoint = "10.1.2.3:5432"
	db.PasswordSecret = compose.SecretKeySelector{Name: "prod-use1-postgres-password", Namespace: "upbound-system", Key: "password"}
	return db
}

func clusterEnv() cloud.Env {
	s := compose.Scope{}
	return cloud.Env{Scope: s, Delivery: compose.Delivery{Scope: s, ProviderConfig: "k8s-pc"}, SecretNamespace: "crossplane-system",
		LoadBalancerAnnotations: testLBAnnotations()}
}

// testLBAnnotations stand for a cloud's load balancer annotations.
func testLBAnnotations() map[string]string {
	return map[string]string{"lb.example.com/type": "network"}
}

func namespacedEnv() cloud.Env {
	s := compose.Scope{Namespace: "team-a", ProviderConfigKind: "ClusterProviderConfig"}
	return cloud.Env{Scope: s, Delivery: compose.Delivery{Scope: s, ProviderConfig: "k8s-pc"}, LoadBalancerAnnotations: testLBAnnotations()}
}

func directEnv() cloud.Env {
	e := clusterEnv()
	e.Delivery.Direct = true
	return e
}

// namespacedDB is the database as a namespaced XR's renderer reports it:
// secrets carry no namespace.
func namespacedDB() *cloud.Database {
	db := testDB()
	db.ConnectionSecret.Namespace = ""
	db.PasswordSecret.Namespace = ""
	return db
}

// at returns the value at a dotted path ("a.b.0.c"), and whether it exists.
func at(m any, path string) (any, bool) {
	cur := m
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i := 0
			for _, r := range p {
				if r < '0' || r > '9' {
					return nil, false
				}
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// js decodes a JSON literal the way tree does.
func js(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON literal %s: %v", s, err)
	}
	return v
}

func render(t *testing.T, p *plan.Plan, db *cloud.Database, env cloud.Env) map[string]any {
	t.Helper()
	r, err := Release(p, db, env)
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	if r.Key != "spaces-release" {
		t.Errorf("Key = %q, want spaces-release", r.Key)
	}
	if r.Component != cloud.ComponentSpaces {
		t.Errorf("Component = %q, want %q", r.Component, cloud.ComponentSpaces)
	}
	return testutil.JSON(t, r.Object)
}

// TestReleaseProduction pins the whole Release of a production, cluster-
// scoped XR: every computed value and every Release field.
func TestReleaseProduction(t *testing.T) {
	got := render(t, testPlan(), testDB(), clusterEnv())
	want := js(t, `{
  "apiVersion": "helm.crossplane.io/v1beta1",
  "kind": "Release",
  "metadata": {"name": "prod-use1-spaces", "annotations": {"crossplane.io/external-name": "spaces"}},
  "spec": {
    "providerConfigRef": {"name": "helm-pc"},
    "rollbackLimit": 3,
    "forProvider": {
      "chart": {
        "name": "spaces",
        "repository": "oci://xpkg.upbound.io/spaces-artifacts",
        "version": "1.17.1",
        "pullSecretRef": {"name": "upbound-chart-pull", "namespace": "crossplane-system"}
      },
      "namespace": "upbound-system",
      "skipCreateNamespace": false,
      "wait": true,
      "waitTimeout": "15m",
      "set": [{
        "name": "apollo.apollo.storage.postgres.connection.url",
        "valueFrom": {"secretKeyRef": {"name": "prod-use1-db-conn", "namespace": "crossplane-system", "key": "endpoint"}}
      }],
      "values": {
        "account": "acme",
        "authentication": {"hubIdentities": true},
        "authorization": {"hubRBAC": false},
        "externalTLS": {"host": "spaces.acme.example.com"},
        "ingress": {"provision": false},
        "imagePullSecrets": [{"name": "upbound-pull-secret"}],
        "controlPlanes": {
          "ha": {"enabled": true},
          "vcluster": {
            "affinity": {
              "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "target", "operator": "In", "values": ["apiserver"]}]}]}},
              "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                  {"labelSelector": {"matchLabels": {"app": "vcluster"}}, "topologyKey": "kubernetes.io/hostname"}],
                "preferredDuringSchedulingIgnoredDuringExecution": [
                  {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "vcluster"}}, "topologyKey": "topology.kubernetes.io/zone"}}]
              }
            },
            "tolerations": [{"key": "target", "operator": "Equal", "value": "apiserver", "effect": "NoSchedule"}]
          },
          "etcd": {
            "affinity": {
              "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "target", "operator": "In", "values": ["etcd"]}]}]}},
              "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                  {"labelSelector": {"matchLabels": {"app": "vcluster-etcd"}}, "topologyKey": "kubernetes.io/hostname"}],
                "preferredDuringSchedulingIgnoredDuringExecution": [
                  {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "vcluster-etcd"}}, "topologyKey": "topology.kubernetes.io/zone"}}]
              }
            },
            "tolerations": [{"key": "target", "operator": "Equal", "value": "etcd", "effect": "NoSchedule"}],
            "persistence": {"size": "50Gi", "storageClassName": "prod-use1-etcd"}
          }
        },
        "api": {"replicaCount": 2, "prometheus": {"podMonitor": {"enabled": true}}},
        "features": {"alpha": {"apollo": {"enabled": true}}},
        "apollo": {"apollo": {
          "replicaCount": 3,
          "storage": {"postgres": {
            "create": false,
            "connection": {
              "database": "upbound",
              "sslmode": "require",
              "credentials": {"format": "basicauth", "user": "upbound", "secret": {"name": "spaces-query-api-postgres"}}
            }
          }}
        }},
        "router": {
          "hpa": {"enabled": true, "minReplicas": 2, "maxReplicas": 8, "targetCPUUtilizationPercentage": 80, "targetMemoryUtilizationPercentage": 70},
          "prometheus": {"podMonitor": {"enabled": true}},
          "proxy": {"service": {"type": "LoadBalancer", "annotations": {"lb.example.com/type": "network"}}}
        },
        "controller": {
          "replicaCount": 2,
          "controller": {
            "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "2000m", "memory": "4Gi"}},
            "podDisruptionBudget": {"enabled": true, "minAvailable": 1}
          },
          "prometheus": {"podMonitor": {"enabled": true}}
        }
      }
    }
  }
}`)
	if !reflect.DeepEqual(any(got), want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("Release differs.\ngot:\n%s\nwant:\n%s", g, w)
	}
}

// TestReleaseVariants pins what changes with HA, monitoring, the database,
// the XR's scope and the delivery.
func TestReleaseVariants(t *testing.T) {
	type check struct {
		path string
		want string // JSON; "" means the path must be absent
	}
	cases := map[string]struct {
		plan   func(*plan.Plan)
		db     func() *cloud.Database
		env    cloud.Env
		checks []check
	}{
		"HAOff": {
			plan: func(p *plan.Plan) { p.HighAvailability = false },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.controlPlanes.ha", `{"enabled": false}`},
				// Placement does not depend on HA: the pools are dedicated either way.
				{"spec.forProvider.values.controlPlanes.etcd.tolerations.0.value", `"etcd"`},
				// One spaces-controller, the chart's default, without a PDB.
				{"spec.forProvider.values.controller.replicaCount", ""},
				{"spec.forProvider.values.controller.controller.podDisruptionBudget", ""},
			},
		},
		// Before Spaces 1.16 the router's host is ingress.host; from 1.16
		// externalTLS.host (the chart values reference and release notes).
		"Chart115RouterHostIsIngressHost": {
			plan: func(p *plan.Plan) { p.Spaces.Version = "v1.15.5" },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.ingress", `{"host": "spaces.acme.example.com", "provision": false}`},
				{"spec.forProvider.values.externalTLS", ""},
				{"spec.forProvider.values.account", `"acme"`},
			},
		},
		"Chart116RouterHostIsExternalTLSHost": {
			plan: func(p *plan.Plan) { p.Spaces.Version = "1.16.0" },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.externalTLS", `{"host": "spaces.acme.example.com"}`},
				{"spec.forProvider.values.ingress", `{"provision": false}`},
			},
		},
		"Chart2RouterHostIsExternalTLSHost": {
			plan: func(p *plan.Plan) { p.Spaces.Version = "2.0.0" },
			db:   testDB, env: clusterEnv(),
			checks: []check{{"spec.forProvider.values.externalTLS.host", `"spaces.acme.example.com"`}},
		},
		"HubSwitchesOff": {
			plan: func(p *plan.Plan) { p.Spaces.HubIdentities, p.Spaces.HubRBAC = false, false },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.authentication", `{"hubIdentities": false}`},
				{"spec.forProvider.values.authorization", `{"hubRBAC": false}`},
			},
		},
		"HAOn": {
			db: testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.controlPlanes.ha", `{"enabled": true}`},
				// No single spaces-controller: two replicas behind a PDB.
				{"spec.forProvider.values.controller.replicaCount", `2`},
				{"spec.forProvider.values.controller.controller.podDisruptionBudget", `{"enabled": true, "minAvailable": 1}`},
			},
		},
		"MonitoringOff": {
			plan: func(p *plan.Plan) { p.Monitoring = nil },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.api", `{"replicaCount": 2}`},
				{"spec.forProvider.values.controller.prometheus", ""},
				{"spec.forProvider.values.router.prometheus", ""},
			},
		},
		"MonitoringOn": {
			db: testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.api.prometheus.podMonitor.enabled", `true`},
				{"spec.forProvider.values.controller.prometheus.podMonitor.enabled", `true`},
				{"spec.forProvider.values.router.prometheus.podMonitor.enabled", `true`},
			},
		},
		"NoDatabase": {
			plan: func(p *plan.Plan) { p.Database = nil },
			db:   func() *cloud.Database { return nil }, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.apollo.apollo.storage", `{"postgres": {"create": true}}`},
				{"spec.forProvider.values.features.alpha.apollo.enabled", `true`},
				{"spec.forProvider.set", ""},
			},
		},
		"Namespaced": {
			db: namespacedDB, env: namespacedEnv(),
			checks: []check{
				{"apiVersion", `"helm.m.crossplane.io/v1beta1"`},
				{"kind", `"Release"`},
				{"spec.providerConfigRef", `{"kind": "ClusterProviderConfig", "name": "helm-pc"}`},
				{"spec.deletionPolicy", ""},
				{"spec.forProvider.namespace", `"upbound-system"`},
				// The namespaced Release reads the Secret from its own namespace.
				{"spec.forProvider.chart.pullSecretRef", `{"name": "upbound-chart-pull"}`},
				{"spec.forProvider.set.0.valueFrom.secretKeyRef", `{"name": "prod-use1-db-conn", "key": "endpoint"}`},
			},
		},
		"NamespacedIgnoresSecretNamespace": {
			db: testDB, env: namespacedEnv(),
			checks: []check{
				{"spec.forProvider.set.0.valueFrom.secretKeyRef", `{"name": "prod-use1-db-conn", "key": "endpoint"}`},
			},
		},
		"ClusterScopedFallsBackToSecretNamespace": {
			db: namespacedDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.set.0.valueFrom.secretKeyRef", `{"name": "prod-use1-db-conn", "namespace": "crossplane-system", "key": "endpoint"}`},
			},
		},
		"ObjectDeliveryReadsTheDeliveredSecret": {
			db: testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.apollo.apollo.storage.postgres.connection.credentials.secret.name", `"spaces-query-api-postgres"`},
			},
		},
		"DirectDeliveryReadsTheConnectionSecret": {
			db: testDB, env: directEnv(),
			checks: []check{
				{"spec.forProvider.values.apollo.apollo.storage.postgres.connection.credentials.secret.name", `"prod-use1-db-conn"`},
				{"apiVersion", `"helm.crossplane.io/v1beta1"`},
			},
		},
		"DirectDeliveryWithoutLoginReadsTheComposedSecret": {
			db: noLoginDB, env: directEnv(),
			checks: []check{
				{"spec.forProvider.values.apollo.apollo.storage.postgres.connection.credentials", `{"format": "basicauth", "user": "upbound", "secret": {"name": "spaces-query-api-postgres"}}`},
			},
		},
		"ObservedEndpointWhereTheSecretHasNone": {
			db: func() *cloud.Database {
				db := testDB()
				db.EndpointKey = ""
				db.Endpoint = "10.1.2.3:5432"
				return db
			},
			env:    clusterEnv(),
			checks: []check{{"spec.forProvider.set", `[{"name": "apollo.apollo.storage.postgres.connection.url", "value": "10.1.2.3:5432"}]`}},
		},
		"SecretWinsOverObservedEndpoint": {
			db: func() *cloud.Database {
				db := testDB()
				db.Endpoint = "10.1.2.3:5432"
				return db
			},
			env: clusterEnv(),
			checks: []check{{"spec.forProvider.set", `[{"name": "apollo.apollo.storage.postgres.connection.url",
				"valueFrom": {"secretKeyRef": {"name": "prod-use1-db-conn", "namespace": "crossplane-system", "key": "endpoint"}}}]`}},
		},
		// Without a chart pull secret provider-helm uses its default
		// credential chain; the Space's image pull secret stays.
		"NoChartPullSecret": {
			plan: func(p *plan.Plan) { p.Spaces.ChartPullSecretName, p.Spaces.ChartPullSecretNamespace = "", "" },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.chart.pullSecretRef", ""},
				{"spec.forProvider.values.imagePullSecrets", `[{"name": "upbound-pull-secret"}]`},
			},
		},
		// The image pull secret never becomes the chart pull secret.
		"ImagePullSecretIsNotTheChartPullSecret": {
			plan: func(p *plan.Plan) { p.Spaces.PullSecretName = "my-registry"; p.Spaces.ChartPullSecretName = "" },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.chart.pullSecretRef", ""},
				{"spec.forProvider.values.imagePullSecrets", `[{"name": "my-registry"}]`},
			},
		},
		"NoStorageClass": {
			plan: func(p *plan.Plan) { p.Storage.ClassName = "" },
			db:   testDB, env: clusterEnv(),
			checks: []check{{"spec.forProvider.values.controlPlanes.etcd.persistence", `{"size": "50Gi"}`}},
		},
		"UntaintedPool": {
			plan: func(p *plan.Plan) { p.Pool(plan.RoleAPIServer).Taints = nil },
			db:   testDB, env: clusterEnv(),
			checks: []check{
				{"spec.forProvider.values.controlPlanes.vcluster.tolerations", ""},
				{"spec.forProvider.values.controlPlanes.vcluster.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.values", `["apiserver"]`},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			if tc.plan != nil {
				tc.plan(p)
			}
			got := render(t, p, tc.db(), tc.env)
			for _, c := range tc.checks {
				v, ok := at(got, c.path)
				if c.want == "" {
					if ok {
						t.Errorf("%s = %v, want it absent", c.path, v)
					}
					continue
				}
				if !ok {
					t.Errorf("%s is absent, want %s", c.path, c.want)
					continue
				}
				if w := js(t, c.want); !reflect.DeepEqual(v, w) {
					t.Errorf("%s = %v, want %v", c.path, v, w)
				}
			}
		})
	}
}

// TestReleaseUserValuesWin proves spec.spaces.values is merged last: the
// user's scalars and lists replace computed ones, objects merge key by key.
func TestReleaseUserValuesWin(t *testing.T) {
	p := testPlan()
	p.Spaces.Values = []byte(`{
  "api": {"replicaCount": 5},
  "controlPlanes": {
    "vcluster": {
      "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["big"]}]}]}}},
      "tolerations": [{"key": "dedicated", "operator": "Exists"}]
    },
    "etcd": {"tolerations": [], "resources": {"requests": {"cpu": "1"}}}
  },
  "router": {"hpa": {"maxReplicas": 20}},
  "observability": {"enabled": true},
  "controller": {"prometheus": null}
}`)
	got := render(t, p, testDB(), clusterEnv())
	checks := []struct{ path, want string }{
		// The user's scalar wins; its computed sibling stays.
		{"spec.forProvider.values.api.replicaCount", `5`},
		{"spec.forProvider.values.api.prometheus", `{"podMonitor": {"enabled": true}}`},
		// A nested object the user set replaces the computed one at that key...
		{"spec.forProvider.values.controlPlanes.vcluster.affinity.nodeAffinity",
			`{"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "pool", "operator": "In", "values": ["big"]}]}]}}`},
		// ...while the computed keys beside it stay.
		{"spec.forProvider.values.controlPlanes.vcluster.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.topologyKey", `"kubernetes.io/hostname"`},
		// Lists replace, they never append: one toleration, the user's.
		{"spec.forProvider.values.controlPlanes.vcluster.tolerations", `[{"key": "dedicated", "operator": "Exists"}]`},
		{"spec.forProvider.values.controlPlanes.etcd.tolerations", `[]`},
		{"spec.forProvider.values.controlPlanes.etcd.resources", `{"requests": {"cpu": "1"}}`},
		{"spec.forProvider.values.controlPlanes.etcd.persistence.size", `"50Gi"`},
		{"spec.forProvider.values.router.hpa", `{"enabled": true, "minReplicas": 2, "maxReplicas": 20, "targetCPUUtilizationPercentage": 80, "targetMemoryUtilizationPercentage": 70}`},
		{"spec.forProvider.values.observability", `{"enabled": true}`},
		// null is the user's too: Helm then drops the key.
		{"spec.forProvider.values.controller.prometheus", `null`},
		// The URL still comes from the connection secret.
		{"spec.forProvider.set.0.name", `"apollo.apollo.storage.postgres.connection.url"`},
	}
	for _, c := range checks {
		v, ok := at(got, c.path)
		if !ok {
			t.Errorf("%s is absent, want %s", c.path, c.want)
			continue
		}
		if w := js(t, c.want); !reflect.DeepEqual(v, w) {
			t.Errorf("%s = %v, want %v", c.path, v, w)
		}
	}
}

// TestReleaseRefusesDroppingSafetyValues: spec.spaces.values may change
// the computed HA and placement values under controlPlanes, but not null
// them out or replace them with another shape; each such value is named.
func TestReleaseRefusesDroppingSafetyValues(t *testing.T) {
	cases := map[string]struct {
		values string
		want   []string
	}{
		"SectionScalar":     {`{"controlPlanes": "oops"}`, []string{"spec.spaces.values.controlPlanes"}},
		"EtcdNull":          {`{"controlPlanes": {"etcd": null}}`, []string{"spec.spaces.values.controlPlanes.etcd"}},
		"TolerationsNull":   {`{"controlPlanes": {"vcluster": {"tolerations": null}}}`, []string{"spec.spaces.values.controlPlanes.vcluster.tolerations"}},
		"AffinityScalar":    {`{"controlPlanes": {"etcd": {"affinity": "none"}}}`, []string{"spec.spaces.values.controlPlanes.etcd.affinity"}},
		"HAEnabledNull":     {`{"controlPlanes": {"ha": {"enabled": null}}}`, []string{"spec.spaces.values.controlPlanes.ha.enabled"}},
		"PersistenceList":   {`{"controlPlanes": {"etcd": {"persistence": []}}}`, []string{"spec.spaces.values.controlPlanes.etcd.persistence"}},
		"SeveralAtOnce":     {`{"controlPlanes": {"etcd": null, "vcluster": 1}}`, []string{"spec.spaces.values.controlPlanes.etcd", "spec.spaces.values.controlPlanes.vcluster"}},
		"ChangedIsFine":     {`{"controlPlanes": {"etcd": {"tolerations": [], "affinity": {}}, "ha": {"enabled": "true"}}}`, nil},
		"NewKeyNullIsFine":  {`{"controlPlanes": {"etcd": {"extraArgs": null}}}`, nil},
		"OutsideIsTheUsers": {`{"controller": {"prometheus": null}, "api": "x"}`, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			p.Spaces.Values = []byte(tc.values)
			_, err := Release(p, testDB(), clusterEnv())
			var got []string
			if ve := (*ValuesError)(nil); errors.As(err, &ve) {
				for _, e := range ve.Errs {
					got = append(got, e.Field)
				}
			} else if err != nil {
				t.Fatalf("Release: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Release: -want +got refused paths:\n%s", diff)
			}
		})
	}
}

// TestReleaseUserURL: a URL the user sets wins over the connection secret,
// so no set[] entry overrides it (set[] would win over values in Helm), and
// a database without an endpoint key is then fine.
func TestReleaseUserURL(t *testing.T) {
	p := testPlan()
	p.Spaces.Values = []byte(`{"apollo": {"apollo": {"storage": {"postgres": {"connection": {"url": "pg.internal:5432"}}}}}}`)
	db := testDB()
	db.EndpointKey = ""
	got := render(t, p, db, clusterEnv())
	if v, ok := at(got, "spec.forProvider.set"); ok {
		t.Errorf("set = %v, want none", v)
	}
	if v, _ := at(got, "spec.forProvider.values.apollo.apollo.storage.postgres.connection.url"); v != "pg.internal:5432" {
		t.Errorf("url = %v, want the user's", v)
	}
	if v, _ := at(got, "spec.forProvider.values.apollo.apollo.storage.postgres.connection.sslmode"); v != "require" {
		t.Errorf("sslmode = %v, want the computed one kept", v)
	}
}

// TestReleaseNumbersPassThrough: the user's numbers reach the Release as
// written, not rounded through float64.
func TestReleaseNumbersPassThrough(t *testing.T) {
	p := testPlan()
	p.Spaces.Values = []byte(`{"big": 12345678901234567890}`)
	r, err := Release(p, testDB(), clusterEnv())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r.Object)
	if !strings.Contains(string(b), `"big":12345678901234567890`) {
		t.Errorf("the user's number changed: %s", b)
	}
}

func TestReleaseErrors(t *testing.T) {
	cases := map[string]struct {
		plan func(*plan.Plan)
		db   func(*cloud.Database)
		env  cloud.Env
		want string
	}{
		"ValuesNotAnObject": {plan: func(p *plan.Plan) { p.Spaces.Values = []byte(`[1]`) }, env: clusterEnv(), want: "spec.spaces.values"},
		"ValuesNotJSON":     {plan: func(p *plan.Plan) { p.Spaces.Values = []byte(`{`) }, env: clusterEnv(), want: "spec.spaces.values"},
		"ValuesTrailing":    {plan: func(p *plan.Plan) { p.Spaces.Values = []byte(`{} {}`) }, env: clusterEnv(), want: "spec.spaces.values"},
		"NoEndpointKnown":   {db: func(d *cloud.Database) { d.EndpointKey = "" }, env: clusterEnv(), want: ErrEndpointPending.Error()},
		"NoSecretNamespace": {db: func(d *cloud.Database) { d.ConnectionSecret.Namespace = "" }, env: func() cloud.Env {
			e := clusterEnv()
			e.SecretNamespace = ""
			return e
		}(), want: "no namespace"},
		"NoEtcdPool":     {plan: func(p *plan.Plan) { p.Pools = p.Pools[1:] }, env: clusterEnv(), want: "pool"},
		"NoPlanDatabase": {plan: func(p *plan.Plan) { p.Database = nil }, env: clusterEnv(), want: "plan has none"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, db := testPlan(), testDB()
			if tc.plan != nil {
				tc.plan(p)
			}
			if tc.db != nil {
				tc.db(db)
			}
			_, err := Release(p, db, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Release() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestReleaseDeterministic: the same plan renders the same bytes, whatever
// the order Go iterates the merged maps in.
func TestReleaseDeterministic(t *testing.T) {
	p := testPlan()
	p.Spaces.Values = []byte(`{"z": 1, "a": {"y": 2, "b": 3}, "api": {"replicaCount": 4}}`)
	var first []byte
	for i := range 20 {
		r, err := Release(p, testDB(), clusterEnv())
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
			continue
		}
		if !bytes.Equal(b, first) {
			t.Fatalf("render %d differs:\n%s\n%s", i, b, first)
		}
	}
}

// TestReleaseDoesNotAlterPlan: rendering leaves the plan's values intact,
// so the owner may render again.
func TestReleaseDoesNotAlterPlan(t *testing.T) {
	p := testPlan()
	in := `{"api": {"replicaCount": 5}}`
	p.Spaces.Values = []byte(in)
	if _, err := Release(p, testDB(), clusterEnv()); err != nil {
		t.Fatal(err)
	}
	if string(p.Spaces.Values) != in {
		t.Errorf("plan values changed to %s", p.Spaces.Values)
	}
}

// TestReleaseUserControllerHAValuesWin: the user's controller replicas and
// PDB win; a user's maxUnavailable replaces the computed minAvailable (the
// chart takes one of them).
func TestReleaseUserControllerHAValuesWin(t *testing.T) {
	cases := map[string]struct {
		values string
		want   map[string]string // path -> JSON; "" means absent
	}{
		"Replicas": {
			values: `{"controller": {"replicaCount": 3}}`,
			want: map[string]string{
				"spec.forProvider.values.controller.replicaCount":                                `3`,
				"spec.forProvider.values.controller.controller.podDisruptionBudget.minAvailable": `1`,
			},
		},
		"MaxUnavailable": {
			values: `{"controller": {"controller": {"podDisruptionBudget": {"maxUnavailable": "50%"}}}}`,
			want: map[string]string{
				"spec.forProvider.values.controller.controller.podDisruptionBudget":              `{"enabled": true, "maxUnavailable": "50%"}`,
				"spec.forProvider.values.controller.controller.podDisruptionBudget.minAvailable": "",
			},
		},
		"BothAreTheUsers": {
			values: `{"controller": {"controller": {"podDisruptionBudget": {"maxUnavailable": 1, "minAvailable": 2}}}}`,
			want: map[string]string{
				"spec.forProvider.values.controller.controller.podDisruptionBudget": `{"enabled": true, "maxUnavailable": 1, "minAvailable": 2}`,
			},
		},
		"PDBOff": {
			values: `{"controller": {"controller": {"podDisruptionBudget": {"enabled": false}}}}`,
			want: map[string]string{
				"spec.forProvider.values.controller.controller.podDisruptionBudget.enabled": `false`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := testPlan()
			p.Spaces.Values = []byte(tc.values)
			got := render(t, p, testDB(), clusterEnv())
			for path, want := range tc.want {
				v, ok := at(got, path)
				if want == "" {
					if ok {
						t.Errorf("%s = %v, want it absent", path, v)
					}
					continue
				}
				if w := js(t, want); !ok || !reflect.DeepEqual(v, w) {
					t.Errorf("%s = %v, want %v", path, v, w)
				}
			}
		})
	}
}
