package apk

import (
	"path/filepath"
	"testing"

	"github.com/hegui/hegui/internal/evidence"
)

func TestPackageRoot(t *testing.T) {
	for pkg, want := range map[string]string{
		"com.adtiny.core": "com.adtiny", "cn.com.chinatelecom.account": "cn.com.chinatelecom", "com": "", "io.x": "io.x",
	} {
		if got := packageRoot(pkg); got != want {
			t.Errorf("packageRoot(%q) = %q, want %q", pkg, got, want)
		}
	}
	if c := commonPackage("com.google.android.gms.internal", "com.google.android.gms.common"); c != "com.google.android.gms" {
		t.Errorf("commonPackage = %q", c)
	}
}

// The app's own code, its libraries and known SDKs keep their parties;
// other code is an unidentified third party, never the app.
func TestAttribution(t *testing.T) {
	set := analyze(t, newAnalyzer(t), filepath.Join(fixtures, "apks/adplugin.apk"))
	parties := map[string]string{}
	for _, o := range set.Of(evidence.DataType) {
		if o.Where.Class != "" {
			parties[o.Where.Class] = o.Party.SDK
		}
	}
	if parties["com.adtiny.core.AdTiny"] != "unknown:com.adtiny" {
		t.Errorf("AdTiny party %q", parties["com.adtiny.core.AdTiny"])
	}
	var sdk bool
	for _, o := range set.Of(evidence.SDK) {
		if o.Key == "unknown:com.adtiny" && o.Level == evidence.Referenced {
			sdk = true
		}
	}
	if !sdk {
		t.Error("no SDK observation for the unidentified third party")
	}
	leaky := analyze(t, newAnalyzer(t), filepath.Join(fixtures, "apks/leaky.apk"))
	for _, o := range leaky.Of(evidence.DataType) {
		if o.Where.Class == "com.example.leaky.DeviceInfo" && !o.Party.FirstParty() {
			t.Errorf("the app's own class attributed to %q", o.Party.SDK)
		}
	}
}

func TestLocalLibrary(t *testing.T) {
	a := newAnalyzer(t)
	for _, c := range []struct {
		sdk, class string
		want       bool
	}{
		{"gson", "Lcom/google/gson/Gson;", true},
		{"umeng-analytics", "Lcom/umeng/analytics/MobclickAgent;", false},
		{"jpush", "Lcn/jpush/android/api/JPushInterface;", false},
	} {
		sdk, ok := a.cat.SDK(c.sdk)
		if !ok {
			t.Fatalf("no SDK %s in the catalog", c.sdk)
		}
		if got := a.localLibrary(sdk, c.class); got != c.want {
			t.Errorf("localLibrary(%s, %s) = %v", c.sdk, c.class, got)
		}
	}
}

// A vendor's shared manifest key names the product whose code is there:
// leaky.apk holds AMap's location code and AMap's apikey, which AMap's map
// SDK also uses; the map SDK is not present.
func TestSharedDeclarationsNameTheProductPresent(t *testing.T) {
	set := analyze(t, newAnalyzer(t), filepath.Join(fixtures, "apks/leaky.apk"))
	ids := map[string]bool{}
	for _, o := range set.Of(evidence.SDK) {
		ids[o.Key] = true
	}
	if !ids["amap-location"] || ids["amap-maps"] {
		t.Errorf("SDKs %v: want amap-location and not amap-maps", ids)
	}
	// A declaration of its own keeps a declared-only SDK: umeng-push's
	// service is declared in the manifest and its classes are present.
	if !ids["umeng-push"] {
		t.Error("umeng-push lost")
	}
}

func TestObfuscatedPackages(t *testing.T) {
	for pkg, want := range map[string]bool{"a": true, "a.b": true, "zz.c.d": true, "com.adtiny": false, "io.a": true, "cn.jiguang": false} {
		if got := obfuscated(pkg); got != want {
			t.Errorf("obfuscated(%q) = %v", pkg, got)
		}
	}
}
