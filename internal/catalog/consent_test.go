package catalog

import "testing"

func TestConsentKeysAndCompliantEntries(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"privacy_agreed": true, "isAgreeProtocol": true, "KEY_同意隐私政策": true, "first_launch": false, "theme": false} {
		if got := c.ConsentKey(key); got != want {
			t.Errorf("ConsentKey(%q) = %v", key, got)
		}
	}
	if !c.CompliantEntry("com.umeng.commonsdk.UMConfigure", "preInit") || c.CompliantEntry("com.umeng.commonsdk.UMConfigure", "init") {
		t.Error("Umeng preInit is the compliant entry, init is not")
	}
}

func TestConsentText(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"请阅读《用户协议》和《隐私政策》，点击同意即表示您已阅读并同意":                true,
		"By tapping Agree you accept our Privacy Policy": true,
		"隐私政策":     false, // no request to agree
		"同意":       false,
		"Settings": false,
		// Texts about withdrawing consent name the policy and "同意" too.
		"您可在设置中撤回对《隐私政策》的同意":                                                false,
		"You can withdraw your agreement to the Privacy Policy at any time": false,
	} {
		if got := c.ConsentText(text); got != want {
			t.Errorf("ConsentText(%q) = %v", text, got)
		}
	}
}
