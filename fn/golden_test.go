package fn

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// TestGolden renders every example XR and compares the whole response
// (results, XR status, every composed resource) with a committed file.
// After an intended change: go test ./fn -run TestGolden -update, then
// review the diff.
func TestGolden(t *testing.T) {
	for _, path := range exampleXRs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if filepath.Base(filepath.Dir(path)) == "namespaced" {
			name = "namespaced-" + name
		}
		t.Run(name, func(t *testing.T) {
			got := renderYAML(t, run(t, newRequest(t, readXR(t, path), nil)))
			golden := filepath.Join("testdata", "golden", name+".yaml")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden) //nolint:gosec // test fixtures.
			if err != nil {
				t.Fatalf("%v: run go test ./fn -run TestGolden -update and review the new file", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs from %s (-want +got); if intended, rerun with -update and review:\n%s", path, golden, diff)
			}
		})
	}
}
