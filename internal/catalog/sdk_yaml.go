package catalog

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// sigSet maps a signature value to the sources that give it.
type sigSet map[string][]string

type sdksFile struct {
	header `yaml:",inline"`
	SDKs   []sdkEntry `yaml:"sdks" json:"sdks"`
}

type sdkEntry struct {
	ID             string   `yaml:"id" json:"id"`
	Name           string   `yaml:"name" json:"name"`
	NameZh         string   `yaml:"name_zh" json:"name_zh"`
	Vendor         string   `yaml:"vendor" json:"vendor"`
	Country        string   `yaml:"vendor_country" json:"vendor_country"`
	Categories     []string `yaml:"categories" json:"categories"`
	Website        string   `yaml:"website" json:"website"`
	Collects       []string `yaml:"collects" json:"collects"`
	CollectsSource string   `yaml:"collects_source" json:"collects_source"`
	Confidence     string   `yaml:"confidence" json:"confidence"`
	Notes          string   `yaml:"notes" json:"notes"`
	Source         []string `yaml:"source" json:"source"`
	Signatures     struct {
		Classes           sigSet `yaml:"classes" json:"classes"`
		ClassSuffixes     sigSet `yaml:"class_suffixes" json:"class_suffixes"`
		NativeLibs        sigSet `yaml:"native_libs" json:"native_libs"`
		NativeLibPatterns sigSet `yaml:"native_lib_patterns" json:"native_lib_patterns"`
		Components        sigSet `yaml:"components" json:"components"`
		ComponentSuffixes sigSet `yaml:"component_suffixes" json:"component_suffixes"`
		Hosts             sigSet `yaml:"hosts" json:"hosts"`
		MetaData          sigSet `yaml:"meta_data" json:"meta_data"`
	} `yaml:"signatures" json:"signatures"`
}

// checkClassPrefix rejects prefixes that are not dotted Java names of at
// least two segments ('$' separates inner classes).
func checkClassPrefix(p string) error {
	segs, start := 0, 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '.' && p[i] != '$' {
			continue
		}
		if !isSegment(p[start:i]) {
			return fmt.Errorf("class prefix %q: want a dotted name of two or more segments", p)
		}
		segs++
		start = i + 1
	}
	if segs < 2 {
		return fmt.Errorf("class prefix %q: want a dotted name of two or more segments", p)
	}
	return nil
}

// isSegment reports whether s is a Java identifier (ASCII letters, digits, '_').
func isSegment(s string) bool {
	if s == "" || ('0' <= s[0] && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_') {
			return false
		}
	}
	return true
}

func (b *builder) sdks(f *sdksFile) error {
	if err := b.version(FileSDKs, f.header); err != nil {
		return err
	}
	// Sorted by id, so SDKs() and the indexes are stable.
	slices.SortStableFunc(f.SDKs, func(x, y sdkEntry) int { return strings.Compare(x.ID, y.ID) })
	for i, e := range f.SDKs {
		entry := "sdks " + e.ID
		if err := b.checkSDK(f, &e); err != nil {
			return entryErr(entry, err)
		}
		if i > 0 && f.SDKs[i-1].ID == e.ID {
			return entryErr(entry, errors.New("duplicate id"))
		}
		b.t.sdks = append(b.t.sdks, e.toSDK())
	}
	return nil
}

func (b *builder) checkSDK(f *sdksFile, e *sdkEntry) error {
	switch {
	case !b.re.id.MatchString(e.ID):
		return errors.New("bad id: want a lower-case slug")
	case e.Name == "":
		return errors.New("missing name")
	case e.Country != "" && !b.re.country.MatchString(e.Country):
		return fmt.Errorf("vendor_country %q: want ISO 3166-1 alpha-2 in lower case", e.Country)
	case len(e.Categories) == 0:
		return errors.New("no category")
	}
	for _, cat := range e.Categories {
		if !slices.Contains(Categories, cat) {
			return fmt.Errorf("unknown category %q", cat)
		}
	}
	if err := b.checkKeys(e.Collects...); err != nil {
		return err
	}
	if len(e.Collects) > 0 && e.CollectsSource == "" {
		return errors.New("collects without collects_source")
	}
	if e.CollectsSource != "" {
		if err := f.checkSources([]string{e.CollectsSource}); err != nil {
			return fmt.Errorf("collects_source: %w", err)
		}
	}
	if err := checkConfidence(e.Confidence, false); err != nil {
		return err
	}
	if err := f.checkSources(e.Source); err != nil {
		return err
	}
	sig := &e.Signatures
	n := 0
	for kind, set := range map[string]sigSet{
		"classes": sig.Classes, "class_suffixes": sig.ClassSuffixes,
		"native_libs": sig.NativeLibs, "native_lib_patterns": sig.NativeLibPatterns,
		"components": sig.Components, "component_suffixes": sig.ComponentSuffixes,
		"hosts": sig.Hosts, "meta_data": sig.MetaData,
	} {
		for v, src := range set {
			n++
			if v == "" {
				return fmt.Errorf("%s: empty signature", kind)
			}
			if err := f.checkSources(src); err != nil {
				return fmt.Errorf("%s %q: %w", kind, v, err)
			}
		}
	}
	if n == 0 {
		return errors.New("no signature")
	}
	for p := range sig.Classes {
		if err := checkClassPrefix(p); err != nil {
			return err
		}
	}
	for h := range sig.Hosts {
		if !isHost(h) {
			return fmt.Errorf("host %q: want a lower-case domain name", h)
		}
	}
	for l := range sig.NativeLibs {
		if strings.ContainsAny(l, "/*") {
			return fmt.Errorf("native lib %q: want a file name", l)
		}
	}
	for p := range sig.ComponentSuffixes {
		if !strings.HasPrefix(p, ".") {
			return fmt.Errorf("component suffix %q: want a leading '.'", p)
		}
	}
	return nil
}

func (e *sdkEntry) toSDK() SDK {
	s := SDK{
		ID: e.ID, Name: e.Name, NameZh: e.NameZh, Vendor: e.Vendor, Country: e.Country,
		Categories: e.Categories, Website: e.Website, Collects: e.Collects,
		CollectsSource: e.CollectsSource, Confidence: e.Confidence, Notes: e.Notes,
		Sources: e.Source,
	}
	keys := func(kind string, set sigSet) []string {
		if len(set) == 0 {
			return nil
		}
		values := slices.Sorted(maps.Keys(set))
		for _, v := range values {
			s.sigs = append(s.sigs, sigSource{kind: kind, value: v, sources: set[v]})
		}
		return values
	}
	sig := &e.Signatures
	s.Classes = keys("classes", sig.Classes)
	s.ClassSuffixes = keys("class_suffixes", sig.ClassSuffixes)
	s.NativeLibs = keys("native_libs", sig.NativeLibs)
	s.NativeLibPatterns = keys("native_lib_patterns", sig.NativeLibPatterns)
	s.Components = keys("components", sig.Components)
	s.ComponentSuffixes = keys("component_suffixes", sig.ComponentSuffixes)
	s.Hosts = keys("hosts", sig.Hosts)
	s.MetaData = keys("meta_data", sig.MetaData)
	slices.SortFunc(s.sigs, compareSigs)
	return s
}

type packersFile struct {
	header  `yaml:",inline"`
	Packers []struct {
		ID         string   `yaml:"id"`
		Name       string   `yaml:"name"`
		Vendor     string   `yaml:"vendor"`
		AppClasses []string `yaml:"app_classes"`
		NativeLibs []string `yaml:"native_libs"`
		Assets     []string `yaml:"assets"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"packers"`
}

func (b *builder) packers(f *packersFile) error {
	if err := b.version(FilePackers, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool)
	for i, p := range f.Packers {
		entry := fmt.Sprintf("packers[%d] %s", i, p.ID)
		switch {
		case !b.re.id.MatchString(p.ID) || seen[p.ID]:
			return entryErr(entry, errors.New("bad or duplicate id"))
		case p.Name == "":
			return entryErr(entry, errors.New("missing name"))
		case len(p.AppClasses)+len(p.NativeLibs)+len(p.Assets) == 0:
			return entryErr(entry, errors.New("no signature"))
		}
		seen[p.ID] = true
		if err := checkConfidence(p.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(p.Source); err != nil {
			return entryErr(entry, err)
		}
		b.t.packers = append(b.t.packers, Packer{
			ID: p.ID, Name: p.Name, Vendor: p.Vendor, AppClasses: p.AppClasses,
			NativeLibs: p.NativeLibs, Assets: p.Assets, Confidence: p.Confidence,
			Notes: p.Notes, Sources: p.Source,
		})
	}
	return nil
}
