package aws_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/aws"
)

func TestStorageClass(t *testing.T) {
	sc := manifest(objects(t, render(t, "", false, nil))["etcd-storageclass"])
	want := map[string]any{
		"apiVersion":           "storage.k8s.io/v1",
		"kind":                 "StorageClass",
		"metadata":             map[string]any{"name": "prod-use1-etcd", "labels": map[string]any{"team": "platform"}},
		"provisioner":          aws.EBSCSIProvisioner,
		"parameters":           map[string]any{"type": "gp3", "iops": "6000", "throughput": "250", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4"},
		"reclaimPolicy":        "Delete",
		"volumeBindingMode":    "WaitForFirstConsumer",
		"allowVolumeExpansion": true,
	}
	if diff := cmp.Diff(want, sc); diff != "" {
		t.Errorf("StorageClass: -want +got:\n%s", diff)
	}
}
