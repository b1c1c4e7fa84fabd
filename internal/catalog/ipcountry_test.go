package catalog

import (
	"net/netip"
	"strings"
	"testing"
)

func TestIPCountry(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		ip, want string
	}{
		// Registry allocations that do not move: APNIC's 1.0.1.0/24
		// (China), 1.0.0.0/24 (Australia), Google's 8.8.8.8 (US), Alibaba's
		// 2408:4000::/22 block (China), and private or special addresses.
		{"1.0.1.1", "cn"},
		{"1.0.0.1", "au"},
		{"8.8.8.8", "us"},
		{"240e::1", "cn"},
		{"10.1.2.3", ""},
		{"127.0.0.1", ""},
		{"::1", ""},
		{"::ffff:1.0.1.1", "cn"},
	} {
		got, _ := c.IPCountry(netip.MustParseAddr(x.ip))
		if got != x.want {
			t.Errorf("%s: %q, want %q", x.ip, got, x.want)
		}
	}
	if s := c.IPCountrySource(); !strings.Contains(s, "geo-whois-asn-country") || !strings.Contains(s, "sha256:") {
		t.Errorf("source %q", s)
	}
}

func BenchmarkIPCountry(b *testing.B) {
	c, _ := Load()
	ip := netip.MustParseAddr("203.119.25.1")
	c.IPCountry(ip)
	for b.Loop() {
		c.IPCountry(ip)
	}
}

func TestIPCloud(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ ip, want string }{
		{"8.8.8.8", "google-cloud"}, // AS15169
		{"1.1.1.1", "cloudflare"},   // AS13335
		{"1.0.1.1", ""},             // China Telecom, no cloud
		{"10.0.0.1", ""},
	} {
		got, _ := c.IPCloud(netip.MustParseAddr(x.ip))
		if got.ID != x.want {
			t.Errorf("%s: %q, want %q", x.ip, got.ID, x.want)
		}
	}
}
