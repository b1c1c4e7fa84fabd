package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
)

func exampleRules(t *testing.T) []Rule {
	t.Helper()
	b, err := os.ReadFile("../../testdata/rules/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Parse(b, "example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestExpressionRules(t *testing.T) {
	e := engine(t, exampleRules(t)...)
	set := sampleSet()
	set.Add(
		evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Referenced,
			Party: evidence.Party{SDK: "amap-location"}, Where: evidence.Location{File: "classes.dex", Class: "com.amap.api.location.A", Method: "b()V", Offset: 64}},
		evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Declared,
			Detail: map[string]string{"permission": "android.permission.ACCESS_FINE_LOCATION"}},
		evidence.Observation{Kind: evidence.SDK, Key: "google-ads", Level: evidence.Present},
	)
	res := e.Run(set, Options{})
	got := map[string][]Finding{}
	for _, f := range res.Findings {
		got[f.RuleID] = append(got[f.RuleID], f)
	}
	if fs := got["HG-ACME-001"]; len(fs) != 1 || fs[0].Subject != "amap-location:precise_location" || len(fs[0].Evidence) != 1 || fs[0].Evidence[0].Where.Offset != 64 {
		t.Errorf("HG-ACME-001 findings %+v", fs)
	}
	if fs := got["HG-ACME-002"]; len(fs) != 1 || fs[0].Subject != "foreign-ads" {
		t.Errorf("HG-ACME-002 findings %+v", fs)
	}
	if st := statusOf(res, "HG-ACME-003"); st.State != "not_evaluated" || !strings.Contains(st.Reason, "app type") {
		t.Errorf("HG-ACME-003 without an app type: %+v", st)
	}

	// With an app type, necessity is judged: a news app needs no location
	// or contacts.
	res = e.Run(set, Options{AppType: "news"})
	var subjects []string
	for _, f := range res.Findings {
		if f.RuleID == "HG-ACME-003" {
			subjects = append(subjects, f.Subject)
		}
	}
	if strings.Join(subjects, ",") != "android.permission.READ_CONTACTS,android.permission.ACCESS_FINE_LOCATION" &&
		strings.Join(subjects, ",") != "android.permission.ACCESS_FINE_LOCATION,android.permission.READ_CONTACTS" {
		t.Errorf("HG-ACME-003 subjects %v", subjects)
	}

	// The same rules stay silent on evidence that does not break them.
	clean := &evidence.Set{Target: evidence.Target{ID: "com.example"}, Inputs: []string{"android"}}
	clean.Add(evidence.Observation{Kind: evidence.SDK, Key: "bugly", Level: evidence.Present})
	res = e.Run(clean, Options{AppType: "news"})
	for _, id := range []string{"HG-ACME-001", "HG-ACME-002", "HG-ACME-003"} {
		if st := statusOf(res, id); st.State != "passed" {
			t.Errorf("%s on clean evidence: %+v", id, st)
		}
	}
}

func TestExpressionRulesAreCheckedWhenLoaded(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	lc, err := law.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := Rule{ID: "HG-T-1", Severity: High, Title: Text{Zh: "测", En: "t"}, LegalBasis: []string{"PIPL-28"}, Condition: `"contacts" in referenced`}
	if _, err := New(cat, lc, []Rule{base}, testInputs{}); err != nil {
		t.Fatalf("valid rule rejected: %v", err)
	}
	cases := map[string]func(r *Rule){
		"undeclared reference":       func(r *Rule) { r.Condition = `contact in referenced` },
		"gives string, want bool":    func(r *Rule) { r.Condition = `target.id + "x"` },
		"Syntax error":               func(r *Rule) { r.Condition = `"a" in (` },
		"both a check and":           func(r *Rule) { r.Check = "sensitive_api" },
		"for_each \"packets\"":       func(r *Rule) { r.ForEach = "packets" },
		"subject gives int":          func(r *Rule) { r.Subject = `1 + 2` },
		"needs a condition":          func(r *Rule) { r.Condition = "" },
		"bytes long":                 func(r *Rule) { r.Condition = strings.Repeat("true && ", 1000) + "true" },
		"found no matching overload": func(r *Rule) { r.Condition = `sensitive(1)` },
		`observation has no field "rnak"`: func(r *Rule) {
			r.ForEach, r.Condition = ForEachObservation, `o.rnak >= 3`
		},
		`an observation has no field "lvl"`: func(r *Rule) {
			r.Condition = `observations.exists(x, x.lvl == "observed")`
		},
		`party has no field "sdkid"`:    func(r *Rule) { r.ForEach, r.Condition = ForEachObservation, `has(o.party.sdkid)` },
		`where has no field "line_no"`:  func(r *Rule) { r.ForEach, r.Condition = ForEachObservation, `o.where.line_no > 0` },
		`target has no field "package"`: func(r *Rule) { r.Condition = `target.package == "com.a"` },
	}
	// Free-form maps and the declared fields still load.
	for _, cond := range []string{`o.detail.anything == "x" && o.party.sdk != "" && o.where.packet > 0 && target.attrs.min_sdk == "21"`,
		`observations.exists(x, x.rank >= 3 && x.where.file != "")`} {
		r := base
		r.ForEach, r.Condition = ForEachObservation, cond
		if _, err := New(cat, lc, []Rule{r}, testInputs{}); err != nil {
			t.Errorf("%s: %v", cond, err)
		}
	}
	for want, mut := range cases {
		r := base
		mut(&r)
		_, err := New(cat, lc, []Rule{r}, testInputs{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v", want, err)
		}
	}
}

func TestExpressionCostIsBounded(t *testing.T) {
	r := Rule{ID: "HG-T-2", Severity: Low, Title: Text{Zh: "测", En: "t"}, LegalBasis: []string{"PIPL-28"}, Needs: []string{"android"},
		// Quadratic in the observations, then repeated: far over the limit.
		Condition: `observations.all(a, observations.all(b, observations.all(c, a.key != "" || b.key != c.key)))`}
	e := engine(t, r)
	s := &evidence.Set{Target: evidence.Target{ID: "x"}, Inputs: []string{"android"}}
	for i := 0; i < 400; i++ {
		s.Add(evidence.Observation{Kind: evidence.Permission, Key: "p", Level: evidence.Declared})
	}
	st := statusOf(e.Run(s, Options{}), "HG-T-2")
	// Whichever bound ends it first on a loaded machine, the cost budget
	// or the time limit, the rule is not evaluated.
	if st.State != "not_evaluated" || !strings.Contains(st.Reason, "cost") && !strings.Contains(st.Reason, "took longer") {
		t.Errorf("runaway condition: %+v", st)
	}
}

// Each evaluation within its limit, but quadratic over the target: the
// rule's total budget stops it.
func TestExpressionBudgetPerRule(t *testing.T) {
	r := Rule{ID: "HG-T-3", Severity: Low, Title: Text{Zh: "测", En: "t"}, LegalBasis: []string{"PIPL-28"}, Needs: []string{"android"},
		ForEach: ForEachObservation, Condition: `observations.exists(x, x.key == o.key + "z")`}
	e := engine(t, r)
	s := &evidence.Set{Target: evidence.Target{ID: "x"}, Inputs: []string{"android"}}
	for i := 0; i < 20000; i++ {
		s.Add(evidence.Observation{Kind: evidence.Endpoint, Key: fmt.Sprintf("h%d.example.com", i), Level: evidence.Observed})
	}
	start := time.Now()
	st := statusOf(e.Run(s, Options{}), "HG-T-3")
	if st.State != "not_evaluated" || !strings.Contains(st.Reason, "budget") && !strings.Contains(st.Reason, "longer than") {
		t.Errorf("quadratic rule: %+v", st)
	}
	if d := time.Since(start); d > exprRuleTime+2*time.Second {
		t.Errorf("took %v", d)
	}
}

func BenchmarkExpressionRulePerObservation(b *testing.B) {
	e := newEngine(b, false, Rule{ID: "HG-B-1", Severity: Low, Title: Text{Zh: "测", En: "t"}, LegalBasis: []string{"PIPL-28"},
		ForEach: ForEachObservation, Condition: `o.kind == "data_type" && o.party.sdk != "" && sensitive(o.key)`, Subject: `o.party.sdk`})
	s := &evidence.Set{Target: evidence.Target{ID: "x"}, Inputs: []string{"android"}}
	for i := 0; i < 2000; i++ {
		s.Add(evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Referenced, Party: evidence.Party{SDK: "amap-location"}})
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Run(s, Options{})
	}
}
