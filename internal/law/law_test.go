package law

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hegui/hegui/data"
)

func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestCounts(t *testing.T) {
	c := mustLoad(t)

	types := c.AppTypes()
	if len(types) != 39 {
		t.Fatalf("%d app types, want 39", len(types))
	}
	var noPI []int
	for i, at := range types {
		if at.Seq != i+1 {
			t.Errorf("AppTypes()[%d].Seq = %d, want %d", i, at.Seq, i+1)
		}
		if at.NoPIRequired {
			noPI = append(noPI, at.Seq)
			if len(at.NecessaryPI) != 0 {
				t.Errorf("%s: no PI required but %d items", at.ID, len(at.NecessaryPI))
			}
		} else if len(at.NecessaryPI) == 0 {
			t.Errorf("%s: PI required but no items", at.ID)
		}
	}
	want := []int{21, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38}
	if !slices.Equal(noPI, want) {
		t.Errorf("no-PI types = %v, want %v", noPI, want)
	}

	perInstrument := map[string]int{}
	cacItems := 0
	for _, p := range c.Provisions() {
		perInstrument[p.Instrument]++
		if p.Instrument == "CAC191" && strings.Contains(p.ID, ".") {
			cacItems++
		}
		if _, ok := c.Instrument(p.Instrument); !ok {
			t.Errorf("%s: instrument %q not found", p.ID, p.Instrument)
		}
	}
	if cacItems != 31 {
		t.Errorf("%d 认定方法 items, want 31", cacItems)
	}
	for inst, n := range map[string]int{"MIIT337": 8, "MIIT164": 10} {
		if perInstrument[inst] != n {
			t.Errorf("%s has %d provisions, want %d", inst, perInstrument[inst], n)
		}
	}

	v := c.Versions()
	for _, f := range []string{InstrumentsFile, ProvisionsFile, AppTypesFile} {
		if v[f] == "" {
			t.Errorf("Versions()[%q] empty", f)
		}
	}
}

// TestRequiredProvisions lists the provisions the rules and reports rely on.
func TestRequiredProvisions(t *testing.T) {
	c := mustLoad(t)
	var ids []string
	for _, n := range []int{4, 5, 6, 7, 13, 14, 15, 16, 17, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31,
		38, 39, 40, 44, 45, 46, 47, 50, 51, 55, 56, 66} {
		ids = append(ids, fmt.Sprintf("PIPL-%d", n))
	}
	for part, n := range []int{4, 4, 9, 6, 3, 5} {
		ids = append(ids, fmt.Sprintf("CAC191-%d", part+1))
		for i := 1; i <= n; i++ {
			ids = append(ids, fmt.Sprintf("CAC191-%d.%d", part+1, i))
		}
	}
	for i := 1; i <= 8; i++ {
		ids = append(ids, fmt.Sprintf("MIIT337-%d", i))
	}
	for i := 1; i <= 10; i++ {
		ids = append(ids, fmt.Sprintf("MIIT164-%d", i))
	}
	ids = append(ids,
		"NPI-2", "NPI-3", "NPI-4", "NPI-5",
		"NDSMR-21", "NDSMR-22", "NDSMR-22.1", "NDSMR-22.2", "NDSMR-22.3", "NDSMR-22.4",
		"NDSMR-22.5", "NDSMR-22.6", "NDSMR-23", "NDSMR-24", "NDSMR-40", "NDSMR-42",
		"FRM-2.2", "FRM-15", "FRM-separate-consent", "FRM-alternative", "FRM-local-storage",
		"MINORS-32", "MINORS-34", "MINORS-37",
		"GBT41391-6.4", "GBT41391-6.5", "GBT41391-6.6", "GBT41391-AnnexF",
		"GBT35273-5.3", "GBT35273-7.5", "GBT35273-8.5", "GBT35273-9.7",
		"TTAF078-repeat-request",
	)
	for _, id := range ids {
		p, ok := c.Provision(id)
		if !ok {
			t.Errorf("Provision(%q) missing", id)
			continue
		}
		if p.ID != id || p.SummaryZh == "" || p.SummaryEn == "" || p.TitleZh == "" || p.TitleEn == "" {
			t.Errorf("Provision(%q) incomplete: %+v", id, p)
		}
		if len(p.Sources) == 0 {
			t.Errorf("Provision(%q) has no sources", id)
		}
	}

	for _, id := range []string{"PIPL", "CAC191", "MIIT337", "MIIT164", "NPI", "NDSMR", "FRM", "MINORS",
		"GBT41391", "GBT35273", "MIIT26", "CAC2026D", "TTAF078"} {
		if _, ok := c.Instrument(id); !ok {
			t.Errorf("Instrument(%q) missing", id)
		}
	}
}

// TestVerifiedMarks checks marks the source notes give, so that a later edit
// cannot quietly upgrade an unchecked statement.
func TestVerifiedMarks(t *testing.T) {
	c := mustLoad(t)
	for _, tc := range []struct {
		id, verified, numberVerified string
	}{
		{"PIPL-28", "V", ""},
		{"PIPL-27", "M", ""}, // not in the notes
		{"CAC191-3.2", "R", ""},
		{"CAC191-5.1", "R", ""},
		{"CAC191-5.2", "M", ""},
		{"CAC191-5.3", "M", ""},
		{"CAC191-6.1", "M", ""},
		{"CAC191-6.4", "M", ""},
		{"CAC191-6.5", "R", ""},
		{"MIIT164-5", "R", ""},
		{"MIIT164-9", "M", ""},
		{"NDSMR-22.5", "V", ""},
		{"FRM-15", "R", ""},
		{"FRM-local-storage", "R", "M"},
		{"GBT41391-6.6", "M", "R"},
		{"GBT35273-8.7", "M", ""},
		{"TTAF078-repeat-request", "M", ""},
	} {
		p, ok := c.Provision(tc.id)
		if !ok {
			t.Errorf("Provision(%q) missing", tc.id)
			continue
		}
		if p.Verified != tc.verified || p.NumberVerified != tc.numberVerified {
			t.Errorf("%s: verified %q number_verified %q, want %q %q",
				tc.id, p.Verified, p.NumberVerified, tc.verified, tc.numberVerified)
		}
	}
	for id, status := range map[string]string{
		"PIPL": StatusInForce, "CAC2026D": StatusDraft, "GBT41391": StatusRecommendedStandard,
		"GBT35273": StatusRecommendedStandard, "TTAF078": StatusGroupStandard, "FRM": StatusInForce,
	} {
		in, _ := c.Instrument(id)
		if in.Status != status {
			t.Errorf("%s status %q, want %q", id, in.Status, status)
		}
		if in.IsLaw() != (status == StatusInForce) {
			t.Errorf("%s IsLaw() = %v", id, in.IsLaw())
		}
	}
	frm, _ := c.Instrument("FRM")
	if frm.Effective != "2025-06-01" {
		t.Errorf("FRM effective %q, want 2025-06-01", frm.Effective)
	}
	nd, _ := c.Instrument("NDSMR")
	if nd.Effective != "2025-01-01" {
		t.Errorf("NDSMR effective %q, want 2025-01-01", nd.Effective)
	}
	cac, _ := c.Instrument("CAC191")
	if cac.DocNumber != "国信办秘字〔2019〕191号" {
		t.Errorf("CAC191 doc number %q", cac.DocNumber)
	}
}

func TestCite(t *testing.T) {
	c := mustLoad(t)
	for _, tc := range []struct{ id, zh, en string }{
		{"PIPL-28", "《个人信息保护法》第二十八条", "PIPL Art. 28"},
		{"CAC191-3.1", "《App违法违规收集使用个人信息行为认定方法》三、1", "App PI Identification Methods (2019) item 3.1"},
		{"CAC191-4", "《App违法违规收集使用个人信息行为认定方法》四", "App PI Identification Methods (2019) part 4"},
		{"NPI-4", "《常见类型移动互联网应用程序必要个人信息范围规定》第四条", "Necessary PI Provisions (2021) Art. 4"},
		{"NDSMR-22.5", "《网络数据安全管理条例》第二十二条（五）", "Network Data Regulations Art. 22(5)"},
		{"FRM-15", "《人脸识别技术应用安全管理办法》第十五条", "Facial Recognition Measures Art. 15"},
		{"MIIT337-5", "工信部信管函〔2019〕337号（三）5", "MIIT Notice No. 337 (2019) problem 5"},
		{"GBT41391-6.6", "GB/T 41391-2022 6.6", "GB/T 41391-2022 §6.6"},
		{"GBT41391-AnnexF", "GB/T 41391-2022 附录F", "GB/T 41391-2022 Annex F"},
		{"FRM-local-storage",
			"《人脸识别技术应用安全管理办法》（默认存储于人脸识别设备内，不得通过互联网对外传输）",
			"Facial Recognition Measures (Stored on the device by default; no transmission over the internet)"},
	} {
		p, ok := c.Provision(tc.id)
		if !ok {
			t.Errorf("Provision(%q) missing", tc.id)
			continue
		}
		if got := p.Cite("zh"); got != tc.zh {
			t.Errorf("%s Cite(zh) = %q, want %q", tc.id, got, tc.zh)
		}
		if got := p.Cite("zh-CN"); got != tc.zh {
			t.Errorf("%s Cite(zh-CN) = %q, want %q", tc.id, got, tc.zh)
		}
		if got := p.Cite("en"); got != tc.en {
			t.Errorf("%s Cite(en) = %q, want %q", tc.id, got, tc.en)
		}
		if got := p.Cite(""); got != tc.en {
			t.Errorf("%s Cite(\"\") = %q, want English %q", tc.id, got, tc.en)
		}
	}

	at, _ := c.AppType("ride_hailing")
	if got, want := at.Cite("zh"), "《常见类型移动互联网应用程序必要个人信息范围规定》第五条（二）"; got != want {
		t.Errorf("ride_hailing Cite(zh) = %q, want %q", got, want)
	}
	if got, want := at.Cite("en"), "Necessary PI Provisions (2021) Art. 5(2)"; got != want {
		t.Errorf("ride_hailing Cite(en) = %q, want %q", got, want)
	}
}

// TestEveryCitation checks that every provision cites to something that
// carries its instrument and its number.
func TestEveryCitation(t *testing.T) {
	c := mustLoad(t)
	for _, p := range c.Provisions() {
		in, _ := c.Instrument(p.Instrument)
		zh, en := p.Cite("zh"), p.Cite("en")
		if !strings.HasPrefix(zh, in.CiteZh) || !strings.HasPrefix(en, in.CiteEn) {
			t.Errorf("%s: citations %q / %q lack the instrument prefix", p.ID, zh, en)
		}
		if !strings.HasSuffix(zh, p.Number) || !strings.HasSuffix(en, p.NumberEn) {
			t.Errorf("%s: citations %q / %q lack the number", p.ID, zh, en)
		}
		if zh == in.CiteZh || en == in.CiteEn {
			t.Errorf("%s: citation is the bare instrument", p.ID)
		}
	}
}

func TestAppTypeLookup(t *testing.T) {
	c := mustLoad(t)
	for _, tc := range []struct{ name, id string }{
		{"ride_hailing", "ride_hailing"},
		{"taxi", "ride_hailing"},
		{"Wangyueche", "ride_hailing"},
		{"  Ride-Hailing ", "ride_hailing"},
		{"网络约车类", "ride_hailing"},
		{"网络约车", "ride_hailing"},
		{"map_navigation", "map_navigation"},
		{"im", "instant_messaging"},
		{"news", "news_information"},
		{"e-commerce", "online_shopping"},
		{"waimai", "food_delivery"},
		{"utility_tools", "utility_tools"},
	} {
		at, ok := c.AppType(tc.name)
		if !ok || at.ID != tc.id {
			t.Errorf("AppType(%q) = %q, %v; want %q", tc.name, at.ID, ok, tc.id)
		}
	}
	at, _ := c.AppType("taxi")
	if at.Seq != 2 || at.Ref != "第五条（二）" || at.NameZh != "网络约车类" || at.NameEn != "Online car-hailing" {
		t.Errorf("ride_hailing = %+v", at)
	}
}

func TestUnknownIDs(t *testing.T) {
	c := mustLoad(t)
	for _, id := range []string{"", "PIPL", "PIPL-999", "pipl-28", "CAC191-7.1", "CAC191-3.10", "FRM-3"} {
		if p, ok := c.Provision(id); ok {
			t.Errorf("Provision(%q) = %+v, want not found", id, p)
		}
	}
	for _, id := range []string{"", "pipl", "GDPR", "PIPL-28"} {
		if _, ok := c.Instrument(id); ok {
			t.Errorf("Instrument(%q) found", id)
		}
	}
	for _, id := range []string{"", "类", "spaceship", "ride hailing app", "contacts"} {
		if at, ok := c.AppType(id); ok {
			t.Errorf("AppType(%q) = %q, want not found", id, at.ID)
		}
	}
}

// umbrellas is the `includes` relation of the PI vocabulary's umbrella keys.
var umbrellas = map[string][]string{
	"location": {"precise_location", "coarse_location", "cell_location", "wifi_scan", "wifi_info",
		"background_location", "media_location"},
	"trajectory": {"background_location", "precise_location"},
}

func includes(k string) []string { return umbrellas[k] }

func TestNecessary(t *testing.T) {
	c := mustLoad(t)
	ride, _ := c.AppType("ride_hailing")
	for _, tc := range []struct {
		key      string
		resolver func(string) []string
		want     bool
		itemKey  string
	}{
		{"trajectory", includes, true, "trajectory"},
		{"trajectory", nil, true, "trajectory"},
		{"background_location", includes, true, "location"}, // location is listed first
		{"background_location", func(k string) []string {
			if k == "trajectory" {
				return umbrellas[k]
			}
			return nil
		}, true, "trajectory"},
		{"background_location", nil, false, ""},
		{"precise_location", includes, true, "location"},
		{"phone_number", includes, true, "phone_number"},
		{"payment_info", includes, true, "payment_info"},
		{"contacts", includes, false, ""},
		{"device_id_imei", includes, false, ""},
		{"installed_apps", includes, false, ""},
		{"", includes, false, ""},
	} {
		if got := ride.Necessary(tc.key, tc.resolver); got != tc.want {
			t.Errorf("ride_hailing.Necessary(%q, resolver=%v) = %v, want %v", tc.key, tc.resolver != nil, got, tc.want)
		}
		it, ok := ride.NecessaryItemFor(tc.key, tc.resolver)
		if ok != tc.want || it.Key != tc.itemKey {
			t.Errorf("ride_hailing.NecessaryItemFor(%q) = %q, %v; want %q", tc.key, it.Key, ok, tc.itemKey)
		}
	}
	pay, _ := ride.NecessaryItemFor("payment_info", includes)
	if pay.Condition == "" {
		t.Errorf("ride_hailing payment_info has no condition")
	}
	traj, _ := ride.NecessaryItemFor("trajectory", nil)
	if !traj.Sensitive || traj.Zh != "乘车人行踪轨迹" {
		t.Errorf("ride_hailing trajectory item = %+v", traj)
	}

	news, _ := c.AppType("news")
	for _, k := range []string{"phone_number", "location", "precise_location", "trajectory", "device_id_imei", "contacts"} {
		if news.Necessary(k, includes) {
			t.Errorf("news_information.Necessary(%q) = true", k)
		}
	}

	im, _ := c.AppType("instant_messaging")
	if im.Necessary("contacts", includes) || !im.Necessary("im_contact_list", includes) {
		t.Errorf("instant_messaging: the in-service contact list, not the address book, is necessary")
	}
	nav, _ := c.AppType("map_navigation")
	if !nav.Necessary("precise_location", includes) || nav.Necessary("phone_number", includes) {
		t.Errorf("map_navigation: location necessary, phone number not")
	}
}

func TestProvisionsOrder(t *testing.T) {
	c := mustLoad(t)
	ps := c.Provisions()
	pos := map[string]int{}
	for i, p := range ps {
		pos[p.ID] = i
	}
	for _, pair := range [][2]string{
		{"PIPL-4", "PIPL-13"},
		{"PIPL-28", "PIPL-66"},
		{"PIPL-73", "CAC191-1"},
		{"CAC191-3", "CAC191-3.1"},
		{"CAC191-3.9", "CAC191-4"},
		{"CAC191-4.6", "CAC191-5"},
		{"NDSMR-22", "NDSMR-22.1"},
		{"NDSMR-22.6", "NDSMR-23"},
		{"FRM-2.2", "FRM-15"},
		{"FRM-15", "FRM-alternative"},
		{"GBT41391-6.6", "GBT41391-AnnexA"},
		{"MIIT164-9", "MIIT164-10"},
	} {
		a, aok := pos[pair[0]]
		b, bok := pos[pair[1]]
		if !aok || !bok || a >= b {
			t.Errorf("%s (at %d) should come before %s (at %d)", pair[0], a, pair[1], b)
		}
	}
	again := c.Provisions()
	for i := range ps {
		if ps[i].ID != again[i].ID {
			t.Fatalf("Provisions() order not stable at %d: %s vs %s", i, ps[i].ID, again[i].ID)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	sorted := []string{"2", "2.2", "3", "3.1", "3.2", "3.10", "13", "AnnexA", "AnnexF", "alternative", "local-storage"}
	for i := range sorted {
		for j := range sorted {
			got := compareNumbers(sorted[i], sorted[j])
			if (i < j && got >= 0) || (i > j && got <= 0) || (i == j && got != 0) {
				t.Errorf("compareNumbers(%q, %q) = %d", sorted[i], sorted[j], got)
			}
		}
	}
}

// TestReturnsCopies checks that callers cannot change the catalog through
// the values it returns.
func TestReturnsCopies(t *testing.T) {
	c := mustLoad(t)
	p, _ := c.Provision("PIPL-28")
	p.Sources[0] = "changed"
	at, _ := c.AppType("ride_hailing")
	at.NecessaryPI[0].Key = "changed"
	at.Aliases[0] = "changed"
	in, _ := c.Instrument("PIPL")
	in.Sources[0] = "changed"
	c.Versions()[ProvisionsFile] = "changed"

	if p, _ := c.Provision("PIPL-28"); p.Sources[0] == "changed" {
		t.Error("Provision sources shared")
	}
	if at, _ := c.AppType("ride_hailing"); at.NecessaryPI[0].Key == "changed" || at.Aliases[0] == "changed" {
		t.Error("AppType slices shared")
	}
	if in, _ := c.Instrument("PIPL"); in.Sources[0] == "changed" {
		t.Error("Instrument sources shared")
	}
	if c.Versions()[ProvisionsFile] == "changed" {
		t.Error("Versions map shared")
	}
	if _, ok := c.AppType("changed"); ok {
		t.Error("alias change reached the index")
	}
}

// BenchmarkLoad measures what a scan pays for the legal catalog: the
// generated tables and their index, built on the first lookup.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		c.Provision("PIPL-13")
	}
}

// BenchmarkLoadFS measures decoding and validating the YAML legal files, as
// go generate and LoadFS do.
func BenchmarkLoadFS(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFS(data.FS); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppTypeNecessary(b *testing.B) {
	c := mustLoad(b)
	keys := []string{"trajectory", "background_location", "contacts", "phone_number", "installed_apps"}
	b.ReportAllocs()
	for b.Loop() {
		for _, at := range c.t.appTypes {
			for _, k := range keys {
				at.Necessary(k, includes)
			}
		}
	}
}
