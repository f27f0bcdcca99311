package cluster_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// env is what the suite needs from the machine.
type env struct {
	root    string // the module root
	bin     string // the tools built by hack/tools.sh
	crdsDir string // upstream CRDs of the cloud providers and provider-helm
	// providerPoll is provider-kubernetes' --poll on the planes started
	// with this env; zero is the suite's 10s.
	providerPoll time.Duration
}

func (e env) tool(name string) string { return filepath.Join(e.bin, name) }

// tools are the binaries the suite runs, all built from pinned modules by
// hack/tools.sh.
var tools = []string{
	"etcd",
	"kube-apiserver",
	"kube-controller-manager",
	"crossplane-engine",
	"crossplane",
	"provider-kubernetes",
}

// setup finds the tools and the CRDs. Outside CI a missing prerequisite skips
// the suite with a message saying what to do; in CI, where hack/test.sh builds
// the tools first, it fails it.
func setup(t *testing.T) env {
	t.Helper()
	if testing.Short() && !testutil.InCI() {
		t.Skip("starts a real control plane (etcd, kube-apiserver, Crossplane, provider-kubernetes); skipped with -short outside CI")
	}
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatalf("cannot find the module root: %v", err)
	}
	e := env{root: root, bin: os.Getenv("TOOLS_BIN"), crdsDir: os.Getenv("CRDS_DIR")}
	if e.bin == "" {
		e.bin = filepath.Join(root, "_tools", "bin")
	}
	if e.crdsDir == "" {
		e.crdsDir = filepath.Join(root, "..", "shared", "crds")
	}
	var missing []string
	for _, n := range tools {
		if fi, err := os.Stat(e.tool(n)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			missing = append(missing, fmt.Sprintf("%s (build it with ./hack/tools.sh)", e.tool(n)))
		}
	}
	if fi, err := os.Stat(e.crdsDir); err != nil || !fi.IsDir() {
		missing = append(missing, fmt.Sprintf("CRD folder %s (set CRDS_DIR, or put shared/crds beside the project)", e.crdsDir))
	}
	if !canCreateNamespaces() {
		missing = append(missing, "root privileges: the suite runs Crossplane, the function and the provider in private network namespaces")
	}
	testutil.Prerequisites(t, "cluster suite", missing)
	return e
}

// repoRoot is the module root, for the helpers that are not handed env.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatalf("cannot find the module root: %v", err)
	}
	return root
}
