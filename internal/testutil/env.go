package testutil

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// EnvCI is set to true by CI systems, and by the project's .ci/run.
const EnvCI = "CI"

// InCI reports whether the tests run in CI, where a missing prerequisite is
// a failure rather than a reason to skip: a skipped check would pass for a
// proven one.
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv(EnvCI))
	return ci
}

// ModuleRoot walks up from the working directory to the folder holding go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !fi.IsDir() {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in any parent folder")
		}
		dir = parent
	}
}

// Prerequisites ends a test whose prerequisites are missing: it fails in
// CI and skips elsewhere, naming what is missing either way.
func Prerequisites(tb testing.TB, suite string, missing []string) {
	tb.Helper()
	if len(missing) == 0 {
		return
	}
	msg := suite + " prerequisites missing:\n  " + strings.Join(missing, "\n  ")
	if InCI() {
		tb.Fatal(msg)
	}
	tb.Skip(msg + "\n(skipped outside CI; with " + EnvCI + "=true this fails)")
}
