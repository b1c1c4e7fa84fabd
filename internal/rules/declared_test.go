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
	if st := statusOf(res, "HG-NET-004"); st.State != "passed" {
		t.Errorf("HG-NET-004: %+v", st)
	}

	// The same capture, consent marked and servers located.
	s.Add(evidence.Observation{Kind: evidence.Consent, Key: evidence.ConsentAccepted, Level: evidence.Observed})
	s.Observations[0].Detail[evidence.DetailCountry] = "SG"
	s.Observations[0].Detail[evidence.DetailBeforeConsent] = "true"
	res = e.Run(s, Options{})
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

func TestSameSDKName(t *testing.T) {
	cases := []struct {
		policy, catalog string
		want            bool
	}{
		{"友盟+ 统计分析 SDK", "友盟统计分析", true},
		{"Umeng Analytics SDK", "Umeng Analytics (U-App)", true},
		{"微信SDK", "微信开放平台SDK（登录/分享/支付）", true},
		{"WeChat OpenSDK", "WeChat Open SDK", true},
		{"极光推送（JPush）", "极光推送", true},
		{"推", "极光推送", false},
		{"push", "Umeng Push (U-Push)", false},
		{"个推", "极光推送", false},
		{"SDK", "JPush", false},
		{"", "JPush", false},
	}
	for _, c := range cases {
		if got := sameSDKName(c.policy, c.catalog); got != c.want {
			t.Errorf("sameSDKName(%q, %q) = %v", c.policy, c.catalog, got)
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
			zh := LocalizeReason(st.Reason, "zh")
			if zh == st.Reason || !strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
				t.Errorf("%s: reason %q has no Chinese (%q)", st.RuleID, st.Reason, zh)
			}
			if LocalizeReason(st.Reason, "en") != st.Reason {
				t.Errorf("English changed")
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d not-evaluated statuses exercised", seen)
	}
}
