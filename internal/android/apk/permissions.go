package apk

import (
	"context"
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
			// Ending the process closes the app; finishing an activity
			// does only when it is the launcher's (a permission screen
			// that finishes itself is normal).
			closes := strings.HasPrefix(h.via, "java.lang.System.") || strings.HasPrefix(h.via, "android.os.Process.") ||
				slices.Contains(launchers, where.Class)
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
		if !ok || cp.Protection != "dangerous" || cp.Group == "" || slices.Contains(out, cp.Group) {
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
	for _, d := range s.flow.ArgDefs(nil, off, arg) {
		if d.Kind != dex.DefOther || d.Offset == 0 {
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
			for _, v := range s.flow.ReadDefs(nil, u.Offset, 0) {
				if v.Kind != dex.DefString {
					continue
				}
				if str, err := s.f.String(v.Index); err == nil && strings.HasPrefix(str, prefix) && !slices.Contains(out, str) {
					out = append(out, str)
				}
			}
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

// consentGate returns the offset of the first branch the method makes on a
// consent flag (a stored value read under a key the catalog names as one),
// or 0.
func (s *semantics) consentGate(hits []hit) uint32 {
	var gate uint32
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
			if u.Opcode >= 0x32 && u.Opcode <= 0x3d && (gate == 0 || u.Offset < gate) { // if-*, if-*z
				gate = u.Offset
			}
		}
	}
	return gate
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
