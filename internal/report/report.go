// Package report turns one target's evidence and rule results into the
// report document (the JSON contract) and writes it as JSON or a terminal
// table, in Chinese or English.
package report

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/text"
)

// SchemaVersion of the JSON document. Fields may be added freely; renaming
// or dropping one bumps it.
const SchemaVersion = "1"

// Report is one target's report.
type Report struct {
	SchemaVersion string          `json:"schema_version"`
	Tool          Tool            `json:"tool"`
	Target        evidence.Target `json:"target"`
	Inputs        []string        `json:"inputs"`
	Permissions   []Permission    `json:"permissions"`
	DataTypes     []DataType      `json:"data_types"`
	SDKs          []SDK           `json:"sdks"`
	Endpoints     []Endpoint      `json:"endpoints"`
	Components    []Component     `json:"components"`
	Properties    []Property      `json:"properties"`
	Claims        []Claim         `json:"policy_claims,omitempty"`
	Consent       []Consent       `json:"consent,omitempty"`
	Findings      []Finding       `json:"findings"`
	// Disclosure, for an SDK package, is the row a host app's privacy
	// policy needs for it.
	Disclosure *Disclosure      `json:"sdk_disclosure,omitempty"`
	Rules      []rules.Status   `json:"rules"`
	AppType    *AppType         `json:"app_type"`
	Summary    Summary          `json:"summary"`
	Errors     []evidence.Error `json:"errors"`
	Lang       string           `json:"lang"`
	// PackageInputs are the input kinds of the report that are packages:
	// evidence from them names files inside the package.
	PackageInputs []string `json:"-"`
}

// Tool names the producer and the data it used.
type Tool struct {
	Name    string            `json:"name"`
	Version string            `json:"version"`
	Data    map[string]string `json:"data,omitempty"`
}

// Permission is a requested permission and the PI it exposes.
type Permission struct {
	Name       string   `json:"name"`
	DataTypes  []string `json:"data_types"`
	Protection string   `json:"protection,omitempty"`
	MaxSDK     string   `json:"max_sdk,omitempty"`
	Label      string   `json:"label,omitempty"`
}

// DataType is a PI type with its strongest proof and every source.
type DataType struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Level     string   `json:"level"`
	Sensitive bool     `json:"sensitive"`
	Parties   []string `json:"parties"`
	Sources   []Source `json:"sources"`
}

// Source is one proof of a data type.
type Source struct {
	Level      string `json:"level"`
	Party      string `json:"party"`
	File       string `json:"file,omitempty"`
	Class      string `json:"class,omitempty"`
	Method     string `json:"method,omitempty"`
	Offset     int64  `json:"offset,omitempty"`
	API        string `json:"api,omitempty"`
	Permission string `json:"permission,omitempty"`
	Startup    bool   `json:"startup,omitempty"`
	Path       string `json:"startup_path,omitempty"`
}

// SDK is an embedded third-party SDK.
type SDK struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	NameZh     string   `json:"name_zh,omitempty"`
	Vendor     string   `json:"vendor"`
	Country    string   `json:"country"`
	Categories []string `json:"categories"`
	Level      string   `json:"level"`
	DataTypes  []string `json:"data_types"`
	Startup    bool     `json:"startup"`
	// StartupMode is "compliant" when all that runs at start-up is an
	// entry point the vendor documents as collecting nothing before
	// consent (preInit).
	StartupMode string              `json:"startup_mode,omitempty"`
	Evidence    []evidence.Location `json:"evidence"`
	Matches     []string            `json:"matches"`
}

// Endpoint is a network host the target names or talks to, once per host
// and scheme: URL is the first URL seen (in sort order), URLs every
// distinct one up to maxURLs, Count how many there were.
type Endpoint struct {
	Host   string   `json:"host"`
	URL    string   `json:"url"`
	Scheme string   `json:"scheme"`
	URLs   []string `json:"urls,omitempty"`
	Count  int      `json:"url_count,omitempty"`
	// Owner is who runs the host, from the host catalog (company and
	// country), whether or not an SDK of that company is in the package.
	Owner   string            `json:"owner,omitempty"`
	Country string            `json:"country,omitempty"`
	SDK     string            `json:"sdk,omitempty"`
	Party   string            `json:"party"`
	Source  evidence.Location `json:"source"`
	// Traffic is what a capture showed of the host: volume, timing,
	// addresses, TLS fingerprints, PI sent (absent for hosts only named).
	Traffic *EndpointTraffic `json:"traffic,omitempty"`
}

// EndpointTraffic is a destination as a capture shows it.
type EndpointTraffic struct {
	IPs       []string `json:"ips,omitempty"`
	CountryBy string   `json:"country_by,omitempty"` // "address A.B.C.D" or "company"
	// Cloud is the cloud or CDN operator whose network holds the server
	// (by its autonomous system), in the report's language.
	Cloud       string   `json:"cloud,omitempty"`
	Requests    int      `json:"requests"`
	Connections int      `json:"connections"`
	BytesUp     int64    `json:"bytes_up"`
	BytesDown   int64    `json:"bytes_down"`
	JA4         []string `json:"ja4,omitempty"`
	ALPN        []string `json:"alpn,omitempty"`
	// BeaconSeconds is the period of connections opened at a steady
	// rhythm; SteadyUploadBps the rate of an upload that never stops (an
	// always-on microphone looks like one).
	BeaconSeconds   int      `json:"beacon_interval_s,omitempty"`
	SteadyUploadBps int64    `json:"steady_upload_bps,omitempty"`
	PISent          []string `json:"pi_sent,omitempty"`
}

// endpointTraffic reads a capture's endpoint details.
func endpointTraffic(o evidence.Observation, lang string) *EndpointTraffic {
	if o.Level != evidence.Observed || o.Attr("connections") == "" {
		return nil
	}
	num := func(k string) int64 { n, _ := strconv.ParseInt(o.Attr(k), 10, 64); return n }
	list := func(k string) []string {
		if v := o.Attr(k); v != "" {
			return strings.Split(v, ",")
		}
		return nil
	}
	cloud := o.Attr("cloud")
	if zh := o.Attr("cloud_zh"); lang == "zh" && zh != "" {
		cloud = zh
	}
	return &EndpointTraffic{IPs: list("ips"), CountryBy: o.Attr("country_by"), Cloud: cloud, Requests: int(num("requests")), Connections: int(num("connections")),
		BytesUp: num("bytes_up"), BytesDown: num("bytes_down"), JA4: list("ja4"), ALPN: list("alpn"),
		BeaconSeconds: int(num("beacon_interval_s")), SteadyUploadBps: num("steady_upload_bps"), PISent: list("pi_sent")}
}

// Component is a declared app component.
type Component struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Exported bool   `json:"exported"`
	Party    string `json:"party"`
	Actions  string `json:"actions,omitempty"`
}

// Property is a configuration fact (cleartext, packer, backup…).
type Property struct {
	Key    string            `json:"key"`
	Detail map[string]string `json:"detail,omitempty"`
	Where  evidence.Location `json:"where"`
}

// Claim is what a privacy policy states (a policy_claim observation):
// what it says is collected, which SDKs it lists, which rights it gives.
type Claim struct {
	Key    string            `json:"key"`
	Detail map[string]string `json:"detail,omitempty"`
	Where  evidence.Location `json:"where"`
	Source string            `json:"source"`
}

// Consent is a recorded consent event (when the user accepted the policy).
type Consent struct {
	Key   string            `json:"key"`
	Where evidence.Location `json:"where"`
}

// Finding is a rule's finding with its law in the report's language.
type Finding struct {
	RuleID      string                 `json:"rule_id"`
	Severity    string                 `json:"severity"`
	Title       string                 `json:"title"`
	Description string                 `json:"description"`
	Remediation string                 `json:"remediation"`
	Subject     string                 `json:"subject,omitempty"`
	LegalBasis  []LegalRef             `json:"legal_basis"`
	Evidence    []evidence.Observation `json:"evidence"`
	Detail      map[string]string      `json:"detail,omitempty"`
	Fingerprint string                 `json:"fingerprint"`
	// Suppressed is set when an ignore file accepts the finding; it is
	// still reported, with the reason, and does not count for --fail-on.
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// Suppression records why a finding is accepted.
type Suppression struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	// Source is the ignore file and entry that matched.
	Source string `json:"source"`
}

// LegalRef is a provision a finding rests on.
type LegalRef struct {
	ID       string `json:"id"`
	Citation string `json:"citation"`
	Summary  string `json:"summary"`
	Quote    string `json:"quote_zh,omitempty"`
	Verified string `json:"verified"`
}

// AppType says which necessity baseline was applied.
type AppType struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Summary counts findings by severity.
type Summary struct {
	// Findings counts open findings by severity; suppressed ones are
	// counted in Suppressed only.
	Findings     map[string]int `json:"findings"`
	Suppressed   int            `json:"suppressed"`
	NotEvaluated int            `json:"rules_not_evaluated"`
	Note         string         `json:"note,omitempty"`
}

// Meta is what the builder needs besides evidence and results.
type Meta struct {
	ToolVersion string
	Lang        string
	AppType     string
	Catalog     *catalog.Catalog
	Law         *law.Catalog
}

// Build assembles a report.
func Build(set *evidence.Set, res rules.Result, m Meta) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "hegui", Version: m.ToolVersion, Data: mergeVersions(m.Catalog.Versions(), m.Law.Versions())},
		Target:        set.Target,
		Inputs:        set.Inputs,
		PackageInputs: set.PackageInputs(),
		Lang:          m.Lang,
		Errors:        set.Errors,
		Permissions:   []Permission{},
		DataTypes:     []DataType{},
		SDKs:          []SDK{},
		Endpoints:     []Endpoint{},
		Components:    []Component{},
		Properties:    []Property{},
		Findings:      []Finding{},
		Rules:         localizeStatus(res.Status, m.Lang),
	}
	if r.Errors == nil {
		r.Errors = []evidence.Error{}
	}
	if r.Inputs == nil {
		r.Inputs = []string{}
	}
	r.permissions(set, m)
	r.dataTypes(set, m)
	r.sdks(set, m)
	r.endpoints(set, m)
	r.components(set)
	r.properties(set)
	r.declared(set)
	r.disclosure(set, m)
	r.findings(res, m)
	if m.AppType != "" {
		if at, ok := m.Law.AppType(m.AppType); ok {
			name := at.NameEn
			if strings.HasPrefix(m.Lang, "zh") {
				name = at.NameZh
			}
			r.AppType = &AppType{ID: at.ID, Name: name}
		}
	}
	r.Summary = Summary{}
	r.CountFindings()
	for _, s := range res.Status {
		if s.State == "not_evaluated" {
			r.Summary.NotEvaluated++
		}
	}
	if m.AppType == "" {
		r.Summary.Note = text.Pick(m.Lang, "No app type given: necessity checks were skipped (use --app-type; see `hegui app-types`).",
			"未指定应用类型：已跳过必要个人信息检查（使用 --app-type，参见 `hegui app-types`）。")
	}
	return r
}

// localizeStatus copies rule statuses with their reasons in lang.
func localizeStatus(sts []rules.Status, lang string) []rules.Status {
	out := make([]rules.Status, len(sts))
	for i, s := range sts {
		if s.Why != nil {
			s.Reason = s.Why.In(lang)
		}
		out[i] = s
	}
	return out
}

// CountFindings recounts the summary's findings, after suppressions are
// applied.
func (r *Report) CountFindings() {
	r.Summary.Findings = map[string]int{}
	r.Summary.Suppressed = 0
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			r.Summary.Suppressed++
			continue
		}
		r.Summary.Findings[f.Severity]++
	}
}

func mergeVersions(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func party(p evidence.Party) string {
	if p.FirstParty() {
		return "app" // for an SDK package: its own code
	}
	return p.SDK
}

func (r *Report) permissions(set *evidence.Set, m Meta) {
	seen := map[string]bool{}
	for _, o := range set.Of(evidence.Permission) {
		if seen[o.Key] {
			continue
		}
		seen[o.Key] = true
		p := Permission{Name: o.Key, DataTypes: []string{}, Protection: o.Attr(evidence.DetailProtection), MaxSDK: o.Attr(evidence.DetailMaxSDK)}
		if cp, ok := m.Catalog.Permission(o.Key); ok {
			p.DataTypes = append(p.DataTypes, cp.DataTypes...)
			if strings.HasPrefix(m.Lang, "zh") {
				p.Label = cp.Zh
			}
		} else if uk, ok := m.Catalog.IOSUsageKey(o.Key); ok { // an iOS usage description
			p.DataTypes = append(p.DataTypes, uk.DataTypes...)
			if strings.HasPrefix(m.Lang, "zh") {
				p.Label = uk.Zh
			}
		} else if hp, ok := m.Catalog.HarmonyPermission(o.Key); ok {
			p.DataTypes = append(p.DataTypes, hp.DataTypes...)
			if strings.HasPrefix(m.Lang, "zh") {
				p.Label = hp.Zh
			}
		}
		r.Permissions = append(r.Permissions, p)
	}
	sort.Slice(r.Permissions, func(i, j int) bool { return r.Permissions[i].Name < r.Permissions[j].Name })
}

func (r *Report) dataTypes(set *evidence.Set, m Meta) {
	idx := map[string]int{}
	for _, o := range set.Of(evidence.DataType) {
		i, ok := idx[o.Key]
		if !ok {
			i = len(r.DataTypes)
			idx[o.Key] = i
			dt := DataType{Key: o.Key, Name: o.Key, Parties: []string{}, Sources: []Source{}}
			if t, ok := m.Catalog.DataType(o.Key); ok {
				dt.Name = text.Pick(m.Lang, t.En, t.Zh)
				dt.Sensitive = t.Sensitive
			}
			r.DataTypes = append(r.DataTypes, dt)
		}
		dt := &r.DataTypes[i]
		if o.Level.Rank() > evidence.Level(dt.Level).Rank() {
			dt.Level = string(o.Level)
		}
		p := party(o.Party)
		if !slices.Contains(dt.Parties, p) {
			dt.Parties = append(dt.Parties, p)
		}
		dt.Sources = append(dt.Sources, Source{Level: string(o.Level), Party: p, File: o.Where.File, Class: o.Where.Class,
			Method: o.Where.Method, Offset: o.Where.Offset, API: o.Attr(evidence.DetailAPI), Permission: o.Attr(evidence.DetailPermission),
			Startup: o.Attr(evidence.DetailStartup) == "true", Path: o.Attr(evidence.DetailStartupPath)})
	}
	sort.SliceStable(r.DataTypes, func(i, j int) bool {
		a, b := r.DataTypes[i], r.DataTypes[j]
		if a.Sensitive != b.Sensitive {
			return a.Sensitive
		}
		return a.Key < b.Key
	})
}

func (r *Report) sdks(set *evidence.Set, m Meta) {
	idx := map[string]int{}
	started := map[int]bool{} // the SDK itself starts at launch
	for _, o := range set.Of(evidence.SDK) {
		i, ok := idx[o.Key]
		if !ok {
			i = len(r.SDKs)
			idx[o.Key] = i
			s := SDK{ID: o.Key, Name: o.Key, Categories: []string{}, DataTypes: []string{}, Evidence: []evidence.Location{}, Matches: []string{}}
			if c, ok := m.Catalog.SDK(o.Key); ok {
				s.Name, s.NameZh, s.Vendor, s.Country = c.Name, c.NameZh, c.Vendor, c.Country
				s.Categories = append(s.Categories, c.Categories...)
			} else if strings.HasPrefix(o.Key, "unknown:") {
				// Code in no SDK signature, library or the app's packages.
				s.Name = o.Party.Name + " (unidentified third party)"
				s.NameZh = o.Party.Name + "（未识别的第三方）"
				s.Categories = append(s.Categories, "unidentified")
			}
			r.SDKs = append(r.SDKs, s)
		}
		s := &r.SDKs[i]
		if o.Level.Rank() > evidence.Level(s.Level).Rank() {
			s.Level = string(o.Level)
		}
		if o.Attr(evidence.DetailStartup) == "true" {
			s.Startup = true
			if o.Attr(evidence.DetailStartupMode) != evidence.StartupCompliant {
				started[i] = true
			}
			s.StartupMode = ""
			if !started[i] {
				s.StartupMode = evidence.StartupCompliant
			}
		}
		if o.Where != (evidence.Location{}) {
			s.Evidence = append(s.Evidence, o.Where)
		}
		if how := o.Attr(evidence.DetailMatch); how != "" && !slices.Contains(s.Matches, how) {
			s.Matches = append(s.Matches, how)
		}
	}
	// What each SDK's own code reads.
	for _, o := range set.Of(evidence.DataType) {
		if i, ok := idx[o.Party.SDK]; ok && o.Level.Rank() >= evidence.Referenced.Rank() && !slices.Contains(r.SDKs[i].DataTypes, o.Key) {
			r.SDKs[i].DataTypes = append(r.SDKs[i].DataTypes, o.Key)
		}
	}
	for i := range r.SDKs {
		sort.Strings(r.SDKs[i].DataTypes)
		if len(r.SDKs[i].Evidence) == 0 {
			// The contract wants at least one piece of evidence.
			r.SDKs[i].Evidence = append(r.SDKs[i].Evidence, evidence.Location{File: set.Target.Path})
		}
	}
	sort.SliceStable(r.SDKs, func(i, j int) bool { return r.SDKs[i].ID < r.SDKs[j].ID })
}

func (r *Report) endpoints(set *evidence.Set, m Meta) {
	present := map[string]bool{}
	for _, o := range set.Of(evidence.SDK) {
		present[o.Key] = true
	}
	// sdkOf names the SDK behind a host only when that SDK is in the
	// package: "owned by vendor X" is not "SDK X present".
	sdkOf := func(o evidence.Observation) string {
		if id := o.Attr(evidence.DetailSDK); present[id] {
			return id
		}
		return ""
	}
	type key struct{ host, scheme string }
	at := map[key]int{}
	urls := map[key]map[string]bool{}
	for _, o := range set.Of(evidence.Endpoint) {
		k := key{o.Key, o.Attr(evidence.DetailScheme)}
		u := o.Attr(evidence.DetailURL)
		if urls[k] == nil {
			urls[k] = map[string]bool{}
		}
		if u != "" {
			urls[k][u] = true
		}
		if i, ok := at[k]; ok {
			// Keep the first URL in sort order as the representative,
			// with its own source, so output does not depend on order.
			if e := &r.Endpoints[i]; u != "" && (e.URL == "" || u < e.URL) {
				e.URL, e.SDK, e.Party, e.Source = u, sdkOf(o), party(o.Party), o.Where
			}
			continue
		}
		at[k] = len(r.Endpoints)
		ep := Endpoint{Host: o.Key, URL: u, Scheme: k.scheme, SDK: sdkOf(o), Party: party(o.Party), Source: o.Where, Country: o.Attr(evidence.DetailCountry),
			Traffic: endpointTraffic(o, m.Lang)}
		if m.Catalog != nil {
			if own, ok := m.Catalog.HostOwner(o.Key); ok {
				ep.Owner = own.Company
				if ep.Country == "" {
					ep.Country = own.Country
				}
			}
		}
		r.Endpoints = append(r.Endpoints, ep)
	}
	for i := range r.Endpoints {
		e := &r.Endpoints[i]
		set := urls[key{e.Host, e.Scheme}]
		if len(set) < 2 {
			continue
		}
		e.Count = len(set)
		for u := range set {
			e.URLs = append(e.URLs, u)
		}
		sort.Strings(e.URLs)
		if len(e.URLs) > maxURLs {
			e.URLs = e.URLs[:maxURLs]
		}
	}
	sort.SliceStable(r.Endpoints, func(i, j int) bool {
		if r.Endpoints[i].Host != r.Endpoints[j].Host {
			return r.Endpoints[i].Host < r.Endpoints[j].Host
		}
		return r.Endpoints[i].Scheme < r.Endpoints[j].Scheme
	})
}

// maxURLs bounds the URLs listed per endpoint.
const maxURLs = 50

func (r *Report) components(set *evidence.Set) {
	for _, o := range set.Of(evidence.Component) {
		r.Components = append(r.Components, Component{Type: o.Attr(evidence.DetailType), Name: o.Key, Exported: o.Attr(evidence.DetailExported) == "true", Party: party(o.Party), Actions: o.Attr(evidence.DetailActions)})
	}
}

func (r *Report) properties(set *evidence.Set) {
	for _, o := range set.Of(evidence.Property) {
		r.Properties = append(r.Properties, Property{Key: o.Key, Detail: o.Detail, Where: o.Where})
	}
}

// declared copies the declared side: policy statements and consent.
func (r *Report) declared(set *evidence.Set) {
	for _, o := range set.Of(evidence.PolicyClaim) {
		r.Claims = append(r.Claims, Claim{Key: o.Key, Detail: o.Detail, Where: o.Where, Source: o.Source})
	}
	for _, o := range set.Of(evidence.Consent) {
		r.Consent = append(r.Consent, Consent{Key: o.Key, Where: o.Where})
	}
}

func (r *Report) findings(res rules.Result, m Meta) {
	for _, f := range res.Findings {
		out := Finding{RuleID: f.RuleID, Severity: string(f.Severity), Title: f.Title.In(m.Lang), Description: f.Description.In(m.Lang),
			Remediation: f.Remediation.In(m.Lang), Subject: f.Subject, Evidence: f.Evidence, Detail: f.Detail, Fingerprint: f.Fingerprint}
		for _, id := range f.LegalBasis {
			ref := LegalRef{ID: id, Citation: id}
			if p, ok := m.Law.Provision(id); ok {
				ref.Citation = p.Cite(m.Lang)
				ref.Summary = text.Pick(m.Lang, p.SummaryEn, p.SummaryZh)
				ref.Quote = p.QuoteZh
				ref.Verified = p.Verified
			}
			out.LegalBasis = append(out.LegalBasis, ref)
		}
		if out.Evidence == nil {
			out.Evidence = []evidence.Observation{}
		}
		r.Findings = append(r.Findings, out)
	}
}
