// Package ios reads iOS apps (IPA) and iOS SDK binaries (static libraries
// and framework binaries): Info.plist (identity, the usage descriptions
// the system shows when it asks for a permission, App Transport Security,
// the URL schemes the app probes), the privacy manifests
// (PrivacyInfo.xcprivacy) of the app and of each framework, and the
// Mach-O binaries (imported system classes and functions with the
// selectors sent, classes defined, strings), into the evidence model the
// APK reader fills.
package ios

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/android/apk"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/macho"
	"github.com/hegui/hegui/internal/plist"
	"github.com/hegui/hegui/internal/text"
)

// Source names this reader in observations and reports; it is also the
// input kind's name for apps.
const Source = evidence.InputIOS

// Version changes whenever the evidence for the same input would.
const Version = "1"

// Bounds.
const (
	maxPlist      = 8 << 20
	maxBinary     = 512 << 20
	maxFrameworks = 256
)

// Analyzer reads IPAs and iOS binaries.
type Analyzer struct {
	cat  *catalog.Catalog
	log  *slog.Logger
	apis apiTable
	sdks sdkTable
	// reasons maps each required-reason API (a function, or a class
	// name) to its categories, from the catalog.
	reasons map[string][]string
	// once loads the tables above at the first iOS input (tables).
	once    sync.Once
	loadErr error
}

type apiClass struct {
	Class      string   `yaml:"class"`
	Selectors  []string `yaml:"selectors"`
	PIType     string   `yaml:"pi_type"`
	Confidence string   `yaml:"confidence"`
	Source     []string `yaml:"source"`
}

type apiFunction struct {
	Function   string   `yaml:"function"`
	PIType     string   `yaml:"pi_type"`
	Confidence string   `yaml:"confidence"`
	Source     []string `yaml:"source"`
}

type apiTable struct {
	Version   string            `yaml:"version"`
	Sources   map[string]string `yaml:"sources"`
	Classes   []apiClass        `yaml:"classes"`
	Functions []apiFunction     `yaml:"functions"`
}

type sdkSig struct {
	ID         string   `yaml:"id"`
	Frameworks []string `yaml:"frameworks"`
	Libraries  []string `yaml:"libraries"`
	Classes    []string `yaml:"classes"`
	Prefixes   []string `yaml:"class_prefixes"`
	Source     []string `yaml:"source"`
}

type sdkTable struct {
	Version string            `yaml:"version"`
	Sources map[string]string `yaml:"sources"`
	SDKs    []sdkSig          `yaml:"sdks"`
}

// New loads data/ios/apis.yaml and data/ios/sdks.yaml and checks them
// against the catalog (PI types and SDK ids must exist, sources be
// declared).
func New(cat *catalog.Catalog, log *slog.Logger) (*Analyzer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{cat: cat, log: log}, nil
}

// tables decodes and checks the iOS data files, once, when the first iOS
// input is read: a scan of other inputs does not pay for them.
func (a *Analyzer) tables() error {
	a.once.Do(func() { a.loadErr = a.load() })
	return a.loadErr
}

func (a *Analyzer) load() error {
	cat := a.cat
	a.reasons = map[string][]string{}
	for _, c := range cat.IOSAPICategories() {
		for _, api := range c.APIs {
			a.reasons[api] = append(a.reasons[api], c.Category)
			if api[0] >= 'A' && api[0] <= 'Z' { // a Foundation class: NS in Objective-C (UserDefaults)
				a.reasons["NS"+api] = append(a.reasons["NS"+api], c.Category)
			}
		}
	}
	if err := load("ios/apis.yaml", &a.apis); err != nil {
		return err
	}
	if err := load("ios/sdks.yaml", &a.sdks); err != nil {
		return err
	}
	for _, c := range a.apis.Classes {
		if _, ok := cat.DataType(c.PIType); !ok || len(c.Selectors) == 0 {
			return fmt.Errorf("ios/apis.yaml: %s: PI type %q unknown or no selectors", c.Class, c.PIType)
		}
		if err := catalog.CheckSources(a.apis.Sources, c.Source); err != nil {
			return fmt.Errorf("ios/apis.yaml: %s: %w", c.Class, err)
		}
	}
	for _, f := range a.apis.Functions {
		if _, ok := cat.DataType(f.PIType); !ok {
			return fmt.Errorf("ios/apis.yaml: %s: PI type %q unknown", f.Function, f.PIType)
		}
		if err := catalog.CheckSources(a.apis.Sources, f.Source); err != nil {
			return fmt.Errorf("ios/apis.yaml: %s: %w", f.Function, err)
		}
	}
	for _, s := range a.sdks.SDKs {
		if _, ok := cat.SDK(s.ID); !ok {
			return fmt.Errorf("ios/sdks.yaml: %q is no SDK of sdk/sdks.yaml", s.ID)
		}
		if err := catalog.CheckSources(a.sdks.Sources, s.Source); err != nil {
			return fmt.Errorf("ios/sdks.yaml: %s: %w", s.ID, err)
		}
	}
	return nil
}

func load(name string, v any) error {
	b, err := data.FS.ReadFile(name)
	if err != nil {
		return err
	}
	if err := catalog.Decode(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Version implements the scan's Analyzer.
func (a *Analyzer) Version() string {
	if a.tables() != nil {
		return Version
	}
	return Version + "+" + a.apis.Version + "+" + a.sdks.Version
}

type scan struct {
	a    *Analyzer
	set  *evidence.Set
	seen map[string]bool
	// declared are the required-reason API categories the privacy
	// manifests declare; used those that code reaches.
	declared map[string]bool
	used     map[string]evidence.Location
}

func (s *scan) add(o evidence.Observation) {
	k := o.Identity()
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.set.Add(o)
}

func (s *scan) lost(file string, part evidence.Part, cause evidence.Cause, err error) {
	s.set.Fail(Source, file, evidence.Lost(part, cause, err))
}

func (s *scan) party(id string) evidence.Party { return s.a.cat.Party(id) }

// Analyze reads an IPA, or an iOS SDK binary (a static library or a
// framework's Mach-O), as a target of kind "sdk".
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	if err := a.tables(); err != nil {
		return nil, err
	}
	s := &scan{a: a, seen: map[string]bool{}, declared: map[string]bool{}, used: map[string]evidence.Location{}}
	if in.Kind != artifact.IPA {
		s.set = &evidence.Set{Target: evidence.Target{Kind: "sdk", Path: in.Path, Size: in.Size,
			Attrs: map[string]string{"platform": "ios"}}, Inputs: []string{SourceLibrary}}
		if in.Kind == artifact.Framework {
			arch, err := in.Archive()
			if err != nil {
				return nil, err
			}
			return s.set, s.frameworkZip(ctx, arch)
		}
		return s.set, s.library(ctx, in)
	}
	arch, err := in.Archive()
	if err != nil {
		return nil, err
	}
	s.set = &evidence.Set{Target: evidence.Target{Kind: "ios", Path: in.Path, Size: in.Size, Attrs: map[string]string{}},
		Inputs: []string{Source}}
	return s.set, s.ipa(ctx, arch)
}

// SourceLibrary names the reader of iOS SDK binaries (the input kind).
const SourceLibrary = "ios_sdk"

var appRE = regexp.MustCompile(`^Payload/[^/]+\.app/$`)

func (s *scan) ipa(ctx context.Context, arch *artifact.Archive) error {
	root := ""
	for _, e := range arch.Entries {
		if e.Unsafe {
			continue
		}
		if dir, _, ok := strings.Cut(strings.TrimPrefix(e.Name, "Payload/"), "/"); ok && strings.HasSuffix(dir, ".app") && strings.HasPrefix(e.Name, "Payload/") {
			root = "Payload/" + dir + "/"
			break
		}
	}
	if root == "" || !appRE.MatchString(root) {
		return errors.New("IPA: no Payload/*.app in it")
	}
	info := s.readPlist(ctx, arch, root+"Info.plist", evidence.PartManifest)
	if info == nil {
		return errors.New("IPA: the app's Info.plist cannot be read")
	}
	s.identity(info)
	s.usage(info, root+"Info.plist", s.localized(ctx, arch, root))
	s.transport(info, root+"Info.plist")
	s.queries(info, root+"Info.plist")
	s.privacyManifest(ctx, arch, root+"PrivacyInfo.xcprivacy", evidence.Party{})
	exe := plist.String(info["CFBundleExecutable"])
	if exe == "" || strings.ContainsAny(exe, "/\\") || exe == "." || exe == ".." {
		s.lost(root+"Info.plist", evidence.PartCode, evidence.CauseMalformed, fmt.Errorf("CFBundleExecutable %q names no file of the bundle", exe))
	} else if e := arch.Find(root + exe); e == nil {
		s.lost(root+exe, evidence.PartCode, evidence.CauseAbsent, errors.New("the app's executable is not in the IPA"))
	} else {
		s.binaryEntry(ctx, arch, e, evidence.Party{})
	}
	// Embedded frameworks: each binary is an SDK's code (or the app's own
	// module); the framework's name names the SDK.
	n := 0
	for _, e := range arch.Entries {
		rest, ok := strings.CutPrefix(e.Name, root+"Frameworks/")
		if !ok || e.Unsafe {
			continue
		}
		fw, file, ok := strings.Cut(rest, "/")
		name, isFW := strings.CutSuffix(fw, ".framework")
		if !ok || !isFW || file != name && file != "PrivacyInfo.xcprivacy" {
			continue
		}
		if n++; n > maxFrameworks {
			s.lost(e.Name, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("more than %d frameworks: the rest not read", maxFrameworks))
			break
		}
		party := s.party(s.a.frameworkSDK(name))
		if file == "PrivacyInfo.xcprivacy" {
			s.privacyManifest(ctx, arch, e.Name, party)
			continue
		}
		if party.SDK != "" {
			s.add(s.a.cat.SDKObservation(party.SDK, evidence.Present, evidence.Location{File: e.Name}, "framework "+name, Source))
		}
		s.binaryEntry(ctx, arch, e, party)
	}
	s.requiredReasons()
	return nil
}

func (s *scan) readPlist(ctx context.Context, arch *artifact.Archive, name string, part evidence.Part) map[string]any {
	e := arch.Find(name)
	if e == nil {
		if part == evidence.PartManifest {
			s.lost(name, part, evidence.CauseAbsent, errors.New("missing"))
		}
		return nil
	}
	if e.Size > maxPlist {
		s.lost(name, part, evidence.CauseLimit, fmt.Errorf("%d bytes, more than %d", e.Size, maxPlist))
		return nil
	}
	b, err := arch.ReadContext(ctx, e)
	if err != nil {
		s.lost(name, part, artifact.CauseOf(err), err)
		return nil
	}
	v, err := plist.Parse(b)
	if err != nil {
		s.lost(name, part, evidence.CauseMalformed, err)
		return nil
	}
	d := plist.Dict(v)
	if d == nil {
		s.lost(name, part, evidence.CauseMalformed, errors.New("not a dictionary"))
	}
	return d
}

func (s *scan) identity(info map[string]any) {
	t := &s.set.Target
	t.ID = plist.String(info["CFBundleIdentifier"])
	t.Name = plist.String(info["CFBundleDisplayName"])
	if t.Name == "" {
		t.Name = plist.String(info["CFBundleName"])
	}
	t.Version = plist.String(info["CFBundleShortVersionString"])
	t.VersionCode = plist.String(info["CFBundleVersion"])
	if v := plist.String(info["MinimumOSVersion"]); v != "" {
		t.Attrs["min_os"] = v
	}
}

// usage records each usage description (the purpose the system shows
// when the app asks for the resource) with the PI it unlocks, and how
// well it states a purpose.
func (s *scan) usage(info map[string]any, file string, localized map[string][]string) {
	keys := make([]string, 0)
	for k := range info {
		if strings.HasSuffix(k, "UsageDescription") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		purpose, isString := info[k].(string)
		where := evidence.Location{File: file, Resource: k}
		d := map[string]string{evidence.DetailPurpose: purpose}
		uk, known := s.a.cat.IOSUsageKey(k)
		s.add(evidence.Observation{Kind: evidence.Permission, Key: k, Level: evidence.Declared, Where: where, Source: Source, Detail: d})
		if known {
			for _, dt := range uk.DataTypes {
				s.add(evidence.Observation{Kind: evidence.DataType, Key: dt, Level: evidence.Declared, Where: where, Source: Source,
					Detail: map[string]string{evidence.DetailPermission: k}})
			}
		}
		status := text.PurposeStatus(k, purpose)
		if !isString {
			status = "missing"
		}
		// What users see is the localized string when there is one
		// (zh-Hans.lproj/InfoPlist.strings…): one that states a purpose
		// answers for the key.
		for _, v := range localized[k] {
			if text.PurposeStatus(k, v) == "" {
				status = ""
				d[evidence.DetailPurpose] = v
			}
		}
		if status != "" {
			s.add(evidence.Observation{Kind: evidence.Property, Key: PropUsagePurpose, Level: evidence.Declared, Where: where, Source: Source,
				Detail: map[string]string{evidence.DetailName: k, evidence.DetailValue: purpose, evidence.DetailReason: status}})
		}
	}
}

// localized reads the InfoPlist.strings of the bundle's .lproj folders:
// key → the values of every language.
func (s *scan) localized(ctx context.Context, arch *artifact.Archive, root string) map[string][]string {
	out := map[string][]string{}
	for _, e := range arch.Entries {
		rest, ok := strings.CutPrefix(e.Name, root)
		if !ok || e.Unsafe || !strings.HasSuffix(rest, ".lproj/InfoPlist.strings") || strings.Count(rest, "/") != 1 || e.Size > maxPlist {
			continue
		}
		b, err := arch.ReadContext(ctx, e)
		if err != nil {
			s.lost(e.Name, evidence.PartResources, artifact.CauseOf(err), err)
			continue
		}
		m, err := plist.ParseStrings(b)
		if err != nil {
			s.lost(e.Name, evidence.PartResources, evidence.CauseMalformed, err)
		}
		for k, v := range m {
			if strings.HasSuffix(k, "UsageDescription") {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

// PropUsagePurpose is the property of a usage description that states no
// purpose (reason: missing, placeholder or generic).
const PropUsagePurpose = "usage_purpose"

// transport records App Transport Security exceptions: cleartext HTTP
// allowed everywhere, or for some domains.
func (s *scan) transport(info map[string]any, file string) {
	ats := plist.Dict(info["NSAppTransportSecurity"])
	if ats == nil {
		return
	}
	where := evidence.Location{File: file, Resource: "NSAppTransportSecurity"}
	// From iOS 10, NSAllowsArbitraryLoads is ignored when one of these
	// is present (Apple, NSAllowsArbitraryLoadsInWebContent).
	overridden := ats["NSAllowsArbitraryLoadsInWebContent"] != nil || ats["NSAllowsArbitraryLoadsForMedia"] != nil || ats["NSAllowsLocalNetworking"] != nil
	if plist.Bool(ats["NSAllowsArbitraryLoads"]) && !overridden {
		s.add(evidence.Observation{Kind: evidence.Property, Key: "cleartext_traffic", Level: evidence.Declared, Where: where, Source: Source,
			Detail: map[string]string{evidence.DetailValue: "true", evidence.DetailHow: "NSAllowsArbitraryLoads"}})
	}
	var domains []string
	for d, v := range plist.Dict(ats["NSExceptionDomains"]) {
		if plist.Bool(plist.Dict(v)["NSExceptionAllowsInsecureHTTPLoads"]) || plist.Bool(plist.Dict(v)["NSTemporaryExceptionAllowsInsecureHTTPLoads"]) {
			domains = append(domains, d)
		}
	}
	if len(domains) > 0 {
		sort.Strings(domains)
		where.Resource = "NSAppTransportSecurity.NSExceptionDomains"
		s.add(evidence.Observation{Kind: evidence.Property, Key: "cleartext_traffic", Level: evidence.Declared, Where: where, Source: Source,
			Detail: map[string]string{evidence.DetailDomains: strings.Join(domains, ","), evidence.DetailHow: "NSExceptionAllowsInsecureHTTPLoads"}})
	}
}

// queries records the URL schemes the app may test with canOpenURL:
// each answers whether one app is installed.
func (s *scan) queries(info map[string]any, file string) {
	schemes := plist.Strings(info["LSApplicationQueriesSchemes"])
	if len(schemes) == 0 {
		return
	}
	shown := schemes[:min(len(schemes), 100)]
	s.add(evidence.Observation{Kind: evidence.Property, Key: "url_scheme_queries", Level: evidence.Declared,
		Where: evidence.Location{File: file, Resource: "LSApplicationQueriesSchemes"}, Source: Source,
		Detail: map[string]string{"schemes": strings.Join(shown, ","), "count": strconv.Itoa(len(schemes))}})
}

// privacyManifest records what a privacy manifest declares.
func (s *scan) privacyManifest(ctx context.Context, arch *artifact.Archive, name string, party evidence.Party) {
	pm := s.readPlist(ctx, arch, name, evidence.PartResources)
	if pm == nil {
		return
	}
	var collected, cats []string
	for _, c := range plist.Array(pm["NSPrivacyCollectedDataTypes"]) {
		if t := plist.String(plist.Dict(c)["NSPrivacyCollectedDataType"]); t != "" {
			collected = append(collected, strings.TrimPrefix(t, "NSPrivacyCollectedDataType"))
		}
	}
	for _, c := range plist.Array(pm["NSPrivacyAccessedAPITypes"]) {
		d := plist.Dict(c)
		if t := plist.String(d["NSPrivacyAccessedAPIType"]); t != "" {
			cats = append(cats, t)
			s.declared[t] = true
		}
	}
	s.add(evidence.Observation{Kind: evidence.Property, Key: "privacy_manifest", Level: evidence.Declared, Party: party,
		Where: evidence.Location{File: name}, Source: Source, Detail: map[string]string{
			"tracking":         strconv.FormatBool(plist.Bool(pm["NSPrivacyTracking"])),
			"tracking_domains": strings.Join(plist.Strings(pm["NSPrivacyTrackingDomains"]), ","),
			"collected":        strings.Join(collected, ","),
			"api_categories":   strings.Join(cats, ","),
		}})
}

// requiredReasons reports required-reason API categories the code
// reaches that no privacy manifest declares.
func (s *scan) requiredReasons() {
	var cats []string
	for c := range s.used {
		if !s.declared[c] {
			cats = append(cats, c)
		}
	}
	sort.Strings(cats)
	for _, c := range cats {
		s.add(evidence.Observation{Kind: evidence.Property, Key: "required_reason_undeclared", Level: evidence.Referenced,
			Where: s.used[c], Source: Source, Detail: map[string]string{evidence.DetailName: c}})
	}
}

// frameworkSDK names the SDK a framework or library file name belongs to.
func (a *Analyzer) frameworkSDK(name string) string {
	for _, sig := range a.sdks.SDKs {
		if slices.Contains(sig.Frameworks, name) || slices.Contains(sig.Libraries, name) {
			return sig.ID
		}
	}
	return ""
}

// classSDK names the SDK an Objective-C class belongs to: a class name
// listed, else the longest prefix that matches.
func (a *Analyzer) classSDK(class string) string {
	// A Swift class: its module is the framework it ships in.
	if module, name, ok := macho.SwiftClass(class); ok {
		if id := a.frameworkSDK(module); id != "" {
			return id
		}
		class = name
	}
	best, bestLen := "", 0
	for _, sig := range a.sdks.SDKs {
		if slices.Contains(sig.Classes, class) {
			return sig.ID
		}
		for _, p := range sig.Prefixes {
			if rest, ok := strings.CutPrefix(class, p); ok && (rest == "" || unicode.IsUpper(rune(rest[0]))) && len(p) > bestLen {
				best, bestLen = sig.ID, len(p)
			}
		}
	}
	return best
}

func (s *scan) binaryEntry(ctx context.Context, arch *artifact.Archive, e *artifact.Entry, party evidence.Party) {
	if e.Size > maxBinary {
		s.lost(e.Name, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("%d bytes, more than %d", e.Size, maxBinary))
		return
	}
	b, err := arch.ReadContext(ctx, e)
	if err != nil {
		s.lost(e.Name, evidence.PartCode, artifact.CauseOf(err), err)
		return
	}
	bin, err := macho.ParseContext(ctx, b)
	if err != nil {
		s.lost(e.Name, evidence.PartCode, evidence.CauseMalformed, err)
		return
	}
	s.binary(bin, e.Name, party)
}

// binary records what one binary's code reaches; a static library's
// objects are judged one by one (a class and a selector count together
// only in one object).
func (s *scan) binary(bin *macho.Binary, file string, party evidence.Party) {
	if bin.Encrypted {
		s.add(evidence.Observation{Kind: evidence.Property, Key: "fairplay_encrypted", Level: evidence.Present, Party: party,
			Where: evidence.Location{File: file}, Source: Source})
		s.lost(file, evidence.PartCode, evidence.CauseUnreadable,
			errors.New("encrypted by the App Store (FairPlay): its code and strings cannot be read; scan a decrypted build"))
	}
	for _, p := range bin.Problems {
		s.lost(file, evidence.PartCode, evidence.CauseMalformed, p)
	}
	images := bin.Objects
	if len(images) == 0 {
		images = []*macho.Binary{bin}
	}
	for _, img := range images {
		where := evidence.Location{File: file}
		if img.Name != "" {
			where.File = file + "(" + img.Name + ")"
		}
		// A linked image is its framework's (the name says whose) or the
		// app's: SDK classes linked into it are recorded as present, and
		// never take the image's reads (the app's own calls would be
		// charged to the SDK). An object of a static library is the SDK
		// whose class it defines (libraries bundle others: WeChat's holds
		// Tencent MTA).
		p, member := party, img.Name != ""
		for _, c := range img.Classes {
			if id := s.a.classSDK(c); id != "" {
				sp := s.party(id)
				s.add(s.a.cat.SDKObservation(id, evidence.Present, evidence.Location{File: where.File, Class: c}, "class "+c, Source))
				if member {
					p, member = sp, false
				}
			}
		}
		s.apis(img, where, p)
		for _, str := range img.Strings {
			if apk.IsURL(str) {
				if o, ok := apk.EndpointObservation(s.a.cat, str, p, where, Source); ok {
					s.add(o)
				}
			}
		}
	}
}

// apis matches an image's imports and selectors with the API table and
// the required-reason categories.
func (s *scan) apis(img *macho.Binary, where evidence.Location, party evidence.Party) {
	imports := map[string]bool{}
	for _, i := range img.Imports {
		imports[i] = true
	}
	sels := map[string]bool{}
	for _, sel := range img.Selectors {
		sels[sel] = true
	}
	for _, c := range s.a.apis.Classes {
		if !imports["OBJC_CLASS_$_"+c.Class] {
			continue
		}
		for _, sel := range c.Selectors {
			if sels[sel] {
				w := where
				w.Class, w.Method = c.Class, sel
				s.add(evidence.Observation{Kind: evidence.DataType, Key: c.PIType, Level: evidence.Referenced, Party: party, Where: w, Source: Source,
					Detail: map[string]string{evidence.DetailAPI: "-[" + c.Class + " " + sel + "]", "confidence": c.Confidence}})
				break
			}
		}
	}
	for _, f := range s.a.apis.Functions {
		if imports[f.Function] {
			w := where
			w.Method = f.Function
			s.add(evidence.Observation{Kind: evidence.DataType, Key: f.PIType, Level: evidence.Referenced, Party: party, Where: w, Source: Source,
				Detail: map[string]string{evidence.DetailAPI: f.Function, "confidence": f.Confidence}})
		}
	}
	for _, imp := range img.Imports {
		for _, cat := range s.a.reasons[strings.TrimPrefix(imp, "OBJC_CLASS_$_")] {
			if _, seen := s.used[cat]; !seen {
				w := where
				w.Method = imp
				s.used[cat] = w
			}
		}
	}
}

// frameworkZip reads a zipped .framework or .xcframework: the binary of
// each framework (of an XCFramework, the device slice: ios-arm64 rather
// than a simulator's), static libraries, and privacy manifests.
func (s *scan) frameworkZip(ctx context.Context, arch *artifact.Archive) error {
	type fw struct{ dir, name string }
	var fws []fw
	var libs []*artifact.Entry
	for _, e := range arch.Entries {
		if e.Unsafe {
			continue
		}
		dir, file := path.Split(e.Name)
		if d := strings.TrimSuffix(dir, "/"); strings.HasSuffix(d, ".framework") && strings.TrimSuffix(path.Base(d), ".framework") == file {
			fws = append(fws, fw{dir, file})
		}
		if strings.HasSuffix(file, ".a") && strings.Contains(dir, ".xcframework/") {
			libs = append(libs, e)
		}
	}
	// One slice of an XCFramework: the device's, when there is one.
	device := func(p string) bool { return strings.Contains(p, "ios-arm64") && !strings.Contains(p, "simulator") }
	pick := func(paths []string) string {
		if len(paths) == 0 {
			return ""
		}
		sort.Strings(paths)
		for _, p := range paths {
			if device(p) {
				return p
			}
		}
		return paths[0]
	}
	byName := map[string][]string{}
	for _, f := range fws {
		byName[f.name] = append(byName[f.name], f.dir)
	}
	var names []string
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	t := &s.set.Target
	for _, n := range names {
		dir := pick(byName[n])
		party := s.party(s.a.frameworkSDK(n))
		if t.ID == "" {
			t.ID, t.Name = n, n
			if party.SDK != "" {
				sdk, _ := s.a.cat.SDK(party.SDK)
				t.ID, t.Name, t.Attrs["sdk"] = party.SDK, sdk.Name, party.SDK
			}
			t.Attrs["format"] = "framework"
		}
		if party.SDK != "" {
			s.add(s.a.cat.SDKObservation(party.SDK, evidence.Present, evidence.Location{File: dir + n}, "framework "+n, Source))
		}
		if e := arch.Find(dir + n); e != nil {
			s.binaryEntry(ctx, arch, e, party)
		}
		if arch.Find(dir+"PrivacyInfo.xcprivacy") != nil {
			s.privacyManifest(ctx, arch, dir+"PrivacyInfo.xcprivacy", party)
		}
	}
	if len(libs) > 0 {
		var paths []string
		for _, e := range libs {
			paths = append(paths, e.Name)
		}
		p := pick(paths)
		name := path.Base(p)
		party := s.party(s.a.frameworkSDK(name))
		if t.ID == "" {
			t.ID, t.Name, t.Attrs["format"] = name, name, "xcframework"
		}
		s.binaryEntry(ctx, arch, arch.Find(p), party)
	}
	if len(names) == 0 && len(libs) == 0 {
		return errors.New("no framework binary or static library in the archive")
	}
	s.requiredReasons()
	return nil
}

// library reads an iOS SDK binary on its own: a static library (.a) or a
// framework's Mach-O.
func (s *scan) library(ctx context.Context, in *artifact.Input) error {
	if in.Size > maxBinary {
		return fmt.Errorf("%d bytes, more than %d", in.Size, maxBinary)
	}
	b := make([]byte, in.Size)
	if _, err := in.ReaderAt().ReadAt(b, 0); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	bin, err := macho.ParseContext(ctx, b)
	if err != nil {
		return err
	}
	name := path.Base(in.Path)
	t := &s.set.Target
	t.Attrs["format"], t.Attrs["arch"] = bin.Type, bin.Arch
	party := s.party(s.a.frameworkSDK(strings.TrimSuffix(name, path.Ext(name))))
	if party.SDK == "" {
		party = s.party(s.a.frameworkSDK(name))
	}
	s.binary(bin, name, party)
	s.requiredReasons()
	// Name the package: by its file name, else the SDK most of its
	// objects' classes belong to.
	best := party.SDK
	if best == "" {
		count := map[string]int{}
		for _, o := range s.set.Of(evidence.SDK) {
			count[o.Key]++
		}
		for id, n := range count {
			if best == "" || n > count[best] || n == count[best] && id < best {
				best = id
			}
		}
	}
	if best != "" {
		sdk, _ := s.a.cat.SDK(best)
		t.ID, t.Name = best, sdk.Name
		t.Attrs["sdk"] = best
	} else {
		t.ID, t.Name = name, name
	}
	if len(bin.Members) > 0 {
		t.Attrs["objects"] = strconv.Itoa(len(bin.Members))
	}
	return nil
}
