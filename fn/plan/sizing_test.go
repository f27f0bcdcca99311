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

func TestEtcdVolumeLimitBinds(t *testing.T) {
	p, errs := Build("x", testSpec(120, true), catalog)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pc := poolCap(t, p, RoleEtcd)
	want := []Need{
		// 120 x 3 x 170m x 1.2 = 73,440m over 7,200m allocatable: 10.2 -> 11.
		{DimensionCPU, 73440, 7200, "m7i.2xlarge", 11},
		// 120 x 3 x 350Mi x 1.2 = 151,200Mi over 29,491.2Mi: 5.1 -> 6.
		{DimensionMemory, 151200 << 20, (32 << 30) * 9 / 10, "m7i.2xlarge", 6},
		// 120 x 3 = 360 etcd volumes, 31 per node: 11.6 -> 12.
		{DimensionVolumes, 360, 31, "m7i.2xlarge", 12},
		// 360 etcd pods, 58 - 6 DaemonSet slots = 52 per node: 6.9 -> 7.
		{DimensionPods, 360, 52, "m7i.2xlarge", 7},
		{DimensionMinNodes, 3, 1, "", 3},
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
	// 120 volumes / 31 = 3.9 -> 4; CPU 120 x 170m x 1.2 = 24,480m / 7,200m = 3.4 -> 4.
	// CPU comes first in a tie.
	if pc.need(DimensionVolumes).Nodes != 4 || pc.Needed != 4 || pc.Binding != DimensionCPU {
		t.Errorf("volumes %d, needed %d, binding %s; want 4, 4, cpu", pc.need(DimensionVolumes).Nodes, pc.Needed, pc.Binding)
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
	// 360 volumes / 22 on m6i.2xlarge (shared attachments) = 16.4 -> 17.
	if n := pc.need(DimensionVolumes); n.Nodes != 17 || n.MachineType != "m6i.2xlarge" || pc.MaxNodes != 17 || pc.MachineType != "m6i.2xlarge" {
		t.Errorf("volumes need %+v, maxNodes %d, machine %s; want 17 nodes of m6i.2xlarge", n, pc.MaxNodes, pc.MachineType)
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
	want := []string{"spec.nodePools.etcd.maxNodes is 5, below the 12 nodes the capacity plan needs (volumes bind: 360 volumes, 31 per m7i.2xlarge node): 7 nodes short; pods beyond 5 nodes stay Pending"}
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
	// 10,000 control planes: the API server pool needs 10,000 x 2 x 1320Mi
	// x 1.2 / 29,491.2Mi = 1,075 nodes and the general pool 10,000 x 100 x
	// 5m x 1.2 / 14,400m = 417; 1,075 is above the 1,000 a pool can have.
	_, errs := Build("x", testSpec(10000, true), catalog)
	if len(errs) != 1 {
		t.Fatalf("errs = %v, want one", errs)
	}
	got := errs[0].Error()
	want := "spec.capacity.controlPlanes: Invalid value: 10000: the apiServer pool would need 1075 nodes (memory binds: 31680000Mi, 29492Mi per m7i.2xlarge node), above the 1000 nodes a pool can have: lower it, or list larger machine types in spec.nodePools.apiServer.machineTypes"
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
