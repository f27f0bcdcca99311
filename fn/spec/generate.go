//go:build generate

package spec

// The XRDs are generated from the types in this package, so the schema the
// API server enforces and the one the function decodes never drift.
//go:generate go run -modfile=../../tools/controller-gen/go.mod sigs.k8s.io/controller-tools/cmd/controller-gen crd:crdVersions=v1 paths=. output:crd:dir=../../_output/crd
//go:generate go run ../../hack/xrdgen -crd ../../_output/crd/spacescaling.crossplane.io_xspacescalings.yaml -scope Cluster -out ../../example/xrd.yaml
//go:generate go run ../../hack/xrdgen -crd ../../_output/crd/spacescaling.crossplane.io_xspacescalings.yaml -scope Namespaced -out ../../example/namespaced/xrd.yaml
