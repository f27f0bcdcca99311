package compose

import (
	"regexp"
	"strings"
	"testing"
)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func TestName(t *testing.T) {
	cases := map[string]struct {
		parts []string
		want  string
	}{
		"Plain":    {[]string{"prod-use1", "etcd"}, "prod-use1-etcd"},
		"KeptAsIs": {[]string{"a", "b", "c"}, "a-b-c"},
		// A changed name carries a hash of the input, so Prod and prod differ.
		"Uppercase":    {[]string{"Prod", "etcd"}, "prod-etcd-4ccfeeba"},
		"Unicode":      {[]string{"prød", "etcd"}, "pr-d-etcd-e5c71e61"},
		"OnlyBadChars": {[]string{"***"}, "x-596f4162"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Name(tc.parts...)
			if !dnsLabel.MatchString(got) || len(got) > MaxNameLength {
				t.Fatalf("Name(%q) = %q: not a DNS label of at most 63 characters", tc.parts, got)
			}
			if got != tc.want {
				t.Errorf("Name(%q) = %q, want %q", tc.parts, got, tc.want)
			}
		})
	}
}

func TestNameLongAndDistinct(t *testing.T) {
	long := strings.Repeat("space", 20)
	a, b := Name(long+"-a", "etcd"), Name(long+"-b", "etcd")
	if a == b {
		t.Errorf("two long names that differ only past the limit collide: %q", a)
	}
	for _, n := range []string{a, b} {
		if len(n) != MaxNameLength || !dnsLabel.MatchString(n) {
			t.Errorf("%q: want a DNS label of exactly 63 characters", n)
		}
	}
	if first, again := Name(long, "etcd"), Name(long, "etcd"); first != again {
		t.Errorf("Name is not deterministic: %q, then %q", first, again)
	}
}

func TestShortName(t *testing.T) {
	a := ShortName(12, "etcd", "xr-a/etcd")
	b := ShortName(12, "etcd", "xr-b/etcd")
	if a == b || len(a) != 12 || len(b) != 12 {
		t.Errorf("ShortName: want two distinct 12-character names, got %q and %q", a, b)
	}
	if got := ShortName(12, "9-Bad!", "seed"); got[0] < 'a' || got[0] > 'z' || len(got) != 12 {
		t.Errorf("ShortName must start with a letter, got %q", got)
	}
	if got := ShortName(8, "averyveryverylongprefix", "seed"); len(got) != 8 {
		t.Errorf("ShortName(8, long prefix) = %q: want 8 characters", got)
	}
}
