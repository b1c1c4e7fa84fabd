package ignore

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/report"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var now = date("2026-11-15T12:00:00Z")

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse([]byte(src), ".heguiignore")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseExample(t *testing.T) {
	f, err := Load("testdata/example.heguiignore")
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "testdata/example.heguiignore" || len(f.Entries) != 3 {
		t.Fatalf("got %q with %d entries", f.Path, len(f.Entries))
	}
	e := f.Entries[0]
	if e.Fingerprint != "3f2a9c0d1e4b5a67" || e.Line != 5 || e.Expires != date("2027-03-31T00:00:00Z") ||
		!strings.HasPrefix(e.Reason, "Accepted by legal review") {
		t.Errorf("entry 0 = %+v", e)
	}
	e = f.Entries[1]
	if e.Rule != "HG-AND-005" || e.Line != 11 || !reflect.DeepEqual(e.Paths, []string{"build/outputs/**/*.apk"}) ||
		!reflect.DeepEqual(e.Subjects, []string{"google-ads-*"}) || !reflect.DeepEqual(e.Targets, []string{"com.example.*"}) ||
		!e.Expires.IsZero() {
		t.Errorf("entry 1 = %+v", e)
	}
	if e := f.Entries[2]; !reflect.DeepEqual(e.Locations, []string{"com.umeng.**", "lib/**/libumeng*.so"}) {
		t.Errorf("entry 2 = %+v", e)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "version: 1\n", "version: 1\nignore:\n", "version: 1\nignore: []\n", "~\n"} {
		f, err := Parse([]byte(src), "x")
		if err != nil || len(f.Entries) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no entries", src, f, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"missing reason", "version: 1\nignore:\n  - rule: HG-AND-001\n", 3, "reason is required"},
		{"blank reason", "version: 1\nignore:\n  - rule: HG-AND-001\n    reason: \"  \"\n", 4, "reason: must not be empty"},
		{"null reason", "version: 1\nignore:\n  - rule: HG-AND-001\n    reason:\n", 4, "reason: must not be empty"},
		{"neither rule nor fingerprint", "version: 1\nignore:\n  - subjects: [imsi]\n    reason: ok\n", 3, "give a fingerprint, a rule, or both"},
		{"short fingerprint", "ignore:\n  - fingerprint: 3f2a9c0d1e4b5a6\n    reason: ok\n", 2, "fingerprint: want 16 lower-case hex"},
		{"upper-case fingerprint", "ignore:\n  - fingerprint: 3F2A9C0D1E4B5A67\n    reason: ok\n", 2, "fingerprint: want 16"},
		{"non-hex fingerprint", "ignore:\n  - reason: ok\n    fingerprint: 3f2a9c0d1e4b5g67\n", 3, "fingerprint: want 16"},
		{"list fingerprint", "ignore:\n  - reason: ok\n    fingerprint: [3f2a9c0d1e4b5a67]\n", 3, "fingerprint: want 16"},
		{"unknown entry field", "version: 1\nignore:\n  - rule: HG-AND-001\n    reason: ok\n    statement: x\n", 5, `unknown field "statement"`},
		{"unknown top field", "version: 1\nignores: []\n", 2, `unknown field "ignores"`},
		{"bad date", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    expires: 2027-02-30\n", 4, "expires: want a date YYYY-MM-DD"},
		{"date with time", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    expires: 2027-02-03T10:00:00Z\n", 4, "expires: want a date"},
		{"bad rule", "ignore:\n  - rule: AND-001\n    reason: ok\n", 2, "rule: want a rule id"},
		{"rule with space", "ignore:\n  - rule: HG-AND 001\n    reason: ok\n", 2, "rule: want a rule id"},
		{"version 2", "version: 2\nignore: []\n", 1, "version: want 1"},
		{"not a mapping", "- rule: HG-AND-001\n", 1, "want a mapping with version and ignore"},
		{"ignore not a list", "ignore:\n  rule: HG-AND-001\n", 2, "ignore: want a list"},
		{"entry not a mapping", "ignore:\n  - HG-AND-001\n", 2, "ignore entry: want a mapping"},
		{"duplicate field", "ignore:\n  - rule: HG-AND-001\n    reason: a\n    rule: HG-AND-002\n", 4, `field "rule" given twice`},
		{"paths not a list", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    paths: \"*.apk\"\n", 4, "paths: want a non-empty list"},
		{"empty paths", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    paths: []\n", 4, "paths: want a non-empty list"},
		{"empty glob", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    subjects:\n      - imsi\n      - \"\"\n", 6, "subjects: empty pattern"},
		{"trailing escape", "ignore:\n  - rule: HG-AND-001\n    reason: ok\n    locations: ['com.x\\']\n", 4, "ends in an escape"},
		{"alias", "ignore:\n  - rule: HG-AND-001\n    reason: &r ok\n  - rule: HG-AND-002\n    reason: *r\n", 5, "aliases are not supported"},
		{"merge key", "ignore:\n  - &e {rule: HG-AND-001, reason: ok}\n  - <<: *e\n", 3, "want a field name"},
		{"two documents", "version: 1\n---\nversion: 1\n", 2, "more than one YAML document"},
		{"syntax", "version: 1\nignore:\n  - rule: HG-AND-001\n   reason: [\n", 2, "did not find expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.src), "team/.heguiignore")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", f)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if pe.File != "team/.heguiignore" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("error %q: want line %d and %q", err, tc.line, tc.msg)
			}
			want := "team/.heguiignore:" + strconv.Itoa(tc.line) + ": "
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
		})
	}
}

func TestLoadAndFind(t *testing.T) {
	dir := t.TempDir()
	if _, ok := Find(dir); ok {
		t.Fatal("Find in an empty directory succeeded")
	}
	yml := filepath.Join(dir, ".heguiignore.yaml")
	if err := os.WriteFile(yml, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir); !ok || p != yml {
		t.Fatalf("Find = %q, %v; want %q", p, ok, yml)
	}
	plain := filepath.Join(dir, ".heguiignore")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, _ := Find(dir); p != yml {
		t.Fatalf("Find took a directory: %q", p)
	}
	if err := os.Remove(plain); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, []byte("ignore:\n  - rule: HG-AND-001\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir); !ok || p != plain {
		t.Fatalf("Find = %q, %v; want %q first", p, ok, plain)
	}
	if _, err := Load(plain); err == nil || !strings.HasPrefix(err.Error(), plain+":2: ") {
		t.Errorf("Load error = %v; want it at %s:2", err, plain)
	}
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load of an oversized file: %v", err)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pat        string
		sep        rune
		unanchored bool
		yes, no    []string
	}{
		{"build/outputs/**/*.apk", '/', true,
			[]string{"build/outputs/app.apk", "build/outputs/apk/release/app.apk", "/ci/w/build/outputs/x/a.apk"},
			[]string{"build/outputs/app.aab", "xbuild/outputs/a.apk", "build/outputs/apk/a.apk/x", "dist/a.apk"}},
		{"*.apk", '/', true, []string{"a.apk", "dir/sub/a.apk", "/abs/a.apk"}, []string{"a.apks", "a.apk/b"}},
		{"/abs/*.apk", '/', false, []string{"/abs/a.apk"}, []string{"/x/abs/a.apk", "abs/a.apk", "/abs/d/a.apk"}},
		{"a?c", '/', false, []string{"abc", "aéc"}, []string{"a/c", "ac", "abbc"}},
		{`a\*c`, '/', false, []string{"a*c"}, []string{"abc"}},
		{"build/**", '/', false, []string{"build/", "build/a", "build/a/b"}, []string{"build", "other/a"}},
		{"com.umeng.**", '.', false, []string{"com.umeng.commonsdk.UMConfigure", "com.umeng.A$B"}, []string{"com.umengx.A", "com.example.A", "xcom.umeng.A"}},
		{"com.umeng.*", '.', false, []string{"com.umeng.A"}, []string{"com.umeng.sub.A"}},
		{"com.example.*", 0, false, []string{"com.example.app", "com.example.app.lite"}, []string{"com.other.app"}},
		{"google-ads-*", 0, false, []string{"google-ads-identifier"}, []string{"admob"}},
		{"**", 0, false, []string{"", "anything/at.all"}, nil},
		{"*a*a*a*a*a*a*a*a*b", '/', false, []string{"aaaaaaaab"}, []string{strings.Repeat("a", 2000)}},
	} {
		g, err := compileGlob(tc.pat, tc.sep, tc.unanchored)
		if err != nil {
			t.Fatalf("compile %q: %v", tc.pat, err)
		}
		for _, s := range tc.yes {
			if !g.match(s) {
				t.Errorf("%q (sep %q) does not match %q", tc.pat, tc.sep, s)
			}
		}
		for _, s := range tc.no {
			if g.match(s) {
				t.Errorf("%q (sep %q) matches %q", tc.pat, tc.sep, s)
			}
		}
	}
}

// sample is a report as report.Build makes it, written out by hand: the
// matcher is the unit under test.
func sample() *report.Report {
	app := evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Referenced,
		Where: evidence.Location{File: "classes.dex", Class: "com.example.app.DeviceInfo", Method: "collect()V", Offset: 4438}}
	umeng := evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Referenced,
		Party: evidence.Party{SDK: "umeng-analytics"},
		Where: evidence.Location{File: "classes2.dex", Class: "com.umeng.commonsdk.UMConfigure", Method: "init()V", Offset: 4572}}
	umengLib := evidence.Observation{Kind: evidence.SDK, Key: "umeng-analytics", Level: evidence.Present,
		Party: evidence.Party{SDK: "umeng-analytics"}, Where: evidence.Location{File: "lib/arm64-v8a/libumeng-common.so"}}
	return &report.Report{
		Target: evidence.Target{Kind: "android", Path: "./build/outputs/apk/release/app.apk", ID: "com.example.app"},
		Findings: []report.Finding{
			{RuleID: "HG-AND-001", Severity: "critical", Subject: "device_id_imei", Fingerprint: "8b6b874ae73d6911",
				Evidence: []evidence.Observation{app, umeng}},
			{RuleID: "HG-AND-003", Severity: "high", Subject: "umeng-analytics", Fingerprint: "ea180349ddb6f636",
				Evidence: []evidence.Observation{umeng, umengLib}},
			{RuleID: "HG-AND-005", Severity: "medium", Subject: "google-ads-identifier", Fingerprint: "181fce3444b8a04d",
				Evidence: []evidence.Observation{{Kind: evidence.SDK, Key: "google-ads-identifier",
					Where: evidence.Location{File: "classes2.dex", Class: "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info"}}}},
			{RuleID: "HG-AND-006", Severity: "medium", Subject: "android.permission.ACCESS_FINE_LOCATION", Fingerprint: "d5e77e9cb57dc1c5",
				Evidence: []evidence.Observation{{Kind: evidence.Permission, Key: "android.permission.ACCESS_FINE_LOCATION",
					Where: evidence.Location{File: "AndroidManifest.xml", Line: 4}}}},
		},
	}
}

// suppressed lists "rule subject <- source" for each suppressed finding.
func suppressed(reps ...*report.Report) []string {
	var out []string
	for _, r := range reps {
		for _, f := range r.Findings {
			if f.Suppressed != nil {
				out = append(out, f.RuleID+" "+f.Subject+" <- "+f.Suppressed.Source)
			}
		}
	}
	return out
}

func TestApply(t *testing.T) {
	const head = "version: 1\nignore:\n"
	for _, tc := range []struct {
		name, entries string
		want          []string
	}{
		{"fingerprint", "  - fingerprint: ea180349ddb6f636\n    reason: ok\n",
			[]string{"HG-AND-003 umeng-analytics <- f:3"}},
		{"fingerprint of another finding", "  - fingerprint: ea180349ddb6f637\n    reason: ok\n", nil},
		{"fingerprint and wrong rule", "  - fingerprint: ea180349ddb6f636\n    rule: HG-AND-001\n    reason: ok\n", nil},
		{"rule", "  - rule: HG-AND-006\n    reason: ok\n",
			[]string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- f:3"}},
		{"rule and path", "  - rule: HG-AND-005\n    paths: [\"build/outputs/**/*.apk\"]\n    reason: ok\n",
			[]string{"HG-AND-005 google-ads-identifier <- f:3"}},
		{"rule and other path", "  - rule: HG-AND-005\n    paths: [\"dist/**/*.apk\", \"*.aab\"]\n    reason: ok\n", nil},
		{"rule and anchored path", "  - rule: HG-AND-005\n    paths: [\"/build/**\"]\n    reason: ok\n", nil},
		{"subjects", "  - rule: HG-AND-005\n    subjects: [\"google-*\"]\n    reason: ok\n",
			[]string{"HG-AND-005 google-ads-identifier <- f:3"}},
		{"other subjects", "  - rule: HG-AND-005\n    subjects: [\"admob\"]\n    reason: ok\n", nil},
		{"targets", "  - rule: HG-AND-005\n    targets: [\"com.example.*\"]\n    reason: ok\n",
			[]string{"HG-AND-005 google-ads-identifier <- f:3"}},
		{"other targets", "  - rule: HG-AND-005\n    targets: [\"com.other.*\"]\n    reason: ok\n", nil},
		// Umeng's class and library cover HG-AND-003; the same data type
		// read by the app itself (HG-AND-001) stays open.
		{"locations", "  - fingerprint: 8b6b874ae73d6911\n    locations: [\"com.umeng.**\", \"libumeng-*.so\"]\n    reason: a\n" +
			"  - rule: HG-AND-003\n    locations: [\"com.umeng.**\", \"libumeng-*.so\"]\n    reason: b\n",
			[]string{"HG-AND-003 umeng-analytics <- f:6"}},
		{"locations without the library", "  - rule: HG-AND-003\n    locations: [\"com.umeng.**\"]\n    reason: ok\n", nil},
		{"locations by file", "  - rule: HG-AND-006\n    locations: [AndroidManifest.xml]\n    reason: ok\n",
			[]string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- f:3"}},
		{"first entry wins", "  - rule: HG-AND-006\n    reason: a\n  - fingerprint: d5e77e9cb57dc1c5\n    reason: b\n",
			[]string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- f:3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(head+tc.entries), "f")
			if err != nil {
				t.Fatal(err)
			}
			r := sample()
			out := f.Apply([]*report.Report{r}, now)
			if got := suppressed(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("suppressed %q, want %q", got, tc.want)
			}
			if out.Suppressed != len(tc.want) || out.PerReport[0] != len(tc.want) {
				t.Errorf("outcome %+v, want %d suppressed", out, len(tc.want))
			}
		})
	}
}

func TestApplyKeepsFinding(t *testing.T) {
	f := mustParse(t, "ignore:\n  - fingerprint: 8b6b874ae73d6911\n    reason: Reviewed\n    expires: 2027-03-31\n")
	r, want := sample(), sample()
	f.Apply([]*report.Report{r}, now)
	got := r.Findings[0]
	if !reflect.DeepEqual(got.Suppressed, &report.Suppression{Reason: "Reviewed", Expires: "2027-03-31", Source: ".heguiignore:2"}) {
		t.Errorf("suppression = %+v", got.Suppressed)
	}
	got.Suppressed = nil
	if !reflect.DeepEqual(got, want.Findings[0]) {
		t.Errorf("finding changed beyond its suppression:\n got %+v\nwant %+v", got, want.Findings[0])
	}
	if !reflect.DeepEqual(r.Findings[1:], want.Findings[1:]) || !reflect.DeepEqual(r.Target, want.Target) {
		t.Error("other findings or the target changed")
	}
}

func TestApplyExpiry(t *testing.T) {
	f := mustParse(t, "ignore:\n"+
		"  - rule: HG-AND-006\n    reason: ends today\n    expires: 2026-11-15\n"+
		"  - rule: HG-AND-005\n    reason: ended yesterday\n    expires: 2026-11-14\n")
	for _, tc := range []struct {
		now     string
		want    []string
		expired []int
	}{
		{"2026-11-15T00:00:00Z", []string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- .heguiignore:2"}, []int{5}},
		{"2026-11-15T23:59:59Z", []string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- .heguiignore:2"}, []int{5}},
		// 2026-11-16 01:00 in Beijing is still the 15th in UTC.
		{"2026-11-16T01:00:00+08:00", []string{"HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- .heguiignore:2"}, []int{5}},
		{"2026-11-16T00:00:00Z", nil, []int{2, 5}},
		{"2026-11-14T23:59:59Z", []string{"HG-AND-005 google-ads-identifier <- .heguiignore:5", "HG-AND-006 android.permission.ACCESS_FINE_LOCATION <- .heguiignore:2"}, nil},
	} {
		r := sample()
		out := f.Apply([]*report.Report{r}, date(tc.now))
		if got := suppressed(r); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("at %s: suppressed %q, want %q", tc.now, got, tc.want)
		}
		var lines []int
		for _, e := range out.Expired {
			lines = append(lines, e.Line)
		}
		if !reflect.DeepEqual(lines, tc.expired) {
			t.Errorf("at %s: expired entries at lines %v, want %v", tc.now, lines, tc.expired)
		}
		if len(out.Unused) != 0 {
			t.Errorf("at %s: expired entries reported unused: %+v", tc.now, out.Unused)
		}
	}
}

func TestApplyUnusedAndCounts(t *testing.T) {
	f := mustParse(t, "ignore:\n"+
		"  - rule: HG-AND-006\n    reason: a\n"+
		"  - fingerprint: d5e77e9cb57dc1c5\n    reason: shadowed by line 2, still used\n"+
		"  - rule: HG-AND-099\n    reason: no such finding\n"+
		"  - rule: HG-AND-005\n    targets: [com.example.app]\n    reason: only the first app\n")
	a, b := sample(), sample()
	b.Target.ID = "com.example.lite"
	b.Findings[0].Suppressed = &report.Suppression{Reason: "from elsewhere", Source: "x:1"}
	out := f.Apply([]*report.Report{a, nil, b}, now)
	if out.Suppressed != 3 || !reflect.DeepEqual(out.PerReport, []int{2, 0, 1}) {
		t.Errorf("counts: %d %v; want 3 [2 0 1]", out.Suppressed, out.PerReport)
	}
	if len(out.Unused) != 1 || out.Unused[0].Rule != "HG-AND-099" || out.Unused[0].Line != 6 {
		t.Errorf("unused = %+v; want the HG-AND-099 entry", out.Unused)
	}
	if b.Findings[0].Suppressed.Source != "x:1" {
		t.Error("an existing suppression was replaced")
	}
	// A second run finds nothing left to suppress.
	if again := f.Apply([]*report.Report{a}, now); again.Suppressed != 0 {
		t.Errorf("second Apply suppressed %d", again.Suppressed)
	}
	var nilFile *File
	if out := nilFile.Apply([]*report.Report{a}, now); out.Suppressed != 0 || len(out.PerReport) != 1 {
		t.Errorf("nil file: %+v", out)
	}
}

func TestLocationsNeedCompleteEvidence(t *testing.T) {
	f := mustParse(t, "ignore:\n  - rule: HG-AND-003\n    locations: [\"com.umeng.**\", \"lib/**\"]\n    reason: ok\n")
	r := sample()
	r.Findings[1].Detail = map[string]string{"evidence_total": "40"}
	r.Findings[2].RuleID = "HG-AND-003"
	r.Findings[2].Evidence = nil
	if out := f.Apply([]*report.Report{r}, now); out.Suppressed != 0 {
		t.Errorf("suppressed %q: truncated or missing evidence must not be accepted", suppressed(r))
	}
	r = sample()
	r.Findings[1].Detail = map[string]string{"evidence_total": "2"}
	if out := f.Apply([]*report.Report{r}, now); out.Suppressed != 1 {
		t.Errorf("suppressed %q; want the HG-AND-003 finding", suppressed(r))
	}
}

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.heguiignore")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ignore:\n  - rule: HG-AND-001\n    reason: ok\n    paths: ['**/a?*\\*']\n"))
	f.Add([]byte("ignore:\n  - &e {rule: HG-AND-001, reason: ok}\n  - <<: *e\n"))
	f.Add([]byte("version: 1\n---\nversion: 1\n"))
	r := sample()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data, "fuzz")
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			return
		}
		for _, e := range file.Entries {
			if e.Reason == "" || (e.Fingerprint == "" && e.Rule == "") || e.Line <= 0 {
				t.Fatalf("invalid entry accepted: %+v", e)
			}
		}
		c := *r
		c.Findings = append([]report.Finding(nil), r.Findings...)
		out := file.Apply([]*report.Report{&c}, now)
		if out.Suppressed > len(c.Findings) || len(out.Expired)+len(out.Unused) > len(file.Entries) {
			t.Fatalf("outcome out of bounds: %+v", out)
		}
	})
}

func BenchmarkApply(b *testing.B) {
	f, err := Load("testdata/example.heguiignore")
	if err != nil {
		b.Fatal(err)
	}
	base := sample()
	for len(base.Findings) < 400 {
		base.Findings = append(base.Findings, base.Findings[:4]...)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := *base
		r.Findings = append([]report.Finding(nil), base.Findings...)
		f.Apply([]*report.Report{&r}, now)
	}
}
