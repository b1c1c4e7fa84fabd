package rules

import "github.com/hegui/hegui/internal/evidence"

// iosChecks read evidence from iOS and HarmonyOS apps.
func iosChecks() map[string]Check {
	return map[string]Check{
		// An iOS usage description that states no purpose.
		"usage_purpose": purposeStrings("usage_purpose"),
		// A HarmonyOS user_grant permission whose reason states none.
		"permission_reason": purposeStrings("permission_reason"),
	}
}

// purposeStrings finds the permission prompts (properties of key) whose
// purpose string is missing, a placeholder or bare; one finding per
// permission.
func purposeStrings(key string) Check {
	return func(env *Env) ([]Match, *Text) {
		var out []Match
		for _, o := range env.Set.Of(evidence.Property) {
			if o.Key != key {
				continue
			}
			out = append(out, Match{Subject: o.Attr(evidence.DetailName), Evidence: []evidence.Observation{o},
				Detail: map[string]string{"reason": o.Attr(evidence.DetailReason), "purpose": o.Attr(evidence.DetailValue)}})
		}
		return out, nil
	}
}
