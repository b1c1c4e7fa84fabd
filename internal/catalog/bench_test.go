package catalog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hegui/hegui/data"
)

// classNames builds about 100k DEX descriptors in the proportions of a large
// app: SDK classes under every catalog prefix, first-party and AndroidX
// classes that match nothing, inner classes and obfuscated names.
func classNames(c *Catalog) []string {
	var out []string
	var prefixes []string
	for _, s := range c.SDKs() {
		prefixes = append(prefixes, s.Classes...)
	}
	for i := 0; len(out) < 100_000; i++ {
		p := prefixes[i%len(prefixes)]
		d := "L" + strings.ReplaceAll(p, ".", "/")
		switch i % 4 {
		case 0:
			out = append(out, fmt.Sprintf("%s/a/b%d;", d, i))
		case 1:
			out = append(out, fmt.Sprintf("Lcom/example/shop/ui/page%d/Fragment%d$1;", i%97, i))
		case 2:
			out = append(out, fmt.Sprintf("Landroidx/recyclerview/widget/C%d;", i))
		default:
			out = append(out, fmt.Sprintf("L%c/%c/%c%d;", 'a'+i%26, 'a'+i%7, 'a'+i%5, i))
		}
	}
	return out
}

func BenchmarkMatchClass(b *testing.B) {
	c := load(b)
	names := classNames(c)
	b.ReportAllocs()
	b.ResetTimer()
	matched := 0
	for i := 0; i < b.N; i++ {
		for _, n := range names {
			if _, ok := c.MatchClass(n); ok {
				matched++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(names)), "ns/class")
	if matched == 0 {
		b.Fatal("nothing matched")
	}
}

func BenchmarkMatchHost(b *testing.B) {
	c := load(b)
	hosts := []string{"ulogs.umeng.com", "api.example.com", "a.b.c.d.googleapis.com", "sdk.e.qq.com", "cdn.jsdelivr.net"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, h := range hosts {
			c.MatchHost(h)
		}
	}
}

// BenchmarkLoad measures what a scan pays for the catalog: the generated
// tables wrapped in a Catalog, and each lookup table built once.
func BenchmarkLoad(b *testing.B) {
	t, err := embeddedTables()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := newCatalog(t)
		c.DataType("imsi")
		c.MethodAPIs("Landroid/telephony/TelephonyManager;", "getDeviceId")
		c.MatchClass("Lcom/umeng/analytics/MobclickAgent;")
	}
}

// BenchmarkLoadFS measures decoding and checking the YAML data files, as
// go generate and LoadFS do.
func BenchmarkLoadFS(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFS(data.FS); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzMatch feeds arbitrary strings to every matcher: none may panic, and
// MatchClass must agree with MatchClassName on well-formed descriptors.
func FuzzMatch(f *testing.F) {
	c := load(f)
	for _, s := range []string{"Lcom/umeng/analytics/MobclickAgent;", "[[Lcom/x/Y;", "L;", "", "sub.umeng.com.",
		"content://sms/inbox", "lib/arm64-v8a/libjcore300.so", "libjcore.so", "com.stub.StubApp", "Lde/x/LigatusManager$1;", "L/a//b/;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := c.MatchClass(s)
		if name, dok := descriptorName(s); dok && !strings.Contains(name, ".") {
			id2, ok2 := c.MatchClassName(strings.ReplaceAll(name, "/", "."))
			if id != id2 || ok != ok2 {
				t.Errorf("MatchClass(%q) = %q, MatchClassName = %q", s, id, id2)
			}
		}
		c.MatchHost(s)
		c.MatchNativeLib(s)
		c.MatchComponent(s)
		c.MatchMetaData(s)
		c.ContentURI(s)
		c.SettingsKey(s)
		c.MatchPacker(s, []string{s}, []string{s})
	})
}
