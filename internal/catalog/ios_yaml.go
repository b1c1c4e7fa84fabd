package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

type iosUsageFile struct {
	header `yaml:",inline"`
	Keys   []struct {
		Key        string   `yaml:"key"`
		Zh         string   `yaml:"zh"`
		PITypes    []string `yaml:"pi_types"`
		Since      int      `yaml:"since"`
		Deprecated int      `yaml:"deprecated"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"keys"`
}

func (b *builder) iosUsageKeys(f *iosUsageFile) error {
	if err := b.version(FileIOSUsageKeys, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool, len(f.Keys))
	for i, k := range f.Keys {
		entry := fmt.Sprintf("keys[%d] %s", i, k.Key)
		switch {
		case !b.re.usageKey.MatchString(k.Key):
			return entryErr(entry, errors.New("bad key: want an Info.plist …UsageDescription key"))
		case seen[k.Key]:
			return entryErr(entry, errors.New("duplicate key"))
		case k.Zh == "":
			return entryErr(entry, errors.New("missing zh name"))
		case k.Since < 0 || k.Deprecated < 0 || (k.Deprecated > 0 && k.Deprecated < k.Since):
			return entryErr(entry, fmt.Errorf("since %d, deprecated %d: want versions, deprecated after since", k.Since, k.Deprecated))
		}
		if err := b.checkEntry(&f.header, k.PITypes, k.Confidence, k.Source); err != nil {
			return entryErr(entry, err)
		}
		seen[k.Key] = true
		b.t.iosUsage = append(b.t.iosUsage, IOSUsageKey{
			Key: k.Key, Zh: k.Zh, DataTypes: k.PITypes, Since: k.Since, Deprecated: k.Deprecated,
			Confidence: k.Confidence, Notes: k.Notes, Sources: k.Source,
		})
	}
	slices.SortFunc(b.t.iosUsage, func(x, y IOSUsageKey) int { return strings.Compare(x.Key, y.Key) })
	return nil
}

type iosAPIsFile struct {
	header     `yaml:",inline"`
	Categories []struct {
		Category string   `yaml:"category"`
		Zh       string   `yaml:"zh"`
		En       string   `yaml:"en"`
		APIs     []string `yaml:"apis"`
		Reasons  []struct {
			Code    string `yaml:"code"`
			Meaning string `yaml:"meaning"`
		} `yaml:"reasons"`
		PITypes    []string `yaml:"pi_types"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"categories"`
}

func (b *builder) iosAPICategories(f *iosAPIsFile) error {
	if err := b.version(FileIOSRequiredReasonAPIs, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool, len(f.Categories))
	for i, c := range f.Categories {
		entry := fmt.Sprintf("categories[%d] %s", i, c.Category)
		switch {
		case !b.re.apiCategory.MatchString(c.Category):
			return entryErr(entry, errors.New("bad category: want NSPrivacyAccessedAPICategory…"))
		case seen[c.Category]:
			return entryErr(entry, errors.New("duplicate category"))
		case c.Zh == "" || c.En == "":
			return entryErr(entry, errors.New("missing zh or en"))
		case len(c.APIs) == 0:
			return entryErr(entry, errors.New("no apis"))
		}
		if err := b.checkEntry(&f.header, c.PITypes, c.Confidence, c.Source); err != nil {
			return entryErr(entry, err)
		}
		seen[c.Category] = true
		cat := IOSAPICategory{
			Category: c.Category, Zh: c.Zh, En: c.En, APIs: c.APIs, DataTypes: c.PITypes,
			Confidence: c.Confidence, Notes: c.Notes, Sources: c.Source,
		}
		for _, r := range c.Reasons {
			switch {
			case !b.re.reasonCode.MatchString(r.Code):
				return entryErr(entry, fmt.Errorf("reason code %q: want four hex digits, '.', a number", r.Code))
			case r.Meaning == "":
				return entryErr(entry, fmt.Errorf("reason %s: missing meaning", r.Code))
			}
			if _, dup := cat.Reason(r.Code); dup {
				return entryErr(entry, fmt.Errorf("duplicate reason %s", r.Code))
			}
			cat.Reasons = append(cat.Reasons, IOSReason{Code: r.Code, Meaning: r.Meaning})
		}
		b.t.iosAPIs = append(b.t.iosAPIs, cat)
	}
	slices.SortFunc(b.t.iosAPIs, func(x, y IOSAPICategory) int { return strings.Compare(x.Category, y.Category) })
	return nil
}

// checkEntry checks what every platform entry carries: known PI keys, a
// confidence and declared sources.
func (b *builder) checkEntry(h *header, piTypes []string, confidence string, sources []string) error {
	if err := b.checkKeys(piTypes...); err != nil {
		return err
	}
	if err := checkConfidence(confidence, true); err != nil {
		return err
	}
	return h.checkSources(sources)
}
