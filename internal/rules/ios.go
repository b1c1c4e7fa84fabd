package rules

import "github.com/hegui/hegui/internal/evidence"

// iosChecks read evidence from iOS apps.
func iosChecks() map[string]Check {
	return map[string]Check{
		"usage_purpose":     usagePurpose,
		"permission_reason": permissionReason,
	}
}

// usagePurpose: a usage description that states no purpose; one finding
// per key.
func usagePurpose(env *Env) ([]Match, *Text) {
	var out []Match
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key != "usage_purpose" {
			continue
		}
		out = append(out, Match{Subject: o.Attr(evidence.DetailName), Evidence: []evidence.Observation{o},
			Detail: map[string]string{"reason": o.Attr(evidence.DetailReason), "purpose": o.Attr(evidence.DetailValue)}})
	}
	return out, nil
}

// permissionReason: a HarmonyOS user_grant permission without a reason
// that states a purpose; one finding per permission.
func permissionReason(env *Env) ([]Match, *Text) {
	var out []Match
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key != "permission_reason" {
			continue
		}
		out = append(out, Match{Subject: o.Attr(evidence.DetailName), Evidence: []evidence.Observation{o},
			Detail: map[string]string{"reason": o.Attr(evidence.DetailReason), "purpose": o.Attr(evidence.DetailValue)}})
	}
	return out, nil
}
