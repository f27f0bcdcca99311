package crdvalidate

import (
	"context"
	"fmt"
	"os"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// CompositeCRD returns the CustomResourceDefinition Crossplane creates for the
// XRD at path: Crossplane's own xcrd package adds the fields it owns
// (spec.crossplane, status.conditions, ...) exactly as the XRD controller does
// before it asks the API server to create the CRD.
func CompositeCRD(path string) (*apiextensionsv1.CustomResourceDefinition, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the path comes from the test
	if err != nil {
		return nil, fmt.Errorf("cannot read the XRD: %w", err)
	}
	// apiextensions.crossplane.io/v2 and v1 XRDs share the fields xcrd reads
	// (group, names, scope, versions); the XRD controller works on v1.
	xrd := &xpv1.CompositeResourceDefinition{}
	if err := yaml.Unmarshal(b, xrd); err != nil {
		return nil, fmt.Errorf("cannot decode the XRD %s: %w", path, err)
	}
	// The API server gives a stored XRD a UID, which becomes the CRD's owner
	// reference; a file has none.
	xrd.SetUID(types.UID("00000000-0000-0000-0000-000000000000"))
	crd, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		return nil, fmt.Errorf("cannot derive the composite CRD of %s: %w", path, err)
	}
	return crd, nil
}

// AdmitCRD validates crd the way kube-apiserver does on create: the v1 scheme
// defaults are applied, the object is converted to the internal version, and
// apiextensions-apiserver's ValidateCustomResourceDefinition runs. That
// includes what offline schema validators skip: every default is checked
// against the CEL rules of its object, and the estimated CEL cost of every
// rule and of the whole schema must fit the API server's budgets.
func AdmitCRD(crd *apiextensionsv1.CustomResourceDefinition) (field.ErrorList, error) {
	s := runtime.NewScheme()
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("cannot register apiextensions/v1: %w", err)
	}
	if err := apiextensions.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("cannot register apiextensions: %w", err)
	}
	v1 := crd.DeepCopy()
	s.Default(v1)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := s.Convert(v1, internal, nil); err != nil {
		return nil, fmt.Errorf("cannot convert the CRD to the internal version: %w", err)
	}
	return validation.ValidateCustomResourceDefinition(context.Background(), internal), nil
}
