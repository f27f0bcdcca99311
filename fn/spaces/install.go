package spaces

import (
	"strconv"
	"strings"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// Install-time values of the Spaces chart. Upbound's install guide sets them
// on the helm command line (account, authentication.hubIdentities,
// authorization.hubRBAC, and the router's host), so an existing install
// carries them in its user-supplied values. provider-helm upgrades with
// ResetValues (crossplane-contrib/provider-helm, pkg/clients/helm/client.go:
// "source of truth for desired state is always the CR itself"), so a
// Release that adopts the "spaces" release without them drops them.
//
// Keys checked against the Spaces Helm chart values reference for 1.17
// (docs.upbound.io/reference/spaces-helm-reference; upbound/docs,
// docs/reference/spaces-helm-reference.md): account, authentication.
// hubIdentities, authorization.hubRBAC, externalTLS.host, ingress.host.

// ExternalTLSHostSince is the first chart minor version (1.x) whose router
// host is externalTLS.host ("the externally routable hostname for Spaces. If
// empty, falls back to gatewayAPI.host or ingress.host"); Spaces 1.16 stopped
// provisioning an Ingress by default and its install guide sets
// externalTLS.host (upbound/docs, docs/reference/release-notes/spaces.md,
// v1.16.0). Earlier charts route by ingress.host.
const ExternalTLSHostSince = 16

// installValues sets the install-time values on v.
func installValues(v *Values, s plan.Spaces) {
	v.Account = s.Account
	v.Authentication = AuthenticationValues{HubIdentities: s.HubIdentities}
	v.Authorization = AuthorizationValues{HubRBAC: s.HubRBAC}
	if UsesExternalTLSHost(s.Version) {
		v.ExternalTLS = &ExternalTLSValues{Host: s.RouterHost}
		return
	}
	v.Ingress = &IngressValues{Host: s.RouterHost}
}

// UsesExternalTLSHost is true when chart version reads the router's host
// from externalTLS.host (1.16 and later), false when from ingress.host.
// version is a validated semantic version, with or without a leading v.
func UsesExternalTLSHost(version string) bool {
	major, minor, ok := majorMinor(version)
	if !ok {
		// Validation admits only semantic versions; take the newest shape.
		return true
	}
	return major > 1 || (major == 1 && minor >= ExternalTLSHostSince)
}

func majorMinor(version string) (major, minor int, ok bool) {
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	var err error
	if major, err = strconv.Atoi(parts[0]); err != nil {
		return 0, 0, false
	}
	if minor, err = strconv.Atoi(parts[1]); err != nil {
		return 0, 0, false
	}
	return major, minor, true
}
