package fn

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// The reads of observed state: what the function recorded on the XR on
// earlier calls, the database's endpoint and the installed release's.

// observedXR decodes the observed XR loosely, for what the function recorded
// in its status on earlier calls: only the status, not the metadata (with
// its managedFields) and spec that spec.Decode reads.
func observedXR(raw []byte) map[string]any {
	var xr struct {
		Status map[string]any `json:"status"`
	}
	_ = json.Unmarshal(raw, &xr) // Decode reported any error already.
	return map[string]any{"status": xr.Status}
}

// newWarnings are the warnings the XR's observed status does not carry yet:
// each degraded choice is reported once, not on every reconcile.
func newWarnings(xr map[string]any, all []string) []string {
	st, _ := xr["status"].(map[string]any)
	seen := map[string]bool{}
	if ws, ok := st["warnings"].([]any); ok {
		for _, w := range ws {
			if s, ok := w.(string); ok {
				seen[s] = true
			}
		}
	}
	var out []string
	for _, w := range all {
		if !seen[w] {
			out = append(out, w)
		}
	}
	return out
}

// endpoint reads the database's host:port from the observed instance.
func endpoint(o *status.Observed, db *cloud.Database) string {
	if o == nil || db.EndpointFieldPath == "" {
		return ""
	}
	host, _ := lookup(o.Object, db.EndpointFieldPath).(string)
	if host == "" {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(int(db.Port)))
}

// releasedEndpoint is the database URL an observed Release was installed
// with, so a database that briefly reports no address never changes or
// removes the installed release.
func releasedEndpoint(o *status.Observed) string {
	if o == nil {
		return ""
	}
	sets, _ := lookup(o.Object, "spec.forProvider.set").([]any)
	for _, s := range sets {
		m, _ := s.(map[string]any)
		if name, _ := m["name"].(string); name == spaces.URLValuePath {
			v, _ := m["value"].(string)
			return v
		}
	}
	return ""
}

// lookup is the value at a dotted path of object fields, or nil.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for k := range strings.SplitSeq(path, ".") {
		o, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = o[k]
	}
	return cur
}
