package rules

import (
	"slices"
	"sort"
	"strings"
	"time"

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
	var obs []evidence.Observation
	for _, o := range collected(env.Set) {
		if !known[o.Key] {
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
		for _, id := range namedSDKs(n, present) {
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

// observedPI returns PI seen leaving the device (traffic, dynamic tests):
// data_type observations at level observed, and one item per PI key an
// observed endpoint lists in its data_types detail.
func observedPI(set *evidence.Set) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range set.Observations {
		if o.Level != evidence.Observed {
			continue
		}
		switch o.Kind {
		case evidence.DataType:
			out = append(out, o)
		case evidence.Endpoint:
			for _, k := range strings.Split(o.Attr(evidence.DetailDataTypes), ",") {
				if k = strings.TrimSpace(k); k == "" {
					continue
				}
				item := o
				item.Kind, item.Key = evidence.DataType, k
				item.Detail = map[string]string{}
				for dk, dv := range o.Detail {
					item.Detail[dk] = dv
				}
				if item.Detail[evidence.DetailHost] == "" {
					item.Detail[evidence.DetailHost] = o.Key
				}
				out = append(out, item)
			}
		}
	}
	return out
}

// consentClock says whether run-time evidence came before the user
// accepted the policy: from its before_consent mark, else by packet number
// (same capture file) or time against a consent observation.
type consentClock struct {
	accepted []evidence.Observation
}

func newConsentClock(set *evidence.Set) consentClock {
	var c consentClock
	for _, o := range set.Of(evidence.Consent) {
		if o.Key == evidence.ConsentAccepted {
			c.accepted = append(c.accepted, o)
		}
	}
	return c
}

// before reports whether o preceded consent, and whether that is known.
func (c consentClock) before(o evidence.Observation) (before, known bool) {
	switch o.Attr(evidence.DetailBeforeConsent) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	for _, a := range c.accepted {
		if a.Where.Packet > 0 && o.Where.Packet > 0 && a.Where.File == o.Where.File {
			return o.Where.Packet < a.Where.Packet, true
		}
		at, err1 := time.Parse(time.RFC3339Nano, a.Where.Time)
		ot, err2 := time.Parse(time.RFC3339Nano, o.Where.Time)
		if err1 == nil && err2 == nil {
			return ot.Before(at), true
		}
	}
	return false, false
}

// beforeConsent keeps the run-time evidence that preceded consent. When
// none did and the moment of some evidence is unknown, it returns a
// not-evaluated reason instead: absence is then not proven.
func beforeConsent(set *evidence.Set, obs []evidence.Observation) ([]evidence.Observation, *Text) {
	clock := newConsentClock(set)
	var out []evidence.Observation
	unknown := 0
	for _, o := range obs {
		b, known := clock.before(o)
		switch {
		case !known:
			unknown++
		case b:
			out = append(out, o)
		}
	}
	if len(out) == 0 && (unknown > 0 || len(clock.accepted) == 0 && len(obs) == 0) {
		return nil, whyNoConsentMark
	}
	return out, nil
}

// trafficPIBeforeConsent: PI sent before the user accepted the policy.
func trafficPIBeforeConsent(env *Env) ([]Match, *Text) {
	obs, why := beforeConsent(env.Set, observedPI(env.Set))
	if why != nil {
		return nil, why
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
	}
	return ms, nil
}

// sdkOf attributes run-time evidence to a third-party SDK: its party, or
// the SDK whose host the catalog knows.
func sdkOf(env *Env, o evidence.Observation) string {
	if o.Party.SDK != "" {
		return o.Party.SDK
	}
	if id, ok := env.Catalog.MatchHost(hostOf(o)); ok {
		return id
	}
	return ""
}

// trafficThirdPartyBeforeConsent: a third-party SDK's server is contacted,
// or receives PI, before consent (SDK start-up, fingerprinting).
func trafficThirdPartyBeforeConsent(env *Env) ([]Match, *Text) {
	var seen []evidence.Observation
	for _, o := range env.Set.Observations {
		if o.Level == evidence.Observed && (o.Kind == evidence.Endpoint || o.Kind == evidence.DataType) {
			seen = append(seen, o)
		}
	}
	obs, why := beforeConsent(env.Set, seen)
	if why != nil {
		return nil, why
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return sdkOf(env, o) })
	for i := range ms {
		ms[i].Detail = map[string]string{"sdk": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
		if sdk, ok := env.Catalog.SDK(ms[i].Subject); ok {
			ms[i].Detail[evidence.DetailSDKName] = sdk.Name
		}
	}
	return ms, nil
}

// trafficCrossBorder: PI sent to a server outside mainland China.
func trafficCrossBorder(env *Env) ([]Match, *Text) {
	located := false
	for _, o := range env.Set.Observations {
		if o.Level == evidence.Observed && o.Attr(evidence.DetailCountry) != "" {
			located = true
			break
		}
	}
	if !located {
		return nil, whyNoCountry
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
	return ms, nil
}

// trafficPlaintextPI: PI sent without transport encryption.
func trafficPlaintextPI(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	transport := false
	for _, o := range observedPI(env.Set) {
		if _, ok := o.Detail[evidence.DetailPlaintext]; ok || o.Attr(evidence.DetailScheme) != "" {
			transport = true
		}
		if o.Attr(evidence.DetailPlaintext) == "true" || o.Attr(evidence.DetailScheme) == "http" || o.Attr(evidence.DetailScheme) == "ws" || o.Attr(evidence.DetailScheme) == "mqtt" {
			obs = append(obs, o)
		}
	}
	if !transport {
		return nil, whyNoTransport
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "hosts": strings.Join(hosts(ms[i].Evidence), ",")}
	}
	return ms, nil
}

// trafficFaceToCloud: facial images or features leave the device and the
// policy does not disclose it with separate consent.
func trafficFaceToCloud(env *Env) ([]Match, *Text) {
	if len(claims(env.Set, evidence.ClaimFaceCloud)) > 0 {
		return nil, nil
	}
	var obs []evidence.Observation
	for _, o := range observedPI(env.Set) {
		if o.Key == "face" {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, hostOf)
	for i := range ms {
		ms[i].Detail = map[string]string{"host": ms[i].Subject, "policy_read": boolString(env.Set.HasInput(evidence.InputPolicy))}
	}
	return ms, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func hosts(obs []evidence.Observation) []string {
	return distinct(obs, func(o evidence.Observation) []string {
		if h := o.Attr(evidence.DetailHost); h != "" || o.Kind != evidence.Endpoint {
			return []string{h}
		}
		return []string{o.Key}
	})
}

// observedTypes lists the PI types an endpoint's evidence carried.
func observedTypes(obs []evidence.Observation) []string {
	return distinct(obs, func(o evidence.Observation) []string {
		ks := strings.Split(o.Attr(evidence.DetailDataTypes), ",")
		for i := range ks {
			ks[i] = strings.TrimSpace(ks[i])
		}
		if o.Kind == evidence.DataType {
			ks = append(ks, o.Key)
		}
		return ks
	})
}

// namedSDKs returns the ids among present (id -> catalog names) that a
// name written in a policy designates. After normalising (case, spaces,
// punctuation, bracketed remarks and the word SDK dropped), the names must
// be equal, or the policy's name must contain a catalog name long enough
// to be specific (four CJK characters or six letters). A policy name that
// only starts catalog names ("友盟", "Google") designates an SDK only when
// it fits exactly one of the app's SDKs: a vendor's name alone never
// discloses all of its SDKs.
func namedSDKs(policyName string, present map[string][]string) []string {
	p := sdkNameCore(policyName)
	if p == "" {
		return nil
	}
	var sure, prefixed []string
	for id, names := range present {
		match, prefix := false, false
		for _, n := range names {
			c := sdkNameCore(n)
			switch {
			case c == "":
			case c == p, specific(c) && strings.Contains(p, c):
				match = true
			case isCJKSpecific(p) && strings.HasPrefix(c, p):
				prefix = true
			}
		}
		if match {
			sure = append(sure, id)
		} else if prefix {
			prefixed = append(prefixed, id)
		}
	}
	if len(sure) == 0 && len(prefixed) == 1 {
		return prefixed
	}
	return sure
}

// specific: long enough to name one product.
func specific(s string) bool {
	cjk, other := runeClasses(s)
	return cjk >= 4 || other >= 6 || cjk >= 2 && other >= 3
}

// isCJKSpecific: a short name that can still start a product name.
func isCJKSpecific(s string) bool {
	cjk, other := runeClasses(s)
	return cjk >= 2 || other >= 4
}

func runeClasses(s string) (cjk, other int) {
	for _, r := range s {
		if r >= 0x2E80 {
			cjk++
		} else {
			other++
		}
	}
	return cjk, other
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
