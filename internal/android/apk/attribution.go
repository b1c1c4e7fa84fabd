package apk

import (
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// Who made a call is not decided by a class-name prefix alone. Code is the
// app's own (first party) when it lies in the app's packages: the manifest
// package, the packages of the Application class and of the launcher
// activity, and the organisation they share (com.example for
// com.example.app); or in an open-source library that runs locally and
// sends nothing (the catalog's libraries), or in the platform's
// namespaces. Code that a catalog SDK signature matches is that SDK's.
// Any other code — in a nested plug-in jar or not — is an unidentified
// third party, named by its package root, never "app".

// UnknownPrefix starts the party id of an unidentified third party.
const UnknownPrefix = "unknown:"

// ownPackages lists the app's own package prefixes.
func (s *scan) ownPackages() []string {
	m := s.man
	var own []string
	add := func(class string) {
		if class == "" {
			return
		}
		pkg := class
		if i := strings.LastIndexByte(class, '.'); i > 0 {
			pkg = class[:i]
		}
		own = append(own, pkg)
	}
	if m.Package != "" {
		own = append(own, m.Package)
	}
	add(m.Application)
	for _, c := range m.Components {
		if c.Type == "activity" && slices.Contains(c.Actions, "android.intent.action.MAIN") && slices.Contains(c.Categories, "android.intent.category.LAUNCHER") {
			add(c.Name)
			continue
		}
		// The app's other components, where no SDK signature claims
		// them: apps spread over several packages of their own.
		if _, sdk := s.a.cat.MatchClass("L" + strings.ReplaceAll(c.Name, ".", "/") + ";"); !sdk {
			if _, lib := s.a.cat.MatchLibrary(c.Name); !lib {
				add(c.Name)
			}
		}
	}
	// The organisation: the first two labels of each (com.example).
	for _, p := range slices.Clone(own) {
		if org := packageRoot(p); org != "" {
			own = append(own, org)
		}
	}
	slices.Sort(own)
	return slices.Compact(own)
}

// platformLike are namespaces of code that ships with the platform or the
// language, or that apps bundle as part of the runtime.
var platformLike = []string{"android", "java", "javax", "dalvik", "org.json", "org.xml", "org.w3c", "sun", "libcore"}

// packageRoot names the organisation of a package: its first two labels,
// or three when the second is a generic label (cn.com.example).
func packageRoot(pkg string) string {
	parts := strings.Split(pkg, ".")
	if len(parts) < 2 {
		return ""
	}
	n := 2
	switch parts[1] {
	case "com", "co", "org", "net", "gov", "edu", "ac":
		n = 3
	}
	if len(parts) < n {
		return ""
	}
	return strings.Join(parts[:n], ".")
}

// obfuscated reports a package renamed by a shrinker: every label one or
// two letters long (a, a.b, zz.c).
func obfuscated(pkg string) bool {
	if pkg == "" {
		return true
	}
	for _, l := range strings.Split(pkg, ".") {
		if len(l) > 2 {
			return false
		}
	}
	return true
}

// commonPackage is the longest package prefix two dotted names share, on
// label boundaries.
func commonPackage(a, b string) string {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return strings.Join(as[:n], ".")
}

func within(class, pkg string) bool {
	return class == pkg || strings.HasPrefix(class, pkg) && class[len(pkg)] == '.'
}

// attribute re-attributes evidence from code the prefix matchers gave to
// the app: code outside the app's packages, its libraries and the platform
// becomes an unidentified third party, with one SDK observation per
// package root saying so.
func (s *scan) attribute() {
	if s.man == nil || s.man.Package == "" {
		// Without the manifest the app's packages are unknown: leave the
		// evidence as it is rather than guess.
		return
	}
	own := s.ownPackages()
	// Signature prefixes of the SDKs present, with their vendors: code
	// beside them (com.google.android.gms.internal beside
	// com.google.android.gms.common) is named by the package they share.
	type sig struct{ prefix, vendor string }
	var sigs []sig
	for _, id := range s.set.Keys(evidence.SDK) {
		if sdk, ok := s.a.cat.SDK(id); ok {
			for _, p := range sdk.Classes {
				sigs = append(sigs, sig{p, sdk.Vendor})
			}
		}
	}
	vendorOf := map[string]string{}
	nameRoot := func(pkg string) string {
		// The shortest shared package of four labels or more: one name for
		// all of a vendor's code beside its SDKs, however deep.
		best, vendor := "", ""
		for _, g := range sigs {
			if c := commonPackage(pkg, g.prefix); strings.Count(c, ".") >= 3 && (best == "" || len(c) < len(best)) {
				best, vendor = c, g.vendor
			}
		}
		if best == "" {
			if best = packageRoot(pkg); best == "" {
				best = pkg
			}
		}
		if vendor != "" {
			vendorOf[best] = vendor
		}
		return best
	}
	verdict := map[string]string{} // package -> "" (first party) or a root
	partyOf := func(class string) string {
		pkg := class
		if i := strings.LastIndexByte(class, '.'); i > 0 {
			pkg = class[:i]
		}
		if v, ok := verdict[pkg]; ok {
			return v
		}
		v := ""
		switch {
		case slices.ContainsFunc(own, func(p string) bool { return within(class, p) }):
		case slices.ContainsFunc(platformLike, func(p string) bool { return within(class, p) }):
		case obfuscated(pkg):
			// Renamed by R8/ProGuard (a.b.c): whose it was cannot be told
			// from the name; it is not called a third party.
		default:
			if _, ok := s.a.cat.MatchLibrary(class); !ok {
				v = nameRoot(pkg)
			}
		}
		verdict[pkg] = v
		return v
	}
	first := map[string]evidence.Observation{}
	reads := map[string]bool{}
	var roots []string
	for i := range s.set.Observations {
		o := &s.set.Observations[i]
		if !o.Party.FirstParty() || o.Where.Class == "" || o.Source != Source {
			continue
		}
		switch o.Kind {
		case evidence.DataType, evidence.Endpoint:
		default:
			continue
		}
		root := partyOf(o.Where.Class)
		if root == "" {
			continue
		}
		id := UnknownPrefix + root
		name := root
		if v := vendorOf[root]; v != "" {
			name += " (" + v + ")"
		}
		o.Party = evidence.Party{SDK: id, Name: name}
		if _, ok := first[id]; !ok {
			first[id] = *o
			roots = append(roots, id)
		}
		if o.Kind == evidence.DataType && o.Level.Rank() >= evidence.Referenced.Rank() {
			reads[id] = true
		}
	}
	for _, id := range roots {
		o := first[id]
		level := evidence.Present
		if reads[id] {
			level = evidence.Referenced
		}
		s.set.Add(evidence.Observation{Kind: evidence.SDK, Key: id, Level: level, Party: o.Party,
			Where: evidence.Location{File: o.Where.File, Class: o.Where.Class}, Source: Source,
			Detail: map[string]string{evidence.DetailMatch: "package " + strings.TrimPrefix(id, UnknownPrefix) + " is in no SDK signature, library or the app's own packages"}})
	}
}

// localLibrary reports whether a class an SDK signature matches is in fact
// a local open-source library's (Gson, Glide…): an SDK entry with no
// category that sends data (only "other" or "ui") whose class is in the
// catalog's libraries. Its code is then the app's own: the library is
// listed as present, but its calls are not a third party's collection.
func (a *Analyzer) localLibrary(sdk catalog.SDK, desc string) bool {
	for _, c := range sdk.Categories {
		if c != "other" && c != "ui" {
			return false
		}
	}
	_, ok := a.cat.MatchLibrary(javaName(desc))
	return ok
}

// dropSharedDeclarations removes SDKs whose only evidence is a manifest
// declaration (a meta-data key, a component) that another SDK present by
// its own code also matched: a vendor's shared key (AMap's apikey serves
// its location and map SDKs alike) names the product whose code is there,
// not every product of the vendor.
func (s *scan) dropSharedDeclarations() {
	byMatch := map[string][]string{} // match text -> SDK ids
	coded := map[string]bool{}       // SDKs present by their code
	declaredOnly := map[string]bool{}
	for _, o := range s.set.Of(evidence.SDK) {
		if o.Level == evidence.Declared {
			byMatch[o.Attr(evidence.DetailMatch)] = append(byMatch[o.Attr(evidence.DetailMatch)], o.Key)
			if _, seen := declaredOnly[o.Key]; !seen {
				declaredOnly[o.Key] = true
			}
			continue
		}
		coded[o.Key] = true
		declaredOnly[o.Key] = false
	}
	drop := map[string]bool{}
	for id, only := range declaredOnly {
		if !only {
			continue
		}
		shared := true
		for _, ids := range byMatch {
			if slices.Contains(ids, id) && !slices.ContainsFunc(ids, func(other string) bool { return other != id && coded[other] }) {
				shared = false // a declaration of its own: keep it
			}
		}
		if shared {
			drop[id] = true
		}
	}
	if len(drop) == 0 {
		return
	}
	s.set.Observations = slices.DeleteFunc(s.set.Observations, func(o evidence.Observation) bool {
		return o.Kind == evidence.SDK && drop[o.Key]
	})
}
