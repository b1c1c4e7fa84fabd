package catalog

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// sdkIndex holds the lookup tables of the SDK signatures.
type sdkIndex struct {
	classes classTrie
	// hosts maps a host suffix to an SDK index.
	hosts map[string]int32
	libs  map[string][]string
	// libPats holds native library patterns by prefix; libPrefixLens are
	// the distinct prefix lengths, ascending.
	libPats       map[string][]libPattern
	libPrefixLens []int
	comps         map[string][]string
	compSufs      []suffixRule
	metaData      map[string][]string
}

// indexSDKs builds the lookup tables of sdks (sorted by id). It fails on
// signatures that two SDKs claim or that cannot be indexed; the error
// names the SDK.
func indexSDKs(sdks []SDK) (*sdkIndex, error) {
	idx := &sdkIndex{
		classes:  classTrie{root: trieNode{sdk: -1}, simple: map[string]int32{}, segment: map[string]int32{}},
		hosts:    make(map[string]int32),
		libs:     make(map[string][]string),
		libPats:  make(map[string][]libPattern),
		comps:    make(map[string][]string),
		metaData: make(map[string][]string),
	}
	var errs []error
	for i, s := range sdks {
		fail := func(err error) { errs = append(errs, entryErr("sdks "+s.ID, err)) }
		n := int32(i)
		for _, p := range s.Classes {
			if o := idx.classes.insert(p, n); o >= 0 {
				fail(fmt.Errorf("class prefix %q already belongs to %s", p, sdks[o].ID))
			}
		}
		for _, p := range s.ClassSuffixes {
			m, key := idx.classes.simple, strings.TrimPrefix(p, ".")
			if seg, ok := strings.CutSuffix(key, "."); ok {
				m, key = idx.classes.segment, seg
			}
			if !isSegment(key) {
				fail(fmt.Errorf("class suffix %q: want .Name or .segment.", p))
				continue
			}
			if o, dup := m[key]; dup {
				fail(fmt.Errorf("class suffix %q already belongs to %s", p, sdks[o].ID))
				continue
			}
			m[key] = n
		}
		for _, h := range s.Hosts {
			if o, dup := idx.hosts[h]; dup {
				fail(fmt.Errorf("host %q already belongs to %s", h, sdks[o].ID))
				continue
			}
			idx.hosts[h] = n
		}
		for _, l := range s.NativeLibs {
			idx.libs[l] = append(idx.libs[l], s.ID)
		}
		for _, p := range s.NativeLibPatterns {
			pre, suf, ok := strings.Cut(p, "*")
			if !ok || pre == "" || strings.Contains(suf, "*") {
				fail(fmt.Errorf("native lib pattern %q: want one '*' after a prefix", p))
				continue
			}
			idx.libPats[pre] = append(idx.libPats[pre], libPattern{prefix: pre, suffix: suf, sdk: s.ID})
			if !slices.Contains(idx.libPrefixLens, len(pre)) {
				idx.libPrefixLens = append(idx.libPrefixLens, len(pre))
			}
		}
		for _, c := range s.Components {
			idx.comps[c] = append(idx.comps[c], s.ID)
		}
		for _, c := range s.ComponentSuffixes {
			idx.compSufs = append(idx.compSufs, suffixRule{suffix: c, sdk: s.ID})
		}
		for _, k := range s.MetaData {
			idx.metaData[k] = append(idx.metaData[k], s.ID)
		}
	}
	slices.Sort(idx.libPrefixLens)
	return idx, errors.Join(errs...)
}

// classTrie maps package segments to SDK indexes. A node's sdk is the SDK
// whose class prefix ends at that node (-1 for none). Segments are split at
// '/' (descriptors) or '.' (dotted names) and at '$' (inner classes), so the
// prefix "com.x.Foo" matches "com.x.Foo$Bar" but never "com.x.FooBar".
type classTrie struct {
	root trieNode
	// simple maps a simple class name (the ".LigatusManager" rules) to an SDK.
	simple map[string]int32
	// segment maps a package segment matched anywhere (".sizmek.") to an SDK.
	segment map[string]int32
}

type trieNode struct {
	sdk  int32
	next map[string]*trieNode
}

// insert adds a dotted prefix; it returns the SDK already owning exactly that
// prefix, or -1.
func (t *classTrie) insert(prefix string, sdk int32) int32 {
	n := &t.root
	for seg := range strings.FieldsFuncSeq(prefix, isDotOrDollar) {
		if n.next == nil {
			n.next = make(map[string]*trieNode)
		}
		c, ok := n.next[seg]
		if !ok {
			c = &trieNode{sdk: -1}
			n.next[seg] = c
		}
		n = c
	}
	if n.sdk >= 0 && n.sdk != sdk {
		return n.sdk
	}
	n.sdk = sdk
	return -1
}

func isDotOrDollar(r rune) bool { return r == '.' || r == '$' }

// match returns the SDK of the longest prefix of name (segments separated by
// sep or '$'), then of the suffix rules, or -1. It does not allocate.
func (t *classTrie) match(name string, sep byte) int32 {
	best := int32(-1)
	n := &t.root
	for i := 0; i < len(name) && n != nil; {
		j := i
		for j < len(name) && name[j] != sep && name[j] != '$' {
			j++
		}
		n = n.next[name[i:j]]
		if n != nil && n.sdk >= 0 {
			best = n.sdk
		}
		i = j + 1
	}
	if best >= 0 || (len(t.simple) == 0 && len(t.segment) == 0) {
		return best
	}
	// Suffix rules: the simple class name, then package segments.
	pkgEnd := strings.LastIndexByte(name, sep)
	simple := name[pkgEnd+1:]
	if k := strings.IndexByte(simple, '$'); k >= 0 {
		simple = simple[:k]
	}
	if id, ok := t.simple[simple]; ok {
		return id
	}
	if len(t.segment) == 0 || pkgEnd < 0 {
		return -1
	}
	pkg := name[:pkgEnd]
	for i := 0; i <= len(pkg); {
		j := strings.IndexByte(pkg[i:], sep)
		if j < 0 {
			j = len(pkg) - i
		}
		if id, ok := t.segment[pkg[i:i+j]]; ok {
			return id
		}
		i += j + 1
	}
	return -1
}

// descriptorName strips array markers and the L…; wrapper of a DEX type
// descriptor; ok is false for primitive types and malformed input.
func descriptorName(d string) (string, bool) {
	d = strings.TrimLeft(d, "[")
	if len(d) < 3 || d[0] != 'L' || d[len(d)-1] != ';' {
		return "", false
	}
	return d[1 : len(d)-1], true
}

// MatchClass returns the SDK owning a class, given as a DEX descriptor
// ("Lcom/umeng/analytics/MobclickAgent;"): the SDK with the longest class
// prefix ending at a package (or inner-class) boundary, else an SDK whose
// class-suffix rule matches. It does not allocate.
func (c *Catalog) MatchClass(classDescriptor string) (sdkID string, ok bool) {
	name, ok := descriptorName(classDescriptor)
	if !ok {
		return "", false
	}
	if i := c.sdkIndex().classes.match(name, '/'); i >= 0 {
		return c.t.sdks[i].ID, true
	}
	return "", false
}

// MatchClassName is MatchClass for a dotted Java name ("com.umeng.analytics.MobclickAgent").
func (c *Catalog) MatchClassName(name string) (sdkID string, ok bool) {
	if i := c.sdkIndex().classes.match(name, '.'); i >= 0 {
		return c.t.sdks[i].ID, true
	}
	return "", false
}

// MatchHost returns the SDK owning a host name: the longest host suffix
// of the catalog that equals host or ends it at a label boundary
// ("sub.umeng.com" matches umeng.com; "notumeng.com" does not).
func (c *Catalog) MatchHost(host string) (sdkID string, ok bool) {
	host = strings.TrimSuffix(host, ".")
	if hasUpper(host) {
		host = strings.ToLower(host)
	}
	hosts := c.sdkIndex().hosts
	for i := 0; i < len(host); {
		if id, ok := hosts[host[i:]]; ok {
			return c.t.sdks[id].ID, true
		}
		k := strings.IndexByte(host[i:], '.')
		if k < 0 {
			break
		}
		i += k + 1
	}
	return "", false
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// libPattern is a native library name with a version in the middle:
// prefix, then one or more of [0-9._], then suffix.
type libPattern struct {
	prefix, suffix string
	sdk            string
}

// MatchNativeLib returns the SDKs shipping a native library, by the base
// name of file ("lib/arm64-v8a/libjcore300.so" → jcore): exact names first,
// then versioned patterns such as "libjcore*.so".
func (c *Catalog) MatchNativeLib(file string) []string {
	idx := c.sdkIndex()
	base := path.Base(strings.ReplaceAll(file, "\\", "/"))
	if ids, ok := idx.libs[base]; ok {
		return slices.Clone(ids)
	}
	var out []string
	for _, n := range idx.libPrefixLens {
		if n > len(base) {
			break
		}
		for _, p := range idx.libPats[base[:n]] {
			mid, ok := strings.CutSuffix(base[n:], p.suffix)
			if ok && mid != "" && isVersion(mid) && !slices.Contains(out, p.sdk) {
				out = append(out, p.sdk)
			}
		}
	}
	return out
}

func isVersion(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if (b < '0' || b > '9') && b != '.' && b != '_' {
			return false
		}
	}
	return true
}

// suffixRule matches the end of a component class name.
type suffixRule struct {
	suffix string
	sdk    string
}

// MatchComponent returns the SDKs a manifest component belongs to, given its
// fully qualified class name: exact component names, component suffixes,
// then the class-prefix rules.
func (c *Catalog) MatchComponent(className string) []string {
	idx := c.sdkIndex()
	out := slices.Clone(idx.comps[className])
	for _, r := range idx.compSufs {
		if strings.HasSuffix(className, r.suffix) && !slices.Contains(out, r.sdk) {
			out = append(out, r.sdk)
		}
	}
	if id, ok := c.MatchClassName(className); ok && !slices.Contains(out, id) {
		out = append(out, id)
	}
	return out
}

// MatchMetaData returns the SDKs that use a manifest meta-data key
// ("UMENG_APPKEY").
func (c *Catalog) MatchMetaData(key string) []string {
	return slices.Clone(c.sdkIndex().metaData[key])
}

// MatchPacker reports the packers whose signatures occur in an app: its
// application class name (from the manifest), the paths of its files, and
// its native library paths. Each hit carries the first matching signature of
// each kind as evidence.
func (c *Catalog) MatchPacker(appClass string, files []string, nativeLibs []string) []PackerHit {
	var hits []PackerHit
	for _, p := range c.t.packers {
		var ev []string
		if appClass != "" {
			for _, a := range p.AppClasses {
				if appClass == a || (strings.HasSuffix(a, ".") && strings.HasPrefix(appClass, a)) {
					ev = append(ev, "application class "+appClass)
					break
				}
			}
		}
	libs:
		for _, l := range nativeLibs {
			base := path.Base(l)
			for _, pat := range p.NativeLibs {
				if glob(pat, base) {
					ev = append(ev, "native library "+l)
					break libs
				}
			}
		}
	files:
		for _, f := range files {
			for _, pat := range p.Assets {
				if glob(pat, f) {
					ev = append(ev, "file "+f)
					break files
				}
			}
		}
		if len(ev) > 0 {
			hits = append(hits, PackerHit{Packer: p, Evidence: strings.Join(ev, "; ")})
		}
	}
	return hits
}

// glob matches s against pattern, where '*' matches any run of characters
// (including '/'). It runs in O(len(pattern)·len(s)) at worst.
func glob(pattern, s string) bool {
	px, sx := 0, 0
	star, next := -1, 0
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			switch pattern[px] {
			case '*':
				star, next = px, sx+1
				px++
				continue
			default:
				if sx < len(s) && s[sx] == pattern[px] {
					px++
					sx++
					continue
				}
			}
		}
		if star >= 0 && next <= len(s) {
			px, sx = star+1, next
			next++
			continue
		}
		return false
	}
	return true
}
