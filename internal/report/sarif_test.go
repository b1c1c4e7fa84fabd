package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/scan"
)

var update = flag.Bool("update", false, "rewrite golden files")

const apks = "../../testdata/apks"

// env is the reference data and engine, loaded once for all tests.
type env struct {
	cat *catalog.Catalog
	law *law.Catalog
	eng *rules.Engine
	sc  *scan.Scanner
}

var (
	envOnce sync.Once
	envVal  *env
	envErr  error
)

func loadEnv(tb testing.TB) *env {
	tb.Helper()
	envOnce.Do(func() {
		sc, err := scan.New(scan.Config{})
		if err != nil {
			envErr = err
			return
		}
		envVal = &env{cat: sc.Catalog, law: sc.Law, eng: sc.Engine, sc: sc}
	})
	if envErr != nil {
		tb.Fatal(envErr)
	}
	return envVal
}

// scanReport runs the real pipeline over one APK.
func scanReport(tb testing.TB, e *env, path, lang string) *report.Report {
	tb.Helper()
	res := e.sc.One(context.Background(), path, artifact.DefaultLimits())
	if res.Err != nil {
		tb.Fatal(res.Err)
	}
	set := res.Set
	rr := e.eng.Run(set, rules.Options{})
	return report.Build(set, rr, report.Meta{ToolVersion: "1.2.3", Lang: lang, Catalog: e.cat, Law: e.law})
}

var (
	schemaOnce sync.Once
	schemaVal  *jsonschema.Schema
	schemaErr  error
)

// sarifSchema is the official SARIF 2.1.0 schema, with formats
// (uri-reference, uri) asserted.
func sarifSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		schemaVal, schemaErr = c.Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	})
	if schemaErr != nil {
		tb.Fatal(schemaErr)
	}
	return schemaVal
}

// The parts of a SARIF log the tests read.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string
	Runs    []struct {
		Language string
		Tool     struct {
			Driver struct {
				Name, Version, SemanticVersion, InformationURI string
				Rules                                          []struct {
					ID, Name         string
					ShortDescription struct{ Text string }
					FullDescription  struct{ Text string }
					Help             struct{ Text, Markdown string }
					Default          struct{ Level string } `json:"defaultConfiguration"`
					Properties       struct {
						Tags       []string
						SecSev     string `json:"security-severity"`
						Precision  string
						LegalBasis []struct{ ID, Citation string } `json:"legal_basis"`
					}
				}
				Notifications []struct{ ID string }
			}
		}
		Invocations []struct {
			ExecutionSuccessful bool
			Notes               []struct {
				Level          string
				Message        struct{ Text string }
				Descriptor     struct{ ID string }
				AssociatedRule *struct {
					ID    string
					Index *int
				}
				Locations []sarifLocation
			} `json:"toolExecutionNotifications"`
		}
		Artifacts []struct {
			Location    struct{ URI string }
			ParentIndex *int
			Roles       []string
			Hashes      map[string]string
			Length      int64
		}
		Results []sarifResult
	}
}

type sarifResult struct {
	RuleID              string
	RuleIndex           int
	Level               string
	Message             struct{ Text string }
	Locations           []sarifLocation
	PartialFingerprints map[string]string
	Suppressions        []struct {
		Kind, Status, Justification string
		Properties                  map[string]string
	}
	Properties map[string]any
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI   string
			Index int
		}
		Region *struct {
			StartLine  int
			ByteOffset int64
		}
	}
	LogicalLocations []struct{ Name, FullyQualifiedName, DecoratedName, Kind string }
	Message          *struct{ Text string }
}

// writeSARIF writes reports, validates the log against the schema and
// decodes it.
func writeSARIF(tb testing.TB, w report.Writer, reports ...*report.Report) (sarifLog, []byte) {
	tb.Helper()
	var buf bytes.Buffer
	if err := w.Write(&buf, reports); err != nil {
		tb.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		tb.Fatalf("not JSON: %v", err)
	}
	if err := sarifSchema(tb).Validate(v); err != nil {
		tb.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	var lg sarifLog
	if err := json.Unmarshal(buf.Bytes(), &lg); err != nil {
		tb.Fatal(err)
	}
	if len(lg.Runs) != 1 {
		tb.Fatalf("%d runs, want 1", len(lg.Runs))
	}
	return lg, buf.Bytes()
}

func engineWriter(e *env, lang string) report.Writer {
	w, err := report.NewWriter("sarif", report.WriterOptions{Rules: e.eng.Rules(), Law: e.law, ToolVersion: "1.2.3", Lang: lang})
	if err != nil {
		panic(err)
	}
	return w
}

func findResult(t *testing.T, lg sarifLog, rule, subject string) sarifResult {
	t.Helper()
	for _, r := range lg.Runs[0].Results {
		if r.RuleID == rule && r.Properties["subject"] == subject {
			return r
		}
	}
	t.Fatalf("no result %s %s", rule, subject)
	return sarifResult{}
}

func findFinding(t *testing.T, r *report.Report, rule, subject string) report.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.RuleID == rule && f.Subject == subject {
			return f
		}
	}
	t.Fatalf("report has no finding %s %s", rule, subject)
	return report.Finding{}
}

func TestSARIFLeaky(t *testing.T) {
	e := loadEnv(t)
	rep := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	lg, _ := writeSARIF(t, engineWriter(e, "en"), rep)
	run := lg.Runs[0]
	d := run.Tool.Driver

	if lg.Version != "2.1.0" || d.Name != "hegui" || d.Version != "1.2.3" || d.SemanticVersion != "1.2.3" {
		t.Errorf("header: version %q driver %q %q %q", lg.Version, d.Name, d.Version, d.SemanticVersion)
	}
	if run.Language != "en-US" {
		t.Errorf("language %q", run.Language)
	}

	// Every rule of the engine is described, fired or not, in id order.
	engineRules := e.eng.Rules()
	if len(d.Rules) != len(engineRules) {
		t.Fatalf("%d rules, engine has %d", len(d.Rules), len(engineRules))
	}
	levels := map[rules.Severity]string{rules.Critical: "error", rules.High: "error", rules.Medium: "warning", rules.Low: "note", rules.Info: "note"}
	scores := map[rules.Severity]string{rules.Critical: "9.5", rules.High: "8.0", rules.Medium: "5.5", rules.Low: "3.0", rules.Info: "0.0"}
	for i, er := range engineRules {
		dr := d.Rules[i]
		if dr.ID != er.ID {
			t.Fatalf("rules[%d] = %s, want %s", i, dr.ID, er.ID)
		}
		if dr.ShortDescription.Text != er.Title.En || dr.FullDescription.Text != er.Description.En {
			t.Errorf("%s: descriptions %q / %q", er.ID, dr.ShortDescription.Text, dr.FullDescription.Text)
		}
		if dr.Default.Level != levels[er.Severity] || dr.Properties.SecSev != scores[er.Severity] {
			t.Errorf("%s (%s): level %q security-severity %q", er.ID, er.Severity, dr.Default.Level, dr.Properties.SecSev)
		}
		if dr.Properties.Precision == "" || !slices.Contains(dr.Properties.Tags, "pipl") || !slices.Contains(dr.Properties.Tags, "security") {
			t.Errorf("%s: precision %q tags %v", er.ID, dr.Properties.Precision, dr.Properties.Tags)
		}
		for _, tag := range er.Tags {
			if !slices.Contains(dr.Properties.Tags, tag) {
				t.Errorf("%s: tag %q missing from %v", er.ID, tag, dr.Properties.Tags)
			}
		}
		if len(dr.Properties.LegalBasis) != len(er.LegalBasis) {
			t.Fatalf("%s: legal basis %v, want %v", er.ID, dr.Properties.LegalBasis, er.LegalBasis)
		}
		for j, id := range er.LegalBasis {
			p, _ := e.law.Provision(id)
			lb := dr.Properties.LegalBasis[j]
			if lb.ID != id || lb.Citation != p.Cite("en") {
				t.Errorf("%s: legal basis %d = %+v, want %s %q", er.ID, j, lb, id, p.Cite("en"))
			}
			if !strings.Contains(dr.Help.Text, p.Cite("en")) || (p.SummaryEn != "" && !strings.Contains(dr.Help.Text, p.SummaryEn)) {
				t.Errorf("%s: help text lacks %s and its summary:\n%s", er.ID, p.Cite("en"), dr.Help.Text)
			}
		}
		if !strings.HasPrefix(dr.Help.Text, er.Remediation.En) || !strings.Contains(dr.Help.Markdown, "**Legal basis**") {
			t.Errorf("%s: help %q / %q", er.ID, dr.Help.Text, dr.Help.Markdown)
		}
		if dr.Name == "" || strings.ContainsAny(dr.Name, " -,") {
			t.Errorf("%s: name %q", er.ID, dr.Name)
		}
	}

	// One result per finding, each pointing at its rule.
	if len(run.Results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(rep.Findings))
	}
	for _, r := range run.Results {
		if d.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", r.RuleID, r.RuleIndex, d.Rules[r.RuleIndex].ID)
		}
		if len(r.Locations) == 0 || len(r.Locations) > report.MaxSARIFLocations {
			t.Errorf("result %s: %d locations", r.RuleID, len(r.Locations))
		}
		if r.PartialFingerprints[report.FingerprintKey] == "" {
			t.Errorf("result %s: no fingerprint", r.RuleID)
		}
	}

	// The APK is the analysis target; the dex files are nested in it.
	if len(run.Artifacts) == 0 || run.Artifacts[0].ParentIndex != nil || !strings.HasSuffix(run.Artifacts[0].Location.URI, "testdata/apks/leaky.apk") {
		t.Fatalf("artifact 0 = %+v", run.Artifacts[0])
	}
	if !slices.Contains(run.Artifacts[0].Roles, "analysisTarget") || run.Artifacts[0].Hashes["sha-256"] != rep.Target.SHA256 || run.Artifacts[0].Length != rep.Target.Size {
		t.Errorf("target artifact %+v", run.Artifacts[0])
	}

	// A fired finding from first-party code: critical → error, fingerprint,
	// a location in classes.dex at the call's byte offset, the method named.
	f := findFinding(t, rep, "HG-AND-001", "app")
	r := findResult(t, lg, "HG-AND-001", "app")
	if r.Level != "error" || r.PartialFingerprints["heguiFingerprint/v1"] != f.Fingerprint {
		t.Errorf("level %q fingerprints %v, want error and %s", r.Level, r.PartialFingerprints, f.Fingerprint)
	}
	if !strings.HasPrefix(r.Message.Text, f.Title+": app (com.example.leaky). ") {
		t.Errorf("message %q", r.Message.Text)
	}
	loc := r.Locations[0]
	al := loc.PhysicalLocation.ArtifactLocation
	if al.URI != "classes.dex" {
		t.Errorf("uri %q, want classes.dex", al.URI)
	}
	if a := run.Artifacts[al.Index]; a.Location.URI != "classes.dex" || a.ParentIndex == nil || *a.ParentIndex != 0 {
		t.Errorf("artifact %d = %+v, want classes.dex inside artifact 0", al.Index, a)
	}
	want := f.Evidence[0].Where
	if want.Offset <= 0 {
		t.Fatalf("evidence has no offset: %+v", want)
	}
	if loc.PhysicalLocation.Region == nil || loc.PhysicalLocation.Region.ByteOffset != want.Offset {
		t.Errorf("region %+v, want byteOffset %d", loc.PhysicalLocation.Region, want.Offset)
	}
	if len(loc.LogicalLocations) != 1 {
		t.Fatalf("logical locations %+v", loc.LogicalLocations)
	}
	ll := loc.LogicalLocations[0]
	if ll.Kind != "function" || ll.Name != "collect" || !strings.HasPrefix(ll.FullyQualifiedName, "com.example.leaky.DeviceInfo.collect(") ||
		!strings.HasPrefix(ll.DecoratedName, "Lcom/example/leaky/DeviceInfo;->collect(Landroid/content/Context;)") {
		t.Errorf("logical location %+v", ll)
	}
	if loc.Message == nil || !strings.Contains(loc.Message.Text, "Settings$Secure.getString") {
		t.Errorf("location message %+v", loc.Message)
	}

	// An SDK's code in the second dex: a different nested artifact.
	r = findResult(t, lg, "HG-AND-003", "bugly")
	al = r.Locations[0].PhysicalLocation.ArtifactLocation
	if al.URI != "classes2.dex" || *run.Artifacts[al.Index].ParentIndex != 0 {
		t.Errorf("bugly location %+v", al)
	}
	if sdk, _ := r.Properties["sdk"].([]any); len(sdk) != 1 || sdk[0] != "bugly" {
		t.Errorf("sdk property %v", r.Properties["sdk"])
	}

	// A declared permission: the manifest, at its line.
	r = findResult(t, lg, "HG-AND-006", "android.permission.ACCESS_FINE_LOCATION")
	if r.Level != "warning" {
		t.Errorf("medium finding has level %q", r.Level)
	}
	pl := r.Locations[0].PhysicalLocation
	if pl.ArtifactLocation.URI != "AndroidManifest.xml" || pl.Region == nil || pl.Region.StartLine <= 0 || pl.Region.ByteOffset != 0 {
		t.Errorf("permission location %+v %+v", pl.ArtifactLocation, pl.Region)
	}

	// A class-only location (SDK present): a "type" logical location.
	r = findResult(t, lg, "HG-AND-004", "pangle")
	if ll := r.Locations[0].LogicalLocations; len(ll) != 1 || ll[0].Kind != "type" || ll[0].FullyQualifiedName != "com.bytedance.sdk.openadsdk.TTAdSdk" || ll[0].Name != "TTAdSdk" {
		t.Errorf("class location %+v", ll)
	}
	if r.Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("class location has a region: %+v", r.Locations[0].PhysicalLocation.Region)
	}

	// Rules not evaluated become notes naming the rule.
	inv := run.Invocations[0]
	if !inv.ExecutionSuccessful {
		t.Error("executionSuccessful false")
	}
	var notEval []string
	for _, st := range rep.Rules {
		if st.State == "not_evaluated" {
			notEval = append(notEval, st.RuleID)
		}
	}
	if len(notEval) == 0 {
		t.Fatal("leaky.apk has no rule not evaluated (HG-AND-013 needs --app-type)")
	}
	var got []string
	for _, n := range inv.Notes {
		if n.AssociatedRule == nil {
			continue
		}
		got = append(got, n.AssociatedRule.ID)
		if n.Level != "note" || n.Descriptor.ID != "rule-not-evaluated" || n.AssociatedRule.Index == nil ||
			d.Rules[*n.AssociatedRule.Index].ID != n.AssociatedRule.ID || !strings.Contains(n.Message.Text, "com.example.leaky") {
			t.Errorf("notification %+v", n)
		}
		if len(n.Locations) != 1 || n.Locations[0].PhysicalLocation.ArtifactLocation.Index != 0 {
			t.Errorf("notification locations %+v", n.Locations)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(notEval) {
		t.Errorf("not-evaluated notifications %v, want %v", got, notEval)
	}
}

func TestSARIFLanguages(t *testing.T) {
	e := loadEnv(t)
	en := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	zh := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "zh")
	lgEn, _ := writeSARIF(t, engineWriter(e, "en"), en)
	lgZh, _ := writeSARIF(t, engineWriter(e, "zh"), zh)
	if lgZh.Runs[0].Language != "zh-CN" {
		t.Errorf("language %q", lgZh.Runs[0].Language)
	}
	rEn := findResult(t, lgEn, "HG-AND-001", "app")
	rZh := findResult(t, lgZh, "HG-AND-001", "app")
	rule, _ := e.eng.Rule("HG-AND-001")
	if rEn.Message.Text == rZh.Message.Text {
		t.Fatalf("same message in both languages: %q", rEn.Message.Text)
	}
	if !strings.HasPrefix(rZh.Message.Text, rule.Title.Zh+"：app（com.example.leaky）。") {
		t.Errorf("zh message %q", rZh.Message.Text)
	}
	if !strings.HasPrefix(rEn.Message.Text, rule.Title.En) {
		t.Errorf("en message %q", rEn.Message.Text)
	}
	dZh := lgZh.Runs[0].Tool.Driver.Rules[rZh.RuleIndex]
	if dZh.ShortDescription.Text != rule.Title.Zh || !strings.Contains(dZh.Help.Text, "法律依据") || !strings.Contains(dZh.Help.Text, "《") {
		t.Errorf("zh rule %+v", dZh)
	}
	// Identifiers do not depend on the language.
	if rEn.PartialFingerprints[report.FingerprintKey] != rZh.PartialFingerprints[report.FingerprintKey] || rEn.RuleIndex != rZh.RuleIndex {
		t.Error("fingerprint or rule index differs between languages")
	}
}

func TestSARIFSuppressed(t *testing.T) {
	e := loadEnv(t)
	rep := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	for i := range rep.Findings {
		if rep.Findings[i].RuleID == "HG-AND-009" {
			rep.Findings[i].Suppressed = &report.Suppression{Reason: "cleartext only to the local test server", Expires: "2027-01-31", Source: ".heguiignore:3"}
		}
	}
	lg, _ := writeSARIF(t, engineWriter(e, "en"), rep)
	n := 0
	for _, r := range lg.Runs[0].Results {
		if r.RuleID != "HG-AND-009" {
			if len(r.Suppressions) != 0 {
				t.Errorf("%s is suppressed: %+v", r.RuleID, r.Suppressions)
			}
			continue
		}
		n++
		if len(r.Suppressions) != 1 {
			t.Fatalf("suppressions %+v", r.Suppressions)
		}
		s := r.Suppressions[0]
		if s.Kind != "external" || s.Status != "accepted" || s.Justification != "cleartext only to the local test server" ||
			s.Properties["expires"] != "2027-01-31" || s.Properties["source"] != ".heguiignore:3" {
			t.Errorf("suppression %+v", s)
		}
	}
	if n == 0 {
		t.Fatal("no HG-AND-009 result")
	}
}

func TestSARIFNoFindings(t *testing.T) {
	e := loadEnv(t)
	rep := scanReport(t, e, filepath.Join(apks, "clean.apk"), "en")
	if len(rep.Findings) != 0 {
		t.Fatalf("clean.apk has %d findings", len(rep.Findings))
	}
	lg, out := writeSARIF(t, engineWriter(e, "en"), rep)
	run := lg.Runs[0]
	if len(run.Results) != 0 || !bytes.Contains(out, []byte(`"results": []`)) {
		t.Errorf("results %+v", run.Results)
	}
	if len(run.Tool.Driver.Rules) != len(e.eng.Rules()) {
		t.Errorf("%d rules", len(run.Tool.Driver.Rules))
	}
	if len(run.Artifacts) != 1 {
		t.Errorf("artifacts %+v", run.Artifacts)
	}

	// No reports at all: still a valid log with the rules.
	lg, _ = writeSARIF(t, engineWriter(e, "en"))
	if len(lg.Runs[0].Results) != 0 || len(lg.Runs[0].Tool.Driver.Rules) != len(e.eng.Rules()) {
		t.Errorf("empty log %+v", lg.Runs[0])
	}
}

func TestSARIFSeveralInputs(t *testing.T) {
	e := loadEnv(t)
	leaky := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	ride := scanReport(t, e, filepath.Join(apks, "ridehail.apk"), "en")
	lg, _ := writeSARIF(t, engineWriter(e, "en"), leaky, ride)
	run := lg.Runs[0]
	if len(run.Results) != len(leaky.Findings)+len(ride.Findings) {
		t.Fatalf("%d results", len(run.Results))
	}
	var targets []int
	for i, a := range run.Artifacts {
		if slices.Contains(a.Roles, "analysisTarget") {
			targets = append(targets, i)
		}
	}
	if len(targets) != 2 || !strings.HasSuffix(run.Artifacts[targets[1]].Location.URI, "ridehail.apk") {
		t.Fatalf("targets %v", targets)
	}
	// Each result's file sits in its own APK.
	for i, r := range run.Results {
		want := targets[0]
		if i >= len(leaky.Findings) {
			want = targets[1]
		}
		for _, l := range r.Locations {
			a := run.Artifacts[l.PhysicalLocation.ArtifactLocation.Index]
			if a.Location.URI != l.PhysicalLocation.ArtifactLocation.URI {
				t.Errorf("result %d: uri %q but artifact %q", i, l.PhysicalLocation.ArtifactLocation.URI, a.Location.URI)
			}
			top := l.PhysicalLocation.ArtifactLocation.Index
			for hops := 0; run.Artifacts[top].ParentIndex != nil && hops < 10; hops++ {
				top = *run.Artifacts[top].ParentIndex
			}
			if top != want {
				t.Errorf("result %d (%s) located in artifact tree %d, want %d", i, r.RuleID, top, want)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range run.Artifacts {
		k := a.Location.URI + " in -1"
		if a.ParentIndex != nil {
			k = fmt.Sprintf("%s in %d", a.Location.URI, *a.ParentIndex)
		}
		if seen[k] {
			t.Errorf("artifact %s listed twice", k)
		}
		seen[k] = true
	}
	for _, tg := range targets {
		if k := fmt.Sprintf("classes.dex in %d", tg); !seen[k] {
			t.Errorf("no artifact %s: %v", k, seen)
		}
	}
}

// handmade is a report built by hand: many evidence items, nested
// archives, read errors, a policy section and a packet, hostile names.
func handmade() *report.Report {
	r := &report.Report{
		Target: evidence.Target{Kind: "android", Path: "/abs/dir with space/app#1.apk", SHA256: "ab", Size: 10, ID: "com.example.hand"},
		Lang:   "en",
		Findings: []report.Finding{{
			RuleID: "HG-TEST-001", Severity: "low", Title: "Many call sites", Description: "Something reads a lot. More text follows.",
			Remediation: "Stop it.", Subject: "imei", Fingerprint: "0011223344556677",
			LegalBasis: []report.LegalRef{{ID: "PIPL-13", Citation: "PIPL Art. 13", Summary: "Lawful bases"}},
		}, {
			RuleID: "HG-TEST-002", Severity: "info", Title: "Policy and traffic", Description: "Said one thing, did another.",
			Subject: "location", Fingerprint: "8899aabbccddeeff",
			Evidence: []evidence.Observation{
				{Kind: evidence.PolicyClaim, Key: "location", Where: evidence.Location{File: "privacy.html", Section: "3.2"}},
				{Kind: evidence.Endpoint, Key: "api.example.cn", Party: evidence.Party{SDK: "amap", Name: "AMap"},
					Where: evidence.Location{File: "capture.pcap", Packet: 42, Time: "2026-01-02T03:04:05Z"}},
				{Kind: evidence.Property, Key: "thing", Where: evidence.Location{Resource: "@string/app_name"}},
			},
		}},
		Errors: []evidence.Error{
			{Source: "android", File: "assets/inner.jar!classes.dex", Err: "dex: bad header"},
			{Source: "android", File: "", Err: "zip: bad central directory"},
		},
		Rules: []rules.Status{{RuleID: "HG-TEST-001", State: "fired"}, {RuleID: "HG-TEST-003", State: "not_evaluated", Reason: "no policy input"}},
	}
	for i := 0; i < 25; i++ {
		r.Findings[0].Evidence = append(r.Findings[0].Evidence, evidence.Observation{
			Kind: evidence.DataType, Key: "imei", Level: evidence.Referenced,
			Where:  evidence.Location{File: "assets/inner.jar!classes.dex", Class: "a.B$C", Method: fmt.Sprintf("m%d()V", i), Offset: int64(100 + i)},
			Detail: map[string]string{"api": "android.telephony.TelephonyManager.getDeviceId"},
		})
	}
	// Duplicates are neither shown nor counted twice.
	r.Findings[0].Evidence = append(r.Findings[0].Evidence, r.Findings[0].Evidence[0], r.Findings[0].Evidence[0], r.Findings[0].Evidence[20])
	return r
}

func TestSARIFHandmade(t *testing.T) {
	rep := handmade()
	// No options: rules are described from the findings alone.
	w, err := report.NewWriter("sarif", report.WriterOptions{ToolVersion: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	lg, out := writeSARIF(t, w, rep)
	run := lg.Runs[0]
	d := run.Tool.Driver
	if d.SemanticVersion != "" {
		t.Errorf("semanticVersion %q for version dev", d.SemanticVersion)
	}
	if len(d.Rules) != 2 || d.Rules[0].ID != "HG-TEST-001" || d.Rules[0].Name != "ManyCallSites" ||
		d.Rules[0].Default.Level != "note" || d.Rules[1].Properties.SecSev != "0.0" {
		t.Errorf("rules %+v", d.Rules)
	}

	// More than ten evidence items: ten locations, the total in properties.
	r := run.Results[0]
	if len(r.Locations) != report.MaxSARIFLocations {
		t.Errorf("%d locations, want %d", len(r.Locations), report.MaxSARIFLocations)
	}
	if r.Properties["locations_total"] != float64(25) || r.Properties["evidence_count"] != float64(28) {
		t.Errorf("properties %v", r.Properties)
	}
	// assets/inner.jar!classes.dex: classes.dex in inner.jar in the APK.
	al := r.Locations[0].PhysicalLocation.ArtifactLocation
	dex := run.Artifacts[al.Index]
	if al.URI != "classes.dex" || dex.ParentIndex == nil {
		t.Fatalf("nested location %+v %+v", al, dex)
	}
	jar := run.Artifacts[*dex.ParentIndex]
	if jar.Location.URI != "assets/inner.jar" || jar.ParentIndex == nil || *jar.ParentIndex != 0 {
		t.Errorf("jar artifact %+v", jar)
	}
	if got := run.Artifacts[0].Location.URI; got != "file:///abs/dir%20with%20space/app%231.apk" {
		t.Errorf("target uri %q", got)
	}
	if ll := r.Locations[0].LogicalLocations[0]; ll.DecoratedName != "La/B$C;->m0()V" || ll.FullyQualifiedName != "a.B$C.m0()V" {
		t.Errorf("logical %+v", ll)
	}
	if !strings.HasSuffix(r.Message.Text, ". Something reads a lot.") {
		t.Errorf("message %q", r.Message.Text)
	}

	// Policy section, packet and resource are named; the file-less one
	// points at the input itself.
	r = run.Results[1]
	kinds := map[string]string{}
	for _, l := range r.Locations {
		for _, ll := range l.LogicalLocations {
			kinds[ll.Kind] = ll.FullyQualifiedName
		}
	}
	if kinds["text"] != "§3.2" || kinds["object"] != "packet 42" || kinds["resource"] != "@string/app_name" {
		t.Errorf("logical locations %v", kinds)
	}
	if r.Locations[2].PhysicalLocation.ArtifactLocation.Index != 0 {
		t.Errorf("file-less evidence at %+v", r.Locations[2].PhysicalLocation.ArtifactLocation)
	}
	if r.Locations[1].Message == nil || !strings.Contains(r.Locations[1].Message.Text, "[AMap]") {
		t.Errorf("packet message %+v", r.Locations[1].Message)
	}

	// Read errors are warnings at the file that failed; the rule that was
	// not evaluated is a note naming it (without index: it is unknown).
	notes := run.Invocations[0].Notes
	if len(notes) != 3 {
		t.Fatalf("notifications %+v", notes)
	}
	if notes[0].Level != "warning" || notes[0].Descriptor.ID != "read-error" || !strings.Contains(notes[0].Message.Text, "dex: bad header") ||
		notes[0].Locations[0].PhysicalLocation.ArtifactLocation.Index != al.Index {
		t.Errorf("read error %+v", notes[0])
	}
	if notes[1].Locations[0].PhysicalLocation.ArtifactLocation.Index != 0 {
		t.Errorf("file-less read error %+v", notes[1])
	}
	if n := notes[2]; n.Level != "note" || n.AssociatedRule == nil || n.AssociatedRule.ID != "HG-TEST-003" || n.AssociatedRule.Index != nil ||
		!strings.Contains(n.Message.Text, "no policy input") {
		t.Errorf("not evaluated %+v", n)
	}

	golden(t, filepath.Join("testdata", "handmade.sarif"), out)
}

// golden compares output with a committed file (-update rewrites it).
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update after checking):\n%s", path, got)
	}
}

func TestSARIFDeterministic(t *testing.T) {
	e := loadEnv(t)
	a := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	b := scanReport(t, e, filepath.Join(apks, "leaky.apk"), "en")
	_, outA := writeSARIF(t, engineWriter(e, "en"), a)
	_, outB := writeSARIF(t, engineWriter(e, "en"), b)
	if !bytes.Equal(outA, outB) {
		t.Error("two scans of the same APK give different SARIF")
	}
	if bytes.Contains(outA, []byte(`\u003c`)) || bytes.Contains(outA, []byte(`\u0026`)) {
		t.Error("HTML escaping in output")
	}
}

func TestSARIFSemanticVersion(t *testing.T) {
	for v, want := range map[string]string{
		"1.2.3": "1.2.3", "v0.4.0": "0.4.0", "1.0.0-rc.1+build.5": "1.0.0-rc.1+build.5",
		"dev": "", "1.2": "", "01.2.3": "", "1.2.3-": "", "1.2.3-01": "", "": "",
	} {
		w, _ := report.NewWriter("sarif", report.WriterOptions{ToolVersion: v})
		lg, _ := writeSARIF(t, w)
		if got := lg.Runs[0].Tool.Driver.SemanticVersion; got != want {
			t.Errorf("version %q: semanticVersion %q, want %q", v, got, want)
		}
	}
}

func TestNewWriter(t *testing.T) {
	for _, f := range []string{"", "table", "json", "sarif"} {
		if _, err := report.NewWriter(f, report.WriterOptions{}); err != nil {
			t.Errorf("%q: %v", f, err)
		}
	}
	_, err := report.NewWriter("xml", report.WriterOptions{})
	if err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("unknown format: %v", err)
	}
}

func BenchmarkSARIF(b *testing.B) {
	e := loadEnv(b)
	rep := scanReport(b, e, filepath.Join(apks, "leaky.apk"), "en")
	w := engineWriter(e, "en")
	reports := []*report.Report{rep}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(io.Discard, reports); err != nil {
			b.Fatal(err)
		}
	}
}

// The schema check is not vacuous: broken logs are rejected.
func TestSARIFSchemaRejects(t *testing.T) {
	_, out := writeSARIF(t, report.SARIF{}, handmade())
	for name, bad := range map[string][2]string{
		"level":      {`"level": "note"`, `"level": "fatal"`},
		"uri":        {`"uri": "classes.dex"`, `"uri": "%zz"`},
		"no message": {`"message": {`, `"msg": {`},
		"version":    {`"version": "2.1.0"`, `"version": "2.0.0"`},
	} {
		doc := strings.Replace(string(out), bad[0], bad[1], 1)
		if doc == string(out) {
			t.Fatalf("%s: %q not in output", name, bad[0])
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sarifSchema(t).Validate(v) == nil {
			t.Errorf("%s: schema accepts %s", name, bad[1])
		}
	}
}

// hostileReport puts attacker-chosen names (zip entry names, class and
// method names, input paths) where the writer turns them into URIs and
// logical locations.
func hostileReport(path, file, class, method string, offset int64, line int) *report.Report {
	return &report.Report{
		Target: evidence.Target{Kind: "android", Path: path, ID: class},
		Lang:   "en",
		Findings: []report.Finding{{RuleID: "HG-X", Severity: "high", Title: method, Description: file, Subject: class,
			Evidence: []evidence.Observation{{Kind: evidence.DataType, Key: file, Where: evidence.Location{File: file, Class: class, Method: method, Offset: offset, Line: line}}}}},
		Errors: []evidence.Error{{Source: "android", File: file, Err: method}},
	}
}

func TestSARIFHostileNames(t *testing.T) {
	for _, name := range []string{
		"../../etc/passwd", "/abs/classes.dex", "a:b.dex", "classes.dex#2", "x%zz.dex", "sp ace/ü.dex",
		"!!!", "a!!b!", "\x00\x01\x7f.dex", "C:\\Windows\\x.dex", "?q=1#f", "\xff\xfe.dex", "", ".", "//host/x",
	} {
		rep := hostileReport(name, name, name, name, -5, -1)
		lg, _ := writeSARIF(t, report.SARIF{}, rep)
		r := lg.Runs[0].Results[0]
		if pl := r.Locations[0].PhysicalLocation; pl.Region != nil {
			t.Errorf("%q: negative offset and line gave region %+v", name, pl.Region)
		}
		for _, a := range lg.Runs[0].Artifacts {
			if strings.ContainsAny(a.Location.URI, " \x00#?") {
				t.Errorf("%q: unescaped uri %q", name, a.Location.URI)
			}
		}
	}
}

func FuzzSARIFLocation(f *testing.F) {
	f.Add("testdata/apks/leaky.apk", "classes.dex", "com.example.A$B", "m(I)V", int64(4478), 0)
	f.Add("/tmp/x y.apk", "assets/inner.jar!classes2.dex", "a", "<init>()V", int64(0), 7)
	f.Add("app.dex", "app.dex", "", "", int64(1), 1)
	f.Add("C:\\apps\\a.apk", "res/%41!b#2", "\u00e9", "\xff", int64(-1), -3)
	f.Fuzz(func(t *testing.T, path, file, class, method string, offset int64, line int) {
		rep := hostileReport(path, file, class, method, offset, line)
		var buf bytes.Buffer
		if err := (report.SARIF{}).Write(&buf, []*report.Report{rep}); err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		if err := sarifSchema(t).Validate(v); err != nil {
			t.Fatalf("invalid SARIF for %q %q: %v", path, file, err)
		}
	})
}
