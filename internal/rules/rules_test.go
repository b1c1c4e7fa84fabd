package rules

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
)

func engine(t testing.TB, extra ...Rule) *Engine { return newEngine(t, true, extra...) }

// newEngine builds an engine over the built-in rules (or none) and extra.
func newEngine(t testing.TB, builtin bool, extra ...Rule) *Engine {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	lc, err := law.Load()
	if err != nil {
		t.Fatal(err)
	}
	var rs []Rule
	if builtin {
		if rs, err = LoadFS(data.FS, "rules"); err != nil {
			t.Fatal(err)
		}
	}
	e, err := New(cat, lc, append(rs, extra...), testInputs{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestBuiltinRulesLoadWithTheirLaw(t *testing.T) {
	e := engine(t)
	if len(e.Rules()) < 13 {
		t.Fatalf("%d built-in rules", len(e.Rules()))
	}
	for _, r := range e.Rules() {
		if r.Description.Zh == "" || r.Description.En == "" || r.Remediation.Zh == "" || r.Remediation.En == "" {
			t.Errorf("%s: missing zh/en description or remediation", r.ID)
		}
	}
}

func TestValidationRejectsBadRules(t *testing.T) {
	cat, _ := catalog.Load()
	lc, _ := law.Load()
	base := Rule{ID: "HG-T-1", Severity: High, Title: Text{Zh: "测", En: "t"}, LegalBasis: []string{"PIPL-28"}, Check: "sensitive_api"}
	cases := map[string]func(r *Rule){
		"id must start with HG-": func(r *Rule) { r.ID = "X-1" },
		"unknown severity":       func(r *Rule) { r.Severity = "severe" },
		"not in the legal":       func(r *Rule) { r.LegalBasis = []string{"PIPL-999"} },
		"no legal basis":         func(r *Rule) { r.LegalBasis = nil },
		"unknown check":          func(r *Rule) { r.Check = "nope" },
		"title needs zh and en":  func(r *Rule) { r.Title.Zh = "" },
		"unknown input kind":     func(r *Rule) { r.Needs = []string{"androd"} },
	}
	for want, mut := range cases {
		r := base
		mut(&r)
		if _, err := New(cat, lc, []Rule{r}, testInputs{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v", want, err)
		}
	}
	if _, err := New(cat, lc, []Rule{base, base}, testInputs{}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate id: %v", err)
	}
}

func sampleSet() *evidence.Set {
	s := &evidence.Set{Target: evidence.Target{Kind: "android", ID: "com.example"}, Inputs: []string{"android"}}
	s.Add(
		evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Referenced,
			Party: evidence.Party{SDK: "jpush"}, Where: evidence.Location{File: "classes.dex", Class: "cn.jpush.A", Method: "a()V", Offset: 10},
			Detail: map[string]string{"api": "TelephonyManager.getDeviceId", "startup": "true", "startup_path": "App.onCreate → A.a"}},
		evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Referenced,
			Party: evidence.Party{SDK: "jpush"}, Where: evidence.Location{File: "classes.dex", Class: "cn.jpush.A", Method: "a()V", Offset: 10},
			Detail: map[string]string{"api": "TelephonyManager.getDeviceId"}},
		evidence.Observation{Kind: evidence.DataType, Key: "contacts", Level: evidence.Declared,
			Detail: map[string]string{"permission": "android.permission.READ_CONTACTS"}},
		evidence.Observation{Kind: evidence.Permission, Key: "android.permission.READ_PHONE_STATE", Level: evidence.Declared},
		evidence.Observation{Kind: evidence.Permission, Key: "android.permission.READ_CONTACTS", Level: evidence.Declared},
	)
	return s
}

// Code reading PI that a runtime permission guards, in an app declaring
// none of its permissions, is a weak signal: no high or critical finding,
// one informational finding naming the missing permission.
func TestUnguardedReadsAreWeak(t *testing.T) {
	e := engine(t)
	set := sampleSet()
	set.Observations = set.Observations[:len(set.Observations)-2] // no permissions
	set.Add(evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Observed,
		Where: evidence.Location{File: "run.pcap", Packet: 3}})
	res := e.Run(set, Options{})
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.RuleID+":"+f.Subject)
		if f.Severity.Rank() >= High.Rank() {
			for _, o := range f.Evidence {
				if o.Key == "device_id_imei" {
					t.Errorf("%s (%s) rests on an IMEI read the app cannot make", f.RuleID, f.Severity)
				}
			}
		}
	}
	var weak *Finding
	for i, f := range res.Findings {
		if f.RuleID == "HG-AND-014" {
			weak = &res.Findings[i]
		}
	}
	if weak == nil || weak.Subject != "jpush" || weak.Detail["permissions_missing"] != "android.permission.READ_PHONE_STATE" || weak.Severity != Info {
		t.Fatalf("HG-AND-014: %+v (findings %v)", weak, rules)
	}
}

// Findings are grouped by cause: one per party and rule, listing the PI
// types, strongest evidence first.
func TestFindingsGroupedByParty(t *testing.T) {
	e := engine(t)
	set := sampleSet()
	at := func(m string) evidence.Location {
		return evidence.Location{File: "classes.dex", Class: "cn.jpush.B", Method: m}
	}
	set.Add(
		evidence.Observation{Kind: evidence.DataType, Key: "imsi", Level: evidence.Referenced, Party: evidence.Party{SDK: "jpush"}, Where: at("b()V"),
			Detail: map[string]string{"startup": "true", "startup_path": "App.onCreate → JPushInterface.init → B.b"}},
		evidence.Observation{Kind: evidence.DataType, Key: "device_info", Level: evidence.Referenced, Party: evidence.Party{SDK: "jpush"}, Where: at("c()V"),
			Detail: map[string]string{"startup": "true", "startup_path": "App.onCreate → C.c"}},
		evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Referenced, Where: evidence.Location{File: "classes.dex", Class: "com.example.Id", Method: "get()V"},
			Detail: map[string]string{"startup": "true", "startup_path": "App.onCreate → Id.get"}},
	)
	res := e.Run(set, Options{})
	var startup []Finding
	for _, f := range res.Findings {
		if f.RuleID == "HG-AND-001" {
			startup = append(startup, f)
		}
	}
	if len(startup) != 2 || startup[0].Subject == startup[1].Subject {
		t.Fatalf("HG-AND-001: want one finding for jpush and one for the app, got %+v", startup)
	}
	for _, f := range startup {
		switch f.Subject {
		case "jpush":
			if f.Detail["data_types"] != "device_id_imei,imsi" {
				t.Errorf("jpush data types %q (the device model is not charged before consent)", f.Detail["data_types"])
			}
			if f.Detail["startup_path"] != "App.onCreate → A.a" || f.Evidence[0].Where.Class != "cn.jpush.A" {
				t.Errorf("strongest (shortest) path first: %q, %+v", f.Detail["startup_path"], f.Evidence[0].Where)
			}
		case SubjectApp:
			if f.Detail["data_types"] != "device_id_imei" {
				t.Errorf("app data types %q", f.Detail["data_types"])
			}
		default:
			t.Errorf("subject %q", f.Subject)
		}
	}
}

func TestRunFindingsStatusAndFingerprints(t *testing.T) {
	e := engine(t)
	set := sampleSet()
	res := e.Run(set, Options{})
	byRule := map[string][]Finding{}
	for _, f := range res.Findings {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
	}
	sdk := byRule["HG-AND-003"]
	if len(sdk) != 1 || sdk[0].Subject != "jpush" {
		t.Fatalf("HG-AND-003: %+v", sdk)
	}
	if len(sdk[0].Evidence) != 1 {
		t.Errorf("duplicate evidence not folded: %d", len(sdk[0].Evidence))
	}
	if len(byRule["HG-AND-001"]) != 1 {
		t.Errorf("start-up rule: %+v", byRule["HG-AND-001"])
	}
	// Stable: the same subject gives the same fingerprint in a new build,
	// whatever the offsets.
	set2 := sampleSet()
	set2.Observations[0].Where.Offset = 999
	res2 := e.Run(set2, Options{})
	if res2.Findings[0].Fingerprint != res.Findings[0].Fingerprint {
		t.Error("fingerprint depends on offsets")
	}
	// Severity order: critical first.
	if res.Findings[0].Severity != Critical {
		t.Errorf("first finding %s", res.Findings[0].Severity)
	}
	states := map[string]string{}
	for _, s := range res.Status {
		states[s.RuleID] = s.State
	}
	if states["HG-AND-013"] != "not_evaluated" || states["HG-AND-009"] != "passed" || states["HG-AND-003"] != "fired" {
		t.Errorf("states %v", states)
	}
}

// A rule whose input kind was not supplied is not evaluated, never passed.
func TestMissingInputIsNotEvaluated(t *testing.T) {
	r := Rule{ID: "HG-T-POLICY", Severity: High, Title: Text{Zh: "政策", En: "policy"}, LegalBasis: []string{"PIPL-17"},
		Needs: []string{"policy"}, Check: "sensitive_api"}
	e := engine(t, r)
	res := e.Run(sampleSet(), Options{})
	for _, s := range res.Status {
		if s.RuleID == r.ID && (s.State != "not_evaluated" || !strings.Contains(s.Reason, "policy")) {
			t.Errorf("status %+v", s)
		}
	}
}

func TestNecessity(t *testing.T) {
	e := engine(t)
	set := sampleSet()
	set.Add(evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Referenced})
	for appType, wantUnnecessary := range map[string][]string{
		"ride_hailing":      {"contacts", "device_id_imei"},
		"map_navigation":    {"contacts", "device_id_imei"},
		"instant_messaging": {"contacts", "device_id_imei", "precise_location"},
	} {
		res := e.Run(set, Options{AppType: appType})
		var got []string
		for _, f := range res.Findings {
			if f.RuleID == "HG-AND-013" {
				got = append(got, f.Subject)
			}
		}
		if strings.Join(got, ",") != strings.Join(wantUnnecessary, ",") {
			t.Errorf("%s: unnecessary %v, want %v", appType, got, wantUnnecessary)
		}
	}
}

func TestParseUserRules(t *testing.T) {
	rs, err := Parse([]byte(`version: "1"
rules:
  - id: HG-USER-1
    severity: low
    title: {zh: 测试, en: test}
    legal_basis: [PIPL-6]
    check: installed_apps
`), "user.yaml")
	if err != nil || len(rs) != 1 || rs[0].Source != "user.yaml" {
		t.Fatalf("%v %+v", err, rs)
	}
	if _, err := Parse([]byte("rules:\n  - id: HG-X\n    colour: red\n"), "bad.yaml"); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := ParseSeverity("HIGH"); err != nil {
		t.Error(err)
	}
}

// Every built-in rule says which parts of the inputs it reads, so that a
// part lost to damage or a limit leaves it not evaluated, never passed.
func TestBuiltinRulesStateWhatTheyRead(t *testing.T) {
	readsNothing := map[string]bool{"HG-AND-011": true, "HG-GEN-001": true, "HG-GEN-002": true}
	for _, r := range engine(t).Rules() {
		if len(r.parts()) == 0 && !readsNothing[r.ID] {
			t.Errorf("%s reads no part: add reads: [...] to its rule file", r.ID)
		}
	}
}

// A user rule that names no parts reads every part.
func TestUserRuleReadsEverything(t *testing.T) {
	r := Rule{ID: "HG-U-1", Source: "my.yaml"}
	if len(r.parts()) != len(allParts) {
		t.Errorf("user rule parts %v", r.parts())
	}
}

// Looking up a few named apps is a presence check; probing ten or more is
// collecting the installed-app list one name at a time.
func TestInstalledAppProbing(t *testing.T) {
	e := engine(t)
	probe := func(n int) *evidence.Set {
		set := sampleSet()
		for i := range n {
			set.Add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropertyPresenceCheck, Level: evidence.Referenced,
				Where: evidence.Location{File: "classes.dex", Class: "com.example.Probe", Method: "scan()V", Offset: int64(100 + i)},
				Detail: map[string]string{evidence.DetailDataType: "installed_apps", evidence.DetailAPI: "android.content.pm.PackageManager.getPackageInfo",
					evidence.DetailArgs: `"com.rival.app` + strconv.Itoa(i) + `"`}})
		}
		return set
	}
	// Lookups of names the code was handed (parameters) are not probes.
	handed := sampleSet()
	for i := range 2 * probeThreshold {
		handed.Add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropertyPresenceCheck, Level: evidence.Referenced,
			Where:  evidence.Location{File: "classes.dex", Class: "com.example.Lookup", Method: "m" + strconv.Itoa(i) + "()V"},
			Detail: map[string]string{evidence.DetailDataType: "installed_apps", evidence.DetailAPI: "android.content.pm.PackageManager.getPackageInfo", evidence.DetailArgs: "p" + strconv.Itoa(i)}})
	}
	for _, f := range e.Run(handed, Options{}).Findings {
		if f.RuleID == "HG-AND-012" {
			t.Errorf("lookups of handed names counted as probing: %+v", f.Subject)
		}
	}
	for n, want := range map[int]bool{3: false, probeThreshold: true} {
		fired := false
		for _, f := range e.Run(probe(n), Options{}).Findings {
			if f.RuleID == "HG-AND-012" && f.Subject == SubjectApp {
				fired = true
			}
		}
		if fired != want {
			t.Errorf("%d named apps probed: HG-AND-012 fired %v, want %v", n, fired, want)
		}
	}
}

// With only ACCESS_COARSE_LOCATION, a precise-location read gives an
// approximate fix: it is a coarse-location read, not a weak signal.
func TestCoarseOnlyLocationIsCoarse(t *testing.T) {
	e := engine(t)
	set := &evidence.Set{Target: evidence.Target{Kind: "android", ID: "com.example"}, Inputs: []string{"android"}}
	set.Add(
		evidence.Observation{Kind: evidence.Permission, Key: "android.permission.ACCESS_COARSE_LOCATION", Level: evidence.Declared},
		evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Referenced,
			Where:  evidence.Location{File: "classes.dex", Class: "com.example.Loc", Method: "get()V", Offset: 4},
			Detail: map[string]string{"startup": "true", "startup_path": "App.onCreate → Loc.get"}},
	)
	var startup, weak bool
	for _, f := range e.Run(set, Options{}).Findings {
		switch f.RuleID {
		case "HG-AND-001":
			startup = f.Detail["data_types"] == "coarse_location"
		case "HG-AND-014":
			weak = true
		}
	}
	if !startup || weak {
		t.Errorf("HG-AND-001 on coarse_location %v, HG-AND-014 %v: want the read as coarse location, not weak", startup, weak)
	}
}
