// Package configpkg reads the project's Configuration packages
// (configuration/*/crossplane.yaml) and knows which provider package serves
// an API group. The tests use it to check that each cloud's package depends
// on exactly the providers its rendered output needs, and the cluster suite
// to build stand-in provider packages from the upstream CRDs.
package configpkg

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Clouds are the cloud packages, each configuration/<cloud>/crossplane.yaml.
var Clouds = []string{"aws", "gcp", "azure"}

// Base is the folder of the cloud-neutral package (the XRD and Composition).
const Base = "base"

// Dependency is one entry of a package's spec.dependsOn.
type Dependency struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Package    string `json:"package"`
	Version    string `json:"version"`
}

// Ref is the dependency's package reference with its version as the tag.
func (d Dependency) Ref() string { return d.Package + ":" + d.Version }

// Name is what Crossplane names the package object it creates for the
// dependency: the repository path as a DNS label (crossplane v2
// internal/xpkg ToDNSLabel of the reference's RepositoryStr).
func (d Dependency) Name() string {
	_, repo, _ := strings.Cut(d.Package, "/")
	return strings.ReplaceAll(repo, "/", "-")
}

// Configuration is the part of a meta.pkg.crossplane.io Configuration the
// project reads.
type Configuration struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		DependsOn []Dependency `json:"dependsOn"`
	} `json:"spec"`
}

// Load reads configuration/<dir>/crossplane.yaml under the repository root.
func Load(root, dir string) (Configuration, error) {
	var c Configuration
	p := filepath.Join(root, "configuration", dir, "crossplane.yaml")
	b, err := os.ReadFile(p) //nolint:gosec // a file of this repository.
	if err != nil {
		return c, fmt.Errorf("cannot read %s: %w", dir, err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("cannot parse configuration/%s/crossplane.yaml: %w", dir, err)
	}
	return c, nil
}

// Providers returns the Provider dependencies, sorted by package.
func (c Configuration) Providers() []Dependency {
	var out []Dependency
	for _, d := range c.Spec.DependsOn {
		if d.Kind == "Provider" {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Package < out[j].Package })
	return out
}

// Dependency returns the dependency on the package, if there is one.
func (c Configuration) Dependency(pkg string) (Dependency, bool) {
	for _, d := range c.Spec.DependsOn {
		if d.Package == pkg {
			return d, true
		}
	}
	return Dependency{}, false
}

// The packages the function's own kinds come from.
const (
	FunctionPackage      = "xpkg.crossplane.io/crossplane-contrib/function-space-scaling"
	BasePackage          = "xpkg.crossplane.io/crossplane-contrib/configuration-space-scaling"
	providerHelm         = "xpkg.crossplane.io/crossplane-contrib/provider-helm"
	providerKubernetes   = "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes"
	upjetProviderPackage = "xpkg.upbound.io/upbound/provider-%s-%s"
)

// ProviderFor returns the provider package that serves an API group of a
// managed resource. The upjet providers are published one per service, named
// after the group's first two labels: eks.aws.upbound.io and its namespaced
// twin eks.aws.m.upbound.io come from provider-aws-eks.
func ProviderFor(group string) (string, bool) {
	switch group {
	case "helm.crossplane.io", "helm.m.crossplane.io":
		return providerHelm, true
	case "kubernetes.crossplane.io", "kubernetes.m.crossplane.io":
		return providerKubernetes, true
	}
	rest, ok := strings.CutSuffix(group, ".upbound.io")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, ".m")
	service, cloud, ok := strings.Cut(rest, ".")
	if !ok || service == "" || strings.Contains(cloud, ".") {
		return "", false
	}
	switch cloud {
	case "aws", "gcp", "azure":
		return fmt.Sprintf(upjetProviderPackage, cloud, service), true
	}
	return "", false
}

// prerequisites are API groups the function composes that no Crossplane
// package serves: the cluster they land in already runs them (Karpenter and
// the Prometheus operator are installed by their own charts, docs/prerequisites.md).
var prerequisites = map[string]bool{
	"karpenter.sh":          true,
	"karpenter.k8s.aws":     true,
	"monitoring.coreos.com": true,
}

// Prerequisite reports whether a group is served by the cluster itself:
// Kubernetes' own groups, or a prerequisite installed outside Crossplane.
func Prerequisite(group string) bool {
	return group == "" || !strings.Contains(group, ".") || strings.HasSuffix(group, ".k8s.io") || prerequisites[group]
}
