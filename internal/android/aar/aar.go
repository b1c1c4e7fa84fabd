// Package aar reads Android SDK packages before any app embeds them: an
// AAR (an Android library: a text AndroidManifest.xml whose permissions
// and components merge into the host app's, classes.jar and libs/*.jar,
// native libraries under jni/, consumer ProGuard rules) or a JAR (Java
// class files). Its evidence is the APK reader's: permissions, PI types
// reached through the platform APIs the bytecode calls (with class,
// method and offset), SDK signatures, endpoints — for a target of kind
// "sdk".
package aar

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/android/apk"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/jvm"
)

// Source names this reader in observations and reports; it is also the
// input kind's name.
const Source = "sdk"

// Version changes whenever the evidence for the same package would.
const Version = "1"

// Bounds of one package: past them the rest is reported as lost.
const (
	maxClasses   = 200000
	maxJars      = 64
	maxManifest  = 4 << 20
	maxPerMethod = 64 // references of one kind kept per method
)

// Analyzer reads AAR and JAR files.
type Analyzer struct {
	cat *catalog.Catalog
	log *slog.Logger
}

// New returns a reader using the catalog's APIs, permissions and SDK
// signatures.
func New(cat *catalog.Catalog, log *slog.Logger) *Analyzer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Analyzer{cat: cat, log: log}
}

// Version implements the scan's Analyzer.
func (a *Analyzer) Version() string { return Version }

type scan struct {
	a       *Analyzer
	set     *evidence.Set
	classes int
	// perSDK counts the classes of each SDK signature, to name the
	// package; firstClass is where each was first seen.
	perSDK     map[string]int
	firstClass map[string]evidence.Location
	unknown    map[string]int // packages of classes no signature names
	seen       map[string]bool
}

// Analyze reads the package. It returns an error only when nothing could
// be read; damage past that point is in the set's errors.
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	arch, err := in.Archive()
	if err != nil {
		return nil, err
	}
	format := "jar"
	if in.Kind == artifact.AAR {
		format = "aar"
	}
	set := &evidence.Set{
		Target: evidence.Target{Kind: "sdk", Path: in.Path, Size: in.Size,
			Attrs: map[string]string{"platform": "android", "format": format}},
		Inputs: []string{Source},
	}
	s := &scan{a: a, set: set, perSDK: map[string]int{}, firstClass: map[string]evidence.Location{},
		unknown: map[string]int{}, seen: map[string]bool{}}
	if format == "aar" {
		s.manifest(ctx, arch)
		s.nativeLibs(arch)
		s.proguard(ctx, arch)
		jars := 0
		for _, e := range arch.Entries {
			if e.Unsafe || !(e.Name == "classes.jar" || strings.HasPrefix(e.Name, "libs/") && strings.HasSuffix(e.Name, ".jar")) {
				continue
			}
			if jars++; jars > maxJars {
				s.lost(e.Name, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("more than %d JARs: not read", maxJars))
				break
			}
			jar, err := arch.OpenNestedContext(ctx, e)
			if err != nil {
				s.lost(e.Name, evidence.PartCode, artifact.CauseOf(err), err)
				continue
			}
			s.jar(ctx, jar, e.Name+"!")
			problems(s, jar)
		}
		if jars == 0 {
			s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "no_code", Level: evidence.Declared, Source: Source,
				Detail: map[string]string{evidence.DetailReason: "the AAR holds no classes.jar"}})
		}
	} else {
		s.jar(ctx, arch, "")
	}
	problems(s, arch)
	s.identity(in)
	if s.classes == 0 && format == "jar" {
		return nil, errors.New("no readable class file in the JAR")
	}
	return set, nil
}

func (s *scan) lost(file string, part evidence.Part, cause evidence.Cause, err error) {
	s.set.Fail(Source, file, evidence.Lost(part, cause, err))
}

func problems(s *scan, a *artifact.Archive) {
	for _, p := range a.Problems {
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "archive_anomaly", Level: evidence.Present,
			Where: evidence.Location{File: p.Entry}, Source: Source, Detail: map[string]string{evidence.DetailReason: p.Reason}})
	}
}

// jar reads every class file of an archive; prefix names the archive
// inside the package ("classes.jar!").
func (s *scan) jar(ctx context.Context, a *artifact.Archive, prefix string) {
	for _, e := range a.Entries {
		if e.Unsafe || !strings.HasSuffix(e.Name, ".class") || strings.HasPrefix(e.Name, "META-INF/") {
			continue
		}
		if err := ctx.Err(); err != nil {
			s.lost(prefix+e.Name, evidence.PartCode, artifact.CauseOf(err), err)
			return
		}
		if s.classes >= maxClasses {
			s.lost(prefix+e.Name, evidence.PartCode, evidence.CauseLimit, fmt.Errorf("more than %d classes: the rest not read", maxClasses))
			return
		}
		b, err := a.ReadContext(ctx, e)
		if err != nil {
			s.lost(prefix+e.Name, evidence.PartCode, artifact.CauseOf(err), err)
			continue
		}
		c, err := jvm.Parse(b)
		if err != nil {
			s.lost(prefix+e.Name, evidence.PartCode, evidence.CauseMalformed, err)
			continue
		}
		for _, p := range c.Problems {
			s.lost(prefix+e.Name, evidence.PartCode, evidence.CauseMalformed, p)
		}
		s.classes++
		s.class(c, prefix+e.Name)
	}
}

// partyOf attributes a class (slashed binary name) to an SDK signature.
func (s *scan) partyOf(name string) evidence.Party { return s.a.cat.ClassParty("L" + name + ";") }

func javaName(slashed string) string { return strings.ReplaceAll(slashed, "/", ".") }

// class records what one class's code references.
func (s *scan) class(c *jvm.Class, file string) {
	party := s.partyOf(c.Name)
	cls := javaName(c.Name)
	if party.SDK != "" {
		if s.perSDK[party.SDK] == 0 {
			s.firstClass[party.SDK] = evidence.Location{File: file, Class: cls}
		}
		s.perSDK[party.SDK]++
	} else if i := strings.LastIndexByte(c.Name, '/'); i > 0 {
		s.unknown[javaName(c.Name[:i])]++
	}
	for _, m := range c.Methods {
		strs := map[string]bool{}
		for _, str := range m.Strings {
			strs[str.Value] = true
		}
		kept := 0
		for _, r := range m.Refs {
			if kept >= maxPerMethod || strings.HasPrefix(r.Class, "[") {
				continue
			}
			if r.Kind == jvm.RefField && r.Op != 0xb2 && r.Op != 0xb4 {
				continue // putstatic, putfield: a write is no read
			}
			desc := "L" + r.Class + ";"
			var apis []catalog.API
			if r.Kind == jvm.RefField {
				apis = s.a.cat.FieldAPIs(desc, r.Name)
			} else {
				apis = s.a.cat.MethodAPIs(desc, r.Name)
			}
			// The string constant loaded just before the call, when one is:
			// the last argument of a call such as getString(cr, "android_id").
			last, haveLast := "", false
			for _, str := range m.Strings {
				if str.PC+uint32(str.Len) == r.PC {
					last, haveLast = str.Value, true
				}
			}
			for _, api := range apis {
				mode, ok := decide(api, strs, last, haveLast)
				if !ok {
					continue
				}
				where := evidence.Location{File: file, Class: cls, Method: m.Name + m.Desc, Offset: m.CodeOffset + int64(r.PC)}
				d := map[string]string{evidence.DetailAPI: javaName(r.Class) + "." + r.Name, "confidence": api.Confidence,
					"pc": strconv.FormatUint(uint64(r.PC), 10)} // javap's offset in the method
				if mode == catalog.ModeCheck {
					d[evidence.DetailDataType] = api.DataType
					s.add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropertyPresenceCheck, Level: evidence.Referenced,
						Party: party, Where: where, Source: Source, Detail: d})
				} else {
					s.add(evidence.Observation{Kind: evidence.DataType, Key: api.DataType, Level: evidence.Referenced,
						Party: party, Where: where, Source: Source, Detail: d})
				}
				kept++
				break // one rule per call
			}
		}
		for _, str := range m.Strings {
			if !apk.IsURL(str.Value) {
				continue
			}
			where := evidence.Location{File: file, Class: cls, Method: m.Name + m.Desc, Offset: m.CodeOffset + int64(str.PC)}
			if o, ok := apk.EndpointObservation(s.a.cat, str.Value, party, where, Source); ok {
				s.add(o)
			}
		}
	}
}

// decide says what a call of an API does, as far as a method's own
// string constants tell: the constant loaded just before the call (last,
// when haveLast) is its last argument, and settles rules on string
// arguments (getString(cr, "android_id") reads the Android ID, with
// another key it reads something else); without one, a key among the
// method's constants counts, as the catalog says. Calls whose arguments
// decide them in ways only data flow could tell (the app's own package,
// an Intent's target) are left out: a missed call costs less than a
// false one.
func decide(api catalog.API, strs map[string]bool, last string, haveLast bool) (catalog.Mode, bool) {
	if api.Purpose != "" || api.DataType == "" || api.URI {
		return "", false
	}
	if len(api.Args) > 0 {
		if haveLast {
			if slices.Contains(api.Args, last) {
				return api.Mode, api.Mode.Collects() || api.Mode == catalog.ModeCheck
			}
			return "", false // another key: another setting
		}
		for _, v := range api.Args {
			if strs[v] {
				return api.Mode, api.Mode.Collects() || api.Mode == catalog.ModeCheck
			}
		}
		return "", false
	}
	if len(api.When) > 0 {
		return "", false
	}
	return api.Mode, api.Mode.Collects() || api.Mode == catalog.ModeCheck
}

// add keeps an observation once per kind, key, party and place.
func (s *scan) add(o evidence.Observation) {
	k := o.Identity()
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.set.Add(o)
}

// manifest reads an AAR's AndroidManifest.xml (text XML): what it asks
// for merges into every app that embeds it.
func (s *scan) manifest(ctx context.Context, a *artifact.Archive) {
	e := a.Find("AndroidManifest.xml")
	if e == nil {
		s.lost("AndroidManifest.xml", evidence.PartManifest, evidence.CauseAbsent, errors.New("the AAR has no AndroidManifest.xml"))
		return
	}
	if e.Size > maxManifest {
		s.lost(e.Name, evidence.PartManifest, evidence.CauseLimit, fmt.Errorf("%d bytes, more than %d", e.Size, maxManifest))
		return
	}
	b, err := a.ReadContext(ctx, e)
	if err != nil {
		s.lost(e.Name, evidence.PartManifest, artifact.CauseOf(err), err)
		return
	}
	m, err := parseManifest(b)
	if m.Package != "" {
		s.set.Target.ID = m.Package
	}
	if m.MinSDK != "" {
		s.set.Target.Attrs["min_sdk"] = m.MinSDK
	}
	for _, p := range m.Permissions {
		where := evidence.Location{File: "AndroidManifest.xml", Line: p.Line}
		d := map[string]string{evidence.DetailNotes: "merged into the manifest of every app that embeds this SDK"}
		perm, known := s.a.cat.Permission(p.Name)
		if known {
			d[evidence.DetailProtection] = perm.Protection
		}
		s.add(evidence.Observation{Kind: evidence.Permission, Key: p.Name, Level: evidence.Declared, Where: where, Source: Source, Detail: d})
		for _, dt := range perm.DataTypes {
			s.add(evidence.Observation{Kind: evidence.DataType, Key: dt, Level: evidence.Declared, Where: where, Source: Source,
				Detail: map[string]string{evidence.DetailPermission: p.Name}})
		}
	}
	for _, c := range m.Components {
		d := map[string]string{evidence.DetailType: c.Type}
		if c.Exported != "" {
			d[evidence.DetailExported] = c.Exported
		}
		party := s.partyOf(strings.ReplaceAll(c.Name, ".", "/"))
		s.add(evidence.Observation{Kind: evidence.Component, Key: c.Name, Level: evidence.Declared, Party: party,
			Where: evidence.Location{File: "AndroidManifest.xml", Class: c.Name, Line: c.Line}, Source: Source, Detail: d})
		for _, id := range s.a.cat.MatchComponent(c.Name) {
			s.add(s.a.cat.SDKObservation(id, evidence.Declared, evidence.Location{File: "AndroidManifest.xml", Class: c.Name, Line: c.Line},
				"component "+c.Name, Source))
		}
	}
	if err != nil {
		s.lost(e.Name, evidence.PartManifest, evidence.CauseMalformed, err)
	}
}

// textManifest is what the reader takes from a text AndroidManifest.xml.
type textManifest struct {
	Package     string
	MinSDK      string
	Permissions []struct {
		Name string
		Line int
	}
	Components []textComponent
}

type textComponent struct {
	Type, Name, Exported string
	Line                 int
}

const (
	androidNS = "http://schemas.android.com/apk/res/android"
	toolsNS   = "http://schemas.android.com/tools"
)

// parseManifest reads a text manifest up to the first error (what was
// read before it is returned with it).
func parseManifest(b []byte) (textManifest, error) {
	var m textManifest
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth := 0
	for depth < 64 {
		// Where the next token starts: the line of a tag is the line of
		// its '<', however many lines its attributes take.
		start := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return m, fmt.Errorf("AndroidManifest.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			line := 1 + bytes.Count(b[:min(int(start), len(b))], []byte("\n"))
			if node := toolsNode(t); node == "remove" || node == "removeAll" {
				// The merger drops it from the host: it never applies.
				if err := d.Skip(); err != nil {
					return m, fmt.Errorf("AndroidManifest.xml: %w", err)
				}
				depth--
				continue
			}
			attr := func(local string, android bool) string {
				for _, a := range t.Attr {
					if a.Name.Local == local && (!android || a.Name.Space == androidNS) && (android || a.Name.Space == "") {
						return strings.TrimSpace(a.Value)
					}
				}
				return ""
			}
			switch t.Name.Local {
			case "manifest":
				m.Package = attr("package", false)
			case "uses-sdk":
				m.MinSDK = attr("minSdkVersion", true)
			case "uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m":
				if n := attr("name", true); n != "" {
					m.Permissions = append(m.Permissions, struct {
						Name string
						Line int
					}{n, line})
				}
			case "activity", "activity-alias", "service", "receiver", "provider":
				n := attr("name", true)
				if strings.HasPrefix(n, ".") && m.Package != "" {
					n = m.Package + n
				}
				if n != "" {
					m.Components = append(m.Components, textComponent{Type: t.Name.Local, Name: n, Exported: attr("exported", true), Line: line})
				}
			}
		}
	}
	return m, errors.New("AndroidManifest.xml: nested deeper than 64 elements")
}

// toolsNode is an element's tools:node (the manifest merger's
// instruction), or "".
func toolsNode(t xml.StartElement) string {
	for _, a := range t.Attr {
		if a.Name.Space == toolsNS && a.Name.Local == "node" {
			return a.Value
		}
	}
	return ""
}

// nativeLibs matches an AAR's native libraries (jni/ABI/*.so) against
// the SDK signatures.
func (s *scan) nativeLibs(a *artifact.Archive) {
	for _, e := range a.Entries {
		if e.Unsafe || !strings.HasPrefix(e.Name, "jni/") || !strings.HasSuffix(e.Name, ".so") {
			continue
		}
		base := path.Base(e.Name)
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "native_library", Level: evidence.Present,
			Where: evidence.Location{File: e.Name}, Source: Source, Detail: map[string]string{evidence.DetailName: base}})
		for _, id := range s.a.cat.MatchNativeLib(base) {
			s.add(s.a.cat.SDKObservation(id, evidence.Present, evidence.Location{File: e.Name}, "native library "+base, Source))
		}
	}
}

// proguard notes the consumer ProGuard rules an AAR imposes on its
// host: "-keep" of whole packages and "-dontwarn" lines are facts a
// host's reviewer wants; the file is evidence, not judged.
func (s *scan) proguard(ctx context.Context, a *artifact.Archive) {
	e := a.Find("proguard.txt")
	if e == nil || e.Size > maxManifest {
		return
	}
	b, err := a.ReadContext(ctx, e)
	if err != nil {
		s.lost(e.Name, evidence.PartOther, artifact.CauseOf(err), err)
		return
	}
	var keeps []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "-keep") && len(keeps) < 20 {
			keeps = append(keeps, line)
		}
	}
	if len(keeps) > 0 {
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "consumer_proguard_rules", Level: evidence.Declared,
			Where: evidence.Location{File: e.Name}, Source: Source, Detail: map[string]string{"keeps": strings.Join(keeps, "\n")}})
	}
}

// identity names the package: the SDK signature that holds most of its
// classes (several, when it bundles others), else the manifest's
// package, else the largest package of its classes.
func (s *scan) identity(in *artifact.Input) {
	t := &s.set.Target
	ids := make([]string, 0, len(s.perSDK))
	for id := range s.perSDK {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if s.perSDK[ids[i]] != s.perSDK[ids[j]] {
			return s.perSDK[ids[i]] > s.perSDK[ids[j]]
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		o := s.a.cat.SDKObservation(id, evidence.Present, s.firstClass[id], "classes", Source)
		o.Detail["classes"] = fmt.Sprint(s.perSDK[id])
		s.set.Add(o)
	}
	t.Attrs["classes"] = fmt.Sprint(s.classes)
	if len(ids) > 0 {
		sdk, _ := s.a.cat.SDK(ids[0])
		t.Name = sdk.Name
		if t.ID == "" {
			t.ID = ids[0]
		}
		t.Attrs["sdk"] = ids[0]
		return
	}
	if t.ID == "" {
		best, n := "", 0
		for p, c := range s.unknown {
			if c > n || c == n && p < best {
				best, n = p, c
			}
		}
		t.ID = best
	}
	t.Name = t.ID
	if t.Name == "" {
		t.Name = path.Base(in.Path)
	}
}
