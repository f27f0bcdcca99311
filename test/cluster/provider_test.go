package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	providerModule = "github.com/crossplane-contrib/provider-kubernetes"
	// providerConfig is the name the examples give every ProviderConfig.
	providerConfig = "default"
	// kubeconfigSecret holds the credentials of the "Space cluster" that
	// provider-kubernetes writes to: in the suite the Space cluster is the
	// control plane itself.
	kubeconfigSecret = "space-cluster-kubeconfig"
)

var gvkCRD = schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}

// installCRDs server-side applies the CRDs of every file and waits until the
// API server serves them. skip names CRDs that come from elsewhere.
func installCRDs(ctx context.Context, t *testing.T, k *kube, files []string, skip map[string]bool, report func() string) []string {
	t.Helper()
	var names []string
	for _, f := range files {
		for _, o := range readObjects(t, f) {
			if o.GetKind() != "CustomResourceDefinition" || skip[o.GetName()] {
				continue
			}
			unwireConversion(o)
			mustApply(ctx, t, k, o)
			names = append(names, o.GetName())
		}
	}
	for _, n := range names {
		eventually(ctx, t, time.Minute, "CRD "+n+" to be established", func() (bool, string, error) {
			o, err := k.get(ctx, gvkCRD, "", n)
			if err != nil || o == nil {
				return false, "absent", err
			}
			s, r, m := condition(o, "Established")
			return s == "True", fmt.Sprintf("Established=%s %s %s", s, r, m), nil
		}, report)
	}
	k.mapper.Reset()
	return names
}

// startProviderKubernetes runs the real provider-kubernetes out of cluster
// against the suite's API server, in a private network namespace of its own
// (its metrics, health and webhook servers take fixed ports), and creates the
// ProviderConfigs the examples reference, all pointing at that same server.
func startProviderKubernetes(ctx context.Context, t *testing.T, e env, p *procs, k *kube, cp controlPlane, dir string, report func() string) map[string]bool {
	t.Helper()
	crdDir := filepath.Join(moduleDir(ctx, t, e, "provider-kubernetes", providerModule), "package", "crds")
	names := installCRDs(ctx, t, k, yamlFiles(t, crdDir), nil, report)
	own := map[string]bool{}
	for _, n := range names {
		own[n] = true
	}

	ns := newNetNS(t, "provider-kubernetes", "")
	ns.bridge(ctx, t, cp.apiAddr)
	poll := 10 * time.Second
	if e.providerPoll > 0 {
		poll = e.providerPoll
	}
	cmd := command(context.WithoutCancel(ctx), e.tool("provider-kubernetes"),
		// Object status must not carry the data of Secrets it manages.
		"--sanitize-secrets",
		// Re-observe every 10s instead of 10m, so readiness the
		// emulated controllers report shows up within the suite's waits
		// (the load experiments poll less often: chaos_load_test.go).
		"--poll="+poll.String(),
		"--debug",
	)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+cp.kubeconfig,
		// The webhook server starts whether or not a webhook is served;
		// it needs a certificate to.
		"TLS_SERVER_CERTS_DIR="+selfSignedDir(t, filepath.Join(dir, "provider-webhook-tls")))
	p.start(t, "provider-kubernetes", ns, cmd)
	return own
}

// providerConfigs creates the credentials Secret and the ProviderConfigs
// provider-kubernetes needs: cluster-scoped for cluster-scoped Objects, and
// ClusterProviderConfig and ProviderConfig in namespaces for namespaced ones.
func providerConfigs(ctx context.Context, t *testing.T, k *kube, cp controlPlane, namespaces ...string) {
	t.Helper()
	secret := func(ns string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"metadata":   map[string]any{"name": kubeconfigSecret, "namespace": ns},
			"stringData": map[string]any{"kubeconfig": string(kubeconfig(cp.apiAddr, cp.pki.caPEM))},
		}}
	}
	creds := func(ns string) map[string]any {
		ref := map[string]any{"name": kubeconfigSecret, "key": "kubeconfig"}
		if ns != "" {
			ref["namespace"] = ns
		}
		return map[string]any{"credentials": map[string]any{"source": "Secret", "secretRef": ref}}
	}
	pc := func(apiVersion, kind, ns string, spec map[string]any) *unstructured.Unstructured {
		md := map[string]any{"name": providerConfig}
		if ns != "" {
			md["namespace"] = ns
		}
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md, "spec": spec}}
	}
	mustApply(ctx, t, k,
		secret(crossplaneNS),
		pc("kubernetes.crossplane.io/v1alpha1", "ProviderConfig", "", creds(crossplaneNS)),
		pc("kubernetes.m.crossplane.io/v1alpha1", "ClusterProviderConfig", "", creds(crossplaneNS)),
	)
	for _, ns := range namespaces {
		mustApply(ctx, t, k, namespace(ns), secret(ns), pc("kubernetes.m.crossplane.io/v1alpha1", "ProviderConfig", ns, creds(ns)))
	}
}

// unwireConversion turns a conversion webhook the package manager would have
// wired (a clientConfig with neither service name nor URL, which the API
// server rejects) into no conversion. Nothing in the suite reads a version
// other than the storage one: the function writes kubernetes.crossplane.io
// v1alpha2 Objects, which is how they are stored.
func unwireConversion(crd *unstructured.Unstructured) {
	strategy, _, _ := unstructured.NestedString(crd.Object, "spec", "conversion", "strategy")
	if strategy != "Webhook" {
		return
	}
	svc, _, _ := unstructured.NestedString(crd.Object, "spec", "conversion", "webhook", "clientConfig", "service", "name")
	url, _, _ := unstructured.NestedString(crd.Object, "spec", "conversion", "webhook", "clientConfig", "url")
	if svc == "" && url == "" {
		_ = unstructured.SetNestedField(crd.Object, map[string]any{"strategy": "None"}, "spec", "conversion")
	}
}
