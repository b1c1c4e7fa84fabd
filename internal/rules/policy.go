package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// policyChecks compare what the app does with what its privacy policy
// declares. Their evidence comes from inputs other than the package; a rule
// using them lists those inputs in `needs` and is "not evaluated" without
// them. A check that compares two sides also needs evidence of what the
// app does (a package, traffic or a dynamic test); without it, it says so.
func policyChecks() map[string]Check {
	return map[string]Check{
		"policy_no_collection_rules":       policyNoCollectionRules,
		"policy_undeclared_pi":             policyUndeclaredPI,
		"policy_undeclared_sdk":            policyUndeclaredSDK,
		"policy_no_account_deletion":       policyMissingClaim(evidence.ClaimAccountDeletion),
		"policy_no_complaint_channel":      policyMissingClaim(evidence.ClaimComplaint),
		"policy_sensitive_no_consent":      policySensitiveNoSeparateConsent,
		"policy_minors_no_rules":           policyMinorsNoRules,
		"policy_no_personalization_optout": policyNoPersonalizationOptOut,
		"policy_undisclosed_cross_border":  policyUndisclosedCrossBorder,
		"policy_contradiction":             policyContradiction,
		"policy_no_handler":                policyMissingClaim(evidence.ClaimHandler),
		"policy_no_retention":              policyMissingClaim(evidence.ClaimRetention),
		"policy_no_withdrawal":             policyMissingClaim(evidence.ClaimWithdrawal),
		"policy_sdk_types_differ":          policySDKTypesDiffer,
	}
}

// noAppEvidence returns a not-evaluated reason when nothing says what the
// app does: no package input, and no observation of PI, SDKs, permissions
// or endpoints from another input.
func noAppEvidence(set *evidence.Set) *Text {
	if set.FromPackage() {
		return nil
	}
	for _, o := range set.Observations {
		switch o.Kind {
		case evidence.DataType, evidence.SDK, evidence.Endpoint, evidence.Permission:
			return nil
		}
	}
	return whyNoAppEvidence
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

// disclosed returns the PI keys a list of claims discloses: each claimed
// key and, for an umbrella key, the keys it includes (a policy saying
// "location" discloses precise location). The reverse does not hold:
// naming Wi-Fi information does not disclose location.
func (env *Env) disclosed(claims []evidence.Observation) map[string]bool {
	out := map[string]bool{}
	for _, c := range claims {
		k := c.Attr(evidence.DetailDataType)
		if k == "" {
			continue
		}
		out[k] = true
		if t, ok := env.Catalog.DataType(k); ok {
			for _, in := range t.Includes {
				out[in] = true
			}
		}
	}
	return out
}

func (env *Env) sensitive(key string) bool {
	t, ok := env.Catalog.DataType(key)
	return ok && t.Sensitive
}

// policyNoCollectionRules: a policy was read and states no PI it collects.
func policyNoCollectionRules(env *Env) ([]Match, *Text) {
	if len(claims(env.Set, evidence.ClaimCollects)) > 0 {
		return nil, nil
	}
	// The finding stands on its own; what the app is seen to collect
	// shows what the policy should have listed.
	proof := collected(env.Set)
	m := Match{Subject: "policy", Evidence: proof}
	if len(proof) > 0 {
		m.Detail = map[string]string{"data_types": strings.Join(distinctKeys(proof), ",")}
	}
	return []Match{m}, nil
}

// policyUndeclaredPI: the app processes a PI type the policy does not list.
func policyUndeclaredPI(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	stated := claims(env.Set, evidence.ClaimCollects)
	if len(stated) == 0 {
		// HG-POL-001 reports a policy without collection rules; listing
		// every type again here would only repeat it.
		return nil, whyNoPolicyRules
	}
	known := env.disclosed(stated)
	// A type the policy denies is HG-POL-010's (a contradiction), not
	// charged again here.
	denied := map[string]bool{}
	for _, c := range claims(env.Set, evidence.ClaimNotCollects) {
		denied[c.Attr(evidence.DetailDataType)] = true
	}
	var obs []evidence.Observation
	for _, o := range collected(env.Set) {
		if !known[o.Key] && !denied[o.Key] {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "level": strongest(ms[i].Evidence)}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, nil
}

// policyUndeclaredSDK: an embedded or contacted SDK the policy's
// third-party list does not name.
func policyUndeclaredSDK(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	listed := map[string]bool{}
	var names []string
	for _, c := range claims(env.Set, evidence.ClaimSDK) {
		if id := c.Attr(evidence.DetailSDK); id != "" {
			listed[strings.ToLower(id)] = true
		}
		if n := c.Attr(evidence.DetailName); n != "" {
			names = append(names, n)
		}
	}
	// The app's SDKs, by id, with their catalog names.
	present := map[string][]string{}
	for _, o := range env.Set.Observations {
		id := ""
		switch {
		case o.Kind == evidence.SDK:
			id = o.Key
		case o.Kind == evidence.Endpoint && o.Level == evidence.Observed:
			id = sdkOf(env, o)
		}
		if id == "" || present[id] != nil {
			continue
		}
		present[id] = []string{}
		if sdk, ok := env.Catalog.SDK(id); ok {
			present[id] = []string{sdk.Name, sdk.NameZh}
		}
	}
	for _, n := range names {
		for _, id := range catalog.NamedSDKs(n, present) {
			listed[id] = true
		}
	}
	named := func(id string) bool { return listed[strings.ToLower(id)] }
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.SDK) {
		if strings.HasPrefix(o.Key, "unknown:") || named(o.Key) {
			continue
		}
		obs = append(obs, o)
	}
	// Traffic to a host the catalog attributes to an SDK counts too.
	for _, o := range env.Set.Of(evidence.Endpoint) {
		if id := sdkOf(env, o); o.Level == evidence.Observed && id != "" && !named(id) {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string {
		if o.Kind == evidence.SDK {
			return o.Key
		}
		return sdkOf(env, o)
	})
	for i := range ms {
		ms[i].Detail = map[string]string{"sdk": ms[i].Subject}
		if sdk, ok := env.Catalog.SDK(ms[i].Subject); ok {
			ms[i].Detail[evidence.DetailSDKName] = sdk.Name
			ms[i].Detail[evidence.DetailVendor] = sdk.Vendor
		}
	}
	return ms, nil
}

// policyMissingClaim: the policy lacks a statement the law requires of
// every policy (a deletion route, a complaint channel).
func policyMissingClaim(key string) Check {
	return func(env *Env) ([]Match, *Text) {
		if len(claims(env.Set, key)) > 0 {
			return nil, nil
		}
		return []Match{{Subject: key}}, nil
	}
}

// policySensitiveNoSeparateConsent: sensitive PI is processed and the
// policy does not say separate consent is sought for it.
func policySensitiveNoSeparateConsent(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	consents := claims(env.Set, evidence.ClaimSeparateConsent)
	general := false
	for _, c := range consents {
		if c.Attr(evidence.DetailDataType) == "" {
			general = true
		}
	}
	known := env.disclosed(consents)
	var obs []evidence.Observation
	for _, o := range collected(env.Set) {
		if env.sensitive(o.Key) && !general && !known[o.Key] {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, nil
}

// policyMinorsNoRules: the service is for children, or children's PI is
// processed, and the policy has no dedicated rules for it.
func policyMinorsNoRules(env *Env) ([]Match, *Text) {
	if len(claims(env.Set, evidence.ClaimMinors)) > 0 {
		return nil, nil
	}
	proof := claims(env.Set, evidence.ClaimServesMinors)
	for _, o := range collected(env.Set) {
		if o.Key == "minor_info" {
			proof = append(proof, o)
		}
	}
	if len(proof) == 0 {
		// Nothing says children use it; without the app's evidence
		// nothing says they do not either.
		return nil, noAppEvidence(env.Set)
	}
	return []Match{{Subject: "minors", Evidence: proof}}, nil
}

// policyNoPersonalizationOptOut: the app does targeted push or
// personalised ads and the policy gives no way to turn them off.
func policyNoPersonalizationOptOut(env *Env) ([]Match, *Text) {
	if len(claims(env.Set, evidence.ClaimPersonalizationOptOut)) > 0 {
		return nil, nil
	}
	proof := claims(env.Set, evidence.ClaimPersonalization)
	for _, o := range env.Set.Of(evidence.SDK) {
		if sdk, ok := env.Catalog.SDK(o.Key); ok && slices.Contains(sdk.Categories, "advertising") {
			proof = append(proof, o)
		}
	}
	if len(proof) == 0 {
		if why := noAppEvidence(env.Set); why != nil && len(claims(env.Set, evidence.ClaimPersonalization)) == 0 {
			return nil, why
		}
		return nil, nil
	}
	return []Match{{Subject: "personalization", Evidence: proof}}, nil
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
		if c := o.Attr(evidence.DetailCountry); c != "" && !strings.EqualFold(c, env.home()) {
			if o.Kind == evidence.Endpoint && o.Attr(evidence.DetailDataTypes) == "" {
				continue
			}
			out = append(out, o)
		}
	}
	for _, o := range env.Set.Of(evidence.SDK) {
		sdk, ok := env.Catalog.SDK(o.Key)
		if !ok || sdk.Country == "" || sdk.Country == env.home() || !collectsPI(env, o.Key, sdk.Collects) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// policyUndisclosedCrossBorder: PI goes abroad and the policy does not say
// so.
func policyUndisclosedCrossBorder(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	// A disclosure naming countries covers those countries; one naming
	// none covers any.
	countries, anywhere := map[string]bool{}, false
	for _, c := range claims(env.Set, evidence.ClaimCrossBorder) {
		cs := strings.FieldsFunc(strings.ToLower(c.Attr(evidence.DetailCountry)), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
		if len(cs) == 0 {
			anywhere = true
		}
		for _, x := range cs {
			countries[x] = true
		}
	}
	if anywhere {
		return nil, nil
	}
	var obs []evidence.Observation
	for _, o := range abroad(env) {
		if !countries[countryOf(env, o)] {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string {
		if o.Kind == evidence.SDK {
			return "sdk:" + o.Key
		}
		return "host:" + hostOf(o)
	})
	for i := range ms {
		ms[i].Detail = map[string]string{"country": countryOf(env, ms[i].Evidence[0])}
	}
	return ms, nil
}

// policyContradiction: the policy denies collecting a PI type ("我们不会收
// 集您的通讯录") that the app's code or traffic shows it reads. A type the
// policy also says it collects elsewhere is left out: the policy
// contradicts itself, not the app. Declared permissions alone are not
// enough: the evidence is a call or a packet.
func policyContradiction(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	denials := claims(env.Set, evidence.ClaimNotCollects)
	if len(denials) == 0 {
		return nil, nil
	}
	// Only the type the policy names is denied: "不会收集位置信息" is not
	// read as denying each kind of location (an umbrella's includes).
	denied := map[string]bool{}
	for _, c := range denials {
		denied[c.Attr(evidence.DetailDataType)] = true
	}
	stated := env.disclosed(claims(env.Set, evidence.ClaimCollects))
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if denied[o.Key] && !stated[o.Key] {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		key := ms[i].Subject
		ms[i].Detail = map[string]string{"data_type": key, "level": strongest(ms[i].Evidence)}
		// The sentence that denies it comes first.
		for _, c := range denials {
			if c.Attr(evidence.DetailDataType) == key {
				ms[i].Detail["quote"] = c.Attr(evidence.DetailQuote)
				ms[i].Evidence = append([]evidence.Observation{c}, ms[i].Evidence...)
				break
			}
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, nil
}

// presentSDKs returns the app's SDKs by id with their catalog names (for
// matching the names a policy writes).
func presentSDKs(env *Env) map[string][]string {
	present := map[string][]string{}
	for _, o := range env.Set.Of(evidence.SDK) {
		if present[o.Key] != nil || strings.HasPrefix(o.Key, "unknown:") {
			continue
		}
		present[o.Key] = []string{}
		if sdk, ok := env.Catalog.SDK(o.Key); ok {
			present[o.Key] = []string{sdk.Name, sdk.NameZh}
		}
	}
	return present
}

// policySDKTypesDiffer: the policy's SDK list gives an SDK's PI types, and
// the SDK's own code reads a type the row does not name (an umbrella term
// such as 设备标识符 names the identifiers it stands for). Only rows that
// list types are judged; an SDK the list omits is HG-POL-003's.
func policySDKTypesDiffer(env *Env) ([]Match, *Text) {
	if why := noAppEvidence(env.Set); why != nil {
		return nil, why
	}
	present := presentSDKs(env)
	listed := map[string]map[string]bool{} // SDK id → PI types its rows name
	rows := map[string][]evidence.Observation{}
	for _, c := range claims(env.Set, evidence.ClaimSDK) {
		types := c.Attr(evidence.DetailDataTypes)
		if types == "" {
			continue
		}
		ids := catalog.NamedSDKs(c.Attr(evidence.DetailName), present)
		if id := c.Attr(evidence.DetailSDK); id != "" {
			ids = append(ids, id)
		}
		for _, id := range ids {
			if listed[id] == nil {
				listed[id] = map[string]bool{}
			}
			for _, k := range strings.Split(types, ",") {
				listed[id][k] = true
				if t, ok := env.Catalog.DataType(k); ok {
					for _, in := range t.Includes {
						listed[id][in] = true
					}
				}
			}
			rows[id] = append(rows[id], c)
		}
	}
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if ls := listed[o.Party.SDK]; ls != nil && !ls[o.Key] {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Party.SDK })
	for i := range ms {
		id := ms[i].Subject
		ms[i].Detail = map[string]string{"sdk": id, "data_types": strings.Join(distinctKeys(ms[i].Evidence), ",")}
		if sdk, ok := env.Catalog.SDK(id); ok {
			ms[i].Detail[evidence.DetailSDKName] = sdk.Name
		}
		ms[i].Evidence = append(rows[id][:1:1], ms[i].Evidence...)
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, nil
}
