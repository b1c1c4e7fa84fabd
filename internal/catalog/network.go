package catalog

import (
	"slices"
	"strings"
)

// NonNetworkHost reports hosts that appear in URLs which are identifiers,
// not destinations: XML namespaces, schema and licence URLs, documentation
// links. Endpoints on them are not reported. The list lives in
// data/android/non_network_hosts.yaml.
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
