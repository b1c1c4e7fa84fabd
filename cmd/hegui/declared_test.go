package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The policy and traffic rules judge evidence files joined to the real
// leaky.apk: each fires on a fixture that breaks it, passes on one that
// does not, and is "not evaluated" without its input.
func TestPolicyAndTrafficRules(t *testing.T) {
	sch := reportSchema(t)
	apk := filepath.Join(td, "apks/leaky.apk")
	ev := func(name string) string { return filepath.Join(td, "evidence", name) }

	cases := []struct {
		fixture string
		fired   map[string][]string // rule -> subjects that must be among its findings
		passed  []string
		notEval []string
	}{
		{
			fixture: "leaky-policy-gaps.json",
			fired: map[string][]string{
				// Contacts, which the policy says it does not collect, is
				// HG-POL-010's, not charged twice.
				"HG-POL-002": {"sms", "installed_apps", "background_location"},
				"HG-POL-010": {"contacts"},
				"HG-POL-011": {"handler_identity"},
				"HG-POL-014": {"umeng-analytics"},
				"HG-POL-003": {"pangle", "bugly", "google-ads-identifier"},
				"HG-POL-004": {"account_deletion"},
				"HG-POL-005": {"complaint_channel"},
				"HG-POL-006": {"background_location", "precise_location"},
				"HG-POL-007": {"minors"},
				"HG-POL-008": {"personalization"},
				"HG-POL-009": {"sdk:google-ads-identifier"},
			},
			passed:  []string{"HG-POL-001"},
			notEval: []string{"HG-NET-001", "HG-NET-002", "HG-NET-003", "HG-NET-004", "HG-FACE-001"},
		},
		{
			fixture: "leaky-policy-complete.json",
			passed:  []string{"HG-POL-001", "HG-POL-002", "HG-POL-003", "HG-POL-004", "HG-POL-005", "HG-POL-006", "HG-POL-007", "HG-POL-008", "HG-POL-009", "HG-POL-010", "HG-POL-011", "HG-POL-012", "HG-POL-013", "HG-POL-014"},
			notEval: []string{"HG-NET-001"},
		},
		{
			fixture: "leaky-policy-empty.json",
			fired:   map[string][]string{"HG-POL-001": {"policy"}, "HG-POL-012": {"retention"}},
			passed:  []string{"HG-POL-005"},
			// Listing every type again as undeclared would only repeat HG-POL-001.
			notEval: []string{"HG-POL-002"},
		},
		{
			fixture: "leaky-traffic-leaks.json",
			fired: map[string][]string{
				"HG-NET-001":  {"device_id_imei", "android_id"},
				"HG-NET-002":  {"umeng-analytics"},
				"HG-NET-003":  {"tracker.ads-example.com"},
				"HG-NET-004":  {"precise_location"},
				"HG-FACE-001": {"face.leaky-demo.cn"},
			},
			notEval: []string{"HG-POL-001", "HG-POL-003"},
		},
		{
			fixture: "leaky-traffic-clean.json",
			passed:  []string{"HG-NET-001", "HG-NET-002", "HG-NET-003", "HG-NET-004", "HG-FACE-001"},
			notEval: []string{"HG-POL-002"},
		},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			r := scanJSON(t, sch, apk, ev(c.fixture))
			if r.Target.ID != "com.example.leaky" || len(r.Findings) == 0 {
				t.Fatalf("the evidence file did not join the APK's report: %+v", r.Target)
			}
			for rule, subjects := range c.fired {
				got := r.fired(rule)
				if r.state(rule) != "fired" {
					t.Errorf("%s: state %q, want fired", rule, r.state(rule))
				}
				for _, s := range subjects {
					if !slices.Contains(got, s) {
						t.Errorf("%s: subjects %v lack %s", rule, got, s)
					}
				}
			}
			for _, rule := range c.passed {
				if st := r.state(rule); st != "passed" {
					t.Errorf("%s: state %q, want passed (findings %v)", rule, st, r.fired(rule))
				}
			}
			for _, rule := range c.notEval {
				if st := r.state(rule); st != "not_evaluated" {
					t.Errorf("%s: state %q, want not_evaluated", rule, st)
				}
			}
			for _, f := range r.Findings {
				if len(f.LegalBasis) == 0 || f.Fingerprint == "" {
					t.Errorf("%s %s: no law or fingerprint", f.RuleID, f.Subject)
				}
			}
		})
	}
}

// Without any evidence file, the APK alone never "passes" a policy or
// traffic rule.
func TestDeclaredRulesNotEvaluatedOnPackageAlone(t *testing.T) {
	r := scanJSON(t, reportSchema(t), filepath.Join(td, "apks/clean.apk"))
	for _, s := range r.Rules {
		if len(s.RuleID) > 6 && (s.RuleID[:6] == "HG-POL" || s.RuleID[:6] == "HG-NET" || s.RuleID[:7] == "HG-FACE") {
			if s.State != "not_evaluated" || s.Reason == "" {
				t.Errorf("%s: %s (%q) without its input", s.RuleID, s.State, s.Reason)
			}
		}
	}
}

// A user rule file adds findings through the same engine, with the law
// the file cites; a broken file is a usage error that names the rule.
func TestUserRuleFile(t *testing.T) {
	sch := reportSchema(t)
	rules := filepath.Join(td, "rules/example.yaml")
	r := scanJSON(t, sch, "--rules", rules, "--app-type", "news", filepath.Join(td, "apks/leaky.apk"))
	if got := r.fired("HG-ACME-001"); !slices.Contains(got, "amap-location:precise_location") {
		t.Errorf("HG-ACME-001 subjects %v", got)
	}
	if got := r.fired("HG-ACME-003"); !slices.Contains(got, "android.permission.READ_CONTACTS") {
		t.Errorf("HG-ACME-003 subjects %v", got)
	}
	for _, f := range r.Findings {
		if f.RuleID == "HG-ACME-001" && (len(f.LegalBasis) != 3 || f.LegalBasis[0].ID != "PIPL-28") {
			t.Errorf("user rule's legal basis %+v", f.LegalBasis)
		}
	}
	// Without --app-type the necessity rule says why it was not evaluated.
	r = scanJSON(t, sch, "--rules", rules, filepath.Join(td, "apks/clean.apk"))
	if r.state("HG-ACME-003") != "not_evaluated" || len(r.fired("HG-ACME-001")) != 0 {
		t.Errorf("clean.apk: HG-ACME-003 %s, HG-ACME-001 %v", r.state("HG-ACME-003"), r.fired("HG-ACME-001"))
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("rules:\n  - id: HG-X-1\n    severity: low\n    title: {zh: 测, en: t}\n    legal_basis: [PIPL-28]\n    condition: 'sdks.size() > \"1\"'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := hegui(t, "scan", "--rules", bad, filepath.Join(td, "apks/clean.apk"))
	if code != 2 || !strings.Contains(errOut, "HG-X-1") || !strings.Contains(errOut, "condition") {
		t.Errorf("bad rule file: exit %d, %q", code, errOut)
	}
}

// Every built-in rule fires on a fixture that breaks it and passes on one
// that does not. A new rule without such fixtures fails here.
func TestEveryBuiltinRuleFiresAndPasses(t *testing.T) {
	sch := reportSchema(t)
	apk := func(n string) string { return filepath.Join(td, "apks", n) }
	ev := func(n string) string { return filepath.Join(td, "evidence", n) }
	scans := [][]string{
		{"--app-type", "ride_hailing", apk("leaky.apk")},
		{"--app-type", "ride_hailing", apk("clean.apk")},
		{"--app-type", "ride_hailing", apk("ridehail.apk")},
		{apk("packed.apk")},
		{filepath.Join(td, "bad/traversal.apk")},
		{filepath.Join(td, "bad/truncated-dex.apk")},
		{filepath.Join(td, "bad/zipbomb.apk")},
		{filepath.Join(td, "bad/url-flood.apk")},
		{filepath.Join(td, "apks/real/com.test.intent_filter.apk")}, // AppCompat night mode reads location without the permission
		{apk("permprompt.apk")},                                     // asks at launch, bundled, forced, repeated
		{apk("leaky.apk"), ev("leaky-policy-gaps.json"), ev("leaky-traffic-leaks.json")},
		{apk("leaky.apk"), ev("leaky-policy-complete.json"), ev("leaky-traffic-clean.json")},
		{apk("leaky.apk"), ev("leaky-policy-empty.json")},
		{"../../internal/traffic/testdata/captures/device.pcap"}, // heartbeats every 2 s
		{filepath.Join(td, "ios/ride.ipa")},                      // purposes missing, ATS off
		{filepath.Join(td, "ios/ride-clean.ipa")},
		{filepath.Join(td, "harmony/lock.hap")}, // reasons missing
		{filepath.Join(td, "harmony/lock-clean.hap")},
	}
	states := map[string]map[string]bool{}
	for _, args := range scans {
		r := scanJSON(t, sch, args...)
		for _, s := range r.Rules {
			if states[s.RuleID] == nil {
				states[s.RuleID] = map[string]bool{}
			}
			states[s.RuleID][s.State] = true
		}
	}
	out, _, _ := hegui(t, "rules")
	n := 0
	for _, line := range strings.Split(out, "\n") {
		id, _, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(id, "HG-") {
			continue
		}
		n++
		if !states[id]["fired"] || !states[id]["passed"] {
			t.Errorf("%s: states over the fixtures %v, want fired and passed", id, states[id])
		}
	}
	if n < 27 {
		t.Errorf("only %d built-in rules listed", n)
	}
}
