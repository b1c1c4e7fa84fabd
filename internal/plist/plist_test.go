package plist

import (
	"bytes"
	"encoding/binary"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func load(t testing.TB, name string) any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Parse(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// Each XML list and its binary twin (written by Python's plistlib) read
// to the same values.
func TestXMLAndBinaryAgree(t *testing.T) {
	for _, name := range []string{"clevertap-PrivacyInfo.xcprivacy", "wechat-tests-Info.plist", "app-Info.plist"} {
		x, b := load(t, name), load(t, name+".bplist")
		if !reflect.DeepEqual(x, b) {
			t.Errorf("%s: XML and binary differ:\n%#v\n%#v", name, x, b)
		}
	}
}

func TestValues(t *testing.T) {
	pm := Dict(load(t, "clevertap-PrivacyInfo.xcprivacy.bplist"))
	if !Bool(pm["NSPrivacyTracking"]) || !reflect.DeepEqual(Strings(pm["NSPrivacyTrackingDomains"]), []string{"clevertap-prod.com"}) {
		t.Errorf("tracking: %v %v", pm["NSPrivacyTracking"], pm["NSPrivacyTrackingDomains"])
	}
	if n := len(Array(pm["NSPrivacyCollectedDataTypes"])); n != 7 {
		t.Errorf("%d collected data types, want 7", n)
	}
	api := Dict(Array(pm["NSPrivacyAccessedAPITypes"])[0])
	if String(api["NSPrivacyAccessedAPIType"]) != "NSPrivacyAccessedAPICategoryUserDefaults" || Strings(api["NSPrivacyAccessedAPITypeReasons"])[0] != "CA92.1" {
		t.Errorf("accessed API %v", api)
	}
	app := Dict(load(t, "app-Info.plist.bplist"))
	for k, want := range map[string]any{
		"CFBundleDisplayName": "打车出行", "NSCameraUsageDescription": "", "Negative": int64(-42), "Ratio": 0.25,
		"Big": uint64(1<<63 + 5), "Blob": []byte("\x00\x01hegui"), "BuildDate": time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC),
	} {
		if got := app[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if !Bool(Dict(app["NSAppTransportSecurity"])["NSAllowsArbitraryLoads"]) {
		t.Error("ATS")
	}
}

// bplist builds a binary list from objects (each given as its bytes),
// with one-byte offsets and references, the top object first.
func bplist(objs ...[]byte) []byte {
	b := []byte("bplist00")
	var offs []byte
	for _, o := range objs {
		offs = append(offs, byte(len(b)))
		b = append(b, o...)
	}
	table := len(b)
	b = append(b, offs...)
	tr := make([]byte, 32)
	tr[6], tr[7] = 1, 1
	binary.BigEndian.PutUint64(tr[8:], uint64(len(objs)))
	binary.BigEndian.PutUint64(tr[24:], uint64(table))
	return append(b, tr...)
}

func TestHostile(t *testing.T) {
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"array holding itself":      {bplist([]byte{0xA1, 0}), "contains itself"},
		"loop through two arrays":   {bplist([]byte{0xA1, 1}, []byte{0xA1, 0}), "contains itself"},
		"dict with a number as key": {bplist([]byte{0xD1, 1, 1}, []byte{0x10, 5}), "key of type"},
		"reference out of range":    {bplist([]byte{0xA1, 9}), "reference 9"},
		"count past the end":        {bplist([]byte{0xAF, 0x13, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), "container of"},
		"string past the end":       {bplist([]byte{0x5F, 0x10, 200}), "run past the end"},
		"huge object count":         {append(append([]byte("bplist00"), 0x08), func() []byte { tr := make([]byte, 32); tr[6], tr[7] = 1, 1; tr[15] = 0xff; tr[31] = 8; return tr }()...), "objects"},
		"unknown marker":            {bplist([]byte{0x70}), "marker"},
		"XML nested past the bound": {[]byte("<plist>" + strings.Repeat("<array>", maxDepth+5)), "nested deeper"},
		"XML unknown element":       {[]byte("<plist><dict><key>a</key><blob/></dict></plist>"), "unknown element"},
		"neither":                   {[]byte("PK\x03\x04"), "not a property list"},
	} {
		_, err := Parse(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
	// A DAG (one object referenced twice, no loop) is fine.
	v, err := Parse(bplist([]byte{0xA2, 1, 1}, []byte{0x51, 'x'}))
	if err != nil || !reflect.DeepEqual(v, []any{"x", "x"}) {
		t.Errorf("shared object: %v %v", v, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"clevertap-PrivacyInfo.xcprivacy", "clevertap-PrivacyInfo.xcprivacy.bplist", "app-Info.plist", "app-Info.plist.bplist", "wechat-tests-Info.plist.bplist"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(bplist([]byte{0xA2, 1, 1}, []byte{0x51, 'x'}))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b) // no panic, no hang
	})
}

// One large string referenced many times is decoded once: memory follows
// the input, not the references.
func TestSharedObjectsDecodedOnce(t *testing.T) {
	big := append([]byte{0x5F, 0x11, 0xff, 0xff}, bytes.Repeat([]byte("x"), 0xffff)...) // a 64 KiB string
	const refs = 30000
	arr := []byte{0xAF, 0x11, byte(refs >> 8), byte(refs & 0xff)}
	// Two-byte references: the string is object 1.
	for i := 0; i < refs; i++ {
		arr = append(arr, 0, 1)
	}
	b := []byte("bplist00")
	offs := []int{len(b)}
	b = append(b, arr...)
	offs = append(offs, len(b))
	b = append(b, big...)
	table := len(b)
	for _, o := range offs {
		b = append(b, byte(o>>24), byte(o>>16), byte(o>>8), byte(o))
	}
	tr := make([]byte, 32)
	tr[6], tr[7] = 4, 2
	binary.BigEndian.PutUint64(tr[8:], 2)
	binary.BigEndian.PutUint64(tr[24:], uint64(table))
	b = append(b, tr...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := Parse(b)
	runtime.ReadMemStats(&after)
	if err != nil || len(Array(v)) != refs {
		t.Fatalf("%v, %d elements", err, len(Array(v)))
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
		t.Errorf("%d MiB allocated for a %d KiB list", grown>>20, len(b)>>10)
	}
}

func TestStrings(t *testing.T) {
	text := "/* 中文 */\n\"NSCameraUsageDescription\" = \"用于扫描\\\"车辆\\\"二维码\";\n// comment\nNSMicrophoneUsageDescription = \"语音\\U5bf9\\U8bb2\";\n"
	u16 := []byte{0xff, 0xfe}
	for _, r := range utf16.Encode([]rune(text)) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	for name, b := range map[string][]byte{"utf-8": []byte(text), "utf-16le": u16} {
		m, err := ParseStrings(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m["NSCameraUsageDescription"] != `用于扫描"车辆"二维码` || m["NSMicrophoneUsageDescription"] != "语音对讲" {
			t.Errorf("%s: %q", name, m)
		}
	}
	for _, bad := range []string{`"a" = "b"`, `"a" = "unterminated;`, `"a" "b";`} {
		if _, err := ParseStrings([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseStrings(f *testing.F) {
	f.Add([]byte("/* c */\n\"NSCameraUsageDescription\" = \"用于扫描\\\"车辆\\\"二维码\";\nKey = \"\\U5bf9\";\n"))
	f.Add([]byte{0xff, 0xfe, '"', 0, 'a', 0, '"', 0, '=', 0, '"', 0, 'b', 0, '"', 0, ';', 0})
	f.Add([]byte(`"a" = "unterminated`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := ParseStrings(b)
		if len(m) > len(b) {
			t.Fatalf("%d entries from %d bytes", len(m), len(b))
		}
	})
}
