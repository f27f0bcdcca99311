package fn

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/spec"
)

// TestRegistry checks that every value of spec.cloud has a registered
// cloud, that nothing else is registered, and that each cloud sets what
// the skeleton calls.
func TestRegistry(t *testing.T) {
	if len(registry) != len(spec.Clouds) {
		t.Errorf("%d clouds registered for %d values of spec.cloud", len(registry), len(spec.Clouds))
	}
	for _, name := range spec.Clouds {
		c, ok := registry[name]
		if !ok {
			t.Errorf("spec.cloud %q has no registered cloud", name)
			continue
		}
		if c.Name != name {
			t.Errorf("registry[%q] is the cloud %q", name, c.Name)
		}
		required := map[string]bool{
			"Configured": c.Configured != nil, "Catalog": c.Catalog != nil, "ValidateSpec": c.ValidateSpec != nil,
			"NodePool": c.NodePool != nil, "StorageClass": c.StorageClass != nil, "Database": c.Database != nil,
		}
		for f, set := range required {
			if !set {
				t.Errorf("cloud %q does not set %s", name, f)
			}
		}
		d := c.Defaults
		if len(d.EtcdMachineTypes) == 0 || len(d.APIServerMachineTypes) == 0 || len(d.ControlPlanesMachineTypes) == 0 || d.InstanceSize == "" {
			t.Errorf("cloud %q lacks defaults: %+v", name, d)
		}
	}
}
