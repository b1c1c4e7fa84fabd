package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// An SDK package scans like an app: every format, the JSON contract, and
// the row a host app's policy needs for it.
func TestScanSDKPackages(t *testing.T) {
	sch := reportSchema(t)
	sarif := sarifSchema(t)
	for _, c := range []struct {
		file, name, mustCollect string
		perms                   int
	}{
		{"sdk/alipay-sdk.aar", "Alipay SDK", "installed_apps", 3},
		{"sdk/baidu-location.aar", "Baidu Location SDK", "precise_location", 8},
		{"sdk/libammsdk.jar", "Tencent Mobile Analytics (MTA)", "device_id_imei", 0},
	} {
		path := filepath.Join(td, c.file)
		out, errOut, code := hegui(t, "scan", "--format", "json", path)
		if code != 0 && code != 3 {
			t.Fatalf("%s: exit %d: %s", c.file, code, errOut)
		}
		validate(t, sch, out)
		var rep struct {
			Target     struct{ Kind, Name string }
			Disclosure struct {
				SDK         string
				DataTypes   []string `json:"data_types"`
				Permissions []string
				Text        string
			} `json:"sdk_disclosure"`
			Findings []struct {
				RuleID string `json:"rule_id"`
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Target.Kind != "sdk" || rep.Target.Name != c.name || rep.Disclosure.SDK != c.name {
			t.Errorf("%s: target %+v, disclosure of %q", c.file, rep.Target, rep.Disclosure.SDK)
		}
		if !strings.Contains(strings.Join(rep.Disclosure.DataTypes, ","), c.mustCollect) || len(rep.Disclosure.Permissions) != c.perms {
			t.Errorf("%s: disclosure %+v", c.file, rep.Disclosure)
		}
		if !strings.Contains(rep.Disclosure.Text, "[state it]") {
			t.Errorf("%s: the row does not leave the purpose to the host: %s", c.file, rep.Disclosure.Text)
		}
		if len(rep.Findings) == 0 {
			t.Errorf("%s: no finding", c.file)
		}
		out, _, _ = hegui(t, "scan", "--format", "sarif", path)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sarif.Validate(v); err != nil {
			t.Errorf("%s: SARIF: %v", c.file, err)
		}
		out, _, _ = hegui(t, "scan", "--format", "html", "--lang", "zh", path)
		if !strings.Contains(out, "嵌入本SDK的应用需披露的内容") || !strings.Contains(out, "使用目的：【请填写】") {
			t.Errorf("%s: the HTML report has no disclosure row", c.file)
		}
	}
}

// An IPA, an iOS static library and HarmonyOS packages through the JSON
// contract and SARIF.
func TestScanIOS(t *testing.T) {
	sch := reportSchema(t)
	sarif := sarifSchema(t)
	for _, c := range []struct {
		file, kind string
		rules      []string
	}{
		{"ios/ride.ipa", "ios", []string{"HG-IOS-001", "HG-IOS-002", "HG-AND-003", "HG-AND-007"}},
		{"ios/ride-fairplay.ipa", "ios", []string{"HG-GEN-001", "HG-IOS-001"}},
		{"ios/libWeChatSDK.a", "sdk", []string{"HG-AND-003"}},
		{"ios/WechatOpenSDK.xcframework.zip", "sdk", []string{"HG-AND-003"}},
		{"harmony/lock.hap", "harmony", []string{"HG-HAR-001", "HG-AND-007"}},
		{"harmony/lock.app", "harmony", []string{"HG-HAR-001"}},
	} {
		path := filepath.Join(td, c.file)
		out, errOut, code := hegui(t, "scan", "--format", "json", path)
		if code != 0 && code != 3 {
			t.Fatalf("%s: exit %d: %s", c.file, code, errOut)
		}
		validate(t, sch, out)
		var rep struct {
			Target   struct{ Kind string }
			Findings []struct {
				RuleID string `json:"rule_id"`
			}
		}
		json.Unmarshal([]byte(out), &rep)
		var ids []string
		for _, f := range rep.Findings {
			ids = append(ids, f.RuleID)
		}
		for _, r := range c.rules {
			if !strings.Contains(strings.Join(ids, ","), r) {
				t.Errorf("%s: no %s in %v", c.file, r, ids)
			}
		}
		if rep.Target.Kind != c.kind {
			t.Errorf("%s: kind %q", c.file, rep.Target.Kind)
		}
		out, _, _ = hegui(t, "scan", "--format", "sarif", path)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sarif.Validate(v); err != nil {
			t.Errorf("%s: SARIF: %v", c.file, err)
		}
		html, _, _ := hegui(t, "scan", "--format", "html", path)
		if !strings.Contains(html, c.rules[0]) || strings.Contains(html, "<script") {
			t.Errorf("%s: the HTML report lacks %s or holds a script", c.file, c.rules[0])
		}
	}
}
