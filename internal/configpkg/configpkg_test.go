package configpkg

import (
	"path/filepath"
	"testing"
)

func TestProviderFor(t *testing.T) {
	cases := map[string]string{
		"eks.aws.upbound.io":                 "xpkg.upbound.io/upbound/provider-aws-eks",
		"rds.aws.m.upbound.io":               "xpkg.upbound.io/upbound/provider-aws-rds",
		"container.gcp.upbound.io":           "xpkg.upbound.io/upbound/provider-gcp-container",
		"sql.gcp.m.upbound.io":               "xpkg.upbound.io/upbound/provider-gcp-sql",
		"containerservice.azure.upbound.io":  "xpkg.upbound.io/upbound/provider-azure-containerservice",
		"dbforpostgresql.azure.m.upbound.io": "xpkg.upbound.io/upbound/provider-azure-dbforpostgresql",
		"helm.crossplane.io":                 "xpkg.crossplane.io/crossplane-contrib/provider-helm",
		"helm.m.crossplane.io":               "xpkg.crossplane.io/crossplane-contrib/provider-helm",
		"kubernetes.m.crossplane.io":         "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes",
		"kubernetes.crossplane.io":           "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes",
		"karpenter.sh":                       "",
		"monitoring.coreos.com":              "",
		"upbound.io":                         "",
		"eks.upbound.io":                     "",
		"eks.ibm.upbound.io":                 "",
		"a.b.aws.upbound.io":                 "",
		"spacescaling.crossplane.io":         "",
		"apiextensions.crossplane.io":        "",
	}
	for group, want := range cases {
		got, ok := ProviderFor(group)
		if got != want || ok != (want != "") {
			t.Errorf("ProviderFor(%q) = %q, %v; want %q", group, got, ok, want)
		}
	}
}

func TestLoad(t *testing.T) {
	root := filepath.Join("..", "..")
	base, err := Load(root, Base)
	if err != nil {
		t.Fatal(err)
	}
	if base.Metadata.Name != "configuration-space-scaling" || len(base.Providers()) != 0 {
		t.Errorf("base package: name %q, providers %v", base.Metadata.Name, base.Providers())
	}
	for _, cloud := range Clouds {
		c, err := Load(root, cloud)
		if err != nil {
			t.Fatal(err)
		}
		if c.Metadata.Name != "configuration-space-scaling-"+cloud {
			t.Errorf("%s: named %q", cloud, c.Metadata.Name)
		}
		for _, pkg := range []string{BasePackage, FunctionPackage} {
			if _, ok := c.Dependency(pkg); !ok {
				t.Errorf("%s does not depend on %s", c.Metadata.Name, pkg)
			}
		}
		for _, d := range c.Spec.DependsOn {
			if d.APIVersion != "pkg.crossplane.io/v1" || d.Version == "" {
				t.Errorf("%s: dependency %+v wants apiVersion pkg.crossplane.io/v1 and a version", c.Metadata.Name, d)
			}
		}
	}
	if _, err := Load(root, "nope"); err == nil {
		t.Error("Load of a missing package did not fail")
	}
}

func TestDependencyName(t *testing.T) {
	d := Dependency{Package: FunctionPackage, Version: "v0.1.0"}
	if d.Name() != "crossplane-contrib-function-space-scaling" || d.Ref() != FunctionPackage+":v0.1.0" {
		t.Errorf("Name %q Ref %q", d.Name(), d.Ref())
	}
}

func TestPrerequisite(t *testing.T) {
	for group, want := range map[string]bool{
		"": true, "apps": true, "storage.k8s.io": true, "karpenter.sh": true, "karpenter.k8s.aws": true,
		"monitoring.coreos.com": true, "kubernetes.crossplane.io": false, "eks.aws.upbound.io": false, "k8s.io.example.com": false,
	} {
		if got := Prerequisite(group); got != want {
			t.Errorf("Prerequisite(%q) = %v, want %v", group, got, want)
		}
	}
}
