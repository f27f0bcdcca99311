// Package crdvalidate validates objects against CustomResourceDefinitions
// the way the Kubernetes API server does on create: structural pruning
// (reported as unknown-field errors rather than silently applied),
// defaulting, OpenAPI v3 validation, list types, embedded resources and CEL
// x-kubernetes-validations. Tests use it to prove that every resource the
// function composes would be accepted by the cluster, and that the XRD and
// the function's own validation agree.
package crdvalidate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Validators holds the compiled schema of every version of every CRD of a
// folder.
type Validators struct {
	versions map[schema.GroupVersionKind]*crdVersion
	kinds    map[schema.GroupKind][]string // served and unserved version names
}

// crdVersion is one version of one CRD.
type crdVersion struct {
	crd                string
	namespaced         bool
	served             bool
	deprecated         bool
	deprecationWarning string
	schema             *compiledSchema
}

// Load reads every CRD in the YAML files (.yaml, .yml; several documents a
// file allowed) of dir. Documents of other kinds are ignored.
func Load(dir string) (*Validators, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the CRD folder: %w", err)
	}
	v := &Validators{versions: map[schema.GroupVersionKind]*crdVersion{}, kinds: map[schema.GroupKind][]string{}}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		docs, err := readDocuments(path)
		if err != nil {
			return nil, err
		}
		for i, doc := range docs {
			if err := v.add(doc); err != nil {
				return nil, fmt.Errorf("%s, document %d: %w", e.Name(), i+1, err)
			}
		}
	}
	if len(v.versions) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition in %s", dir)
	}
	return v, nil
}

// readDocuments splits a YAML file into its non-empty documents.
func readDocuments(path string) ([][]byte, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the path comes from the test's own CRD folder
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cannot split %s into YAML documents: %w", path, err)
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

func (v *Validators) add(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return fmt.Errorf("cannot parse YAML: %w", err)
	}
	if tm.Kind == "" && tm.APIVersion == "" {
		// A document of comments only.
		return nil
	}
	if tm.Kind != "CustomResourceDefinition" {
		return nil
	}
	if tm.APIVersion != apiextensionsv1.SchemeGroupVersion.String() {
		return fmt.Errorf("CustomResourceDefinition %s is not supported, only %s", tm.APIVersion, apiextensionsv1.SchemeGroupVersion)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(doc, crd); err != nil {
		return fmt.Errorf("cannot decode the CustomResourceDefinition: %w", err)
	}
	gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
	if _, dup := v.kinds[gk]; dup {
		return fmt.Errorf("a second CRD defines %s", gk)
	}
	for i := range crd.Spec.Versions {
		ver := &crd.Spec.Versions[i]
		var props *apiextensionsv1.JSONSchemaProps
		if ver.Schema != nil {
			props = ver.Schema.OpenAPIV3Schema
		}
		s, err := newSchema(props)
		if err != nil {
			return fmt.Errorf("CRD %s version %s: %w", crd.Name, ver.Name, err)
		}
		cv := &crdVersion{
			crd:        crd.Name,
			namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			served:     ver.Served,
			deprecated: ver.Deprecated,
			schema:     s,
		}
		if ver.DeprecationWarning != nil {
			cv.deprecationWarning = *ver.DeprecationWarning
		}
		v.versions[gk.WithVersion(ver.Name)] = cv
		v.kinds[gk] = append(v.kinds[gk], ver.Name)
	}
	return nil
}

// Kinds lists every group/version/kind the loaded CRDs define, sorted.
func (v *Validators) Kinds() []string {
	out := make([]string, 0, len(v.versions))
	for gvk := range v.versions {
		out = append(out, gvk.GroupVersion().String()+", Kind="+gvk.Kind)
	}
	sort.Strings(out)
	return out
}

// Validate checks obj (a Kubernetes object as decoded from JSON) as the API
// server would on create. The version of a CRD is chosen by the object's
// apiVersion and kind; a kind no CRD defines is an error, unless it is one
// of the built-in kinds the function composes (StorageClass, Secret,
// ConfigMap), which are strictly decoded into their Go types. A version that
// is not served or is deprecated is an error. provider-kubernetes Objects
// also have their spec.forProvider.manifest validated, with paths under it.
// obj is not changed.
func (v *Validators) Validate(obj map[string]any) field.ErrorList {
	u, err := normalize(obj)
	if err != nil {
		return field.ErrorList{pathError(nil, err.Error())}
	}
	return dedupe(v.validate(u))
}

// validate checks a normalised object it may change.
func (v *Validators) validate(u map[string]any) field.ErrorList {
	apiVersion, kind, errs := typeMeta(u)
	if len(errs) > 0 {
		return errs
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	gvk := gv.WithKind(kind)

	cv, ok := v.versions[gvk]
	if !ok {
		if b, ok := builtins[gvk]; ok {
			return b.validate(u)
		}
		if versions, ok := v.kinds[gvk.GroupKind()]; ok {
			return field.ErrorList{field.NotSupported(field.NewPath("apiVersion"), apiVersion, groupVersions(gv.Group, versions))}
		}
		return field.ErrorList{field.Invalid(field.NewPath("kind"), kind,
			fmt.Sprintf("no CRD in the folder defines kind %s in %s, and it is not a built-in kind the validator knows", kind, apiVersion))}
	}
	if !cv.served {
		errs = append(errs, field.Invalid(field.NewPath("apiVersion"), apiVersion, fmt.Sprintf("version %s of CRD %s is not served", gv.Version, cv.crd)))
	}
	if cv.deprecated {
		msg := fmt.Sprintf("version %s of CRD %s is deprecated", gv.Version, cv.crd)
		if cv.deprecationWarning != "" {
			msg += ": " + cv.deprecationWarning
		}
		errs = append(errs, field.Invalid(field.NewPath("apiVersion"), apiVersion, msg))
	}

	// ObjectMeta, with its unknown fields, before the schema prunes it.
	meta, metaErrs := objectMeta(u, cv.namespaced)
	errs = append(errs, metaErrs...)

	var manifest map[string]any
	if isObject(gvk) && meta != nil {
		manifest, _, _ = nestedMap(u, "spec", "forProvider", "manifest")
		manifest = deepCopyMap(manifest)
	}
	errs = append(errs, cv.schema.validate(u)...)
	if manifest != nil {
		errs = append(errs, prefixErrors(field.NewPath("spec", "forProvider", "manifest"), v.validate(manifest))...)
	}
	return errs
}

// isObject says whether gvk is a provider-kubernetes Object, whose
// spec.forProvider.manifest is an object of its own.
func isObject(gvk schema.GroupVersionKind) bool {
	return gvk.Kind == "Object" && (gvk.Group == "kubernetes.crossplane.io" || gvk.Group == "kubernetes.m.crossplane.io")
}

func groupVersions(group string, versions []string) []string {
	out := make([]string, 0, len(versions))
	for _, ver := range versions {
		out = append(out, schema.GroupVersion{Group: group, Version: ver}.String())
	}
	slices.Sort(out)
	return out
}

// typeMeta reads apiVersion and kind.
func typeMeta(u map[string]any) (apiVersion, kind string, errs field.ErrorList) {
	for _, f := range []struct {
		name string
		into *string
	}{{"apiVersion", &apiVersion}, {"kind", &kind}} {
		switch s, ok := u[f.name].(string); {
		case !ok && u[f.name] != nil:
			errs = append(errs, field.TypeInvalid(field.NewPath(f.name), u[f.name], "must be a string"))
		case s == "":
			errs = append(errs, field.Required(field.NewPath(f.name), ""))
		default:
			*f.into = s
		}
	}
	return apiVersion, kind, errs
}

// objectMeta decodes and checks metadata like the API server: unknown
// fields, the name (required, a DNS subdomain), labels, annotations; a
// namespace only on namespaced kinds. A namespaced object may leave its
// namespace empty: Crossplane sets it to the XR's.
func objectMeta(u map[string]any, namespaced bool) (*metav1.ObjectMeta, field.ErrorList) {
	mp := field.NewPath("metadata")
	raw, ok := u["metadata"]
	if !ok || raw == nil {
		return nil, field.ErrorList{field.Required(mp.Child("name"), "metadata.name must be set")}
	}
	b, err := utiljson.Marshal(raw)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(mp, nil, err.Error())}
	}
	meta := &metav1.ObjectMeta{}
	errs, ferr := strictDecode(b, meta, mp)
	if ferr != nil {
		return nil, append(errs, ferr)
	}
	errs = append(errs, checkObjectMeta(meta, namespaced, mp)...)
	return meta, errs
}

func checkObjectMeta(meta *metav1.ObjectMeta, namespaced bool, mp *field.Path) field.ErrorList {
	var errs field.ErrorList
	if meta.Name == "" && meta.GenerateName != "" {
		errs = append(errs, field.Required(mp.Child("name"), "a composed resource must have a name, not only generateName"))
	}
	errs = append(errs, apivalidation.ValidateObjectMeta(meta, namespaced && meta.Namespace != "", apivalidation.NameIsDNSSubdomain, mp)...)
	return errs
}

// normalize deep-copies obj through JSON, so numbers are int64 or float64
// as in an object the API server decodes.
func normalize(obj map[string]any) (map[string]any, error) {
	b, err := utiljson.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("cannot marshal the object to JSON: %w", err)
	}
	u := map[string]any{}
	if err := utiljson.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("cannot unmarshal the object from JSON: %w", err)
	}
	return u, nil
}

func nestedMap(u map[string]any, fields ...string) (map[string]any, bool, error) {
	cur := u
	for i, f := range fields {
		next, ok := cur[f]
		if !ok || next == nil {
			return nil, false, nil
		}
		m, ok := next.(map[string]any)
		if !ok {
			return nil, false, fmt.Errorf("%s is a %T, not an object", strings.Join(fields[:i+1], "."), next)
		}
		cur = m
	}
	return cur, true, nil
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return x
	}
}

// dedupe drops repeated errors: an embedded resource's unknown metadata
// fields are found both by the outer schema and by validating it on its own.
func dedupe(errs field.ErrorList) field.ErrorList {
	seen := map[string]bool{}
	out := errs[:0:0]
	for _, e := range errs {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
