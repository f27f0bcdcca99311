package change_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane-contrib/function-space-scaling/fn/change"
	"github.com/crossplane-contrib/function-space-scaling/fn/compose"
)

type nodeConfig struct {
	ServiceAccount string            `json:"serviceAccount,omitempty"`
	DiskSizeGB     int32             `json:"diskSizeGb"`
	Metadata       map[string]string `json:"metadata,omitempty"`
}

type typedPoolSpec struct {
	compose.ManagedSpec `json:",inline"`
	NodeConfig          *nodeConfig `json:"nodeConfig"`
}

type typedPool struct {
	compose.TypeMeta `json:",inline"`
	Metadata         compose.ObjectMeta `json:"metadata"`
	Spec             typedPoolSpec      `json:"spec"`
}

// TestProject: the projection of a typed object is what Normalize gives
// at those paths, through inline structs, pointers, maps and an Object's
// manifest; zero and missing values are left out.
func TestProject(t *testing.T) {
	p := &typedPool{
		TypeMeta: compose.TypeMeta{APIVersion: "pool.example.org/v1", Kind: "Pool"},
		Metadata: compose.ObjectMeta{Name: "etcd"},
		Spec: typedPoolSpec{
			ManagedSpec: compose.ManagedSpec{DeletionPolicy: "Orphan"},
			NodeConfig:  &nodeConfig{DiskSizeGB: 100, Metadata: map[string]string{"a": "b"}},
		},
	}
	obj := &compose.Object{TypeMeta: compose.TypeMeta{APIVersion: "kubernetes.crossplane.io/v1alpha2", Kind: "Object"},
		Metadata: compose.ObjectMeta{Name: "o"}, Spec: compose.ObjectSpec{ForProvider: compose.ObjectParameters{Manifest: p}}}
	cases := map[string]struct {
		obj   any
		paths []string
		want  map[string]any
	}{
		"TypedFields": {
			obj:   p,
			paths: []string{"apiVersion", "kind", "metadata.name", "spec.deletionPolicy", "spec.nodeConfig.diskSizeGb", "spec.nodeConfig.metadata.a"},
			want: map[string]any{"apiVersion": "pool.example.org/v1", "kind": "Pool", "metadata": map[string]any{"name": "etcd"},
				"spec": map[string]any{"deletionPolicy": "Orphan", "nodeConfig": map[string]any{"diskSizeGb": 100.0, "metadata": map[string]any{"a": "b"}}}},
		},
		"WholeMap": {
			obj:   p,
			paths: []string{"spec.nodeConfig.metadata"},
			want:  map[string]any{"spec": map[string]any{"nodeConfig": map[string]any{"metadata": map[string]any{"a": "b"}}}},
		},
		"ZeroAndMissingLeftOut": {
			obj:   p,
			paths: []string{"spec.nodeConfig.serviceAccount", "spec.nodeConfig.nope", "spec.nodeConfig.metadata.x", "metadata.labels"},
			want:  map[string]any{},
		},
		"ThroughObjectManifest": {
			obj:   obj,
			paths: []string{"metadata.name", change.ManifestPath + ".kind", change.ManifestPath + ".spec.nodeConfig.diskSizeGb"},
			want: map[string]any{"metadata": map[string]any{"name": "o"}, "spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{
				"kind": "Pool", "spec": map[string]any{"nodeConfig": map[string]any{"diskSizeGb": 100.0}}}}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := change.Project(tc.obj, tc.paths)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
