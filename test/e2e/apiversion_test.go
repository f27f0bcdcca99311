package e2e_test

import (
	"strings"
	"testing"
)

// TestAPIVersionProblem proves the deprecation check against the CRD folder,
// so a passing render test means something.
func TestAPIVersionProblem(t *testing.T) {
	e := prerequisites(t, false)
	crds := loadCRDs(t, e.crdsDir)

	cases := map[string]struct {
		apiVersion, kind string
		want             string // a part of the problem; "" for none
	}{
		"KarpenterNodePoolV1":      {apiVersion: "karpenter.sh/v1", kind: "NodePool"},
		"KarpenterNodePoolV1beta1": {apiVersion: "karpenter.sh/v1beta1", kind: "NodePool", want: "does not define"},
		"RDSInstanceV1beta3":       {apiVersion: "rds.aws.upbound.io/v1beta3", kind: "Instance"},
		"RDSInstanceV1beta1":       {apiVersion: "rds.aws.upbound.io/v1beta1", kind: "Instance", want: "deprecated"},
		"ObjectV1alpha1":           {apiVersion: "kubernetes.crossplane.io/v1alpha1", kind: "Object", want: "deprecated"},
		"NamespacedObjectV1alpha1": {apiVersion: "kubernetes.m.crossplane.io/v1alpha1", kind: "Object"},
		"StorageClassV1":           {apiVersion: "storage.k8s.io/v1", kind: "StorageClass"},
		"StorageClassV1beta1":      {apiVersion: "storage.k8s.io/v1beta1", kind: "StorageClass", want: "pre-GA"},
		"SecretV1":                 {apiVersion: "v1", kind: "Secret"},
		"PodDisruptionBudgetBeta":  {apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", want: "pre-GA"},
		"UnknownGroup":             {apiVersion: "example.org/v1", kind: "Thing", want: "no CRD"},
		"NoKind":                   {apiVersion: "v1", want: "no apiVersion or kind"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := crds.apiVersionProblem(object{"apiVersion": tc.apiVersion, "kind": tc.kind})
			switch {
			case tc.want == "" && got != "":
				t.Errorf("%s %s: got problem %q, want none", tc.apiVersion, tc.kind, got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("%s %s: got problem %q, want one containing %q", tc.apiVersion, tc.kind, got, tc.want)
			}
		})
	}
}
