package fn

import (
	"encoding/json"
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
)

// The reads of observed state, through apimachinery's Unstructured (the
// type the SDK's composed.Unstructured wraps) and its converter into typed
// structs:
// what the function recorded on the XR on earlier calls, the database's
// endpoint and the installed release's. Readiness is fn/status's.

// observedXR is the observed XR, for what the function recorded in its
// status on earlier calls: only its status is decoded, not the metadata
// (with its managedFields) and spec that spec.Decode reads.
func observedXR(raw []byte) *unstructured.Unstructured {
	var o struct {
		Status map[string]any `json:"status"`
	}
	_ = json.Unmarshal(raw, &o) // Decode reported any error already.
	xr := &unstructured.Unstructured{Object: map[string]any{}}
	if o.Status != nil {
		xr.Object["status"] = o.Status
	}
	return xr
}

// newWarnings are the warnings the XR's observed status does not carry yet:
// each degraded choice is reported once, not on every reconcile.
func newWarnings(xr *unstructured.Unstructured, all []string) []string {
	seen, _, _ := unstructured.NestedStringSlice(xr.Object, "status", "warnings") // None recorded, or not a list of strings.
	var out []string
	for _, w := range all {
		if !slices.Contains(seen, w) {
			out = append(out, w)
		}
	}
	return out
}

// endpoint reads the database's host:port from the observed instance.
func endpoint(o *unstructured.Unstructured, db *cloud.Database) string {
	if o == nil || db.EndpointFieldPath == "" {
		return ""
	}
	host, _, err := unstructured.NestedString(o.Object, strings.Split(db.EndpointFieldPath, ".")...)
	if err != nil || host == "" {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(int(db.Port)))
}

// releasedEndpoint is the database URL an observed Release was installed
// with, so a database that briefly reports no address never changes or
// removes the installed release.
func releasedEndpoint(o *unstructured.Unstructured) string {
	if o == nil {
		return ""
	}
	forProvider, ok := nestedObject(o.Object, "spec", "forProvider")
	if !ok {
		return ""
	}
	var fp struct {
		Set []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"set"`
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(forProvider, &fp); err != nil {
		return ""
	}
	for _, s := range fp.Set {
		if s.Name == spaces.URLValuePath {
			return s.Value
		}
	}
	return ""
}

// nestedObject is the object at path in o, without copying it.
func nestedObject(o map[string]any, path ...string) (map[string]any, bool) {
	v, found, err := unstructured.NestedFieldNoCopy(o, path...)
	if err != nil || !found {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}
