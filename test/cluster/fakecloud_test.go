package cluster_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fakeCreateDuration is how long a create takes at least, once the XR is
// released: a resource composed to replace another is not Ready at once.
const fakeCreateDuration = 5 * time.Second

// fakeWorkers is how many resources the fake reconciles at once: a cloud
// provider's controllers reconcile many resources concurrently
// (--max-reconcile-rate), and one at a time makes the fake, not the
// function, the bottleneck of a load of dozens of XRs.
const fakeWorkers = 8

// fakeRecheck is how long the fake leaves a settled resource alone while
// nothing in it changes: its poll interval. A change of the resource
// (a new resourceVersion) is seen at the next pass.
const fakeRecheck = 20 * time.Second

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
	released map[string]bool            // XR names whose resources may become ready
	external map[string]*externalRecord // "kind/namespace/name" -> what the cloud holds
	cycles   []*cycleRecord             // every AKS node pool cycle, in order
	writes   map[string]int             // status writes per resource and generation
	settled  map[string]settledAt       // "kind/namespace/name" -> when it had nothing left to do
	errs     []string
}

// settledAt is the resourceVersion at which a resource had nothing left for
// the fake to do, and when.
type settledAt struct {
	rv string
	at time.Time
}

// fakeManaged reports whether a CRD from the upstream folder is a managed
// resource the fake plays the provider for.
func fakeManaged(group string) bool {
	return strings.HasSuffix(group, ".upbound.io") || group == "helm.crossplane.io" || group == "helm.m.crossplane.io"
}

func startFakeCloud(ctx context.Context, t *testing.T, k *kube, crds []*unstructured.Unstructured) *fakeCloud {
	t.Helper()
	f := &fakeCloud{k: k, released: map[string]bool{}, external: map[string]*externalRecord{}, writes: map[string]int{}, settled: map[string]settledAt{}}
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
	if r := f.external[externalKey(o)]; r != nil {
		return r.state
	}
	return ""
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
	type item struct {
		o       *unstructured.Unstructured
		managed bool
	}
	var items []item
	for _, gvk := range f.kinds {
		l, err := f.k.list(ctx, gvk)
		if err != nil {
			f.fail("list %s: %v", gvk, err)
			continue
		}
		for i := range l {
			if !f.isSettled(&l[i]) {
				items = append(items, item{o: &l[i], managed: true})
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
			items = append(items, item{o: &l[i]})
		}
	}
	// Each resource appears once in a pass, so no two workers reconcile
	// the same one; what they share is behind f.mu.
	work := make(chan item)
	var wg sync.WaitGroup
	for range fakeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				var err error
				if it.managed {
					var settled bool
					settled, err = f.reconcileManaged(ctx, it.o)
					if settled && err == nil {
						f.settle(it.o)
					}
				} else {
					err = f.reconcileKarpenter(ctx, it.o)
				}
				if err != nil && ctx.Err() == nil {
					f.fail("%s %s: %v", it.o.GetKind(), key(it.o), err)
				}
			}
		}()
	}
	for _, it := range items {
		work <- it
	}
	close(work)
	wg.Wait()
}

// isSettled reports whether a resource had nothing left to do at this
// resourceVersion less than fakeRecheck ago.
func (f *fakeCloud) isSettled(o *unstructured.Unstructured) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.settled[externalKey(o)]
	return ok && s.rv == o.GetResourceVersion() && time.Since(s.at) < fakeRecheck
}

func (f *fakeCloud) settle(o *unstructured.Unstructured) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settled[externalKey(o)] = settledAt{rv: o.GetResourceVersion(), at: time.Now()}
}

// reconcileManaged does for one managed resource what its provider does:
// generate its password (an upjet initializer, before anything else), create
// the external resource, and on a later change of spec.forProvider update it
// the way upjet does (upjet_test.go): refuse a ForceNew change, fail an update
// azurerm fails, cycle an AKS node pool, or apply the change in place.
func (f *fakeCloud) reconcileManaged(ctx context.Context, o *unstructured.Unstructured) (settled bool, err error) {
	if o.GetDeletionTimestamp() != nil {
		return false, f.deleteManaged(ctx, o)
	}
	if !slices.Contains(o.GetFinalizers(), fakeFinalizer) {
		return false, f.k.mergePatch(ctx, o, mustJSON(map[string]any{"metadata": map[string]any{
			"finalizers": append(o.GetFinalizers(), fakeFinalizer),
		}}))
	}
	if err := f.generatePasswords(ctx, o); err != nil {
		return false, err
	}
	fp, _, _ := unstructured.NestedMap(o.Object, "spec", "forProvider")
	desired := normalizeMap(parameters(fp))
	kind := o.GetKind()

	f.mu.Lock()
	released := f.released[o.GetLabels()["crossplane.io/composite"]]
	rec := f.external[externalKey(o)]
	switch {
	case rec == nil || rec.state == externalDeleted:
		rec = &externalRecord{state: externalExists, params: filledIn(kind, nil, desired), created: time.Now()}
		f.external[externalKey(o)] = rec
	case rec.state == externalOrphaned:
		// Observed again under the same external name: adopted, with
		// what the cloud still has.
		rec.state = externalExists
	}
	failure := ""
	if time.Since(rec.created) < fakeCreateDuration {
		released = false // a create takes a while even once released
	}
	switch {
	case !released:
		// Still being created: the create applies the latest spec.
		rec.params = filledIn(kind, rec.params, desired)
	case rec.cycle != nil && time.Since(rec.cycle.Start) < aksCycleDuration:
		// An async update runs: upjet's Observe reports the resource up
		// to date and leaves its status as it is.
		f.mu.Unlock()
		return false, nil
	default:
		if rec.cycle != nil {
			rec.cycle.End = time.Now()
			rec.params, rec.cycle = rec.cycleTo, nil
		}
		if diff := differs(kind, rec.params, desired); len(diff) > 0 {
			group := o.GroupVersionKind().Group
			switch fields := aksCyclesOf(kind, rec.params, desired); {
			case forceNewChange(group, kind, rec.params, desired) != "":
				failure = forceNewMessage(forceNewChange(group, kind, rec.params, desired))
			case kind == "FlexibleServer" && flexibleServerZoneError(rec.params, desired) != "":
				failure = flexibleServerZoneError(rec.params, desired)
			case len(fields) > 0:
				c := &cycleRecord{XR: o.GetLabels()["crossplane.io/composite"], Name: o.GetName(),
					Resource: o.GetAnnotations()["crossplane.io/composition-resource-name"], Fields: fields, Start: time.Now()}
				rec.cycle, rec.cycleTo = c, filledIn(kind, rec.params, desired)
				f.cycles = append(f.cycles, c)
				f.mu.Unlock()
				return false, nil
			default:
				rec.params = filledIn(kind, rec.params, desired)
				rec.revision++
			}
		}
	}
	params, revision := rec.params, rec.revision
	f.mu.Unlock()

	status := map[string]any{"conditions": f.conditions(o, released, failure)}
	if released && failure == "" {
		at := atProvider(o)
		for k, v := range observedParams(kind, params) {
			at[k] = v
		}
		if kind == "Release" {
			at["revision"] = revision + 1
		}
		status["atProvider"] = at
		if err := f.writeSecrets(ctx, o); err != nil {
			return false, err
		}
	}
	if failure == "" {
		// Helm creates the release's namespace and applies the chart's
		// manifests when the install starts; the Release is Ready once
		// they are.
		if err := f.createReleaseNamespace(ctx, o); err != nil {
			return false, err
		}
	}
	if !saysNew(o, status) {
		// Nothing new to say; keep lastTransitionTime. Created, with
		// nothing failing: settled until the resource changes.
		return released && failure == "", nil
	}
	f.countWrite(o)
	return false, f.k.mergePatchStatus(ctx, o, mustJSON(map[string]any{"status": status}))
}

// countWrite notes a status write; a resource written at every pass for
// one generation means the fake says something the API server does not
// keep (a field the CRD prunes), which would churn the XR: reported once.
func (f *fakeCloud) countWrite(o *unstructured.Unstructured) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fmt.Sprintf("%s@%d", externalKey(o), o.GetGeneration())
	f.writes[k]++
	if f.writes[k] == 20 {
		f.errs = append(f.errs, fmt.Sprintf("%s %s: status written 20 times for generation %d: what the fake writes does not stick", o.GetKind(), key(o), o.GetGeneration()))
	}
}

// externalRecord is what the fake cloud holds for one managed resource.
type externalRecord struct {
	state externalState
	// params are the parameters last applied, normalized, with what the
	// cloud filled in.
	params map[string]any
	// revision counts the updates applied in place (a Release's revision).
	revision int64
	// created is when the fake first saw the managed resource.
	created time.Time
	// cycle is the AKS pool cycle running, and cycleTo what it applies.
	cycle   *cycleRecord
	cycleTo map[string]any
}

// cycleRecord is one cycle of an AKS node pool.
type cycleRecord struct {
	XR, Name string
	// Resource is the composition resource name (etcd-nodepool-zone-1).
	Resource   string
	Fields     []string // what made it cycle
	Start, End time.Time
}

// cyclesOf returns every AKS pool cycle of an XR's resources so far (End
// is zero while one runs).
func (f *fakeCloud) cyclesOf(xr string) []cycleRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []cycleRecord
	for _, c := range f.cycles {
		if c.XR == xr {
			out = append(out, *c)
		}
	}
	return out
}

func aksCyclesOf(kind string, external, desired map[string]any) []string {
	if kind != "KubernetesClusterNodePool" {
		return nil
	}
	return aksCycles(external, desired)
}

// filledIn is what the cloud holds once desired is applied: desired, and
// the fields the cloud fills in where the spec leaves them out (what it
// filled in before, or what Azure picks on creation).
func filledIn(kind string, external, desired map[string]any) map[string]any {
	out := normalizeMap(desired)
	for _, path := range cloudFilled[kind] {
		if _, set := getPath(out, path); set {
			continue
		}
		if v, ok := getPath(external, path); ok {
			setPath(out, path, v)
			continue
		}
		switch path {
		case "vnetSubnetId":
			setPath(out, path, fakeSubnetID)
		case "zone":
			out["zone"] = "1"
		case "highAvailability.standbyAvailabilityZone":
			if _, ha := out["highAvailability"].(map[string]any); ha {
				standby := "2"
				if out["zone"] == "2" {
					standby = "1"
				}
				setPath(out, path, standby)
			}
		}
	}
	return out
}

// observedParams are the parameters the fake reports in status.atProvider
// beside atProvider's: what the cloud filled in and what the cycle of an
// AKS pool changes (read from the cloud, so old until a cycle ends).
func observedParams(kind string, params map[string]any) map[string]any {
	out := map[string]any{}
	var keys []string
	switch kind {
	case "KubernetesClusterNodePool":
		keys = append(slices.Clone(aksCycledFields), "minCount", "maxCount")
	case "FlexibleServer":
		keys = []string{"zone", "highAvailability", "storageMb", "skuName"}
	}
	for _, k := range keys {
		if v, ok := params[k]; ok {
			out[k] = v
		}
	}
	return out
}

// conditions returns the conditions to report: Synced and Ready, and for
// upjet resources LastAsyncOperation once an async operation ended. A
// condition equal in everything but its time to the one reported keeps its
// lastTransitionTime (crossplane-runtime Conditioned.SetConditions keeps a
// condition that is Equal). A failed update leaves Ready as it was.
func (f *fakeCloud) conditions(o *unstructured.Unstructured, released bool, failure string) []any {
	gen := o.GetGeneration()
	cond := func(typ, status, reason, message string) map[string]any {
		c := map[string]any{"type": typ, "status": status, "reason": reason, "lastTransitionTime": time.Now().UTC().Format(time.RFC3339), "observedGeneration": gen}
		if message != "" {
			c["message"] = message
		}
		return c
	}
	upjet := strings.HasSuffix(o.GroupVersionKind().Group, ".upbound.io")
	var out []map[string]any
	switch {
	case !released:
		out = append(out, cond("Synced", "True", "ReconcileSuccess", ""), cond("Ready", "False", "Creating", ""))
	case failure != "":
		out = append(out, cond("Synced", "False", "ReconcileError", failure))
		if old := existingCondition(o, "Ready"); old != nil {
			out = append(out, old)
		} else {
			out = append(out, cond("Ready", "False", "Creating", ""))
		}
		if upjet {
			out = append(out, cond(typeLastAsyncOperation, "False", reasonAsyncUpdateFailure, strings.TrimPrefix(failure, upjetUpdateFailed+": ")))
		}
	default:
		out = append(out, cond("Synced", "True", "ReconcileSuccess", ""), cond("Ready", "True", "Available", ""))
		if upjet {
			out = append(out, cond(typeLastAsyncOperation, "True", reasonSuccess, ""))
		}
	}
	res := make([]any, 0, len(out)+2)
	types := map[string]bool{}
	for _, c := range out {
		typ, _ := c["type"].(string)
		types[typ] = true
		if old := existingCondition(o, typ); old != nil && sameCondition(old, c) {
			c = old
		}
		res = append(res, c)
	}
	// Keep what others reported.
	cs, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range cs {
		m, _ := c.(map[string]any)
		if typ, _ := m["type"].(string); !types[typ] {
			res = append(res, m)
		}
	}
	return res
}

func existingCondition(o *unstructured.Unstructured, typ string) map[string]any {
	cs, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	return nil
}

// sameCondition is crossplane-runtime's Condition.Equal: all but the time.
func sameCondition(a, b map[string]any) bool {
	for _, k := range []string{"type", "status", "reason", "message"} {
		as, _ := a[k].(string)
		bs, _ := b[k].(string)
		if as != bs {
			return false
		}
	}
	ag, _ := number(normalize(a["observedGeneration"]))
	bg, _ := number(normalize(b["observedGeneration"]))
	return ag == bg
}

// saysNew reports whether status says anything o's status does not: a
// condition that is not the same, or an atProvider field of another value.
func saysNew(o *unstructured.Unstructured, status map[string]any) bool {
	cs, _ := status["conditions"].([]any)
	for _, c := range cs {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		old := existingCondition(o, typ)
		if old == nil || !sameCondition(old, m) {
			return true
		}
	}
	at, ok := status["atProvider"].(map[string]any)
	if !ok {
		return false
	}
	have, _, _ := unstructured.NestedMap(o.Object, "status", "atProvider")
	have = normalizeMap(have)
	for k, v := range normalizeMap(at) {
		if !reflect.DeepEqual(have[k], v) {
			return true
		}
	}
	return false
}

// deleteManaged deletes the external resource unless the managed resource
// says to keep it: deletionPolicy Orphan, or management policies without
// Delete (crossplane-runtime's managed reconciler). A running AKS cycle
// delays it (upjet: "update operation ... is still running").
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
	rec := f.external[externalKey(o)]
	if rec == nil {
		rec = &externalRecord{}
		f.external[externalKey(o)] = rec
	}
	if rec.cycle != nil {
		if time.Since(rec.cycle.Start) < aksCycleDuration {
			f.mu.Unlock()
			return nil
		}
		rec.cycle.End = time.Now()
		rec.params, rec.cycle = rec.cycleTo, nil
	}
	rec.state = state
	if state == externalDeleted {
		rec.params = nil
	}
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

// writeSecrets writes the connection Secret the provider writes for o once
// the external resource exists, with the generated password if there is
// one, and with the keys that provider really writes (see FACTS: RDS endpoint
// host:port, address, port, username, password; Cloud SQL connection name,
// IPs and CA, no credentials; Azure username with an @server suffix).
func (f *fakeCloud) writeSecrets(ctx context.Context, o *unstructured.Unstructured) error {
	fp := func(path ...string) string {
		s, _, _ := unstructured.NestedString(o.Object, append([]string{"spec", "forProvider"}, path...)...)
		return s
	}
	password := ""
	if ref := passwordRef(o); ref.name != "" {
		p, err := f.secretValue(ctx, ref.namespace, ref.name, ref.key)
		if err != nil {
			return err
		}
		password = p
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

// secretKeyRef is a SecretKeySelector of a managed resource.
type secretKeyRef struct{ namespace, name, key string }

// passwordRef is the Secret key a managed resource's password is in (RDS
// passwordSecretRef, Flexible Server administratorPasswordSecretRef), in
// the resource's namespace when the reference names none.
func passwordRef(o *unstructured.Unstructured) secretKeyRef {
	for _, f := range []string{"passwordSecretRef", "administratorPasswordSecretRef"} {
		m, ok, _ := unstructured.NestedStringMap(o.Object, "spec", "forProvider", f)
		if !ok || m["name"] == "" {
			continue
		}
		ns := m["namespace"]
		if ns == "" {
			ns = o.GetNamespace()
		}
		return secretKeyRef{namespace: ns, name: m["name"], key: m["key"]}
	}
	return secretKeyRef{}
}

// generatePasswords does what the upjet providers' PasswordGenerator
// initializer does before every reconcile (provider-upjet-aws and -azure
// config/cluster/common/common.go): when autoGeneratePassword is true and
// the password Secret does not exist or has no value under the key, it
// writes a generated password there; a Secret it creates gets an owner
// reference to the managed resource, meta.AsOwner (apiVersion, kind, name,
// uid; neither controller nor blockOwnerDeletion), so the garbage collector
// deletes it with the managed resource; a Secret someone else created gets
// none. A Secret holding a password is never written again.
func (f *fakeCloud) generatePasswords(ctx context.Context, o *unstructured.Unstructured) error {
	if gen, _, _ := unstructured.NestedBool(o.Object, "spec", "forProvider", "autoGeneratePassword"); !gen {
		return nil
	}
	ref := passwordRef(o)
	if ref.name == "" {
		return nil
	}
	existing, err := f.k.get(ctx, gvkSecret, ref.namespace, ref.name)
	if err != nil {
		return err
	}
	if existing != nil {
		if v, _, _ := unstructured.NestedString(existing.Object, "data", ref.key); v != "" {
			return nil
		}
	}
	s := secretObject(ref.namespace, ref.name, map[string]string{ref.key: randomPassword()})
	if existing == nil {
		s.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: o.GetAPIVersion(), Kind: o.GetKind(), Name: o.GetName(), UID: o.GetUID()}})
	}
	return f.k.apply(ctx, s)
}

// secretValue reads one key of a Secret, "" when either is missing.
func (f *fakeCloud) secretValue(ctx context.Context, ns, name, key string) (string, error) {
	s, err := f.k.get(ctx, gvkSecret, ns, name)
	if err != nil || s == nil {
		return "", err
	}
	v, _, _ := unstructured.NestedString(s.Object, "data", key)
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", fmt.Errorf("secret %s/%s key %s: %w", ns, name, key, err)
	}
	return string(b), nil
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
