package rules

import (
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/evidence"
)

func statusOf(res Result, id string) Status {
	for _, s := range res.Status {
		if s.RuleID == id {
			return s
		}
	}
	return Status{}
}

func TestTrafficRulesNeedAConsentMarkerAndLocations(t *testing.T) {
	e := engine(t)
	s := &evidence.Set{Target: evidence.Target{ID: "com.example"}, Inputs: []string{evidence.InputTraffic}}
	s.Add(evidence.Observation{Kind: evidence.DataType, Key: "device_id_imei", Level: evidence.Observed,
		Detail: map[string]string{evidence.DetailHost: "a.example.com"}})
	res := e.Run(s, Options{})
	for _, id := range []string{"HG-NET-001", "HG-NET-002", "HG-NET-003"} {
		if st := statusOf(res, id); st.State != "not_evaluated" || st.Reason == "" {
			t.Errorf("%s: %+v: a capture that does not know the consent moment or the server's country cannot pass", id, st)
		}
	}
	if st := statusOf(res, "HG-NET-004"); st.State != "not_evaluated" {
		t.Errorf("HG-NET-004 without transport facts: %+v", st)
	}

	// The same capture, consent marked and servers located.
	s.Add(evidence.Observation{Kind: evidence.Consent, Key: evidence.ConsentAccepted, Level: evidence.Observed})
	s.Observations[0].Detail[evidence.DetailCountry] = "SG"
	s.Observations[0].Detail[evidence.DetailBeforeConsent] = "true"
	s.Observations[0].Detail[evidence.DetailPlaintext] = "false"
	res = e.Run(s, Options{})
	if st := statusOf(res, "HG-NET-004"); st.State != "passed" {
		t.Errorf("HG-NET-004 over TLS: %+v", st)
	}
	for _, id := range []string{"HG-NET-001", "HG-NET-003"} {
		if st := statusOf(res, id); st.State != "fired" {
			t.Errorf("%s: %+v", id, st)
		}
	}
}

func TestPolicyCoverageUsesUmbrellaKeys(t *testing.T) {
	e := engine(t)
	s := &evidence.Set{Target: evidence.Target{ID: "com.example"}, Inputs: []string{evidence.InputAndroid, evidence.InputPolicy}}
	s.Add(
		evidence.Observation{Kind: evidence.DataType, Key: "precise_location", Level: evidence.Referenced},
		evidence.Observation{Kind: evidence.DataType, Key: "contacts", Level: evidence.Declared},
		evidence.Observation{Kind: evidence.PolicyClaim, Key: evidence.ClaimCollects, Level: evidence.Declared,
			Detail: map[string]string{"data_type": "location"}},
		evidence.Observation{Kind: evidence.PolicyClaim, Key: evidence.ClaimSeparateConsent, Level: evidence.Declared,
			Detail: map[string]string{"data_type": "precise_location"}},
	)
	res := e.Run(s, Options{})
	var undeclared []string
	for _, f := range res.Findings {
		if f.RuleID == "HG-POL-002" {
			undeclared = append(undeclared, f.Subject)
		}
	}
	if len(undeclared) != 1 || undeclared[0] != "contacts" {
		t.Errorf("undeclared %v, want [contacts]: a policy naming location discloses precise location", undeclared)
	}
	if st := statusOf(res, "HG-POL-006"); st.State != "passed" {
		t.Errorf("HG-POL-006 %+v: separate consent for precise location was stated", st)
	}
}

func TestPolicyAloneCannotBeComparedWithTheApp(t *testing.T) {
	e := engine(t)
	s := &evidence.Set{Target: evidence.Target{ID: "com.example"}, Inputs: []string{evidence.InputPolicy}}
	s.Add(evidence.Observation{Kind: evidence.PolicyClaim, Key: evidence.ClaimCollects, Level: evidence.Declared,
		Detail: map[string]string{"data_type": "contacts"}})
	res := e.Run(s, Options{})
	for _, id := range []string{"HG-POL-002", "HG-POL-003", "HG-POL-006", "HG-POL-009"} {
		if st := statusOf(res, id); st.State != "not_evaluated" {
			t.Errorf("%s: %+v without evidence of what the app does", id, st)
		}
	}
	// What a policy must say regardless of the app is judged on the policy.
	for _, id := range []string{"HG-POL-004", "HG-POL-005"} {
		if st := statusOf(res, id); st.State != "fired" {
			t.Errorf("%s: %+v", id, st)
		}
	}
}

func TestEveryReasonHasChinese(t *testing.T) {
	e := engine(t)
	sets := []*evidence.Set{
		{Target: evidence.Target{ID: "a"}},
		{Target: evidence.Target{ID: "b"}, Inputs: []string{evidence.InputPolicy}},
		{Target: evidence.Target{ID: "c"}, Inputs: []string{evidence.InputTraffic}},
		{Target: evidence.Target{ID: "d"}, Inputs: []string{evidence.InputAndroid, evidence.InputPolicy},
			Observations: []evidence.Observation{{Kind: evidence.Property, Key: "packer", Level: evidence.Present}}},
	}
	seen := 0
	for _, s := range sets {
		for _, st := range e.Run(s, Options{}).Status {
			if st.State != "not_evaluated" {
				continue
			}
			seen++
			if st.Why == nil || st.Why.En != st.Reason || !strings.ContainsFunc(st.Why.Zh, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
				t.Errorf("%s: reason %q has no Chinese (%+v)", st.RuleID, st.Reason, st.Why)
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d not-evaluated statuses exercised", seen)
	}
}

// The consent moment can come from packet order instead of marks, and PI
// listed on an endpoint counts as sent; a host the catalog knows names the
// SDK.
func TestConsentOrderAndEndpointPI(t *testing.T) {
	e := engine(t)
	s := &evidence.Set{Target: evidence.Target{ID: "com.example"}, Inputs: []string{evidence.InputTraffic}}
	at := func(n int) evidence.Location { return evidence.Location{File: "run.pcapng", Packet: n} }
	s.Add(
		evidence.Observation{Kind: evidence.Consent, Key: evidence.ConsentAccepted, Level: evidence.Observed, Where: at(210)},
		evidence.Observation{Kind: evidence.Endpoint, Key: "ulogs.umeng.com", Level: evidence.Observed, Where: at(14),
			Detail: map[string]string{"scheme": "http", evidence.DetailDataTypes: "imsi"}},
		evidence.Observation{Kind: evidence.DataType, Key: "android_id", Level: evidence.Observed, Where: at(400),
			Detail: map[string]string{evidence.DetailHost: "api.example.cn", evidence.DetailPlaintext: "false"}},
	)
	res := e.Run(s, Options{})
	subjects := map[string][]string{}
	for _, f := range res.Findings {
		subjects[f.RuleID] = append(subjects[f.RuleID], f.Subject)
	}
	if got := subjects["HG-NET-001"]; len(got) != 1 || got[0] != "imsi" {
		t.Errorf("HG-NET-001 %v: IMSI at packet 14 precedes consent at 210; android_id follows it", got)
	}
	if got := subjects["HG-NET-002"]; len(got) != 1 || got[0] != "umeng-analytics" {
		t.Errorf("HG-NET-002 %v", got)
	}
	if got := subjects["HG-NET-004"]; len(got) != 1 || got[0] != "imsi" {
		t.Errorf("HG-NET-004 %v", got)
	}
}
