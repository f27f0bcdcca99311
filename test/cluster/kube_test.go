package cluster_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"
)

// fieldManager owns what the suite applies, like a user's kubectl would.
const fieldManager = "cluster-suite"

// kube is a small dynamic client of the suite's API server.
type kube struct {
	cfg    *rest.Config
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
}

func newKube(t *testing.T, kubeconfig string) *kube {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatalf("cannot load the kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	// Deprecation and finalizer-name warnings would drown the test log.
	cfg.WarningHandler = rest.NoWarnings{}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &kube{cfg: cfg, dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}
}

// resource returns the client of gvk's resource in ns (ignored when the
// kind is cluster-scoped), rediscovering once for kinds new to the server.
func (k *kube) resource(gvk schema.GroupVersionKind, ns string) (dynamic.ResourceInterface, error) {
	m, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		k.mapper.Reset()
		m, err = k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot map %s: %w", gvk, err)
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		if ns == "" {
			ns = "default"
		}
		return k.dyn.Resource(m.Resource).Namespace(ns), nil
	}
	return k.dyn.Resource(m.Resource), nil
}

// apply server-side applies o, taking over fields others own.
func (k *kube) apply(ctx context.Context, o *unstructured.Unstructured) error {
	ri, err := k.resource(o.GroupVersionKind(), o.GetNamespace())
	if err != nil {
		return err
	}
	_, err = ri.Apply(ctx, o.GetName(), o, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("cannot apply %s %s: %w", o.GetKind(), key(o), err)
	}
	return nil
}

// get reads an object; a nil object and nil error mean it does not exist.
func (k *kube) get(ctx context.Context, gvk schema.GroupVersionKind, ns, name string) (*unstructured.Unstructured, error) {
	ri, err := k.resource(gvk, ns)
	if err != nil {
		return nil, err
	}
	o, err := ri.Get(ctx, name, metav1.GetOptions{})
	if kerrors.IsNotFound(err) {
		return nil, nil
	}
	return o, err
}

// list lists gvk in every namespace; a kind the server does not serve lists
// nothing.
func (k *kube) list(ctx context.Context, gvk schema.GroupVersionKind) ([]unstructured.Unstructured, error) {
	m, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l, err := k.dyn.Resource(m.Resource).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// delete deletes an object in the background, as kubectl does; a missing
// object is not an error.
func (k *kube) delete(ctx context.Context, gvk schema.GroupVersionKind, ns, name string) error {
	ri, err := k.resource(gvk, ns)
	if err != nil {
		return err
	}
	err = ri.Delete(ctx, name, metav1.DeleteOptions{})
	if kerrors.IsNotFound(err) {
		return nil
	}
	return err
}

// mergePatchStatus merge-patches the status subresource of an object.
func (k *kube) mergePatchStatus(ctx context.Context, o *unstructured.Unstructured, patch []byte) error {
	ri, err := k.resource(o.GroupVersionKind(), o.GetNamespace())
	if err != nil {
		return err
	}
	_, err = ri.Patch(ctx, o.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}, "status")
	return err
}

// mergePatch merge-patches an object.
func (k *kube) mergePatch(ctx context.Context, o *unstructured.Unstructured, patch []byte) error {
	ri, err := k.resource(o.GroupVersionKind(), o.GetNamespace())
	if err != nil {
		return err
	}
	_, err = ri.Patch(ctx, o.GetName(), types.MergePatchType, patch, metav1.PatchOptions{})
	return err
}

// dump renders an object as YAML for a failure message, without managed
// fields and with the values of Secrets hidden.
func dump(o *unstructured.Unstructured) string {
	if o == nil {
		return "<absent>\n"
	}
	c := o.DeepCopy()
	c.SetManagedFields(nil)
	if c.GetKind() == "Secret" {
		for _, f := range []string{"data", "stringData"} {
			if m, ok := c.Object[f].(map[string]any); ok {
				for k := range m {
					m[k] = "<redacted>"
				}
			}
		}
	}
	b, err := yaml.Marshal(c.Object)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func key(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetName()
	}
	return o.GetNamespace() + "/" + o.GetName()
}

// readObjects decodes every object of a multi-document YAML file.
func readObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // G304: the repository's examples and the CRD folder the suite was pointed at.
	if err != nil {
		t.Fatal(err)
	}
	var out []*unstructured.Unstructured
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	for {
		var m map[string]any
		err := d.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("cannot decode %s: %v", path, err)
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
}

// yamlFiles lists the .yaml files of a folder, sorted.
func yamlFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// condition returns the status and reason of a condition of an object.
func condition(o *unstructured.Unstructured, typ string) (status, reason, message string) {
	cs, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range cs {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != typ {
			continue
		}
		s, _ := m["status"].(string)
		r, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return s, r, msg
	}
	return "", "", ""
}

// eventually polls check every interval until it reports done or timeout
// passes; then it fails the test with what check said last, and what
// report prints (object YAML, process logs).
func eventually(ctx context.Context, t *testing.T, timeout time.Duration, what string, check func() (bool, string, error), report func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for {
		done, msg, err := check()
		switch {
		case err != nil:
			last = "error: " + err.Error()
		case done:
			return
		default:
			last = msg
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			var b strings.Builder
			fmt.Fprintf(&b, "timed out after %s waiting for %s\nlast observation: %s\n", timeout, what, last)
			if report != nil {
				b.WriteString(report())
			}
			t.Fatal(b.String())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
