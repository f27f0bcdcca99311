// Package xpkg_test builds the function's Crossplane package the way a
// release does (hack/xpkg.sh), pushes it as one multi-platform package with
// `crossplane xpkg push` to an OCI registry served in-process on loopback,
// and checks what a Crossplane cluster would pull back.
package xpkg_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const (
	version  = "v0.1.0"
	pkgName  = "function-space-scaling"
	inputCRD = "inputs.spacescaling.fn.crossplane.io"

	// Crossplane marks the layers of a package with this annotation.
	xpkgAnnotation = "io.crossplane.xpkg"
	baseLayer      = "base"
	examplesLayer  = "upbound" // sic: the examples layer keeps its historical annotation

	binaryPath = "usr/local/bin/function"
	nonRoot    = 65532

	// Bounds on what the test reads from the registry.
	maxTarEntries = 10000
	maxBlobBytes  = 256 << 20
)

var platforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "linux", Architecture: "arm64"},
}

var elfMachine = map[string]elf.Machine{
	"amd64": elf.EM_X86_64,
	"arm64": elf.EM_AARCH64,
}

func TestBuildPushPull(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds the function for two platforms and a package for each; skipped with -short outside CI")
	}
	root := repoRoot(t)
	crossplane := filepath.Join(root, "_tools", "bin", "crossplane")
	if _, err := os.Stat(crossplane); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Crossplane CLI is required in CI: %v (run `make tools`)", err)
		}
		t.Skipf("the Crossplane CLI is not built (%v); run `make tools` to run this test", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), budget(t))
	defer cancel()

	// An empty Docker config: pushing and pulling must not read anyone's
	// credentials, and the loopback registry needs none.
	dockerConfig := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dockerConfig)

	out := t.TempDir()
	run(ctx, t, root, []string{"OUTPUT_DIR=" + out}, filepath.Join(root, "hack", "xpkg.sh"), version)

	files := make([]string, 0, len(platforms))
	for _, p := range platforms {
		f := filepath.Join(out, fmt.Sprintf("%s-%s.xpkg", pkgName, p.Architecture))
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("hack/xpkg.sh did not write the %s package: %v", p.Architecture, err)
		}
		t.Logf("%s: %d bytes", filepath.Base(f), fi.Size())
		files = append(files, f)
	}

	host := startRegistry(ctx, t)
	target := fmt.Sprintf("%s/crossplane-contrib/%s:%s", host, pkgName, version)
	run(ctx, t, root, nil, crossplane, "xpkg", "push", "--package-files="+strings.Join(files, ","), target)

	ref, err := name.NewTag(target, name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Context().Scheme() != "http" {
		t.Fatalf("%s would be reached over %s; the test registry is plain HTTP on loopback", host, ref.Context().Scheme())
	}
	reg := &client{base: "http://" + host, repo: ref.RepositoryStr(), http: &http.Client{Timeout: time.Minute}}

	raw, mt := reg.manifest(ctx, t, ref.TagStr(), "")
	if !mt.IsIndex() {
		t.Fatalf("%s is a %s, want an image index", target, mt)
	}
	im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != len(platforms) {
		t.Errorf("the index lists %d manifests, want %d", len(im.Manifests), len(platforms))
	}

	for _, p := range platforms {
		t.Run(p.String(), func(t *testing.T) {
			var found *v1.Descriptor
			for i := range im.Manifests {
				d := im.Manifests[i]
				if d.Platform != nil && d.Platform.OS == p.OS && d.Platform.Architecture == p.Architecture {
					found = &d
					break
				}
			}
			if found == nil {
				t.Fatalf("no %s manifest in the index", p.String())
			}
			checkImage(ctx, t, reg, *found, p)
		})
	}
}

func checkImage(ctx context.Context, t *testing.T, reg *client, d v1.Descriptor, p v1.Platform) {
	t.Helper()

	raw, mt := reg.manifest(ctx, t, d.Digest.String(), d.Digest.String())
	if !mt.IsImage() {
		t.Fatalf("the %s entry is a %s, want an image manifest", p.String(), mt)
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(reg.blob(ctx, t, m.Config.Digest)))
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != p.OS || cf.Architecture != p.Architecture {
		t.Errorf("config platform %s/%s, want %s", cf.OS, cf.Architecture, p.String())
	}
	c := cf.Config
	if len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/"+binaryPath {
		t.Errorf("entrypoint %q, want [%q]", c.Entrypoint, "/"+binaryPath)
	}
	if c.User != "65532" && c.User != "65532:65532" {
		t.Errorf("user %q, want 65532 (the distroless nonroot user)", c.User)
	}
	if _, ok := c.ExposedPorts["9443/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 9443/tcp", c.ExposedPorts)
	}
	if got := c.Labels["org.opencontainers.image.version"]; got != version {
		t.Errorf("label org.opencontainers.image.version %q, want %q", got, version)
	}

	var pkgYAML, examplesYAML, binary []byte
	var binHdr *tar.Header
	for _, l := range m.Layers {
		blob := reg.blob(ctx, t, l.Digest)
		switch l.Annotations[xpkgAnnotation] {
		case baseLayer:
			if pkgYAML != nil {
				t.Errorf("more than one layer annotated %s: %s", xpkgAnnotation, baseLayer)
			}
			pkgYAML, _ = readFile(t, l.MediaType, blob, "package.yaml")
		case examplesLayer:
			examplesYAML, _ = readFile(t, l.MediaType, blob, ".up/examples.yaml")
		default:
			if b, h := readFile(t, l.MediaType, blob, binaryPath); h != nil {
				binary, binHdr = b, h
			}
		}
	}

	if pkgYAML == nil {
		t.Errorf("no layer annotated %s: %s carries package.yaml", xpkgAnnotation, baseLayer)
	} else {
		checkPackage(t, pkgYAML)
	}
	if examplesYAML == nil {
		t.Errorf("no layer annotated %s: %s carries the examples", xpkgAnnotation, examplesLayer)
	} else if len(decode(t, examplesYAML)) == 0 {
		t.Error("the examples layer holds no object")
	}

	if binHdr == nil {
		t.Fatalf("no runtime layer carries /%s", binaryPath)
	}
	if binHdr.Uid != nonRoot || binHdr.Gid != nonRoot || binHdr.Mode&0o111 == 0 {
		t.Errorf("/%s is %d:%d mode %o, want 65532:65532 and executable", binaryPath, binHdr.Uid, binHdr.Gid, binHdr.Mode)
	}
	f, err := elf.NewFile(bytes.NewReader(binary))
	if err != nil {
		t.Fatalf("/%s is not an ELF binary: %v", binaryPath, err)
	}
	if f.Machine != elfMachine[p.Architecture] {
		t.Errorf("/%s is built for %s, want %s", binaryPath, f.Machine, elfMachine[p.Architecture])
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Errorf("/%s is dynamically linked; want a static binary (CGO_ENABLED=0)", binaryPath)
		}
	}
	if f.Section(".symtab") != nil {
		t.Errorf("/%s keeps its symbol table; want it stripped (-s -w)", binaryPath)
	}
}

func checkPackage(t *testing.T, pkgYAML []byte) {
	t.Helper()
	var meta, crd bool
	for _, o := range decode(t, pkgYAML) {
		switch {
		case o.GetAPIVersion() == "meta.pkg.crossplane.io/v1" && o.GetKind() == "Function":
			meta = true
			if o.GetName() != pkgName {
				t.Errorf("package meta is named %q, want %q", o.GetName(), pkgName)
			}
			a := o.GetAnnotations()
			for _, k := range []string{"meta.crossplane.io/maintainer", "meta.crossplane.io/description", "meta.crossplane.io/readme"} {
				if a[k] == "" {
					t.Errorf("package meta lacks annotation %s", k)
				}
			}
			if got, want := a["meta.crossplane.io/source"], "github.com/crossplane-contrib/function-space-scaling"; got != want {
				t.Errorf("meta.crossplane.io/source %q, want %q", got, want)
			}
			if got := a["meta.crossplane.io/license"]; got != "Apache-2.0" {
				t.Errorf("meta.crossplane.io/license %q, want Apache-2.0", got)
			}
			if v, _, _ := unstructured.NestedString(o.Object, "spec", "crossplane", "version"); v == "" {
				t.Error("package meta has no spec.crossplane.version constraint")
			}
		case o.GetKind() == "CustomResourceDefinition" && o.GetName() == inputCRD:
			crd = true
		}
	}
	if !meta {
		t.Error("package.yaml has no meta.pkg.crossplane.io/v1 Function")
	}
	if !crd {
		t.Errorf("package.yaml has no CRD %s", inputCRD)
	}
}

// readFile returns the content and header of path in a layer blob, or nils.
func readFile(t *testing.T, mt types.MediaType, blob []byte, path string) ([]byte, *tar.Header) {
	t.Helper()
	var r io.Reader = bytes.NewReader(blob)
	switch mt {
	case types.DockerLayer, types.OCILayer:
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = zr.Close() }()
		r = zr
	case types.DockerUncompressedLayer, types.OCIUncompressedLayer:
	default:
		t.Fatalf("unexpected layer media type %s", mt)
	}
	tr := tar.NewReader(r)
	want := strings.TrimPrefix(path, "/")
	for range maxTarEntries {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/") != want {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxBlobBytes))
		if err != nil {
			t.Fatal(err)
		}
		return b, h
	}
	t.Fatalf("a layer holds more than %d entries", maxTarEntries)
	return nil, nil
}

func decode(t *testing.T, stream []byte) []*unstructured.Unstructured {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	var objs []*unstructured.Unstructured
	for range maxTarEntries {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			continue
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	t.Fatalf("more than %d YAML documents", maxTarEntries)
	return nil
}

// client reads one repository of a registry over the OCI distribution API,
// the way Crossplane's package manager does, without credentials.
type client struct {
	base string
	repo string
	http *http.Client
}

var manifestTypes = strings.Join([]string{
	string(types.OCIImageIndex), string(types.DockerManifestList),
	string(types.OCIManifestSchema1), string(types.DockerManifestSchema2),
}, ",")

// manifest fetches a manifest by tag or digest; when want is a digest the
// content must hash to it.
func (c *client) manifest(ctx context.Context, t *testing.T, ref, want string) ([]byte, types.MediaType) {
	t.Helper()
	b, ct := c.get(ctx, t, "/v2/"+c.repo+"/manifests/"+ref, manifestTypes)
	if want != "" {
		verify(t, b, want)
	}
	var mt struct {
		MediaType types.MediaType `json:"mediaType"`
	}
	if err := json.Unmarshal(b, &mt); err != nil {
		t.Fatal(err)
	}
	if mt.MediaType == "" {
		mt.MediaType = types.MediaType(ct)
	}
	return b, mt.MediaType
}

// blob fetches a blob and checks its digest.
func (c *client) blob(ctx context.Context, t *testing.T, d v1.Hash) []byte {
	t.Helper()
	b, _ := c.get(ctx, t, "/v2/"+c.repo+"/blobs/"+d.String(), "")
	verify(t, b, d.String())
	return b
}

func (c *client) get(ctx context.Context, t *testing.T, path, accept string) ([]byte, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBlobBytes+1))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	if len(b) > maxBlobBytes {
		t.Fatalf("GET %s: more than %d bytes", path, maxBlobBytes)
	}
	return b, resp.Header.Get("Content-Type")
}

func verify(t *testing.T, b []byte, digest string) {
	t.Helper()
	if got := fmt.Sprintf("sha256:%x", sha256.Sum256(b)); got != digest {
		t.Fatalf("content hashes to %s, want %s", got, digest)
	}
}

// startRegistry serves an in-memory OCI registry on loopback only and
// returns its host:port.
func startRegistry(ctx context.Context, t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return l.Addr().String()
}

// run runs a command from dir, bounded by ctx, and fails the test with its
// output when it fails.
func run(ctx context.Context, t *testing.T, dir string, env []string, command string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, command, args...) //nolint:gosec // G204: the test's own script and the CLI it builds.
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s (%s)\n%s", filepath.Base(command), strings.Join(args, " "), time.Since(start).Round(time.Second), buf.String())
	if ctx.Err() != nil {
		t.Fatalf("%s timed out: %v", filepath.Base(command), ctx.Err())
	}
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(command), err)
	}
}

// budget leaves a minute of the test binary's deadline for reporting, and
// never allows more than 30 minutes.
func budget(t *testing.T) time.Duration {
	t.Helper()
	b := 30 * time.Minute
	if d, ok := t.Deadline(); ok {
		if left := time.Until(d) - time.Minute; left < b {
			b = left
		}
	}
	if b <= 0 {
		t.Fatal("no time left to build the packages; raise go test -timeout")
	}
	return b
}

func repoRoot(t *testing.T) string {
	t.Helper()
	// go test runs a test binary in its package's directory.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "hack", "xpkg.sh")); err != nil {
		t.Fatalf("%s is not the repository root: %v", root, err)
	}
	return root
}
