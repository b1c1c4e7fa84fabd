package catalog

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hegui/hegui/data"
)

func TestHostOwner(t *testing.T) {
	c := load(t)
	for _, tt := range []struct {
		host, domain, company, parent, country string
	}{
		{"tynt.com", "tynt.com", "tynt", "33Across", "us"},
		{"cdn.tynt.com", "tynt.com", "tynt", "33Across", "us"},
		{"a.b.TYNT.com.", "tynt.com", "tynt", "33Across", "us"},
		{"ulogs.umeng.com", "umeng.com", "Umeng+", "Alibaba", "cn"},
		{"stats.g.doubleclick.net", "doubleclick.net", "DoubleClick", "Alphabet", "us"},
		{"x.imap.google.com", "imap.google.com", "", "", ""},              // the longer domain wins
		{"adbrain.com", "adbrain.com", "AdBrain", "The Trade Desk", "gb"}, // uk written as ISO gb
	} {
		o, ok := c.HostOwner(tt.host)
		if !ok || o.Domain != tt.domain {
			t.Errorf("HostOwner(%q) = %+v, %v; want domain %s", tt.host, o, ok, tt.domain)
			continue
		}
		if tt.company != "" && (o.Company != tt.company || o.Parent != tt.parent || o.Country != tt.country) {
			t.Errorf("HostOwner(%q) = %+v", tt.host, o)
		}
		if len(o.Sources) == 0 {
			t.Errorf("HostOwner(%q): no sources", tt.host)
		}
	}
	for _, h := range []string{"", ".", "com", "nottynt.com", "tynt.com.example.org", "tynt", "tynt.co", "xn--tynt.com-", "[::1]", "tynt.com:443"} {
		if o, ok := c.HostOwner(h); ok {
			t.Errorf("HostOwner(%q) = %+v, want no owner", h, o)
		}
	}
	if n := len(c.HostOwners()); n < 1000 {
		t.Errorf("HostOwners = %d, want >= 1000", n)
	}
	if !slices.IsSortedFunc(c.HostOwners(), func(a, b HostOwner) int { return strings.Compare(a.Domain, b.Domain) }) {
		t.Error("HostOwners not sorted by domain")
	}
}

// TestHostOwnerBoundaries checks suffix matching on a small file of its own.
func TestHostOwnerBoundaries(t *testing.T) {
	hosts := `version: "1"
sources: {t: test}
hosts:
  - {domain: example.com, company: Example, country: us, source: [t]}
  - {domain: deep.sub.example.com, company: Deep, source: [t]}
  - {domain: co.uk, company: Registry, country: gb, source: [t]}
`
	c, err := LoadFS(replaceFile(t, FileHosts, hosts))
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"example.com":            "Example",
		"a.b.example.com":        "Example",
		"sub.example.com":        "Example",
		"deep.sub.example.com":   "Deep",
		"x.deep.sub.example.com": "Deep",
		"eep.sub.example.com":    "Example",
		"notexample.com":         "",
		"example.com.cn":         "",
		"example.co":             "",
		"bbc.co.uk":              "Registry",
		"uk":                     "",
		"examplecom":             "",
		"-example.com":           "",
		"a..example.com":         "Example",
	} {
		o, ok := c.HostOwner(host)
		if ok != (want != "") || o.Company != want {
			t.Errorf("HostOwner(%q) = %q, %v; want %q", host, o.Company, ok, want)
		}
	}
}

func TestHostOwnerAllocs(t *testing.T) {
	c := load(t)
	n := testing.AllocsPerRun(200, func() {
		c.HostOwner("a.b.c.ulogs.umeng.com")
		c.HostOwner("api.example.org")
	})
	if n != 0 {
		t.Errorf("HostOwner allocates %v times per run", n)
	}
}

func TestIOSUsageKeys(t *testing.T) {
	c := load(t)
	want := map[string][]string{
		"NSCameraUsageDescription":              {"camera"},
		"NSLocationWhenInUseUsageDescription":   {"precise_location", "coarse_location"},
		"NSContactsUsageDescription":            {"contacts"},
		"NSMicrophoneUsageDescription":          {"microphone"},
		"NSPhotoLibraryUsageDescription":        {"photos_media"},
		"NSUserTrackingUsageDescription":        {"idfa"},
		"NSFaceIDUsageDescription":              nil,
		"NSBluetoothAlwaysUsageDescription":     {"bluetooth_info"},
		"NSCalendarsFullAccessUsageDescription": {"calendar"},
		"NSMotionUsageDescription":              {"physical_activity"},
		"NSHealthShareUsageDescription":         {"health_data"},
	}
	for key, types := range want {
		u, ok := c.IOSUsageKey(key)
		if !ok {
			t.Errorf("IOSUsageKey(%s) missing", key)
			continue
		}
		if !slices.Equal(u.DataTypes, types) || u.Zh == "" || u.Confidence == "" || len(u.Sources) == 0 {
			t.Errorf("IOSUsageKey(%s) = %+v, want data types %v", key, u, types)
		}
	}
	if _, ok := c.IOSUsageKey("NSCameraUsage"); ok {
		t.Error("IOSUsageKey found a key that does not exist")
	}
	keys := c.IOSUsageKeys()
	if len(keys) < len(want) || !slices.IsSortedFunc(keys, func(a, b IOSUsageKey) int { return strings.Compare(a.Key, b.Key) }) {
		t.Errorf("IOSUsageKeys: %d keys, sorted %v", len(keys), slices.IsSortedFunc(keys, func(a, b IOSUsageKey) int { return strings.Compare(a.Key, b.Key) }))
	}
	for _, u := range keys {
		for _, k := range u.DataTypes {
			if _, ok := c.DataType(k); !ok {
				t.Errorf("%s: unknown PI type %s", u.Key, k)
			}
		}
	}
	if u, _ := c.IOSUsageKey("NSLocationAlwaysUsageDescription"); u.Deprecated != 11 {
		t.Errorf("NSLocationAlwaysUsageDescription deprecated = %d, want 11", u.Deprecated)
	}
}

func TestIOSAPICategories(t *testing.T) {
	c := load(t)
	for _, name := range []string{"UserDefaults", "FileTimestamp", "SystemBootTime", "DiskSpace", "ActiveKeyboards"} {
		a, ok := c.IOSAPICategory("NSPrivacyAccessedAPICategory" + name)
		if !ok {
			t.Errorf("category %s missing", name)
			continue
		}
		if a.Zh == "" || a.En == "" || len(a.APIs) == 0 || len(a.Reasons) == 0 || len(a.Sources) == 0 {
			t.Errorf("category %s incomplete: %+v", name, a)
		}
	}
	boot, _ := c.IOSAPICategory("NSPrivacyAccessedAPICategorySystemBootTime")
	if r, ok := boot.Reason("35F9.1"); !ok || r.Meaning == "" {
		t.Errorf("SystemBootTime reason 35F9.1 = %+v, %v", r, ok)
	}
	if _, ok := boot.Reason("CA92.1"); ok {
		t.Error("SystemBootTime has the UserDefaults reason CA92.1")
	}
	if _, ok := c.IOSAPICategory("NSPrivacyAccessedAPICategory"); ok {
		t.Error("found a category without a name")
	}
	if n := len(c.IOSAPICategories()); n != 5 {
		t.Errorf("IOSAPICategories = %d, want 5", n)
	}
}

func TestHarmonyPermissions(t *testing.T) {
	c := load(t)
	want := map[string]string{ // name → one PI type it must give ("" for none)
		"LOCATION": "precise_location", "APPROXIMATELY_LOCATION": "coarse_location",
		"LOCATION_IN_BACKGROUND": "background_location", "CAMERA": "camera", "MICROPHONE": "microphone",
		"READ_CONTACTS": "contacts", "WRITE_CONTACTS": "contacts", "READ_CALENDAR": "calendar",
		"READ_MESSAGES": "sms", "READ_CALL_LOG": "call_log", "APP_TRACKING_CONSENT": "oaid",
		"GET_INSTALLED_BUNDLE_LIST": "installed_apps", "ACCESS_BLUETOOTH": "bluetooth_info",
		"READ_IMAGEVIDEO": "photos_media", "READ_HEALTH_DATA": "health_data",
		"ACTIVITY_MOTION": "physical_activity", "INTERNET": "",
	}
	for name, pi := range want {
		p, ok := c.HarmonyPermission("ohos.permission." + name)
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if (pi == "") != (len(p.DataTypes) == 0) || (pi != "" && !slices.Contains(p.DataTypes, pi)) {
			t.Errorf("%s data types = %v, want %q", name, p.DataTypes, pi)
		}
		if p.Zh == "" || p.Confidence == "" || len(p.Sources) == 0 {
			t.Errorf("%s incomplete: %+v", name, p)
		}
	}
	if p, _ := c.HarmonyPermission("ohos.permission.INTERNET"); p.Protection != "system_grant" {
		t.Errorf("INTERNET protection = %q", p.Protection)
	}
	if p, _ := c.HarmonyPermission("ohos.permission.CAMERA"); p.Protection != "user_grant" || p.Level != "normal" || p.Restricted {
		t.Errorf("CAMERA = %+v", p)
	}
	if p, _ := c.HarmonyPermission("ohos.permission.READ_CONTACTS"); !p.Restricted || p.Level != "system_basic" {
		t.Errorf("READ_CONTACTS = %+v", p)
	}
	if _, ok := c.HarmonyPermission("android.permission.CAMERA"); ok {
		t.Error("found an Android permission among HarmonyOS ones")
	}
	if n := len(c.HarmonyPermissions()); n != len(want) {
		t.Errorf("HarmonyPermissions = %d, want %d", n, len(want))
	}
}

func TestPlatformLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"host country", FileHosts, `company: "tynt", parent: "33Across", country: us`, `company: "tynt", parent: "33Across", country: USA`, []string{"tynt.com", "USA"}},
		{"host domain", FileHosts, `domain: "tynt.com"`, `domain: "Tynt.com"`, []string{"Tynt.com", "domain name"}},
		{"duplicate host", FileHosts, `domain: "tynt.com"`, `domain: "33across.com"`, []string{"33across.com", "duplicate"}},
		{"host without source", FileHosts, `country: us, source: [xray]}`, `country: us, source: []}`, []string{"no source"}},
		{"unknown PI key in ios", FileIOSUsageKeys, "pi_types: [camera]", "pi_types: [kamera]", []string{"NSCameraUsageDescription", `"kamera"`}},
		{"bad usage key", FileIOSUsageKeys, "key: NSCameraUsageDescription", "key: NSCamera", []string{"NSCamera", "UsageDescription"}},
		{"bad reason code", FileIOSRequiredReasonAPIs, "code: 35F9.1", "code: 35f9", []string{"SystemBootTime", "35f9"}},
		{"ios undeclared source", FileIOSRequiredReasonAPIs, "source: [apple-rra]", "source: [apple-nowhere]", []string{"apple-nowhere"}},
		{"harmony protection", FileHarmonyPermissions, "protection: system_grant", "protection: granted", []string{"INTERNET", "granted"}},
		{"harmony restricted normal", FileHarmonyPermissions, "level: system_basic, restricted: true, since: 8, pi_types: [contacts], notes", "level: normal, restricted: true, since: 8, pi_types: [contacts], notes", []string{"READ_CONTACTS", "restricted"}},
		{"harmony name", FileHarmonyPermissions, "name: ohos.permission.CAMERA", "name: ohos.permission.camera", []string{"ohos.permission.camera"}},
		{"harmony confidence", FileHarmonyPermissions, "pi_types: [camera], confidence: high", "pi_types: [camera], confidence: sure", []string{"CAMERA", "sure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(mutate(t, tt.file, tt.old, tt.new))
			var ce *Error
			if !errors.As(err, &ce) || ce.File != tt.file {
				t.Fatalf("error %v is not a *Error for %s", err, tt.file)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// replaceFile returns the embedded data files with one file's content
// replaced.
func replaceFile(t testing.TB, file, content string) fstest.MapFS {
	t.Helper()
	m := dataFiles(t)
	m[file] = &fstest.MapFile{Data: []byte(content)}
	return m
}

// dataFiles copies the embedded data files.
func dataFiles(tb testing.TB) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// FuzzHostOwner feeds hostile host names: HostOwner must not panic, and a
// match must be the host itself or a suffix of it at a label boundary.
func FuzzHostOwner(f *testing.F) {
	c := load(f)
	for _, s := range []string{"tynt.com", "a.b.tynt.com.", "nottynt.com", "", ".", "..", "TYNT.COM", "\x00.com", "ümlaut.de", strings.Repeat("a.", 300) + "umeng.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		o, ok := c.HostOwner(host)
		if !ok {
			return
		}
		h := strings.ToLower(strings.TrimSuffix(host, "."))
		if h != o.Domain && !strings.HasSuffix(h, "."+o.Domain) {
			t.Errorf("HostOwner(%q) = %q: not a suffix at a label boundary", host, o.Domain)
		}
	})
}

// FuzzPlatformFiles decodes hostile content as each platform data file
// (hosts, iOS usage keys, iOS required reason APIs, HarmonyOS permissions):
// decoding and checking must return an error or tables, never panic, and
// the tables must answer lookups for every entry they list.
func FuzzPlatformFiles(f *testing.F) {
	base := dataFiles(f)
	files := []string{FileHosts, FileIOSUsageKeys, FileIOSRequiredReasonAPIs, FileHarmonyPermissions}
	for i, name := range files {
		// The header and first entries of each file: small seeds fuzz faster.
		lines := strings.SplitAfter(string(base[name].Data), "\n")
		f.Add(uint8(i), strings.Join(lines[:min(len(lines), 60)], ""))
	}
	f.Add(uint8(0), "version: x\nsources: {a: b}\nhosts: [{domain: a.b, company: c, source: [a]}]\n")
	f.Add(uint8(1), "keys: [[[")
	f.Add(uint8(2), "&a [*a, *a]")
	f.Add(uint8(3), "permissions: {}")
	emb, err := embeddedTables()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, content string) {
		b := &builder{t: &tables{}, types: indexTypes(emb.types), re: newPatterns()}
		var err error
		switch which % 4 {
		case 0:
			var v hostsFile
			if err = decode([]byte(content), &v); err == nil {
				err = b.hosts(&v)
			}
		case 1:
			var v iosUsageFile
			if err = decode([]byte(content), &v); err == nil {
				err = b.iosUsageKeys(&v)
			}
		case 2:
			var v iosAPIsFile
			if err = decode([]byte(content), &v); err == nil {
				err = b.iosAPICategories(&v)
			}
		default:
			var v harmonyFile
			if err = decode([]byte(content), &v); err == nil {
				err = b.harmonyPermissions(&v)
			}
		}
		if err != nil {
			return
		}
		c := newCatalog(b.t)
		for _, h := range c.HostOwners() {
			if o, ok := c.HostOwner(h.Domain); !ok || o.Domain != h.Domain {
				t.Errorf("HostOwner(%q) = %+v, %v", h.Domain, o, ok)
			}
		}
		for _, u := range c.IOSUsageKeys() {
			if _, ok := c.IOSUsageKey(u.Key); !ok {
				t.Errorf("IOSUsageKey(%q) not found", u.Key)
			}
		}
		for _, a := range c.IOSAPICategories() {
			if _, ok := c.IOSAPICategory(a.Category); !ok {
				t.Errorf("IOSAPICategory(%q) not found", a.Category)
			}
		}
		for _, p := range c.HarmonyPermissions() {
			if _, ok := c.HarmonyPermission(p.Name); !ok {
				t.Errorf("HarmonyPermission(%q) not found", p.Name)
			}
		}
	})
}
