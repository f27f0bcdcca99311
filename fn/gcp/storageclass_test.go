package gcp_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/gcp"
	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

func TestStorageClass(t *testing.T) {
	for _, direct := range []bool{false, true} {
		out := render(t, exampleXR(t), env("", direct))
		r := byKey(t, out, "etcd-storageclass")
		m := testutil.JSON(t, r.Object)
		sc := m
		if !direct {
			if got := get(m, "metadata.name"); got != "prod-usc1-etcd-storageclass" {
				t.Errorf("Object name = %v", got)
			}
			sc, _ = get(m, "spec.forProvider.manifest").(map[string]any)
		}
		want := map[string]any{
			"apiVersion":           "storage.k8s.io/v1",
			"kind":                 "StorageClass",
			"metadata":             map[string]any{"name": "prod-usc1-etcd", "labels": map[string]any{"team": "platform"}},
			"provisioner":          gcp.PDCSIProvisioner,
			"parameters":           map[string]any{"type": "pd-ssd", "replication-type": "none", "csi.storage.k8s.io/fstype": "ext4"},
			"reclaimPolicy":        "Delete",
			"volumeBindingMode":    "WaitForFirstConsumer",
			"allowVolumeExpansion": true,
		}
		if diff := cmp.Diff(want, sc); diff != "" {
			t.Errorf("direct=%v: StorageClass -want +got:\n%s", direct, diff)
		}
	}
}
