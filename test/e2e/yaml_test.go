package e2e_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// object is one Kubernetes resource as decoded from YAML.
type object map[string]any

func (o object) apiVersion() string { s, _ := o["apiVersion"].(string); return s }
func (o object) kind() string       { s, _ := o["kind"].(string); return s }

// gvk is "apiVersion, Kind=kind", the way crossplane prints it.
func (o object) gvk() string { return o.apiVersion() + ", Kind=" + o.kind() }

// group is the API group of the object's apiVersion; "" for the core group.
func (o object) group() string {
	g, _, found := strings.Cut(o.apiVersion(), "/")
	if !found {
		return ""
	}
	return g
}

// version is the version part of the object's apiVersion.
func (o object) version() string {
	av := o.apiVersion()
	return av[strings.LastIndex(av, "/")+1:]
}

func (o object) name() string {
	s, _ := lookup(o, "metadata", "name").(string)
	return s
}

// lookup returns the value at path in nested maps, or nil.
func lookup(v any, path ...string) any {
	for _, p := range path {
		switch m := v.(type) {
		case map[string]any:
			v = m[p]
		case object:
			v = m[p]
		default:
			return nil
		}
	}
	return v
}

// decodeStream parses a YAML stream into objects, skipping empty documents.
func decodeStream(r io.Reader) ([]object, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var out []object
	for {
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(o) > 0 {
			out = append(out, o)
		}
	}
}

// readObject parses a single-document YAML file.
func readObject(t *testing.T, path string) object {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // G304: test fixtures of this repository.
	if err != nil {
		t.Fatal(err)
	}
	o := object{}
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatalf("cannot parse %s: %v", path, err)
	}
	return o
}

// writeStream writes objects as a YAML stream to path.
func writeStream(t *testing.T, path string, objs []object) {
	t.Helper()
	var sb strings.Builder
	for _, o := range objs {
		b, err := yaml.Marshal(map[string]any(o))
		if err != nil {
			t.Fatalf("cannot marshal %s %s: %v", o.gvk(), o.name(), err)
		}
		sb.WriteString("---\n")
		sb.Write(b)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// crdVersion is what the deprecation check needs of one version of a CRD.
type crdVersion struct {
	served, deprecated bool
}

// crdIndex maps "group/Kind" to the CRD's versions by name.
type crdIndex map[string]map[string]crdVersion

// loadCRDs reads every CustomResourceDefinition in the YAML files of dir.
func loadCRDs(t *testing.T, dir string) crdIndex {
	t.Helper()
	idx := crdIndex{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".yml") {
			return nil
		}
		b, err := os.ReadFile(path) //nolint:gosec // G304: the CRD folder the tests were pointed at.
		if err != nil {
			return err
		}
		objs, err := decodeStream(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, o := range objs {
			if o.kind() != "CustomResourceDefinition" {
				continue
			}
			group, _ := lookup(o, "spec", "group").(string)
			kind, _ := lookup(o, "spec", "names", "kind").(string)
			versions := map[string]crdVersion{}
			list, _ := lookup(o, "spec", "versions").([]any)
			for _, v := range list {
				name, _ := lookup(v, "name").(string)
				served, _ := lookup(v, "served").(bool)
				deprecated, _ := lookup(v, "deprecated").(bool)
				versions[name] = crdVersion{served: served, deprecated: deprecated}
			}
			idx[group+"/"+kind] = versions
		}
		return nil
	})
	if err != nil {
		t.Fatalf("cannot read the CRDs in %s: %v", dir, err)
	}
	if len(idx) == 0 {
		t.Fatalf("no CustomResourceDefinition in %s", dir)
	}
	return idx
}

// has reports whether the folder holds a CRD for the object's group and kind.
func (idx crdIndex) has(o object) bool {
	_, ok := idx[o.group()+"/"+o.kind()]
	return ok
}

// gaVersion matches the version of a generally available API: v1, v2, ...
var gaVersion = regexp.MustCompile(`^v[0-9]+$`)

// builtin reports whether group is one of Kubernetes' own API groups, whose
// kinds (StorageClass, Secret, ...) have no CRD to validate against.
func builtin(group string) bool {
	switch group {
	case "", "apps", "batch", "policy", "autoscaling", "extensions":
		return true
	}
	return strings.HasSuffix(group, ".k8s.io")
}

// apiVersionProblem says what is wrong with the object's apiVersion, or "".
// A kind with a CRD in the folder must use a served version the CRD does not
// mark deprecated; a built-in kind must use a GA version (no alpha or beta,
// every one of which Kubernetes has deprecated or removed); any other kind
// must have a CRD in the folder, or nothing could check it.
func (idx crdIndex) apiVersionProblem(o object) string {
	if o.apiVersion() == "" || o.kind() == "" {
		return "has no apiVersion or kind"
	}
	if versions, ok := idx[o.group()+"/"+o.kind()]; ok {
		v, ok := versions[o.version()]
		switch {
		case !ok:
			return fmt.Sprintf("uses version %s, which its CRD does not define (it defines %s)", o.version(), strings.Join(sortedKeys(versions), ", "))
		case !v.served:
			return fmt.Sprintf("uses version %s, which its CRD does not serve", o.version())
		case v.deprecated:
			return fmt.Sprintf("uses version %s, which its CRD marks deprecated", o.version())
		}
		return ""
	}
	if builtin(o.group()) {
		if !gaVersion.MatchString(o.version()) {
			return fmt.Sprintf("uses the pre-GA built-in version %s", o.apiVersion())
		}
		return ""
	}
	return "has no CRD in the CRD folder, so it cannot be checked"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
