package fn

import (
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
)

// The reads of observed composed resources, through apimachinery's
// Unstructured (the type the SDK's composed.Unstructured wraps) and its
// converter into typed structs: the database's endpoint and the installed
// release's, each read once per request (Compose keeps what it read).
// Readiness is fn/status's, read once per resource and request through
// status.Observed; what earlier calls recorded on the XR comes with the
// spec (spec.Decode).

// newWarnings are the warnings the XR's observed status does not carry yet
// (seen): each degraded choice is reported once, not on every reconcile.
func newWarnings(seen, all []string) []string {
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

// routerAddress is the first load balancer address (host name, else IP) of
// the router's Service, as its observe-only Object reads it back.
func routerAddress(o *unstructured.Unstructured) string {
	if o == nil {
		return ""
	}
	lb, ok := nestedObject(o.Object, strings.Split(spaces.RouterAddressField, ".")...)
	if !ok {
		return ""
	}
	ingress, _, _ := unstructured.NestedSlice(lb, "ingress")
	if len(ingress) == 0 {
		return ""
	}
	first, _ := ingress[0].(map[string]any)
	if h, _ := first["hostname"].(string); h != "" {
		return h
	}
	ip, _ := first["ip"].(string)
	return ip
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
