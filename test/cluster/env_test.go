package cluster_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// env is what the suite needs from the machine.
type env struct {
	root    string // the module root
	bin     string // the tools built by hack/tools.sh
	crdsDir string // upstream CRDs of the cloud providers and provider-helm
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

func inCI() bool { return os.Getenv("CI") == "true" }

// setup finds the tools and the CRDs. Outside CI a missing prerequisite skips
// the suite with a message saying what to do; in CI, where hack/test.sh builds
// the tools first, it fails it.
func setup(t *testing.T) env {
	t.Helper()
	if testing.Short() && !inCI() {
		t.Skip("starts a real control plane (etcd, kube-apiserver, Crossplane, provider-kubernetes); skipped with -short outside CI")
	}
	root, err := moduleRoot()
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
	if len(missing) > 0 {
		msg := "cluster suite prerequisites missing:\n  " + strings.Join(missing, "\n  ")
		if inCI() {
			t.Fatal(msg)
		}
		t.Skip(msg + "\n(skipped outside CI; with CI=true this fails)")
	}
	return e
}

// moduleRoot walks up from the working directory to the folder holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in any parent folder")
		}
		dir = parent
	}
}
