package fn

import (
	"encoding/json"
	"net"
	"strconv"

	"github.com/crossplane/crossplane-runtime/v2/pkg/fieldpath"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
	"github.com/crossplane-contrib/function-space-scaling/fn/status"
)

// The reads of observed state: what the function recorded on the XR on
// earlier calls, the database's endpoint and the installed release's.

// observedXR decodes the observed XR loosely, for what the function recorded
// in its status on earlier calls.
func observedXR(raw []byte) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m) // Decode reported any error already.
	return m
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
	host, err := fieldpath.Pave(o.Object).GetString(db.EndpointFieldPath)
	if err != nil || host == "" {
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
	var sets []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := fieldpath.Pave(o.Object).GetValueInto("spec.forProvider.set", &sets); err != nil {
		return ""
	}
	for _, s := range sets {
		if s.Name == spaces.URLValuePath {
			return s.Value
		}
	}
	return ""
}
