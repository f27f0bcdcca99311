package crdvalidate_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"

	"github.com/crossplane-contrib/function-space-scaling/internal/testutil"
)

const nodePoolYAML = `
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: etcd
spec:
  disruption:
    budgets:
    - nodes: "1"
    consolidateAfter: 30m
    consolidationPolicy: WhenEmpty
  limits:
    cpu: "88"
    memory: 176Gi
  template:
    metadata:
      labels:
        target: etcd
    spec:
      expireAfter: 720h
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: etcd
      requirements:
      - key: topology.kubernetes.io/zone
        operator: In
        values: [us-east-1a, us-east-1b]
      taints:
      - key: target
        value: etcd
        effect: NoSchedule
`

const nodeClassYAML = `
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: etcd
spec:
  amiSelectorTerms:
  - alias: al2023@latest
  role: KarpenterNodeRole-spaces
  subnetSelectorTerms:
  - tags:
      karpenter.sh/discovery: spaces
  securityGroupSelectorTerms:
  - tags:
      karpenter.sh/discovery: spaces
`

const objectYAML = `
apiVersion: kubernetes.crossplane.io/v1alpha2
kind: Object
metadata:
  name: etcd-nodepool
spec:
  providerConfigRef:
    name: default
  readiness:
    policy: DeriveFromObject
`

const namespacedObjectYAML = `
apiVersion: kubernetes.m.crossplane.io/v1alpha1
kind: Object
metadata:
  name: etcd-nodepool
  namespace: spaces
spec:
  providerConfigRef:
    kind: ClusterProviderConfig
    name: default
`

const storageClassYAML = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: etcd-gp3
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
`

const secretYAML = `
apiVersion: v1
kind: Secret
metadata:
  name: pull
  namespace: upbound-system
type: Opaque
stringData:
  password: hunter2
`

// wrap returns an Object of objYAML whose manifest is m.
func wrap(objYAML string, m map[string]any) map[string]any {
	return testutil.Set(fixture(objYAML), "spec.forProvider.manifest", m)
}

func TestCRDValidateRealFolder(t *testing.T) {
	v := crdvalidate.RequireValidators(t)

	cases := map[string]struct {
		obj   func() map[string]any
		wants []want
	}{
		"ValidNodePool":      {obj: func() map[string]any { return fixture(nodePoolYAML) }},
		"ValidEC2NodeClass":  {obj: func() map[string]any { return fixture(nodeClassYAML) }},
		"ValidStorageClass":  {obj: func() map[string]any { return fixture(storageClassYAML) }},
		"ValidSecret":        {obj: func() map[string]any { return fixture(secretYAML) }},
		"ValidObject":        {obj: func() map[string]any { return wrap(objectYAML, fixture(nodePoolYAML)) }},
		"ValidNamespacedObj": {obj: func() map[string]any { return wrap(namespacedObjectYAML, fixture(nodeClassYAML)) }},
		"UnknownField": {
			obj: func() map[string]any {
				return testutil.Set(fixture(nodePoolYAML), "spec.template.spec.shade", "blue")
			},
			wants: []want{{path: "spec.template.spec.shade", typ: field.ErrorTypeForbidden, detail: "unknown field"}},
		},
		"UnknownFieldInList": {
			obj: func() map[string]any {
				o := fixture(nodeClassYAML)
				o["spec"].(map[string]any)["subnetSelectorTerms"].([]any)[0].(map[string]any)["zone"] = "a"
				return o
			},
			wants: []want{{path: "spec.subnetSelectorTerms[0].zone", typ: field.ErrorTypeForbidden}},
		},
		"UnknownMetadataField": {
			obj: func() map[string]any {
				return testutil.Set(fixture(nodePoolYAML), "metadata.labelz", map[string]any{"a": "b"})
			},
			wants: []want{{path: "metadata.labelz", typ: field.ErrorTypeForbidden}},
		},
		"WrongType": {
			obj:   func() map[string]any { return testutil.Set(fixture(nodePoolYAML), "spec.weight", "heavy") },
			wants: []want{{path: "spec.weight", typ: field.ErrorTypeTypeInvalid}},
		},
		"BadEnum": {
			obj: func() map[string]any {
				return testutil.Set(fixture(nodePoolYAML), "spec.disruption.consolidationPolicy", "Sometimes")
			},
			wants: []want{{path: "spec.disruption.consolidationPolicy", typ: field.ErrorTypeNotSupported}},
		},
		"BadPattern": {
			obj: func() map[string]any {
				return testutil.Set(fixture(nodePoolYAML), "spec.template.spec.expireAfter", "a month")
			},
			wants: []want{{path: "spec.template.spec.expireAfter", typ: field.ErrorTypeInvalid}},
		},
		"DisruptionWithoutConsolidateAfter": {
			obj: func() map[string]any {
				return del(fixture(nodePoolYAML), "spec.disruption.consolidateAfter")
			},
			wants: []want{{path: "spec.disruption.consolidateAfter", typ: field.ErrorTypeRequired}},
		},
		"CELRoleAndInstanceProfile": {
			obj:   func() map[string]any { return testutil.Set(fixture(nodeClassYAML), "spec.instanceProfile", "spaces") },
			wants: []want{{path: "spec", typ: field.ErrorTypeInvalid, detail: "exactly one of ['role', 'instanceProfile']"}},
		},
		"CELRestrictedRequirementKey": {
			obj: func() map[string]any {
				o := fixture(nodePoolYAML)
				o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["requirements"].([]any)[0].(map[string]any)["key"] = "karpenter.sh/pool"
				return o
			},
			wants: []want{{path: "spec.template.spec.requirements[0].key", typ: field.ErrorTypeInvalid, detail: `label domain "karpenter.sh" is restricted`}},
		},
		"DeprecatedVersion": {
			obj: func() map[string]any {
				return testutil.Set(wrap(objectYAML, fixture(nodePoolYAML)), "apiVersion", "kubernetes.crossplane.io/v1alpha1")
			},
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeInvalid, detail: "deprecated"}},
		},
		"VersionNoCRDDefines": {
			obj: func() map[string]any {
				return testutil.Set(fixture(nodePoolYAML), "apiVersion", "karpenter.sh/v1beta1")
			},
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeNotSupported}},
		},
		"KindWithoutCRD": {
			obj: func() map[string]any {
				return fixture("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n")
			},
			wants: []want{{path: "kind", typ: field.ErrorTypeInvalid, detail: "no CRD"}},
		},
		"MissingName": {
			obj:   func() map[string]any { return del(fixture(nodePoolYAML), "metadata.name") },
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeRequired}},
		},
		"NamespaceOnClusterScopedKind": {
			obj:   func() map[string]any { return testutil.Set(fixture(nodePoolYAML), "metadata.namespace", "default") },
			wants: []want{{path: "metadata.namespace", typ: field.ErrorTypeForbidden}},
		},
		"ObjectWithInvalidManifest": {
			obj: func() map[string]any {
				return wrap(objectYAML, testutil.Set(fixture(nodePoolYAML), "spec.disruption.consolidationPolicy", "Sometimes"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec.disruption.consolidationPolicy", typ: field.ErrorTypeNotSupported}},
		},
		"ObjectWithUnknownFieldInManifest": {
			obj: func() map[string]any {
				return wrap(namespacedObjectYAML, testutil.Set(fixture(nodeClassYAML), "spec.shade", "blue"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec.shade", typ: field.ErrorTypeForbidden}},
		},
		"ObjectWithCELViolationInManifest": {
			obj: func() map[string]any {
				return wrap(objectYAML, testutil.Set(fixture(nodeClassYAML), "spec.instanceProfile", "spaces"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec", detail: "exactly one of"}},
		},
		"ObjectWithManifestOfUnknownKind": {
			obj: func() map[string]any {
				return wrap(objectYAML, fixture("apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: x}\n"))
			},
			wants: []want{{path: "spec.forProvider.manifest.kind", detail: "no CRD"}},
		},
		"ObjectWithBuiltinManifest": {
			obj: func() map[string]any {
				return wrap(objectYAML, testutil.Set(fixture(storageClassYAML), "spec", "x"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec", typ: field.ErrorTypeForbidden}},
		},
		"StorageClassUnknownField": {
			obj:   func() map[string]any { return testutil.Set(fixture(storageClassYAML), "reclaim", "Delete") },
			wants: []want{{path: "reclaim", typ: field.ErrorTypeForbidden}},
		},
		"StorageClassWrongType": {
			obj:   func() map[string]any { return testutil.Set(fixture(storageClassYAML), "allowVolumeExpansion", "yes") },
			wants: []want{{path: "allowVolumeExpansion", typ: field.ErrorTypeTypeInvalid}},
		},
		"StorageClassWithoutProvisioner": {
			obj:   func() map[string]any { return del(fixture(storageClassYAML), "provisioner") },
			wants: []want{{path: "provisioner", typ: field.ErrorTypeRequired}},
		},
		"SecretUnknownField": {
			obj:   func() map[string]any { return testutil.Set(fixture(secretYAML), "metadata.owner", "me") },
			wants: []want{{path: "metadata.owner", typ: field.ErrorTypeForbidden}},
		},
		"ConfigMapBadName": {
			obj: func() map[string]any {
				return fixture("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_A_Name}\ndata: {a: b}\n")
			},
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeInvalid}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := tc.obj()
			check(t, v.Validate(o), tc.wants...)
		})
	}
}
