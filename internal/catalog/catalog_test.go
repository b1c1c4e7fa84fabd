package catalog

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func load(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The vocabulary every data file and rule may use.
var vocabulary = strings.Fields(`
device_id_imei imsi iccid device_serial android_id mac_address bluetooth_mac oaid advertising_id idfa
phone_number email carrier_info cell_location precise_location coarse_location background_location media_location
wifi_info wifi_scan ip_address bluetooth_info installed_apps running_apps app_usage clipboard contacts
device_accounts call_log call_state sms calendar photos_media files_storage camera microphone body_sensors
physical_activity sensor_list browser_history device_info
account_id im_contact_list real_name gender age marital_status id_document_number id_document_validity
id_document_image bank_card_number bank_reserved_phone financial_account payee_info payment_info location
trajectory trip_origin trip_destination trip_details passenger_type license_plate recipient_name
recipient_address recipient_phone sender_identity sender_address sender_phone shipment_item_info resume
property_info buyer_identity seller_identity vehicle_license_number vin patient_identity appointment_info
medical_condition travel_itinerary traveller_identity guest_identity stay_info driving_license_info
ticket_session_seat
face voiceprint fingerprint minor_info religion health_data`)

func TestLoadCounts(t *testing.T) {
	c := load(t)
	if n := len(c.SDKs()); n < 600 {
		t.Errorf("SDKs = %d, want >= 600", n)
	}
	ids := map[string]bool{}
	for _, a := range c.APIs() {
		ids[a.ID] = true
	}
	if len(ids) < 74 {
		t.Errorf("API entries = %d, want >= 74", len(ids))
	}
	for _, k := range vocabulary {
		if _, ok := c.DataType(k); !ok {
			t.Errorf("PI type %s missing", k)
		}
	}
	if got := len(c.DataTypes()); got != len(vocabulary) {
		t.Errorf("DataTypes = %d, want %d (a key outside the vocabulary?)", got, len(vocabulary))
	}
	if len(c.Packers()) < 10 {
		t.Errorf("Packers = %d", len(c.Packers()))
	}
	v := c.Versions()
	for _, f := range []string{FilePITypes, FilePermissions, FileAPIs, FileSDKs, FilePackers} {
		if v[f] == "" {
			t.Errorf("no version for %s", f)
		}
	}
}

func TestLoadIsCached(t *testing.T) {
	a, b := load(t), load(t)
	if a != b {
		t.Error("Load parsed the files twice")
	}
}

func TestDataTypes(t *testing.T) {
	c := load(t)
	loc, _ := c.DataType("location")
	for _, k := range []string{"precise_location", "coarse_location", "cell_location", "wifi_scan", "wifi_info", "background_location", "media_location"} {
		if !loc.Covers(k) {
			t.Errorf("location does not cover %s", k)
		}
	}
	tr, _ := c.DataType("trajectory")
	if !tr.Covers("background_location") || !tr.Covers("precise_location") || tr.Covers("coarse_location") {
		t.Errorf("trajectory includes = %v", tr.Includes)
	}
	for _, k := range []string{"face", "voiceprint", "fingerprint", "trajectory", "background_location", "precise_location",
		"id_document_number", "id_document_image", "bank_card_number", "financial_account", "payee_info",
		"medical_condition", "patient_identity", "health_data", "body_sensors", "minor_info", "religion"} {
		d, _ := c.DataType(k)
		if !d.Sensitive || d.SensitiveCategory == "" {
			t.Errorf("%s: sensitive=%v category=%q", k, d.Sensitive, d.SensitiveCategory)
		}
	}
	for _, k := range []string{"device_id_imei", "imsi", "mac_address"} {
		d, _ := c.DataType(k)
		if !d.Identifier || !d.NonResettable {
			t.Errorf("%s: identifier=%v non_resettable=%v", k, d.Identifier, d.NonResettable)
		}
	}
	if got := c.Localized("contacts", "zh-CN"); got != "通讯录" {
		t.Errorf("Localized zh = %q", got)
	}
	if got := c.Localized("contacts", "en"); got != "Device address book" {
		t.Errorf("Localized en = %q", got)
	}
	if got := c.Localized("no_such_key", "en"); got != "no_such_key" {
		t.Errorf("Localized unknown = %q", got)
	}
}

func TestPermission(t *testing.T) {
	c := load(t)
	tests := []struct {
		name, protection string
		types            []string
	}{
		{"android.permission.READ_PHONE_STATE", "dangerous", []string{"device_id_imei", "imsi", "phone_number"}},
		{"android.permission.READ_PHONE_NUMBERS", "dangerous", []string{"phone_number"}},
		{"android.permission.QUERY_ALL_PACKAGES", "normal", []string{"installed_apps"}},
		{"android.permission.POST_NOTIFICATIONS", "dangerous", nil},
		{"com.huawei.android.launcher.permission.CHANGE_BADGE", "vendor", nil},
		{"com.google.android.gms.permission.AD_ID", "normal", []string{"advertising_id"}},
		{"android.permission.HIGH_SAMPLING_RATE_SENSORS", "normal", []string{"sensor_list"}},
	}
	for _, tt := range tests {
		p, ok := c.Permission(tt.name)
		if !ok {
			t.Errorf("%s missing", tt.name)
			continue
		}
		if p.Protection != tt.protection {
			t.Errorf("%s protection = %s, want %s", tt.name, p.Protection, tt.protection)
		}
		for _, k := range tt.types {
			if !slices.Contains(p.DataTypes, k) {
				t.Errorf("%s data types %v lack %s", tt.name, p.DataTypes, k)
			}
		}
		if tt.types == nil && len(p.DataTypes) != 0 {
			t.Errorf("%s data types = %v, want none", tt.name, p.DataTypes)
		}
	}
	if _, ok := c.Permission("android.permission.NOT_A_PERMISSION"); ok {
		t.Error("unknown permission found")
	}
}

func TestMethodAndFieldAPIs(t *testing.T) {
	c := load(t)
	tests := []struct {
		class, member string
		field         bool
		want          string
		args          []string
	}{
		{"Landroid/telephony/TelephonyManager;", "getDeviceId", false, "device_id_imei", nil},
		{"Landroid/telephony/TelephonyManager;", "getImei", false, "device_id_imei", nil},
		{"Landroid/telephony/TelephonyManager;", "getNai", false, "imsi", nil},
		{"Landroid/telephony/SubscriptionManager;", "getPhoneNumber", false, "phone_number", nil},
		{"Landroid/provider/Settings$Secure;", "getString", false, "android_id", []string{"android_id"}},
		{"Landroid/os/Build;", "SERIAL", true, "device_serial", nil},
		{"Landroid/os/Build;", "getSerial", false, "device_serial", nil},
		{"Landroid/net/wifi/WifiManager;", "startScan", false, "wifi_scan", nil},
		{"Lcom/google/mlkit/vision/face/FaceDetection;", "getClient", false, "face", nil},
		{"Landroid/media/FaceDetector;", "findFaces", false, "face", nil},
		{"Landroid/provider/ContactsContract$CommonDataKinds$Phone;", "CONTENT_URI", true, "contacts", nil},
		{"Landroid/content/pm/PackageManager;", "getInstalledPackages", false, "installed_apps", nil},
	}
	for _, tt := range tests {
		var got []API
		if tt.field {
			got = c.FieldAPIs(tt.class, tt.member)
		} else {
			got = c.MethodAPIs(tt.class, tt.member)
		}
		i := slices.IndexFunc(got, func(a API) bool { return a.DataType == tt.want })
		if i < 0 {
			t.Errorf("%s %s: %v, want a %s rule", tt.class, tt.member, got, tt.want)
			continue
		}
		if tt.args != nil && !slices.Equal(got[i].Args, tt.args) {
			t.Errorf("%s %s args = %v, want %v", tt.class, tt.member, got[i].Args, tt.args)
		}
		if got[i].IsField != tt.field || got[i].Confidence == "" || len(got[i].Sources) == 0 {
			t.Errorf("%s %s: %+v", tt.class, tt.member, got[i])
		}
	}
	if got := c.MethodAPIs("Landroid/os/Build;", "SERIAL"); got != nil {
		t.Errorf("field found as method: %v", got)
	}
	if got := c.MethodAPIs("Landroid/app/Activity;", "requestPermissions"); len(got) != 1 || got[0].Purpose != "permission_request" || got[0].DataType != "" {
		t.Errorf("requestPermissions = %+v", got)
	}
}

// TestAPIModes checks what calls do, as apis.yaml states it.
func TestAPIModes(t *testing.T) {
	c := load(t)
	for _, a := range c.APIs() {
		if !slices.Contains(modes, a.Mode) {
			t.Errorf("%s %s: mode %q", a.ID, a.Member, a.Mode)
		}
	}
	one := func(class, member string) API {
		t.Helper()
		got := c.MethodAPIs(class, member)
		if len(got) != 1 {
			t.Fatalf("%s %s: %d rules", class, member, len(got))
		}
		return got[0]
	}
	pm := "Landroid/content/pm/PackageManager;"
	for _, m := range []string{"getPackageInfo", "getApplicationInfo", "getLaunchIntentForPackage"} {
		a := one(pm, m)
		// One package by name is a lookup, never the list: the own
		// package is nothing, any other a presence check.
		want := []ArgRule{{Arg: 0, Is: ArgOwnPackage, Mode: ModeNone}}
		if a.Mode != ModeCheck || a.DataType != "installed_apps" || !slices.EqualFunc(a.When, want, func(x, y ArgRule) bool {
			return x.Arg == y.Arg && x.Is == y.Is && x.Mode == y.Mode && len(x.Values) == 0
		}) {
			t.Errorf("%s: %+v", m, a)
		}
	}
	if a := one(pm, "getInstalledPackages"); a.Mode != ModeEnumerate || a.When != nil {
		t.Errorf("getInstalledPackages: %+v", a)
	}
	// Only a launcher query lists the apps; any other Intent asks which
	// apps handle one action.
	if a := one(pm, "queryIntentActivities"); a.Mode != ModeCheck || len(a.When) != 3 || a.When[0].Is != ArgOwnIntent || a.When[0].Mode != ModeNone ||
		a.When[1].Is != ArgNarrowIntent || a.When[1].Mode != ModeCheck || a.When[2].Is != ArgLauncherIntent || a.When[2].Mode != ModeEnumerate {
		t.Errorf("queryIntentActivities: %+v", a)
	}
	cm := "Landroid/content/ClipboardManager;"
	for m, want := range map[string]Mode{"getPrimaryClip": ModeRead, "getText": ModeRead, "getPrimaryClipDescription": ModeCheck,
		"hasPrimaryClip": ModeCheck, "setPrimaryClip": ModeWrite, "setText": ModeWrite} {
		if a := one(cm, m); a.Mode != want || a.DataType != "clipboard" {
			t.Errorf("ClipboardManager.%s: mode %s, want %s", m, a.Mode, want)
		}
	}
	if a := one("Landroid/os/Environment;", "getExternalStorageDirectory"); a.Mode != ModePath {
		t.Errorf("getExternalStorageDirectory: %+v", a)
	}
	for _, m := range []string{"getNetworkInterfaces", "getByName"} {
		if got := c.MethodAPIs("Ljava/net/NetworkInterface;", m); got != nil {
			t.Errorf("NetworkInterface.%s is an entry: %+v", m, got)
		}
	}
	if a := one("Ljava/net/InetAddress;", "getHostAddress"); a.Mode != ModeRead || len(a.When) != 2 || a.When[0].Arg != -1 || a.When[0].Is != ArgParam || a.When[0].Mode != ModeNone {
		t.Errorf("InetAddress.getHostAddress: %+v", a)
	}
	if a := one("Landroid/content/ContentResolver;", "query"); a.DataType != "" || a.Mode != ModeRead || len(a.When) != 1 || a.When[0].Is != ArgProviderURI {
		t.Errorf("ContentResolver.query: %+v", a)
	}
	for _, a := range c.MethodAPIs("Landroid/provider/Settings$Secure;", "getString") {
		if len(a.When) != 2 || a.When[0].Arg != 1 || a.When[0].Is != ArgString || !slices.Equal(a.When[0].Values, a.Args) {
			t.Errorf("Settings$Secure.getString %s: %+v", a.ID, a)
		}
	}
	if got := c.FieldAPIs("Landroid/provider/ContactsContract$Contacts;", "CONTENT_URI"); len(got) != 1 || !got[0].URI || got[0].Mode != ModeRead {
		t.Errorf("Contacts.CONTENT_URI: %+v", got)
	}
	if got := c.FieldAPIs("Landroid/os/Build;", "SERIAL"); len(got) != 1 || got[0].URI {
		t.Errorf("Build.SERIAL: %+v", got)
	}
	if a, ok := c.ContentURI("content://com.android.contacts/contacts"); !ok || !a.URI || a.Mode != ModeRead {
		t.Errorf("content URI rule: %+v", a)
	}
	if !ModeRead.Collects() || !ModeEnumerate.Collects() || ModeCheck.Collects() || ModeNone.Collects() {
		t.Error("Collects")
	}
	uses := map[string]string{}
	for _, v := range c.ValueCalls() {
		uses[v.Class+"."+v.Member] = v.Use
	}
	for m, want := range map[string]string{
		"java.lang.String.startsWith":       UseCompare,
		"android.net.Uri.parse":             UseURI,
		"android.content.Intent.setPackage": UseNarrowIntent,
		"android.content.Intent.<init>(Landroid/content/Context;Ljava/lang/Class;)V": UseNarrowIntent,
		"android.content.Context.getPackageName":                                     UseOwnPackage,
	} {
		if uses[m] != want {
			t.Errorf("value call %s: use %q, want %q", m, uses[m], want)
		}
	}
}

func TestContentURIAndSettings(t *testing.T) {
	c := load(t)
	tests := []struct{ in, want string }{
		{"content://sms/inbox", "sms"},
		{"content://sms", "sms"},
		{"content://mms-sms/conversations?simple=true", "sms"},
		{"content://call_log/calls", "call_log"},
		{"content://com.android.contacts/data/phones", "contacts"},
		{"content://com.android.calendar/events", "calendar"},
		{"content://media/external/images/media", "photos_media"},
		{"content://media/external/file", "files_storage"},
		{"content://telephony/carriers/preferapn", "carrier_info"},
		{"content://smsx/inbox", ""},
		{"content://com.android.contactsx", ""},
		{"sms/inbox", ""},
		{"", ""},
	}
	for _, tt := range tests {
		a, ok := c.ContentURI(tt.in)
		if ok != (tt.want != "") || a.DataType != tt.want {
			t.Errorf("ContentURI(%q) = %q, %v; want %q", tt.in, a.DataType, ok, tt.want)
		}
	}
	if a, ok := c.SettingsKey("android_id"); !ok || a.DataType != "android_id" {
		t.Errorf("SettingsKey(android_id) = %+v, %v", a, ok)
	}
	if a, ok := c.SettingsKey("bluetooth_address"); !ok || a.DataType != "bluetooth_mac" {
		t.Errorf("SettingsKey(bluetooth_address) = %+v, %v", a, ok)
	}
	if _, ok := c.SettingsKey("screen_brightness"); ok {
		t.Error("screen_brightness matched")
	}
}

func desc(dotted string) string { return "L" + strings.ReplaceAll(dotted, ".", "/") + ";" }

func TestMatchClass(t *testing.T) {
	c := load(t)
	tests := []struct{ class, want string }{
		{"com.umeng.analytics.MobclickAgent", "umeng-analytics"},
		{"com.umeng.commonsdk.UMConfigure", "umeng-analytics"},
		{"com.umeng.message.PushAgent", "umeng-push"},
		{"cn.jpush.android.api.JPushInterface", "jpush"},
		{"cn.jiguang.api.JCoreInterface", "jcore"},
		{"cn.jiguang.verifysdk.api.JVerificationInterface", "jverification"},
		{"cn.jiguang.union.ads.api.JUnionAdApi", "jiguang-ads"},
		{"com.igexin.sdk.PushManager", "getui"},
		{"com.tencent.bugly.crashreport.CrashReport", "bugly"},
		{"com.tencent.mm.opensdk.openapi.WXAPIFactory", "wechat-opensdk"},
		{"com.tencent.tauth.Tencent", "qq-connect"},
		{"com.tencent.stat.StatService", "tencent-mta"},
		{"com.tencent.map.geolocation.TencentLocationManager", "tencent-location"},
		{"com.alipay.sdk.app.PayTask", "alipay"},
		{"com.ta.utdid2.device.UTDevice", "alibaba-utdid"},
		{"com.amap.api.location.AMapLocationClient", "amap-location"},
		{"com.amap.api.maps.MapView", "amap-maps"},
		{"com.baidu.location.LocationClient", "baidu-location"},
		{"com.baidu.mapapi.SDKInitializer", "baidu-maps"},
		{"com.bytedance.sdk.openadsdk.TTAdSdk", "pangle"},
		{"com.qq.e.ads.splash.SplashAD", "tencent-gdt"},
		{"com.kwad.sdk.api.KsAdSDK", "kuaishou-ads"},
		{"com.baidu.mobads.sdk.api.SplashAd", "baidu-mobads"},
		{"com.huawei.hms.push.HmsMessaging", "huawei-push"},
		{"com.huawei.hms.aaid.HmsInstanceId", "huawei-aaid"},
		{"com.huawei.hms.api.HuaweiApiClient", "huawei-hms-core"},
		{"com.xiaomi.mipush.sdk.MiPushClient", "xiaomi-push"},
		{"com.heytap.msp.push.HeytapPushManager", "oppo-push"},
		{"com.coloros.mcssdk.PushManager", "oppo-push"},
		{"com.vivo.push.PushClient", "vivo-push"},
		{"com.hihonor.push.sdk.HonorPushClient", "honor-push"},
		{"com.meizu.cloud.pushsdk.PushManager", "meizu-push"},
		{"com.bun.miitmdid.core.MdidSdkHelper", "msa-oaid"},
		{"com.sina.weibo.sdk.WbSdk", "weibo-sdk"},
		{"com.sensorsdata.analytics.android.sdk.SensorsDataAPI", "sensorsdata"},
		{"com.growingio.android.sdk.autotrack.GrowingAutotracker", "growingio"},
		{"com.tendcloud.tenddata.TCAgent", "talkingdata"},
		{"com.google.android.gms.ads.MobileAds", "google-admob"},
		{"com.google.android.gms.ads.identifier.AdvertisingIdClient", "google-ads-identifier"},
		{"com.google.android.gms.ads.identifier.AdvertisingIdClient$Info", "google-ads-identifier"},
		{"com.google.android.gms.common.GoogleApiAvailability", "google-play-services"},
		{"com.google.android.gms.location.LocationServices", "google-location"},
		{"com.google.android.gms.maps.GoogleMap", "google-maps"},
		{"com.google.firebase.analytics.FirebaseAnalytics", "firebase-analytics"},
		{"com.google.firebase.crashlytics.FirebaseCrashlytics", "firebase-crashlytics"},
		{"com.google.firebase.messaging.FirebaseMessaging", "firebase-messaging"},
		{"com.facebook.FacebookSdk", "facebook-sdk"},
		{"com.facebook.ads.AudienceNetworkAds", "facebook-audience-network"},
		{"com.appsflyer.AppsFlyerLib", "appsflyer"},
		{"com.adjust.sdk.Adjust", "adjust"},
		// Suffix rules from Exodus.
		{"de.example.LigatusManager", "ligatus"},
		{"com.example.sizmek.Tracker", "sizmek"},
		// No match.
		{"com.dv.adm.Downloader", ""},         // Exodus #463: DOV-E is com.dv.DVSDK only
		{"com.example.app.umengfoo.Main", ""}, // package boundary
		{"com.umengx.analytics.Foo", ""},      // segment boundary
		{"com.google.android.gms.Foo", ""},    // no SDK owns all of Play services
		{"com.facebook.react.ReactActivity", "react-native"},
		{"com.example.app.MainActivity", ""},
		{"com.tencent.map.b.a", ""}, // QQ open SDK internals, not Tencent Maps
		{"com.google.android.gms.adsx.Foo", ""},
	}
	for _, tt := range tests {
		got, ok := c.MatchClass(desc(tt.class))
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("MatchClass(%s) = %q, %v; want %q", tt.class, got, ok, tt.want)
		}
		got2, _ := c.MatchClassName(tt.class)
		if got2 != got {
			t.Errorf("MatchClassName(%s) = %q, MatchClass = %q", tt.class, got2, got)
		}
	}
	for _, bad := range []string{"", "L;", "I", "[I", "Lcom/umeng/analytics/X", "com/umeng/analytics/X;", "[[Lcom/umeng/analytics/X;"} {
		got, ok := c.MatchClass(bad)
		if bad == "[[Lcom/umeng/analytics/X;" {
			if got != "umeng-analytics" {
				t.Errorf("array descriptor: %q", got)
			}
			continue
		}
		if ok {
			t.Errorf("MatchClass(%q) = %q", bad, got)
		}
	}
}

// TestClassPrefixesResolve checks that every class prefix of every SDK
// resolves to that SDK (nothing shadows it), that prefixes are
// package-boundary prefixes of two or more segments, and that no SDK claims
// a whole vendor family.
func TestClassPrefixesResolve(t *testing.T) {
	c := load(t)
	owners := map[string]string{}
	for _, s := range c.SDKs() {
		if len(s.Classes)+len(s.ClassSuffixes)+len(s.NativeLibs)+len(s.NativeLibPatterns)+len(s.Components)+len(s.ComponentSuffixes)+len(s.Hosts)+len(s.MetaData) == 0 {
			t.Errorf("%s has no signature", s.ID)
		}
		if len(s.Sources) == 0 || len(s.Categories) == 0 {
			t.Errorf("%s: sources %v categories %v", s.ID, s.Sources, s.Categories)
		}
		for _, p := range s.Classes {
			if o, dup := owners[p]; dup {
				t.Errorf("prefix %s in %s and %s", p, o, s.ID)
			}
			owners[p] = s.ID
			if strings.Count(p, ".") < 1 {
				t.Errorf("%s: prefix %s has one segment", s.ID, p)
			}
			for _, probe := range []string{p + ".Zz9", p + "$Zz9", p} {
				if got, _ := c.MatchClass(desc(probe)); got != s.ID {
					t.Errorf("%s: %s resolves to %q", s.ID, probe, got)
				}
			}
			if len(s.SignatureSources("classes", p)) == 0 {
				t.Errorf("%s: prefix %s has no source", s.ID, p)
			}
		}
	}
	for _, broad := range []string{"com.google", "com.google.android", "com.google.android.gms", "com.google.firebase",
		"com.tencent", "com.baidu", "com.alibaba", "com.huawei", "com.huawei.hms", "com.bytedance", "com.facebook", "android", "java", "kotlin", "androidx"} {
		if o, ok := owners[broad]; ok {
			t.Errorf("%s claims the whole %s namespace", o, broad)
		}
	}
}

func TestMatchHost(t *testing.T) {
	c := load(t)
	tests := []struct{ host, want string }{
		{"umeng.com", "umeng-analytics"},
		{"sub.umeng.com", "umeng-analytics"},
		{"ULOGS.UMENG.COM.", "umeng-analytics"},
		{"notumeng.com", ""},
		{"umeng.com.evil.net", ""},
		{"apilocate.amap.com", "amap-location"},
		{"restapi.amap.com", "amap-maps"},
		{"api.jpush.cn", "jcore"},
		{"sdk.e.qq.com", "tencent-gdt"},
		{"qq.com", ""},
		{"app-measurement.com", "firebase-analytics"},
		{"", ""},
		{".", ""},
		{"com", ""},
	}
	for _, tt := range tests {
		got, ok := c.MatchHost(tt.host)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("MatchHost(%q) = %q, %v; want %q", tt.host, got, ok, tt.want)
		}
	}
}

func TestMatchNativeLib(t *testing.T) {
	c := load(t)
	tests := []struct {
		file string
		want []string
	}{
		{"lib/arm64-v8a/libjcore300.so", []string{"jcore"}},
		{"lib/armeabi-v7a/libjcore2.1.0.so", []string{"jcore"}},
		{"lib/arm64-v8a/libjcore.so", nil},
		{"lib/arm64-v8a/libjcorex.so", nil},
		{"lib/arm64-v8a/libBugly.so", []string{"bugly"}},
		{"lib/arm64-v8a/libAMapSDK_MAP_v9_8_3.so", []string{"amap-maps"}},
		{"lib/arm64-v8a/libBaiduMapSDK_base_v7_5_4.so", []string{"baidu-maps"}},
		{"lib/arm64-v8a/libmsaoaidsec.so", []string{"msa-oaid"}},
		{"libmmkv.so", []string{"tencent-mmkv"}},
		{"lib/x86/libnotanything.so", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := c.MatchNativeLib(tt.file); !slices.Equal(got, tt.want) {
			t.Errorf("MatchNativeLib(%q) = %v, want %v", tt.file, got, tt.want)
		}
	}
}

func TestMatchComponentAndMetaData(t *testing.T) {
	c := load(t)
	comp := []struct {
		name string
		want string
	}{
		{"cn.jpush.android.service.PushService", "jpush"},
		{"com.amap.api.location.APSService", "amap-location"},
		{"com.example.shop.wxapi.WXEntryActivity", "wechat-opensdk"},
		{"com.example.shop.wxapi.WXPayEntryActivity", "wechat-opensdk"},
		{"com.qq.e.ads.ADActivity", "tencent-gdt"},
		{"com.igexin.sdk.PushService", "getui"},
	}
	for _, tt := range comp {
		if got := c.MatchComponent(tt.name); !slices.Contains(got, tt.want) {
			t.Errorf("MatchComponent(%s) = %v, want %s", tt.name, got, tt.want)
		}
	}
	if got := c.MatchComponent("com.example.app.MainActivity"); len(got) != 0 {
		t.Errorf("MatchComponent(app activity) = %v", got)
	}
	meta := []struct {
		key  string
		want []string
	}{
		{"UMENG_APPKEY", []string{"umeng-analytics"}},
		{"JPUSH_APPKEY", []string{"jpush"}},
		{"com.amap.api.v2.apikey", []string{"amap-location", "amap-maps"}},
		{"com.baidu.lbsapi.API_KEY", []string{"baidu-location", "baidu-maps"}},
		{"com.google.android.geo.API_KEY", []string{"google-maps"}},
		{"com.google.android.gms.version", []string{"google-play-services"}},
		{"some.app.key", nil},
	}
	for _, tt := range meta {
		got := c.MatchMetaData(tt.key)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("MatchMetaData(%s) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestMatchPacker(t *testing.T) {
	c := load(t)
	tests := []struct {
		app         string
		files, libs []string
		want        []string
	}{
		{"com.stub.StubApp", nil, []string{"lib/arm64-v8a/libjiagu_a64.so"}, []string{"qihoo-jiagu"}},
		{"", []string{"assets/libjiagu.so"}, nil, []string{"qihoo-jiagu"}},
		{"com.tencent.StubShell.TxAppEntry", nil, nil, []string{"tencent-legu"}},
		{"", nil, []string{"lib/armeabi/libshella-4.1.0.19.so"}, []string{"tencent-legu"}},
		{"com.secneo.apkwrapper.ApplicationWrapper", []string{"assets/secData0.jar"}, []string{"lib/armeabi/libsecexe.so"}, []string{"bangcle"}},
		{"", nil, []string{"lib/arm64-v8a/libDexHelper.so"}, []string{"bangcle"}},
		{"s.h.e.l.l.S", []string{"assets/ijiami.dat"}, nil, []string{"ijiami"}},
		{"com.baidu.protect.StubApplication", nil, nil, []string{"baidu-protect"}},
		{"", nil, []string{"lib/arm64-v8a/libnesec.so"}, []string{"netease-yidun"}},
		{"", nil, []string{"lib/arm64-v8a/libx3g.so"}, []string{"dingxiang"}},
		{"com.example.App", []string{"assets/config.json", "classes.dex"}, []string{"lib/arm64-v8a/libmain.so", "lib/arm64-v8a/libsgmain.so"}, nil},
	}
	for _, tt := range tests {
		hits := c.MatchPacker(tt.app, tt.files, tt.libs)
		var got []string
		for _, h := range hits {
			got = append(got, h.Packer.ID)
			if h.Evidence == "" {
				t.Errorf("%s: empty evidence", h.Packer.ID)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("MatchPacker(%q, %v, %v) = %v, want %v", tt.app, tt.files, tt.libs, got, tt.want)
		}
	}
	h := c.MatchPacker("com.stub.StubApp", []string{"assets/jiagu_x"}, []string{"lib/x86/libjiagu_x86.so"})
	if len(h) != 1 || !strings.Contains(h[0].Evidence, "application class com.stub.StubApp") || !strings.Contains(h[0].Evidence, "libjiagu_x86.so") {
		t.Errorf("evidence = %+v", h)
	}
}

func TestSDKFields(t *testing.T) {
	c := load(t)
	s, ok := c.SDK("jpush")
	if !ok || s.Country != "cn" || s.Vendor == "" || !slices.Contains(s.Categories, "push") {
		t.Fatalf("jpush = %+v", s)
	}
	if src := s.SignatureSources("components", "cn.jpush.android.service.PushService"); !slices.Contains(src, "jpush-plugin") {
		t.Errorf("jpush PushService sources = %v", src)
	}
	j, _ := c.SDK("jcore")
	if !slices.Contains(j.Collects, "installed_apps") || j.CollectsSource == "" {
		t.Errorf("jcore collects = %v (%s)", j.Collects, j.CollectsSource)
	}
	g, _ := c.SDK("google-play-services")
	if !slices.Equal(g.Categories, []string{"platform"}) {
		t.Errorf("google-play-services categories = %v", g.Categories)
	}
	for _, s := range c.SDKs() {
		if s.Country != "" && len(s.Country) != 2 {
			t.Errorf("%s country %q", s.ID, s.Country)
		}
	}
}

// mutate returns data.FS with one file's text edited.
func mutate(t *testing.T, file, old, new string) fs.FS {
	t.Helper()
	m := dataFiles(t)
	f, ok := m[file]
	if !ok || !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
	return m
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string // substrings of the error
	}{
		{"unknown PI key in permission", FilePermissions, "pi_types: [phone_number]", "pi_types: [phone_numbr]",
			[]string{FilePermissions, "READ_PHONE_NUMBERS", `"phone_numbr"`}},
		{"unknown PI key in api", FileAPIs, "pi_type: imsi,", "pi_type: imsy,", []string{FileAPIs, "apis[", `"imsy"`}},
		{"undeclared source", FileAPIs, "source: [android-doc]}", "source: [nowhere]}", []string{FileAPIs, `"nowhere"`}},
		{"no mode", FileAPIs, "pi_type: imsi, mode: read,", "pi_type: imsi,", []string{FileAPIs, "apis[", "mode"}},
		{"bad mode", FileAPIs, "pi_type: imsi, mode: read,", "pi_type: imsi, mode: collect,", []string{FileAPIs, "apis[", `"collect"`}},
		{"rule without values", FileAPIs, "{arg: 1, is: string, values: [android_id], mode: read}", "{arg: 1, is: string, mode: read}", []string{FileAPIs, "settings-secure-getstring", "values"}},
		{"rule with bad kind", FileAPIs, "{arg: 0, is: own_package, mode: none}", "{arg: 0, is: own_app, mode: none}", []string{FileAPIs, "getpackageinfo", `"own_app"`}},
		{"provider_uri demoting", FileAPIs, "{arg: 0, is: provider_uri, mode: read}]", "{arg: 0, is: provider_uri, mode: check}]", []string{FileAPIs, "contentresolver-query", "provider_uri"}},
		{"uri on a method", FileAPIs, "methods: [getDeviceId], pi_type: device_id_imei, mode: read,", "methods: [getDeviceId], pi_type: device_id_imei, mode: read, uri: true,", []string{FileAPIs, "getdeviceid", "uri"}},
		{"bad value call", FileAPIs, "use: compare, source: [android-string]}", "use: comparison, source: [android-string]}", []string{FileAPIs, "value_calls[", `"comparison"`}},
		{"unknown field", FilePITypes, "{key: imsi,", "{key: imsi, colour: red,", []string{FilePITypes, "colour"}},
		{"bad include", FilePITypes, "includes: [precise_location, coarse_location", "includes: [precise_loc, coarse_location", []string{FilePITypes, "location", "precise_loc"}},
		{"duplicate sdk id", FileSDKs, `{"id":"bugly",`, `{"id":"jpush",`, []string{FileSDKs, "jpush", "duplicate"}},
		{"no signature", FileSDKs, `"signatures":{"classes":{"cn.jiguang.analytics":["jiguang-doc"]}}`, `"signatures":{}`, []string{FileSDKs, "janalytics", "no signature"}},
		{"one-segment prefix", FileSDKs, `"cn.jiguang.analytics":["jiguang-doc"]`, `"jiguang":["jiguang-doc"]`, []string{FileSDKs, "janalytics", "two or more segments"}},
		{"bad category", FileSDKs, `"id":"janalytics","name":"JAnalytics","name_zh":"极光统计","vendor":"Aurora Mobile (极光)","vendor_country":"cn","categories":["analytics"]`, `"id":"janalytics","name":"JAnalytics","name_zh":"极光统计","vendor":"Aurora Mobile (极光)","vendor_country":"cn","categories":["stats"]`, []string{FileSDKs, "janalytics", "stats"}},
		{"shared prefix", FileSDKs, `"cn.jiguang.analytics":["jiguang-doc"]`, `"com.umeng.analytics":["jiguang-doc"]`, []string{FileSDKs, "com.umeng.analytics", "already belongs"}},
		{"bad country", FileSDKs, `"id":"janalytics","name":"JAnalytics","name_zh":"极光统计","vendor":"Aurora Mobile (极光)","vendor_country":"cn"`, `"id":"janalytics","name":"JAnalytics","name_zh":"极光统计","vendor":"Aurora Mobile (极光)","vendor_country":"CHN"`, []string{FileSDKs, "janalytics", "CHN"}},
		{"packer without signature", FilePackers, "    native_libs: [libx3g.so]\n", "", []string{FilePackers, "dingxiang", "no signature"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(mutate(t, tt.file, tt.old, tt.new))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.File != tt.file {
				t.Errorf("error %v is not a *Error for %s", err, tt.file)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	_, err := LoadFS(fstest.MapFS{})
	var ce *Error
	if !errors.As(err, &ce) || ce.File != FilePITypes || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty FS: %v", err)
	}
}

func TestMatchClassAllocs(t *testing.T) {
	c := load(t)
	names := []string{"Lcom/umeng/analytics/MobclickAgent;", "Lcom/example/app/MainActivity$1;", "Lde/example/LigatusManager;", "Lcom/example/sizmek/X;"}
	n := testing.AllocsPerRun(200, func() {
		for _, s := range names {
			c.MatchClass(s)
		}
		c.MatchHost("sub.umeng.com")
	})
	if n != 0 {
		t.Errorf("MatchClass allocates %v times per run", n)
	}
}
