package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// decodeSeeds are XRs of every example plus documents of each shape the
// one-pass decode must hand to the slow one: the wrong kind, values of the
// wrong type, no XR at all.
func decodeSeeds(t testing.TB) [][]byte {
	t.Helper()
	seeds := [][]byte{
		[]byte(minimal),
		[]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{"highAvailability":false,"queryAPI":{"enabled":false}}}`),
		[]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{"zones":"a","capacity":{"controlPlanes":"ten"}}}`),
		[]byte(`{"apiVersion":"spacescaling.crossplane.io/v1alpha1","kind":"XSpaceScaling","spec":{"spaces":{"chartPullSecretRef":{"name":"pull"}}}}`),
		[]byte(`{"apiVersion":"example.org/v1","kind":"XSpaceScaling","spec":{}}`),
		[]byte(`{}`),
		[]byte(`null`),
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "example", "xr-*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example XRs: %v", err)
	}
	for _, f := range files {
		y, err := os.ReadFile(f) //nolint:gosec // test fixtures.
		if err != nil {
			t.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, j)
	}
	return seeds
}

// checkDecodePaths: whatever the one-pass decode accepts, the slow,
// error-naming decode accepts too, with exactly the same result. (The
// one-pass decode may hand a valid but unusual document to the slow one:
// that costs time, not correctness; the examples must not be among them.)
// Decode's input is always a JSON object written from a protobuf Struct:
// other bytes (which the slow decode reads up to the first value) are not
// compared.
func checkDecodePaths(t *testing.T, doc []byte) {
	t.Helper()
	if !json.Valid(doc) {
		return
	}
	fast := decodeValid(doc)
	slow, errs := decodeNamingErrors(doc)
	switch {
	case fast != nil && len(errs) > 0:
		t.Fatalf("the one-pass decode accepted %s; the slow one refused it: %v", doc, errs)
	case fast != nil:
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("the two decodes differ on %s: -slow +fast:\n%s", doc, diff)
		}
	}
}

func TestDecodeOnePassMatchesSlowPath(t *testing.T) {
	valid := 0
	for _, doc := range decodeSeeds(t) {
		checkDecodePaths(t, doc)
		if decodeValid(doc) != nil {
			valid++
		}
	}
	if valid < 6 {
		t.Errorf("only %d seeds took the one-pass decode; the examples must", valid)
	}
}

func FuzzDecodePaths(f *testing.F) {
	for _, s := range decodeSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkDecodePaths)
}
