package rules

import (
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// declaredSideChecks compare what the app does with what its privacy
// policy declares, and read run-time evidence (traffic, dynamic tests).
// Their evidence comes from inputs other than the package; a rule using
// them lists those inputs in `needs` and is "not evaluated" without them.
// A check that compares two sides also needs evidence of what the app does
// (a package, traffic or a dynamic test); without it, it says so.
func declaredSideChecks() map[string]Check {
	return map[string]Check{
		"policy_no_collection_rules":         policyNoCollectionRules,
		"policy_undeclared_pi":               policyUndeclaredPI,
		"policy_undeclared_sdk":              policyUndeclaredSDK,
		"policy_no_account_deletion":         policyMissingClaim(evidence.ClaimAccountDeletion),
		"policy_no_complaint_channel":        policyMissingClaim(evidence.ClaimComplaint),
		"policy_sensitive_no_consent":        policySensitiveNoSeparateConsent,
		"policy_minors_no_rules":             policyMinorsNoRules,
		"policy_no_personalization_optout":   policyNoPersonalizationOptOut,
		"policy_undisclosed_cross_border":    policyUndisclosedCrossBorder,
		"traffic_pi_before_consent":          trafficPIBeforeConsent,
		"traffic_third_party_before_consent": trafficThirdPartyBeforeConsent,
		"traffic_cross_border":               trafficCrossBorder,
		"traffic_plaintext_pi":               trafficPlaintextPI,
		"traffic_face_to_cloud":              trafficFaceToCloud,
	}
}

// appInputs are the inputs that say what an app does.
var appInputs = []string{evidence.InputAndroid, evidence.InputIOS, evidence.InputHarmony, evidence.InputTraffic, evidence.InputEvidence}

// noAppEvidence returns a not-evaluated reason when nothing says what the
// app does.
func noAppEvidence(set *evidence.Set) string {
	for _, in := range appInputs {
		if set.HasInput(in) {
			return ""
		}
	}
	return "no app package, traffic or dynamic-test input to compare the policy with"
}

// claims returns the policy's statements of one key.
func claims(set *evidence.Set, key string) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range set.Of(evidence.PolicyClaim) {
		if o.Key == key {
			out = append(out, o)
		}
	}
	return out
}

// collected returns the PI the app is shown to process: data types from
// any input other than the policy (the policy speaks in claims).
func collected(set *evidence.Set) []evidence.Observation {
	return set.Of(evidence.DataType)
}

// covers reports whether a policy statement about type claimed discloses
// collected: the same key, or one of them is an umbrella that includes the
// other (a policy saying "location" discloses precise location; an app seen
// sending "location" is disclosed by a policy naming precise location).
func (env *Env) covers(claimed, collected string) bool {
	if claimed == collected {
		return true
	}
	if t, ok := env.Catalog.DataType(claimed); ok && contains(t.Includes, collected) {
		return true
	}
	if t, ok := env.Catalog.DataType(collected); ok && contains(t.Includes, claimed) {
		return true
	}
	return false
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (env *Env) sensitive(key string) bool {
	t, ok := env.Catalog.DataType(key)
	return ok && t.Sensitive
}

// policyNoCollectionRules: a policy was read and states no PI it collects.
func policyNoCollectionRules(env *Env) ([]Match, string) {
	if len(claims(env.Set, evidence.ClaimCollects)) > 0 {
		return nil, ""
	}
	// The finding stands on its own; what the app is seen to collect
	// shows what the policy should have listed.
	proof := collected(env.Set)
	m := Match{Subject: "policy", Evidence: proof}
	if len(proof) > 0 {
		m.Detail = map[string]string{"data_types": strings.Join(distinctKeys(proof), ",")}
	}
	return []Match{m}, ""
}

// policyUndeclaredPI: the app processes a PI type the policy does not list.
func policyUndeclaredPI(env *Env) ([]Match, string) {
	if why := noAppEvidence(env.Set); why != "" {
		return nil, why
	}
	stated := claims(env.Set, evidence.ClaimCollects)
	if len(stated) == 0 {
		// HG-POL-001 reports a policy without collection rules; listing
		// every type again here would only repeat it.
		return nil, "the policy states no collection rules at all (see the rule on missing collection rules)"
	}
	var obs []evidence.Observation
	for _, o := range collected(env.Set) {
		disclosed := false
		for _, c := range stated {
			if env.covers(c.Attr("data_type"), o.Key) {
				disclosed = true
				break
			}
		}
		if !disclosed {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "level": strongest(ms[i].Evidence)}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, ""
}

// policyUndeclaredSDK: an embedded or contacted SDK the policy's
// third-party list does not name.
func policyUndeclaredSDK(env *Env) ([]Match, string) {
	if why := noAppEvidence(env.Set); why != "" {
		return nil, why
	}
	listed := map[string]bool{}
	var names []string
	for _, c := range claims(env.Set, evidence.ClaimSDK) {
		if id := c.Attr("sdk"); id != "" {
			listed[strings.ToLower(id)] = true
		}
		if n := c.Attr("name"); n != "" {
			names = append(names, n)
		}
	}
	named := func(id string) bool {
		if listed[strings.ToLower(id)] {
			return true
		}
		sdk, ok := env.Catalog.SDK(id)
		if !ok {
			return false
		}
		for _, n := range names {
			for _, s := range []string{sdk.Name, sdk.NameZh} {
				if sameSDKName(n, s) {
					return true
				}
			}
		}
		return false
	}
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.SDK) {
		if strings.HasPrefix(o.Key, "unknown:") || named(o.Key) {
			continue
		}
		obs = append(obs, o)
	}
	// Traffic to a host the catalog attributes to an SDK counts too.
	for _, o := range env.Set.Of(evidence.Endpoint) {
		if o.Level == evidence.Observed && o.Party.SDK != "" && !named(o.Party.SDK) {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string {
		if o.Kind == evidence.SDK {
			return o.Key
		}
		return o.Party.SDK
	})
	for i := range ms {
		ms[i].Detail = map[string]string{"sdk": ms[i].Subject}
		if sdk, ok := env.Catalog.SDK(ms[i].Subject); ok {
			ms[i].Detail["sdk_name"] = sdk.Name
			ms[i].Detail["vendor"] = sdk.Vendor
		}
	}
	return ms, ""
}

// policyMissingClaim: the policy lacks a statement the law requires of
// every policy (a deletion route, a complaint channel).
func policyMissingClaim(key string) Check {
	return func(env *Env) ([]Match, string) {
		if len(claims(env.Set, key)) > 0 {
			return nil, ""
		}
		return []Match{{Subject: key}}, ""
	}
}

// policySensitiveNoSeparateConsent: sensitive PI is processed and the
// policy does not say separate consent is sought for it.
func policySensitiveNoSeparateConsent(env *Env) ([]Match, string) {
	if why := noAppEvidence(env.Set); why != "" {
		return nil, why
	}
	consents := claims(env.Set, evidence.ClaimSeparateConsent)
	var obs []evidence.Observation
	for _, o := range collected(env.Set) {
		if !env.sensitive(o.Key) {
			continue
		}
		ok := false
		for _, c := range consents {
			if dt := c.Attr("data_type"); dt == "" || env.covers(dt, o.Key) {
				ok = true
				break
			}
		}
		if !ok {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, ""
}

// policyMinorsNoRules: the service is for children, or children's PI is
// processed, and the policy has no dedicated rules for it.
func policyMinorsNoRules(env *Env) ([]Match, string) {
	if len(claims(env.Set, evidence.ClaimMinors)) > 0 {
		return nil, ""
	}
	proof := claims(env.Set, evidence.ClaimServesMinors)
	for _, o := range collected(env.Set) {
		if o.Key == "minor_info" {
			proof = append(proof, o)
		}
	}
	if len(proof) == 0 {
		return nil, ""
	}
	return []Match{{Subject: "minors", Evidence: proof}}, ""
}

// policyNoPersonalizationOptOut: the app does targeted push or
// personalised ads and the policy gives no way to turn them off.
func policyNoPersonalizationOptOut(env *Env) ([]Match, string) {
	if len(claims(env.Set, evidence.ClaimPersonalizationOptOut)) > 0 {
		return nil, ""
	}
	proof := claims(env.Set, evidence.ClaimPersonalization)
	for _, o := range env.Set.Of(evidence.SDK) {
		if sdk, ok := env.Catalog.SDK(o.Key); ok && contains(sdk.Categories, "advertising") {
			proof = append(proof, o)
		}
	}
	if len(proof) == 0 {
		if why := noAppEvidence(env.Set); why != "" && len(claims(env.Set, evidence.ClaimPersonalization)) == 0 {
			return nil, why
		}
		return nil, ""
	}
	return []Match{{Subject: "personalization", Evidence: proof}}, ""
}

// abroad returns the evidence of PI leaving mainland China: traffic
// carrying PI to a host located abroad, and embedded SDKs of foreign
// vendors that collect PI.
func abroad(env *Env) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range env.Set.Observations {
		if o.Level != evidence.Observed || (o.Kind != evidence.DataType && o.Kind != evidence.Endpoint) {
			continue
		}
		if c := o.Attr(evidence.DetailCountry); c != "" && !strings.EqualFold(c, "cn") {
			if o.Kind == evidence.Endpoint && o.Attr(evidence.DetailDataTypes) == "" {
				continue
			}
			out = append(out, o)
		}
	}
	for _, o := range env.Set.Of(evidence.SDK) {
		sdk, ok := env.Catalog.SDK(o.Key)
		if !ok || sdk.Country == "" || sdk.Country == "cn" || !collectsPI(env, o.Key, sdk.Collects) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// policyUndisclosedCrossBorder: PI goes abroad and the policy does not say
// so.
func policyUndisclosedCrossBorder(env *Env) ([]Match, string) {
	if why := noAppEvidence(env.Set); why != "" {
		return nil, why
	}
	if len(claims(env.Set, evidence.ClaimCrossBorder)) > 0 {
		return nil, ""
	}
	obs := abroad(env)
	ms := groupBy(obs, func(o evidence.Observation) string {
		if o.Kind == evidence.SDK {
			return "sdk:" + o.Key
		}
		return "host:" + hostOf(o)
	})
	for i := range ms {
		ms[i].Detail = map[string]string{"country": countryOf(env, ms[i].Evidence[0])}
	}
	return ms, ""
}

// hostOf names the host of run-time evidence: the host detail, else the
// key (an endpoint's key is its host).
func hostOf(o evidence.Observation) string {
	if h := o.Attr(evidence.DetailHost); h != "" {
		return h
	}
	return o.Key
}

func countryOf(env *Env, o evidence.Observation) string {
	if c := o.Attr(evidence.DetailCountry); c != "" {
		return strings.ToLower(c)
	}
	if o.Kind == evidence.SDK {
		if sdk, ok := env.Catalog.SDK(o.Key); ok {
			return sdk.Country
		}
	}
	return ""
}

// observedPI returns PI seen leaving the device (traffic, dynamic tests).
func observedPI(set *evidence.Set, keep func(evidence.Observation) bool) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range set.Of(evidence.DataType) {
		if o.Level == evidence.Observed && keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// consentUnknown returns a not-evaluated reason when run-time evidence
// does not say when the user consented: nothing can then be "before".
func consentUnknown(set *evidence.Set) string {
	if len(set.Of(evidence.Consent)) > 0 {
		return ""
	}
	for _, o := range set.Observations {
		if _, ok := o.Detail[evidence.DetailBeforeConsent]; ok {
			return ""
		}
	}
	return "the run-time evidence does not mark when the user consented"
}

// trafficPIBeforeConsent: PI sent before the user accepted the policy.
func trafficPIBeforeConsent(env *Env) ([]Match, string) {
	if why := consentUnknown(env.Set); why != "" {
		return nil, why
	}
	obs := observedPI(env.Set, func(o evidence.Observation) bool { return o.Attr(evidence.DetailBeforeConsent) == "true" })
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
	}
	return ms, ""
}

// trafficThirdPartyBeforeConsent: a third-party SDK's server is contacted
// before consent (SDK initialisation, device fingerprinting).
func trafficThirdPartyBeforeConsent(env *Env) ([]Match, string) {
	if why := consentUnknown(env.Set); why != "" {
		return nil, why
	}
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.Endpoint) {
		if o.Level == evidence.Observed && o.Party.SDK != "" && o.Attr(evidence.DetailBeforeConsent) == "true" {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Party.SDK })
	for i := range ms {
		ms[i].Detail = map[string]string{"sdk": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
		if sdk, ok := env.Catalog.SDK(ms[i].Subject); ok {
			ms[i].Detail["sdk_name"] = sdk.Name
		}
	}
	return ms, ""
}

// trafficCrossBorder: PI sent to a server outside mainland China.
func trafficCrossBorder(env *Env) ([]Match, string) {
	located := false
	for _, o := range env.Set.Observations {
		if o.Level == evidence.Observed && o.Attr(evidence.DetailCountry) != "" {
			located = true
			break
		}
	}
	if !located {
		return nil, "no observed endpoint carries a location (country)"
	}
	var obs []evidence.Observation
	for _, o := range abroad(env) {
		if o.Level == evidence.Observed {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, hostOf)
	for i := range ms {
		ms[i].Detail = map[string]string{"host": ms[i].Subject, "country": countryOf(env, ms[i].Evidence[0]), "data_types": strings.Join(observedTypes(ms[i].Evidence), ",")}
	}
	return ms, ""
}

// trafficPlaintextPI: PI sent without transport encryption.
func trafficPlaintextPI(env *Env) ([]Match, string) {
	obs := observedPI(env.Set, func(o evidence.Observation) bool { return o.Attr(evidence.DetailPlaintext) == "true" })
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
	}
	return ms, ""
}

// trafficFaceToCloud: facial images or features leave the device and the
// policy does not disclose it with separate consent.
func trafficFaceToCloud(env *Env) ([]Match, string) {
	if len(claims(env.Set, evidence.ClaimFaceCloud)) > 0 {
		return nil, ""
	}
	obs := observedPI(env.Set, func(o evidence.Observation) bool { return o.Key == "face" })
	ms := groupBy(obs, hostOf)
	for i := range ms {
		ms[i].Detail = map[string]string{"host": ms[i].Subject, "policy_read": boolString(env.Set.HasInput(evidence.InputPolicy))}
	}
	return ms, ""
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func hosts(obs []evidence.Observation) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range obs {
		h := o.Attr(evidence.DetailHost)
		if h == "" && o.Kind == evidence.Endpoint {
			h = o.Key
		}
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}

// observedTypes lists the PI types an endpoint's evidence carried.
func observedTypes(obs []evidence.Observation) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, o := range obs {
		if o.Kind == evidence.DataType {
			add(o.Key)
		}
		for _, k := range strings.Split(o.Attr(evidence.DetailDataTypes), ",") {
			add(strings.TrimSpace(k))
		}
	}
	sort.Strings(out)
	return out
}

// sameSDKName reports whether a name written in a policy ("友盟+ 统计分析
// SDK", "微信SDK") names the catalog SDK called catalogName ("友盟统计分析",
// "微信开放平台SDK（登录/分享/支付）"): after dropping case, spaces,
// punctuation, bracketed remarks and the word SDK, the policy's name
// contains the catalog's, or starts it and is specific enough (two CJK
// characters or four letters).
func sameSDKName(policyName, catalogName string) bool {
	p, c := sdkNameCore(policyName), sdkNameCore(catalogName)
	if p == "" || c == "" {
		return false
	}
	if strings.Contains(p, c) {
		return true
	}
	// A shorter policy name must start the catalog name: the vendor's
	// or product's own name ("微信" for "微信开放平台"), not a generic
	// word inside it ("push" in "Umeng Push").
	if !strings.HasPrefix(c, p) {
		return false
	}
	cjk, other := 0, 0
	for _, r := range p {
		if r >= 0x2E80 {
			cjk++
		} else {
			other++
		}
	}
	return cjk >= 2 || other >= 4
}

// sdkNameCore normalises an SDK name for comparison.
func sdkNameCore(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '（' || r == '[' || r == '【':
			depth++
		case r == ')' || r == '）' || r == ']' || r == '】':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r >= 0x2E80 && r != '，' && r != '、' && r != '：' && r != '。':
			b.WriteRune(r)
		}
	}
	out := b.String()
	for _, w := range []string{"sdk", "开放平台", "软件开发工具包"} {
		out = strings.ReplaceAll(out, w, "")
	}
	return out
}
