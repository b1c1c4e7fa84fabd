package rules

import (
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// Checks of how an app asks for runtime permissions: at launch, bundled,
// forced (closing on denial) and repeated (asking again at once). The
// evidence is PropPermissionRequest and PropDenialExit observations from
// the package's code; one finding per class that does it.

func permissionChecks() map[string]Check {
	return map[string]Check{
		"permission_premature": permissionPremature,
		"permission_bundled":   permissionBundled,
		"permission_forced":    permissionForced,
		"permission_repeated":  permissionRepeated,
	}
}

func requests(env *Env, keep func(evidence.Observation) bool) []Match {
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == evidence.PropPermissionRequest && keep(o) {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Where.Class })
	for i := range ms {
		m := &ms[i]
		m.Detail = map[string]string{
			"groups":      strings.Join(distinct(m.Evidence, func(o evidence.Observation) []string { return splitList(o.Attr(evidence.DetailGroups)) }), ","),
			"permissions": strings.Join(distinct(m.Evidence, func(o evidence.Observation) []string { return splitList(o.Attr(evidence.DetailPermissions)) }), ","),
		}
		if p := m.Evidence[0].Attr(evidence.DetailLaunchPath); p != "" {
			m.Detail["launch_path"] = p
		}
	}
	return ms
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// permissionPremature: dangerous permissions asked for as the app opens,
// before the user reaches a feature that needs them.
func permissionPremature(env *Env) ([]Match, *Text) {
	return requests(env, func(o evidence.Observation) bool {
		return o.Attr(evidence.DetailLaunch) == "true" && o.Attr(evidence.DetailGroups) != ""
	}), nil
}

// permissionBundled: one request for several dangerous permission groups.
func permissionBundled(env *Env) ([]Match, *Text) {
	return requests(env, func(o evidence.Observation) bool {
		return len(splitList(o.Attr(evidence.DetailGroups))) >= 2
	}), nil
}

// permissionRepeated: a denied permission asked for again at once: the
// result callback asks again for a permission its class asked for before
// (asking for a different one next, such as background location after
// location, is not a repeat).
func permissionRepeated(env *Env) ([]Match, *Text) {
	asked := map[string]map[string]bool{} // class -> permissions asked outside the callback
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == evidence.PropPermissionRequest && o.Attr(evidence.DetailAfterDenial) != "true" {
			if asked[o.Where.Class] == nil {
				asked[o.Where.Class] = map[string]bool{}
			}
			for _, p := range splitList(o.Attr(evidence.DetailPermissions)) {
				asked[o.Where.Class][p] = true
			}
		}
	}
	return requests(env, func(o evidence.Observation) bool {
		if o.Attr(evidence.DetailAfterDenial) != "true" {
			return false
		}
		for _, p := range splitList(o.Attr(evidence.DetailPermissions)) {
			if asked[o.Where.Class][p] {
				return true
			}
		}
		return false
	}), nil
}

// permissionForced: the app closes when a permission is denied.
func permissionForced(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == evidence.PropDenialExit {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Where.Class })
	for i := range ms {
		ms[i].Detail = map[string]string{"how": strings.Join(distinct(ms[i].Evidence, func(o evidence.Observation) []string { return []string{o.Attr(evidence.DetailHow)} }), ",")}
	}
	return ms, nil
}
