package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const minimal = `{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","metadata":{"name":"x"},
"spec":{"cloud":"aws","region":"us-east-1","zones":["a","b","c"],"clusterName":"c","spaces":{"version":"1.17.1","account":"acme","routerHost":"spaces.acme.example.com","chartPullSecretRef":{"name":"pull"}},
"aws":{"databaseSubnetIds":["subnet-1"],"databaseSecurityGroupIds":["sg-1"]}}}`

func TestDecodeAppliesDefaults(t *testing.T) {
	xr, errs := Decode([]byte(minimal))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := Defaults()
	want.Cloud, want.Region, want.Zones, want.ClusterName = CloudAWS, "us-east-1", []string{"a", "b", "c"}, "c"
	want.Spaces.Version = "1.17.1"
	want.Spaces.Account, want.Spaces.RouterHost = "acme", "spaces.acme.example.com"
	want.Spaces.ChartPullSecretRef = &ChartPullSecretRef{Name: "pull", Namespace: DefaultChartPullSecretNS}
	want.AWS = &AWS{AMIAlias: DefaultAMIAlias, DatabaseSubnetIDs: []string{"subnet-1"}, DatabaseSecurityGroupIDs: []string{"sg-1"}}
	want.Monitoring.Dashboard.Labels = map[string]LabelValue{DefaultDashboardLabel: DefaultDashboardLabelValue}
	if diff := cmp.Diff(want, xr.Spec); diff != "" {
		t.Errorf("Decode: -want +got:\n%s", diff)
	}
}

func TestDecodeKeepsExplicitFalse(t *testing.T) {
	xr, errs := Decode([]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{"highAvailability":false,"queryAPI":{"enabled":false}}}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if xr.Spec.HighAvailability || xr.Spec.QueryAPI.Enabled {
		t.Error("an explicit false must not be defaulted to true")
	}
	if xr.Spec.QueryAPI.Postgres.MinIOPS != DefaultMinIOPS {
		t.Error("defaults of sibling fields must survive")
	}
}

// TestDecodeDashboardLabels: the dashboard's labels default only when the
// XR leaves them out, as the XRD's default does; labels the XR sets replace
// the default rather than merge with it.
func TestDecodeDashboardLabels(t *testing.T) {
	cases := map[string]struct {
		monitoring string
		want       map[string]LabelValue
	}{
		"Absent": {`{}`, map[string]LabelValue{DefaultDashboardLabel: DefaultDashboardLabelValue}},
		"Set":    {`{"dashboard":{"labels":{"dashboards":"spaces"}}}`, map[string]LabelValue{"dashboards": "spaces"}},
		"Empty":  {`{"dashboard":{"labels":{}}}`, map[string]LabelValue{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(minimal, `"spec":{`, `"spec":{"monitoring":`+tc.monitoring+`,`, 1)
			xr, errs := Decode([]byte(doc))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(tc.want, xr.Spec.Monitoring.Dashboard.Labels); diff != "" {
				t.Errorf("labels -want +got:\n%s", diff)
			}
		})
	}
}

// TestDecodeNamesEveryTypeError: several values of the wrong type are all
// named, not only the first encoding/json meets.
func TestDecodeNamesEveryTypeError(t *testing.T) {
	xr := `{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{
"zones":"us-east-1a","capacity":{"controlPlanes":"ten"},"highAvailability":"yes",
"monitoring":{"ruleLabels":{"app.kubernetes.io/name":5}}}}`
	_, errs := Decode([]byte(xr))
	want := field.ErrorList{
		field.TypeInvalid(field.NewPath("spec.zones"), "string", "must be of type array"),
		field.TypeInvalid(field.NewPath("spec.highAvailability"), "string", "must be of type boolean"),
		field.TypeInvalid(field.NewPath("spec.capacity.controlPlanes"), "string", "must be of type integer"),
		field.TypeInvalid(field.NewPath("spec.monitoring.ruleLabels"), "number", "must be of type string"),
	}
	if diff := cmp.Diff(want, errs, cmpopts.SortSlices(func(a, b *field.Error) bool { return a.Field < b.Field })); diff != "" {
		t.Errorf("Decode: -want +got:\n%s", diff)
	}
}

// TestDecodeRefusesOtherKinds: an XR of another kind, group or version is
// refused, not composed as if it were an XSpaceScaling.
func TestDecodeRefusesOtherKinds(t *testing.T) {
	cases := map[string]struct {
		apiVersion, kind string
		want             []string
	}{
		"OtherKind":    {"spacescaling.crossplane.io/v1alpha1", "XNetwork", []string{"kind"}},
		"OtherGroup":   {"example.org/v1alpha1", "XSpaceScaling", []string{"apiVersion"}},
		"OtherVersion": {"spacescaling.crossplane.io/v2", "XSpaceScaling", []string{"apiVersion"}},
		"Neither":      {"", "", []string{"apiVersion", "kind"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(strings.Replace(minimal, "spacescaling.crossplane.io/v1alpha1", tc.apiVersion, 1), `"XSpaceScaling"`, `"`+tc.kind+`"`, 1)
			_, errs := Decode([]byte(doc))
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Decode: -want +got field paths:\n%s", diff)
			}
		})
	}
}

// TestDecodeMissingComposite: a request without an observed composite says
// so, instead of naming spec.cloud as if the XR had left it out.
func TestDecodeMissingComposite(t *testing.T) {
	for _, doc := range []string{`{}`, `null`} {
		_, errs := Decode([]byte(doc))
		if len(errs) != 1 || errs[0].Field != "observed.composite" {
			t.Errorf("Decode(%s): want one error on observed.composite, got %v", doc, errs)
		}
	}
}

func TestApplyCloudDefaults(t *testing.T) {
	xr, _ := Decode([]byte(minimal))
	s := xr.Spec
	ApplyCloudDefaults(&s, CloudDefaults{EtcdMachineTypes: []string{"e"}, APIServerMachineTypes: []string{"a"}, ControlPlanesMachineTypes: []string{"c"}, InstanceSize: "db"})
	got := []any{s.NodePools.Etcd.MachineTypes, s.NodePools.APIServer.MachineTypes, s.NodePools.ControlPlanes.MachineTypes,
		s.QueryAPI.Postgres.InstanceSize, *s.QueryAPI.Postgres.HighAvailability}
	want := []any{[]string{"e"}, []string{"a"}, []string{"c"}, "db", true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyCloudDefaults: -want +got:\n%s", diff)
	}
}

const chartPullSecretDetail = "is required for the chart repository oci://xpkg.upbound.io/spaces-artifacts, which refuses anonymous pulls: name a Secret with the keys username and password where provider-helm runs"

const forDetail = "must be a Prometheus duration, e.g. 10m or 1h30m (units y, w, d, h, m, s, ms, largest first)"

// TestValidate has one case per rule of the API; the corpus in
// fn/testdata/invalid.yaml covers the same rules through RunFunction.
func TestValidate(t *testing.T) {
	cases := map[string]struct {
		edit func(s *Spec)
		want field.ErrorList
	}{
		"Valid": {func(*Spec) {}, nil},
		"EtcdHA": {func(s *Spec) { s.NodePools.Etcd.MinNodes = 2 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "etcd", "minNodes"), int32(2), "must be at least 3 when highAvailability is true")}},
		"EtcdWithoutHA": {func(s *Spec) { s.HighAvailability = false; s.NodePools.Etcd.MinNodes = 1 }, nil},
		"APIServerHA": {func(s *Spec) { s.NodePools.APIServer.MinNodes = 1 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "apiServer", "minNodes"), int32(1), "must be at least 2 when highAvailability is true")}},
		"MaxBelowMin": {func(s *Spec) { s.NodePools.ControlPlanes.MaxNodes = 2 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "nodePools", "controlPlanes", "maxNodes"), int32(2), "must be 0 (computed) or at least minNodes")}},
		"ZonesDuplicate": {func(s *Spec) { s.Zones = []string{"a", "a"} },
			field.ErrorList{field.Duplicate(field.NewPath("spec", "zones").Index(1), "a")}},
		"RouterMaxBelowMin": {func(s *Spec) { s.Spaces.Router.MaxReplicas = 1 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "router", "maxReplicas"), int32(1), "must be at least minReplicas")}},
		"MinIOPS": {func(s *Spec) { s.QueryAPI.Postgres.MinIOPS = 100 },
			field.ErrorList{field.Invalid(field.NewPath("spec", "queryAPI", "postgres", "minIOPS"), int32(100), "must be at least 400 (the Query API's requirement)")}},
		"InstanceSize64": {func(s *Spec) { s.QueryAPI.Postgres.InstanceSize = strings.Repeat("d", 64) }, nil},
		"InstanceSize65": {func(s *Spec) { s.QueryAPI.Postgres.InstanceSize = strings.Repeat("d", 65) },
			field.ErrorList{field.TooLong(field.NewPath("spec", "queryAPI", "postgres", "instanceSize"), "", 64)}},
		"ForPrometheusDuration": {func(s *Spec) { s.Monitoring.For = "1h30m" }, nil},
		"ForZero":               {func(s *Spec) { s.Monitoring.For = "0" }, nil},
		"ForUnitsOutOfOrder": {func(s *Spec) { s.Monitoring.For = "30m1h" },
			field.ErrorList{field.Invalid(field.NewPath("spec", "monitoring", "for"), "30m1h", forDetail)}},
		"ForUnitTwice": {func(s *Spec) { s.Monitoring.For = "5m10m" },
			field.ErrorList{field.Invalid(field.NewPath("spec", "monitoring", "for"), "5m10m", forDetail)}},
		"RuleLabelValue": {func(s *Spec) { s.Monitoring.RuleLabels = map[string]LabelValue{"release": "kube prometheus"} },
			field.ErrorList{field.Invalid(field.NewPath("spec", "monitoring", "ruleLabels"), LabelValue("kube prometheus"),
				"value of release: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")}},
		// provider-helm pulls anonymously without chart.pullSecretRef, and
		// Upbound's repository refuses that: required there, not elsewhere.
		"ChartPullSecretRequiredForTheDefaultRepository": {func(s *Spec) { s.Spaces.ChartPullSecretRef = nil },
			field.ErrorList{field.Required(field.NewPath("spec", "spaces", "chartPullSecretRef"), chartPullSecretDetail)}},
		"ChartPullSecretRequiredWithTrailingSlash": {func(s *Spec) {
			s.Spaces.ChartPullSecretRef = nil
			s.Spaces.ChartRepository = DefaultChartRepository + "/"
		}, field.ErrorList{field.Required(field.NewPath("spec", "spaces", "chartPullSecretRef"), chartPullSecretDetail)}},
		"ChartPullSecretOptionalForAMirror": {func(s *Spec) {
			s.Spaces.ChartPullSecretRef = nil
			s.Spaces.ChartRepository = "oci://registry.example.com/spaces-artifacts"
		}, nil},
		"SourceRanges": {func(s *Spec) { s.Spaces.Exposure.LoadBalancerSourceRanges = []CIDR{"203.0.113.0/24", "2001:db8::/32"} }, nil},
		"SourceRangeNotACIDR": {func(s *Spec) { s.Spaces.Exposure.LoadBalancerSourceRanges = []CIDR{"203.0.113.7"} },
			field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "exposure", "loadBalancerSourceRanges").Index(0), CIDR("203.0.113.7"), "must be a CIDR, e.g. 203.0.113.0/24")}},
		"SourceRangeWithHostBits": {func(s *Spec) { s.Spaces.Exposure.LoadBalancerSourceRanges = []CIDR{"203.0.113.7/24"} },
			field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "exposure", "loadBalancerSourceRanges").Index(0), CIDR("203.0.113.7/24"), "must be a network address: 203.0.113.0/24")}},
		"SourceRangesOfAnIngress": {func(s *Spec) {
			s.Spaces.Exposure.Type = ExposureIngress
			s.Spaces.Exposure.LoadBalancerSourceRanges = []CIDR{"203.0.113.0/24"}
		}, field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "exposure", "loadBalancerSourceRanges"), 1, "is read only when type is LoadBalancer")}},
		"ExposureType": {func(s *Spec) { s.Spaces.Exposure.Type = "NodePort" },
			field.ErrorList{field.NotSupported(field.NewPath("spec", "spaces", "exposure", "type"), ExposureType("NodePort"), []ExposureType{ExposureLoadBalancer, ExposureGatewayAPI, ExposureIngress, ExposureNone})}},
		"IngressLabelValue": {func(s *Spec) {
			s.Spaces.Exposure.Type = ExposureIngress
			s.Spaces.Exposure.Ingress = &IngressExposure{PodLabels: map[string]string{"app": "not a label"}}
		}, field.ErrorList{field.Invalid(field.NewPath("spec", "spaces", "exposure", "ingress", "podLabels").Key("app"), "not a label",
			"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")}},
		// The cloud's own rules are its package's: spec ignores the blocks.
		"CloudBlocksAreTheClouds": {func(s *Spec) { s.Cloud = CloudGCP; s.AWS.DatabaseSubnetIDs = nil; s.Zones = []string{"1", "eastus-2"} }, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr, _ := Decode([]byte(minimal))
			s := xr.Spec
			ApplyCloudDefaults(&s, CloudDefaults{EtcdMachineTypes: []string{"m"}, APIServerMachineTypes: []string{"m"}, ControlPlanesMachineTypes: []string{"m"}})
			tc.edit(&s)
			if diff := cmp.Diff(tc.want, Validate(&s)); diff != "" {
				t.Errorf("Validate: -want +got:\n%s", diff)
			}
		})
	}
}

// TestDecodeDefaultsChartPullSecretNamespace fills the namespace inside the
// optional chartPullSecretRef, as the XRD's default does.
func TestDecodeDefaultsChartPullSecretNamespace(t *testing.T) {
	xr, errs := Decode([]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{"spaces":{"chartPullSecretRef":{"name":"upbound-chart-pull"}}}}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := &ChartPullSecretRef{Name: "upbound-chart-pull", Namespace: DefaultChartPullSecretNS}
	if diff := cmp.Diff(want, xr.Spec.Spaces.ChartPullSecretRef); diff != "" {
		t.Errorf("chartPullSecretRef: -want +got:\n%s", diff)
	}
	xr, errs = Decode([]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{}}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if xr.Spec.Spaces.ChartPullSecretRef != nil {
		t.Error("no chartPullSecretRef must stay none: provider-helm then uses its default credentials")
	}
}
