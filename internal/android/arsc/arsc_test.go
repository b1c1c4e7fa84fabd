package arsc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/android/axml"
)

// Real tables: three from the androguard corpus and one built with aapt2
// (see testdata/README), each with a golden `aapt dump --values resources`.
var realTables = []string{"TC-debug", "TestActivity", "partialsignature", "fixture", "sparse"}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFile(t testing.TB, name string) *Table {
	t.Helper()
	tab, err := Parse(readFile(t, name+".arsc"))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return tab
}

// goldenEntry is one configuration's entry as aapt printed it.
type goldenEntry struct {
	name  string // "string/app_name"
	typ   uint8
	data  uint32
	str   string   // for strings
	bag   bool     // complex entry
	items []string // "key=value" of bag items
}

func (g goldenEntry) String() string {
	if g.bag {
		return fmt.Sprintf("%s bag%q", g.name, g.items)
	}
	return fmt.Sprintf("%s t=0x%02x d=0x%08x %q", g.name, g.typ, g.data, g.str)
}

var (
	resLine  = regexp.MustCompile(`^\s+resource (0x[0-9a-f]{8}) [^:]+:(\S+): (?:t=(0x[0-9a-f]+) d=(0x[0-9a-f]+)|<bag>)`)
	strLine  = regexp.MustCompile(`^\s+\(string(?:8|16)\) "(.*)"$`)
	itemLine = regexp.MustCompile(`^\s+#\d+ \(Key=(0x[0-9a-f]{8})\): (?:\(string(?:8|16)\) "(.*)"|\((\w+)\) (.*))$`)
)

// readGolden parses an aapt resource dump into entries by resource id, in
// the order aapt printed the configurations.
func readGolden(t *testing.T, name string) map[uint32][]*goldenEntry {
	var r io.Reader
	if b, err := os.ReadFile(filepath.Join("testdata", name+".resources.txt")); err == nil {
		r = bytes.NewReader(b)
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(readFile(t, name+".resources.txt.gz")))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out := map[uint32][]*goldenEntry{}
	var cur *goldenEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := resLine.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[1], 0, 32)
			cur = &goldenEntry{name: m[2], bag: m[3] == ""}
			if !cur.bag {
				typ, _ := strconv.ParseUint(m[3], 0, 8)
				data, _ := strconv.ParseUint(m[4], 0, 32)
				cur.typ, cur.data = uint8(typ), uint32(data)
			}
			out[uint32(id)] = append(out[uint32(id)], cur)
			continue
		}
		if cur == nil {
			continue
		}
		if m := strLine.FindStringSubmatch(line); m != nil && !cur.bag {
			cur.str = m[1]
		} else if m := itemLine.FindStringSubmatch(line); m != nil && cur.bag {
			v := m[2]
			if m[3] != "" {
				v = "(" + m[3] + ")"
			}
			cur.items = append(cur.items, m[1]+"="+v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// aaptQuote escapes a string the way aapt's dump prints it.
var aaptQuote = strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\"", "\\\"")

func ours(t *testing.T, tab *Table, c candidate, name string) *goldenEntry {
	v, err := tab.decode(c.entry)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return &goldenEntry{}
	}
	g := &goldenEntry{name: name, typ: v.Type, data: v.Data, bag: v.IsComplex()}
	if v.Type == axml.TypeString {
		g.str = aaptQuote.Replace(v.Str)
	}
	for _, it := range v.Items {
		s := "(" + "x" + ")"
		if it.Value.Type == axml.TypeString {
			s = aaptQuote.Replace(it.Value.Str)
		}
		g.items = append(g.items, fmt.Sprintf("0x%08x=%s", it.Name, s))
	}
	return g
}

func TestParseMatchesAapt(t *testing.T) {
	for _, name := range realTables {
		t.Run(name, func(t *testing.T) {
			tab := parseFile(t, name)
			if len(tab.Problems) != 0 {
				t.Errorf("problems on a clean file: %q", tab.Problems)
			}
			gold := readGolden(t, name)
			if len(gold) == 0 {
				t.Fatal("empty golden file")
			}
			n := 0
			for id, want := range gold {
				_, cs := tab.candidates(id)
				if len(cs) != len(want) {
					t.Errorf("0x%08x: %d configurations, aapt has %d", id, len(cs), len(want))
					continue
				}
				rname, err := tab.Name(id)
				if err != nil || rname != want[0].name {
					t.Errorf("Name(0x%08x) = %q, %v; want %q", id, rname, err, want[0].name)
				}
				for i, c := range cs {
					// aapt names non-string item types, we mark them "(x)".
					w := *want[i]
					for j, it := range w.items {
						if k := strings.Index(it, "=("); k > 0 {
							w.items[j] = it[:k] + "=(x)"
						}
					}
					got := ours(t, tab, c, rname)
					if got.String() != w.String() {
						t.Errorf("0x%08x config %d:\n got  %s\n want %s", id, i, got, w)
					}
					n++
				}
			}
			t.Logf("%d entries in %d resources match aapt", n, len(gold))
		})
	}
}

// labelOf returns the android:label reference of a manifest's application.
func labelOf(t *testing.T, manifest string) uint32 {
	doc, err := axml.Decode(readFile(t, filepath.Join("..", "..", "axml", "testdata", manifest+".xml.bin")))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Root.Children {
		if c.Name == "application" {
			if a, ok := c.AndroidAttr("label"); ok && a.Type == axml.TypeReference {
				return a.Data
			}
		}
	}
	t.Fatalf("%s: no label reference", manifest)
	return 0
}

// The application label resolved through the table equals what `aapt dump
// badging` printed (testdata in ../axml).
func TestAppLabel(t *testing.T) {
	for _, tt := range []struct {
		name  string
		prefs []string
		want  string
	}{
		{"TC-debug", nil, "TCActivity"},
		{"TestActivity", nil, "TestsAndroguardApplication"},
		{"partialsignature", nil, "A2DP Volume"},
		{"partialsignature", []string{"fr-FR", "fr"}, "Volume A2DP"},
		{"partialsignature", []string{"de"}, "A2DP Volume"},
		{"fixture", nil, "Hegui Fixture"},
		{"fixture", []string{"zh-CN", "zh", ""}, "合规样例"},
		{"fixture", []string{"zh_CN"}, "合规样例"},
		{"fixture", []string{"zh-TW", "ja"}, "Hegui Fixture"},
	} {
		tab := parseFile(t, tt.name)
		badging := string(readFile(t, filepath.Join("..", "..", "axml", "testdata", tt.name+".badging.txt")))
		if len(tt.prefs) == 0 && !strings.Contains(badging, "application-label:'"+tt.want+"'") {
			t.Fatalf("%s: badging does not list label %q", tt.name, tt.want)
		}
		got, err := tab.String(labelOf(t, tt.name), tt.prefs...)
		if err != nil || got != tt.want {
			t.Errorf("%s %v: label = %q, %v; want %q", tt.name, tt.prefs, got, err, tt.want)
		}
	}
	if b := string(readFile(t, "../../axml/testdata/fixture.badging.txt")); !strings.Contains(b, "application-label-zh-CN:'合规样例'") {
		t.Error("badging lacks the zh-CN label")
	}
}

func TestFixtureValues(t *testing.T) {
	tab := parseFile(t, "fixture")
	if len(tab.Packages) != 1 || tab.Packages[0] != (Package{0x7f, "com.example.hegui.fixture"}) {
		t.Errorf("packages = %+v", tab.Packages)
	}
	for _, tt := range []struct {
		id   uint32
		name string
		want string
	}{
		{0x7f080000, "xml/network_security_config", "res/xml/network_security_config.xml"},
		{0x7f070001, "string/label_alias", "Hegui Fixture"}, // a reference, followed
		{0x7f020000, "bool/is_tablet", "false"},
		{0x7f050000, "integer/max_items", "12"},
		{0x7f030000, "color/accent", "#ff3366cc"},
		{0x7f040000, "dimen/margin", "16dip"},
	} {
		got, err := tab.String(tt.id)
		if err != nil || got != tt.want {
			t.Errorf("String(0x%08x) = %q, %v; want %q", tt.id, got, err, tt.want)
		}
		if name, _ := tab.Name(tt.id); name != tt.name {
			t.Errorf("Name(0x%08x) = %q, want %q", tt.id, name, tt.name)
		}
	}
	v, err := tab.Value(0x7f010000) // string-array servers
	if err != nil || len(v.Items) != 2 || v.Items[1].Value.Str != "http://cdn.example.cn" {
		t.Errorf("array = %+v, %v", v, err)
	}
	if _, err := tab.String(0x7f010000); err == nil {
		t.Error("String of an array did not fail")
	}
	for _, id := range []uint32{0x7f070002, 0x7f090000, 0x7e000000, 0x7f000000} {
		if _, err := tab.Value(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Value(0x%08x) err = %v, want ErrNotFound", id, err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	data := readFile(b, "partialsignature.arsc")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	tab := parseFile(b, "partialsignature")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tab.String(0x7f07005d, "zh-CN", "zh", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// StringIDs lists the string resources of the table, each once, as aapt
// lists them.
func TestStringIDs(t *testing.T) {
	tab := parseFile(t, "fixture")
	ids := tab.StringIDs()
	if len(ids) == 0 {
		t.Fatal("no string resources")
	}
	seen := map[uint32]bool{}
	for _, id := range ids {
		name, err := tab.Name(id)
		if err != nil || !strings.HasPrefix(name, "string/") || seen[id] {
			t.Errorf("%#x: %q %v (listed twice: %v)", id, name, err, seen[id])
		}
		seen[id] = true
	}
	want := 0
	for _, l := range strings.Split(string(readFile(t, "fixture.resources.txt")), "\n") {
		if strings.Contains(l, "spec resource ") && strings.Contains(l, ":string/") {
			want++
		}
	}
	if len(ids) != want {
		t.Errorf("%d string ids, aapt lists %d", len(ids), want)
	}
}
