package axml

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Real documents: manifests from the androguard test corpus and a manifest
// plus network security config built with aapt2 from testdata/fixture-src
// (see testdata/README). Each has a golden `aapt dump xmltree` listing.
var realDocs = []string{
	"TC-debug",
	"TestActivity",
	"Invalid",
	"partialsignature",
	"com.test.intent_filter",
	"fixture",
	"network_security_config",
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeFile(t testing.TB, name string) *Document {
	t.Helper()
	doc, err := Decode(readFile(t, name+".xml.bin"))
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return doc
}

// xmltree renders doc in the layout of `aapt dump xmltree`, leaving out
// namespace lines, character data and the "(Raw: ...)" suffix.
func xmltree(doc *Document) string {
	var b strings.Builder
	var walk func(e *Element, depth int)
	walk = func(e *Element, depth int) {
		ind := strings.Repeat("  ", depth)
		fmt.Fprintf(&b, "%sE: %s (line=%d)\n", ind, e.Name, e.Line)
		for _, a := range e.Attrs {
			name := a.Name
			if a.Space == AndroidNS {
				name = "android:" + name
			}
			if a.ResID != 0 {
				name += fmt.Sprintf("(0x%08x)", a.ResID)
			}
			var v string
			switch a.Type {
			case TypeString:
				v = fmt.Sprintf("%q", a.Raw)
			case TypeReference:
				v = fmt.Sprintf("@0x%08x", a.Data)
			default:
				v = fmt.Sprintf("(type 0x%x)0x%x", a.Type, a.Data)
			}
			fmt.Fprintf(&b, "%s  A: %s=%s\n", ind, name, v)
		}
		for _, c := range e.Children {
			walk(c, depth+1)
		}
	}
	if doc.Root != nil {
		walk(doc.Root, 0)
	}
	return b.String()
}

var rawSuffix = regexp.MustCompile(` \(Raw: ".*"\)$`)

// golden reads an aapt xmltree listing in the form xmltree produces.
func golden(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".xmltree.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	indent := -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if strings.HasPrefix(trimmed, "N: ") || strings.HasPrefix(trimmed, "C: ") {
			continue
		}
		if indent < 0 {
			indent = len(line) - len(trimmed) // depth of the root element
		}
		b.WriteString(rawSuffix.ReplaceAllString(line[indent:], "") + "\n")
	}
	return b.String()
}

func TestDecodeMatchesAapt(t *testing.T) {
	for _, name := range realDocs {
		t.Run(name, func(t *testing.T) {
			doc := decodeFile(t, name)
			if got, want := xmltree(doc), golden(t, name); got != want {
				t.Errorf("tree differs from aapt\n got:\n%s\nwant:\n%s", got, want)
			}
			if len(doc.Problems) != 0 {
				t.Errorf("problems on a clean file: %q", doc.Problems)
			}
		})
	}
}

// badging reads the facts `aapt dump badging` printed for a manifest.
type badging struct {
	pkg, versionCode, versionName, minSDK, targetSDK string
	permissions                                      []string
}

func readBadging(t *testing.T, name string) badging {
	var bd badging
	implied := map[string]bool{}
	quoted := regexp.MustCompile(`(\w+)='([^']*)'`)
	for _, line := range strings.Split(string(readFile(t, name+".badging.txt")), "\n") {
		kv := map[string]string{}
		for _, m := range quoted.FindAllStringSubmatch(line, -1) {
			kv[m[1]] = m[2]
		}
		switch {
		case strings.HasPrefix(line, "package: "):
			bd.pkg, bd.versionCode, bd.versionName = kv["name"], kv["versionCode"], kv["versionName"]
		case strings.HasPrefix(line, "sdkVersion:"):
			bd.minSDK = strings.Trim(strings.TrimPrefix(line, "sdkVersion:"), "'")
		case strings.HasPrefix(line, "targetSdkVersion:"):
			bd.targetSDK = strings.Trim(strings.TrimPrefix(line, "targetSdkVersion:"), "'")
		case strings.HasPrefix(line, "uses-permission: "):
			bd.permissions = append(bd.permissions, kv["name"])
		case strings.HasPrefix(line, "uses-implied-permission: "):
			implied[kv["name"]] = true
		}
	}
	// Drop the permissions aapt adds by implication; a manifest holds
	// only the declared ones.
	bd.permissions = slices.DeleteFunc(bd.permissions, func(p string) bool { return implied[p] })
	return bd
}

func (e *Element) child(name string) *Element {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func value(e *Element, name string) string {
	if e == nil {
		return ""
	}
	a, ok := e.AndroidAttr(name)
	if !ok {
		return ""
	}
	return a.Value()
}

func TestManifestFactsMatchBadging(t *testing.T) {
	for _, name := range []string{"TC-debug", "TestActivity", "Invalid", "partialsignature", "com.test.intent_filter", "fixture"} {
		t.Run(name, func(t *testing.T) {
			doc := decodeFile(t, name)
			want := readBadging(t, name)
			root := doc.Root
			pkg, _ := root.Attr("", "package")
			uses := root.child("uses-sdk")
			got := badging{
				pkg:         pkg.Value(),
				versionCode: value(root, "versionCode"),
				versionName: value(root, "versionName"),
				minSDK:      value(uses, "minSdkVersion"),
				targetSDK:   value(uses, "targetSdkVersion"),
			}
			for _, c := range root.Children {
				if c.Name == "uses-permission" {
					got.permissions = append(got.permissions, value(c, "name"))
				}
			}
			slices.Sort(got.permissions)
			slices.Sort(want.permissions)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

type component struct{ kind, name, exported string }

func components(doc *Document) (comps []component, actions []string) {
	app := doc.Root.child("application")
	for _, c := range app.Children {
		comps = append(comps, component{c.Name, value(c, "name"), value(c, "exported")})
		for _, f := range c.Children {
			if f.Name != "intent-filter" {
				continue
			}
			for _, a := range f.Children {
				if a.Name == "action" {
					actions = append(actions, value(c, "name")+" "+value(a, "name"))
				}
			}
		}
	}
	return comps, actions
}

func TestFixtureManifest(t *testing.T) {
	doc := decodeFile(t, "fixture")
	app := doc.Root.child("application")
	for attr, want := range map[string]string{
		"usesCleartextTraffic":         "true",
		"networkSecurityConfig":        "@0x7f080000",
		"label":                        "@0x7f070000",
		"allowBackup":                  "false",
		"requestLegacyExternalStorage": "true",
	} {
		if got := value(app, attr); got != want {
			t.Errorf("application %s = %q, want %q", attr, got, want)
		}
	}
	comps, actions := components(doc)
	wantComps := []component{
		{"activity", ".MainActivity", "true"},
		{"service", ".SyncService", "false"},
		{"receiver", ".BootReceiver", "true"},
		{"provider", ".DataProvider", "false"},
	}
	if !slices.Equal(comps, wantComps) {
		t.Errorf("components = %v, want %v", comps, wantComps)
	}
	wantActions := []string{
		".MainActivity android.intent.action.MAIN",
		".MainActivity android.intent.action.VIEW",
		".BootReceiver android.intent.action.BOOT_COMPLETED",
	}
	if !slices.Equal(actions, wantActions) {
		t.Errorf("actions = %v, want %v", actions, wantActions)
	}
	provider := app.child("provider")
	if got := value(provider, "authorities"); got != "com.example.hegui.fixture.data;com.example.hegui.fixture.files" {
		t.Errorf("authorities = %q", got)
	}
	if got := value(app.child("service"), "foregroundServiceType"); got != "0x8" {
		t.Errorf("foregroundServiceType = %q, want 0x8 (location)", got)
	}
	queries := doc.Root.child("queries")
	if queries == nil || value(queries.child("package"), "name") != "com.tencent.mm" {
		t.Errorf("queries/package not decoded: %+v", queries)
	}
	if got := value(queries.child("intent").child("data"), "scheme"); got != "https" {
		t.Errorf("queries intent data scheme = %q", got)
	}
	perm := doc.Root.Children[4]
	if value(perm, "name") != "android.permission.WRITE_EXTERNAL_STORAGE" || value(perm, "maxSdkVersion") != "28" {
		t.Errorf("uses-permission maxSdkVersion not decoded: %+v", perm)
	}
}

func TestNetworkSecurityConfig(t *testing.T) {
	doc := decodeFile(t, "network_security_config")
	base := doc.Root.child("base-config")
	if a, ok := base.Attr("", "cleartextTrafficPermitted"); !ok || a.Value() != "true" {
		t.Errorf("base-config cleartextTrafficPermitted = %+v, %v", a, ok)
	}
	dc := doc.Root.child("domain-config")
	if a, _ := dc.Attr("", "cleartextTrafficPermitted"); a.Value() != "false" {
		t.Errorf("domain-config cleartextTrafficPermitted = %q", a.Value())
	}
	if got := dc.child("domain").Text; got != "example.com" {
		t.Errorf("domain text = %q", got)
	}
	if got := dc.child("pin-set").child("pin").Text; got != "7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=" {
		t.Errorf("pin text = %q", got)
	}
	var srcs []string
	for _, c := range base.child("trust-anchors").Children {
		a, _ := c.Attr("", "src")
		srcs = append(srcs, a.Value())
	}
	if !slices.Equal(srcs, []string{"system", "user"}) {
		t.Errorf("trust anchors = %v", srcs)
	}
}

func TestXML(t *testing.T) {
	doc := decodeFile(t, "fixture")
	out := doc.XML()
	for _, want := range []string{
		`<manifest xmlns:android="http://schemas.android.com/apk/res/android" android:versionCode="42" android:versionName="4.2.0"`,
		`package="com.example.hegui.fixture"`,
		`<application android:label="@0x7f070000"`,
		`android:usesCleartextTraffic="true"`,
		`<data android:scheme="https" android:host="example.com" android:pathPrefix="/open"/>`,
		"</manifest>\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("XML() lacks %q:\n%s", want, out)
		}
	}
	nsc := decodeFile(t, "network_security_config").XML()
	if !strings.Contains(nsc, `<domain includeSubdomains="true">example.com</domain>`) {
		t.Errorf("XML() lacks domain text:\n%s", nsc)
	}
}

func TestFormatValue(t *testing.T) {
	for _, tt := range []struct {
		typ  uint8
		data uint32
		want string
	}{
		{TypeIntBoolean, 0xffffffff, "true"},
		{TypeIntBoolean, 0, "false"},
		{TypeIntDec, 0x1d, "29"},
		{TypeIntDec, 0xffffffff, "-1"},
		{TypeIntHex, 0x13, "0x13"},
		{TypeReference, 0x7f0b0001, "@0x7f0b0001"},
		{TypeReference, 0, "@null"},
		{TypeAttribute, 0x01010036, "?0x01010036"},
		{TypeIntColorARGB8, 0xff3366cc, "#ff3366cc"},
		{TypeIntColorRGB8, 0xff3366cc, "#3366cc"},
		{TypeDimension, 0x00001001, "16dip"},
		{TypeDimension, 0x00000802 | 1<<4, "0.0625sp"},
		{TypeFraction, 0x00003200, "5000%"},
		{TypeFloat, 0x3f800000, "1"},
		{TypeNull, 0, ""},
		{0x42, 7, "(type 0x42)0x7"},
	} {
		if got := FormatValue(tt.typ, tt.data); got != tt.want {
			t.Errorf("FormatValue(0x%x, 0x%x) = %q, want %q", tt.typ, tt.data, got, tt.want)
		}
	}
}

func TestAttrTable(t *testing.T) {
	// Spot checks against the published android.R.attr constants.
	for name, id := range map[string]uint32{
		"label":                 0x01010001,
		"name":                  0x01010003,
		"exported":              0x01010010,
		"versionCode":           0x0101021b,
		"usesCleartextTraffic":  0x010104ec,
		"networkSecurityConfig": 0x01010527,
		"dataExtractionRules":   0x0101063e,
	} {
		if got, ok := AndroidAttrID(name); !ok || got != id {
			t.Errorf("AndroidAttrID(%s) = 0x%08x, %v; want 0x%08x", name, got, ok, id)
		}
		if got, _ := AndroidAttrName(id); got != name {
			t.Errorf("AndroidAttrName(0x%08x) = %q, want %q", id, got, name)
		}
	}
	if len(androidAttrs) < 60 || len(androidAttrs) != len(androidAttrIDs) {
		t.Errorf("attribute table has %d ids, %d names", len(androidAttrs), len(androidAttrIDs))
	}
}

func BenchmarkDecode(b *testing.B) {
	data := readFile(b, "partialsignature.xml.bin")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
