package cluster_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fakeFinalizer is the finalizer every Crossplane managed resource
// reconciler adds (crossplane-runtime pkg/reconciler/managed).
const fakeFinalizer = "finalizer.managedresource.crossplane.io"

// externalState is what the fake cloud holds for one managed resource.
type externalState string

const (
	externalExists   externalState = "exists"
	externalDeleted  externalState = "deleted"
	externalOrphaned externalState = "orphaned" // left in the cloud on purpose
)

// fakeCloud stands in for what cannot run here: the upjet AWS, GCP and Azure
// providers, provider-helm, and the Karpenter controller. It writes the
// status the real controllers write (Ready/Synced conditions with their
// real reasons, status.atProvider endpoint fields), the connection Secrets
// with the keys each provider writes, and on deletion honours
// deletionPolicy and managementPolicies the way crossplane-runtime does,
// recording what it would have deleted or left in the cloud.
//
// It provisions nothing for an XR until released: until then the XR's
// managed resources stay unready, as a real database does for minutes.
type fakeCloud struct {
	k     *kube
	kinds []schema.GroupVersionKind // managed resources to play the provider for
	karp  []schema.GroupVersionKind // Karpenter objects to play the controller for

	mu       sync.Mutex
	released map[string]bool          // XR names whose resources may become ready
	external map[string]externalState // "kind/namespace/name" -> state
	errs     []string
}

// fakeManaged reports whether a CRD from the upstream folder is a managed
// resource the fake plays the provider for.
func fakeManaged(group string) bool {
	return strings.HasSuffix(group, ".upbound.io") || group == "helm.crossplane.io" || group == "helm.m.crossplane.io"
}

func startFakeCloud(ctx context.Context, t *testing.T, k *kube, crds []*unstructured.Unstructured) *fakeCloud {
	t.Helper()
	f := &fakeCloud{k: k, released: map[string]bool{}, external: map[string]externalState{}}
	for _, c := range crds {
		group, _, _ := unstructured.NestedString(c.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(c.Object, "spec", "names", "kind")
		vs, _, _ := unstructured.NestedSlice(c.Object, "spec", "versions")
		var version string
		for _, v := range vs {
			m, _ := v.(map[string]any)
			if s, _ := m["storage"].(bool); s {
				version, _ = m["name"].(string)
			}
		}
		gvk := schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
		switch {
		case fakeManaged(group):
			f.kinds = append(f.kinds, gvk)
		case group == "karpenter.sh" || group == "karpenter.k8s.aws":
			f.karp = append(f.karp, gvk)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			f.reconcile(ctx)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return f
}

// release lets the resources of an XR become ready.
func (f *fakeCloud) release(xr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released[xr] = true
}

func (f *fakeCloud) state(o *unstructured.Unstructured) externalState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.external[externalKey(o)]
}

func externalKey(o *unstructured.Unstructured) string {
	return o.GetKind() + "/" + o.GetNamespace() + "/" + o.GetName()
}

// errors returns the errors the fake met, for failure reports.
func (f *fakeCloud) errors() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) == 0 {
		return ""
	}
	return "\n----- fake cloud errors (last 20) -----\n" + strings.Join(f.errs[max(0, len(f.errs)-20):], "\n") + "\n"
}

func (f *fakeCloud) fail(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeCloud) reconcile(ctx context.Context) {
	for _, gvk := range f.kinds {
		l, err := f.k.list(ctx, gvk)
		if err != nil {
			f.fail("list %s: %v", gvk, err)
			continue
		}
		for i := range l {
			if err := f.reconcileManaged(ctx, &l[i]); err != nil && ctx.Err() == nil {
				f.fail("%s %s: %v", gvk.Kind, key(&l[i]), err)
			}
		}
	}
	for _, gvk := range f.karp {
		l, err := f.k.list(ctx, gvk)
		if err != nil {
			f.fail("list %s: %v", gvk, err)
			continue
		}
		for i := range l {
			if err := f.reconcileKarpenter(ctx, &l[i]); err != nil && ctx.Err() == nil {
				f.fail("%s %s: %v", gvk.Kind, key(&l[i]), err)
			}
		}
	}
}

// reconcileManaged does for one managed resource what its provider does.
func (f *fakeCloud) reconcileManaged(ctx context.Context, o *unstructured.Unstructured) error {
	if o.GetDeletionTimestamp() != nil {
		return f.deleteManaged(ctx, o)
	}
	if !slices.Contains(o.GetFinalizers(), fakeFinalizer) {
		return f.k.mergePatch(ctx, o, mustJSON(map[string]any{"metadata": map[string]any{
			"finalizers": append(o.GetFinalizers(), fakeFinalizer),
		}}))
	}
	f.mu.Lock()
	released := f.released[o.GetLabels()["crossplane.io/composite"]]
	f.external[externalKey(o)] = externalExists
	f.mu.Unlock()

	now := time.Now().UTC().Format(time.RFC3339)
	gen := o.GetGeneration()
	synced := map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": now, "observedGeneration": gen}
	ready := map[string]any{"type": "Ready", "status": "False", "reason": "Creating", "lastTransitionTime": now, "observedGeneration": gen}
	status := map[string]any{"conditions": []any{synced, ready}}
	if released {
		ready["status"], ready["reason"] = "True", "Available"
		status["atProvider"] = atProvider(o)
		if err := f.writeSecrets(ctx, o); err != nil {
			return err
		}
		if err := f.createReleaseNamespace(ctx, o); err != nil {
			return err
		}
	}
	if s, r, _ := condition(o, "Ready"); s == ready["status"] && r == ready["reason"] && observedGeneration(o, "Synced") == gen {
		return nil // nothing new to say; keep lastTransitionTime
	}
	return f.k.mergePatchStatus(ctx, o, mustJSON(map[string]any{"status": status}))
}

// deleteManaged deletes the external resource unless the managed resource
// says to keep it: deletionPolicy Orphan, or management policies without
// Delete (crossplane-runtime's managed reconciler).
func (f *fakeCloud) deleteManaged(ctx context.Context, o *unstructured.Unstructured) error {
	if !slices.Contains(o.GetFinalizers(), fakeFinalizer) {
		return nil
	}
	state := externalDeleted
	if policy, _, _ := unstructured.NestedString(o.Object, "spec", "deletionPolicy"); policy == "Orphan" {
		state = externalOrphaned
	}
	if mp, ok, _ := unstructured.NestedStringSlice(o.Object, "spec", "managementPolicies"); ok &&
		!slices.Contains(mp, "*") && !slices.Contains(mp, "Delete") {
		state = externalOrphaned
	}
	f.mu.Lock()
	f.external[externalKey(o)] = state
	f.mu.Unlock()
	fins := slices.DeleteFunc(slices.Clone(o.GetFinalizers()), func(s string) bool { return s == fakeFinalizer })
	return f.k.mergePatch(ctx, o, mustJSON(map[string]any{"metadata": map[string]any{"finalizers": fins}}))
}

// atProvider returns the observed fields each provider reports once the
// external resource exists; the function reads the database endpoints from
// these (status.atProvider.address for RDS, privateIpAddress for Cloud SQL,
// fqdn for Azure).
func atProvider(o *unstructured.Unstructured) map[string]any {
	n := o.GetName()
	switch o.GetKind() {
	case "Instance": // rds.aws: provider-upjet-aws
		host := n + ".c9akciq32.us-east-1.rds.amazonaws.com"
		return map[string]any{"id": n, "arn": "arn:aws:rds:us-east-1:123456789012:db:" + n,
			"address": host, "endpoint": host + ":5432", "port": 5432, "status": "available"}
	case "SubnetGroup":
		return map[string]any{"id": n, "arn": "arn:aws:rds:us-east-1:123456789012:subgrp:" + n}
	case "DatabaseInstance": // sql.gcp: provider-upjet-gcp
		return map[string]any{"id": n, "connectionName": "spaces-project:us-central1:" + n,
			"privateIpAddress": "10.20.0.5", "publicIpAddress": "", "selfLink": "https://sqladmin.googleapis.com/sql/v1beta4/projects/spaces-project/instances/" + n}
	case "FlexibleServer": // dbforpostgresql.azure: provider-upjet-azure
		return map[string]any{"id": "/subscriptions/0/resourceGroups/spaces-rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + n,
			"fqdn": n + ".postgres.database.azure.com"}
	case "Release": // provider-helm
		return map[string]any{"state": "deployed", "revision": 1, "releaseDescription": "Install complete"}
	default:
		return map[string]any{"id": n}
	}
}

// writeSecrets writes the Secrets the provider writes for o: a generated
// password where autoGeneratePassword asks for one, and the connection
// Secret with the keys that provider really writes (see FACTS: RDS endpoint
// host:port, address, port, username, password; Cloud SQL connection name,
// IPs and CA, no credentials; Azure username with an @server suffix).
func (f *fakeCloud) writeSecrets(ctx context.Context, o *unstructured.Unstructured) error {
	fp := func(path ...string) string {
		s, _, _ := unstructured.NestedString(o.Object, append([]string{"spec", "forProvider"}, path...)...)
		return s
	}
	password := ""
	if gen, _, _ := unstructured.NestedBool(o.Object, "spec", "forProvider", "autoGeneratePassword"); gen {
		for _, ref := range []string{"passwordSecretRef", "administratorPasswordSecretRef"} {
			name := fp(ref, "name")
			if name == "" {
				continue
			}
			ns := fp(ref, "namespace")
			if ns == "" {
				ns = o.GetNamespace()
			}
			existing, err := f.k.get(ctx, gvkSecret, ns, name)
			if err != nil {
				return err
			}
			if existing == nil {
				password = randomPassword()
				if err := f.k.apply(ctx, secretObject(ns, name, map[string]string{fp(ref, "key"): password})); err != nil {
					return err
				}
			}
		}
	}
	if password == "" {
		password = randomPassword()
	}
	name, _, _ := unstructured.NestedString(o.Object, "spec", "writeConnectionSecretToRef", "name")
	if name == "" {
		return nil
	}
	ns, _, _ := unstructured.NestedString(o.Object, "spec", "writeConnectionSecretToRef", "namespace")
	if ns == "" {
		ns = o.GetNamespace()
	}
	if existing, err := f.k.get(ctx, gvkSecret, ns, name); err != nil || existing != nil {
		return err
	}
	var data map[string]string
	at := atProvider(o)
	switch o.GetKind() {
	case "Instance":
		data = map[string]string{"endpoint": at["endpoint"].(string), "address": at["address"].(string),
			"port": "5432", "username": fp("username"), "password": password}
	case "DatabaseInstance":
		data = map[string]string{"connectionName": at["connectionName"].(string), "privateIP": at["privateIpAddress"].(string),
			"serverCACertificateCert":       "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n",
			"serverCACertificateCommonName": "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA"}
	case "FlexibleServer":
		data = map[string]string{"username": fp("administratorLogin") + "@" + o.GetName(), "password": password,
			"endpoint": at["fqdn"].(string), "port": "5432"}
	default:
		data = map[string]string{}
	}
	return f.k.apply(ctx, secretObject(ns, name, data))
}

// createReleaseNamespace creates the namespace of a Release, as Helm does
// unless skipCreateNamespace is set: Objects for that namespace (the Query
// API credentials, the alerts) wait for it, as they do in a real Space. It
// also creates the chart's router Service there, which the function
// observes (an Observe-only Object) once the Release is ready; with no
// load balancer controller here it has no address.
func (f *fakeCloud) createReleaseNamespace(ctx context.Context, o *unstructured.Unstructured) error {
	if o.GetKind() != "Release" {
		return nil
	}
	if skip, _, _ := unstructured.NestedBool(o.Object, "spec", "forProvider", "skipCreateNamespace"); skip {
		return nil
	}
	ns, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "namespace")
	if ns == "" {
		ns = o.GetNamespace()
	}
	if ns == "" {
		return nil
	}
	if err := f.k.apply(ctx, namespace(ns)); err != nil {
		return err
	}
	return f.k.apply(ctx, routerService(ns))
}

// routerService is the Spaces chart's router Service (spaces-router).
func routerService(ns string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "spaces-router", "namespace": ns},
		"spec": map[string]any{
			"type":     "ClusterIP",
			"selector": map[string]any{"app": "spaces-router"},
			"ports":    []any{map[string]any{"name": "https", "port": int64(8443), "protocol": "TCP"}},
		},
	}}
}

// reconcileKarpenter reports NodePools and EC2NodeClasses Ready the way
// Karpenter does once it has validated them.
func (f *fakeCloud) reconcileKarpenter(ctx context.Context, o *unstructured.Unstructured) error {
	if s, _, _ := condition(o, "Ready"); s == "True" {
		return nil
	}
	now := time.Now().UTC().Format(time.RFC3339)
	cond := func(t string) map[string]any {
		return map[string]any{"type": t, "status": "True", "reason": t, "lastTransitionTime": now, "observedGeneration": o.GetGeneration(), "message": ""}
	}
	conds := []any{cond("ValidationSucceeded"), cond("Ready")}
	if o.GetKind() == "NodePool" {
		conds = append(conds, cond("NodeClassReady"))
	}
	return f.k.mergePatchStatus(ctx, o, mustJSON(map[string]any{"status": map[string]any{"conditions": conds}}))
}

func secretObject(ns, name string, data map[string]string) *unstructured.Unstructured {
	sd := map[string]any{}
	for k, v := range data {
		sd[k] = v
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"stringData": sd,
	}}
}

func randomPassword() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// observedGeneration returns the observedGeneration of a condition.
func observedGeneration(o *unstructured.Unstructured, typ string) int64 {
	cs, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range cs {
		m, _ := c.(map[string]any)
		if m["type"] != typ {
			continue
		}
		switch v := m["observedGeneration"].(type) {
		case int64:
			return v
		case float64:
			return int64(v)
		}
	}
	return 0
}
