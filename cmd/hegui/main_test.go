package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const td = "../../testdata"

func hegui(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

// reportSchema is the JSON contract every report must meet.
func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(filepath.Join(td, "contract/report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, doc string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("report does not meet the contract: %v", err)
	}
	return v
}

type jsonReport struct {
	Target struct {
		Kind, Path, SHA256, ID, Name string
	}
	Permissions []struct{ Name string }
	DataTypes   []struct {
		Key, Level string
		Parties    []string
	} `json:"data_types"`
	SDKs []struct {
		ID, Level string
		Startup   bool
	}
	Endpoints []struct{ Host, Scheme string }
	Findings  []struct {
		RuleID      string `json:"rule_id"`
		Severity    string
		Title       string
		Subject     string
		Fingerprint string
		Detail      map[string]string
		LegalBasis  []struct{ ID, Citation string } `json:"legal_basis"`
		Evidence    []json.RawMessage
	}
	Rules []struct {
		RuleID string `json:"rule_id"`
		State  string
		Reason string
	}
	Errors []struct{ File, Error string }
}

func scanJSON(t *testing.T, sch *jsonschema.Schema, args ...string) jsonReport {
	t.Helper()
	out, errOut, code := hegui(t, append([]string{"scan", "--format", "json", "--lang", "en"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	validate(t, sch, out)
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r jsonReport) fired(rule string) []string {
	var subjects []string
	for _, f := range r.Findings {
		if f.RuleID == rule {
			subjects = append(subjects, f.Subject)
		}
	}
	return subjects
}

func (r jsonReport) state(rule string) string {
	for _, s := range r.Rules {
		if s.RuleID == rule {
			return s.State
		}
	}
	return ""
}

func TestScanLeakyJSON(t *testing.T) {
	sch := reportSchema(t)
	r := scanJSON(t, sch, filepath.Join(td, "apks/leaky.apk"))
	if r.Target.Kind != "android" || r.Target.ID != "com.example.leaky" || len(r.Target.SHA256) != 64 {
		t.Fatalf("target %+v", r.Target)
	}
	if len(r.Permissions) != 14 {
		t.Errorf("%d permissions, want 14", len(r.Permissions))
	}
	want := map[string][]string{
		"HG-AND-001": {"app", "umeng-analytics", "jpush", "bugly"},
		"HG-AND-002": {"umeng-analytics", "jpush", "bugly"},
		"HG-AND-003": {"umeng-analytics", "jpush", "bugly", "amap-location"},
		"HG-AND-008": {"app", "umeng-analytics"},
		"HG-AND-009": {"cleartext"},
		"HG-AND-012": {"app", "jpush"},
	}
	for rule, subjects := range want {
		got := r.fired(rule)
		for _, s := range subjects {
			if !slices.Contains(got, s) {
				t.Errorf("%s: no finding for %s (got %v)", rule, s, got)
			}
		}
	}
	// One finding per party, listing the PI types read.
	types := map[string][]string{
		"HG-AND-001": {"device_id_imei", "imsi", "android_id", "mac_address", "device_serial", "installed_apps", "phone_number", "running_apps"},
		"HG-AND-008": {"device_id_imei", "imsi", "mac_address", "device_serial"},
	}
	for rule, keys := range types {
		var got []string
		for _, f := range r.Findings {
			if f.RuleID == rule {
				got = append(got, strings.Split(f.Detail["data_types"], ",")...)
			}
		}
		for _, k := range keys {
			if !slices.Contains(got, k) {
				t.Errorf("%s: %s in no finding (got %v)", rule, k, got)
			}
		}
	}
	// Present-only SDKs are not reported as collecting.
	if slices.Contains(r.fired("HG-AND-003"), "pangle") {
		t.Error("pangle reported as collecting PI although only present")
	}
	for _, f := range r.Findings {
		if len(f.LegalBasis) == 0 || f.LegalBasis[0].Citation == "" || len(f.Evidence) == 0 || len(f.Fingerprint) != 16 {
			t.Errorf("finding %s %s lacks law, evidence or fingerprint", f.RuleID, f.Subject)
		}
	}
	// No app type: the necessity rule is not evaluated, not passed.
	if st := r.state("HG-AND-013"); st != "not_evaluated" {
		t.Errorf("HG-AND-013 state %q without --app-type", st)
	}
}

func TestScanCleanStaysQuiet(t *testing.T) {
	r := scanJSON(t, reportSchema(t), filepath.Join(td, "apks/clean.apk"))
	if len(r.Findings) != 0 {
		for _, f := range r.Findings {
			t.Errorf("clean app: %s %s", f.RuleID, f.Subject)
		}
	}
	for _, rule := range []string{"HG-AND-001", "HG-AND-003", "HG-AND-008", "HG-AND-009"} {
		if st := r.state(rule); st != "passed" {
			t.Errorf("%s: state %q, want passed", rule, st)
		}
	}
	if len(r.Endpoints) != 1 || r.Endpoints[0].Host != "api.clean-demo.com" {
		t.Errorf("endpoints %+v", r.Endpoints)
	}
}

func TestScanPackedIsNeverAPass(t *testing.T) {
	r := scanJSON(t, reportSchema(t), filepath.Join(td, "apks/packed.apk"))
	if len(r.fired("HG-AND-010")) == 0 {
		t.Fatal("packed app: no packer finding")
	}
	for _, rule := range []string{"HG-AND-001", "HG-AND-003", "HG-AND-008"} {
		if st := r.state(rule); st != "not_evaluated" {
			t.Errorf("packed app: %s state %q, want not_evaluated", rule, st)
		}
	}
}

func TestScanAppTypeNecessity(t *testing.T) {
	sch := reportSchema(t)
	ride := filepath.Join(td, "apks/ridehail.apk")
	// Ride-hailing needs location and trajectory, not the address book
	// or the camera.
	r := scanJSON(t, sch, "--app-type", "ride_hailing", ride)
	got := r.fired("HG-AND-013")
	for _, s := range []string{"contacts", "camera"} {
		if !slices.Contains(got, s) {
			t.Errorf("ride_hailing: %s not reported as unnecessary (got %v)", s, got)
		}
	}
	for _, s := range []string{"precise_location", "background_location"} {
		if slices.Contains(got, s) {
			t.Errorf("ride_hailing: %s reported as unnecessary", s)
		}
	}
	// News apps need no PI at all: location becomes unnecessary too.
	got = scanJSON(t, sch, "--app-type", "news", ride).fired("HG-AND-013")
	if !slices.Contains(got, "precise_location") || !slices.Contains(got, "contacts") {
		t.Errorf("news: %v", got)
	}
	// Map navigation needs location but not contacts.
	got = scanJSON(t, sch, "--app-type", "map_navigation", ride).fired("HG-AND-013")
	if slices.Contains(got, "precise_location") || !slices.Contains(got, "contacts") {
		t.Errorf("map_navigation: %v", got)
	}
}

func TestExitCodes(t *testing.T) {
	leaky := filepath.Join(td, "apks/leaky.apk")
	clean := filepath.Join(td, "apks/clean.apk")
	if _, e, code := hegui(t, "scan", "--fail-on", "high", leaky); code != 1 {
		t.Errorf("--fail-on high on leaky: exit %d (%s)", code, e)
	}
	if _, _, code := hegui(t, "scan", "--fail-on", "high", "--exit-code", "7", leaky); code != 7 {
		t.Errorf("--exit-code 7: exit %d", code)
	}
	if _, e, code := hegui(t, "scan", "--fail-on", "low", clean); code != 0 {
		t.Errorf("clean with --fail-on low: exit %d (%s)", code, e)
	}
	if _, _, code := hegui(t, "scan", "--fail-on", "severe", clean); code != 2 {
		t.Errorf("bad --fail-on: exit %d", code)
	}
	if _, _, code := hegui(t, "scan"); code != 2 {
		t.Errorf("no path: exit %d", code)
	}
	if _, e, code := hegui(t, "scan", "--app-type", "spaceship", clean); code != 2 || !strings.Contains(e, "spaceship") {
		t.Errorf("unknown app type: exit %d %q", code, e)
	}
}

// Unreadable inputs: exit 2 with one line naming the file; damaged but
// readable ones: a partial report with errors[] filled.
func TestBadInputs(t *testing.T) {
	sch := reportSchema(t)
	for _, name := range []string{"empty.apk", "notzip.apk", "truncated.apk"} {
		p := filepath.Join(td, "bad", name)
		_, e, code := hegui(t, "scan", p)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
		if !strings.Contains(e, name) {
			t.Errorf("%s: error does not name the file: %q", name, e)
		}
	}
	for _, name := range []string{"bogus-manifest.apk", "truncated-dex.apk", "zipbomb.apk"} {
		out, e, code := hegui(t, "scan", "--format", "json", filepath.Join(td, "bad", name))
		if code != 0 {
			t.Errorf("%s: exit %d (%s)", name, code, e)
			continue
		}
		validate(t, sch, out)
		var r jsonReport
		json.Unmarshal([]byte(out), &r)
		if len(r.Errors) == 0 {
			t.Errorf("%s: errors[] empty", name)
		}
	}
}

// Several paths and a directory give one report per app.
func TestScanDirectory(t *testing.T) {
	out, e, code := hegui(t, "scan", "--format", "json", filepath.Join(td, "apks"))
	// real/CertChain.apk is a signed JAR with neither manifest nor code:
	// it is named on stderr and the exit code says an input was unreadable,
	// while every other app is still reported.
	if code != 2 || !strings.Contains(e, "CertChain.apk") || strings.Count(strings.TrimSpace(e), "\n") != 1 {
		t.Fatalf("exit %d: %s", code, e)
	}
	var rs []json.RawMessage
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	sch := reportSchema(t)
	for _, r := range rs {
		validate(t, sch, string(r))
	}
	// leaky, clean, packed, ridehail, and the 7 androguard APKs with a
	// manifest; CertChain.apk (a signed JAR) is reported unreadable…
	if len(rs) < 11 {
		t.Errorf("%d reports", len(rs))
	}
}

func TestLanguages(t *testing.T) {
	leaky := filepath.Join(td, "apks/leaky.apk")
	zh, _, _ := hegui(t, "scan", "--lang", "zh", leaky)
	en, _, _ := hegui(t, "scan", "--lang", "en", leaky)
	if !strings.Contains(zh, "第三方SDK收集个人信息") || !strings.Contains(zh, "《个人信息保护法》") {
		t.Errorf("zh table lacks Chinese titles or citations:\n%s", zh)
	}
	if !strings.Contains(en, "Third-party SDK collects personal information") || !strings.Contains(en, "PIPL Art. 23") {
		t.Errorf("en table lacks English titles or citations")
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	def, _, _ := hegui(t, "rules")
	if !strings.Contains(def, "启动时") {
		t.Errorf("LANG=zh_CN did not select Chinese:\n%s", def)
	}
}

func TestRulesExplainAndCatalogCommands(t *testing.T) {
	out, _, code := hegui(t, "rules", "explain", "HG-AND-001", "--lang", "en")
	if code != 0 || !strings.Contains(out, "《App违法违规收集使用个人信息行为认定方法》") || !strings.Contains(out, "PIPL Art. 13") || !strings.Contains(out, "How to fix") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	if _, _, code := hegui(t, "rules", "explain", "HG-NOPE-1"); code != 2 {
		t.Errorf("explain unknown: exit %d", code)
	}
	out, _, _ = hegui(t, "app-types", "--lang", "en")
	if n := strings.Count(out, "\n"); n != 40 {
		t.Errorf("app-types: %d lines, want header + 39", n)
	}
	out, _, _ = hegui(t, "sdks", "--grep", "jpush")
	if !strings.Contains(out, "jpush") {
		t.Errorf("sdks --grep jpush:\n%s", out)
	}
	out, _, code = hegui(t, "version")
	if code != 0 || !strings.HasPrefix(out, "hegui ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestOutputFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	if _, e, code := hegui(t, "scan", "-f", "json", "-o", p, filepath.Join(td, "apks/clean.apk")); code != 0 {
		t.Fatalf("exit %d %s", code, e)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, reportSchema(t), string(b))
}

// An unreadable input mixed with good ones appears in the JSON output as
// a report of its own, with the error and a high evidence-incomplete
// finding, and the exit code says an input could not be read.
func TestUnreadableInputIsInTheJSONReport(t *testing.T) {
	sch := reportSchema(t)
	stdout, stderr, code := hegui(t, "scan", "--no-ignore", "-f", "json", filepath.Join(td, "apks/clean.apk"), filepath.Join(td, "bad/notzip.apk"))
	if code != 2 || !strings.Contains(stderr, "notzip.apk: not an input hegui reads") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &docs); err != nil || len(docs) != 2 {
		t.Fatalf("want two reports: %v %d", err, len(docs))
	}
	validate(t, sch, string(docs[1]))
	var r jsonReport
	if err := json.Unmarshal(docs[1], &r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.Target.Path, "notzip.apk") || len(r.Errors) != 1 || len(r.Findings) != 1 || r.Findings[0].RuleID != "HG-GEN-001" || r.Findings[0].Severity != "high" {
		t.Errorf("report of the unreadable input: %+v", r)
	}
	_, _, code = hegui(t, "scan", "--no-ignore", "--fail-on", "high", filepath.Join(td, "bad/truncated-dex.apk"))
	if code != 1 {
		t.Errorf("--fail-on high over a truncated dex: exit %d, want 1 (HG-GEN-001)", code)
	}
}

// addEntry copies an APK with one more stored entry.
func addEntry(t *testing.T, src, name string, data []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := filepath.Join(t.TempDir(), filepath.Base(src))
	fh, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(fh)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	return out
}

// A healthy app that ships a data file named .zip that is no zip at all
// loses an asset, not code: no high finding, the gate passes.
func TestDataZipIsNotLostCode(t *testing.T) {
	junk := bytes.Repeat([]byte{0x5a, 0x17, 0x99, 0x03}, 4096)
	apk := addEntry(t, filepath.Join(td, "apks/clean.apk"), "assets/levels.zip", junk)
	stdout, _, code := hegui(t, "scan", "--no-ignore", "--fail-on", "high", "-f", "json", apk)
	if code != 0 {
		t.Errorf("--fail-on high exit %d over an unreadable data .zip", code)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, `"part": "assets"`) || slices.Contains(r.fired("HG-GEN-001"), "code/malformed") || len(r.fired("HG-GEN-002")) != 1 {
		t.Errorf("want an assets loss (HG-GEN-002) and no HG-GEN-001: %v %v", r.fired("HG-GEN-001"), r.fired("HG-GEN-002"))
	}
	// The same bytes named as code are lost code.
	apk = addEntry(t, filepath.Join(td, "apks/clean.apk"), "assets/plugin.jar", junk)
	if _, _, code := hegui(t, "scan", "--no-ignore", "--fail-on", "high", apk); code != 1 {
		t.Errorf("--fail-on high exit %d over an unreadable plug-in .jar, want 1", code)
	}
}

// hegui policy reads policies alone, one report each, and refuses an app.
func TestPolicyCommand(t *testing.T) {
	pol := filepath.Join(td, "policies", "ca4p-0496.html")
	out, e, code := hegui(t, "policy", "--lang", "en", pol, pol)
	if code != 0 || strings.Count(out, "policy  ") != 1 || !strings.Contains(out, "collects (") || !strings.Contains(out, "not stated") {
		t.Errorf("hegui policy: exit %d, stderr %s\n%s", code, e, out)
	}
	js, _, code := hegui(t, "policy", "-f", "json", pol)
	if code != 0 || !strings.Contains(js, `"policy_claims"`) || !strings.Contains(js, `"span"`) || !strings.Contains(js, `"quote"`) {
		t.Errorf("hegui policy -f json: exit %d\n%.400s", code, js)
	}
	if _, e, code := hegui(t, "policy", filepath.Join(td, "apks/leaky.apk")); code != 2 || !strings.Contains(e, "not a policy file") {
		t.Errorf("hegui policy on an APK: exit %d, %s", code, e)
	}
}

// A policy cut at a limit proves no statement absent: the rules that
// charge a missing item are not evaluated, and the cut is reported.
func TestPolicyCutLeavesMissingItemsUnjudged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "long.html")
	body := strings.Repeat("<p>我们会收集您的手机号码，用于注册账号。</p>\n", 60_000)
	if err := os.WriteFile(p, []byte("<html><body>"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	js, e, code := hegui(t, "policy", "-f", "json", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	var r struct {
		Rules []struct {
			RuleID string `json:"rule_id"`
			State  string `json:"state"`
		} `json:"rules"`
		Errors []struct {
			Part string `json:"part"`
		} `json:"errors"`
		Claims []json.RawMessage `json:"policy_claims"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	for _, st := range r.Rules {
		if (st.RuleID == "HG-POL-004" || st.RuleID == "HG-POL-012") && st.State != "not_evaluated" {
			t.Errorf("%s: %s on a policy that was cut", st.RuleID, st.State)
		}
	}
	if len(r.Errors) == 0 || r.Errors[0].Part != "content" {
		t.Errorf("the cut is not reported: %+v", r.Errors)
	}
	if len(r.Claims) > 50 {
		t.Errorf("%d claims from one repeated sentence", len(r.Claims))
	}
}

// --policy joins policies to the one app given: one target, its claims.
func TestScanPolicyFlag(t *testing.T) {
	leaky := filepath.Join(td, "apks/leaky.apk")
	pol := filepath.Join(td, "policies", "ca4p-0496.html")
	js, e, code := hegui(t, "scan", "-f", "json", leaky, "--policy", pol)
	if code == 2 || !strings.Contains(js, `"policy_claims"`) || strings.Count(js, `"schema_version"`) != 1 {
		t.Errorf("scan --policy: exit %d (%s)\n%.300s", code, e, js)
	}
	if _, e, code := hegui(t, "scan", leaky, filepath.Join(td, "apks/clean.apk"), "--policy", pol); code != 2 || !strings.Contains(e, "exactly one app") {
		t.Errorf("--policy with two apps: exit %d, %s", code, e)
	}
	if _, e, code := hegui(t, "scan", leaky, "--policy", filepath.Join(td, "apks/clean.apk")); code != 2 || !strings.Contains(e, "not a policy file") {
		t.Errorf("--policy with an APK: exit %d, %s", code, e)
	}
}
