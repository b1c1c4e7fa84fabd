package catalog

import (
	"errors"
	"fmt"
	"slices"
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
