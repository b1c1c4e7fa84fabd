package catalog

import (
	"slices"
	"strings"
)

// HostOwner is the company that operates a domain (data/network/hosts.yaml).
type HostOwner struct {
	// Domain is the domain suffix that matched.
	Domain  string
	Company string
	// Parent is the company's ultimate parent, when another company.
	Parent string
	// Country is the company's country, ISO 3166-1 alpha-2 in lower case;
	// empty when unknown.
	Country string
	// Service marks a company the source lists as a service (mail, maps,
	// telecoms) rather than a tracker.
	Service bool
	Sources []string
}

// HostOwner returns the owner of a host name: the entry of the longest
// domain that equals host or ends it at a label boundary
// ("a.b.example.com" matches example.com; "notexample.com" does not). Case
// and a trailing dot do not matter. It does not allocate for lower-case
// names.
func (c *Catalog) HostOwner(host string) (HostOwner, bool) {
	host = strings.TrimSuffix(host, ".")
	if hasUpper(host) {
		host = strings.ToLower(host)
	}
	for i := 0; i < len(host); {
		if k := c.t.hostIndex.get(host[i:]); k >= 0 {
			return c.t.hosts[k], true
		}
		j := strings.IndexByte(host[i:], '.')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return HostOwner{}, false
}

// HostOwners returns every host owner entry, sorted by domain.
func (c *Catalog) HostOwners() []HostOwner { return slices.Clone(c.t.hosts) }

// NonNetworkHost reports hosts that appear in URLs which are identifiers,
// not destinations: XML namespaces, schema and licence URLs, documentation
// links. Endpoints on them are not reported. The list lives in
// data/network/non_network_hosts.yaml.
func (c *Catalog) NonNetworkHost(host string) bool {
	for h := host; h != ""; {
		if _, ok := slices.BinarySearch(c.t.nonNetwork, h); ok {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return false
}
