package crdvalidate

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

// EnvCRDsDir names the environment variable that points at the folder of
// upstream CRDs. A relative value is taken relative to the module root.
const EnvCRDsDir = "CRDS_DIR"

// defaultRelDir is where the CRDs live by default, relative to the module root.
var defaultRelDir = filepath.Join("..", "shared", "crds")

// Dir returns the folder of upstream CRDs: $CRDS_DIR if set, else
// ../shared/crds beside the module root (the folder holding go.mod, found by
// walking up from the working directory). The bool is false when the folder
// does not exist.
func Dir() (string, bool) {
	dir := os.Getenv(EnvCRDsDir)
	if dir == "" {
		dir = defaultRelDir
	}
	if !filepath.IsAbs(dir) {
		root, err := testutil.ModuleRoot()
		if err != nil {
			return dir, false
		}
		dir = filepath.Join(root, dir)
	}
	fi, err := os.Stat(dir) //nolint:gosec // G703: the folder is the developer's own choice, read by tests only

	return dir, err == nil && fi.IsDir()
}

// EnvCI is set to true by CI systems; a missing CRD folder then fails.
const EnvCI = testutil.EnvCI

// Require returns the CRD folder. When it is missing, the test is skipped
// with a message that says how to point the tests at the CRDs, except in CI
// (CI=true), where a skipped schema check would pass for a proven one: there
// the test fails.
func Require(tb testing.TB) string {
	tb.Helper()
	dir, ok := Dir()
	if !ok {
		msg := fmt.Sprintf("no CRDs at %s: set %s to the upstream CRDs to validate composed resources", dir, EnvCRDsDir)
		if testutil.InCI() {
			tb.Fatalf("%s (%s=true: a missing CRD folder fails the test instead of skipping it)", msg, EnvCI)
			return dir
		}
		tb.Skip(msg)
	}
	return dir
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Validators{}
)

// RequireValidators loads the CRD folder once per test binary (loading and
// compiling every CRD's CEL rules is slow), skipping the test when the
// folder is missing and failing it when a CRD cannot be loaded.
func RequireValidators(tb testing.TB) *Validators {
	tb.Helper()
	dir := Require(tb)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if v, ok := cache[dir]; ok {
		return v
	}
	v, err := Load(dir)
	if err != nil {
		tb.Fatalf("cannot load the CRDs: %v", err)
	}
	cache[dir] = v
	return v
}
