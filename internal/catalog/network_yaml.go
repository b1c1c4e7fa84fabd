package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

type nonNetworkFile struct {
	header `yaml:",inline"`
	Hosts  []struct {
		Host   string   `yaml:"host"`
		Notes  string   `yaml:"notes"`
		Source []string `yaml:"source"`
	} `yaml:"hosts"`
}

func (b *builder) nonNetworkHosts(f *nonNetworkFile) error {
	if err := b.version(FileNonNetworkHosts, f.header); err != nil {
		return err
	}
	for i, h := range f.Hosts {
		entry := fmt.Sprintf("hosts[%d] %s", i, h.Host)
		if !isHost(h.Host) {
			return entryErr(entry, errors.New("want a lower-case domain name"))
		}
		if err := f.checkSources(h.Source); err != nil {
			return entryErr(entry, err)
		}
		b.t.nonNetwork = append(b.t.nonNetwork, h.Host)
	}
	slices.Sort(b.t.nonNetwork)
	b.t.nonNetwork = slices.Compact(b.t.nonNetwork)
	return nil
}

type hostsFile struct {
	header `yaml:",inline"`
	Hosts  []struct {
		Domain  string   `yaml:"domain"`
		Company string   `yaml:"company"`
		Parent  string   `yaml:"parent"`
		Country string   `yaml:"country"`
		Service bool     `yaml:"service"`
		Source  []string `yaml:"source"`
	} `yaml:"hosts"`
}

func (b *builder) hosts(f *hostsFile) error {
	if err := b.version(FileHosts, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool, len(f.Hosts))
	for i, h := range f.Hosts {
		entry := fmt.Sprintf("hosts[%d] %s", i, h.Domain)
		switch {
		case !isHost(h.Domain):
			return entryErr(entry, errors.New("want a lower-case domain name of two or more labels"))
		case seen[h.Domain]:
			return entryErr(entry, errors.New("duplicate domain"))
		case strings.TrimSpace(h.Company) == "":
			return entryErr(entry, errors.New("missing company"))
		case h.Country != "" && !b.re.country.MatchString(h.Country):
			return entryErr(entry, fmt.Errorf("country %q: want ISO 3166-1 alpha-2 in lower case", h.Country))
		}
		if err := f.checkSources(h.Source); err != nil {
			return entryErr(entry, err)
		}
		seen[h.Domain] = true
		b.t.hosts = append(b.t.hosts, HostOwner{
			Domain: h.Domain, Company: h.Company, Parent: h.Parent, Country: h.Country,
			Service: h.Service, Sources: h.Source,
		})
	}
	slices.SortFunc(b.t.hosts, func(x, y HostOwner) int { return strings.Compare(x.Domain, y.Domain) })
	keys := make([]sigKey, len(b.t.hosts))
	for i, h := range b.t.hosts {
		keys[i] = sigKey{key: h.Domain, sdk: int32(i)}
	}
	b.t.hostIndex = newStrIndex(keys)
	return nil
}
