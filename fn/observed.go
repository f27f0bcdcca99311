package fn

import (
	"encoding/json"
	"net"
	"slices"
	"strconv"

	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/crossplane-contrib/function-space-scaling/fn/cloud"
	"github.com/crossplane-contrib/function-space-scaling/fn/spaces"
)

// The reads of observed state, through the function SDK's resource types:
// what the function recorded on the XR on earlier calls, the database's
// endpoint and the installed release's. Readiness is fn/status's.

// observedXR is the observed XR, for what the function recorded in its
// status on earlier calls.
func observedXR(raw []byte) *composite.Unstructured {
	xr := composite.New()
	_ = json.Unmarshal(raw, &xr.Object) // Decode reported any error already.
	return xr
}

// newWarnings are the warnings the XR's observed status does not carry yet:
// each degraded choice is reported once, not on every reconcile.
func newWarnings(xr *composite.Unstructured, all []string) []string {
	seen, _ := xr.GetStringArray("status.warnings") // None recorded, or not a list of strings.
	var out []string
	for _, w := range all {
		if !slices.Contains(seen, w) {
			out = append(out, w)
		}
	}
	return out
}

// endpoint reads the database's host:port from the observed instance.
func endpoint(o *composed.Unstructured, db *cloud.Database) string {
	if o == nil || db.EndpointFieldPath == "" {
		return ""
	}
	host, err := o.GetString(db.EndpointFieldPath)
	if err != nil || host == "" {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(int(db.Port)))
}

// releasedEndpoint is the database URL an observed Release was installed
// with, so a database that briefly reports no address never changes or
// removes the installed release.
func releasedEndpoint(o *composed.Unstructured) string {
	if o == nil {
		return ""
	}
	var sets []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := o.GetValueInto("spec.forProvider.set", &sets); err != nil {
		return ""
	}
	for _, s := range sets {
		if s.Name == spaces.URLValuePath {
			return s.Value
		}
	}
	return ""
}
