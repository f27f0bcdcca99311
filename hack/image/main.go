// Command image builds the function's runtime image without Docker, one
// image tarball per platform, for `crossplane xpkg build
// --embed-runtime-image-tarball`.
//
// The image matches what the Dockerfile produces: a static, stripped binary
// cross-compiled with CGO disabled, run as the distroless "nonroot" user
// (65532), serving gRPC on 9443. Instead of a distroless base it carries only
// the few files the function can use: /etc/passwd and /etc/group naming the
// nonroot user, its home and a writable /tmp.
//
// Run it from the repository root:
//
//	go run ./hack/image -version v0.1.0 -out _output/images
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

const (
	// BinaryPath is where the function lives inside the image.
	BinaryPath = "/usr/local/bin/function"
	// NonRoot is the uid and gid of distroless' nonroot user.
	NonRoot = 65532
	// Port is the gRPC port the function serves on by default.
	Port = "9443/tcp"

	imageName = "function-space-scaling"
	source    = "https://github.com/crossplane-contrib/function-space-scaling"
	license   = "Apache-2.0"
)

type options struct {
	version   string
	out       string
	platforms []v1.Platform
	pkg       string
	timeout   time.Duration
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	version := fs.String("version", "v0.0.0-dev", "Version recorded in the image labels.")
	out := fs.String("out", "_output/images", "Directory the image tarballs are written to.")
	platforms := fs.String("platforms", "linux/amd64,linux/arm64", "Comma-separated os/arch[/variant] list to build.")
	pkg := fs.String("pkg", ".", "Directory of the function's main package.")
	timeout := fs.Duration("timeout", 20*time.Minute, "Upper bound for each `go build`.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	o := options{version: *version, out: *out, pkg: *pkg, timeout: *timeout}
	for _, p := range strings.Split(*platforms, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		plat, err := v1.ParsePlatform(p)
		if err != nil {
			return fmt.Errorf("platform %q: %w", p, err)
		}
		if plat.OS == "" || plat.Architecture == "" {
			return fmt.Errorf("platform %q: want os/arch[/variant]", p)
		}
		o.platforms = append(o.platforms, *plat)
	}
	if len(o.platforms) == 0 {
		return errors.New("no platforms to build")
	}

	if err := os.MkdirAll(filepath.Join(o.out, "bin"), 0o750); err != nil {
		return err
	}

	ldflags := "-s -w"

	created := buildTime()
	for _, p := range o.platforms {
		path, err := buildPlatform(o, p, ldflags, created)
		if err != nil {
			return fmt.Errorf("%s: %w", p.String(), err)
		}
		if _, err := fmt.Fprintf(stdout, "%s\t%s\n", p.String(), path); err != nil {
			return err
		}
	}
	return nil
}

// TarballName is the file name of the image tarball of a platform.
func TarballName(p v1.Platform) string {
	parts := []string{imageName, "runtime", p.OS, p.Architecture}
	if p.Variant != "" {
		parts = append(parts, p.Variant)
	}
	return strings.Join(parts, "-") + ".tar"
}

func buildPlatform(o options, p v1.Platform, ldflags string, created time.Time) (string, error) {
	suffix := p.OS + "_" + p.Architecture
	if p.Variant != "" {
		suffix += "_" + p.Variant
	}
	bin := filepath.Join(o.out, "bin", suffix, "function")
	binAbs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	if err := goBuild(o, p, ldflags, binAbs); err != nil {
		return "", err
	}

	binary, err := os.ReadFile(binAbs) //nolint:gosec // G304: the binary go build just wrote.
	if err != nil {
		return "", err
	}
	layer, err := rootfsLayer(binary, created)
	if err != nil {
		return "", err
	}

	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	cf = cf.DeepCopy()
	cf.OS = p.OS
	cf.Architecture = p.Architecture
	cf.Variant = p.Variant
	cf.Created = v1.Time{Time: created}
	for i := range cf.History {
		cf.History[i].Created = v1.Time{Time: created}
		cf.History[i].CreatedBy = "hack/image"
	}
	cf.Config = v1.Config{
		Entrypoint:   []string{BinaryPath},
		User:         fmt.Sprintf("%d:%d", NonRoot, NonRoot),
		ExposedPorts: map[string]struct{}{Port: {}},
		Env:          []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		WorkingDir:   "/",
		Labels: map[string]string{
			"org.opencontainers.image.source":      source,
			"org.opencontainers.image.version":     o.version,
			"org.opencontainers.image.licenses":    license,
			"org.opencontainers.image.title":       imageName,
			"org.opencontainers.image.description": "Crossplane composition function that makes an Upbound Space production-ready.",
		},
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return "", err
	}

	tag, err := name.NewTag(fmt.Sprintf("%s:%s-%s", imageName, o.version, strings.ReplaceAll(suffix, "_", "-")))
	if err != nil {
		return "", err
	}
	path := filepath.Join(o.out, TarballName(p))
	tmp := path + ".tmp"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return path, os.Rename(tmp, path)
}

func goBuild(o options, p v1.Platform, ldflags, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	// grpcnotrace leaves out gRPC's golang.org/x/net/trace (and with it
	// html/template), which the function never uses: a smaller binary and
	// fewer pages resident (docs/performance.md).
	//nolint:gosec // G204: the arguments are this program's flags, run by the developer.
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "grpcnotrace", "-ldflags", ldflags, "-o", out, ".")
	cmd.Dir = o.pkg
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture)
	if p.Variant != "" {
		switch p.Architecture {
		case "arm":
			env = append(env, "GOARM="+strings.TrimPrefix(p.Variant, "v"))
		case "amd64":
			env = append(env, "GOAMD64="+p.Variant)
		}
	}
	cmd.Env = env
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("go build timed out after %s", o.timeout)
		}
		return fmt.Errorf("go build: %w", err)
	}
	return nil
}

// buildTime honours SOURCE_DATE_EPOCH so rebuilds of one commit are
// byte-identical; without it every timestamp is the Unix epoch.
func buildTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Unix(0, 0).UTC()
}

// rootfsLayer lays out the image's only layer.
func rootfsLayer(binary []byte, mtime time.Time) (v1.Layer, error) {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", NonRoot, NonRoot)
	group := fmt.Sprintf("root:x:0:\nnobody:x:65534:\nnonroot:x:%d:\n", NonRoot)

	type entry struct {
		name     string
		mode     int64
		uid, gid int
		dir      bool
		data     []byte
	}
	entries := []entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, uid: NonRoot, gid: NonRoot, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
		{name: strings.TrimPrefix(BinaryPath, "/"), mode: 0o755, uid: NonRoot, gid: NonRoot, data: binary},
	}

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name:    e.name,
			Mode:    e.mode,
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: mtime,
		}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if !e.dir {
			if _, err := tw.Write(e.data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	content := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(content)), nil
	})
}
