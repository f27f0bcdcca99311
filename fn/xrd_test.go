package fn_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/fn"
	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
	"github.com/crossplane-contrib/function-space-scaling/input/v1beta1"
	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// xrdFiles are the generated XRDs, by scope.
var xrdFiles = map[string]string{
	"cluster":    filepath.Join("..", "example", "xrd.yaml"),
	"namespaced": filepath.Join("..", "example", "namespaced", "xrd.yaml"),
}

const xrdMinimalXR = "xr-aws-minimal.yaml"

func xrdLoad(t *testing.T, scope string) *crdvalidate.XRD {
	t.Helper()
	x, err := crdvalidate.LoadXRD(xrdFiles[scope])
	if err != nil {
		t.Fatalf("cannot load the %s XRD: %v", scope, err)
	}
	return x
}

func xrdJSON(t *testing.T, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func xrdDecode(t *testing.T, m map[string]any) *spec.XSpaceScaling {
	t.Helper()
	xr, errs := spec.Decode(xrdJSON(t, m))
	if len(errs) > 0 {
		t.Fatalf("spec.Decode:%s", crdErrorList(errs))
	}
	return xr
}

// TestXRDDefaultsMatchGo checks that the XRD's structural defaults (what the
// API server stores) and the function's Go defaults agree on the minimal XR.
func TestXRDDefaultsMatchGo(t *testing.T) {
	for scope := range xrdFiles {
		t.Run(scope, func(t *testing.T) {
			x := xrdLoad(t, scope)
			raw := crdReadYAML(t, filepath.Join("..", "example", xrdMinimalXR))
			defaulted := crdReadYAML(t, filepath.Join("..", "example", xrdMinimalXR))
			x.Default(defaulted)
			if cmp.Equal(raw, defaulted) {
				t.Fatal("the XRD defaulted nothing in the minimal XR")
			}

			goDefaults := xrdDecode(t, raw).Spec

			// What the function sees of an XR the API server defaulted.
			t.Run("DecodeDefaulted", func(t *testing.T) {
				if diff := cmp.Diff(goDefaults, xrdDecode(t, defaulted).Spec); diff != "" {
					t.Errorf("spec.Decode(raw) -want, spec.Decode(XRD-defaulted) +got:\n%s", diff)
				}
			})
			// The schema's defaults alone, without the Go defaults under them:
			// a default the XRD lacks shows here.
			t.Run("SchemaDefaultsAlone", func(t *testing.T) {
				plain := &spec.XSpaceScaling{}
				if err := json.Unmarshal(xrdJSON(t, defaulted), plain); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(goDefaults, plain.Spec); diff != "" {
					t.Errorf("spec.Decode(raw) -want, XRD defaults alone +got:\n%s", diff)
				}
			})
		})
	}
}

// TestXRDExamplesValid checks every example XR against the XRD of its scope.
func TestXRDExamplesValid(t *testing.T) {
	xrds := map[string]*crdvalidate.XRD{}
	for scope := range xrdFiles {
		xrds[scope] = xrdLoad(t, scope)
	}
	for _, path := range crdExampleXRs(t) {
		t.Run(crdTestName(path), func(t *testing.T) {
			scope := "cluster"
			if filepath.Base(filepath.Dir(path)) == "namespaced" {
				scope = "namespaced"
			}
			if errs := xrds[scope].Validate(crdReadYAML(t, path)); len(errs) > 0 {
				t.Errorf("%s is invalid against the %s XRD:%s", path, scope, crdErrorList(errs))
			}
		})
	}
}

// goValidate validates an XR as fn.Compose does: decode over the Go
// defaults, apply its cloud's defaults, and check the cloud-neutral rules
// and the cloud's own (fn.Prepare).
func goValidate(t *testing.T, m map[string]any) field.ErrorList {
	t.Helper()
	_, errs := fn.Prepare(fn.Request{XR: xrdJSON(t, m), Input: &v1beta1.Input{}})
	return errs
}

func xrdHasPath(errs field.ErrorList, path string) bool {
	for _, e := range errs {
		if e.Field == path {
			return true
		}
	}
	return false
}

// TestXRDAndGoRejectAlike derives invalid XRs from the minimal one and
// checks that the XRD (schema and CEL, what the API server enforces) and the
// function's Go validation both reject each, at the same field path.
func TestXRDAndGoRejectAlike(t *testing.T) {
	x := xrdLoad(t, "cluster")
	type edit struct {
		path string
		v    any // nil deletes the field
	}
	azure := map[string]any{
		"resourceGroupName": "spaces",
		"clusterId":         "/subscriptions/s/resourceGroups/spaces/providers/Microsoft.ContainerService/managedClusters/spaces",
		"delegatedSubnetId": "/subscriptions/s/resourceGroups/spaces/providers/Microsoft.Network/virtualNetworks/v/subnets/db",
		"privateDnsZoneId":  "/subscriptions/s/resourceGroups/spaces/providers/Microsoft.Network/privateDnsZones/db.postgres.database.azure.com",
	}
	cases := map[string]struct {
		edits []edit
		path  string
		// drift, when set, names a known disagreement between the XRD
		// markers and spec.Validate: the case is skipped while it lasts.
		drift string
	}{
		"HAEtcdMinNodes2":            {edits: []edit{{"spec.nodePools.etcd.minNodes", 2}}, path: "spec.nodePools.etcd.minNodes"},
		"HAAPIServerMinNodes1":       {edits: []edit{{"spec.nodePools.apiServer.minNodes", 1}}, path: "spec.nodePools.apiServer.minNodes"},
		"MaxNodesBelowMinNodes":      {edits: []edit{{"spec.nodePools.controlPlanes.minNodes", 3}, {"spec.nodePools.controlPlanes.maxNodes", 2}}, path: "spec.nodePools.controlPlanes.maxNodes"},
		"RouterMaxBelowMin":          {edits: []edit{{"spec.spaces.router.minReplicas", 4}, {"spec.spaces.router.maxReplicas", 3}}, path: "spec.spaces.router.maxReplicas"},
		"RouterMaxBelowDefaultMin":   {edits: []edit{{"spec.spaces.router.maxReplicas", 1}}, path: "spec.spaces.router.maxReplicas"},
		"AWSWithoutAWSBlock":         {edits: []edit{{"spec.aws", nil}}, path: "spec.aws"},
		"QueryAPIWithoutSubnets":     {edits: []edit{{"spec.aws.databaseSubnetIds", nil}}, path: "spec.aws.databaseSubnetIds"},
		"QueryAPIWithoutSGs":         {edits: []edit{{"spec.aws.databaseSecurityGroupIds", nil}}, path: "spec.aws.databaseSecurityGroupIds"},
		"MinIOPS300":                 {edits: []edit{{"spec.queryAPI.postgres.minIOPS", 300}}, path: "spec.queryAPI.postgres.minIOPS"},
		"BackupRetentionDays40":      {edits: []edit{{"spec.queryAPI.postgres.backupRetentionDays", 40}}, path: "spec.queryAPI.postgres.backupRetentionDays"},
		"SixZones":                   {edits: []edit{{"spec.zones", []any{"a", "b", "c", "d", "e", "f"}}}, path: "spec.zones"},
		"NoZones":                    {edits: []edit{{"spec.zones", []any{}}}, path: "spec.zones"},
		"DuplicateZones":             {edits: []edit{{"spec.zones", []any{"us-east-1a", "us-east-1b", "us-east-1a"}}}, path: "spec.zones[2]"},
		"UnknownCloud":               {edits: []edit{{"spec.cloud", "oracle"}}, path: "spec.cloud"},
		"HAAPIReplicas1":             {edits: []edit{{"spec.spaces.apiReplicas", 1}}, path: "spec.spaces.apiReplicas"},
		"HAApolloReplicas1":          {edits: []edit{{"spec.spaces.apolloReplicas", 1}}, path: "spec.spaces.apolloReplicas"},
		"HARouterMinReplicas1":       {edits: []edit{{"spec.spaces.router.minReplicas", 1}}, path: "spec.spaces.router.minReplicas"},
		"NotASemver":                 {edits: []edit{{"spec.spaces.version", "latest"}}, path: "spec.spaces.version"},
		"NoVersion":                  {edits: []edit{{"spec.spaces.version", nil}}, path: "spec.spaces.version"},
		"NoRegion":                   {edits: []edit{{"spec.region", nil}}, path: "spec.region"},
		"DiskTooSmall":               {edits: []edit{{"spec.nodePools.etcd.diskSizeGiB", 10}}, path: "spec.nodePools.etcd.diskSizeGiB"},
		"PostgresVersion15":          {edits: []edit{{"spec.queryAPI.postgres.version", "15"}}, path: "spec.queryAPI.postgres.version"},
		"BadSubnetID":                {edits: []edit{{"spec.aws.databaseSubnetIds", []any{"subnet_0a"}}}, path: "spec.aws.databaseSubnetIds[0]"},
		"BadDelivery":                {edits: []edit{{"spec.delivery", "Email"}}, path: "spec.delivery"},
		"BadMonitoringFor":           {edits: []edit{{"spec.monitoring.for", "ten minutes"}}, path: "spec.monitoring.for"},
		"MonitoringForOutOfOrder":    {edits: []edit{{"spec.monitoring.for", "30m1h"}}, path: "spec.monitoring.for"},
		"BadAMIAlias":                {edits: []edit{{"spec.aws.amiAlias", "al2023"}}, path: "spec.aws.amiAlias"},
		"BadProviderConfigKind":      {edits: []edit{{"spec.providerConfigs.kind", "Secret"}}, path: "spec.providerConfigs.kind"},
		"ErrorRatePercent0":          {edits: []edit{{"spec.monitoring.errorRatePercent", 0}}, path: "spec.monitoring.errorRatePercent"},
		"RouterLatencySeconds0":      {edits: []edit{{"spec.monitoring.routerLatencySeconds", 0}}, path: "spec.monitoring.routerLatencySeconds"},
		"ControllerMemoryPercent101": {edits: []edit{{"spec.monitoring.controllerMemoryPercent", 101}}, path: "spec.monitoring.controllerMemoryPercent"},
		"NodePoolUsagePercent0":      {edits: []edit{{"spec.monitoring.nodePoolUsagePercent", 0}}, path: "spec.monitoring.nodePoolUsagePercent"},
		"BadControllerCPU":           {edits: []edit{{"spec.spaces.controllerResources.requests.cpu", "lots"}}, path: "spec.spaces.controllerResources.requests.cpu"},
		"BadNamespace":               {edits: []edit{{"spec.spaces.namespace", "Upbound"}}, path: "spec.spaces.namespace"},
		"HAEtcdMinNodes2NoQueryAPI":  {edits: []edit{{"spec.nodePools.etcd.minNodes", 2}, {"spec.queryAPI.enabled", false}}, path: "spec.nodePools.etcd.minNodes"},
		"CapacityControlPlanes0":     {edits: []edit{{"spec.capacity.controlPlanes", 0}}, path: "spec.capacity.controlPlanes"},
		"StorageGiBTooLarge":         {edits: []edit{{"spec.queryAPI.postgres.storageGiB", 40000}}, path: "spec.queryAPI.postgres.storageGiB"},
		"WrongTypeMinNodes":          {edits: []edit{{"spec.nodePools.etcd.minNodes", "three"}}, path: "spec.nodePools.etcd.minNodes"},
		"EmptyMachineType":           {edits: []edit{{"spec.nodePools.etcd.machineTypes", []any{""}}}, path: "spec.nodePools.etcd.machineTypes[0]"},
		"DuplicateMachineTypes":      {edits: []edit{{"spec.nodePools.etcd.machineTypes", []any{"m7i.large", "m7i.large"}}}, path: "spec.nodePools.etcd.machineTypes[1]"},
		"PasswordSecretNameUpper":    {edits: []edit{{"spec.queryAPI.postgres.passwordSecretName", "Secret"}}, path: "spec.queryAPI.postgres.passwordSecretName"},
		"TargetCPUUtilization0":      {edits: []edit{{"spec.spaces.router.targetCPUUtilizationPercentage", 0}}, path: "spec.spaces.router.targetCPUUtilizationPercentage"},
		"ManagedResourcesNegative":   {edits: []edit{{"spec.capacity.managedResourcesPerControlPlane", -1}}, path: "spec.capacity.managedResourcesPerControlPlane"},
		"EtcdVolumeSizeNotQuantity":  {edits: []edit{{"spec.spaces.etcdVolumeSize", "fifty"}}, path: "spec.spaces.etcdVolumeSize"},
		"ClusterNameEmpty":           {edits: []edit{{"spec.clusterName", ""}}, path: "spec.clusterName"},
		"NodeRoleTooLong":            {edits: []edit{{"spec.aws.nodeRole", strings.Repeat("r", 65)}}, path: "spec.aws.nodeRole"},
		"ProviderConfigCloudEmpty":   {edits: []edit{{"spec.providerConfigs.cloud", ""}}, path: "spec.providerConfigs.cloud"},
		"DegradedControlPlanesLarge": {edits: []edit{{"spec.monitoring.degradedControlPlanes", 10001}}, path: "spec.monitoring.degradedControlPlanes"},

		"EtcdVolumeBelow1Gi": {
			edits: []edit{{"spec.spaces.etcdVolumeSize", "512Mi"}}, path: "spec.spaces.etcdVolumeSize",
		},
		"RuleLabelBadKey": {
			edits: []edit{{"spec.monitoring.ruleLabels", map[string]any{"bad key!": "x"}}}, path: "spec.monitoring.ruleLabels",
		},
		"DashboardLabelBadValue": {
			edits: []edit{{"spec.monitoring.dashboard", map[string]any{"labels": map[string]any{"grafana_dashboard": "-1-"}}}}, path: "spec.monitoring.dashboard.labels",
		},
		"DashboardNamespaceUpperCase": {
			edits: []edit{{"spec.monitoring.dashboard", map[string]any{"namespace": "Monitoring"}}}, path: "spec.monitoring.dashboard.namespace",
		},
		"AzureZonesNotNumbers": {
			edits: []edit{{"spec.cloud", "azure"}, {"spec.aws", nil}, {"spec.azure", azure}, {"spec.zones", []any{"1", "eastus-2"}}}, path: "spec.zones",
		},
		"NoAccount":         {edits: []edit{{"spec.spaces.account", nil}}, path: "spec.spaces.account"},
		"AccountUpperCase":  {edits: []edit{{"spec.spaces.account", "Acme"}}, path: "spec.spaces.account"},
		"NoRouterHost":      {edits: []edit{{"spec.spaces.routerHost", nil}}, path: "spec.spaces.routerHost"},
		"RouterHostWithURL": {edits: []edit{{"spec.spaces.routerHost", "https://spaces.acme.example.com"}}, path: "spec.spaces.routerHost"},
		"ChartPullSecretWithoutName": {
			edits: []edit{{"spec.spaces.chartPullSecretRef", map[string]any{"namespace": "crossplane-system"}}}, path: "spec.spaces.chartPullSecretRef.name",
		},
		"ChartPullSecretBadNamespace": {
			edits: []edit{{"spec.spaces.chartPullSecretRef", map[string]any{"name": "pull", "namespace": "Crossplane"}}}, path: "spec.spaces.chartPullSecretRef.namespace",
		},
		// Upbound's chart repository refuses anonymous pulls.
		"NoChartPullSecretForTheDefaultRepository": {
			edits: []edit{{"spec.spaces.chartPullSecretRef", nil}}, path: "spec.spaces.chartPullSecretRef",
		},
		"NoChartPullSecretForTheDefaultRepositoryWritten": {
			edits: []edit{{"spec.spaces.chartPullSecretRef", nil}, {"spec.spaces.chartRepository", "oci://xpkg.upbound.io/spaces-artifacts/"}},
			path:  "spec.spaces.chartPullSecretRef",
		},
		"ExposureTypeNodePort":  {edits: []edit{{"spec.spaces.exposure", map[string]any{"type": "NodePort"}}}, path: "spec.spaces.exposure.type"},
		"ExposureSchemePrivate": {edits: []edit{{"spec.spaces.exposure", map[string]any{"scheme": "private"}}}, path: "spec.spaces.exposure.scheme"},
		"SourceRangeNotACIDR": {
			edits: []edit{{"spec.spaces.exposure", map[string]any{"loadBalancerSourceRanges": []any{"not-a-cidr"}}}},
			path:  "spec.spaces.exposure.loadBalancerSourceRanges[0]",
		},
		"SourceRangesOfAnIngress": {
			edits: []edit{{"spec.spaces.exposure", map[string]any{"type": "Ingress", "loadBalancerSourceRanges": []any{"203.0.113.0/24"}}}},
			path:  "spec.spaces.exposure.loadBalancerSourceRanges",
		},
		// Cloud SQL users cannot generate a password: rejected at admission.
		"GCPQueryAPIWithoutPassword": {
			edits: []edit{{"spec.cloud", "gcp"}, {"spec.aws", nil}, {"spec.gcp", map[string]any{"privateNetwork": "projects/p/global/networks/spaces"}}},
			path:  "spec.queryAPI.postgres.passwordSecretName",
		},
		// Cloud SQL's private IP peers with a VPC network, not a subnetwork.
		"GCPSubnetworkAsNetwork": {
			edits: []edit{{"spec.cloud", "gcp"}, {"spec.aws", nil}, {"spec.gcp", map[string]any{"privateNetwork": "projects/p/regions/r/subnetworks/spaces"}},
				{"spec.queryAPI.postgres.passwordSecretName", "pw"}},
			path: "spec.gcp.privateNetwork",
		},
		"GCPQueryAPIWithEmptyPassword": {
			edits: []edit{{"spec.cloud", "gcp"}, {"spec.aws", nil}, {"spec.gcp", map[string]any{"privateNetwork": "projects/p/global/networks/spaces"}},
				{"spec.queryAPI.postgres.passwordSecretName", ""}},
			path: "spec.queryAPI.postgres.passwordSecretName",
		},
		"PullSecretNameDoubleDot": {
			edits: []edit{{"spec.spaces.pullSecretName", "a..b"}}, path: "spec.spaces.pullSecretName",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := crdReadYAML(t, filepath.Join("..", "example", xrdMinimalXR))
			for _, e := range tc.edits {
				if e.v == nil {
					testutil.Set(m, e.path, nil)
					continue
				}
				testutil.Set(m, e.path, e.v)
			}

			xrdErrs := x.Validate(m)
			goErrs := goValidate(t, m)
			if tc.drift != "" {
				if xrdHasPath(xrdErrs, tc.path) && xrdHasPath(goErrs, tc.path) {
					t.Logf("the drift %q is gone: drop the note", tc.drift)
				} else {
					t.Skipf("known drift: %s\nXRD:%s\nGo:%s", tc.drift, crdErrorList(xrdErrs), crdErrorList(goErrs))
				}
			}
			if !xrdHasPath(xrdErrs, tc.path) {
				t.Errorf("the XRD does not reject %s at %s; it says:%s", name, tc.path, crdErrorList(xrdErrs))
			}
			if !xrdHasPath(goErrs, tc.path) {
				t.Errorf("the Go validation does not reject %s at %s; it says:%s", name, tc.path, crdErrorList(goErrs))
			}
			// fn.Compose must refuse it too, whatever check catches it.
			if _, errs := fn.Compose(fn.Request{XR: xrdJSON(t, m), Input: &v1beta1.Input{}}); len(errs) == 0 {
				t.Errorf("fn.Compose accepts %s", name)
			}
		})
	}
}

// TestXRDAcceptsAMirrorWithoutChartPullSecret: only Upbound's repository
// needs the chart pull secret; a mirror may be public.
func TestXRDAcceptsAMirrorWithoutChartPullSecret(t *testing.T) {
	x := xrdLoad(t, "cluster")
	m := crdReadYAML(t, filepath.Join("..", "example", xrdMinimalXR))
	testutil.Set(m, "spec.spaces.chartPullSecretRef", nil)
	testutil.Set(m, "spec.spaces.chartRepository", "oci://registry.example.com/spaces-artifacts")
	if errs := x.Validate(m); len(errs) > 0 {
		t.Errorf("the XRD rejects a mirror without chartPullSecretRef:%s", crdErrorList(errs))
	}
	if errs := goValidate(t, m); len(errs) > 0 {
		t.Errorf("Go rejects a mirror without chartPullSecretRef:%s", crdErrorList(errs))
	}
}

// TestXRDAcceptsGCPWithoutQueryAPIPassword: the GCP password rule applies
// only while the Query API is on.
func TestXRDAcceptsGCPWithoutQueryAPIPassword(t *testing.T) {
	x := xrdLoad(t, "cluster")
	m := crdReadYAML(t, filepath.Join("..", "example", xrdMinimalXR))
	testutil.Set(m, "spec.cloud", "gcp")
	testutil.Set(m, "spec.aws", nil)
	testutil.Set(m, "spec.gcp", map[string]any{"privateNetwork": "projects/p/global/networks/spaces"})
	testutil.Set(m, "spec.queryAPI", map[string]any{"enabled": false})
	if errs := x.Validate(m); len(errs) > 0 {
		t.Errorf("the XRD rejects GCP with the Query API off:%s", crdErrorList(errs))
	}
	if errs := goValidate(t, m); len(errs) > 0 {
		t.Errorf("Go rejects GCP with the Query API off:%s", crdErrorList(errs))
	}
}
