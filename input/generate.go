//go:build generate

// Package input generates the CRD of the function's input. Run
// `go generate ./...` from the repository root.
package input

// Deep copy methods of the input types, then the input CRD into package/input.
//go:generate go run -modfile=../tools/controller-gen/go.mod sigs.k8s.io/controller-tools/cmd/controller-gen paths=./v1beta1 object crd:crdVersions=v1 output:artifacts:config=../package/input
