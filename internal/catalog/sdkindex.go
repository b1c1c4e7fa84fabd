package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// sdkIndex holds the lookup tables of the SDK signatures: a trie in one
// slice and sorted slices. They are computed when the data files are
// decoded, so the generated tables carry them as static data and nothing
// is built at start-up.
type sdkIndex struct {
	// classes is the trie of class prefixes.
	classes classTrie
	// simple holds the simple class names of the ".LigatusManager" rules,
	// segments the package segments of the ".sizmek." rules, hosts the host
	// suffixes; each belongs to one SDK.
	simple, segments, hosts strIndex
	// libs are exact native library names, comps exact component names,
	// metaData manifest meta-data keys; several SDKs may share one.
	libs, comps, metaData []sigKey
	// libPats are native library patterns sorted by prefix;
	// libPrefixLens are their distinct prefix lengths, ascending.
	libPats       []libPattern
	libPrefixLens []int
	// compSufs are component suffixes in SDK order.
	compSufs []suffixRule
}

// sigKey is a signature value and the index of its SDK. Lists of them are
// sorted by key, then SDK.
type sigKey struct {
	key string
	sdk int32
}

func compareSigKeys(a, b sigKey) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.sdk, b.sdk)
}

// lookup returns the entries of a sorted list whose key is key.
func lookup(list []sigKey, key string) []sigKey {
	i, _ := slices.BinarySearchFunc(list, key, func(e sigKey, k string) int { return strings.Compare(e.key, k) })
	j := i
	for j < len(list) && list[j].key == key {
		j++
	}
	return list[i:j]
}

// classTrie is the trie of class prefixes, as static data. Segments are
// split at '/' (descriptors) or '.' (dotted names) and at '$' (inner
// classes), so the prefix "com.x.Foo" matches "com.x.Foo$Bar" but never
// "com.x.FooBar". Node 0 is the root; the edges sit in an open-addressing
// hash table keyed by parent node and segment, with a hash that is the
// same in every process (FNV-1a), so that the table can be generated.
type classTrie struct {
	// sdk holds, for each node, the SDK whose class prefix ends there, or -1.
	sdk []int32
	// edges has a power-of-two length and is at most half full.
	edges []trieEdge
}

// trieEdge leads from parent to child by seg; child 0 marks a free slot
// (the root is no node's child).
type trieEdge struct {
	seg           string
	parent, child int32
}

// FNV-1a, a hash that is the same in every process.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnv(h uint32, s string) uint32 {
	for k := 0; k < len(s); k++ {
		h = (h ^ uint32(s[k])) * fnvPrime
	}
	return h
}

// edgeHash hashes the parent's index and the segment.
func edgeHash(parent int32, seg string) uint32 {
	h := uint32(fnvOffset)
	for k := 0; k < 4; k++ {
		h = (h ^ uint32(byte(parent>>(8*k)))) * fnvPrime
	}
	return fnv(h, seg)
}

// tableSize returns the power of two at least twice n.
func tableSize(n int) int {
	size := 1
	for size < 2*n {
		size *= 2
	}
	return size
}

// strIndex maps strings to SDK indexes: an open-addressing hash table at
// most half full, hashed with FNV-1a so that it can be generated.
type strIndex struct {
	slots []strSlot
}

type strSlot struct {
	key string
	// val is the SDK index + 1; 0 marks a free slot.
	val int32
}

func newStrIndex(entries []sigKey) strIndex {
	if len(entries) == 0 {
		return strIndex{}
	}
	x := strIndex{slots: make([]strSlot, tableSize(len(entries)))}
	mask := uint32(len(x.slots) - 1)
	for _, e := range entries {
		i := fnv(fnvOffset, e.key) & mask
		for x.slots[i].val != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = strSlot{key: e.key, val: e.sdk + 1}
	}
	return x
}

// get returns the SDK index of key, or -1.
func (x *strIndex) get(key string) int32 {
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint32(len(x.slots) - 1)
	for i := fnv(fnvOffset, key) & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val == 0 {
			return -1
		}
		if s.key == key {
			return s.val - 1
		}
	}
}

// child returns the node reached from parent by seg, or -1.
func (t *classTrie) child(parent int32, seg string) int32 {
	if len(t.edges) == 0 {
		return -1
	}
	mask := uint32(len(t.edges) - 1)
	for i := edgeHash(parent, seg) & mask; ; i = (i + 1) & mask {
		e := &t.edges[i]
		if e.child == 0 {
			return -1
		}
		if e.parent == parent && e.seg == seg {
			return e.child
		}
	}
}

// matchClass returns the SDK of the longest class prefix of name (segments
// separated by sep or '$'), then of the suffix rules, or -1. It does not
// allocate.
func (x *sdkIndex) matchClass(name string, sep byte) int32 {
	best := int32(-1)
	n := int32(0)
	for i := 0; i < len(name); {
		j := i
		for j < len(name) && name[j] != sep && name[j] != '$' {
			j++
		}
		if n = x.classes.child(n, name[i:j]); n < 0 {
			break
		}
		if s := x.classes.sdk[n]; s >= 0 {
			best = s
		}
		i = j + 1
	}
	if best >= 0 || (len(x.simple.slots) == 0 && len(x.segments.slots) == 0) {
		return best
	}
	// Suffix rules: the simple class name, then package segments.
	pkgEnd := strings.LastIndexByte(name, sep)
	simple := name[pkgEnd+1:]
	if k := strings.IndexByte(simple, '$'); k >= 0 {
		simple = simple[:k]
	}
	if s := x.simple.get(simple); s >= 0 {
		return s
	}
	if len(x.segments.slots) == 0 || pkgEnd < 0 {
		return -1
	}
	pkg := name[:pkgEnd]
	for i := 0; i <= len(pkg); {
		j := strings.IndexByte(pkg[i:], sep)
		if j < 0 {
			j = len(pkg) - i
		}
		if s := x.segments.get(pkg[i : i+j]); s >= 0 {
			return s
		}
		i += j + 1
	}
	return -1
}

// indexSDKs builds the lookup tables of sdks (sorted by id). It fails on
// signatures that two SDKs claim or that cannot be indexed; the error
// names the SDK.
func indexSDKs(sdks []SDK) (sdkIndex, error) {
	var x sdkIndex
	var simple, segments, hosts []sigKey
	var errs []error
	trie := &buildNode{sdk: -1}
	owner := map[string]int32{} // "kind\x00value" of one-owner signatures
	claim := func(kind, value string, sdk int32) (int32, bool) {
		k := kind + "\x00" + value
		if o, dup := owner[k]; dup && o != sdk {
			return o, false
		}
		owner[k] = sdk
		return sdk, true
	}
	for i, s := range sdks {
		fail := func(err error) { errs = append(errs, entryErr("sdks "+s.ID, err)) }
		n := int32(i)
		for _, p := range s.Classes {
			if o := trie.insert(p, n); o >= 0 {
				fail(fmt.Errorf("class prefix %q already belongs to %s", p, sdks[o].ID))
			}
		}
		for _, p := range s.ClassSuffixes {
			kind, key, list := "simple", strings.TrimPrefix(p, "."), &simple
			if seg, ok := strings.CutSuffix(key, "."); ok {
				kind, key, list = "segment", seg, &segments
			}
			if !isSegment(key) {
				fail(fmt.Errorf("class suffix %q: want .Name or .segment.", p))
				continue
			}
			if o, ok := claim(kind, key, n); !ok {
				fail(fmt.Errorf("class suffix %q already belongs to %s", p, sdks[o].ID))
				continue
			}
			*list = append(*list, sigKey{key, n})
		}
		for _, h := range s.Hosts {
			if o, ok := claim("host", h, n); !ok {
				fail(fmt.Errorf("host %q already belongs to %s", h, sdks[o].ID))
				continue
			}
			hosts = append(hosts, sigKey{h, n})
		}
		for _, l := range s.NativeLibs {
			x.libs = append(x.libs, sigKey{l, n})
		}
		for _, p := range s.NativeLibPatterns {
			pre, suf, ok := strings.Cut(p, "*")
			if !ok || pre == "" || strings.Contains(suf, "*") {
				fail(fmt.Errorf("native lib pattern %q: want one '*' after a prefix", p))
				continue
			}
			x.libPats = append(x.libPats, libPattern{prefix: pre, suffix: suf, sdk: s.ID})
			if !slices.Contains(x.libPrefixLens, len(pre)) {
				x.libPrefixLens = append(x.libPrefixLens, len(pre))
			}
		}
		for _, c := range s.Components {
			x.comps = append(x.comps, sigKey{c, n})
		}
		for _, c := range s.ComponentSuffixes {
			x.compSufs = append(x.compSufs, suffixRule{suffix: c, sdk: s.ID})
		}
		for _, k := range s.MetaData {
			x.metaData = append(x.metaData, sigKey{k, n})
		}
	}
	for _, l := range []*[]sigKey{&simple, &segments, &hosts, &x.libs, &x.comps, &x.metaData} {
		slices.SortFunc(*l, compareSigKeys)
		*l = slices.Compact(*l)
	}
	x.simple, x.segments, x.hosts = newStrIndex(simple), newStrIndex(segments), newStrIndex(hosts)
	slices.SortStableFunc(x.libPats, func(a, b libPattern) int { return strings.Compare(a.prefix, b.prefix) })
	slices.Sort(x.libPrefixLens)
	x.classes = trie.flatten()
	return x, errors.Join(errs...)
}

// buildNode is a node of the trie while it is built.
type buildNode struct {
	sdk  int32
	next map[string]*buildNode
}

// insert adds a dotted prefix; it returns the SDK already owning exactly that
// prefix, or -1.
func (n *buildNode) insert(prefix string, sdk int32) int32 {
	for seg := range strings.FieldsFuncSeq(prefix, func(r rune) bool { return r == '.' || r == '$' }) {
		if n.next == nil {
			n.next = make(map[string]*buildNode)
		}
		c, ok := n.next[seg]
		if !ok {
			c = &buildNode{sdk: -1}
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

// flatten numbers the nodes breadth first, children in segment order, and
// puts the edges in a hash table at most half full.
func (n *buildNode) flatten() classTrie {
	type edge struct {
		seg    string
		parent int32
	}
	var edges []edge
	t := classTrie{sdk: []int32{n.sdk}}
	queue := []*buildNode{n}
	for i := 0; i < len(queue); i++ {
		for _, seg := range slices.Sorted(maps.Keys(queue[i].next)) {
			c := queue[i].next[seg]
			edges = append(edges, edge{seg, int32(i)})
			t.sdk = append(t.sdk, c.sdk)
			queue = append(queue, c)
		}
	}
	t.edges = make([]trieEdge, tableSize(len(edges)))
	mask := uint32(len(t.edges) - 1)
	for k, e := range edges {
		i := edgeHash(e.parent, e.seg) & mask
		for t.edges[i].child != 0 {
			i = (i + 1) & mask
		}
		// Edge k leads to node k+1: nodes are numbered in edge order.
		t.edges[i] = trieEdge{seg: e.seg, parent: e.parent, child: int32(k + 1)}
	}
	return t
}
