//go:build ignore

// Command gensdks builds data/sdk/sdks.yaml from the curated list in
// data/gen/curated.yaml and four public reference lists (Exodus trackers,
// LibChecker rules, AppScan/camille prefixes, X-Ray companies).
//
// Usage (from the repository root):
//
//	go run data/gen/gensdks.go -ref /path/to/reference/sdk -out data/sdk/sdks.yaml
//
// The output is YAML written in JSON syntax (JSON is YAML 1.2), one SDK per
// line, so internal/catalog can parse it with encoding/json in a few
// milliseconds. Curated entries win over reference entries; see data/README.md.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

type set map[string]bool

func (s set) add(v ...string) {
	for _, x := range v {
		if x != "" {
			s[x] = true
		}
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Signature kinds, as in the output file.
var kinds = []string{"classes", "class_suffixes", "native_libs", "native_lib_patterns", "components", "component_suffixes", "hosts", "meta_data"}

type sdk struct {
	ID, Name, NameZh, Vendor, Country, Website string
	CollectsSource, Confidence, Notes          string
	Categories, Collects                       []string
	Sources                                    set
	Sig                                        map[string]map[string]set
	curated                                    bool
}

func newSDK(id, name string) *sdk {
	s := &sdk{ID: id, Name: name, Sources: set{}, Sig: map[string]map[string]set{}}
	for _, k := range kinds {
		s.Sig[k] = map[string]set{}
	}
	return s
}

func (s *sdk) addSig(kind, value, source string) {
	m := s.Sig[kind]
	if m[value] == nil {
		m[value] = set{}
	}
	m[value].add(source)
	s.Sources.add(source)
}

func (s *sdk) nsig() int {
	n := 0
	for _, m := range s.Sig {
		n += len(m)
	}
	return n
}

type curatedFile struct {
	Sources map[string]string `yaml:"sources"`
	SDKs    []struct {
		ID                string   `yaml:"id"`
		Name              string   `yaml:"name"`
		NameZh            string   `yaml:"name_zh"`
		Vendor            string   `yaml:"vendor"`
		Country           string   `yaml:"vendor_country"`
		Categories        []string `yaml:"categories"`
		Website           string   `yaml:"website"`
		Aliases           []string `yaml:"aliases"`
		Classes           []string `yaml:"classes"`
		ClassSuffixes     []string `yaml:"class_suffixes"`
		NativeLibs        []string `yaml:"native_libs"`
		NativeLibPatterns []string `yaml:"native_lib_patterns"`
		Components        []string `yaml:"components"`
		ComponentSuffixes []string `yaml:"component_suffixes"`
		Hosts             []string `yaml:"hosts"`
		MetaData          []string `yaml:"meta_data"`
		Collects          []string `yaml:"collects"`
		CollectsSource    string   `yaml:"collects_source"`
		Confidence        string   `yaml:"confidence"`
		Notes             string   `yaml:"notes"`
		Source            []string `yaml:"source"`
	} `yaml:"sdks"`
	Drop []struct {
		Value  string `yaml:"value"`
		Reason string `yaml:"reason"`
	} `yaml:"drop"`
	ComponentSuffixes []struct {
		Value string `yaml:"value"`
		SDK   string `yaml:"sdk"`
	} `yaml:"component_suffixes"`
	MetaData []struct {
		Value string `yaml:"value"`
		SDK   string `yaml:"sdk"`
	} `yaml:"meta_data"`
}

type gen struct {
	sdks    map[string]*sdk
	order   []string
	alias   map[string]string // normalised name → id
	curPfx  map[string]string // curated class prefix → id
	owner   map[string]string // class prefix → id (all SDKs)
	hostOwn map[string]string // host → id
	drop    map[string]string
	log     []string
}

func (g *gen) logf(format string, args ...any) { g.log = append(g.log, fmt.Sprintf(format, args...)) }

func norm(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	for _, suf := range []string{"sdk", "android"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	return s
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// idFor derives a stable id for a reference entry: an ASCII slug of its name,
// or, for names without enough ASCII, a slug of a signature plus a short hash
// of the name.
func idFor(name, hint string) string {
	if s := slug(name); len(s) >= 3 && !hasCJK(name) {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	base := slug(hint)
	if len(base) > 24 {
		base = base[:24]
	}
	return strings.Trim(fmt.Sprintf("%s-%04x", base, h.Sum32()&0xffff), "-")
}

// hintFromPrefix turns com.maxthon.main into maxthon-main.
func hintFromPrefix(p string) string {
	segs := strings.Split(strings.Trim(p, "."), ".")
	if len(segs) > 1 && len(segs[0]) <= 3 {
		segs = segs[1:]
	}
	if len(segs) > 2 {
		segs = segs[:2]
	}
	return strings.Join(segs, "-")
}

var segRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var platformSecond = set{"app": true, "content": true, "os": true, "support": true, "speech": true, "widget": true, "view": true, "net": true, "media": true, "provider": true, "telephony": true, "location": true, "util": true, "webkit": true, "graphics": true, "hardware": true, "text": true}

var generic = set{"com.google": true, "com.tencent": true, "com.baidu": true, "com.alibaba": true, "com.alipay": true, "com.huawei": true, "com.xiaomi": true, "com.android": true, "com.facebook": true, "com.amazon": true, "com.microsoft": true, "com.samsung": true, "com.sina": true, "com.netease": true, "com.qq": true, "org.apache": true, "com.github": true, "com.example": true}

// cleanPrefix validates a reference class prefix; it returns "" and a reason
// when the prefix is unusable.
func (g *gen) cleanPrefix(p string) (string, string) {
	p = strings.TrimSuffix(strings.TrimSpace(p), ".")
	if r, ok := g.drop[p]; ok {
		return "", r
	}
	segs := strings.Split(p, ".")
	if len(segs) < 2 {
		return "", "fewer than two segments"
	}
	for _, s := range segs {
		if !segRE.MatchString(s) {
			return "", "not a Java name"
		}
	}
	if generic[p] {
		return "", "generic vendor namespace"
	}
	switch segs[0] {
	case "java", "javax", "kotlin", "dalvik":
		return "", "platform package"
	case "android":
		if platformSecond[segs[1]] {
			return "", "platform package"
		}
	}
	return p, ""
}

// curatedOwner returns the curated SDK whose prefix equals p or is its
// longest ancestor.
func (g *gen) curatedOwner(p string) (string, string) {
	for q := p; ; {
		if id, ok := g.curPfx[q]; ok {
			return id, q
		}
		i := strings.LastIndexByte(q, '.')
		if i < 0 {
			return "", ""
		}
		q = q[:i]
	}
}

// anyOwner returns the SDK owning the longest prefix of a class name.
func (g *gen) anyOwner(name string) string {
	for q := name; ; {
		if id, ok := g.owner[q]; ok {
			return id
		}
		i := strings.LastIndexByte(q, '.')
		if i < 0 {
			return ""
		}
		q = q[:i]
	}
}

func (g *gen) get(id, name string) *sdk {
	if s, ok := g.sdks[id]; ok {
		return s
	}
	s := newSDK(id, name)
	g.sdks[id] = s
	g.order = append(g.order, id)
	return s
}

// target finds the SDK a reference entry merges into: by alias or
// normalised name, else a new SDK.
func (g *gen) target(name, hint, source string) *sdk {
	if id, ok := g.alias[norm(name)]; ok {
		s := g.sdks[id]
		s.Sources.add(source)
		return s
	}
	id := idFor(name, hint)
	for s, ok := g.sdks[id]; ok && s.Name != name; s, ok = g.sdks[id] {
		id += "-x"
	}
	s := g.get(id, name)
	if hasCJK(name) {
		s.NameZh = name
	}
	s.Sources.add(source)
	if _, ok := g.alias[norm(name)]; !ok && norm(name) != "" {
		g.alias[norm(name)] = id
	}
	return s
}

func (g *gen) addClass(s *sdk, p, source string) {
	if o, ok := g.owner[p]; ok && o != s.ID {
		g.logf("class %s from %s (%s) already owned by %s", p, source, s.ID, o)
		return
	}
	g.owner[p] = s.ID
	s.addSig("classes", p, source)
}

var hostRE = regexp.MustCompile(`^([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9-]{2,}$`)

func (g *gen) addHost(s *sdk, h, source string) {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if !hostRE.MatchString(h) {
		g.logf("host %q from %s (%s): not a domain name", h, source, s.ID)
		return
	}
	if o, ok := g.hostOwn[h]; ok && o != s.ID {
		g.logf("host %s from %s (%s) already owned by %s", h, source, s.ID, o)
		return
	}
	g.hostOwn[h] = s.ID
	s.addSig("hosts", h, source)
}

// hostFromRegex turns an Exodus network signature into a domain suffix.
func hostFromRegex(r string) (string, bool) {
	r = strings.TrimPrefix(r, ".*\\.")
	r = strings.TrimPrefix(r, ".*")
	r = strings.TrimPrefix(r, ".")
	r = strings.ReplaceAll(r, "\\.", ".")
	r = strings.ReplaceAll(r, "\\-", "-")
	r = strings.Trim(r, ".")
	if strings.ContainsAny(r, "\\*[]()?+:/^$|") || !strings.Contains(r, ".") {
		return "", false
	}
	if net := regexp.MustCompile(`^[0-9.]+$`); net.MatchString(r) {
		return "", false
	}
	return strings.ToLower(r), true
}

var exodusCategory = map[string]string{
	"Advertisement": "advertising", "Analytics": "analytics", "Crash reporting": "crash_reporting",
	"Identification": "identifier", "Location": "location", "Profiling": "analytics",
}

// categoriesFromName guesses categories for reference entries without any.
func categoriesFromName(name string) []string {
	n := strings.ToLower(name)
	rules := []struct{ kw, cat string }{
		{"推送", "push"}, {"push", "push"}, {"地图", "maps"}, {"map", "maps"}, {"定位", "location"}, {"location", "location"}, {"lbs", "location"},
		{"支付", "payment"}, {"pay", "payment"}, {"钱包", "payment"}, {"分享", "social"}, {"share", "social"}, {"登录", "login"}, {"login", "login"}, {"认证", "login"}, {"账号", "login"}, {"帐号", "login"},
		{"统计", "analytics"}, {"analytics", "analytics"}, {"分析", "analytics"}, {"广告", "advertising"}, {"ads", "advertising"}, {"ad sdk", "advertising"}, {"推广", "advertising"},
		{"crash", "crash_reporting"}, {"崩溃", "crash_reporting"}, {"bug", "crash_reporting"}, {"客服", "customer_support"}, {"feedback", "customer_support"}, {"反馈", "customer_support"},
		{"安全", "security"}, {"加固", "security"}, {"风控", "security"}, {"验证", "security"}, {"captcha", "security"}, {"apm", "performance"}, {"性能", "performance"},
		{"im", "network"}, {"http", "network"}, {"网络", "network"}, {"音视频", "network"}, {"rtc", "network"},
		{"view", "ui"}, {"picker", "ui"}, {"layout", "ui"}, {"image", "ui"}, {"图片", "ui"}, {"widget", "ui"},
	}
	var out []string
	for _, r := range rules {
		if strings.Contains(n, r.kw) && !slices.Contains(out, r.cat) {
			out = append(out, r.cat)
		}
	}
	if len(out) == 0 {
		out = []string{"other"}
	}
	return out
}

var teamCountry = map[string]string{
	"google": "us", "tensorflow": "us", "square": "us", "facebook": "us", "meta": "us", "microsoft": "us", "unity technologies": "us",
	"mozilla": "us", "amazon": "us", "twitter": "us", "uber": "us", "airbnb": "us", "sentry": "us", "bugsnag": "us", "applovin": "us",
	"ironsource": "il", "appsflyer": "il", "adjust": "de", "yandex": "ru", "vk": "ru", "jetbrains": "cz", "line": "jp", "kakao": "kr",
	"tencent": "cn", "alibaba": "cn", "aliyun": "cn", "alipay": "cn", "ant group": "cn", "baidu": "cn", "huawei": "cn", "honor": "cn", "xiaomi": "cn",
	"bytedance": "cn", "volcengine": "cn", "netease": "cn", "kuaishou": "cn", "kwaiappteam": "cn", "iqiyi": "cn", "didi": "cn", "meituan": "cn",
	"oppo": "cn", "vivo": "cn", "meizu": "cn", "weibo": "cn", "umeng": "cn", "getui": "cn", "jd": "cn", "bilibili": "cn", "dcloud": "cn", "mobtech": "cn",
	"sensorsdata": "cn", "growingio": "cn", "iflytek": "cn", "agora": "us", "aurora 极光": "cn",
}

func countryForTeam(team string) string {
	t := strings.ToLower(strings.TrimSpace(team))
	if c, ok := teamCountry[t]; ok {
		return c
	}
	if hasCJK(team) {
		return "cn"
	}
	return ""
}

// Labels of LibChecker rules that are packers (data/sdk/packers.yaml) or
// generic runtime libraries rather than SDKs.
var skipLabels = set{"360 加固": true, "梆梆安全": true, "爱加密": true, "腾讯乐固": true, "腾讯御安全": true, "阿里聚安全": true, "百度应用加固": true,
	"C++ 共享库": true, "SQLite": true, "zlib": true, "Golang": true, "Rust": true, "iconv": true, "logging": true, "Open Source Notices": true, "File Provider": true}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

func main() {
	ref := flag.String("ref", "/work/shared/reference/sdk", "directory with the reference JSON lists")
	cur := flag.String("curated", "data/gen/curated.yaml", "curated SDK list")
	out := flag.String("out", "data/sdk/sdks.yaml", "output file")
	logOut := flag.String("log", "", "write the merge log (dropped and conflicting signatures) here")
	version := flag.String("version", "2026.11.1", "data version written to the output")
	flag.Parse()

	var cf curatedFile
	b, err := os.ReadFile(*cur)
	if err != nil {
		log.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &cf); err != nil {
		log.Fatalf("%s: %v", *cur, err)
	}
	g := &gen{sdks: map[string]*sdk{}, alias: map[string]string{}, curPfx: map[string]string{}, owner: map[string]string{}, hostOwn: map[string]string{}, drop: map[string]string{}}
	for _, d := range cf.Drop {
		g.drop[d.Value] = d.Reason
	}

	// 1. Curated entries.
	for _, c := range cf.SDKs {
		s := g.get(c.ID, c.Name)
		s.curated = true
		s.NameZh, s.Vendor, s.Country, s.Website = c.NameZh, c.Vendor, c.Country, c.Website
		s.Categories, s.Collects, s.CollectsSource = c.Categories, c.Collects, c.CollectsSource
		s.Confidence, s.Notes = c.Confidence, c.Notes
		for _, src := range c.Source {
			add := func(kind string, vals []string) {
				for _, v := range vals {
					s.addSig(kind, v, src)
				}
			}
			add("class_suffixes", c.ClassSuffixes)
			add("native_libs", c.NativeLibs)
			add("native_lib_patterns", c.NativeLibPatterns)
			add("components", c.Components)
			add("component_suffixes", c.ComponentSuffixes)
			add("meta_data", c.MetaData)
			for _, p := range c.Classes {
				if o, ok := g.curPfx[p]; ok && o != c.ID {
					log.Fatalf("curated class %s in %s and %s", p, o, c.ID)
				}
				g.curPfx[p] = c.ID
				g.owner[p] = c.ID
				s.addSig("classes", p, src)
			}
			for _, h := range c.Hosts {
				g.addHost(s, h, src)
			}
		}
		for _, a := range append([]string{c.Name, c.ID}, c.Aliases...) {
			if prev, ok := g.alias[norm(a)]; ok && prev != c.ID {
				log.Fatalf("alias %q of %s already names %s", a, c.ID, prev)
			}
			g.alias[norm(a)] = c.ID
		}
	}

	// classFrom assigns one reference class prefix.
	classFrom := func(raw, name, hint, source string, cats []string, website string) {
		p, why := g.cleanPrefix(raw)
		if p == "" {
			g.logf("drop %s class %q (%s): %s", source, raw, name, why)
			return
		}
		if id, q := g.curatedOwner(p); id != "" {
			s := g.sdks[id]
			if q == p {
				s.addSig("classes", p, source)
			} else {
				g.addClass(s, p, source)
			}
			return
		}
		t := g.target(name, hint, source)
		mergeMeta(t, cats, website)
		g.addClass(t, p, source)
	}

	// 2. Exodus.
	var ex struct {
		Trackers []struct {
			Name       string   `json:"name"`
			Code       string   `json:"code_signature"`
			Network    string   `json:"network_signature"`
			Website    string   `json:"website"`
			Categories []string `json:"categories"`
		} `json:"trackers"`
	}
	readJSON(*ref+"/exodus-trackers.json", &ex)
	for _, t := range ex.Trackers {
		var cats []string
		for _, c := range t.Categories {
			if m := exodusCategory[c]; m != "" && !slices.Contains(cats, m) {
				cats = append(cats, m)
			}
		}
		codes := splitNonEmpty(t.Code)
		hint := t.Name
		for _, c := range codes {
			if strings.HasPrefix(c, ".") {
				s := g.target(t.Name, hint, "exodus")
				mergeMeta(s, cats, t.Website)
				s.addSig("class_suffixes", c, "exodus")
				continue
			}
			classFrom(c, t.Name, hint, "exodus", cats, t.Website)
		}
		for _, n := range splitNonEmpty(t.Network) {
			h, ok := hostFromRegex(n)
			if !ok {
				g.logf("drop exodus host %q (%s): not a plain domain", n, t.Name)
				continue
			}
			if o := g.hostOwner(h); o != "" && g.sdks[o].curated {
				g.sdks[o].Sources.add("exodus")
				if g.hostOwn[h] == o {
					g.sdks[o].addSig("hosts", h, "exodus")
				}
				continue
			}
			s := g.target(t.Name, hint, "exodus")
			mergeMeta(s, cats, t.Website)
			g.addHost(s, h, "exodus")
		}
	}

	// 3. AppScan (camille) prefixes.
	var as struct {
		SDKs []struct {
			Name string `json:"sdk_name"`
			Pkg  string `json:"package_name"`
		} `json:"sdks"`
	}
	readJSON(*ref+"/appscan-sdk-prefixes.json", &as)
	compSuf := map[string]string{}
	for _, c := range cf.ComponentSuffixes {
		compSuf[c.Value] = c.SDK
	}
	metaKeys := map[string]string{}
	for _, m := range cf.MetaData {
		metaKeys[m.Value] = m.SDK
	}
	firstPkg := map[string]string{}
	for _, e := range as.SDKs {
		if _, ok := firstPkg[e.Name]; !ok {
			firstPkg[e.Name] = hintFromPrefix(e.Pkg)
		}
	}
	for _, e := range as.SDKs {
		name := strings.TrimSpace(e.Name)
		hint := firstPkg[e.Name]
		if id, ok := metaKeys[e.Pkg]; ok {
			s := g.sdks[id]
			if s == nil {
				s = g.target(name, hint, "appscan")
			}
			s.addSig("meta_data", e.Pkg, "appscan")
			continue
		}
		if id, ok := compSuf[e.Pkg]; ok {
			if id == "drop" {
				g.logf("drop appscan %q (%s): not a class or component", e.Pkg, name)
				continue
			}
			s := g.sdks[id]
			if s == nil {
				s = g.target(name, hint, "appscan")
			}
			s.addSig("component_suffixes", "."+strings.TrimPrefix(e.Pkg, "."), "appscan")
			continue
		}
		if strings.HasPrefix(e.Pkg, ".") {
			g.logf("drop appscan %q (%s): suffix without a rule", e.Pkg, name)
			continue
		}
		classFrom(e.Pkg, name, hint, "appscan", nil, "")
	}

	// 4. LibChecker: native libraries and components.
	var lc struct {
		Rules []struct {
			Kind, Name, Label, Team, URL string
		} `json:"rules"`
	}
	readJSON(*ref+"/libchecker-rules.json", &lc)
	for _, r := range lc.Rules {
		if skipLabels[r.Label] || strings.HasPrefix(r.Name, "regex_") || r.Kind == "static" {
			continue
		}
		hint := r.Team
		if u := strings.TrimPrefix(strings.TrimPrefix(r.URL, "https://"), "http://"); u != "" {
			hint = strings.Split(u, "/")[0]
			hint = strings.TrimPrefix(strings.TrimPrefix(hint, "www."), "github.com")
		}
		switch r.Kind {
		case "native":
			s := g.target(r.Label, hint, "libchecker")
			mergeLC(s, r.Team, r.URL)
			s.addSig("native_libs", r.Name, "libchecker")
		default:
			if id := g.anyOwner(r.Name); id != "" {
				g.sdks[id].addSig("components", r.Name, "libchecker")
				continue
			}
			s := g.target(r.Label, hint, "libchecker")
			mergeLC(s, r.Team, r.URL)
			s.addSig("components", r.Name, "libchecker")
		}
	}

	// 5. X-Ray: vendor and country by host.
	var xr []struct {
		Country    string   `json:"country"`
		Doms       []string `json:"doms"`
		Owner      string   `json:"owner_name"`
		RootParent *string  `json:"root_parent"`
	}
	readJSON(*ref+"/xray-companies-domains-country.json", &xr)
	type company struct{ country, owner string }
	byDom := map[string]company{}
	byOwner := map[string]company{}
	for _, x := range xr {
		c := x.Country
		if c == "uk" {
			c = "gb"
		}
		owner := x.Owner
		if x.RootParent != nil && *x.RootParent != "" {
			owner = *x.RootParent
		}
		for _, d := range x.Doms {
			byDom[strings.ToLower(d)] = company{c, owner}
		}
		if x.Owner != "" {
			byOwner[norm(x.Owner)] = company{c, owner}
		}
	}
	for _, id := range g.order {
		s := g.sdks[id]
		if s.curated {
			continue
		}
		var hit *company
		hosts := make([]string, 0, len(s.Sig["hosts"]))
		for h := range s.Sig["hosts"] {
			hosts = append(hosts, h)
		}
		sort.Strings(hosts)
		for _, h := range hosts {
			for q := h; q != ""; {
				if c, ok := byDom[q]; ok {
					hit = &c
					break
				}
				i := strings.IndexByte(q, '.')
				if i < 0 {
					break
				}
				q = q[i+1:]
			}
			if hit != nil {
				break
			}
		}
		if hit == nil {
			if c, ok := byOwner[norm(s.Vendor)]; ok && s.Vendor != "" {
				hit = &c
			} else if c, ok := byOwner[norm(s.Name)]; ok {
				hit = &c
			}
		}
		if hit != nil {
			if s.Country == "" && len(hit.country) == 2 {
				s.Country = hit.country
				s.Sources.add("xray")
			}
			if s.Vendor == "" && hit.owner != "" {
				s.Vendor = hit.owner
				s.Sources.add("xray")
			}
		}
	}

	// 6. Finish: defaults, empty entries, output.
	var ids []string
	for _, id := range g.order {
		s := g.sdks[id]
		if s.nsig() == 0 {
			g.logf("skip %s (%s): no usable signature", id, s.Name)
			continue
		}
		if len(s.Categories) == 0 {
			s.Categories = categoriesFromName(s.Name)
		}
		if s.Confidence == "" {
			n := 0
			for _, src := range []string{"exodus", "appscan", "libchecker"} {
				if s.Sources[src] {
					n++
				}
			}
			s.Confidence = map[bool]string{true: "medium", false: "low"}[n >= 2]
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	write(*out, *version, cf.Sources, g, ids)
	if *logOut != "" {
		if err := os.WriteFile(*logOut, []byte(strings.Join(g.log, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "gensdks: %d SDKs, %d log lines\n", len(ids), len(g.log))
}

func (g *gen) hostOwner(h string) string {
	for q := h; q != ""; {
		if id, ok := g.hostOwn[q]; ok {
			return id
		}
		i := strings.IndexByte(q, '.')
		if i < 0 {
			return ""
		}
		q = q[i+1:]
	}
	return ""
}

func splitNonEmpty(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func mergeMeta(s *sdk, cats []string, website string) {
	if s.curated {
		return
	}
	for _, c := range cats {
		if !slices.Contains(s.Categories, c) {
			s.Categories = append(s.Categories, c)
		}
	}
	if s.Website == "" {
		s.Website = website
	}
}

func mergeLC(s *sdk, team, url string) {
	if s.curated {
		return
	}
	if s.Vendor == "" {
		s.Vendor = strings.TrimSpace(team)
	}
	if s.Country == "" {
		s.Country = countryForTeam(team)
	}
	if s.Website == "" {
		s.Website = url
	}
}

type outSDK struct {
	ID             string                         `json:"id"`
	Name           string                         `json:"name"`
	NameZh         string                         `json:"name_zh,omitempty"`
	Vendor         string                         `json:"vendor,omitempty"`
	Country        string                         `json:"vendor_country,omitempty"`
	Categories     []string                       `json:"categories"`
	Website        string                         `json:"website,omitempty"`
	Collects       []string                       `json:"collects,omitempty"`
	CollectsSource string                         `json:"collects_source,omitempty"`
	Confidence     string                         `json:"confidence,omitempty"`
	Notes          string                         `json:"notes,omitempty"`
	Source         []string                       `json:"source"`
	Signatures     map[string]map[string][]string `json:"signatures"`
}

const header = `# Third-party SDK signatures. GENERATED by data/gen/gensdks.go from
# data/gen/curated.yaml and the reference lists below; edit those and re-run
# (see data/README.md). The body is YAML in JSON syntax, one SDK per line.
#
# Sources (tags used in source:, and per signature in signatures.<kind>.<value>):
#   exodus      Exodus Privacy tracker list (ETIP export) as shipped in
#               TrackerControl/tracker-control-android @8c119b04 (Exodus data;
#               repository GPL-3.0): names, code and network signatures, categories.
#   libchecker  LibChecker/LibChecker-Rules @3ec8753a (Apache-2.0): native library
#               and manifest component names, labels, teams.
#   appscan     TongchengOpenSource/AppScan helper/static/sdk.json @c3614091
#               (Apache-2.0, derived from zhengjim/camille): package prefixes of SDKs
#               common in Chinese apps.
#   xray        X-Ray company list as shipped in TrackerControl @8c119b04 (GPL-3.0
#               repository): vendor and country by domain.
#   the rest    curated entries (data/gen/curated.yaml) citing vendor documentation,
#               vendor SDK privacy policies (collects) and vendor binaries checked
#               from npm packages (jpush-plugin, qqsdk-plugin, alipay-plugin).
#
# Signatures: classes are dotted package or class prefixes matched at package
# boundaries (longest wins); class_suffixes ".Name" match a simple class name and
# ".segment." a package segment; native_libs are exact .so names and
# native_lib_patterns have one '*' for a version ([0-9._]+); components are exact
# manifest class names and component_suffixes match their end; hosts are domain
# suffixes matched at label boundaries; meta_data are manifest meta-data keys.
`

func write(path, version string, curatedSources map[string]string, g *gen, ids []string) {
	sources := map[string]string{
		"exodus":     "https://reports.exodus-privacy.eu.org/ (ETIP export via TrackerControl @8c119b04)",
		"libchecker": "https://github.com/LibChecker/LibChecker-Rules @3ec8753a (Apache-2.0)",
		"appscan":    "https://github.com/TongchengOpenSource/AppScan helper/static/sdk.json @c3614091 (Apache-2.0)",
		"xray":       "X-Ray companies (TrackerControl @8c119b04 xray-blacklist.json)",
	}
	for k, v := range curatedSources {
		sources[k] = v
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	fmt.Fprintf(&buf, "{\"version\": %q,\n\"sources\": {", version)
	keys := make([]string, 0, len(sources))
	for k := range sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(",")
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(sources[k])
		fmt.Fprintf(&buf, "\n  %s: %s", kb, vb)
	}
	buf.WriteString("},\n\"sdks\": [")
	for i, id := range ids {
		s := g.sdks[id]
		o := outSDK{ID: s.ID, Name: s.Name, NameZh: s.NameZh, Vendor: s.Vendor, Country: s.Country,
			Categories: s.Categories, Website: s.Website, Collects: s.Collects, CollectsSource: s.CollectsSource,
			Confidence: s.Confidence, Notes: s.Notes, Source: s.Sources.sorted(), Signatures: map[string]map[string][]string{}}
		for _, k := range kinds {
			if len(s.Sig[k]) == 0 {
				continue
			}
			m := map[string][]string{}
			for v, src := range s.Sig[k] {
				m[v] = src.sorted()
			}
			o.Signatures[k] = m
		}
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(o); err != nil {
			log.Fatal(err)
		}
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		buf.Write(bytes.TrimRight(line.Bytes(), "\n"))
	}
	buf.WriteString("\n]}\n")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
