package catalog

import (
	"errors"
	"fmt"
	"slices"
)

type piTypesFile struct {
	header `yaml:",inline"`
	Types  []struct {
		Key               string   `yaml:"key"`
		Zh                string   `yaml:"zh"`
		En                string   `yaml:"en"`
		Category          string   `yaml:"category"`
		Sensitive         bool     `yaml:"sensitive"`
		SensitiveCategory string   `yaml:"sensitive_category"`
		Identifier        bool     `yaml:"identifier"`
		NonResettable     bool     `yaml:"non_resettable"`
		Includes          []string `yaml:"includes"`
		GuardedBy         []string `yaml:"guarded_by"`
		DegradesTo        string   `yaml:"degrades_to"`
		Notes             string   `yaml:"notes"`
		Source            []string `yaml:"source"`
	} `yaml:"types"`
}

var sensitiveCategories = []string{"biometric", "religion", "specific_identity", "medical_health", "financial_account", "whereabouts", "minors"}

func (b *builder) piTypes(f *piTypesFile) error {
	if err := b.version(FilePITypes, f.header); err != nil {
		return err
	}
	b.types = make(map[string]int, len(f.Types))
	for i, t := range f.Types {
		entry := fmt.Sprintf("types[%d] %s", i, t.Key)
		switch {
		case !b.re.key.MatchString(t.Key):
			return entryErr(entry, errors.New("bad key"))
		case t.Zh == "" || t.En == "":
			return entryErr(entry, errors.New("missing zh or en name"))
		case t.Category == "":
			return entryErr(entry, errors.New("missing category"))
		case t.Sensitive != (t.SensitiveCategory != ""):
			return entryErr(entry, errors.New("sensitive and sensitive_category disagree"))
		case t.Sensitive && !slices.Contains(sensitiveCategories, t.SensitiveCategory):
			return entryErr(entry, fmt.Errorf("unknown sensitive_category %q", t.SensitiveCategory))
		}
		if err := f.checkSources(t.Source); err != nil {
			return entryErr(entry, err)
		}
		if _, dup := b.types[t.Key]; dup {
			return entryErr(entry, errors.New("duplicate key"))
		}
		b.types[t.Key] = len(b.t.types)
		b.t.types = append(b.t.types, DataType{
			Key: t.Key, Zh: t.Zh, En: t.En, Category: t.Category,
			Sensitive: t.Sensitive, SensitiveCategory: t.SensitiveCategory,
			Identifier: t.Identifier, NonResettable: t.NonResettable,
			Includes: t.Includes, GuardedBy: t.GuardedBy, DegradesTo: t.DegradesTo, Notes: t.Notes, Sources: t.Source,
		})
	}
	for _, t := range b.t.types {
		if d := t.DegradesTo; d != "" {
			if _, ok := b.types[d]; !ok || d == t.Key {
				return entryErr("types "+t.Key, fmt.Errorf("degrades_to unknown key %q", d))
			}
		}
		for _, k := range t.Includes {
			if _, ok := b.types[k]; !ok || k == t.Key {
				return entryErr("types "+t.Key, fmt.Errorf("includes unknown key %q", k))
			}
		}
	}
	return nil
}
