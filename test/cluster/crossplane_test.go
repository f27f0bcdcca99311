package cluster_test

import (
	"archive/tar"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	ggcrv1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/crossplane-contrib/function-space-scaling/internal/configpkg"
)

func v1Platform() ggcrv1.Platform { return ggcrv1.Platform{OS: "linux", Architecture: runtime.GOARCH} }

const (
	crossplaneNS = "crossplane-system"
	fnName       = "crossplane-contrib-function-space-scaling"
	fnVersion    = "v0.1.0"

	// The names the Crossplane Helm chart gives these Secrets.
	rootCASecret    = "crossplane-root-ca"
	tlsClientSecret = "crossplane-tls-client"

	// Crossplane dials functions at their Service on this port
	// (crossplane/crossplane internal/controller/pkg/runtime, GRPCPort).
	functionPort = 9443

	buildTimeout = 10 * time.Minute

	// labelFunction marks what Crossplane runs for a function
	// (crossplane/apis pkg/v1 LabelFunction).
	labelFunction = "pkg.crossplane.io/function"
)

var (
	gvkFunction    = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1", Kind: "Function"}
	gvkFunctionRev = schema.GroupVersionKind{Group: "pkg.crossplane.io", Version: "v1", Kind: "FunctionRevision"}
	gvkDeployment  = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	gvkSecret      = schema.GroupVersionKind{Version: "v1", Kind: "Secret"}
)

// ociRegistry is an OCI registry served in-process over TLS on loopback.
type ociRegistry struct {
	addr  string // 127.0.0.1:port
	caPEM string // file holding the PEM of its certificate
	pool  *x509.CertPool
	srv   *httptest.Server
}

func startRegistry(t *testing.T, dir string) ociRegistry {
	t.Helper()
	srv := httptest.NewUnstartedServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	r := ociRegistry{addr: srv.Listener.Addr().String(), caPEM: filepath.Join(dir, "registry-ca.pem"), srv: srv, pool: x509.NewCertPool()}
	r.pool.AddCert(srv.Certificate())
	writeFile(t, r.caPEM, pemBlock("CERTIFICATE", srv.Certificate().Raw))
	return r
}

// pushFunction builds the function's package for this machine's platform the
// way a release does (hack/xpkg.sh) and pushes it with the Crossplane CLI,
// with the Configuration packages and the providers' stand-ins
// (packages_test.go). It returns the function's public reference, which the
// ImageConfigs rewrite to the loopback registry.
func pushFunction(ctx context.Context, t *testing.T, e env, r ociRegistry, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "xpkg")
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	run(ctx, t, e.root, []string{"OUTPUT_DIR=" + out, "PLATFORMS=linux/" + runtime.GOARCH, "CROSSPLANE=" + e.tool("crossplane")},
		filepath.Join(e.root, "hack", "xpkg.sh"), fnVersion)
	ref := configpkg.FunctionPackage + ":" + fnVersion
	pkg := filepath.Join(out, fmt.Sprintf("function-space-scaling-%s.xpkg", runtime.GOARCH))
	// The CLI trusts the registry through SSL_CERT_FILE; an empty Docker
	// config keeps anyone's credentials out.
	run(ctx, t, e.root, []string{"SSL_CERT_FILE=" + r.caPEM, "DOCKER_CONFIG=" + t.TempDir()},
		e.tool("crossplane"), "xpkg", "push", "--package-files="+pkg, loopback(r, ref))
	pushPackages(ctx, t, e, r, out)
	return ref
}

// run runs a command to completion, failing the test with its output.
func run(ctx context.Context, t *testing.T, dir string, extraEnv []string, bin string, args ...string) string {
	t.Helper()
	cmd := command(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.WaitDelay = 10 * time.Second
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, b)
	}
	return string(b)
}

// moduleDir returns the module cache folder of a module a tools module
// requires (downloading it if needed): the source of CRDs the suite installs.
func moduleDir(ctx context.Context, t *testing.T, e env, toolsDir, module string) string {
	t.Helper()
	out := run(ctx, t, filepath.Join(e.root, "tools", toolsDir), nil, "go", "mod", "download", "-json", module)
	var m struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.Dir == "" {
		t.Fatalf("cannot locate module %s: %v %s", module, err, m.Error)
	}
	return m.Dir
}

// crossplane is Crossplane core, running in a private network namespace
// whose /etc/hosts maps the function's Service name to loopback: the
// stand-in for cluster DNS. The function runs in the same namespace.
type crossplane struct {
	ns    *netns
	proc  *proc
	start func() *proc
}

// restart stops Crossplane and starts it again, as a Pod restart would.
func (xp *crossplane) restart(t *testing.T) {
	t.Helper()
	xp.proc.stop(t)
	xp.proc = xp.start()
}

func startCrossplane(ctx context.Context, t *testing.T, e env, p *procs, k *kube, cp controlPlane, reg ociRegistry, dir string) *crossplane {
	t.Helper()
	// What the Helm chart creates besides the Deployment: the namespace and
	// the ServiceAccount the package runtime reads (its pull secrets).
	mustApply(ctx, t, k, namespace(crossplaneNS), &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ServiceAccount",
		"metadata": map[string]any{"name": "crossplane", "namespace": crossplaneNS},
	}})

	crds := filepath.Join(moduleDir(ctx, t, e, "crossplane", "github.com/crossplane/crossplane/v2"), "cluster", "crds")
	// `core init` is what the chart's init container runs: core CRDs, the
	// CA and Crossplane's client certificate for calling functions.
	// (The CRD folder goes in CRDS_PATH: kong spells the flag --cr-ds-path.)
	initEnv := []string{"KUBECONFIG=" + cp.kubeconfig, "POD_NAMESPACE=" + crossplaneNS, "CRDS_PATH=" + crds,
		"TLS_CA_SECRET_NAME=" + rootCASecret, "TLS_CLIENT_SECRET_NAME=" + tlsClientSecret}
	// It fails when the CRDs it just applied are not served yet; the
	// kubelet would restart the init container, so the suite retries.
	ictx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var out []byte
	var err error
	for attempt := 1; attempt <= 10; attempt++ {
		cmd := command(ictx, e.tool("crossplane-engine"), "core", "init", "--webhook-enabled=false")
		cmd.Env = append(os.Environ(), initEnv...)
		if out, err = cmd.CombinedOutput(); err == nil {
			break
		}
		time.Sleep(2 * time.Second)
	}
	if err != nil {
		t.Fatalf("crossplane core init failed 10 times: %v\n%s", err, out)
	}

	// The chart mounts the client certificate Secret; here it is copied out.
	clientDir := filepath.Join(dir, "tls-client")
	writeSecret(ctx, t, k, crossplaneNS, tlsClientSecret, clientDir)

	hosts := filepath.Join(dir, "hosts")
	writeFile(t, hosts, []byte(fmt.Sprintf("127.0.0.1\tlocalhost\n127.0.0.1\t%s.%s %s.%s.svc %s.%s.svc.cluster.local\n",
		fnName, crossplaneNS, fnName, crossplaneNS, fnName, crossplaneNS)))
	ns := newNetNS(t, "crossplane", hosts)
	ns.bridge(ctx, t, cp.apiAddr)
	ns.bridge(ctx, t, reg.addr)

	// The chart mounts an emptyDir here; Crossplane does not create it.
	cache := filepath.Join(dir, "xpkg-cache")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	xp := &crossplane{ns: ns}
	xp.start = func() *proc {
		cmd := command(context.WithoutCancel(ctx), e.tool("crossplane-engine"), "core", "start",
			"--webhook-enabled=false",
			"--cache-dir="+cache,
			"--ca-bundle-path="+reg.caPEM,
			// The function's metrics server takes :8080 in this namespace.
			"--metrics-port=8088",
			"--health-probe-port=8089",
			// On this loopback cluster an XR's whole stack is created and
			// reported ready within seconds: the XR's own status updates
			// exceed the XR circuit breaker's default burst (100 events).
			// While it is open Crossplane v2.4 drops watch events (one
			// half-open probe per 30s), and once the stack is steady no
			// further event comes, so an edit dropped in that window is not
			// seen for a long time (internal/circuit in crossplane v2.4.0).
			// A larger burst keeps the breaker from tripping on that start-up
			// burst; a short cooldown bounds what a trip would cost.
			"--circuit-breaker-burst=2000",
			"--circuit-breaker-cooldown=20s",
		)
		if os.Getenv("CLUSTER_DEBUG") != "" {
			cmd.Args = append(cmd.Args, "--debug")
		}
		cmd.Env = append(os.Environ(), "KUBECONFIG="+cp.kubeconfig, "POD_NAMESPACE="+crossplaneNS,
			"TLS_CLIENT_SECRET_NAME="+tlsClientSecret, "TLS_CLIENT_CERTS_DIR="+clientDir)
		return p.start(t, "crossplane", ns, cmd)
	}
	xp.proc = xp.start()
	return xp
}

// installFunction installs the function the way users do, then plays the
// kubelet for the Deployment Crossplane creates: it starts the image's
// entrypoint, with the image's environment and the Deployment's, and the
// TLS Secret the Deployment mounts, inside Crossplane's network namespace;
// once it serves, it marks the Deployment available.
func installFunction(ctx context.Context, t *testing.T, k *kube, p *procs, xp *crossplane, reg ociRegistry, ref, dir string, report func() string) {
	t.Helper()
	base := report
	report = func() string {
		var b strings.Builder
		for _, gvk := range []schema.GroupVersionKind{gvkFunction, gvkFunctionRev} {
			l, err := k.list(ctx, gvk)
			if err != nil {
				fmt.Fprintf(&b, "cannot list %s: %v\n", gvk.Kind, err)
			}
			for i := range l {
				fmt.Fprintf(&b, "----- %s -----\n%s", gvk.Kind, dump(&l[i]))
			}
		}
		return b.String() + base()
	}
	// The function's own HA, as docs/management-alerts.md tells users to
	// install it: the DeploymentRuntimeConfig and the PodDisruptionBudget
	// of example/management/.
	runtimeConfig := readObjects(t, filepath.Join(repoRoot(t), "example", "management", "function-runtime.yaml"))
	pdb := readObjects(t, filepath.Join(repoRoot(t), "example", "management", "function-pdb.yaml"))
	mustApply(ctx, t, k, append(runtimeConfig, pdb...)...)
	fn := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "pkg.crossplane.io/v1",
		"kind":       "Function",
		"metadata":   map[string]any{"name": fnName},
		"spec": map[string]any{
			"package":          ref,
			"runtimeConfigRef": map[string]any{"name": runtimeConfig[0].GetName()},
		},
	}}
	mustApply(ctx, t, k, fn)

	var d appsv1.Deployment
	eventually(ctx, t, 3*time.Minute, "Crossplane to unpack the function and create its Deployment", func() (bool, string, error) {
		l, err := k.list(ctx, gvkDeployment)
		if err != nil {
			return false, "", err
		}
		for _, o := range l {
			tmpl, _, _ := unstructured.NestedStringMap(o.Object, "spec", "template", "metadata", "labels")
			if o.GetNamespace() == crossplaneNS && (o.GetLabels()[labelFunction] == fnName || tmpl[labelFunction] == fnName) {
				if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &d); err != nil {
					return false, "", err
				}
				return true, "", nil
			}
		}
		f, err := k.get(ctx, gvkFunction, "", fnName)
		if err != nil || f == nil {
			return false, "no Function yet", err
		}
		s, r, m := condition(f, "Installed")
		return false, fmt.Sprintf("no Deployment yet; Function Installed=%s %s %s", s, r, m), nil
	}, report)

	checkRuntimeConfig(t, &d, pdb[0])
	c := d.Spec.Template.Spec.Containers[0]
	entrypoint, imgEnv := extractEntrypoint(ctx, t, reg, c.Image, filepath.Join(dir, "function"))
	mounts := map[string]string{} // mount path -> local folder
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Secret == nil {
			continue
		}
		for _, m := range c.VolumeMounts {
			if m.Name == v.Name {
				local := filepath.Join(dir, "function-volumes", v.Name)
				eventually(ctx, t, time.Minute, "Secret "+v.Secret.SecretName, func() (bool, string, error) {
					s, err := k.get(ctx, gvkSecret, crossplaneNS, v.Secret.SecretName)
					if err != nil || s == nil {
						return false, "absent", err
					}
					data, _, _ := unstructured.NestedMap(s.Object, "data")
					return len(data) > 0, "not written yet", nil
				}, report)
				writeSecret(ctx, t, k, crossplaneNS, v.Secret.SecretName, local)
				mounts[m.MountPath] = local
			}
		}
	}
	env := append([]string{}, imgEnv...)
	for _, ev := range c.Env {
		if ev.ValueFrom != nil {
			continue // downward API values (POD_NAME...) mean nothing here
		}
		val := ev.Value
		for mp, local := range mounts {
			if val == mp || strings.HasPrefix(val, mp+"/") {
				val = local + strings.TrimPrefix(val, mp)
			}
		}
		env = append(env, ev.Name+"="+val)
	}
	// --debug: the function's log then says why a readiness verdict changed
	// between two calls for the same XR (the load test reads it).
	args := append(append(append([]string{}, c.Command...), c.Args...), "--debug")
	cmd := command(context.WithoutCancel(ctx), entrypoint, args...)
	cmd.Env = env
	p.start(t, "function", xp.ns, cmd)

	eventually(ctx, t, time.Minute, "the function to listen on :"+strconv.Itoa(functionPort), func() (bool, string, error) {
		c, err := xp.ns.dial(ctx, net.JoinHostPort("127.0.0.1", strconv.Itoa(functionPort)))
		if err != nil {
			return false, err.Error(), nil //nolint:nilerr // not listening yet: poll again.
		}
		_ = c.Close()
		return true, "", nil
	}, report)

	dep, err := k.get(ctx, gvkDeployment, crossplaneNS, d.Name)
	if err != nil || dep == nil {
		t.Fatalf("cannot read the function's Deployment: %v", err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	status := map[string]any{"status": map[string]any{
		"observedGeneration": dep.GetGeneration(),
		"replicas":           1, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 1,
		"conditions": []any{map[string]any{
			"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
			"message": "the cluster suite runs the function process", "lastTransitionTime": now, "lastUpdateTime": now,
		}},
	}}
	b, _ := json.Marshal(status)
	if err := k.mergePatchStatus(ctx, dep, b); err != nil {
		t.Fatalf("cannot mark the function's Deployment available: %v", err)
	}

	eventually(ctx, t, 3*time.Minute, "the Function to be Installed and Healthy", func() (bool, string, error) {
		f, err := k.get(ctx, gvkFunction, "", fnName)
		if err != nil || f == nil {
			return false, "", err
		}
		is, ir, im := condition(f, "Installed")
		hs, hr, hm := condition(f, "Healthy")
		return is == "True" && hs == "True", fmt.Sprintf("Installed=%s %s %s; Healthy=%s %s %s", is, ir, im, hs, hr, hm), nil
	}, func() string {
		f, _ := k.get(ctx, gvkFunction, "", fnName)
		return dump(f) + report()
	})
}

// extractEntrypoint writes the entrypoint binary of an image in the registry
// into dir and returns its path and the image's environment.
func extractEntrypoint(ctx context.Context, t *testing.T, reg ociRegistry, image, dir string) (string, []string) {
	t.Helper()
	ref, err := name.ParseReference(image, name.StrictValidation)
	if err != nil {
		t.Fatalf("the Deployment's image %q: %v", image, err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = reg.pool
	img, err := remote.Image(ref, remote.WithContext(ctx), remote.WithTransport(tr), remote.WithPlatform(v1Platform()))
	if err != nil {
		t.Fatalf("cannot pull %s: %v", image, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.Config.Entrypoint) != 1 {
		t.Fatalf("image %s has entrypoint %q, want one binary", image, cf.Config.Entrypoint)
	}
	want := strings.TrimPrefix(path.Clean(cf.Config.Entrypoint[0]), "/")
	rc := mutate.Extract(img)
	defer func() { _ = rc.Close() }()
	tarr := tar.NewReader(rc)
	for {
		h, err := tarr.Next()
		if errors.Is(err, io.EOF) {
			t.Fatalf("image %s has no file %s", image, want)
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(path.Clean(h.Name), "/") != want {
			continue
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(dir, path.Base(want))
		f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o700) //nolint:gosec // G302: an executable, for this user only.
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, io.LimitReader(tarr, 512<<20)); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return bin, cf.Config.Env
	}
}

// writeSecret copies the data of a Secret into files of dir, as a kubelet
// mounts it.
func writeSecret(ctx context.Context, t *testing.T, k *kube, ns, secretName, dir string) {
	t.Helper()
	o, err := k.get(ctx, gvkSecret, ns, secretName)
	if err != nil || o == nil {
		t.Fatalf("cannot read Secret %s/%s: %v", ns, secretName, err)
	}
	var s corev1.Secret
	if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &s); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for k, v := range s.Data {
		writeFile(t, filepath.Join(dir, k), v)
	}
}

func namespace(n string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": n},
	}}
}

func mustApply(ctx context.Context, t *testing.T, k *kube, objs ...*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		if err := k.apply(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
}

// checkRuntimeConfig checks that the Deployment Crossplane made for the
// function carries example/management/function-runtime.yaml (two replicas
// spread over nodes, requests and limits, GOMEMLIMIT) and that the
// selectors there and in the PodDisruptionBudget match its pods' labels.
func checkRuntimeConfig(t *testing.T, d *appsv1.Deployment, pdb *unstructured.Unstructured) {
	t.Helper()
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("the function's Deployment has replicas %v, want the runtime config's 2", d.Spec.Replicas)
	}
	pod := d.Spec.Template
	matches := func(sel map[string]string) bool {
		for k, v := range sel {
			if pod.Labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	if len(pod.Spec.TopologySpreadConstraints) == 0 {
		t.Error("the function's pods have no topology spread constraints")
	}
	for _, c := range pod.Spec.TopologySpreadConstraints {
		if c.LabelSelector == nil || !matches(c.LabelSelector.MatchLabels) {
			t.Errorf("a topology spread constraint selects %v, not the function's pods %v", c.LabelSelector, pod.Labels)
		}
	}
	sel, _, _ := unstructured.NestedStringMap(pdb.Object, "spec", "selector", "matchLabels")
	if !matches(sel) {
		t.Errorf("PodDisruptionBudget %s selects %v, not the function's pods %v", pdb.GetName(), sel, pod.Labels)
	}
	c := pod.Spec.Containers[0]
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("the function's container has resources %v, want the runtime config's requests and limits", c.Resources)
	}
	var memLimit bool
	for _, ev := range c.Env {
		memLimit = memLimit || ev.Name == "GOMEMLIMIT"
	}
	if !memLimit {
		t.Error("the function's container has no GOMEMLIMIT from the runtime config")
	}
}
