// Package apk turns an Android package into evidence: identity, declared
// permissions and their PI types, components, embedded SDKs (by class
// prefix, native library, manifest component and meta-data), PI-reading
// API call sites with their caller and its owner, endpoints, packers, and
// code that runs at start-up before any consent dialog can be shown.
package apk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/android/arsc"
	"github.com/hegui/hegui/internal/android/axml"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/policy"
)

// Source names this analyzer in evidence.
const Source = "android"

// Version changes whenever the analyzer's output for the same input would.
const Version = "2"

// Analyzer inspects APKs.
type Analyzer struct {
	cat  *catalog.Catalog
	apis apiIndex
	// values are the catalog's value calls by DEX class descriptor, then
	// by method name (or name and descriptor).
	values map[string]map[string][]catalog.ValueCall
	log    *slog.Logger
	// policy reads privacy policies the app bundles.
	policy *policy.Analyzer
}

// New returns an analyzer over the catalog.
func New(cat *catalog.Catalog, log *slog.Logger) *Analyzer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{cat: cat, apis: newAPIIndex(cat), values: newValueIndex(cat), log: log, policy: policy.New(cat)}
}

// WithPolicyReader makes the analyzer read bundled policies with p, so a
// scan that also reads policy files loads the lexicon once.
func (a *Analyzer) WithPolicyReader(p *policy.Analyzer) *Analyzer {
	a.policy = p
	return a
}

// Version implements the scan analyzer interface.
func (a *Analyzer) Version() string { return Version }

// scan is the state of one APK's analysis.
type scan struct {
	a    *Analyzer
	set  *evidence.Set
	arch *artifact.Archive
	man  *Manifest
	res  *arsc.Table
	// mem is the run's memory budget for dex images, or nil.
	mem *artifact.Budget
	// packerObs are the packer observations, found before the code is
	// read: a packer explains code that cannot be read.
	packerObs []evidence.Observation
	bounds    observationBounds
	// dexLeft is how many more dex files may be analyzed.
	dexLeft int
	// policies counts the bundled privacy policies read.
	policies int
	// moreAnomalies counts anomalies of nested archives not kept.
	moreAnomalies int
}

// Analyze reads the APK. It returns an error only when nothing could be
// read; damage past that point is recorded in the set's errors.
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	set := &evidence.Set{
		// The scan fills in the hash, computed beside the analysis.
		Target: evidence.Target{Kind: "android", Path: in.Path, Size: in.Size},
		Inputs: []string{Source},
	}
	if in.Kind == artifact.DEX {
		return a.analyzeDex(ctx, in, set)
	}
	arch, err := in.Archive()
	if err != nil {
		return nil, err
	}
	s := &scan{a: a, set: set, arch: arch, mem: in.Limits.Memory, dexLeft: maxDexFiles}
	s.manifest(ctx)
	s.resources(ctx)
	s.detectPackers()
	s.identity()
	s.permissions()
	s.components()
	s.networkConfig(ctx)
	s.nativeLibs()
	s.bytecode(ctx)
	s.assetsText(ctx)
	s.attribute()
	s.policyURLs()
	s.dropSharedDeclarations()
	s.packers()
	s.reportDropped()
	s.archiveProblems()
	return set, nil
}

func (s *scan) fail(file string, err error) {
	s.set.Fail(Source, file, err)
}

func (s *scan) manifest(ctx context.Context) {
	e := s.arch.Find("AndroidManifest.xml")
	if e == nil {
		s.fail("AndroidManifest.xml", evidence.Lost(evidence.PartManifest, evidence.CauseMalformed, errors.New("no AndroidManifest.xml in the archive")))
		s.man = &Manifest{}
		return
	}
	data, err := s.arch.ReadContext(ctx, e)
	if err != nil {
		// A manifest cut short is still decoded as far as it goes.
		s.fail("AndroidManifest.xml", lost(evidence.PartManifest, err))
		if len(data) == 0 {
			s.man = &Manifest{}
			return
		}
	}
	doc, err := axml.Decode(data)
	if err != nil {
		s.fail("AndroidManifest.xml", evidence.Lost(evidence.PartManifest, evidence.CauseMalformed, fmt.Errorf("binary XML: %w", err)))
	}
	if doc == nil || doc.Root == nil {
		s.man = &Manifest{}
		return
	}
	s.man = ParseManifest(doc)
	if s.man.Package == "" {
		why := "no package name"
		if len(s.man.Problems) > 0 {
			why += "; first problem: " + s.man.Problems[0]
		}
		s.fail("AndroidManifest.xml", evidence.Lostf(evidence.PartManifest, evidence.CauseMalformed,
			"manifest unreadable (%s): permissions and components are missing from this report", why))
	}
	for _, p := range s.man.Problems {
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "manifest_anomaly", Level: evidence.Present,
			Where: evidence.Location{File: "AndroidManifest.xml"}, Source: Source, Detail: map[string]string{evidence.DetailReason: p}})
	}
}

func (s *scan) resources(ctx context.Context) {
	e := s.arch.Find("resources.arsc")
	if e == nil {
		return
	}
	data, err := s.arch.ReadContext(ctx, e)
	if err != nil {
		s.fail("resources.arsc", lost(evidence.PartResources, err))
		if len(data) == 0 {
			return
		}
	}
	t, err := arsc.Parse(data)
	if err != nil {
		s.fail("resources.arsc", evidence.Lost(evidence.PartResources, evidence.CauseMalformed, fmt.Errorf("resource table: %w", err)))
	}
	s.res = t
}

// resolve turns an attribute value into text, following a resource
// reference through resources.arsc.
func (s *scan) resolve(r Ref, prefs ...string) string {
	if r.Literal != "" || r.ResID == 0 {
		return r.Literal
	}
	if s.res == nil {
		return fmt.Sprintf("@0x%08x", r.ResID)
	}
	v, err := s.res.String(r.ResID, prefs...)
	if err != nil {
		return fmt.Sprintf("@0x%08x", r.ResID)
	}
	return v
}

func (s *scan) identity() {
	m, t := s.man, &s.set.Target
	t.ID = m.Package
	t.Version = m.VersionName
	t.VersionCode = m.VersionCode
	t.Name = s.resolve(m.Label, "en", "")
	t.Attrs = map[string]string{
		"min_sdk":    strconv.Itoa(m.MinSDK),
		"target_sdk": strconv.Itoa(m.TargetSDK),
	}
	if zh := s.resolve(m.Label, "zh-CN", "zh"); zh != "" && zh != t.Name {
		t.Attrs["name_zh"] = zh
	}
	if m.Application != "" {
		t.Attrs["application_class"] = m.Application
	}
}

func (s *scan) permissions() {
	for _, p := range s.man.Permissions {
		where := evidence.Location{File: "AndroidManifest.xml", Line: p.Line}
		d := map[string]string{}
		if p.MaxSDK > 0 {
			d[evidence.DetailMaxSDK] = strconv.Itoa(p.MaxSDK)
		}
		perm, known := s.a.cat.Permission(p.Name)
		if known {
			d[evidence.DetailProtection] = perm.Protection
		}
		s.addManifest(evidence.Observation{Kind: evidence.Permission, Key: p.Name, Level: evidence.Declared, Where: where, Source: Source, Detail: d})
		// A permission capped below the minimum SDK is never granted.
		if p.MaxSDK > 0 && p.MaxSDK < s.man.MinSDK {
			continue
		}
		for _, dt := range perm.DataTypes {
			s.addManifest(evidence.Observation{Kind: evidence.DataType, Key: dt, Level: evidence.Declared, Where: where, Source: Source,
				Detail: map[string]string{evidence.DetailPermission: p.Name}})
		}
	}
	for _, p := range s.man.CustomPerms {
		s.addManifest(evidence.Observation{Kind: evidence.Property, Key: "custom_permission", Level: evidence.Declared,
			Where: evidence.Location{File: "AndroidManifest.xml", Line: p.Line}, Source: Source,
			Detail: map[string]string{evidence.DetailName: p.Name, evidence.DetailProtection: p.Protection}})
	}
	if len(s.man.QueriesPackages)+len(s.man.QueriesIntents) > 0 || s.man.QueriesAllProvs {
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "package_queries", Level: evidence.Declared,
			Where: evidence.Location{File: "AndroidManifest.xml"}, Source: Source,
			Detail: map[string]string{"packages": strings.Join(s.man.QueriesPackages, ","), "intents": strings.Join(s.man.QueriesIntents, ",")}})
	}
}

func (s *scan) components() {
	m := s.man
	for _, c := range m.Components {
		where := evidence.Location{File: "AndroidManifest.xml", Class: c.Name, Line: c.Line}
		d := map[string]string{evidence.DetailType: c.Type, evidence.DetailExported: strconv.FormatBool(c.Exported)}
		if len(c.Actions) > 0 {
			d[evidence.DetailActions] = strings.Join(c.Actions, ",")
		}
		if len(c.Schemes) > 0 {
			d["schemes"] = strings.Join(c.Schemes, ",")
		}
		if len(c.Hosts) > 0 {
			d["hosts"] = strings.Join(c.Hosts, ",")
		}
		if len(c.Authorities) > 0 {
			d["authorities"] = strings.Join(c.Authorities, ",")
		}
		if c.Permission != "" {
			d[evidence.DetailPermission] = c.Permission
		}
		party := s.partyOfJavaName(c.Name)
		s.addManifest(evidence.Observation{Kind: evidence.Component, Key: c.Name, Level: evidence.Declared, Party: party, Where: where, Source: Source, Detail: d})
		for _, id := range s.a.cat.MatchComponent(c.Name) {
			s.addManifest(s.sdk(id, evidence.Declared, where, "manifest component "+c.Name))
		}
		for _, md := range c.MetaData {
			for _, id := range s.a.cat.MatchMetaData(md.Name) {
				s.addManifest(s.sdk(id, evidence.Declared, where, "meta-data "+md.Name))
			}
		}
	}
	for _, md := range m.MetaData {
		for _, id := range s.a.cat.MatchMetaData(md.Name) {
			s.addManifest(s.sdk(id, evidence.Declared, evidence.Location{File: "AndroidManifest.xml"}, "meta-data "+md.Name))
		}
	}
	if m.Debuggable {
		s.property("debuggable", "true", evidence.Location{File: "AndroidManifest.xml"})
	}
	if m.AllowBackup == nil || *m.AllowBackup {
		s.property("allow_backup", "true", evidence.Location{File: "AndroidManifest.xml"})
	}
}

func (s *scan) property(key, value string, where evidence.Location) {
	s.set.Add(evidence.Observation{Kind: evidence.Property, Key: key, Level: evidence.Declared, Where: where, Source: Source,
		Detail: map[string]string{evidence.DetailValue: value}})
}

// sdk makes the observation of an SDK signature hit.
func (s *scan) sdk(id string, level evidence.Level, where evidence.Location, how string) evidence.Observation {
	return s.a.cat.SDKObservation(id, level, where, how, Source)
}

// partyOfJavaName attributes a dotted class name.
func (s *scan) partyOfJavaName(name string) evidence.Party {
	return s.partyOf("L" + strings.ReplaceAll(name, ".", "/") + ";")
}

// partyOf attributes a DEX class descriptor to an SDK or the app.
func (s *scan) partyOf(desc string) evidence.Party { return s.a.cat.ClassParty(desc) }

// networkConfig records whether cleartext traffic is allowed, from the
// manifest flag and the network security config it points to.
func (s *scan) networkConfig(ctx context.Context) {
	m := s.man
	where := evidence.Location{File: "AndroidManifest.xml"}
	// The platform default: cleartext allowed below target SDK 28.
	allowed, how := m.TargetSDK < 28, fmt.Sprintf("platform default for targetSdkVersion %d", m.TargetSDK)
	if m.Cleartext != nil {
		allowed, how = *m.Cleartext, "android:usesCleartextTraffic="+strconv.FormatBool(*m.Cleartext)
	}
	var domains []string
	if m.NetworkConfig.ResID != 0 || m.NetworkConfig.Literal != "" {
		file := s.resolve(m.NetworkConfig)
		if e := s.arch.Find(file); e != nil {
			where = evidence.Location{File: file}
			base, doms, err := s.readNetworkConfig(ctx, e)
			if err != nil {
				s.fail(file, lost(evidence.PartResources, err))
			}
			if base != nil {
				allowed, how = *base, "base-config cleartextTrafficPermitted="+strconv.FormatBool(*base)
			}
			domains = doms
		} else if s.res == nil && m.NetworkConfig.ResID != 0 {
			// The resource table was not read: the reference cannot be
			// resolved, which is that failure, not a missing file.
			s.fail("AndroidManifest.xml", evidence.Lostf(evidence.PartResources, evidence.CauseUnreadable, "networkSecurityConfig %s not resolved: the resource table was not read", file))
		} else {
			s.fail("AndroidManifest.xml", evidence.Lostf(evidence.PartResources, evidence.CauseMalformed, "networkSecurityConfig %q not found in the archive", file))
		}
	}
	if allowed || len(domains) > 0 {
		d := map[string]string{evidence.DetailValue: strconv.FormatBool(allowed), evidence.DetailHow: how}
		if len(domains) > 0 {
			d[evidence.DetailDomains] = strings.Join(domains, ",")
		}
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "cleartext_traffic", Level: evidence.Declared, Where: where, Source: Source, Detail: d})
	}
}

// readNetworkConfig returns the base-config cleartext setting (nil when
// not written) and the domains for which cleartext is permitted.
func (s *scan) readNetworkConfig(ctx context.Context, e *artifact.Entry) (*bool, []string, error) {
	data, err := s.arch.ReadContext(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	doc, err := axml.Decode(data)
	if doc == nil || doc.Root == nil {
		return nil, nil, fmt.Errorf("network security config: %w", err)
	}
	var base *bool
	var domains []string
	var walk func(el *axml.Element, inherited bool, depth int)
	walk = func(el *axml.Element, inherited bool, depth int) {
		if depth > 16 {
			return
		}
		permitted := inherited
		if a, ok := el.Attr("", "cleartextTrafficPermitted"); ok {
			permitted = strings.EqualFold(a.Value(), "true")
			if el.Name == "base-config" {
				base = &permitted
			}
		}
		if el.Name == "domain-config" && permitted {
			for _, c := range el.Children {
				if c.Name == "domain" && len(c.Children) == 0 {
					if t := c.Text; t != "" {
						domains = append(domains, strings.TrimSpace(t))
					}
				}
			}
		}
		for _, c := range el.Children {
			walk(c, permitted, depth+1)
		}
	}
	walk(doc.Root, false, 0)
	return base, domains, err
}

// nativeLibs matches native library names against SDK signatures.
func (s *scan) nativeLibs() {
	seen := map[string]bool{}
	for _, e := range s.arch.Entries {
		if e.Unsafe || !strings.HasPrefix(e.Name, "lib/") || !strings.HasSuffix(e.Name, ".so") {
			continue
		}
		base := path.Base(e.Name)
		for _, id := range s.a.cat.MatchNativeLib(base) {
			if seen[id+base] {
				continue
			}
			seen[id+base] = true
			s.addLib(s.sdk(id, evidence.Present, evidence.Location{File: e.Name}, "native library "+base))
		}
	}
}

// detectPackers looks for hardening shells, which hide the real bytecode.
func (s *scan) detectPackers() {
	var files, libs []string
	for _, e := range s.arch.Entries {
		if e.Unsafe {
			continue
		}
		files = append(files, e.Name)
		if strings.HasSuffix(e.Name, ".so") {
			libs = append(libs, path.Base(e.Name))
		}
	}
	classes := []string{s.man.Application, s.man.AppFactory}
	seen := map[string]bool{}
	for _, cls := range classes {
		for _, hit := range s.a.cat.MatchPacker(cls, files, libs) {
			if seen[hit.Packer.ID] {
				continue
			}
			seen[hit.Packer.ID] = true
			s.packerObs = append(s.packerObs, evidence.Observation{Kind: evidence.Property, Key: "packer", Level: evidence.Present,
				Where: evidence.Location{File: "AndroidManifest.xml"}, Source: Source,
				Detail: map[string]string{evidence.DetailID: hit.Packer.ID, evidence.DetailName: hit.Packer.Name, evidence.DetailVendor: hit.Packer.Vendor, evidence.DetailMatch: hit.Evidence}})
		}
	}
}

// packers records the packers found.
func (s *scan) packers() { s.set.Add(s.packerObs...) }

func (s *scan) archiveProblems() {
	probs := s.arch.Problems
	more := s.moreAnomalies + s.arch.MoreProblems()
	if len(probs) > maxAnomalies {
		more += len(probs) - maxAnomalies
		probs = probs[:maxAnomalies]
	}
	for _, p := range probs {
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "archive_anomaly", Level: evidence.Present,
			Where: evidence.Location{File: p.Entry}, Source: Source, Detail: map[string]string{evidence.DetailReason: p.Reason}})
	}
	if more > 0 {
		s.fail("", evidence.Lostf(evidence.PartOther, evidence.CauseLimit,
			"%d more archive anomalies were not listed: at most %d are listed per input", more, maxAnomalies))
	}
	sort.SliceStable(s.set.Errors, func(i, j int) bool { return s.set.Errors[i].File < s.set.Errors[j].File })
}
