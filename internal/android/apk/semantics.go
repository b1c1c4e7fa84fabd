package apk

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/android/dex"
	"github.com/hegui/hegui/internal/catalog"
)

// maxURIDepth bounds how far a URI is followed through value calls
// (Uri.parse, then Uri.withAppendedPath…), both ways.
const maxURIDepth = 3

// semantics decides what the catalog calls found in a method do, from the
// catalog's modes and argument rules and from what defined their
// arguments in the method (the def-use pass of package dex):
//
//   - a call of mode write or path is no observation;
//   - a call with argument rules takes the mode of the first rule that
//     holds, or the entry's mode when none does (an argument hegui cannot
//     follow: today's verdict, and the entry's args, if any, must occur in
//     the method);
//   - a content URI (constant or field) only compared is no read; one that
//     reaches a query is reported at the query, with the URI; otherwise it
//     counts as a read, as before;
//   - a call of mode check (or a rule giving check) is a presence check,
//     not a PI read.
//
// The pass runs at most once per method, and only for methods holding a
// call that needs it. One semantics serves one dex image.
type semantics struct {
	a         *Analyzer
	f         *dex.File
	flow      *dex.Flow
	pkg       string // the manifest's package, or ""
	sig       *sigCache
	className func(uint32) string
	classes   []classInfo
	// apisOf and fieldAPIs give the catalog entries of a method or field
	// id of the image.
	apisOf    func(uint32) []catalog.API
	fieldAPIs func(uint32) []catalog.API

	supers map[string]string              // class → superclass, made when first needed
	values map[uint32][]catalog.ValueCall // by method id

	m       dex.Code
	ran, ok bool // the pass ran on m, and succeeded
	pending []hit
	defs    [maxURIDepth + 3][]dex.Def // by use: [0] rules, [1] the first rule's, [2:] URIs by depth, last Intents
	uses    [maxURIDepth + 2][]dex.Use
}

// decide rewrites the hits of method m, hits[first:], into what they are,
// and returns hits. consts are the string constants the method loads (for
// entries' args).
func (s *semantics) decide(m dex.Code, hits []hit, first int, consts []uint32) []hit {
	s.pending = append(s.pending[:0], hits[first:]...)
	if s.m != m {
		s.m, s.ran = m, false
	}
	out := hits[:first]
	legacy := false
	for _, h := range s.pending {
		var keep bool
		out, keep = s.one(out, h)
		if keep && out[len(out)-1].legacy {
			legacy = true
		}
	}
	if legacy {
		out = filterArgs(s.f, out, first, consts)
	}
	return out
}

// analyzed runs the pass on the method, once.
func (s *semantics) analyzed() bool {
	if !s.ran {
		s.ran = true
		s.ok = s.flow.Analyze(s.m)
	}
	return s.ok
}

// one appends what hit h is to out, if anything, and reports whether it
// appended.
func (s *semantics) one(out []hit, h hit) ([]hit, bool) {
	api := h.api
	switch {
	case api.URI:
		if s.analyzed() {
			q, compared, other := s.uriUses(h.offset, 0)
			if q || compared && !other {
				// Queried: the query reports it. Compared only: no read.
				return out, false
			}
		}
		return append(out, h), true
	case len(api.When) > 0:
		return s.rules(out, h)
	}
	switch api.Mode {
	case catalog.ModeCheck:
		h.check = true
	case catalog.ModeWrite, catalog.ModePath:
		return out, false
	}
	return append(out, h), true
}

// rules applies the argument rules of h's entry.
func (s *semantics) rules(out []hit, h hit) ([]hit, bool) {
	api := h.api
	var seen []dex.Def // the definitions of the first rule's argument
	if s.analyzed() {
		for k, r := range api.When {
			defs := s.flow.ArgDefs(s.defs[0][:0], h.offset, r.Arg)
			s.defs[0] = defs
			if k == 0 {
				seen = append(s.defs[1][:0], defs...)
				s.defs[1] = seen
			}
			if r.Is == catalog.ArgProviderURI {
				n := len(out)
				out = s.providers(out, n, h, defs, 0)
				if len(out) > n {
					return out, true
				}
				continue
			}
			var holds bool
			var matched, desc string
			if r.Mode.Collects() {
				for _, d := range defs {
					if ok, v, ds := s.match(d, r); ok {
						holds, matched, desc = true, v, ds
						break
					}
				}
			} else {
				holds = len(defs) > 0
				for _, d := range defs {
					ok, _, ds := s.match(d, r)
					if !ok {
						holds = false
						break
					}
					if desc == "" {
						desc = ds
					} else if ds != "" && !strings.Contains(desc, ds) {
						desc += " | " + ds
					}
				}
			}
			if !holds {
				continue
			}
			h.args = desc
			if desc == "" {
				h.args = s.describe(defs)
			}
			switch r.Mode {
			case catalog.ModeRead, catalog.ModeEnumerate:
				if r.Is == catalog.ArgString {
					h.via += "(" + matched + ")"
				}
			case catalog.ModeCheck:
				h.check = true
			default:
				return out, false
			}
			return append(out, h), true
		}
	}
	// No rule holds: the entry's mode, as before the rules.
	if len(seen) > 0 {
		h.args = s.describe(seen)
	} else {
		h.args = "unknown"
	}
	if api.DataType == "" {
		return out, false // a query of a URI the catalog does not know
	}
	switch api.Mode {
	case catalog.ModeCheck:
		h.check = true
	case catalog.ModeWrite, catalog.ModePath:
		return out, false
	}
	h.legacy = len(api.Args) > 0
	return append(out, h), true
}

// match reports whether definition d is what rule r names, with the
// string constant it matched and, for Intents, how it was narrowed.
func (s *semantics) match(d dex.Def, r catalog.ArgRule) (ok bool, matched, desc string) {
	switch r.Is {
	case catalog.ArgOwnPackage:
		return s.ownPackage(d), "", ""
	case catalog.ArgConst:
		return d.Kind == dex.DefString, "", ""
	case catalog.ArgString:
		if d.Kind == dex.DefString {
			for _, v := range r.Values {
				if s.stringIs(d.Index, v) {
					return true, v, ""
				}
			}
		}
	case catalog.ArgParam:
		return d.Kind == dex.DefParam, "", ""
	case catalog.ArgCall:
		if d.Kind == dex.DefResult {
			name := s.callName(d.Index)
			return name != "" && slices.Contains(r.Values, name), "", ""
		}
	case catalog.ArgNarrowIntent:
		ok, _, desc := s.narrowed(d)
		return ok, "", desc
	case catalog.ArgOwnIntent:
		ok, own, desc := s.narrowed(d)
		return ok && own, "", desc
	case catalog.ArgLauncherIntent:
		return s.launcherIntent(d), "", "launcher Intent"
	}
	return false, "", ""
}

// launcherIntent reports whether Intent d is given action MAIN or category
// LAUNCHER in the method (its constructor, setAction or addCategory).
func (s *semantics) launcherIntent(d dex.Def) bool {
	if d.Kind != dex.DefNewInstance {
		return false
	}
	uses, ok := s.flow.Uses(nil, d.Offset)
	if !ok {
		return false
	}
	for _, u := range uses {
		if dex.OpOf(u.Opcode) != dex.OpInvoke || u.Arg != -1 {
			continue
		}
		for _, a := range s.flow.ArgDefs(nil, u.Offset, 0) {
			if a.Kind == dex.DefString && (s.stringIs(a.Index, "android.intent.action.MAIN") || s.stringIs(a.Index, "android.intent.category.LAUNCHER")) {
				return true
			}
		}
	}
	return false
}

// ownPackage reports whether d is the app's package name.
func (s *semantics) ownPackage(d dex.Def) bool {
	switch d.Kind {
	case dex.DefString:
		return s.pkg != "" && s.stringIs(d.Index, s.pkg)
	case dex.DefResult:
		return s.isOwnPackage(d.Index)
	}
	return false
}

// stringIs compares string constant i with v without decoding it.
func (s *semantics) stringIs(i uint32, v string) bool {
	b, err := s.f.StringBytes(i)
	return err == nil && string(b) == v
}

// callName returns "java.Class.method" for method id m.
func (s *semantics) callName(m uint32) string {
	t, n, err := s.f.MethodClassIdx(m)
	if err != nil {
		return ""
	}
	name, err := s.f.StringBytes(n)
	if err != nil {
		return ""
	}
	return javaName(s.className(t)) + "." + string(name)
}

// valueCalls returns the value calls method id m is.
func (s *semantics) valueCalls(m uint32) []catalog.ValueCall {
	if v, ok := s.values[m]; ok {
		return v
	}
	var out []catalog.ValueCall
	if t, _, err := s.f.MethodClassIdx(m); err == nil {
		if members := s.a.values[s.className(t)]; members != nil {
			if _, name, proto, ok := s.sig.parts(m); ok {
				out = append(out, members[string(name)]...)
				out = append(out, members[string(name)+proto]...)
			}
		}
	}
	if s.values == nil {
		s.values = map[uint32][]catalog.ValueCall{}
	}
	s.values[m] = out
	return out
}

func hasUse(vcs []catalog.ValueCall, use string) (catalog.ValueCall, bool) {
	for _, v := range vcs {
		if v.Use == use {
			return v, true
		}
	}
	return catalog.ValueCall{}, false
}

// isOwnPackage reports whether method id m returns the app's package: a
// value call of use own_package, on its class or an app class extending
// it (as far as this dex file defines the chain).
func (s *semantics) isOwnPackage(m uint32) bool {
	if _, ok := hasUse(s.valueCalls(m), catalog.UseOwnPackage); ok {
		return true
	}
	t, _, err := s.f.MethodClassIdx(m)
	if err != nil {
		return false
	}
	if _, name, proto, ok := s.sig.parts(m); !ok || string(name) != "getPackageName" || proto != "()Ljava/lang/String;" {
		return false
	}
	if s.supers == nil {
		s.supers = make(map[string]string, len(s.classes))
		for _, c := range s.classes {
			s.supers[c.desc] = c.super
		}
	}
	desc := s.className(t)
	for range 16 {
		sup, ok := s.supers[desc]
		if !ok {
			return false
		}
		desc = sup
		for _, v := range s.a.values[desc]["getPackageName"] {
			if v.Use == catalog.UseOwnPackage {
				return true
			}
		}
	}
	return false
}

// narrowed reports whether Intent definition d is limited to one package,
// component or data URI in the method, whether to the app itself, and
// how ("Intent.setPackage(\"com.tencent.mm\")").
func (s *semantics) narrowed(d dex.Def) (narrowed, own bool, desc string) {
	var descs []string
	add := func(call uint32, vc catalog.ValueCall, at uint32) {
		narrowed = true
		t := shortName(s.callName(call)) + "()"
		switch {
		case vc.Own:
			own = true
		case vc.Arg >= 0:
			pkgDefs := s.flow.ArgDefs(s.defs[len(s.defs)-1][:0], at, vc.Arg)
			s.defs[len(s.defs)-1] = pkgDefs
			all := len(pkgDefs) > 0
			for _, p := range pkgDefs {
				all = all && s.ownPackage(p)
			}
			own = own || all
			t = strings.TrimSuffix(t, ")") + s.describe(pkgDefs) + ")"
		}
		if !slices.Contains(descs, t) {
			descs = append(descs, t)
		}
	}
	switch d.Kind {
	case dex.DefResult: // intent.setPackage(p) passed on as it returns
		if vc, ok := hasUse(s.valueCalls(d.Index), catalog.UseNarrowIntent); ok {
			add(d.Index, vc, d.Call)
		}
	case dex.DefNewInstance:
		uses, ok := s.flow.Uses(s.uses[0][:0], d.Offset)
		s.uses[0] = uses
		if !ok {
			return false, false, ""
		}
		for _, u := range uses {
			if dex.OpOf(u.Opcode) != dex.OpInvoke || u.Arg != -1 {
				continue
			}
			if vc, ok := hasUse(s.valueCalls(u.Index), catalog.UseNarrowIntent); ok {
				add(u.Index, vc, u.Offset)
			}
		}
	}
	return narrowed, own, strings.Join(descs, ", ")
}

// providers appends, for each PI provider the URI definitions defs may
// name, a copy of query hit h reading its type, once per type from
// out[from:] on.
func (s *semantics) providers(out []hit, from int, h hit, defs []dex.Def, depth int) []hit {
	for _, d := range defs {
		var api *catalog.API
		var uri string
		switch d.Kind {
		case dex.DefString:
			b, err := s.f.StringBytes(d.Index)
			if err != nil || !strings.HasPrefix(string(b), "content://") {
				continue
			}
			u, _ := s.f.String(d.Index)
			if a, ok := s.a.cat.ContentURI(u); ok {
				api, uri = &a, u
			}
		case dex.DefStaticGet:
			for k, a := range s.fieldAPIs(d.Index) {
				if a.URI {
					api = &s.fieldAPIs(d.Index)[k]
					uri = a.Class + "." + a.Member
					break
				}
			}
		case dex.DefResult:
			if depth >= maxURIDepth {
				continue
			}
			if vc, ok := hasUse(s.valueCalls(d.Index), catalog.UseURI); ok {
				sub := s.flow.ArgDefs(s.defs[depth+2][:0], d.Call, vc.Arg)
				s.defs[depth+2] = sub
				out = s.providers(out, from, h, sub, depth+1)
			}
			continue
		}
		if api == nil || api.DataType == "" {
			continue
		}
		if slices.ContainsFunc(out[from:], func(o hit) bool { return o.dataType == api.DataType }) {
			continue
		}
		q := h
		q.dataType, q.conf, q.uri = api.DataType, api.Confidence, uri
		out = append(out, q)
	}
	return out
}

// queries reports whether argument arg of a call to method id m is the
// URI a query reads (an entry with a provider_uri rule on it).
func (s *semantics) queries(m uint32, arg int) bool {
	for _, a := range s.apisOf(m) {
		for _, r := range a.When {
			if r.Is == catalog.ArgProviderURI && r.Arg == arg {
				return true
			}
		}
	}
	return false
}

// uriUses sorts the readers of the URI defined at off: a query of it, a
// comparison, anything else (passed on, stored, returned…). A URI made
// from it (Uri.parse) is followed.
func (s *semantics) uriUses(off uint32, depth int) (queried, compared, other bool) {
	uses, ok := s.flow.Uses(s.uses[depth][:0], off)
	s.uses[depth] = uses
	if !ok || len(uses) == 0 && depth == 0 {
		return false, false, true
	}
	for _, u := range uses {
		if dex.OpOf(u.Opcode) != dex.OpInvoke {
			other = true
			continue
		}
		if s.queries(u.Index, u.Arg) {
			queried = true
			continue
		}
		vcs := s.valueCalls(u.Index)
		if _, ok := hasUse(vcs, catalog.UseCompare); ok {
			compared = true
			continue
		}
		if vc, ok := hasUse(vcs, catalog.UseURI); ok && vc.Arg == u.Arg {
			res, ok := s.flow.ResultOf(u.Offset)
			if !ok {
				continue // the URI made is dropped
			}
			if depth+1 > maxURIDepth {
				other = true
				continue
			}
			q, c, o := s.uriUses(res, depth+1)
			queried, compared, other = queried || q, compared || c, other || o
			continue
		}
		other = true
	}
	return queried, compared, other
}

// describe renders definitions for the args detail.
func (s *semantics) describe(defs []dex.Def) string {
	var parts []string
	for _, d := range defs {
		var t string
		switch d.Kind {
		case dex.DefString:
			v, _ := s.f.String(d.Index)
			if len(v) > 80 {
				v = v[:80] + "…"
			}
			t = strconv.Quote(v)
		case dex.DefResult:
			t = "a call"
			if name := s.callName(d.Index); name != "" {
				t = shortName(name) + "()"
			}
		case dex.DefParam:
			t = "p" + strconv.Itoa(int(d.Index))
		case dex.DefStaticGet, dex.DefInstanceGet:
			t = "a field"
			if r, err := s.f.Field(d.Index); err == nil {
				t = shortClass(r.Class) + "." + r.Name
			}
		case dex.DefNewInstance:
			t = "new " + shortClass(s.className(d.Index))
		case dex.DefLiteral:
			t = strconv.Itoa(int(int32(d.Index)))
		case dex.DefUnknown:
			t = "unknown"
		default:
			t = "computed"
		}
		if !slices.Contains(parts, t) {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " | ")
}

// shortName turns "android.content.Context.getPackageName" into
// "Context.getPackageName".
func shortName(name string) string {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return name
	}
	cls := name[:dot]
	if i := strings.LastIndexByte(cls, '.'); i >= 0 {
		cls = cls[i+1:]
	}
	return cls + name[dot:]
}
