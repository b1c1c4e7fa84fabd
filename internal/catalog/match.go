package catalog

import (
	"path"
	"slices"
	"strings"
)

// sdkIDs returns the ids of the SDKs of entries.
func (c *Catalog) sdkIDs(entries []sigKey) []string {
	if len(entries) == 0 {
		return nil
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = c.t.sdks[e.sdk].ID
	}
	return out
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
	if i := c.t.sdkIndex.matchClass(name, '/'); i >= 0 {
		return c.t.sdks[i].ID, true
	}
	return "", false
}

// MatchClassName is MatchClass for a dotted Java name ("com.umeng.analytics.MobclickAgent").
func (c *Catalog) MatchClassName(name string) (sdkID string, ok bool) {
	if i := c.t.sdkIndex.matchClass(name, '.'); i >= 0 {
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
	for i := 0; i < len(host); {
		if s := c.t.sdkIndex.hosts.get(host[i:]); s >= 0 {
			return c.t.sdks[s].ID, true
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
	x := &c.t.sdkIndex
	base := path.Base(strings.ReplaceAll(file, "\\", "/"))
	if r := lookup(x.libs, base); len(r) > 0 {
		return c.sdkIDs(r)
	}
	var out []string
	for _, n := range x.libPrefixLens {
		if n > len(base) {
			break
		}
		pre := base[:n]
		i, _ := slices.BinarySearchFunc(x.libPats, pre, func(p libPattern, pre string) int { return strings.Compare(p.prefix, pre) })
		for _, p := range x.libPats[i:] {
			if p.prefix != pre {
				break
			}
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
	x := &c.t.sdkIndex
	out := c.sdkIDs(lookup(x.comps, className))
	for _, r := range x.compSufs {
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
	return c.sdkIDs(lookup(c.t.sdkIndex.metaData, key))
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
