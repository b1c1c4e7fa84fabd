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
		ID         string        `yaml:"id"`
		Class      string        `yaml:"class"`
		Methods    []string      `yaml:"methods"`
		Fields     []string      `yaml:"fields"`
		PIType     string        `yaml:"pi_type"`
		Purpose    string        `yaml:"purpose"`
		Mode       Mode          `yaml:"mode"`
		When       []argRuleYAML `yaml:"when"`
		URI        bool          `yaml:"uri"`
		Args       []string      `yaml:"args"`
		Confidence string        `yaml:"confidence"`
		Notes      string        `yaml:"notes"`
		Source     []string      `yaml:"source"`
	} `yaml:"apis"`
	ValueCalls []struct {
		Class   string   `yaml:"class"`
		Methods []string `yaml:"methods"`
		Use     string   `yaml:"use"`
		Arg     *int     `yaml:"arg"`
		Own     bool     `yaml:"own"`
		Source  []string `yaml:"source"`
	} `yaml:"value_calls"`
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

// argRuleYAML is an ArgRule as written in apis.yaml.
type argRuleYAML struct {
	Arg    int      `yaml:"arg"`
	Is     string   `yaml:"is"`
	Values []string `yaml:"values"`
	Mode   Mode     `yaml:"mode"`
}

var (
	purposes  = []string{PurposePermissionRequest, PurposeBiometricAuth, PurposeExit, PurposeConsentFlag}
	modes     = []Mode{ModeRead, ModeEnumerate, ModeCheck, ModeWrite, ModePath}
	ruleModes = append(slices.Clone(modes), ModeNone)
	argKinds  = []string{ArgOwnPackage, ArgConst, ArgString, ArgParam, ArgCall, ArgProviderURI, ArgNarrowIntent, ArgOwnIntent, ArgLauncherIntent}
	uses      = []string{UseCompare, UseURI, UseNarrowIntent, UseOwnPackage}
)

// argRules checks the rules of one API entry.
func (b *builder) argRules(rules []ArgRule) error {
	for i, r := range rules {
		what := fmt.Sprintf("when[%d]", i)
		switch {
		case r.Arg < -1:
			return fmt.Errorf("%s: arg %d: want -1 (the receiver) or a parameter index", what, r.Arg)
		case !slices.Contains(argKinds, r.Is):
			return fmt.Errorf("%s: is %q: want one of %v", what, r.Is, argKinds)
		case !slices.Contains(ruleModes, r.Mode):
			return fmt.Errorf("%s: mode %q: want one of %v", what, r.Mode, ruleModes)
		case (r.Is == ArgString || r.Is == ArgCall) != (len(r.Values) > 0):
			return fmt.Errorf("%s: values are wanted with is string or call, and only then", what)
		case r.Is == ArgProviderURI && !r.Mode.Collects():
			return fmt.Errorf("%s: a provider_uri rule gives the type read: want mode read or enumerate", what)
		}
		for _, v := range r.Values {
			if r.Is != ArgCall {
				continue
			}
			dot := strings.LastIndexByte(v, '.')
			if dot < 0 || !b.re.javaName.MatchString(v[:dot]) || v[dot+1:] == "" {
				return fmt.Errorf("%s: call %q: want Class.method with a Java binary name", what, v)
			}
		}
	}
	return nil
}

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
		case a.PIType != "" && a.Purpose != "":
			return entryErr(entry, errors.New("want either pi_type or purpose, not both"))
		case a.PIType == "" && a.Purpose == "" && !slices.ContainsFunc(a.When, func(r argRuleYAML) bool { return r.Is == ArgProviderURI }):
			return entryErr(entry, errors.New("want pi_type, purpose, or a provider_uri rule that gives the type"))
		case !slices.Contains(modes, a.Mode):
			return entryErr(entry, fmt.Errorf("mode %q: want one of %v", a.Mode, modes))
		case a.URI && len(a.Fields) == 0:
			return entryErr(entry, errors.New("uri: true is for fields holding a content URI"))
		case a.Purpose != "" && !slices.Contains(purposes, a.Purpose):
			return entryErr(entry, fmt.Errorf("unknown purpose %q", a.Purpose))
		}
		ids[a.ID] = true
		rules := make([]ArgRule, len(a.When))
		for k, r := range a.When {
			rules[k] = ArgRule{Arg: r.Arg, Is: r.Is, Values: r.Values, Mode: r.Mode}
		}
		if err := b.argRules(rules); err != nil {
			return entryErr(entry, err)
		}
		if len(rules) == 0 {
			rules = nil
		}
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
				DataType: a.PIType, Purpose: a.Purpose, Mode: a.Mode, When: rules, URI: a.URI, Args: a.Args,
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
			ID: "uri:" + rest, Member: u.URI, DataType: u.PIType, Mode: ModeRead, URI: true,
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
			ID: "settings:" + s.Key, Member: s.Key, DataType: s.PIType, Mode: ModeRead,
			Confidence: s.Confidence, Notes: s.Notes, Sources: s.Source,
		})
	}
	slices.SortFunc(b.t.settings, func(x, y API) int { return strings.Compare(x.Member, y.Member) })
	for i, v := range f.ValueCalls {
		entry := fmt.Sprintf("value_calls[%d] %s", i, v.Class)
		switch {
		case !b.re.javaName.MatchString(v.Class):
			return entryErr(entry, fmt.Errorf("bad class %q", v.Class))
		case len(v.Methods) == 0:
			return entryErr(entry, errors.New("no methods"))
		case !slices.Contains(uses, v.Use):
			return entryErr(entry, fmt.Errorf("use %q: want one of %v", v.Use, uses))
		case v.Arg != nil && (*v.Arg < 0 || v.Use != UseURI && v.Use != UseNarrowIntent):
			return entryErr(entry, errors.New("arg is for use uri (the argument the URI is built from) and narrow_intent (the argument naming the package)"))
		case v.Own && v.Use != UseNarrowIntent:
			return entryErr(entry, errors.New("own is for use narrow_intent"))
		}
		arg := -1
		if v.Arg != nil {
			arg = *v.Arg
		} else if v.Use == UseURI {
			arg = 0
		}
		if err := f.checkSources(v.Source); err != nil {
			return entryErr(entry, err)
		}
		for _, m := range v.Methods {
			if name, desc, ok := strings.Cut(m, "("); m == "" || ok && (name == "" || !strings.Contains(desc, ")")) {
				return entryErr(entry, fmt.Errorf("method %q: want a name, or a name and descriptor", m))
			}
			b.t.valueCalls = append(b.t.valueCalls, ValueCall{Class: v.Class, Member: m, Use: v.Use, Arg: arg, Own: v.Own, Sources: v.Source})
		}
	}
	return nil
}
