package apk

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/android/dex"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// How an app asks for runtime permissions (认定方法 三.1, 四.6; 164号文
// 强制、频繁、过度索取权限): requests reached from the launcher activity's
// creation before any user action (premature), several dangerous groups in
// one request (bundled), the result callback closing the app on denial
// (forced) or asking again (repeated).
//
// Bounds, stated: the launch path follows direct calls from the launcher
// activity's onCreate/onStart/onResume (and the process start-up roots);
// listeners, lambdas and callbacks are user actions or framework events and
// are not followed. Permission names are the "android.permission.*"
// constants the requesting method loads. The result callback is judged by
// the calls it makes itself (onRequestPermissionsResult).

// purposeHit is a call that matters to rules without reading PI.
type purposeHit struct {
	unit int
	hit  *hit
}

// launchMethods run as the launcher activity opens, before the user can act.
var launchMethods = map[string]bool{
	"<clinit>()V": true, "<init>()V": true,
	"onCreate(Landroid/os/Bundle;)V": true, "onStart()V": true, "onResume()V": true, "onPostCreate(Landroid/os/Bundle;)V": true,
}

// resultCallback is the method the platform calls with the user's answer.
const resultCallback = "onRequestPermissionsResult("

// launcherClasses are the activities the launcher starts.
func (s *scan) launcherClasses() []string {
	var out []string
	for _, c := range s.man.Components {
		if c.Type == "activity" && slices.Contains(c.Actions, "android.intent.action.MAIN") && slices.Contains(c.Categories, "android.intent.category.LAUNCHER") {
			out = append(out, c.Name)
		}
	}
	return out
}

// permissionBehaviour records permission requests and exits in result
// callbacks as observations.
func (s *scan) permissionBehaviour(ctx context.Context, ci *codeIndex, startup map[ref]ref, asks []purposeHit) error {
	if len(asks) == 0 {
		return nil
	}
	launchers := s.launcherClasses()
	launch, err := ci.reachFrom(ctx, launchers, launchMethods)
	if err != nil {
		return err
	}
	for _, a := range asks {
		u := ci.units[a.unit]
		h := a.hit
		nd := u.nodes[h.node]
		cls := u.classes[nd.cls]
		method := u.names[nd.name]
		where := evidence.Location{File: u.file, Class: javaName(cls.desc), Method: method, Offset: int64(h.offset)}
		inCallback := strings.HasPrefix(method, resultCallback)
		if h.api.Purpose == catalog.PurposeExit {
			// Ending the process closes the app whatever the screen.
			// finish() is not counted: a splash or permission screen
			// that finishes itself after the answer, granted or not, is
			// normal, and telling the denied branch apart needs more
			// than the call.
			closes := strings.HasPrefix(h.via, "java.lang.System.") || strings.HasPrefix(h.via, "android.os.Process.")
			if inCallback && closes {
				s.set.Add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropDenialExit, Level: evidence.Referenced, Party: cls.party,
					Where: where, Source: Source, Detail: map[string]string{evidence.DetailHow: h.via}})
			}
			continue
		}
		d := map[string]string{evidence.DetailAPI: h.via}
		if len(h.perms) > 0 {
			d[evidence.DetailPermissions] = strings.Join(h.perms, ",")
			if g := s.dangerousGroups(h.perms); len(g) > 0 {
				d[evidence.DetailGroups] = strings.Join(g, ",")
			}
		}
		r := ref{int32(a.unit), h.node}
		if _, ok := launch[r]; ok {
			d[evidence.DetailLaunch] = "true"
			d[evidence.DetailLaunchPath] = ci.path(launch, r)
		} else if _, ok := startup[r]; ok {
			d[evidence.DetailLaunch] = "true"
			d[evidence.DetailLaunchPath] = ci.path(startup, r)
		}
		if inCallback {
			d[evidence.DetailAfterDenial] = "true"
		}
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropPermissionRequest, Level: evidence.Referenced, Party: cls.party,
			Where: where, Source: Source, Detail: d})
	}
	return nil
}

// dangerousGroups returns the runtime permission groups of the names, in
// the order first seen.
func (s *scan) dangerousGroups(perms []string) []string {
	var out []string
	for _, p := range perms {
		cp, ok := s.a.cat.Permission(p)
		// Groups whose permissions give access to no PI (notifications)
		// are not what premature or bundled requests are charged for.
		if !ok || cp.Protection != "dangerous" || cp.Group == "" || len(cp.DataTypes) == 0 || slices.Contains(out, cp.Group) {
			continue
		}
		out = append(out, cp.Group)
	}
	return out
}

// permissionNames gives each permission request among hits the permission
// names of the String[] it passes: the constants stored into the array
// (new-array, then aput-object of const-strings) that reaches one of its
// arguments. An array the pass cannot follow gives no names: a request is
// never judged on the method's other constants, which may belong to other
// requests.
func (s *semantics) permissionNames(hits []hit) {
	for i := range hits {
		h := &hits[i]
		if h.api.Purpose != catalog.PurposePermissionRequest || !s.analyzed() {
			continue
		}
		for arg := 0; arg < 3 && len(h.perms) == 0; arg++ {
			h.perms = s.arrayStrings(h.offset, arg, "android.permission.")
		}
	}
}

// arrayStrings returns the string constants with the prefix stored into
// the array that argument arg of the invoke at off receives, or nil.
func (s *semantics) arrayStrings(off uint32, arg int, prefix string) []string {
	const aputObject = 0x4d
	var out []string
	add := func(defs []dex.Def) {
		for _, v := range defs {
			if v.Kind != dex.DefString {
				continue
			}
			if str, err := s.f.String(v.Index); err == nil && strings.HasPrefix(str, prefix) && !slices.Contains(out, str) {
				out = append(out, str)
			}
		}
	}
	for _, d := range s.flow.ArgDefs(nil, off, arg) {
		if d.Kind != dex.DefOther || d.Offset == 0 {
			continue
		}
		// filled-new-array {v0, v1…}, then move-result-object: the
		// elements are the registers the first instruction reads.
		if op, ok := s.flow.OpcodeBefore(d.Offset); ok && (op == 0x24 || op == 0x25) {
			if fill, ok := s.flow.OffsetBefore(d.Offset); ok {
				for pos := 0; pos < 16; pos++ {
					add(s.flow.ReadDefs(nil, fill, pos))
				}
			}
			continue
		}
		uses, ok := s.flow.Uses(nil, d.Offset)
		if !ok {
			continue
		}
		for _, u := range uses {
			if u.Opcode != aputObject || u.Arg != 1 {
				continue
			}
			add(s.flow.ReadDefs(nil, u.Offset, 0))
		}
	}
	return out
}

// inherited returns the catalog members of the nearest superclass of type
// t (within this dex) that the catalog knows, memoised per type.
func inherited(t uint32, className func(uint32) string, superOf map[string]string, methods map[string]map[string]apiList, memo map[uint32]map[string]apiList) map[string]apiList {
	if m, ok := memo[t]; ok {
		return m
	}
	var found map[string]apiList
	desc := superOf[className(t)]
	for depth := 0; desc != "" && depth < 12; depth++ {
		if m := methods[desc]; m != nil {
			found = m
			break
		}
		next, ok := superOf[desc]
		if !ok {
			break
		}
		desc = next
	}
	memo[t] = found
	return found
}

// consentGate finds the first branch the method makes on a consent flag
// (a stored value read under a key the catalog names as one) and the
// agreed side of it, as byte offsets [from, to) (see branchRegion). It
// returns zeros when there is no such branch. returns reports that the
// method hands a consent flag back to its caller (return v): a helper such
// as isAgreed() whose callers' branches on it are consent gates too.
func (s *semantics) consentGate(data []byte, hits []hit) (gate, from, to uint32, returns bool) {
	for i := range hits {
		h := &hits[i]
		if h.api.Purpose != catalog.PurposeConsentFlag || !s.analyzed() {
			continue
		}
		key := ""
		for _, d := range s.flow.ArgDefs(nil, h.offset, 0) {
			if d.Kind == dex.DefString {
				key, _ = s.f.String(d.Index)
			}
		}
		if key == "" || !s.a.cat.ConsentKey(key) {
			continue
		}
		res, ok := s.flow.ResultOf(h.offset)
		if !ok {
			continue
		}
		uses, _ := s.flow.Uses(nil, res)
		for _, u := range uses {
			if u.Opcode == 0x0f { // return v: the flag goes to the caller
				returns = true
				continue
			}
			if (u.Opcode != 0x38 && u.Opcode != 0x39) || (gate != 0 && u.Offset >= gate) {
				continue
			}
			if f, t, ok := branchRegion(data, u.Offset, s.flow.OpcodeBefore); ok {
				gate, from, to = u.Offset, f, t
			}
		}
	}
	return gate, from, to, returns
}

// branchRegion returns the agreed side, as byte offsets [from, to), of the
// if-eqz or if-nez at byte offset br that tests a consent flag: for
// if-eqz, the code between the branch and its target (skipped when the
// flag is false); for if-nez, the code from its target on, but only when
// the other path leaves (returns, throws or jumps away) instead of falling
// into it. Code after an if-eqz's target runs on both paths and is not
// gated; a branch backwards is a loop, not a gate. before gives the opcode
// of the instruction ending at an offset.
func branchRegion(data []byte, br uint32, before func(uint32) (uint8, bool)) (from, to uint32, ok bool) {
	if int(br)+4 > len(data) {
		return 0, 0, false
	}
	target := int64(br) + 2*int64(int16(binary.LittleEndian.Uint16(data[br+2:])))
	if target <= int64(br) || target > int64(len(data)) {
		return 0, 0, false
	}
	switch data[br] {
	case 0x38: // if-eqz: falls through when agreed
		return br + 4, uint32(target), true
	case 0x39: // if-nez: jumps when agreed
		if op, ok := before(uint32(target)); ok && (op >= 0x0e && op <= 0x11 || op == 0x27 || op >= 0x28 && op <= 0x2a) {
			return uint32(target), ^uint32(0), true
		}
	}
	return 0, 0, false
}

// helperBranch reports the branch that tests, right away, the result of
// the call at byte offset off: invoke (three code units), move-result vA,
// then if-eqz or if-nez vA. It returns the branch's byte offset.
func helperBranch(data []byte, opcode uint8, off uint32) (uint32, bool) {
	if opcode < 0x6e || opcode > 0x78 || opcode == 0x73 { // invoke-kind and /range only
		return 0, false
	}
	i := int(off) + 6
	if i+4 > len(data) || data[i] != 0x0a || (data[i+2] != 0x38 && data[i+2] != 0x39) || data[i+3] != data[i+1] {
		return 0, false
	}
	return uint32(i + 2), true
}

// helperGate is a branch on the result of a call to a method that may
// return a consent flag; it gates once the callee is known to (see
// codeIndex.helperGates).
type helperGate struct {
	node           int32
	callee         uint64 // the callee's hash
	gate, from, to uint32
}

// asyncSinks are the calls that run work given as an object: a thread, an
// executor, a handler or a view's queue, an AsyncTask.
var asyncSinks = map[string]bool{
	"start": true, "execute": true, "executeOnExecutor": true, "submit": true, "invokeAll": true, "invokeAny": true,
	"schedule": true, "scheduleAtFixedRate": true, "scheduleWithFixedDelay": true,
	"post": true, "postDelayed": true, "postAtTime": true, "postAtFrontOfQueue": true, "runOnUiThread": true,
}

// handedToRunner keeps, of the new-instance offsets of method m, those whose
// object reaches a runner: passed to a Thread's constructor or to one of
// asyncSinks, or is itself started or executed. An object only stored
// (to run later, on a user's agreement) is dropped; so is one the pass
// cannot follow.
func (s *semantics) handedToRunner(m dex.Code, offs []uint32) []bool {
	keep := make([]bool, len(offs))
	if s.m != m {
		s.m, s.ran = m, false
	}
	if !s.analyzed() {
		return keep
	}
	for i, off := range offs {
		uses, ok := s.flow.Uses(nil, off)
		if !ok {
			continue
		}
		for _, u := range uses {
			if dex.OpOf(u.Opcode) != dex.OpInvoke {
				continue
			}
			name := s.callName(u.Index)
			short := name[strings.LastIndexByte(name, '.')+1:]
			if asyncSinks[short] || u.Arg >= 0 && strings.HasSuffix(name, "java.lang.Thread.<init>") {
				keep[i] = true
				break
			}
		}
	}
	return keep
}

// consentScreens records the code that loads a privacy consent text: a
// string resource naming the privacy policy and asking to agree (in the
// default, Chinese or English resources).
func (s *scan) consentScreens(units []*unit) {
	if s.res == nil {
		return
	}
	consent := map[uint32]string{}
	for _, id := range s.res.StringIDs() {
		for _, prefs := range [][]string{{""}, {"zh-CN", "zh"}, {"en"}} {
			if text, err := s.res.String(id, prefs...); err == nil && s.a.cat.ConsentText(text) {
				name, _ := s.res.Name(id)
				consent[id] = name
				break
			}
		}
	}
	if len(consent) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, u := range units {
		for _, r := range u.resRefs {
			name, ok := consent[r.id]
			if !ok {
				continue
			}
			cls := u.classes[r.cls]
			where := evidence.Location{File: u.file, Class: javaName(cls.desc), Method: r.method, Offset: int64(r.offset)}
			if seen[where.Class+where.Method] {
				continue // one per method: the first text it loads
			}
			seen[where.Class+where.Method] = true
			if name == "" {
				name = fmt.Sprintf("0x%08x", r.id)
			}
			s.addCode(evidence.Observation{Kind: evidence.Property, Key: evidence.PropConsentUI, Level: evidence.Referenced, Party: cls.party,
				Where: where, Source: Source, Detail: map[string]string{evidence.DetailValue: name}})
		}
	}
}
