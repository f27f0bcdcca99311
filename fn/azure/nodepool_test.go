package azure

import (
	"regexp"
	"strings"
	"testing"

	"github.com/crossplane-contrib/function-space-scaling/fn/plan"
)

// reAKSPoolName is AKS's rule for Linux node pool names.
var reAKSPoolName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

func TestPoolNames(t *testing.T) {
	long := strings.Repeat("production-space-eastus-", 3) + "x" // 73 characters
	xrs := []string{
		"prod",
		long,
		long + "y",       // shares 73 characters with long
		"abcdefghijkl-1", // two names that share a 12-character prefix
		"abcdefghijkl-2",
		"UPPER.case_and.dots",
		"9starts-with-a-digit",
	}
	seen := map[string]string{}
	for _, xr := range xrs {
		for _, r := range plan.Roles {
			name, tmp := PoolName(xr, r), TemporaryPoolName(xr, r)
			for _, n := range []string{name, tmp} {
				if !reAKSPoolName.MatchString(n) {
					t.Errorf("pool name %q (XR %q, role %s) breaks AKS's rule", n, xr, r)
				}
			}
			if name == tmp {
				t.Errorf("XR %q role %s: temporaryNameForRotation equals the name %q", xr, r, name)
			}
			if PoolName(xr, r) != name || TemporaryPoolName(xr, r) != tmp {
				t.Errorf("XR %q role %s: names change between calls", xr, r)
			}
			for _, n := range []string{name, tmp} {
				if prev, ok := seen[n]; ok {
					t.Errorf("name %q used by %s and %s/%s", n, prev, xr, r)
				}
				seen[n] = xr + "/" + string(r)
			}
		}
	}
	if got := PoolName("prod", plan.RoleEtcd); !strings.HasPrefix(got, "etcd") {
		t.Errorf("etcd pool name %q does not start with etcd", got)
	}
}
