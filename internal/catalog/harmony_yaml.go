package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

type harmonyFile struct {
	header      `yaml:",inline"`
	Permissions []struct {
		Name       string   `yaml:"name"`
		Zh         string   `yaml:"zh"`
		Protection string   `yaml:"protection"`
		Level      string   `yaml:"level"`
		Restricted bool     `yaml:"restricted"`
		Since      int      `yaml:"since"`
		PITypes    []string `yaml:"pi_types"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"permissions"`
}

var (
	harmonyProtections = []string{"user_grant", "system_grant"}
	harmonyLevels      = []string{"normal", "system_basic", "system_core"}
)

func (b *builder) harmonyPermissions(f *harmonyFile) error {
	if err := b.version(FileHarmonyPermissions, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool, len(f.Permissions))
	for i, p := range f.Permissions {
		entry := fmt.Sprintf("permissions[%d] %s", i, p.Name)
		switch {
		case !b.re.harmonyName.MatchString(p.Name):
			return entryErr(entry, errors.New("bad name: want ohos.permission.NAME"))
		case seen[p.Name]:
			return entryErr(entry, errors.New("duplicate permission"))
		case p.Zh == "":
			return entryErr(entry, errors.New("missing zh name"))
		case !slices.Contains(harmonyProtections, p.Protection):
			return entryErr(entry, fmt.Errorf("protection %q: want one of %v", p.Protection, harmonyProtections))
		case !slices.Contains(harmonyLevels, p.Level):
			return entryErr(entry, fmt.Errorf("level %q: want one of %v", p.Level, harmonyLevels))
		case p.Restricted && p.Level == "normal":
			return entryErr(entry, errors.New("restricted with level normal: a restricted permission needs system_basic or higher"))
		case p.Since < 0:
			return entryErr(entry, fmt.Errorf("since %d", p.Since))
		}
		if err := b.checkEntry(&f.header, p.PITypes, p.Confidence, p.Source); err != nil {
			return entryErr(entry, err)
		}
		seen[p.Name] = true
		b.t.harmonyPerms = append(b.t.harmonyPerms, HarmonyPermission{
			Name: p.Name, Zh: p.Zh, Protection: p.Protection, Level: p.Level, Restricted: p.Restricted,
			Since: p.Since, DataTypes: p.PITypes, Confidence: p.Confidence, Notes: p.Notes, Sources: p.Source,
		})
	}
	slices.SortFunc(b.t.harmonyPerms, func(x, y HarmonyPermission) int { return strings.Compare(x.Name, y.Name) })
	return nil
}
