package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/text"
)

// SARIF constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// ToolInformationURI is the project page named in the SARIF driver.
	ToolInformationURI = "https://github.com/hegui/hegui"
	// FingerprintKey names hegui's fingerprint in a result's
	// partialFingerprints. The suffix is bumped if the fingerprint's
	// recipe ever changes, so old and new values are never compared.
	FingerprintKey = "heguiFingerprint/v1"
	// MaxSARIFLocations bounds the locations of one result (GitHub code
	// scanning keeps at most ten); the result's properties give the total.
	MaxSARIFLocations = 10
)

// Notification descriptor ids (tool.driver.notifications).
const (
	notifyReadError    = "read-error"
	notifyNotEvaluated = "rule-not-evaluated"
)

// WriterOptions is what writers other than table and json need: the
// engine's rules and the legal catalog (to describe every rule, fired or
// not), the tool version, and the language of rule texts. Zero values are
// accepted: rules are then described from the findings alone.
type WriterOptions struct {
	Rules       []rules.Rule
	Law         *law.Catalog
	ToolVersion string
	Lang        string
	// Failed lists inputs that could not be read at all.
	Failed []InputFailure
}

// InputFailure is an input that could not be read at all.
type InputFailure struct {
	Path string
	Err  string
	// Reported is set when the input has a report of its own (saying
	// nothing could be read): its error is told there, not again.
	Reported bool
}

// SARIF writes one SARIF 2.1.0 log with one run for all reports: each
// scanned input is an artifact of the run and each finding a result.
//
// Files inside an input (classes.dex, AndroidManifest.xml, a dex inside a
// nested jar) are artifacts nested in the input's artifact: their
// artifact.parentIndex points at the parent, their location.uri is their
// path inside the parent (a relative reference), and results reference
// them by that uri and by artifactLocation.index. That is SARIF's own way
// of saying "inside an archive" (§3.24.3), it keeps the classes.dex of two
// APKs apart, and it keeps result URIs plain relative paths, which GitHub
// code scanning accepts (it rejects URI schemes it does not know, such as
// jar:). A uriBaseId per input would instead need originalUriBaseIds to
// end in "/", i.e. to pretend an APK is a directory.
//
// Severities map to levels and to GitHub's security-severity scores:
//
//	critical  error    9.5
//	high      error    8.0
//	medium    warning  5.5
//	low       note     3.0
//	info      note     0.0
//
// GitHub reads scores over 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium
// and 0.1–3.9 low.
type SARIF struct {
	// Rules are every rule of the engine; each becomes a
	// tool.driver.rules entry whether it fired or not.
	Rules []rules.Rule
	// Law resolves legal-basis ids to citations; nil leaves the ids.
	Law         *law.Catalog
	ToolVersion string
	// Lang is the language of rule texts and messages ("zh" or "en");
	// empty takes the first report's.
	Lang string
	// Failed inputs become error notifications, and the invocation is
	// then not successful.
	Failed []InputFailure
}

// Write implements Writer.
func (s SARIF) Write(w io.Writer, reports []*Report) error {
	doc := s.build(reports)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}

// build makes the SARIF log for the reports. It depends only on its inputs
// (no clock, no working directory), so equal scans give equal logs.
func (s SARIF) build(reports []*Report) *sarifLog {
	lang := s.Lang
	if lang == "" && len(reports) > 0 && reports[0] != nil {
		lang = reports[0].Lang
	}
	b := &sarifBuilder{lang: lang, law: s.Law, ruleIdx: map[string]int{}, artIdx: map[artifactKey]int{}}
	b.addRules(s.Rules, reports)

	run := sarifRun{
		Tool:        sarifTool{Driver: b.driver(s.ToolVersion)},
		Language:    sarifLanguage(lang),
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
	}
	inv := &run.Invocations[0]
	for _, r := range reports {
		if r == nil {
			continue
		}
		t := b.target(r.Target)
		b.profile(t, r.Endpoints)
		for i := range r.Findings {
			run.Results = append(run.Results, b.result(r, t, &r.Findings[i]))
		}
		for _, e := range r.Errors {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, b.readError(r, t, e))
			if evidence.Grave(e.Part, e.Cause) && e.Cause != "" {
				// Code or the manifest went unread: the run did not do
				// what it was asked to.
				inv.ExecutionSuccessful = false
			}
		}
		for _, st := range r.Rules {
			if st.State == "not_evaluated" {
				inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, b.notEvaluated(r, t, st))
			}
		}
	}
	for _, f := range s.Failed {
		inv.ExecutionSuccessful = false
		if f.Reported {
			continue
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Descriptor: &sarifReference{ID: "input-unreadable"},
			Level:      "error",
			Message:    sarifMessage{Text: f.Path + ": " + f.Err},
			Properties: map[string]any{"path": f.Path},
		})
	}
	run.Artifacts = b.artifacts
	return &sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// sarifLog is the top-level SARIF document (§3.13).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Language    string            `json:"language,omitempty"`
	Artifacts   []sarifArtifact   `json:"artifacts,omitempty"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifComponent `json:"driver"`
}

type sarifComponent struct {
	Name            string            `json:"name"`
	Version         string            `json:"version,omitempty"`
	SemanticVersion string            `json:"semanticVersion,omitempty"`
	InformationURI  string            `json:"informationUri"`
	Language        string            `json:"language,omitempty"`
	Rules           []sarifDescriptor `json:"rules"`
	Notifications   []sarifDescriptor `json:"notifications"`
}

type sarifDescriptor struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     *sarifText      `json:"shortDescription,omitempty"`
	FullDescription      *sarifText      `json:"fullDescription,omitempty"`
	Help                 *sarifText      `json:"help,omitempty"`
	DefaultConfiguration *sarifConfig    `json:"defaultConfiguration,omitempty"`
	Properties           *ruleProperties `json:"properties,omitempty"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type ruleProperties struct {
	Tags             []string     `json:"tags"`
	SecuritySeverity string       `json:"security-severity"`
	Precision        string       `json:"precision"`
	Severity         string       `json:"severity"`
	LegalBasis       []sarifLegal `json:"legal_basis"`
	Source           string       `json:"source,omitempty"`
}

type sarifLegal struct {
	ID       string `json:"id"`
	Citation string `json:"citation"`
	Verified string `json:"verified,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifMessage  `json:"message,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
	// key is the evidence location it was made from (for de-duplication).
	key evidence.Location
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI   string `json:"uri"`
	Index int    `json:"index"`
}

type sarifRegion struct {
	StartLine  int   `json:"startLine,omitempty"`
	ByteOffset int64 `json:"byteOffset,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	DecoratedName      string `json:"decoratedName,omitempty"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string            `json:"kind"`
	Status        string            `json:"status"`
	Justification string            `json:"justification,omitempty"`
	Properties    map[string]string `json:"properties,omitempty"`
}

type sarifArtifact struct {
	Location    sarifArtifactURI  `json:"location"`
	ParentIndex *int              `json:"parentIndex,omitempty"`
	Length      int64             `json:"length,omitempty"`
	MimeType    string            `json:"mimeType,omitempty"`
	Roles       []string          `json:"roles,omitempty"`
	Hashes      map[string]string `json:"hashes,omitempty"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifArtifactURI struct {
	URI string `json:"uri"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Descriptor     *sarifReference `json:"descriptor,omitempty"`
	AssociatedRule *sarifReference `json:"associatedRule,omitempty"`
	Level          string          `json:"level"`
	Message        sarifMessage    `json:"message"`
	Locations      []sarifLocation `json:"locations,omitempty"`
	Properties     map[string]any  `json:"properties,omitempty"`
}

type sarifReference struct {
	ID    string `json:"id"`
	Index *int   `json:"index,omitempty"`
}

type artifactKey struct {
	parent int // -1 for an input
	uri    string
}

// sarifBuilder accumulates the run's rules and artifacts.
type sarifBuilder struct {
	lang      string
	law       *law.Catalog
	rules     []sarifDescriptor
	ruleIdx   map[string]int
	artifacts []sarifArtifact
	artIdx    map[artifactKey]int
}

// SecuritySeverity is the GitHub code scanning score of a severity (see
// SARIF).
func SecuritySeverity(s string) string {
	switch rules.Severity(s) {
	case rules.Critical:
		return "9.5"
	case rules.High:
		return "8.0"
	case rules.Medium:
		return "5.5"
	case rules.Low:
		return "3.0"
	}
	return "0.0"
}

// SARIFLevel is the SARIF level of a severity (see SARIF).
func SARIFLevel(s string) string {
	switch rules.Severity(s) {
	case rules.Critical, rules.High:
		return "error"
	case rules.Medium:
		return "warning"
	}
	return "note"
}

// ruleText is what a descriptor is made of, whether from an engine rule or
// from a finding whose rule the writer was not given.
type ruleText struct {
	id, severity, nameEn            string
	title, description, remediation string
	legal                           []LegalRef
	tags                            []string
	precision, source               string
}

func (b *sarifBuilder) addRules(engine []rules.Rule, reports []*Report) {
	byID := map[string]ruleText{}
	for _, r := range engine {
		if _, dup := byID[r.ID]; dup || r.ID == "" {
			continue
		}
		byID[r.ID] = ruleText{
			id: r.ID, severity: string(r.Severity), nameEn: r.Title.En,
			title: r.Title.In(b.lang), description: r.Description.In(b.lang), remediation: r.Remediation.In(b.lang),
			legal: b.legalRefs(r.LegalBasis), tags: r.Tags, precision: r.Params["precision"], source: r.Source,
		}
	}
	for _, rep := range reports {
		if rep == nil {
			continue
		}
		for _, f := range rep.Findings {
			if _, ok := byID[f.RuleID]; ok {
				continue
			}
			rt := ruleText{id: f.RuleID, severity: f.Severity, title: f.Title, description: f.Description,
				remediation: f.Remediation, legal: f.LegalBasis}
			if !text.IsZh(rep.Lang) {
				rt.nameEn = f.Title
			}
			byID[f.RuleID] = rt
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	b.rules = make([]sarifDescriptor, 0, len(ids))
	for i, id := range ids {
		b.ruleIdx[id] = i
		b.rules = append(b.rules, b.descriptor(byID[id]))
	}
}

func (b *sarifBuilder) legalRefs(ids []string) []LegalRef {
	out := make([]LegalRef, 0, len(ids))
	for _, id := range ids {
		ref := LegalRef{ID: id, Citation: id}
		if b.law != nil {
			if p, ok := b.law.Provision(id); ok {
				ref.Citation = p.Cite(b.lang)
				ref.Summary = p.Summary(b.lang)
				ref.Verified = p.Verified
			}
		}
		out = append(out, ref)
	}
	return out
}

func (b *sarifBuilder) descriptor(r ruleText) sarifDescriptor {
	d := sarifDescriptor{
		ID:                   r.id,
		Name:                 camelName(r.nameEn),
		DefaultConfiguration: &sarifConfig{Level: SARIFLevel(r.severity)},
	}
	if r.title != "" {
		d.ShortDescription = &sarifText{Text: r.title}
	}
	if r.description != "" {
		d.FullDescription = &sarifText{Text: r.description}
	}
	text, md := b.help(r)
	if text != "" {
		d.Help = &sarifText{Text: text, Markdown: md}
	}
	p := &ruleProperties{
		Tags:             appendUnique([]string{"security", "privacy", "pipl"}, r.tags...),
		SecuritySeverity: SecuritySeverity(r.severity),
		Precision:        precision(r.precision),
		Severity:         r.severity,
		LegalBasis:       make([]sarifLegal, 0, len(r.legal)),
		Source:           r.source,
	}
	for _, l := range r.legal {
		p.LegalBasis = append(p.LegalBasis, sarifLegal{ID: l.ID, Citation: l.Citation, Verified: l.Verified})
	}
	d.Properties = p
	return d
}

// help renders the remediation and the law a rule rests on, as text and
// as Markdown.
func (b *sarifBuilder) help(r ruleText) (plain, md string) {
	var t, m strings.Builder
	if r.remediation != "" {
		t.WriteString(r.remediation)
		m.WriteString("**" + text.Pick(b.lang, "Remediation", "整改建议") + "**\n\n")
		m.WriteString(mdEscape(r.remediation))
	}
	if len(r.legal) > 0 {
		if t.Len() > 0 {
			t.WriteString("\n\n")
			m.WriteString("\n\n")
		}
		t.WriteString(text.Pick(b.lang, "Legal basis:", "法律依据："))
		m.WriteString("**" + text.Pick(b.lang, "Legal basis", "法律依据") + "**\n")
		for _, l := range r.legal {
			t.WriteString("\n- " + l.Citation)
			m.WriteString("\n- **" + mdEscape(l.Citation) + "**")
			if l.Summary != "" {
				t.WriteString(text.Pick(b.lang, ": ", "：") + l.Summary)
				m.WriteString(text.Pick(b.lang, ": ", "：") + mdEscape(l.Summary))
			}
		}
	}
	return t.String(), m.String()
}

func (b *sarifBuilder) driver(version string) sarifComponent {
	d := sarifComponent{
		Name:           "hegui",
		Version:        version,
		InformationURI: ToolInformationURI,
		Language:       sarifLanguage(b.lang),
		Rules:          b.rules,
		Notifications: []sarifDescriptor{
			{ID: notifyReadError, ShortDescription: &sarifText{Text: text.Pick(b.lang,
				"Part of an input could not be read; rules that need it are not evaluated.",
				"输入的一部分无法读取；依赖它的规则未评估。")},
				DefaultConfiguration: &sarifConfig{Level: "warning"}},
			{ID: notifyNotEvaluated, ShortDescription: &sarifText{Text: text.Pick(b.lang,
				"A rule could not be evaluated for an input (its evidence is missing); it neither fired nor passed.",
				"某条规则无法对该输入评估（缺少所需证据）：既未触发，也未通过。")},
				DefaultConfiguration: &sarifConfig{Level: "note"}},
		},
	}
	if v := strings.TrimPrefix(version, "v"); isSemver(v) {
		d.SemanticVersion = v
	}
	return d
}

// profile adds what a capture showed of each destination (the device
// profile: volume, beacons, steady uploads, country, PI sent) to the
// target artifact's properties, as "destinations".
func (b *sarifBuilder) profile(t int, eps []Endpoint) {
	var dests []map[string]any
	for _, e := range eps {
		if e.Traffic == nil {
			continue
		}
		d := map[string]any{"host": e.Host, "scheme": e.Scheme, "traffic": e.Traffic}
		if e.Country != "" {
			d["country"] = e.Country
		}
		if e.Owner != "" {
			d["owner"] = e.Owner
		}
		dests = append(dests, d)
	}
	if len(dests) > 0 {
		b.artifacts[t].Properties["destinations"] = dests
	}
}

// target adds an input as a top-level artifact and returns its index.
func (b *sarifBuilder) target(t evidence.Target) int {
	uri := fileURI(t.Path)
	k := artifactKey{parent: -1, uri: uri}
	if i, ok := b.artIdx[k]; ok {
		return i
	}
	a := sarifArtifact{Location: sarifArtifactURI{URI: uri}, Length: t.Size, Roles: []string{"analysisTarget"}}
	if t.SHA256 != "" {
		a.Hashes = map[string]string{"sha-256": t.SHA256}
	}
	switch strings.ToLower(filepath.Ext(t.Path)) {
	case ".apk":
		a.MimeType = "application/vnd.android.package-archive"
	case ".json":
		a.MimeType = "application/json"
	}
	props := map[string]any{"kind": t.Kind}
	for k, v := range map[string]string{"id": t.ID, "name": t.Name, "version": t.Version, "version_code": t.VersionCode} {
		if v != "" {
			props[k] = v
		}
	}
	a.Properties = props
	i := len(b.artifacts)
	b.artifacts = append(b.artifacts, a)
	b.artIdx[k] = i
	return i
}

// fromPackage reports whether an observation was read from the package
// itself; evidence from other inputs (a policy, a capture, an evidence
// file) names files that are not inside it.
func fromPackage(r *Report, o evidence.Observation) bool {
	if o.Source == "" {
		return true
	}
	if r.PackageInputs == nil {
		// A report built without its inputs' classes (by hand): the
		// package readers' names.
		return o.Source == evidence.InputAndroid || o.Source == evidence.InputIOS || o.Source == evidence.InputHarmony
	}
	return slices.Contains(r.PackageInputs, o.Source)
}

// beside returns a top-level artifact for a file named by evidence from
// another input (a capture, a policy page), as given.
func (b *sarifBuilder) beside(file string) int {
	if file == "" {
		file = "."
	}
	uri := fileURI(file)
	k := artifactKey{parent: -1, uri: uri}
	if i, ok := b.artIdx[k]; ok {
		return i
	}
	i := len(b.artifacts)
	b.artifacts = append(b.artifacts, sarifArtifact{Location: sarifArtifactURI{URI: uri}})
	b.artIdx[k] = i
	return i
}

// fileIn returns the artifact of a file inside an input: "classes.dex",
// or "assets/x.jar!classes.dex" for a dex inside a nested archive (each
// "!" opens one more level). A name equal to the input's own base name
// (a DEX given directly) is the input itself.
func (b *sarifBuilder) fileIn(t int, targetPath, file string) int {
	if file == "" || file == targetPath || file == filepath.Base(targetPath) {
		return t
	}
	parent := t
	for _, part := range strings.Split(file, "!") {
		if part == "" {
			continue
		}
		uri := relURI(part)
		k := artifactKey{parent: parent, uri: uri}
		i, ok := b.artIdx[k]
		if !ok {
			p := parent
			i = len(b.artifacts)
			b.artifacts = append(b.artifacts, sarifArtifact{Location: sarifArtifactURI{URI: uri}, ParentIndex: &p})
			b.artIdx[k] = i
		}
		parent = i
	}
	return parent
}

func (b *sarifBuilder) artifactLocation(i int) sarifArtifactLocation {
	return sarifArtifactLocation{URI: b.artifacts[i].Location.URI, Index: i}
}

func (b *sarifBuilder) result(r *Report, t int, f *Finding) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: b.ruleIdx[f.RuleID],
		Level:     SARIFLevel(f.Severity),
		Message:   sarifMessage{Text: b.message(r, f)},
		Locations: []sarifLocation{},
	}
	if f.Fingerprint != "" {
		res.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
	}
	var parties []string
	seen := map[evidence.Location]bool{}
	for _, o := range f.Evidence {
		parties = appendUnique(parties, party(o.Party))
		if seen[o.Where] {
			continue
		}
		seen[o.Where] = true
		if len(res.Locations) < MaxSARIFLocations {
			res.Locations = append(res.Locations, b.location(r, t, o))
		}
	}
	if len(res.Locations) == 0 {
		// Code scanning needs a location: the input itself.
		res.Locations = append(res.Locations, sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: b.artifactLocation(t)}})
	}
	props := map[string]any{
		"severity":       f.Severity,
		"target_path":    r.Target.Path,
		"target_kind":    r.Target.Kind,
		"evidence_count": len(f.Evidence),
		"legal_basis":    legalIDs(f.LegalBasis),
		"parties":        nonNil(parties),
	}
	if distinct := len(seen); distinct > len(res.Locations) {
		// Locations were capped: say how many distinct places there are.
		props["locations_total"] = distinct
	}
	if f.Subject != "" {
		props["subject"] = f.Subject
	}
	if r.Target.ID != "" {
		props["target_id"] = r.Target.ID
	}
	var sdks []string
	for _, p := range parties {
		if p != "app" {
			sdks = append(sdks, p)
		}
	}
	if len(sdks) > 0 {
		props["sdk"] = sdks
	}
	if len(f.Detail) > 0 {
		props["detail"] = f.Detail
	}
	res.Properties = props
	if s := f.Suppressed; s != nil {
		sp := sarifSuppression{Kind: "external", Status: "accepted", Justification: s.Reason}
		if s.Expires != "" || s.Source != "" {
			sp.Properties = map[string]string{}
			if s.Expires != "" {
				sp.Properties["expires"] = s.Expires
			}
			if s.Source != "" {
				sp.Properties["source"] = s.Source
			}
		}
		res.Suppressions = []sarifSuppression{sp}
	}
	return res
}

// message is the result's one-line text: the rule's title, what it is
// about and in which app, and the first sentence of why it matters.
func (b *sarifBuilder) message(r *Report, f *Finding) string {
	zh := text.IsZh(b.lang)
	var m strings.Builder
	m.WriteString(f.Title)
	if f.Subject != "" {
		m.WriteString(text.Pick(b.lang, ": ", "："))
		m.WriteString(f.Subject)
	}
	if app := targetLabel(r.Target); app != "" {
		if zh {
			m.WriteString("（" + app + "）")
		} else {
			m.WriteString(" (" + app + ")")
		}
	}
	m.WriteString(text.Pick(b.lang, ". ", "。"))
	if why := firstSentence(f.Description); why != "" {
		m.WriteString(why)
	}
	return strings.TrimSpace(m.String())
}

func (b *sarifBuilder) location(r *Report, t int, o evidence.Observation) sarifLocation {
	w := o.Where
	var a int
	if fromPackage(r, o) {
		a = b.fileIn(t, r.Target.Path, w.File)
	} else {
		a = b.beside(w.File)
	}
	loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: b.artifactLocation(a)}}
	if w.Offset > 0 || w.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: max(w.Line, 0), ByteOffset: max(w.Offset, 0)}
	}
	loc.LogicalLocations = logicalLocations(w)
	if txt := observationText(b.lang, o); txt != "" {
		loc.Message = &sarifMessage{Text: txt}
	}
	props := map[string]any{}
	if w.Packet > 0 {
		props["packet"] = w.Packet
	}
	if w.Time != "" {
		props["time"] = w.Time
	}
	if w.Section != "" {
		props["section"] = w.Section
	}
	if w.Resource != "" {
		props["resource"] = w.Resource
	}
	if w.Span != (evidence.Span{}) {
		// Characters of the text hegui extracted from the document (not
		// of the file's bytes: a region would point into the markup).
		props["textSpan"] = map[string]int{"start": w.Span.Start, "end": w.Span.End}
	}
	if q := o.Attr(evidence.DetailQuote); q != "" {
		props["quote"] = q
	}
	if len(props) > 0 {
		loc.Properties = props
	}
	return loc
}

// logicalLocations names the code or document element of a location: a
// method (kind "function": Java name plus its descriptor, and the smali
// reference as decorated name), a class alone (kind "type"), a resource,
// a policy section or a packet.
func logicalLocations(w evidence.Location) []sarifLogical {
	var out []sarifLogical
	switch {
	case w.Class != "" && w.Method != "":
		name := w.Method
		if i := strings.IndexByte(name, '('); i > 0 {
			name = name[:i]
		}
		out = append(out, sarifLogical{Kind: "function", Name: name,
			FullyQualifiedName: w.Class + "." + w.Method,
			DecoratedName:      smaliType(w.Class) + "->" + w.Method})
	case w.Class != "":
		name := w.Class
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		out = append(out, sarifLogical{Kind: "type", Name: name, FullyQualifiedName: w.Class, DecoratedName: smaliType(w.Class)})
	}
	if w.Resource != "" {
		out = append(out, sarifLogical{Kind: "resource", Name: w.Resource, FullyQualifiedName: w.Resource})
	}
	if w.Section != "" {
		out = append(out, sarifLogical{Kind: "text", Name: w.Section, FullyQualifiedName: "§" + w.Section})
	}
	if w.Packet > 0 {
		name := fmt.Sprintf("packet %d", w.Packet)
		out = append(out, sarifLogical{Kind: "object", Name: name, FullyQualifiedName: name})
	}
	return out
}

// observationText says what was seen at a location: the fact, the API
// that proves it, and whose code it is.
func observationText(lang string, o evidence.Observation) string {
	var parts []string
	if o.Key != "" {
		parts = append(parts, o.Key)
	}
	if api := o.Attr(evidence.DetailAPI); api != "" {
		parts = append(parts, text.Pick(lang, "via ", "经由 ")+api)
	}
	if u := o.Attr(evidence.DetailURL); u != "" && u != o.Key {
		parts = append(parts, u)
	}
	if p := o.Attr(evidence.DetailStartupPath); p != "" {
		parts = append(parts, text.Pick(lang, "at start-up: ", "启动路径：")+p)
	}
	if !o.Party.FirstParty() {
		who := o.Party.Name
		if who == "" {
			who = o.Party.SDK
		}
		parts = append(parts, "["+who+"]")
	}
	if o.Where.Packet > 0 || o.Where.Time != "" {
		parts = append(parts, strings.TrimSpace(o.Where.String()))
	}
	return strings.Join(parts, " ")
}

func (b *sarifBuilder) readError(r *Report, t int, e evidence.Error) sarifNotification {
	a := b.fileIn(t, r.Target.Path, e.File)
	where := r.Target.Path
	if e.File != "" && a != t {
		where += "!" + e.File
	}
	n := sarifNotification{
		Descriptor: &sarifReference{ID: notifyReadError, Index: intp(0)},
		Level:      "warning",
		Message:    sarifMessage{Text: text.Pick(b.lang, "Could not read ", "无法读取 ") + where + text.Pick(b.lang, ": ", "：") + e.Err},
		Locations:  []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: b.artifactLocation(a)}}},
		Properties: map[string]any{"source": e.Source, "target_path": r.Target.Path},
	}
	if e.Part != "" {
		n.Properties["part"] = string(e.Part)
		n.Properties["cause"] = string(e.Cause)
	}
	if e.More > 0 {
		n.Properties["more"] = e.More
	}
	if evidence.Grave(e.Part, e.Cause) && e.Cause != "" {
		n.Level = "error"
	}
	return n
}

func (b *sarifBuilder) notEvaluated(r *Report, t int, st rules.Status) sarifNotification {
	ref := &sarifReference{ID: st.RuleID}
	if i, ok := b.ruleIdx[st.RuleID]; ok {
		ref.Index = intp(i)
	}
	msg := st.RuleID + text.Pick(b.lang, " not evaluated for ", " 未对 ") + targetName(r.Target)
	if text.IsZh(b.lang) {
		msg += " 评估"
	}
	if st.Reason != "" {
		msg += text.Pick(b.lang, ": ", "：") + st.Reason
	}
	return sarifNotification{
		Descriptor:     &sarifReference{ID: notifyNotEvaluated, Index: intp(1)},
		AssociatedRule: ref,
		Level:          "note",
		Message:        sarifMessage{Text: msg},
		Locations:      []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: b.artifactLocation(t)}}},
		Properties:     map[string]any{"target_path": r.Target.Path},
	}
}

func legalIDs(refs []LegalRef) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func appendUnique(xs []string, more ...string) []string {
	for _, s := range more {
		if s != "" && !slices.Contains(xs, s) {
			xs = append(xs, s)
		}
	}
	return xs
}

func intp(i int) *int { return &i }

// sarifLanguage turns "zh"/"en" into the RFC 5646 tag SARIF wants.
func sarifLanguage(lang string) string {
	if text.IsZh(lang) {
		return "zh-CN"
	}
	return "en-US"
}

func precision(p string) string {
	switch p {
	case "very-high", "high", "medium", "low":
		return p
	}
	return "high"
}

// targetLabel names an input in messages: its package id, else its file.
func targetLabel(t evidence.Target) string {
	if t.ID != "" {
		return t.ID
	}
	if t.Path != "" {
		return filepath.Base(t.Path)
	}
	return ""
}

func targetName(t evidence.Target) string {
	if l := targetLabel(t); l != "" {
		return l
	}
	return "?"
}

// smaliType writes a dotted Java class name as a type descriptor:
// com.example.A$B → Lcom/example/A$B;.
func smaliType(class string) string {
	return "L" + strings.ReplaceAll(class, ".", "/") + ";"
}

// fileURI writes an input's path as a URI reference: a file: URI when it
// is absolute, a relative reference otherwise. Both are escaped.
func fileURI(p string) string {
	if p == "" {
		return "."
	}
	slashed := filepath.ToSlash(p)
	if filepath.IsAbs(p) {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // C:/x → /C:/x
		}
		return (&url.URL{Scheme: "file", Path: slashed}).String()
	}
	return relURI(slashed)
}

// relURI writes a path inside an archive (or relative to the working
// directory) as a relative reference.
func relURI(p string) string {
	p = strings.TrimLeft(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return (&url.URL{Path: p}).String()
}

// firstSentence cuts a description after its first sentence, bounded.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	cut := len(s)
	for _, sep := range []string{". ", "。", "；", "! ", "? "} {
		if i := strings.Index(s, sep); i >= 0 && i+len(sep) < cut {
			cut = i + len(strings.TrimRight(sep, " "))
		}
	}
	s = s[:cut]
	const maxRunes = 300
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		s = string(r[:maxRunes]) + "…"
	}
	return s
}

// camelName makes a rule name from its English title: "Third-party SDK
// collects personal information" → "ThirdPartySDKCollectsPersonalInformation".
// Titles with other letters give no name.
func camelName(title string) string {
	var b strings.Builder
	up := true
	for _, r := range title {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			return ""
		default:
			up = true
		}
	}
	return b.String()
}

// mdEscape keeps text from being read as Markdown markup.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isSemver reports whether v is a semantic version (MAJOR.MINOR.PATCH
// with optional -prerelease and +build).
func isSemver(v string) bool {
	if i := strings.IndexByte(v, '+'); i >= 0 {
		if !dotIdents(v[i+1:], false) {
			return false
		}
		v = v[:i]
	}
	if i := strings.IndexByte(v, '-'); i >= 0 {
		if !dotIdents(v[i+1:], true) {
			return false
		}
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if !numeric(p) || (len(p) > 1 && p[0] == '0') {
			return false
		}
	}
	return true
}

func dotIdents(s string, noLeadingZero bool) bool {
	if s == "" {
		return false
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for _, r := range id {
			if !(r == '-' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return false
			}
		}
		if noLeadingZero && numeric(id) && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

func numeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
