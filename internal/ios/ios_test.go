package ios

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/artifact/ziptest"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

const td = "../../testdata/ios/"

func analyze(t testing.TB, path string) *evidence.Set {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	set, err := a.Analyze(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func props(set *evidence.Set, key string) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range set.Of(evidence.Property) {
		if o.Key == key {
			out = append(out, o)
		}
	}
	return out
}

func TestIPA(t *testing.T) {
	set := analyze(t, td+"ride.ipa")
	tg := set.Target
	if tg.Kind != "ios" || tg.ID != "com.example.ride" || tg.Name != "打车出行" || tg.Version != "3.2.1" || tg.VersionCode != "321" || tg.Attrs["min_os"] != "14.0" {
		t.Errorf("target %+v", tg)
	}
	if perms := set.Keys(evidence.Permission); len(perms) != 6 {
		t.Errorf("usage keys %v", perms)
	}
	// Purposes: the empty, the placeholder and the bare ones, not the
	// two that state a purpose.
	got := map[string]string{}
	for _, o := range props(set, PropUsagePurpose) {
		got[o.Attr(evidence.DetailName)] = o.Attr(evidence.DetailReason)
	}
	want := map[string]string{"NSCameraUsageDescription": "missing", "NSContactsUsageDescription": "placeholder",
		"NSMicrophoneUsageDescription": "generic", "NSUserTrackingUsageDescription": "generic"}
	if len(got) != len(want) {
		t.Errorf("purpose findings %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	ats := props(set, "cleartext_traffic")
	if len(ats) != 2 || ats[0].Attr(evidence.DetailValue) != "true" || ats[1].Attr(evidence.DetailDomains) != "legacy.ride.example.cn" {
		t.Errorf("ATS %+v", ats)
	}
	if q := props(set, "url_scheme_queries"); len(q) != 1 || q[0].Attr("count") != "5" {
		t.Errorf("schemes %+v", q)
	}
	if pm := props(set, "privacy_manifest"); len(pm) != 2 {
		t.Errorf("%d privacy manifests, want the app's and the framework's", len(pm))
	}
	// The app's own code and the framework's, each with its party.
	reads := map[string][]string{}
	for _, o := range set.Of(evidence.DataType) {
		if o.Level == evidence.Referenced {
			reads[o.Key] = append(reads[o.Key], o.Party.SDK)
		}
	}
	if !slices.Contains(reads["precise_location"], "") || !slices.Contains(reads["idfa"], "") {
		t.Errorf("the app's reads: %v", reads)
	}
	if !slices.Contains(reads["clipboard"], "wechat-opensdk") || !slices.Contains(reads["carrier_info"], "wechat-opensdk") {
		t.Errorf("the WeChat framework's reads: %v", reads)
	}
	if !slices.Contains(set.Keys(evidence.SDK), "wechat-opensdk") || !slices.Contains(set.Keys(evidence.Endpoint), "api.ride.example.cn") {
		t.Errorf("SDKs %v, endpoints %v", set.Keys(evidence.SDK), set.Keys(evidence.Endpoint))
	}
	if len(set.Errors) > 0 {
		t.Errorf("errors: %+v", set.Errors)
	}
}

// A FairPlay-encrypted executable is evidence lost, never a clean pass.
func TestFairPlayIPA(t *testing.T) {
	set := analyze(t, td+"ride-fairplay.ipa")
	if len(props(set, "fairplay_encrypted")) != 1 {
		t.Error("no fairplay_encrypted property")
	}
	if len(set.Errors) != 1 || set.Errors[0].Part != evidence.PartCode || !strings.Contains(set.Errors[0].Err, "FairPlay") {
		t.Errorf("errors %+v", set.Errors)
	}
	for _, o := range set.Of(evidence.DataType) {
		if o.Party.FirstParty() && o.Level == evidence.Referenced && o.Where.Method != "CNCopyCurrentNetworkInfo" {
			t.Errorf("a read from the encrypted code: %+v", o)
		}
	}
}

// An iOS static library on its own: the SDK it is, object by object.
func TestStaticLibrary(t *testing.T) {
	set := analyze(t, td+"libWeChatSDK.a")
	if set.Target.Kind != "sdk" || set.Target.ID != "wechat-opensdk" || set.Target.Attrs["platform"] != "ios" || set.Target.Attrs["objects"] != "8" {
		t.Errorf("target %+v", set.Target)
	}
	var clip []string
	for _, o := range set.Of(evidence.DataType) {
		if o.Key == "clipboard" {
			clip = append(clip, o.Party.SDK+" "+o.Where.File)
		}
	}
	if !slices.Contains(clip, "wechat-opensdk libWeChatSDK.a(WeChatRegister.o)") || !slices.Contains(clip, "tencent-mta libWeChatSDK.a(MTAPasteboard.o)") {
		t.Errorf("clipboard reads %v", clip)
	}
}

// Damaged parts cost what they hold, and say so; nothing is read from
// outside the bundle.
func TestHostileIPA(t *testing.T) {
	cat, _ := catalog.Load()
	a, err := New(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	run := func(path string) (*evidence.Set, error) {
		in, err := artifact.Open(path, artifact.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		return a.Analyze(context.Background(), in)
	}
	// A binary Info.plist whose array holds itself: the manifest is lost,
	// the scan goes on to say so.
	loop := "bplist00\xa1\x08" + string(make([]byte, 6)) + "\x01\x01" + "\x00\x00\x00\x00\x00\x00\x00\x01" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x00\x00\x00\x00\x00\x00\x0a"
	if _, err := run(ziptest.File(t, "x.ipa", "Payload/A.app/Info.plist", loop)); err == nil || !strings.Contains(err.Error(), "Info.plist") {
		t.Errorf("a looping Info.plist: %v", err)
	}
	// An executable named with a path: not followed.
	info := `<plist><dict><key>CFBundleExecutable</key><string>../../etc/passwd</string><key>CFBundleIdentifier</key><string>a.b</string></dict></plist>`
	set, err := run(ziptest.File(t, "x.ipa", "Payload/A.app/Info.plist", info, "etc/passwd", "root:x:0:0"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Errors) != 1 || set.Errors[0].Part != evidence.PartCode || !strings.Contains(set.Errors[0].Err, "names no file") {
		t.Errorf("errors %+v", set.Errors)
	}
	if _, err := run(ziptest.File(t, "x.ipa", "Other/A.app/Info.plist", info)); err == nil {
		t.Error("an IPA without Payload/*.app was read")
	}
}

// A zipped XCFramework: the device slice is read, not the simulator's.
func TestXCFramework(t *testing.T) {
	set := analyze(t, td+"WechatOpenSDK.xcframework.zip")
	if set.Target.Kind != "sdk" || set.Target.ID != "wechat-opensdk" || set.Target.Attrs["format"] != "framework" {
		t.Errorf("target %+v", set.Target)
	}
	var reads []string
	for _, o := range set.Of(evidence.DataType) {
		reads = append(reads, o.Key)
		if !strings.Contains(o.Where.File, "/ios-arm64/") {
			t.Errorf("read from %s, not the device slice", o.Where.File)
		}
	}
	if !slices.Contains(reads, "clipboard") || slices.Contains(reads, "idfa") {
		t.Errorf("reads %v: want the WeChat slice's (clipboard), not the simulator slice's (idfa)", reads)
	}
}

func TestClassSDK(t *testing.T) {
	cat, _ := catalog.Load()
	a, err := New(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.tables(); err != nil { // the data files decode and check
		t.Fatal(err)
	}
	for class, want := range map[string]string{
		"WXApi":                        "wechat-opensdk",
		"WXOMTAPasteboard":             "tencent-mta", // the longest prefix
		"MTAlert":                      "",            // a prefix must end at a word
		"_TtC12CleverTapSDK9CleverTap": "clevertap",   // a Swift class, by its module
		"_TtC4Ride9WXApiMock":          "wechat-opensdk",
		"RideTracker":                  "",
	} {
		if got := a.classSDK(class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}
}

// Required-reason APIs the code imports are listed when no privacy
// manifest declares their category: the WeChat library alone (OpenUDID.o
// uses NSUserDefaults), not the app whose manifest declares UserDefaults.
func TestRequiredReasons(t *testing.T) {
	undeclared := func(set *evidence.Set) []string {
		var out []string
		for _, o := range props(set, "required_reason_undeclared") {
			out = append(out, o.Attr(evidence.DetailName))
		}
		return out
	}
	if got := undeclared(analyze(t, td+"ride.ipa")); slices.Contains(got, "NSPrivacyAccessedAPICategoryUserDefaults") {
		t.Errorf("the app declares UserDefaults, yet: %v", got)
	}
	set := analyze(t, td+"WechatOpenSDK.xcframework.zip")
	if got := undeclared(set); !slices.Contains(got, "NSPrivacyAccessedAPICategoryUserDefaults") {
		t.Errorf("undeclared %v", got)
	}
}
