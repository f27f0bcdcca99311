package crdvalidate_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane-contrib/function-space-scaling/internal/crdvalidate"
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
func wrap(t *testing.T, objYAML string, m map[string]any) map[string]any {
	t.Helper()
	return set(obj(t, objYAML), "spec.forProvider.manifest", m)
}

func TestCRDValidateRealFolder(t *testing.T) {
	v := crdvalidate.RequireValidators(t)

	cases := map[string]struct {
		obj   func(t *testing.T) map[string]any
		wants []want
	}{
		"ValidNodePool":      {obj: func(t *testing.T) map[string]any { return obj(t, nodePoolYAML) }},
		"ValidEC2NodeClass":  {obj: func(t *testing.T) map[string]any { return obj(t, nodeClassYAML) }},
		"ValidStorageClass":  {obj: func(t *testing.T) map[string]any { return obj(t, storageClassYAML) }},
		"ValidSecret":        {obj: func(t *testing.T) map[string]any { return obj(t, secretYAML) }},
		"ValidObject":        {obj: func(t *testing.T) map[string]any { return wrap(t, objectYAML, obj(t, nodePoolYAML)) }},
		"ValidNamespacedObj": {obj: func(t *testing.T) map[string]any { return wrap(t, namespacedObjectYAML, obj(t, nodeClassYAML)) }},
		"UnknownField": {
			obj: func(t *testing.T) map[string]any {
				return set(obj(t, nodePoolYAML), "spec.template.spec.colour", "blue")
			},
			wants: []want{{path: "spec.template.spec.colour", typ: field.ErrorTypeForbidden, detail: "unknown field"}},
		},
		"UnknownFieldInList": {
			obj: func(t *testing.T) map[string]any {
				o := obj(t, nodeClassYAML)
				o["spec"].(map[string]any)["subnetSelectorTerms"].([]any)[0].(map[string]any)["zone"] = "a"
				return o
			},
			wants: []want{{path: "spec.subnetSelectorTerms[0].zone", typ: field.ErrorTypeForbidden}},
		},
		"UnknownMetadataField": {
			obj: func(t *testing.T) map[string]any {
				return set(obj(t, nodePoolYAML), "metadata.labelz", map[string]any{"a": "b"})
			},
			wants: []want{{path: "metadata.labelz", typ: field.ErrorTypeForbidden}},
		},
		"WrongType": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, nodePoolYAML), "spec.weight", "heavy") },
			wants: []want{{path: "spec.weight", typ: field.ErrorTypeTypeInvalid}},
		},
		"BadEnum": {
			obj: func(t *testing.T) map[string]any {
				return set(obj(t, nodePoolYAML), "spec.disruption.consolidationPolicy", "Sometimes")
			},
			wants: []want{{path: "spec.disruption.consolidationPolicy", typ: field.ErrorTypeNotSupported}},
		},
		"BadPattern": {
			obj: func(t *testing.T) map[string]any {
				return set(obj(t, nodePoolYAML), "spec.template.spec.expireAfter", "a month")
			},
			wants: []want{{path: "spec.template.spec.expireAfter", typ: field.ErrorTypeInvalid}},
		},
		"DisruptionWithoutConsolidateAfter": {
			obj: func(t *testing.T) map[string]any {
				return del(obj(t, nodePoolYAML), "spec.disruption.consolidateAfter")
			},
			wants: []want{{path: "spec.disruption.consolidateAfter", typ: field.ErrorTypeRequired}},
		},
		"CELRoleAndInstanceProfile": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, nodeClassYAML), "spec.instanceProfile", "spaces") },
			wants: []want{{path: "spec", typ: field.ErrorTypeInvalid, detail: "exactly one of ['role', 'instanceProfile']"}},
		},
		"CELRestrictedRequirementKey": {
			obj: func(t *testing.T) map[string]any {
				o := obj(t, nodePoolYAML)
				o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["requirements"].([]any)[0].(map[string]any)["key"] = "karpenter.sh/pool"
				return o
			},
			wants: []want{{path: "spec.template.spec.requirements[0].key", typ: field.ErrorTypeInvalid, detail: `label domain "karpenter.sh" is restricted`}},
		},
		"DeprecatedVersion": {
			obj: func(t *testing.T) map[string]any {
				return set(wrap(t, objectYAML, obj(t, nodePoolYAML)), "apiVersion", "kubernetes.crossplane.io/v1alpha1")
			},
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeInvalid, detail: "deprecated"}},
		},
		"VersionNoCRDDefines": {
			obj: func(t *testing.T) map[string]any {
				return set(obj(t, nodePoolYAML), "apiVersion", "karpenter.sh/v1beta1")
			},
			wants: []want{{path: "apiVersion", typ: field.ErrorTypeNotSupported}},
		},
		"KindWithoutCRD": {
			obj: func(t *testing.T) map[string]any {
				return obj(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n")
			},
			wants: []want{{path: "kind", typ: field.ErrorTypeInvalid, detail: "no CRD"}},
		},
		"MissingName": {
			obj:   func(t *testing.T) map[string]any { return del(obj(t, nodePoolYAML), "metadata.name") },
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeRequired}},
		},
		"NamespaceOnClusterScopedKind": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, nodePoolYAML), "metadata.namespace", "default") },
			wants: []want{{path: "metadata.namespace", typ: field.ErrorTypeForbidden}},
		},
		"ObjectWithInvalidManifest": {
			obj: func(t *testing.T) map[string]any {
				return wrap(t, objectYAML, set(obj(t, nodePoolYAML), "spec.disruption.consolidationPolicy", "Sometimes"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec.disruption.consolidationPolicy", typ: field.ErrorTypeNotSupported}},
		},
		"ObjectWithUnknownFieldInManifest": {
			obj: func(t *testing.T) map[string]any {
				return wrap(t, namespacedObjectYAML, set(obj(t, nodeClassYAML), "spec.colour", "blue"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec.colour", typ: field.ErrorTypeForbidden}},
		},
		"ObjectWithCELViolationInManifest": {
			obj: func(t *testing.T) map[string]any {
				return wrap(t, objectYAML, set(obj(t, nodeClassYAML), "spec.instanceProfile", "spaces"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec", detail: "exactly one of"}},
		},
		"ObjectWithManifestOfUnknownKind": {
			obj: func(t *testing.T) map[string]any {
				return wrap(t, objectYAML, obj(t, "apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: x}\n"))
			},
			wants: []want{{path: "spec.forProvider.manifest.kind", detail: "no CRD"}},
		},
		"ObjectWithBuiltinManifest": {
			obj: func(t *testing.T) map[string]any {
				return wrap(t, objectYAML, set(obj(t, storageClassYAML), "spec", "x"))
			},
			wants: []want{{path: "spec.forProvider.manifest.spec", typ: field.ErrorTypeForbidden}},
		},
		"StorageClassUnknownField": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, storageClassYAML), "reclaim", "Delete") },
			wants: []want{{path: "reclaim", typ: field.ErrorTypeForbidden}},
		},
		"StorageClassWrongType": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, storageClassYAML), "allowVolumeExpansion", "yes") },
			wants: []want{{path: "allowVolumeExpansion", typ: field.ErrorTypeTypeInvalid}},
		},
		"StorageClassWithoutProvisioner": {
			obj:   func(t *testing.T) map[string]any { return del(obj(t, storageClassYAML), "provisioner") },
			wants: []want{{path: "provisioner", typ: field.ErrorTypeRequired}},
		},
		"SecretUnknownField": {
			obj:   func(t *testing.T) map[string]any { return set(obj(t, secretYAML), "metadata.owner", "me") },
			wants: []want{{path: "metadata.owner", typ: field.ErrorTypeForbidden}},
		},
		"ConfigMapBadName": {
			obj: func(t *testing.T) map[string]any {
				return obj(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_A_Name}\ndata: {a: b}\n")
			},
			wants: []want{{path: "metadata.name", typ: field.ErrorTypeInvalid}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := tc.obj(t)
			check(t, v.Validate(o), tc.wants...)
		})
	}
}
