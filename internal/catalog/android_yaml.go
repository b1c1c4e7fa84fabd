package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

type permissionsFile struct {
	header      `yaml:",inline"`
	Permissions []struct {
		Name       string   `yaml:"name"`
		Zh         string   `yaml:"zh"`
		Protection string   `yaml:"protection"`
		Group      string   `yaml:"group"`
		Since      int      `yaml:"since"`
		Deprecated int      `yaml:"deprecated"`
		PITypes    []string `yaml:"pi_types"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"permissions"`
}

var protections = []string{"dangerous", "normal", "signature", "special", "vendor"}

func (b *builder) permissions(f *permissionsFile) error {
	if err := b.version(FilePermissions, f.header); err != nil {
		return err
	}
	seen := make(map[string]bool, len(f.Permissions))
	for i, p := range f.Permissions {
		entry := fmt.Sprintf("permissions[%d] %s", i, p.Name)
		if p.Name == "" || !strings.Contains(p.Name, ".") {
			return entryErr(entry, errors.New("bad name"))
		}
		if p.Zh == "" {
			return entryErr(entry, errors.New("missing zh name"))
		}
		if !slices.Contains(protections, p.Protection) {
			return entryErr(entry, fmt.Errorf("protection %q: want one of %v", p.Protection, protections))
		}
		if err := b.checkKeys(p.PITypes...); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(p.Confidence, false); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(p.Source); err != nil {
			return entryErr(entry, err)
		}
		if seen[p.Name] {
			return entryErr(entry, errors.New("duplicate permission"))
		}
		seen[p.Name] = true
		b.t.perms = append(b.t.perms, Permission{
			Name: p.Name, Zh: p.Zh, Protection: p.Protection, Group: p.Group,
			Since: p.Since, Deprecated: p.Deprecated, DataTypes: p.PITypes,
			Confidence: p.Confidence, Notes: p.Notes, Sources: p.Source,
		})
	}
	slices.SortFunc(b.t.perms, func(x, y Permission) int { return strings.Compare(x.Name, y.Name) })
	// A PI type's guards are runtime permissions of this file.
	for _, t := range b.t.types {
		for _, g := range t.GuardedBy {
			if !seen[g] {
				return entryErr("types "+t.Key, fmt.Errorf("guarded_by %q: not in %s", g, FilePermissions))
			}
		}
	}
	return nil
}

type apisFile struct {
	header `yaml:",inline"`
	APIs   []struct {
		ID         string   `yaml:"id"`
		Class      string   `yaml:"class"`
		Methods    []string `yaml:"methods"`
		Fields     []string `yaml:"fields"`
		PIType     string   `yaml:"pi_type"`
		Purpose    string   `yaml:"purpose"`
		Args       []string `yaml:"args"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"apis"`
	ContentURIs []struct {
		URI        string   `yaml:"uri"`
		PIType     string   `yaml:"pi_type"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"content_uris"`
	SettingsKeys []struct {
		Key        string   `yaml:"key"`
		PIType     string   `yaml:"pi_type"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"settings_keys"`
}

var purposes = []string{"permission_request", "biometric_auth"}

func (b *builder) apis(f *apisFile) error {
	if err := b.version(FileAPIs, f.header); err != nil {
		return err
	}
	ids := make(map[string]bool)
	for i, a := range f.APIs {
		entry := fmt.Sprintf("apis[%d] %s", i, a.ID)
		switch {
		case a.ID == "" || ids[a.ID]:
			return entryErr(entry, errors.New("missing or duplicate id"))
		case !b.re.javaName.MatchString(a.Class):
			return entryErr(entry, fmt.Errorf("bad class %q", a.Class))
		case (len(a.Methods) == 0) == (len(a.Fields) == 0):
			return entryErr(entry, errors.New("want either methods or fields"))
		case (a.PIType == "") == (a.Purpose == ""):
			return entryErr(entry, errors.New("want either pi_type or purpose"))
		case a.Purpose != "" && !slices.Contains(purposes, a.Purpose):
			return entryErr(entry, fmt.Errorf("unknown purpose %q", a.Purpose))
		}
		ids[a.ID] = true
		if a.PIType != "" {
			if err := b.checkKeys(a.PIType); err != nil {
				return entryErr(entry, err)
			}
		}
		if err := checkConfidence(a.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(a.Source); err != nil {
			return entryErr(entry, err)
		}
		members, field := a.Methods, false
		if len(a.Fields) > 0 {
			members, field = a.Fields, true
		}
		for _, name := range members {
			b.t.apis = append(b.t.apis, API{
				ID: a.ID, Class: a.Class, Member: name, IsField: field,
				DataType: a.PIType, Purpose: a.Purpose, Args: a.Args,
				Confidence: a.Confidence, Notes: a.Notes, Sources: a.Source,
			})
		}
	}
	for i, u := range f.ContentURIs {
		entry := fmt.Sprintf("content_uris[%d] %s", i, u.URI)
		rest, ok := strings.CutPrefix(u.URI, "content://")
		if !ok || rest == "" || strings.HasSuffix(rest, "/") {
			return entryErr(entry, errors.New("want content://authority[/path] without a trailing '/'"))
		}
		if err := b.checkKeys(u.PIType); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(u.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(u.Source); err != nil {
			return entryErr(entry, err)
		}
		for _, o := range b.t.uris {
			if o.Member == u.URI {
				return entryErr(entry, errors.New("duplicate uri"))
			}
		}
		b.t.uris = append(b.t.uris, API{
			ID: "uri:" + rest, Member: u.URI, DataType: u.PIType,
			Confidence: u.Confidence, Notes: u.Notes, Sources: u.Source,
		})
	}
	// Longest first, so the first match in ContentURI is the most specific.
	slices.SortStableFunc(b.t.uris, func(x, y API) int { return len(y.Member) - len(x.Member) })
	keys := make(map[string]bool, len(f.SettingsKeys))
	for i, s := range f.SettingsKeys {
		entry := fmt.Sprintf("settings_keys[%d] %s", i, s.Key)
		if s.Key == "" {
			return entryErr(entry, errors.New("missing key"))
		}
		if keys[s.Key] {
			return entryErr(entry, errors.New("duplicate key"))
		}
		if err := b.checkKeys(s.PIType); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(s.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(s.Source); err != nil {
			return entryErr(entry, err)
		}
		keys[s.Key] = true
		b.t.settings = append(b.t.settings, API{
			ID: "settings:" + s.Key, Member: s.Key, DataType: s.PIType,
			Confidence: s.Confidence, Notes: s.Notes, Sources: s.Source,
		})
	}
	slices.SortFunc(b.t.settings, func(x, y API) int { return strings.Compare(x.Member, y.Member) })
	return nil
}
