package fn

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkRunFunction measures one reconcile of each example XR with every
// composed resource observed: go test ./fn -run '^$' -bench RunFunction -benchmem
func BenchmarkRunFunction(b *testing.B) {
	for _, path := range exampleXRs(b) {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		if filepath.Base(filepath.Dir(path)) == "namespaced" {
			name = "namespaced-" + name
		}
		xr := readXR(b, path)
		first, err := New().RunFunction(context.Background(), newRequest(b, xr, nil))
		if err != nil {
			b.Fatal(err)
		}
		obs := map[string]map[string]any{}
		for k, r := range first.GetDesired().GetResources() {
			obs[k] = r.GetResource().AsMap()
		}
		req := newRequest(b, xr, obs)
		f := New()
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.RunFunction(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
