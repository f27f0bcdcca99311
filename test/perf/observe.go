package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// The observed state below is shaped the way the API server, Crossplane and
// each provider write it, so the steady-state request is as large and as
// nested as a real one:
//   - every object: uid, resourceVersion, generation, creationTimestamp,
//     finalizers, the crossplane.io/composite label, the owner reference to
//     the XR and the composition-resource-name annotation (crossplane
//     internal/xresource/composed.go);
//   - managed resources: the external-name and external-create annotations
//     and Ready/Synced conditions (crossplane-runtime pkg/reconciler/managed),
//     spec defaults (managementPolicies, deletionPolicy, providerConfigRef);
//   - upjet resources: status.atProvider repeats forProvider with the
//     cloud's computed attributes, forProvider carries the late-initialized
//     ones, and the LastAsyncOperation condition (upjet pkg/resource);
//   - provider-kubernetes Objects: status.atProvider.manifest is the object
//     read back from the cluster, with its own metadata and status
//     (provider-kubernetes internal/controller/object);
//   - provider-helm Releases: status.atProvider.{state,revision,...},
//     failed, synced and patchesSha (provider-helm apis/release);
//   - metadata.managedFields of every field owner: Crossplane does not strip
//     them (crossplane internal/xfn AsStruct sends the object as cached).

// The time every observed object was created and became ready.
const (
	created = "2026-11-30T09:12:41Z"
	readyAt = "2026-11-30T09:19:03Z"
)

// xrState is the XR as it evolves over the reconciles of a capture.
type xrState struct {
	xr  map[string]any
	uid string
}

func newXRState(xr map[string]any) *xrState {
	return &xrState{xr: xr, uid: uid("xr/" + str(xr, "metadata", "name"))}
}

func (x *xrState) name() string      { return str(x.xr, "metadata", "name") }
func (x *xrState) namespace() string { return str(x.xr, "metadata", "namespace") }

// observedXR is the XR as the API server returns it after Crossplane has
// reconciled it with rsp: the function's desired status applied, and the
// composed resources referenced. With rsp nil it is the XR just created.
func (x *xrState) observedXR(rsp *fnv1.RunFunctionResponse) map[string]any {
	o := deepCopy(x.xr)
	md := obj(o, "metadata")
	md["uid"] = x.uid
	md["creationTimestamp"] = created
	md["generation"] = int64(1)
	md["resourceVersion"] = "4182"
	md["labels"] = merge(obj(md, "labels"), map[string]any{"crossplane.io/composite": x.name()})
	if rsp == nil {
		md["managedFields"] = managedFields(x.xr, o, "kubectl", "apiextensions.crossplane.io/composite")
		return o
	}
	md["resourceVersion"] = "4913"
	md["finalizers"] = []any{"composite.apiextensions.crossplane.io"}
	spec := obj(o, "spec")
	refs := []any{}
	for _, k := range sortedKeys(rsp.GetDesired().GetResources()) {
		r := rsp.GetDesired().GetResources()[k].GetResource().AsMap()
		refs = append(refs, map[string]any{"apiVersion": r["apiVersion"], "kind": r["kind"], "name": x.composedName(k, r)})
	}
	spec["crossplane"] = map[string]any{
		"compositionRef":          map[string]any{"name": "xspacescalings.spacescaling.crossplane.io"},
		"compositionRevisionRef":  map[string]any{"name": "xspacescalings.spacescaling.crossplane.io-4f2a9c1"},
		"compositionUpdatePolicy": "Automatic",
		"resourceRefs":            refs,
	}
	st := map[string]any{}
	if s, ok := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any); ok {
		st = deepCopy(s)
	}
	conds := []any{
		condition("Synced", "True", "ReconcileSuccess", ""),
		condition("Ready", "True", "Available", ""),
	}
	for _, c := range rsp.GetConditions() {
		conds = append(conds, condition(c.GetType(), strings.TrimPrefix(c.GetStatus().String(), "STATUS_CONDITION_"), c.GetReason(), c.GetMessage()))
	}
	st["conditions"] = fixStatus(conds)
	o["status"] = st
	md["managedFields"] = managedFields(x.xr, o, "kubectl", "apiextensions.crossplane.io/composite")
	return o
}

// fixStatus turns the proto enum names TRUE/FALSE into True/False.
func fixStatus(conds []any) []any {
	for _, c := range conds {
		m := c.(map[string]any)
		switch m["status"] {
		case "TRUE":
			m["status"] = "True"
		case "FALSE":
			m["status"] = "False"
		}
	}
	return conds
}

// composedName is the name a composed resource has in the cluster: its own,
// or one Crossplane generates from the XR's.
func (x *xrState) composedName(key string, r map[string]any) string {
	if n := str(r, "metadata", "name"); n != "" {
		return n
	}
	return x.name() + "-" + uid(key)[:5]
}

// observe is every resource rsp composes, as the cluster reports it once
// created and ready.
func (x *xrState) observe(rsp *fnv1.RunFunctionResponse) []map[string]any {
	res := rsp.GetDesired().GetResources()
	out := make([]map[string]any, 0, len(res))
	for _, k := range sortedKeys(res) {
		out = append(out, x.observeOne(k, res[k].GetResource().AsMap()))
	}
	return out
}

func (x *xrState) observeOne(key string, d map[string]any) map[string]any {
	o := deepCopy(d)
	name := x.composedName(key, d)
	md := obj(o, "metadata")
	delete(md, "generateName")
	md["name"] = name
	md["uid"] = uid(key + "/" + name)
	md["creationTimestamp"] = created
	md["generation"] = int64(1)
	md["resourceVersion"] = fmt.Sprint(5000 + len(key)*17)
	md["annotations"] = merge(obj(md, "annotations"), map[string]any{"crossplane.io/composition-resource-name": key})
	md["labels"] = merge(obj(md, "labels"), map[string]any{"crossplane.io/composite": x.name()})
	md["ownerReferences"] = []any{map[string]any{
		"apiVersion": x.xr["apiVersion"], "kind": x.xr["kind"], "name": x.name(), "uid": x.uid,
		"controller": true, "blockOwnerDeletion": true,
	}}
	group, _, _ := strings.Cut(fmt.Sprint(o["apiVersion"]), "/")
	switch {
	case strings.HasPrefix(group, "kubernetes.") && strings.HasSuffix(group, "crossplane.io"):
		x.managed(o, name, false)
		x.object(o)
	case strings.HasPrefix(group, "helm.") && strings.HasSuffix(group, "crossplane.io"):
		x.managed(o, name, false)
		release(o)
	case strings.HasSuffix(group, ".upbound.io"):
		x.managed(o, name, true)
		upjet(o, name, x.namespace())
	default:
		// A plain manifest (Direct delivery): only the API server's fields.
		manifestStatus(o)
	}
	md["managedFields"] = managedFields(d, o, "apiextensions.crossplane.io/composed/"+uid(key)[:8], "provider")
	return o
}

// managedFields are the entries the API server keeps: the fields Crossplane
// applied (from the desired object), those the controller updated
// (everything else in metadata and spec) and the status it wrote.
func managedFields(applied, observed map[string]any, applier, controller string) []any {
	entry := func(manager, op, sub string, fields map[string]any) map[string]any {
		e := map[string]any{
			"apiVersion": observed["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": fields,
			"manager": manager, "operation": op, "time": readyAt,
		}
		if sub != "" {
			e["subresource"] = sub
		}
		return e
	}
	appliedSet := map[string]any{}
	for _, k := range []string{"metadata", "spec"} {
		if v, ok := applied[k]; ok {
			appliedSet["f:"+k] = fieldSet(v)
		}
	}
	updated := map[string]any{"f:metadata": fieldSet(map[string]any{
		"annotations": obj(obj(observed, "metadata"), "annotations"), "finalizers": []any{},
	})}
	if sp, ok := observed["spec"].(map[string]any); ok {
		// The controller owns what it added: defaults and late-initialized fields.
		applied, _ := appliedSet["f:spec"].(map[string]any)
		if d := without(fieldSet(sp), applied); len(d) > 0 {
			updated["f:spec"] = d
		}
	}
	out := []any{entry(applier, "Apply", "", appliedSet), entry(controller, "Update", "", updated)}
	if st, ok := observed["status"]; ok {
		out = append(out, entry(controller, "Update", "status", map[string]any{"f:status": fieldSet(st)}))
	}
	return out
}

// without is the part of set a that set b does not hold.
func without(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		bv, ok := b[k]
		if !ok {
			out[k] = v
			continue
		}
		am, _ := v.(map[string]any)
		bm, _ := bv.(map[string]any)
		if d := without(am, bm); len(d) > 0 {
			out[k] = d
		}
	}
	return out
}

// fieldSet is v's structure as a FieldsV1 set: f:<key> per object field,
// "." for scalars and lists.
func fieldSet(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return map[string]any{}
	}
	out := make(map[string]any, len(m)+1)
	out["."] = map[string]any{}
	for k, e := range m {
		out["f:"+k] = fieldSet(e)
	}
	return out
}

// managed adds what crossplane-runtime writes on every managed resource.
func (x *xrState) managed(o map[string]any, name string, async bool) {
	md := obj(o, "metadata")
	md["finalizers"] = []any{"finalizer.managedresource.crossplane.io"}
	md["annotations"] = merge(obj(md, "annotations"), map[string]any{
		"crossplane.io/external-name":             name,
		"crossplane.io/external-create-pending":   created,
		"crossplane.io/external-create-succeeded": created,
	})
	spec := obj(o, "spec")
	if _, ok := spec["managementPolicies"]; !ok {
		spec["managementPolicies"] = []any{"*"}
	}
	if _, ok := spec["deletionPolicy"]; !ok && x.namespace() == "" {
		spec["deletionPolicy"] = "Delete"
	}
	if _, ok := spec["providerConfigRef"]; !ok {
		spec["providerConfigRef"] = map[string]any{"name": "default"}
	}
	conds := []any{
		condition("Ready", "True", "Available", ""),
		condition("Synced", "True", "ReconcileSuccess", ""),
	}
	if async {
		conds = append(conds, condition("LastAsyncOperation", "True", "Success", ""))
	}
	st := obj(o, "status")
	st["conditions"] = conds
}

// object is a provider-kubernetes Object: the manifest read back.
func (x *xrState) object(o map[string]any) {
	spec := obj(o, "spec")
	if _, ok := spec["readiness"]; !ok {
		spec["readiness"] = map[string]any{"policy": "SuccessfulCreate"}
	}
	if _, ok := spec["watch"]; !ok {
		spec["watch"] = false
	}
	m, _ := obj(spec, "forProvider")["manifest"].(map[string]any)
	if m == nil {
		return
	}
	seen := deepCopy(m)
	mmd := obj(seen, "metadata")
	name := str(seen, "metadata", "name")
	mmd["uid"] = uid("manifest/" + name)
	mmd["creationTimestamp"] = created
	mmd["generation"] = int64(1)
	mmd["resourceVersion"] = fmt.Sprint(7000 + len(name)*13)
	manifestStatus(seen)
	obj(o, "status")["atProvider"] = map[string]any{"manifest": seen}
}

// manifestStatus adds the status the in-cluster controllers write on the
// kinds the function composes.
func manifestStatus(m map[string]any) {
	md := obj(m, "metadata")
	if _, ok := md["uid"]; !ok {
		name := str(m, "metadata", "name")
		md["uid"] = uid("direct/" + name)
		md["creationTimestamp"] = created
		md["resourceVersion"] = fmt.Sprint(7100 + len(name)*13)
	}
	switch m["kind"] {
	case "Service": // the chart's router Service behind its load balancer (observed, never applied)
		m["spec"] = map[string]any{
			"type": "LoadBalancer", "clusterIP": "10.100.42.17", "externalTrafficPolicy": "Cluster",
			"ports":    []any{map[string]any{"name": "https", "port": int64(443), "protocol": "TCP", "targetPort": "https", "nodePort": int64(31443)}},
			"selector": map[string]any{"app": "spaces-router"},
		}
		m["status"] = map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "203.0.113.10", "ipMode": "VIP"}}}}
	case "NodePool": // karpenter.sh
		m["status"] = map[string]any{
			"conditions": []any{
				k8sCondition("NodeClassReady"), k8sCondition("NodeRegistrationHealthy"),
				k8sCondition("ValidationSucceeded"), k8sCondition("Ready"),
			},
			"nodeClassObservedGeneration": int64(1),
			"resources":                   map[string]any{"cpu": "24", "ephemeral-storage": "314467264Ki", "memory": "96281796Ki", "nodes": "3", "pods": "174"},
		}
	case "EC2NodeClass": // karpenter.k8s.aws
		subnets := []any{}
		for i, z := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
			subnets = append(subnets, map[string]any{"id": fmt.Sprintf("subnet-0%d4c1e9a7b3f2d68", i), "zone": z, "zoneID": fmt.Sprintf("use1-az%d", i+1)})
		}
		m["status"] = map[string]any{
			"amis": []any{
				map[string]any{"id": "ami-0c4e1f7d2b9a83e51", "name": "amazon-eks-node-al2023-x86_64-standard-1.31-v20261120", "requirements": []any{
					map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"amd64"}},
				}},
				map[string]any{"id": "ami-07b9e3d1a5c2f4e80", "name": "amazon-eks-node-al2023-arm64-standard-1.31-v20261120", "requirements": []any{
					map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"arm64"}},
				}},
			},
			"conditions": []any{
				k8sCondition("AMIsReady"), k8sCondition("InstanceProfileReady"), k8sCondition("SecurityGroupsReady"),
				k8sCondition("SubnetsReady"), k8sCondition("ValidationSucceeded"), k8sCondition("Ready"),
			},
			"instanceProfile": "spaces-prod_1893450276134501291",
			"securityGroups":  []any{map[string]any{"id": "sg-0e5d7a2c9b1f3e486", "name": "eks-cluster-sg-spaces-prod-1468392037"}},
			"subnets":         subnets,
		}
	}
}

func k8sCondition(t string) map[string]any {
	return map[string]any{"type": t, "status": "True", "reason": t, "message": "", "lastTransitionTime": readyAt, "observedGeneration": int64(1)}
}

// release is what provider-helm reports for an installed release.
func release(o map[string]any) {
	st := obj(o, "status")
	st["atProvider"] = map[string]any{"releaseDescription": "Install complete", "revision": int64(1), "state": "deployed"}
	st["failed"] = int64(0)
	st["synced"] = true
	st["patchesSha"] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}

// upjet mirrors forProvider into atProvider with the cloud's computed
// attributes, and late-initializes forProvider from them.
func upjet(o map[string]any, name, namespace string) {
	spec := obj(o, "spec")
	fp := obj(spec, "forProvider")
	if _, ok := spec["initProvider"]; !ok {
		spec["initProvider"] = map[string]any{}
	}
	computed, lateInit := attributes(fmt.Sprint(o["kind"]), name, fp)
	at := deepCopy(fp)
	for _, k := range []string{"passwordSecretRef", "masterPasswordSecretRef", "administratorPasswordSecretRef"} {
		delete(at, k) // secrets never appear in atProvider
	}
	maps.Copy(at, lateInit)
	maps.Copy(at, computed)
	for k, v := range lateInit {
		if _, ok := fp[k]; !ok {
			fp[k] = v
		}
	}
	st := obj(o, "status")
	st["atProvider"] = at
	_ = namespace
}

// attributes are the attributes a provider reads back for a kind: computed
// ones (status only) and those late-initialized into forProvider too.
func attributes(kind, name string, fp map[string]any) (computed, lateInit map[string]any) {
	region, _ := fp["region"].(string)
	id := name
	switch kind {
	case "Instance": // rds.aws.upbound.io
		host := name + ".c9akciq32.rds." + region + ".amazonaws.com"
		computed = map[string]any{
			"address": host, "endpoint": host + ":5432", "hostedZoneId": "Z2R2ITUGPM61AM",
			"arn": "arn:aws:rds:" + region + ":123456789012:db:" + name, "id": "db-7QKZPX3JLTN5ABCDEF2GHIJKLM",
			"resourceId": "db-7QKZPX3JLTN5ABCDEF2GHIJKLM", "status": "available", "engineVersionActual": "16.4",
			"latestRestorableTime": readyAt, "listenerEndpoint": []any{},
			"masterUserSecret": []any{map[string]any{
				"kmsKeyId":     "arn:aws:kms:" + region + ":123456789012:key/5b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
				"secretArn":    "arn:aws:secretsmanager:" + region + ":123456789012:secret:rds!db-7qkzpx3j-AbCdEf",
				"secretStatus": "active",
			}},
			"tagsAll": fp["tags"],
		}
		lateInit = map[string]any{
			"availabilityZone": region + "a", "caCertIdentifier": "rds-ca-rsa2048-g1", "copyTagsToSnapshot": false,
			"dbName": "postgres", "engineLifecycleSupport": "open-source-rds-extended-support", "iops": float64(3000),
			"licenseModel": "postgresql-license", "maintenanceWindow": "sun:05:32-sun:06:02", "backupWindow": "07:47-08:17",
			"monitoringInterval": float64(0), "networkType": "IPV4", "optionGroupName": "default:postgres-16",
			"parameterGroupName": "default.postgres16", "performanceInsightsRetentionPeriod": float64(7),
			"port": float64(5432), "storageThroughput": float64(125), "vpcSecurityGroupIds": fp["vpcSecurityGroupIds"],
		}
	case "SubnetGroup":
		computed = map[string]any{"arn": "arn:aws:rds:" + region + ":123456789012:subgrp:" + name, "id": name,
			"supportedNetworkTypes": []any{"IPV4"}, "vpcId": "vpc-0a1b2c3d4e5f60718", "tagsAll": fp["tags"]}
		lateInit = map[string]any{"description": "Managed by Crossplane"}
	case "DatabaseInstance": // sql.gcp.upbound.io
		computed = map[string]any{
			"connectionName": "spaces-prod:" + region + ":" + name, "dnsName": "", "firstIpAddress": "10.84.0.3",
			"id": name, "privateIpAddress": "10.84.0.3", "publicIpAddress": "",
			"ipAddress":                  []any{map[string]any{"ipAddress": "10.84.0.3", "timeToRetire": "", "type": "PRIVATE"}},
			"selfLink":                   "https://sqladmin.googleapis.com/sql/v1beta4/projects/spaces-prod/instances/" + name,
			"serviceAccountEmailAddress": "p123456789012-abcdef@gcp-sa-cloud-sql.iam.gserviceaccount.com",
			"maintenanceVersion":         "POSTGRES_16_4.R20241020.01_07", "availableMaintenanceVersions": []any{},
		}
		lateInit = map[string]any{"project": "spaces-prod"}
	case "Database", "User":
		computed = map[string]any{"id": "projects/spaces-prod/instances/" + name + "/" + strings.ToLower(kind) + "s/" + name}
		lateInit = map[string]any{"project": "spaces-prod"}
	case "NodePool": // container.gcp.upbound.io
		urls := []any{}
		for _, z := range []string{"a", "b", "c"} {
			urls = append(urls, "https://www.googleapis.com/compute/v1/projects/spaces-prod/zones/"+region+"-"+z+"/instanceGroupManagers/gke-spaces-prod-"+name+"-grp")
		}
		computed = map[string]any{"id": "projects/spaces-prod/locations/" + region + "/clusters/spaces-prod/nodePools/" + name,
			"instanceGroupUrls": urls, "managedInstanceGroupUrls": urls, "operation": "", "version": "1.31.5-gke.1023000"}
		lateInit = map[string]any{"project": "spaces-prod", "maxPodsPerNode": float64(110), "nodeLocations": fp["nodeLocations"],
			"upgradeSettings": []any{map[string]any{"maxSurge": float64(1), "maxUnavailable": float64(0), "strategy": "SURGE"}}}
	case "FlexibleServer": // dbforpostgresql.azure.upbound.io
		computed = map[string]any{"fqdn": name + ".postgres.database.azure.com",
			"id":                         "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name,
			"publicNetworkAccessEnabled": false, "replicaCapacity": float64(5)}
		lateInit = map[string]any{"autoGrowEnabled": false, "geoRedundantBackupEnabled": false, "storageTier": "P15"}
	case "KubernetesClusterNodePool":
		computed = map[string]any{"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/spaces-prod/providers/Microsoft.ContainerService/managedClusters/spaces-prod/agentPools/" + name}
		lateInit = map[string]any{"kubeletDiskType": "OS", "maxPods": float64(30), "osDiskType": "Managed", "osSku": "Ubuntu",
			"osType": "Linux", "scaleDownMode": "Delete", "orchestratorVersion": "1.31.5", "nodePublicIpEnabled": false,
			"upgradeSettings": []any{map[string]any{"maxSurge": "10%", "drainTimeoutInMinutes": float64(0), "nodeSoakDurationInMinutes": float64(0)}}}
	default:
		computed = map[string]any{"id": id}
	}
	return computed, lateInit
}

func condition(t, status, reason, msg string) map[string]any {
	c := map[string]any{"type": t, "status": status, "reason": reason, "lastTransitionTime": readyAt, "observedGeneration": int64(1)}
	if msg != "" {
		c["message"] = msg
	}
	return c
}

// uid is a stable UUID-shaped string for s.
func uid(s string) string {
	h := sha256.Sum256([]byte(s))
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func obj(m map[string]any, k string) map[string]any {
	if v, ok := m[k].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[k] = v
	return v
}

func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}

func merge(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, b)
	return out
}

func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return v
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
