package fn_test

import (
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
)

// TestXRDAdmittedByAPIServer is the fast guard against an XRD that a real
// kube-apiserver refuses. Crossplane turns each XRD into a CRD (xcrd, the
// package its XRD controller uses) and the API server validates that CRD:
// defaults are checked against the CEL rules of their objects, and CEL cost
// estimates must fit the per-rule and per-schema budgets. Offline schema
// validation (crossplane resource validate, the tests in crds_test.go) checks
// neither, so a schema could pass every other test and still never install.
func TestXRDAdmittedByAPIServer(t *testing.T) {
	for scope, path := range xrdFiles {
		t.Run(scope, func(t *testing.T) {
			crd, err := crdvalidate.CompositeCRD(path)
			if err != nil {
				t.Fatal(err)
			}
			errs, err := crdvalidate.AdmitCRD(crd)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				t.Errorf("the API server would refuse the CRD of %s: %v", path, e)
			}
		})
	}
}
