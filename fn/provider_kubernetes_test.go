package fn

import (
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// TestExampleProviderKubernetesSanitizesSecrets: provider-kubernetes copies
// the Secret it manages into the Object's status, data included, unless it
// runs with --sanitize-secrets. The example Provider must run with it, and
// its runtime config must be the one that sets it.
func TestExampleProviderKubernetesSanitizesSecrets(t *testing.T) {
	b, err := os.ReadFile("../example/provider-kubernetes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]map[string]any{}
	for _, doc := range strings.Split(string(b), "\n---\n") {
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		k, _ := m["kind"].(string)
		byKind[k] = m
	}
	p, drc := byKind["Provider"], byKind["DeploymentRuntimeConfig"]
	if p == nil || drc == nil {
		t.Fatalf("want a Provider and a DeploymentRuntimeConfig, got %d documents", len(byKind))
	}
	if pkg, _ := testutil.Get(p, "spec", "package").(string); !strings.Contains(pkg, "crossplane-contrib/provider-kubernetes:v1.") {
		t.Errorf("spec.package = %q, want crossplane-contrib/provider-kubernetes v1.x", pkg)
	}
	if got, want := testutil.Get(p, "spec", "runtimeConfigRef", "name"), testutil.Get(drc, "metadata", "name"); got != want || got == nil {
		t.Errorf("spec.runtimeConfigRef.name = %v, want the DeploymentRuntimeConfig %v", got, want)
	}
	cs, _ := testutil.Get(drc, "spec", "deploymentTemplate", "spec", "template", "spec", "containers").([]any)
	for _, c := range cs {
		cm, _ := c.(map[string]any)
		if cm["name"] != "package-runtime" {
			continue
		}
		if args, _ := cm["args"].([]any); slices.Contains(args, any("--sanitize-secrets")) {
			return
		}
	}
	t.Errorf("the package-runtime container does not run with --sanitize-secrets: %v", cs)
}
