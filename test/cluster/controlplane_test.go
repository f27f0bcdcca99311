package cluster_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// token is the suite's admin bearer token (system:masters): every client of
// the API server (the suite, Crossplane, provider-kubernetes, the
// controller manager) uses it.
const token = "cluster-suite-admin-token"

// readyTimeout bounds how long a server may take to become ready.
const readyTimeout = 2 * time.Minute

// controlPlane is etcd, kube-apiserver and kube-controller-manager on
// loopback ports.
type controlPlane struct {
	apiAddr    string // 127.0.0.1:port of the API server
	kubeconfig string
	pki        pki
}

// freePort returns a loopback port nobody listens on right now.
func freePort(ctx context.Context, t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

func startControlPlane(ctx context.Context, t *testing.T, e env, p *procs, dir string) controlPlane {
	t.Helper()
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", freePort(ctx, t))
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", freePort(ctx, t))
	p.start(t, "etcd", nil, command(context.WithoutCancel(ctx), e.tool("etcd"),
		"--name=suite",
		"--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdClient,
		"--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer,
		"--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=suite="+etcdPeer,
		"--listen-metrics-urls=",
		"--unsafe-no-fsync", // a throwaway store: durability buys nothing here
		"--log-level=warn",
	))

	pkiDir := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cp := controlPlane{pki: newPKI(t, pkiDir)}
	tokens := filepath.Join(pkiDir, "tokens.csv")
	writeFile(t, tokens, []byte(token+",admin,admin,system:masters\n"))
	port := freePort(ctx, t)
	cp.apiAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p.start(t, "kube-apiserver", nil, command(context.WithoutCancel(ctx), e.tool("kube-apiserver"),
		"--etcd-servers="+etcdClient,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(port),
		"--tls-cert-file="+cp.pki.servingCert,
		"--tls-private-key-file="+cp.pki.servingKey,
		"--token-auth-file="+tokens,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+cp.pki.saPub,
		"--service-account-signing-key-file="+cp.pki.saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
	))
	cp.kubeconfig = filepath.Join(dir, "kubeconfig")
	writeFile(t, cp.kubeconfig, kubeconfig(cp.apiAddr, cp.pki.caPEM))
	waitReady(ctx, t, p, "kube-apiserver", "https://"+cp.apiAddr+"/readyz", cp.pki.caPEM)

	// The garbage collector deletes what an XR composed once the XR is gone
	// (Crossplane relies on owner references), and the namespace controller
	// empties deleted namespaces. Nothing else runs: no scheduler, no kubelet.
	p.start(t, "kube-controller-manager", nil, command(context.WithoutCancel(ctx), e.tool("kube-controller-manager"),
		"--kubeconfig="+cp.kubeconfig,
		"--authentication-kubeconfig="+cp.kubeconfig,
		"--authorization-kubeconfig="+cp.kubeconfig,
		"--controllers=garbage-collector-controller,namespace-controller",
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(freePort(ctx, t)),
		"--cert-dir="+filepath.Join(dir, "kcm-certs"),
	))
	return cp
}

// kubeconfig returns a kubeconfig for the suite's admin at addr.
func kubeconfig(addr string, ca []byte) []byte {
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: suite
  cluster:
    server: https://%s
    certificate-authority-data: %s
users:
- name: admin
  user:
    token: %s
contexts:
- name: suite
  context: {cluster: suite, user: admin}
current-context: suite
`, addr, b64(ca), token))
}

// waitReady polls url (with the admin token) until it answers 200.
func waitReady(ctx context.Context, t *testing.T, p *procs, name, url string, ca []byte) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	eventually(ctx, t, readyTimeout, name+" to be ready", func() (bool, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, http.NoBody)
		if err != nil {
			return false, "", err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		rsp, err := c.Do(req)
		if err != nil {
			return false, "", err
		}
		_ = rsp.Body.Close()
		return rsp.StatusCode == http.StatusOK, rsp.Status, nil
	}, p.logs)
}
