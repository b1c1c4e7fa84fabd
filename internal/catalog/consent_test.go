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
