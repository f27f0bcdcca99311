// Package compose holds what every renderer shares: deterministic names,
// cluster-scoped versus namespaced (.m.) variants of managed resources,
// providerConfigRefs, and the delivery of in-cluster manifests as
// provider-kubernetes Objects or as themselves. Scope and delivery are data
// here, so renderers never branch on them.
package compose

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxNameLength is the longest DNS label Kubernetes accepts.
const MaxNameLength = 63

// hashLength is how many hex characters of a hash a shortened name carries.
const hashLength = 8

// Name joins parts with "-" into a DNS-1123 label of at most 63 characters.
// Characters outside [a-z0-9-] become "-", runs of "-" collapse, and the
// result starts and ends with an alphanumeric. Where the result would be too
// long, or had to be changed, it keeps a prefix and appends a hash of the
// unchanged input, so that distinct inputs keep distinct names.
func Name(parts ...string) string {
	return NameN(MaxNameLength, parts...)
}

// NameN is Name with a length limit of max characters (at least 16).
func NameN(maxLen int, parts ...string) string {
	raw := strings.Join(parts, "-")
	clean := sanitize(raw)
	if clean == raw && len(clean) <= maxLen && clean != "" {
		return clean
	}
	sum := sha256.Sum256([]byte(raw))
	h := hex.EncodeToString(sum[:])[:hashLength]
	keep := maxLen - hashLength - 1
	if len(clean) > keep {
		clean = strings.TrimRight(clean[:keep], "-")
	}
	if clean == "" {
		return "x-" + h
	}
	return clean + "-" + h
}

func sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		if !ok {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), "-")
}

// ShortName returns a lowercase alphanumeric name of at most maxLen
// characters that starts with a letter: prefix (letters and digits only)
// followed by a hash of seed. Clouds whose names are short (AKS node pools,
// at most 12) use it for stable, collision-resistant names.
func ShortName(maxLen int, prefix, seed string) string {
	p := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, strings.ToLower(prefix))
	if p == "" || p[0] < 'a' || p[0] > 'z' {
		p = "p" + p
	}
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:])
	n := maxLen - len(p)
	if n < 4 {
		// Keep at least four hash characters; shorten the prefix instead.
		n = 4
		if maxLen-n < 1 {
			n = maxLen - 1
		}
		p = p[:maxLen-n]
	}
	return p + h[:n]
}
