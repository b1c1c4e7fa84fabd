package aar

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/artifact/ziptest"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

func analyze(t testing.TB, path string) (*evidence.Set, error) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	return New(cat, nil).Analyze(context.Background(), in)
}

// classBytes reads one class file out of a JAR (or a JAR inside an AAR).
func classBytes(t *testing.T, archive, inner, class string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(files []*zip.File, name string) []byte {
		for _, f := range files {
			if f.Name == name {
				rc, _ := f.Open()
				defer rc.Close()
				b, _ := io.ReadAll(rc)
				return b
			}
		}
		t.Fatalf("%s: no %s", archive, name)
		return nil
	}
	files := zr.File
	if inner != "" {
		b := read(files, inner)
		r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		files = r.File
	}
	return read(files, class)
}

func find(set *evidence.Set, kind evidence.Kind, key string, ok func(evidence.Observation) bool) (evidence.Observation, bool) {
	for _, o := range set.Of(kind) {
		if o.Key == key && (ok == nil || ok(o)) {
			return o, true
		}
	}
	return evidence.Observation{}, false
}

// Tencent's WeChat SDK JAR (from npm): the SDKs inside it, and what its
// code reads, at offsets where the class file holds the call.
func TestWeChatJAR(t *testing.T) {
	const jar = "../../../testdata/sdk/libammsdk.jar"
	set, err := analyze(t, jar)
	if err != nil {
		t.Fatal(err)
	}
	if set.Target.Kind != "sdk" || set.Target.Attrs["format"] != "jar" || set.Target.Attrs["classes"] != "158" {
		t.Errorf("target %+v", set.Target)
	}
	sdks := set.Keys(evidence.SDK)
	if !slices.Contains(sdks, "wechat-opensdk") || !slices.Contains(sdks, "tencent-mta") {
		t.Errorf("SDKs %v", sdks)
	}
	o, ok := find(set, evidence.DataType, "device_id_imei", func(o evidence.Observation) bool { return o.Party.SDK == "tencent-mta" })
	if !ok {
		t.Fatalf("MTA's IMEI read not found: %v", set.Keys(evidence.DataType))
	}
	if o.Level != evidence.Referenced || o.Attr(evidence.DetailAPI) != "android.telephony.TelephonyManager.getDeviceId" || o.Where.Method == "" {
		t.Errorf("IMEI observation %+v", o)
	}
	// The offset is the invokevirtual in the class file.
	b := classBytes(t, jar, "", strings.ReplaceAll(o.Where.Class, ".", "/")+".class")
	if o.Where.File != strings.ReplaceAll(o.Where.Class, ".", "/")+".class" || b[o.Where.Offset] != 0xb6 {
		t.Errorf("%s at 0x%x: byte 0x%02x, want invokevirtual", o.Where.File, o.Where.Offset, b[o.Where.Offset])
	}
	if _, ok := find(set, evidence.Endpoint, "pingma.qq.com", nil); !ok {
		t.Errorf("endpoints %v", set.Keys(evidence.Endpoint))
	}
	if len(set.Errors) > 0 {
		t.Errorf("errors on a well-formed JAR: %+v", set.Errors)
	}
}

// An AAR around Baidu's location SDK: the manifest's permissions and
// service (merged into every host app), its native library, the code's
// location reads.
func TestBaiduAAR(t *testing.T) {
	const aar = "../../../testdata/sdk/baidu-location.aar"
	set, err := analyze(t, aar)
	if err != nil {
		t.Fatal(err)
	}
	if set.Target.ID != "com.baidu.location" || set.Target.Attrs["format"] != "aar" || set.Target.Attrs["min_sdk"] != "14" || set.Target.Name != "Baidu Location SDK" {
		t.Errorf("target %+v", set.Target)
	}
	perms := set.Keys(evidence.Permission)
	if len(perms) != 8 || !slices.Contains(perms, "android.permission.ACCESS_FINE_LOCATION") {
		t.Errorf("permissions %v", perms)
	}
	if o, ok := find(set, evidence.Permission, "android.permission.READ_PHONE_STATE", nil); !ok || o.Where.Line != 10 || o.Level != evidence.Declared {
		t.Errorf("READ_PHONE_STATE: %+v", o)
	}
	if o, ok := find(set, evidence.Component, "com.baidu.location.f", nil); !ok || o.Attr(evidence.DetailType) != "service" {
		t.Errorf("service: %+v %v", o, ok)
	}
	if _, ok := find(set, evidence.SDK, "baidu-location", func(o evidence.Observation) bool {
		return strings.HasPrefix(o.Attr(evidence.DetailMatch), "native library liblocSDK7b.so")
	}); !ok {
		t.Error("the native library was not matched")
	}
	o, ok := find(set, evidence.DataType, "precise_location", func(o evidence.Observation) bool { return o.Level == evidence.Referenced })
	if !ok || o.Party.SDK != "baidu-location" || !strings.HasPrefix(o.Where.File, "classes.jar!com/baidu/location/") {
		t.Fatalf("location read: %+v %v", o, ok)
	}
	b := classBytes(t, aar, "classes.jar", strings.TrimPrefix(o.Where.File, "classes.jar!"))
	if op := b[o.Where.Offset]; op < 0xb2 || op > 0xb9 {
		t.Errorf("%s at 0x%x: byte 0x%02x is no field or method instruction", o.Where.File, o.Where.Offset, op)
	}
	if _, ok := find(set, evidence.Property, "consumer_proguard_rules", nil); !ok {
		t.Error("no consumer ProGuard rules")
	}
}

// A javac-built JAR: first-party code (no signature names it), a call
// in a lambda, the server it names.
func TestDemoJAR(t *testing.T) {
	set, err := analyze(t, "../../jvm/testdata/demo-sdk.jar")
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, o := range set.Of(evidence.DataType) {
		if o.Key == "device_id_imei" && o.Party.FirstParty() {
			methods = append(methods, o.Where.Method)
		}
	}
	slices.Sort(methods)
	if !slices.Equal(methods, []string{"deviceId()Ljava/lang/String;", "lambda$run$0()Ljava/lang/String;"}) {
		t.Errorf("IMEI reads in %v", methods)
	}
	if set.Target.ID != "com.demo.sdk" {
		t.Errorf("target %+v", set.Target)
	}
	// Settings.Secure.getString with the key "android_id" is a read; with
	// another key it is not, even when "android_id" is a constant of the
	// method; a field written is not read.
	var ids []string
	for _, o := range set.Of(evidence.DataType) {
		switch o.Key {
		case "android_id":
			ids = append(ids, o.Where.Method)
		case "wifi_scan", "wifi_info":
			t.Errorf("a field write reported as a read: %+v", o)
		}
	}
	if !slices.Equal(ids, []string{"androidId(Landroid/content/ContentResolver;)Ljava/lang/String;"}) {
		t.Errorf("android_id reads in %v", ids)
	}
	if _, ok := find(set, evidence.Endpoint, "stat.demo-sdk.example.cn", nil); !ok {
		t.Errorf("endpoints %v", set.Keys(evidence.Endpoint))
	}
}

// Damage costs what it touches, and says so.
func TestHostile(t *testing.T) {
	good, err := os.ReadFile("../../jvm/testdata/Collector.class")
	if err != nil {
		t.Fatal(err)
	}
	// One class cut short beside a good one: the good one is read, the
	// other reported.
	set, err := analyze(t, ziptest.File(t, "x.zip", "a/Good.class", string(good), "a/Bad.class", string(good[:len(good)/2])))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Errors) != 1 || set.Errors[0].File != "a/Bad.class" || set.Errors[0].Part != evidence.PartCode {
		t.Errorf("errors %+v", set.Errors)
	}
	if !slices.Contains(set.Keys(evidence.DataType), "device_id_imei") {
		t.Error("the good class was not read")
	}
	// Nothing readable: an error, not an empty pass.
	if _, err := analyze(t, ziptest.File(t, "x.zip", "a/Bad.class", "\xca\xfe\xba\xbe junk")); err == nil {
		t.Error("a JAR of junk gave a report")
	}
	// An AAR whose manifest is broken still has its code read.
	jar := readFile(t, "../../jvm/testdata/demo-sdk.jar")
	set, err = analyze(t, ziptest.File(t, "x.zip", "AndroidManifest.xml", `<manifest package="x.y"><uses-permission android:name="a"`, "classes.jar", jar))
	if err != nil {
		t.Fatal(err)
	}
	if set.Target.Attrs["format"] != "aar" || !slices.Contains(set.Keys(evidence.DataType), "device_id_imei") {
		t.Errorf("AAR with a bad manifest: %+v %v", set.Target, set.Keys(evidence.DataType))
	}
	var manifestLost bool
	for _, e := range set.Errors {
		manifestLost = manifestLost || e.Part == evidence.PartManifest
	}
	if !manifestLost {
		t.Errorf("the broken manifest was not reported: %+v", set.Errors)
	}
}

// The manifest as the merger applies it: an element tools:node="remove"
// never reaches the host; a tag spread over lines is placed at its '<'.
func TestManifestMerging(t *testing.T) {
	manifest := `<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools" package="x.y">
    <uses-permission
        android:name="android.permission.CAMERA" />
    <uses-permission android:name="android.permission.READ_PHONE_STATE" tools:node="remove" />
    <application>
        <activity
            android:name=".Scan"
            android:exported="false" />
    </application>
</manifest>`
	set, err := analyze(t, ziptest.File(t, "x.zip", "AndroidManifest.xml", manifest, "classes.jar", readFile(t, "../../jvm/testdata/demo-sdk.jar")))
	if err != nil {
		t.Fatal(err)
	}
	if perms := set.Keys(evidence.Permission); !slices.Equal(perms, []string{"android.permission.CAMERA"}) {
		t.Errorf("permissions %v", perms)
	}
	if o, ok := find(set, evidence.Permission, "android.permission.CAMERA", nil); !ok || o.Where.Line != 3 {
		t.Errorf("CAMERA at line %d, want 3", o.Where.Line)
	}
	if o, ok := find(set, evidence.Component, "x.y.Scan", nil); !ok || o.Where.Line != 7 || o.Attr(evidence.DetailExported) != "false" {
		t.Errorf("activity %+v", o)
	}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzManifest(f *testing.F) {
	f.Add([]byte(`<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b"><uses-permission android:name="android.permission.CAMERA"/><application><service android:name=".S" android:exported="true"/></application></manifest>`))
	f.Add([]byte(`<manifest><manifest><manifest>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := parseManifest(b)
		for _, c := range m.Components {
			if c.Name == "" {
				t.Fatal("a component without a name")
			}
		}
	})
}

// Ant Group's Alipay SDK, a real AAR: its manifest's permissions, the
// SDKs inside it, and the installed-app list its security module reads.
func TestAlipayAAR(t *testing.T) {
	const aar = "../../../testdata/sdk/alipay-sdk.aar"
	set, err := analyze(t, aar)
	if err != nil {
		t.Fatal(err)
	}
	if set.Target.Name != "Alipay SDK" || set.Target.ID != "com.alipay.sdk" {
		t.Errorf("target %+v", set.Target)
	}
	if perms := set.Keys(evidence.Permission); len(perms) != 3 {
		t.Errorf("permissions %v", perms)
	}
	o, ok := find(set, evidence.DataType, "installed_apps", nil)
	if !ok || o.Attr(evidence.DetailAPI) != "android.content.pm.PackageManager.getInstalledPackages" || o.Party.SDK != "alipay" {
		t.Fatalf("installed apps: %+v %v", o, ok)
	}
	b := classBytes(t, aar, "classes.jar", strings.TrimPrefix(o.Where.File, "classes.jar!"))
	if b[o.Where.Offset] != 0xb6 {
		t.Errorf("byte 0x%02x at 0x%x, want invokevirtual", b[o.Where.Offset], o.Where.Offset)
	}
	if !slices.Contains(set.Keys(evidence.SDK), "alibaba-utdid") {
		t.Errorf("SDKs %v", set.Keys(evidence.SDK))
	}
}
