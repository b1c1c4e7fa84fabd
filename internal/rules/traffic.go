package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/hegui/hegui/internal/evidence"
)

// trafficChecks read run-time evidence: traffic captures and dynamic
// tests, with the moment the user consented.
func trafficChecks() map[string]Check {
	return map[string]Check{
		"traffic_pi_before_consent":          trafficPIBeforeConsent,
		"traffic_third_party_before_consent": trafficThirdPartyBeforeConsent,
		"traffic_cross_border":               trafficCrossBorder,
		"traffic_plaintext_pi":               trafficPlaintextPI,
		"traffic_face_to_cloud":              trafficFaceToCloud,
		"traffic_frequent_pi":                trafficFrequentPI,
	}
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
	// A host the host catalog knows has its owner's country.
	if h := hostOf(o); h != "" {
		if own, ok := env.Catalog.HostOwner(h); ok {
			return own.Country
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
		ms[i].Evidence = distinctPlaces(ms[i].Evidence)
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
		ms[i].Evidence = distinctPlaces(ms[i].Evidence)
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

// distinctPlaces keeps one observation per place: a request that both
// reaches a host and carries PI is one piece of proof, not three.
func distinctPlaces(obs []evidence.Observation) []evidence.Observation {
	seen := map[string]bool{}
	var out []evidence.Observation
	for _, o := range obs {
		k := o.Where.String()
		if o.Where == (evidence.Location{}) {
			k = string(o.Kind) + "\x00" + o.Key
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	return out
}

// Thresholds of over-frequent sending: at least frequentCount sightings
// of one PI item to one host, at a median gap of frequentGap seconds or
// less.
const (
	frequentCount = 5
	frequentGap   = 60
)

// trafficFrequentPI: an identifier or a location sent to one host again
// and again (a capture measures it: "count" and "interval_s" details).
func trafficFrequentPI(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range observedPI(env.Set) {
		n, err1 := strconv.Atoi(o.Attr("count"))
		gap, err2 := strconv.Atoi(o.Attr("interval_s"))
		if err1 != nil || err2 != nil || n < frequentCount || gap > frequentGap {
			continue
		}
		dt, ok := env.Catalog.DataType(o.Key)
		if !ok || !(dt.Identifier || dt.Category == "location") {
			continue
		}
		obs = append(obs, o)
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key + " → " + hostOf(o) })
	for i := range ms {
		o := ms[i].Evidence[0]
		ms[i].Detail = map[string]string{"data_type": o.Key, "host": hostOf(o), "count": o.Attr("count"), "interval_s": o.Attr("interval_s"), "span_s": o.Attr("span_s")}
	}
	return ms, nil
}
