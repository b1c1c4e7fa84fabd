// Package harmony reads HarmonyOS app packages: a HAP (module.json of the
// Stage model, or config.json of the FA model; the Ark bytecode of
// ets/*.abc; native libraries under libs/) or an .app bundle of HAPs
// (pack.info beside them), into the evidence model the APK reader fills:
// identity, abilities, requested permissions with their reasons, the PI
// the bytecode reaches through system modules, SDKs, endpoints.
package harmony

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/abc"
	"github.com/hegui/hegui/internal/android/apk"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// Source names this reader; it is also the input kind's name.
const Source = evidence.InputHarmony

// Version changes whenever the evidence for the same input would.
const Version = "1"

const (
	maxJSON = 8 << 20
	maxABC  = 256 << 20
	maxHAPs = 64
)

type apiModule struct {
	Module     string   `yaml:"module"`
	Methods    []string `yaml:"methods"`
	PIType     string   `yaml:"pi_type"`
	Confidence string   `yaml:"confidence"`
	Source     []string `yaml:"source"`
}

type apiTable struct {
	Version string            `yaml:"version"`
	Sources map[string]string `yaml:"sources"`
	Modules []apiModule       `yaml:"modules"`
}

// Analyzer reads HAPs and .app bundles.
type Analyzer struct {
	cat  *catalog.Catalog
	log  *slog.Logger
	apis apiTable
	// methods are every method name of the table.
	methods map[string]bool
	// once loads the tables above at the first HarmonyOS input (tables).
	once    sync.Once
	loadErr error
}

// New loads data/harmony/apis.yaml and checks it against the catalog.
func New(cat *catalog.Catalog, log *slog.Logger) (*Analyzer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{cat: cat, log: log}, nil
}

// tables decodes and checks data/harmony/apis.yaml, once, when the first
// HarmonyOS input is read: a scan of other inputs does not pay for it.
func (a *Analyzer) tables() error {
	a.once.Do(func() { a.loadErr = a.load() })
	return a.loadErr
}

func (a *Analyzer) load() error {
	b, err := data.FS.ReadFile("harmony/apis.yaml")
	if err != nil {
		return err
	}
	if err := catalog.Decode(b, &a.apis); err != nil {
		return fmt.Errorf("harmony/apis.yaml: %w", err)
	}
	a.methods = map[string]bool{}
	for _, m := range a.apis.Modules {
		for _, meth := range m.Methods {
			a.methods[meth] = true
		}
		if _, ok := a.cat.DataType(m.PIType); !ok || len(m.Methods) == 0 {
			return fmt.Errorf("harmony/apis.yaml: %s: PI type %q unknown, or no methods", m.Module, m.PIType)
		}
		if err := catalog.CheckSources(a.apis.Sources, m.Source); err != nil {
			return fmt.Errorf("harmony/apis.yaml: %s: %w", m.Module, err)
		}
	}
	return nil
}

// Version implements the scan's Analyzer.
func (a *Analyzer) Version() string {
	if a.tables() != nil {
		return Version
	}
	return Version + "+" + a.apis.Version
}

type scan struct {
	a    *Analyzer
	set  *evidence.Set
	seen map[string]bool
}

func (s *scan) add(o evidence.Observation) {
	if k := o.Identity(); !s.seen[k] {
		s.seen[k] = true
		s.set.Add(o)
	}
}

func (s *scan) lost(file string, part evidence.Part, cause evidence.Cause, err error) {
	s.set.Fail(Source, file, evidence.Lost(part, cause, err))
}

// Analyze reads a HAP, or an .app bundle of HAPs.
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	if err := a.tables(); err != nil {
		return nil, err
	}
	arch, err := in.Archive()
	if err != nil {
		return nil, err
	}
	s := &scan{a: a, seen: map[string]bool{}, set: &evidence.Set{
		Target: evidence.Target{Kind: "harmony", Path: in.Path, Size: in.Size, Attrs: map[string]string{}},
		Inputs: []string{Source}}}
	if arch.Find("module.json") != nil || arch.Find("config.json") != nil {
		return s.set, s.hap(ctx, arch, "")
	}
	// An .app: HAPs inside, each read as a module of the one app.
	n := 0
	for _, e := range arch.Entries {
		if e.Unsafe || !strings.HasSuffix(e.Name, ".hap") || strings.Contains(e.Name, "/") {
			continue
		}
		if n++; n > maxHAPs {
			s.lost(e.Name, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("more than %d HAPs: the rest not read", maxHAPs))
			break
		}
		hap, err := arch.OpenNestedContext(ctx, e)
		if err != nil {
			s.lost(e.Name, evidence.PartCode, artifact.CauseOf(err), err)
			continue
		}
		if err := s.hap(ctx, hap, e.Name+"!"); err != nil {
			s.lost(e.Name, evidence.PartManifest, evidence.CauseMalformed, err)
		}
	}
	if n == 0 {
		return nil, errors.New("HarmonyOS package: no module.json, config.json or HAP in it")
	}
	return s.set, nil
}

// moduleJSON is what the reader takes from module.json (Stage model) or
// config.json (FA model).
type moduleJSON struct {
	App struct {
		BundleName  string          `json:"bundleName"`
		VersionName string          `json:"versionName"`
		VersionCode json.RawMessage `json:"versionCode"`
		Version     struct {
			Name string          `json:"name"`
			Code json.RawMessage `json:"code"`
		} `json:"version"`
		Label string `json:"label"`
	} `json:"app"`
	Module struct {
		Name               string       `json:"name"`
		Type               string       `json:"type"`
		Abilities          []ability    `json:"abilities"`
		ExtensionAbilities []ability    `json:"extensionAbilities"`
		RequestPermissions []permission `json:"requestPermissions"`
		ReqPermissions     []permission `json:"reqPermissions"`
	} `json:"module"`
}

type ability struct {
	Name     string `json:"name"`
	Exported *bool  `json:"exported"`
	Visible  *bool  `json:"visible"` // FA model
	Type     string `json:"type"`
}

type permission struct {
	Name      string  `json:"name"`
	Reason    *string `json:"reason"`
	UsedScene struct {
		Abilities []string `json:"abilities"`
		When      string   `json:"when"`
	} `json:"usedScene"`
}

// PropPermissionReason is the property of a requested permission whose
// reason (shown to the user when asked) is missing or states no purpose.
const PropPermissionReason = "permission_reason"

func (s *scan) hap(ctx context.Context, arch *artifact.Archive, prefix string) error {
	name := "module.json"
	e := arch.Find(name)
	if e == nil {
		name = "config.json"
		e = arch.Find(name)
	}
	if e == nil {
		return errors.New("no module.json or config.json")
	}
	file := prefix + name
	if e.Size > maxJSON {
		s.lost(file, evidence.PartManifest, evidence.CauseLimit, fmt.Errorf("%d bytes, more than %d", e.Size, maxJSON))
		return nil
	}
	b, err := arch.ReadContext(ctx, e)
	if err != nil {
		s.lost(file, evidence.PartManifest, artifact.CauseOf(err), err)
		return nil
	}
	var m moduleJSON
	if err := json.Unmarshal(b, &m); err != nil {
		s.lost(file, evidence.PartManifest, evidence.CauseMalformed, err)
	} else {
		s.manifest(m, file)
	}
	for _, e := range arch.Entries {
		switch {
		case e.Unsafe:
		case strings.HasSuffix(e.Name, ".abc"):
			s.bytecode(ctx, arch, e, prefix+e.Name)
		case strings.HasPrefix(e.Name, "libs/") && strings.HasSuffix(e.Name, ".so"):
			base := path.Base(e.Name)
			for _, id := range s.a.cat.MatchNativeLib(base) {
				s.add(s.a.cat.SDKObservation(id, evidence.Present, evidence.Location{File: prefix + e.Name}, "native library "+base, Source))
			}
		}
	}
	return nil
}

func (s *scan) manifest(m moduleJSON, file string) {
	t := &s.set.Target
	if t.ID == "" {
		t.ID = m.App.BundleName
		t.Version = m.App.VersionName
		code := m.App.VersionCode
		if t.Version == "" {
			t.Version, code = m.App.Version.Name, m.App.Version.Code
		}
		if len(code) > 0 {
			var n json.Number
			if json.Unmarshal(code, &n) == nil {
				t.VersionCode = n.String()
			}
		}
		if !strings.HasPrefix(m.App.Label, "$") {
			t.Name = m.App.Label
		}
		if t.Name == "" {
			t.Name = t.ID
		}
	}
	for _, ab := range append(m.Module.Abilities, m.Module.ExtensionAbilities...) {
		d := map[string]string{evidence.DetailType: "ability"}
		if ab.Type != "" {
			d[evidence.DetailType] = ab.Type
		}
		exp := ab.Exported
		if exp == nil {
			exp = ab.Visible
		}
		if exp != nil {
			d[evidence.DetailExported] = strconv.FormatBool(*exp)
		}
		s.add(evidence.Observation{Kind: evidence.Component, Key: ab.Name, Level: evidence.Declared,
			Where: evidence.Location{File: file, Class: ab.Name}, Source: Source, Detail: d})
	}
	perms := append(m.Module.RequestPermissions, m.Module.ReqPermissions...)
	sort.SliceStable(perms, func(i, j int) bool { return perms[i].Name < perms[j].Name })
	for _, p := range perms {
		if p.Name == "" {
			continue
		}
		where := evidence.Location{File: file, Resource: "requestPermissions/" + p.Name}
		d := map[string]string{}
		if p.Reason != nil {
			d[evidence.DetailPurpose] = *p.Reason
		}
		if p.UsedScene.When != "" {
			d["when"] = p.UsedScene.When
		}
		hp, known := s.a.cat.HarmonyPermission(p.Name)
		if known {
			d[evidence.DetailProtection] = hp.Protection
		}
		s.add(evidence.Observation{Kind: evidence.Permission, Key: p.Name, Level: evidence.Declared, Where: where, Source: Source, Detail: d})
		for _, dt := range hp.DataTypes {
			s.add(evidence.Observation{Kind: evidence.DataType, Key: dt, Level: evidence.Declared, Where: where, Source: Source,
				Detail: map[string]string{evidence.DetailPermission: p.Name}})
		}
		// A user_grant permission is asked for in a dialog that shows the
		// reason: it must state one. A resource reference ($string:…) is
		// not resolved here and not judged.
		if !known || hp.Protection != "user_grant" {
			continue
		}
		reason := ""
		if p.Reason != nil {
			reason = *p.Reason
		}
		if strings.HasPrefix(reason, "$string:") {
			continue
		}
		if status := text.PurposeStatus(p.Name, reason); status != "" {
			s.add(evidence.Observation{Kind: evidence.Property, Key: PropPermissionReason, Level: evidence.Declared, Where: where, Source: Source,
				Detail: map[string]string{evidence.DetailName: p.Name, evidence.DetailValue: reason, evidence.DetailReason: status}})
		}
	}
}

// bytecode reads an Ark bytecode file's strings: the system modules it
// imports with the methods it calls by name, and its URLs.
func (s *scan) bytecode(ctx context.Context, arch *artifact.Archive, e *artifact.Entry, file string) {
	if e.Size > maxABC {
		s.lost(file, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("%d bytes, more than %d", e.Size, maxABC))
		return
	}
	b, err := arch.ReadContext(ctx, e)
	if err != nil {
		s.lost(file, evidence.PartCode, artifact.CauseOf(err), err)
		return
	}
	f, err := abc.Parse(b)
	if err != nil {
		s.lost(file, evidence.PartCode, evidence.CauseMalformed, err)
		return
	}
	s.set.Target.Attrs["abc_version"] = f.Version
	// One pass over the strings: the modules imported, the methods of
	// the table named, the URLs.
	imported := map[string]bool{}
	named := map[string]bool{}
	var urls []string
	seenURL := map[string]bool{}
	f.Strings(func(str []byte) bool {
		switch {
		case str[0] == '@':
			if abc.IsModule(str) && !imported[string(str)] {
				imported[string(str)] = true
			}
		case s.a.methods[string(str)]:
			named[string(str)] = true
		case (str[0] == 'h' || str[0] == 'w') && !seenURL[string(str)]:
			if u := string(str); apk.IsURL(u) && len(urls) < 10000 {
				seenURL[u] = true
				urls = append(urls, u)
			}
		}
		return true
	})
	specs := make([]string, len(s.a.apis.Modules))
	found := map[int]string{}
	for i, m := range s.a.apis.Modules {
		for _, cand := range []string{"@ohos:" + m.Module, "@ohos." + m.Module} {
			if imported[cand] {
				specs[i] = cand
				break
			}
		}
		if specs[i] == "" {
			continue
		}
		for _, meth := range m.Methods {
			if named[meth] {
				found[i] = meth
				break
			}
		}
	}
	for i, m := range s.a.apis.Modules {
		meth, ok := found[i]
		if !ok {
			continue
		}
		s.add(evidence.Observation{Kind: evidence.DataType, Key: m.PIType, Level: evidence.Referenced,
			Where: evidence.Location{File: file, Class: specs[i], Method: meth}, Source: Source,
			Detail: map[string]string{evidence.DetailAPI: "@ohos." + m.Module + "." + meth, "confidence": m.Confidence}})
	}
	for _, u := range urls {
		if o, ok := apk.EndpointObservation(s.a.cat, u, evidence.Party{}, evidence.Location{File: file}, Source); ok {
			s.add(o)
		}
	}
}
