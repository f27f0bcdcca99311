package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// fakeCatalog holds machines with the numbers the clouds' catalogs supply
// for them (pinned in each cloud's own tests).
type fakeCatalog map[string]Machine

func (c fakeCatalog) Machine(t string) (Machine, bool) { m, ok := c[t]; return m, ok }

var catalog = fakeCatalog{
	// EBS CSI driver: 32 dedicated attachments, minus the root volume.
	// VPC CNI: 58 pods.
	"m7i.2xlarge": {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 31, MaxPods: 58},
	"m7i.4xlarge": {VCPU: 16, MemoryMiB: 64 << 10, MaxVolumes: 31, MaxPods: 234},
	// Shared: 27 attachments - 4 ENIs - the root volume = 22.
	"m6i.2xlarge": {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 22, MaxPods: 58},
}

func testSpec(controlPlanes int32, ha bool) *spec.Spec {
	s := spec.Defaults()
	s.Cloud, s.Region, s.Zones, s.ClusterName = spec.CloudAWS, "us-east-1", []string{"a", "b", "c"}, "c"
	s.HighAvailability = ha
	s.Capacity.ControlPlanes = controlPlanes
	s.Capacity.ManagedResourcesPerControlPlane = 100
	s.NodePools.Etcd.MachineTypes = []string{"m7i.2xlarge"}
	s.NodePools.APIServer.MachineTypes = []string{"m7i.2xlarge"}
	s.NodePools.ControlPlanes.MachineTypes = []string{"m7i.4xlarge"}
	return &s
}

func poolCap(t *testing.T, p *Plan, r Role) PoolCapacity {
	t.Helper()
	for _, pc := range p.Capacity.Pools {
		if pc.Role == r {
			return pc
		}
	}
	t.Fatalf("no pool %s", r)
	return PoolCapacity{}
}

// TestEtcdVolumeLimitBinds sizes a one-zone Space (no zone shares): each
// dimension by the pool's total.
func TestEtcdVolumeLimitBinds(t *testing.T) {
	s := testSpec(120, true)
	s.Zones = []string{"a"}
	p, errs := Build("x", s, catalog)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	want := []Need{
		// 120 x 3 x 170m x 1.2 = 73,440m over 7,200m allocatable: 10.2 -> 11.
		{Dimension: DimensionCPU, Demand: 73440, PerNode: 7200, MachineType: "m7i.2xlarge", Nodes: 11},
		// 120 x 3 x 350Mi x 1.2 = 151,200Mi over 29,491.2Mi: 5.1 -> 6.
		{Dimension: DimensionMemory, Demand: 151200 << 20, PerNode: (32 << 30) * 9 / 10, MachineType: "m7i.2xlarge", Nodes: 6},
		// 120 x 3 = 360 etcd volumes, 31 per node: 11.6 -> 12.
		{Dimension: DimensionVolumes, Demand: 360, PerNode: 31, MachineType: "m7i.2xlarge", Nodes: 12},
		// 360 etcd pods, 58 - 6 DaemonSet slots = 52 per node: 6.9 -> 7.
		{Dimension: DimensionPods, Demand: 360, PerNode: 52, MachineType: "m7i.2xlarge", Nodes: 7},
		{Dimension: DimensionMinNodes, Demand: 3, PerNode: 1, Nodes: 3},
	}
	if diff := cmp.Diff(want, pc.Needs); diff != "" {
		t.Errorf("needs: -want +got:\n%s", diff)
	}
	if pc.Binding != DimensionVolumes || pc.Needed != 12 || pc.MaxNodes != 12 || !pc.Computed {
		t.Errorf("binding %s, needed %d, maxNodes %d, computed %v; want volumes, 12, 12, true", pc.Binding, pc.Needed, pc.MaxNodes, pc.Computed)
	}
	if got := p.Pool(RoleEtcd).MaxNodes; got != 12 {
		t.Errorf("etcd pool maxNodes = %d, want 12", got)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("unexpected warnings: %v", p.Warnings)
	}
}

func TestEtcdWithoutHA(t *testing.T) {
	p, errs := Build("x", testSpec(120, false), catalog)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	// 120 members over 3 zones, 40 a zone: 40 volumes / 31 = 1.3 -> 2 a
	// zone, 6 in all; CPU 40 x 170m x 1.2 = 8,160m / 7,200m = 1.1 -> 2 a
	// zone, 6. CPU comes first in a tie.
	if pc.need(DimensionVolumes).Nodes != 6 || pc.Needed != 6 || pc.Binding != DimensionCPU {
		t.Errorf("volumes %d, needed %d, binding %s; want 6, 6, cpu", pc.need(DimensionVolumes).Nodes, pc.Needed, pc.Binding)
	}
}

func TestMostRestrictiveMachineType(t *testing.T) {
	s := testSpec(120, true)
	s.NodePools.Etcd.MachineTypes = []string{"m7i.2xlarge", "m6i.2xlarge"}
	p, errs := Build("x", s, catalog)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	// 120 volumes a zone / 22 on m6i.2xlarge (shared attachments) = 5.5
	// -> 6 a zone, 18 in all.
	if n := pc.need(DimensionVolumes); n.Nodes != 18 || n.MachineType != "m6i.2xlarge" || pc.MaxNodes != 18 || pc.MachineType != "m6i.2xlarge" {
		t.Errorf("volumes need %+v, maxNodes %d, machine %s; want 18 nodes of m6i.2xlarge", n, pc.MaxNodes, pc.MachineType)
	}
}

func TestUserMaxNodesBelowNeed(t *testing.T) {
	s := testSpec(120, true)
	s.NodePools.Etcd.MaxNodes = 5
	p, errs := Build("x", s, catalog)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	if pc.MaxNodes != 5 || pc.Computed || pc.Shortfall() != 7 || p.Pool(RoleEtcd).MaxNodes != 5 {
		t.Errorf("maxNodes %d computed %v shortfall %d; want 5 (as asked), false, 7", pc.MaxNodes, pc.Computed, pc.Shortfall())
	}
	want := []string{"spec.nodePools.etcd.maxNodes is 5, below the 12 nodes the capacity plan needs (cpu binds: 73440m CPU, 24480m per zone, 7200m per m7i.2xlarge node: 3 zones x 4): 7 nodes short; pods beyond 5 nodes stay Pending"}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings: -want +got:\n%s", diff)
	}
}

func TestUserMaxNodesAtNeedNoWarning(t *testing.T) {
	s := testSpec(120, true)
	s.NodePools.Etcd.MaxNodes = 12
	p, errs := Build("x", s, catalog)
	if len(errs) > 0 || len(p.Warnings) > 0 {
		t.Errorf("errs %v warnings %v; want none", errs, p.Warnings)
	}
}

func TestNoSilentCap(t *testing.T) {
	// 10,000 control planes: the API server pool's 20,000 pods put 6,667
	// in each of 3 zones: 6,667 x 1320Mi x 1.2 / 29,491.2Mi = 358.1 -> 359
	// a zone, 1,077 nodes; the general pool needs 10,000 x 875m x 1.2 /
	// 14,400m = 730 (requests). 1,077 is above the 1,000 a pool can have.
	_, errs := Build("x", testSpec(10000, true), catalog)
	if len(errs) != 1 {
		t.Fatalf("errs = %v, want one", errs)
	}
	got := errs[0].Error()
	want := "spec.capacity.controlPlanes: Invalid value: 10000: the apiServer pool would need 1077 nodes (memory binds: 31680000Mi, 10560528Mi per zone, 29492Mi per m7i.2xlarge node: 3 zones x 359), above the 1000 nodes a pool can have: lower it, or list larger machine types in spec.nodePools.apiServer.machineTypes"
	if got != want {
		t.Errorf("error:\n got %s\nwant %s", got, want)
	}
}

func TestUnknownMachineTypes(t *testing.T) {
	t.Run("AllUnknownAsksForMaxNodes", func(t *testing.T) {
		s := testSpec(10, true)
		s.NodePools.Etcd.MachineTypes = []string{"x9.huge"}
		_, errs := Build("x", s, catalog)
		if len(errs) != 1 || errs[0].Field != "spec.nodePools.etcd.maxNodes" {
			t.Errorf("errs = %v, want one on spec.nodePools.etcd.maxNodes", errs)
		}
	})
	t.Run("SomeUnknownSizesForTheKnownAndWarns", func(t *testing.T) {
		s := testSpec(120, true)
		s.NodePools.Etcd.MachineTypes = []string{"x9.huge", "m7i.2xlarge"}
		p, errs := Build("x", s, catalog)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if pc := poolCap(t, p, RoleEtcd); pc.MaxNodes != 12 {
			t.Errorf("maxNodes = %d, want 12", pc.MaxNodes)
		}
		if len(p.Warnings) != 1 || !strings.HasPrefix(p.Warnings[0], "spec.nodePools.etcd.machineTypes lists machine types the function's catalog does not know (x9.huge)") {
			t.Errorf("warnings = %v", p.Warnings)
		}
	})
}

func TestValuesQuantities(t *testing.T) {
	cases := map[string]struct {
		values string
		field  string
	}{
		// 1e30 cores would overflow int64 millicores.
		"OverflowCPU":    {`{"controlPlanes":{"etcd":{"resources":{"requests":{"cpu":"1e30"}}}}}`, "spec.spaces.values.controlPlanes.etcd.resources.requests.cpu"},
		"OverflowNumber": {`{"controlPlanes":{"vcluster":{"resources":{"requests":{"memory":1e40}}}}}`, "spec.spaces.values.controlPlanes.vcluster.resources.requests.memory"},
		// 64Gi cannot fit a 32GiB m7i.2xlarge node (29,491Mi allocatable).
		"DoesNotFit": {`{"controlPlanes":{"etcd":{"resources":{"requests":{"memory":"64Gi"}}}}}`, "spec.spaces.values.controlPlanes.etcd.resources.requests.memory"},
		// The chart pods of the general pool: requests, replicas, switches.
		"ChartPodReplicas": {`{"controlPlanes":{"vector":{"replicas":"two"}}}`, "spec.spaces.values.controlPlanes.vector.replicas"},
		"ChartPodFraction": {`{"controlPlanes":{"uxp":{"xgql":{"replicas":1.5}}}}`, "spec.spaces.values.controlPlanes.uxp.xgql.replicas"},
		"ChartPodEnabled":  {`{"controlPlanes":{"vector":{"enabled":"no"}}}`, "spec.spaces.values.controlPlanes.vector.enabled"},
		"ChartPodRequests": {`{"controlPlanes":{"coredns":{"resources":{"requests":{"cpu":"lots"}}}}}`, "spec.spaces.values.controlPlanes.coredns.resources.requests.cpu"},
		// 100 Vector pods of 20 cores each: 2,000 cores a control plane.
		"ChartPodsTooLarge":   {`{"controlPlanes":{"vector":{"replicas":100,"resources":{"requests":{"cpu":"20"}}}}}`, "spec.spaces.values.controlPlanes"},
		"ChartPodNotAnObject": {`{"controlPlanes":{"uxp":{"resourcesRBACManager":{"requests":5}}}}`, "spec.spaces.values.controlPlanes.uxp.resourcesRBACManager.requests"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := testSpec(10, true)
			s.Spaces.Values = &apiextensionsv1.JSON{Raw: []byte(tc.values)}
			_, errs := Build("x", s, catalog)
			if len(errs) != 1 || errs[0].Field != tc.field {
				t.Errorf("errs = %v, want one on %s", errs, tc.field)
			}
		})
	}
}

func TestEtcdVolumeGiB(t *testing.T) {
	for size, want := range map[string]int64{"50Gi": 50, "5Gi": 5, "1500Mi": 2, "100G": 94, "": 0, "x": 0} {
		if got := (Spaces{EtcdVolumeSize: size}).EtcdVolumeGiB(); got != want {
			t.Errorf("EtcdVolumeGiB(%q) = %d, want %d", size, got, want)
		}
	}
}

// A cloud that caps a node's total disk throughput supplies fewer volumes
// per node than attachments, and says why; the plan sizes by it and
// reports the limit with the need.
func TestVolumeLimitFromNodeDiskBudget(t *testing.T) {
	cat := fakeCatalog{
		"m7i.2xlarge": catalog["m7i.2xlarge"],
		"m7i.4xlarge": catalog["m7i.4xlarge"],
		// A VM as the Azure catalog would supply one whose uncached budget
		// (hypothetical: 800 IOPS) serves a single etcd member's 500 IOPS.
		"vm8": {VCPU: 8, MemoryMiB: 32 << 10, MaxVolumes: 1, VolumeLimit: "uncached disk IOPS: 800 per VM / 500 per etcd member", MaxPods: 110},
	}
	s := testSpec(10, true)
	s.NodePools.Etcd.MachineTypes = []string{"vm8"}
	s.NodePools.Etcd.MaxNodes = 20
	p, errs := Build("x", s, cat)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	// 10 x 3 = 30 volumes, 1 per node: 30 nodes, above every other need.
	// 10 x 3 = 30 volumes, 10 per zone, 1 per node: 3 zones x 10.
	want := Need{Dimension: DimensionVolumes, Demand: 30, PerNode: 1, MachineType: "vm8", Nodes: 30, Zones: 3, ZoneDemand: 10, NodesPerZone: 10, Limit: "uncached disk IOPS: 800 per VM / 500 per etcd member"}
	if diff := cmp.Diff(want, pc.need(DimensionVolumes)); diff != "" {
		t.Errorf("volumes need: -want +got:\n%s", diff)
	}
	if pc.Binding != DimensionVolumes || pc.Needed != 30 {
		t.Errorf("binding %s needed %d; want volumes, 30", pc.Binding, pc.Needed)
	}
	wantWarn := []string{"spec.nodePools.etcd.maxNodes is 20, below the 30 nodes the capacity plan needs (volumes bind: 30 volumes, 10 per zone, 1 per vm8 node by uncached disk IOPS: 800 per VM / 500 per etcd member: 3 zones x 10): 10 nodes short; pods beyond 20 nodes stay Pending"}
	if diff := cmp.Diff(wantWarn, p.Warnings); diff != "" {
		t.Errorf("warnings: -want +got:\n%s", diff)
	}
}

// TestPoolsSizedPerZone: etcd members and API servers spread over zones,
// and an autoscaler adds a node in the zone whose pod is pending, so each
// zone needs nodes for its own share, in every dimension: zones x
// ceil(share / per node), not ceil(total / per node).
func TestPoolsSizedPerZone(t *testing.T) {
	cases := map[string]struct {
		controlPlanes int32
		ha            bool
		zones         []string
		role          Role
		// want per dimension: nodes, nodes per zone (0: sized by total).
		want    map[Dimension][2]int64
		needed  int64
		binding Dimension
	}{
		// example/xr-aws.yaml's 50 HA control planes: 150 etcd members, 50
		// a zone. Volumes: 50 / 31 = 1.6 -> 2 a zone, 6 (the total, 150 /
		// 31 = 4.8 -> 5, leaves a zone a node short). CPU: 50 x 170m x 1.2
		// = 10,200m / 7,200m -> 2 a zone, 6 (total: 30,600m -> 5).
		"Etcd50HA3Zones": {50, true, []string{"a", "b", "c"}, RoleEtcd, map[Dimension][2]int64{
			DimensionCPU: {6, 2}, DimensionMemory: {3, 1}, DimensionVolumes: {6, 2}, DimensionPods: {3, 1}, DimensionMinNodes: {3, 0},
		}, 6, DimensionCPU},
		// One zone: by the total, as before.
		"Etcd50HA1Zone": {50, true, []string{"a"}, RoleEtcd, map[Dimension][2]int64{
			DimensionCPU: {5, 0}, DimensionMemory: {3, 0}, DimensionVolumes: {5, 0}, DimensionPods: {3, 0}, DimensionMinNodes: {3, 0},
		}, 5, DimensionCPU},
		// 2 zones: 75 members a zone: 75 / 31 -> 3 a zone, 6; memory 75 x
		// 350Mi x 1.2 = 31,500Mi -> 2 a zone, 4.
		"Etcd50HA2Zones": {50, true, []string{"a", "b"}, RoleEtcd, map[Dimension][2]int64{
			DimensionCPU: {6, 3}, DimensionMemory: {4, 2}, DimensionVolumes: {6, 3}, DimensionPods: {4, 2}, DimensionMinNodes: {3, 0},
		}, 6, DimensionCPU},
		// API servers: 100, 34 a zone: 34 x 1320Mi x 1.2 = 53,856Mi /
		// 29,491.2Mi -> 2 a zone, 6 (total: 158,400Mi -> 6).
		// 40 control planes: 80 API servers, 27 a zone: 42,768Mi -> 2 a
		// zone, 6; the total, 126,720Mi / 29,491.2Mi = 4.3 -> 5, is short.
		"APIServer40HA3Zones": {40, true, []string{"a", "b", "c"}, RoleAPIServer, map[Dimension][2]int64{
			DimensionCPU: {3, 1}, DimensionMemory: {6, 2}, DimensionPods: {3, 1}, DimensionMinNodes: {2, 0},
		}, 6, DimensionMemory},
		// The general pool's pods do not spread by zone: by the total.
		"ControlPlanes50": {50, true, []string{"a", "b", "c"}, RoleControlPlanes, map[Dimension][2]int64{
			// usage 50 x 100 x 5m x 1.2 = 30 cores / 14.4 -> 3; requests
			// 50 x 875m x 1.2 = 52.5 cores -> 4.
			DimensionCPU: {3, 0}, DimensionMemory: {1, 0}, DimensionCPURequests: {4, 0}, DimensionMemoryRequests: {2, 0}, DimensionPods: {3, 0}, DimensionMinNodes: {3, 0},
		}, 4, DimensionCPURequests},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := testSpec(tc.controlPlanes, tc.ha)
			s.Zones = tc.zones
			p, errs := Build("x", s, catalog)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			pc := poolCap(t, p, tc.role)
			got := map[Dimension][2]int64{}
			for _, n := range pc.Needs {
				got[n.Dimension] = [2]int64{n.Nodes, n.NodesPerZone}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("needs (nodes, per zone): -want +got:\n%s", diff)
			}
			if pc.Needed != tc.needed || pc.Binding != tc.binding || int64(pc.MaxNodes) != tc.needed {
				t.Errorf("needed %d, binding %s, maxNodes %d; want %d, %s, %d", pc.Needed, pc.Binding, pc.MaxNodes, tc.needed, tc.binding, tc.needed)
			}
		})
	}
}

// TestControlPlanePoolByRequests: the scheduler packs the general pool by
// the chart pods' requests, which the usage estimate (5m per managed
// resource, 640MB per control plane) undercounts at small sizes. The
// larger of the two binds.
func TestControlPlanePoolByRequests(t *testing.T) {
	cases := map[string]struct {
		controlPlanes, mrs int32
		values             string
		// want: the pool's CPU demand (millicores), memory demand (Mi),
		// the binding dimension and the per-control-plane requests.
		cpu, memMi int64
		binding    Dimension
		perCP      Resources
	}{
		// 10 x 875m x 1.2 = 10,500m, above 10 x 825m x 1.2 = 9,900m (the
		// chart's pods without xgql); usage: 10 x 100 x 5m x 1.2 = 6,000m.
		// Memory: 10 x 1162Mi x 1.2 = 13,944Mi; usage 10 x 940MB x 1.2.
		"10x100": {10, 100, "", 10500, 13944, DimensionMinNodes, Resources{MilliCPU: 875, MemoryBytes: 1162 << 20}},
		// 200 x 100: requests 210 cores / 14.4 -> 15 nodes; usage 120 -> 9.
		"200x100": {200, 100, "", 210000, 278880, DimensionCPURequests, Resources{MilliCPU: 875, MemoryBytes: 1162 << 20}},
		// At 1,000 managed resources usage binds: 200 x 1000 x 5m x 1.2 =
		// 1,200 cores.
		"200x1000": {200, 1000, "", 1200000, 278880, DimensionCPU, Resources{MilliCPU: 875, MemoryBytes: 1162 << 20}},
		// The chart keys override the defaults: Crossplane at 1 core and
		// 1Gi, vector off, 2 xgql replicas:
		// 875 - 370 + 1000 - 200 + 50 = 1355m; 1162 - 400 + 1024 - 256 + 50 = 1580Mi.
		"Values": {10, 100, `{"controlPlanes":{"uxp":{"resourcesCrossplane":{"requests":{"cpu":"1","memory":"1Gi"}},"xgql":{"replicas":2}},"vector":{"enabled":false}}}`,
			16260, 18960, DimensionMinNodes, Resources{MilliCPU: 1355, MemoryBytes: 1580 << 20}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := testSpec(tc.controlPlanes, true)
			s.Capacity.ManagedResourcesPerControlPlane = tc.mrs
			if tc.values != "" {
				s.Spaces.Values = &apiextensionsv1.JSON{Raw: []byte(tc.values)}
			}
			p, errs := Build("x", s, catalog)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if p.Capacity.ControlPlanePodRequests != tc.perCP {
				t.Errorf("per control plane requests %+v, want %+v", p.Capacity.ControlPlanePodRequests, tc.perCP)
			}
			pc := poolCap(t, p, RoleControlPlanes)
			if pc.Demand.MilliCPU != tc.cpu || pc.Demand.MemoryBytes != tc.memMi<<20 || pc.Binding != tc.binding {
				t.Errorf("demand %dm / %dMi, binding %s; want %dm / %dMi, %s", pc.Demand.MilliCPU, pc.Demand.MemoryBytes>>20, pc.Binding, tc.cpu, tc.memMi, tc.binding)
			}
			if pc.Demand.MilliCPU < int64(tc.controlPlanes)*825*12/10 {
				t.Errorf("CPU demand %dm is below the chart pods' requests, %d x 825m x 1.2", pc.Demand.MilliCPU, tc.controlPlanes)
			}
			if p.Pool(RoleControlPlanes).Demand != pc.Demand {
				t.Errorf("pool demand %+v, want the capacity's %+v", p.Pool(RoleControlPlanes).Demand, pc.Demand)
			}
		})
	}
}
