package rules

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// builtinChecks are the checks rule files name. Each reads evidence only,
// never a parser, so the same check serves every input kind that produces
// the evidence it reads.
func builtinChecks() map[string]Check {
	m := map[string]Check{}
	for _, part := range []map[string]Check{packageChecks(), permissionChecks(), policyChecks(), trafficChecks(), iosChecks(), {"evidence_incomplete": evidenceIncomplete}} {
		for k, v := range part {
			m[k] = v
		}
	}
	return m
}

// packageChecks read evidence from app packages.
func packageChecks() map[string]Check {
	return map[string]Check{
		"sdk_collects_pi":           sdkCollectsPI,
		"sdk_declares_pi":           sdkDeclaresPI,
		"sdk_foreign_vendor":        sdkForeignVendor,
		"sensitive_permission":      sensitivePermission,
		"sensitive_api":             sensitiveAPI,
		"startup_pi_access":         startupPIAccess,
		"startup_sdk_init":          startupSDKInit,
		"cleartext_traffic":         cleartextTraffic,
		"non_resettable_identifier": nonResettableID,
		"packed":                    packed,
		"archive_tampering":         archiveTampering,
		"installed_apps":            installedApps,
		"unguarded_reads":           unguardedReads,
		"unnecessary_for_app_type":  unnecessaryForAppType,
	}
}

// groupBy collects observations into matches keyed by subject, in first-seen
// order.
func groupBy(obs []evidence.Observation, subject func(evidence.Observation) string) []Match {
	idx := map[string]int{}
	var out []Match
	for _, o := range obs {
		s := subject(o)
		if s == "" {
			continue
		}
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, Match{Subject: s})
		}
		out[i].Evidence = append(out[i].Evidence, o)
	}
	return out
}

// sdkCollectsPI: third-party SDK code in the package calls PI APIs.
func sdkCollectsPI(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if !o.Party.FirstParty() {
			obs = append(obs, o)
		}
	}
	return env.byParty(obs), nil
}

// sdkDeclaresPI: an SDK whose vendor says it collects PI is embedded, but
// no call site was found (obfuscated, reflective, or native code).
func sdkDeclaresPI(env *Env) ([]Match, *Text) {
	referenced := map[string]bool{}
	for _, o := range env.Set.Observations {
		if o.Kind == evidence.DataType && o.Level.Rank() >= evidence.Referenced.Rank() && o.Party.SDK != "" {
			referenced[o.Party.SDK] = true
		}
	}
	var out []Match
	for _, m := range groupBy(env.Set.Of(evidence.SDK), func(o evidence.Observation) string { return o.Key }) {
		sdk, ok := env.Catalog.SDK(m.Subject)
		if !ok || len(sdk.Collects) == 0 || referenced[m.Subject] {
			continue
		}
		m.Detail = map[string]string{"sdk": m.Subject, "sdk_name": sdk.Name, "vendor": sdk.Vendor, "data_types": strings.Join(sdk.Collects, ",")}
		out = append(out, m)
	}
	return out, nil
}

// sdkForeignVendor: SDKs of a vendor outside mainland China are embedded;
// what they collect may leave the country. One finding per vendor, listing
// its SDKs.
func sdkForeignVendor(env *Env) ([]Match, *Text) {
	var out []Match
	at := map[string]int{}
	for _, m := range groupBy(env.Set.Of(evidence.SDK), func(o evidence.Observation) string { return o.Key }) {
		sdk, ok := env.Catalog.SDK(m.Subject)
		if !ok || sdk.Country == "" || sdk.Country == env.home() || !collectsPI(env, m.Subject, sdk.Collects) {
			continue
		}
		vendor := sdk.Vendor
		if vendor == "" {
			vendor = sdk.Name
		}
		i, seen := at[vendor]
		if !seen {
			i = len(out)
			at[vendor] = i
			out = append(out, Match{Subject: vendor, Detail: map[string]string{"vendor": vendor, "country": sdk.Country}})
		}
		out[i].Evidence = append(out[i].Evidence, m.Evidence...)
		out[i].Detail["sdk"] = joinNew(out[i].Detail["sdk"], m.Subject)
		out[i].Detail["sdk_name"] = joinNew(out[i].Detail["sdk_name"], sdk.Name)
	}
	return out, nil
}

// joinNew appends v to a comma-separated list unless it is there.
func joinNew(list, v string) string {
	if list == "" {
		return v
	}
	if slices.Contains(strings.Split(list, ","), v) {
		return list
	}
	return list + "," + v
}

func collectsPI(env *Env, sdkID string, declared []string) bool {
	if len(declared) > 0 {
		return true
	}
	for _, o := range env.Set.Observations {
		if o.Kind == evidence.DataType && o.Party.SDK == sdkID {
			return true
		}
	}
	return false
}

// sensitivePermission: a permission that exposes sensitive PI.
func sensitivePermission(env *Env) ([]Match, *Text) {
	var out []Match
	for _, m := range groupBy(env.Set.Of(evidence.Permission), func(o evidence.Observation) string { return o.Key }) {
		p, ok := env.Catalog.Permission(m.Subject)
		if !ok {
			continue
		}
		var sens []string
		for _, dt := range p.DataTypes {
			if t, ok := env.Catalog.DataType(dt); ok && t.Sensitive {
				sens = append(sens, dt)
			}
		}
		if len(sens) == 0 {
			continue
		}
		m.Detail = map[string]string{"permission": m.Subject, "data_types": strings.Join(sens, ",")}
		out = append(out, m)
	}
	return out, nil
}

// sensitiveAPI: code reads sensitive PI; one finding per party.
func sensitiveAPI(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if t, ok := env.Catalog.DataType(o.Key); ok && t.Sensitive {
			obs = append(obs, o)
		}
	}
	return env.byParty(obs), nil
}

// startupPIAccess: PI read by code that runs when the process starts, one
// finding per party. Categories named in the rule's exclude_categories
// (device facts such as the model or OS version) are not PI whose
// collection before consent regulators charge.
func startupPIAccess(env *Env) ([]Match, *Text) {
	exclude := strings.Split(env.Rule.Params["exclude_categories"], ",")
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if o.Attr(evidence.DetailStartup) != "true" {
			continue
		}
		if t, ok := env.Catalog.DataType(o.Key); ok && slices.Contains(exclude, t.Category) {
			continue
		}
		obs = append(obs, o)
	}
	return env.byParty(obs), nil
}

// startupSDKInit: third-party SDK code reached from start-up.
func startupSDKInit(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.SDK) {
		// A compliant pre-initialisation (preInit) is the documented
		// way to start before consent.
		if o.Attr(evidence.DetailStartup) == "true" && o.Attr(evidence.DetailStartupMode) != evidence.StartupCompliant {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"sdk": ms[i].Subject, "startup_path": ms[i].Evidence[0].Attr(evidence.DetailStartupPath)}
		if sdk, ok := env.Catalog.SDK(ms[i].Subject); ok {
			ms[i].Detail[evidence.DetailSDKName] = sdk.Name
		}
	}
	return ms, nil
}

// cleartextTraffic: the app allows unencrypted HTTP.
func cleartextTraffic(env *Env) ([]Match, *Text) {
	var out []Match
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == "cleartext_traffic" && (o.Attr(evidence.DetailValue) == "true" || o.Attr(evidence.DetailDomains) != "") {
			out = append(out, Match{Subject: "cleartext", Evidence: []evidence.Observation{o}, Detail: map[string]string{"how": o.Attr(evidence.DetailHow), "domains": o.Attr(evidence.DetailDomains)}})
		}
	}
	// Plain-HTTP endpoints in code are the proof that it is used.
	if len(out) > 0 {
		for _, e := range env.Set.Of(evidence.Endpoint) {
			if e.Attr(evidence.DetailScheme) == "http" || e.Attr(evidence.DetailScheme) == "ws" {
				out[0].Evidence = append(out[0].Evidence, e)
			}
		}
	}
	return out, nil
}

// nonResettableID: code reads identifiers the user cannot reset; one
// finding per party.
func nonResettableID(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if t, ok := env.Catalog.DataType(o.Key); ok && t.Identifier && t.NonResettable {
			obs = append(obs, o)
		}
	}
	return env.byParty(obs), nil
}

// packed: a hardening shell hides the bytecode.
func packed(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == "packer" || o.Key == "bytecode_incomplete" {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string {
		if id := o.Attr(evidence.DetailID); id != "" {
			return id
		}
		return o.Key
	})
	for i := range ms {
		ms[i].Detail = map[string]string{"packer": ms[i].Evidence[0].Attr(evidence.DetailName), "reason": ms[i].Evidence[0].Attr(evidence.DetailReason)}
	}
	return ms, nil
}

// archiveTampering: the package carries anti-analysis tricks.
func archiveTampering(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.Property) {
		if o.Key == "archive_anomaly" || o.Key == "manifest_anomaly" {
			obs = append(obs, o)
		}
	}
	if len(obs) == 0 {
		return nil, nil
	}
	return []Match{{Subject: "archive", Evidence: obs, Detail: map[string]string{"count": strconv.Itoa(len(obs))}}}, nil
}

// probeThreshold is how many distinct apps a party must look up by name
// for its lookups to be app-list probing: a few payment or login apps are
// normal; checking for dozens is collecting the list one name at a time.
const probeThreshold = 10

// probeAPI reports the lookups by package name that probing uses.
func probeAPI(api string) bool {
	for _, m := range []string{".getPackageInfo", ".getApplicationInfo", ".getLaunchIntentForPackage", ".getApplicationIcon", ".getApplicationLabel"} {
		if strings.HasSuffix(api, m) {
			return true
		}
	}
	return false
}

// installedApps: the installed-app list is read, by enumeration or by
// probing many named apps one by one; one finding per party.
func installedApps(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	for _, o := range env.codeReads() {
		if o.Key == "installed_apps" {
			obs = append(obs, o)
		}
	}
	probes := map[string][]evidence.Observation{}
	named := map[string]map[string]bool{}
	for _, o := range env.Set.Of(evidence.Property) {
		// Only named apps count: a string constant passed to a lookup
		// by package name (a parameter or a uid is one lookup of an app
		// the code was handed, not a probe).
		name := o.Attr(evidence.DetailArgs)
		if o.Key != evidence.PropertyPresenceCheck || o.Attr(evidence.DetailDataType) != "installed_apps" || !probeAPI(o.Attr(evidence.DetailAPI)) ||
			len(name) < 3 || name[0] != '"' || name[len(name)-1] != '"' {
			continue
		}
		p := partyOf(o)
		if named[p] == nil {
			named[p] = map[string]bool{}
		}
		named[p][o.Attr(evidence.DetailArgs)] = true
		probes[p] = append(probes[p], o)
	}
	for p, names := range named {
		if len(names) >= probeThreshold {
			obs = append(obs, probes[p]...)
		}
	}
	return env.byParty(obs), nil
}

// unguardedReads: code reads PI that a runtime permission guards, and the
// app declares none of the permissions: the platform returns nothing, so
// this is reported as a fact for the inspector, never as collection.
func unguardedReads(env *Env) ([]Match, *Text) {
	var obs []evidence.Observation
	missing := map[string][]string{}
	for _, o := range env.Set.Of(evidence.DataType) {
		if _, lesser := env.degraded(o); lesser {
			continue // a lesser type the app does get: a real read
		}
		if g := env.unguarded(o); g != nil {
			obs = append(obs, o)
			missing[partyOf(o)] = append(missing[partyOf(o)], g...)
		}
	}
	ms := env.byParty(obs)
	for i := range ms {
		ms[i].Detail["permissions_missing"] = strings.Join(distinctStrings(missing[ms[i].Subject]), ",")
	}
	return ms, nil
}

func distinctStrings(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// unnecessaryForAppType: PI collected that the app type's basic function
// does not need (necessary-PI provisions).
func unnecessaryForAppType(env *Env) ([]Match, *Text) {
	if env.Options.AppType == "" {
		return nil, whyNoAppType
	}
	at, ok := env.Law.AppType(env.Options.AppType)
	if !ok {
		return nil, whyUnknownAppType(env.Options.AppType)
	}
	includes := func(k string) []string {
		if t, ok := env.Catalog.DataType(k); ok {
			return t.Includes
		}
		return nil
	}
	var obs []evidence.Observation
	for _, o := range env.Set.Of(evidence.DataType) {
		if !at.Necessary(o.Key, includes) {
			obs = append(obs, o)
		}
	}
	ms := groupBy(obs, func(o evidence.Observation) string { return o.Key })
	for i := range ms {
		ms[i].Detail = map[string]string{"data_type": ms[i].Subject, "app_type": at.ID, "level": strongest(ms[i].Evidence)}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Subject < ms[j].Subject })
	return ms, nil
}

func strongest(obs []evidence.Observation) string {
	var best evidence.Level
	for _, o := range obs {
		if o.Level.Rank() > best.Rank() {
			best = o.Level
		}
	}
	return string(best)
}

func distinctKeys(obs []evidence.Observation) []string {
	return distinct(obs, func(o evidence.Observation) []string { return []string{o.Key} })
}

// distinct returns the non-empty values pick finds in the observations,
// each once, sorted.
func distinct(obs []evidence.Observation, pick func(evidence.Observation) []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range obs {
		for _, v := range pick(o) {
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}
