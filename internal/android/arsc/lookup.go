package arsc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/android/axml"
)

// A Value is a resource value. Simple values carry a Res_value type and
// data (the axml.Type constants); strings also carry the string itself, so
// a res/xml file reads as Str "res/xml/network_security_config.xml".
// Complex entries (arrays, plurals, styles) have Items instead.
type Value struct {
	Type  uint8
	Data  uint32
	Str   string // the string of a TypeString value
	Items []Item // the items of a complex entry, nil for a simple one
}

// An Item is one name/value pair of a complex entry. For arrays Name is
// 0x02000000+index; for plurals it is a quantity attribute id.
type Item struct {
	Name  uint32
	Value Value
}

// IsComplex reports whether v is a complex (map) entry.
func (v Value) IsComplex() bool { return v.Items != nil }

// String renders v: the string itself for strings, else the formatted
// typed value ("true", "12", "@0x01040000").
func (v Value) String() string {
	if v.Type == axml.TypeString {
		return v.Str
	}
	if v.IsComplex() {
		return fmt.Sprintf("(complex, %d items)", len(v.Items))
	}
	return axml.FormatValue(v.Type, v.Data)
}

// A candidate is one configuration's entry for a resource.
type candidate struct {
	tc    *typeChunk
	entry []byte // from the entry to the end of the chunk
}

func splitID(id uint32) (pkgID, typeID uint8, entry uint16) {
	return uint8(id >> 24), uint8(id >> 16), uint16(id)
}

// candidates returns the entries of id in every configuration that has one.
func (t *Table) candidates(id uint32) (*pkg, []candidate) {
	pid, tid, eid := splitID(id)
	p := t.pkgs[pid]
	if p == nil {
		return nil, nil
	}
	var cs []candidate
	for _, tc := range p.types[tid] {
		if e := tc.entry(eid); e != nil {
			cs = append(cs, candidate{tc, e})
		}
	}
	return p, cs
}

// entry locates entry idx; nil when the configuration has none.
func (tc *typeChunk) entry(idx uint16) []byte {
	var off uint64
	c := tc.chunk
	switch {
	case tc.flags&typeSparse != 0:
		// Pairs of (entry index, offset/4), sorted by index; scanned
		// linearly so that an unsorted table cannot hide entries.
		found := false
		for i := range tc.entryCount {
			p := tc.offsets + 4*i
			if le.Uint16(c[p:]) == idx {
				off, found = uint64(le.Uint16(c[p+2:]))*4, true
				break
			}
		}
		if !found {
			return nil
		}
	case tc.flags&typeOffset16 != 0:
		if int(idx) >= tc.entryCount {
			return nil
		}
		v := le.Uint16(c[tc.offsets+2*int(idx):])
		if v == noEntry16 {
			return nil
		}
		off = uint64(v) * 4
	default:
		if int(idx) >= tc.entryCount {
			return nil
		}
		v := le.Uint32(c[tc.offsets+4*int(idx):])
		if v == noEntry {
			return nil
		}
		off = uint64(v)
	}
	pos := uint64(tc.entries) + off
	if pos+8 > uint64(len(c)) {
		return nil
	}
	return c[pos:]
}

// choose picks the candidate for the preferred locales: the first pref
// that some configuration matches wins, and among configurations of that
// locale the one with fewest other qualifiers; then the default
// configuration, then any.
func choose(cs []candidate, prefs []string) (candidate, bool) {
	if len(cs) == 0 {
		return candidate{}, false
	}
	best := func(match func(*typeChunk) bool) (candidate, bool) {
		var b candidate
		found := false
		for _, c := range cs {
			if match(c.tc) && (!found || c.tc.extra < b.tc.extra) {
				b, found = c, true
			}
		}
		return b, found
	}
	for _, p := range prefs {
		p = strings.ReplaceAll(p, "_", "-")
		if c, ok := best(func(tc *typeChunk) bool { return strings.EqualFold(tc.locale, p) }); ok {
			return c, true
		}
	}
	if c, ok := best(func(tc *typeChunk) bool { return tc.locale == "" }); ok {
		return c, true
	}
	return cs[0], true
}

// decode reads the entry's value.
func (t *Table) decode(e []byte) (Value, error) {
	size, flags := int(le.Uint16(e)), le.Uint16(e[2:])
	if flags&entryCompact != 0 {
		// Compact entry: key in the size field, type in the high byte
		// of the flags, data in place of the key.
		return t.simple(uint8(flags>>8), le.Uint32(e[4:]))
	}
	if flags&entryComplex == 0 {
		if size < 8 || size+8 > len(e) {
			return Value{}, fmt.Errorf("entry size %d out of range", size)
		}
		v := e[size:]
		return t.simple(v[3], le.Uint32(v[4:]))
	}
	if size < 16 || size > len(e) {
		return Value{}, fmt.Errorf("map entry size %d out of range", size)
	}
	count := int(le.Uint32(e[12:]))
	if room := (len(e) - size) / 12; count > room {
		return Value{}, fmt.Errorf("map entry count %d exceeds chunk (room for %d)", count, room)
	}
	v := Value{Items: make([]Item, 0, count)}
	for i := range count {
		m := e[size+12*i:]
		iv, err := t.simple(m[7], le.Uint32(m[8:]))
		if err != nil {
			return Value{}, fmt.Errorf("map item %d: %w", i, err)
		}
		v.Items = append(v.Items, Item{Name: le.Uint32(m), Value: iv})
	}
	return v, nil
}

func (t *Table) simple(typ uint8, data uint32) (Value, error) {
	v := Value{Type: typ, Data: data}
	if typ == axml.TypeString {
		s, err := t.strings.String(data)
		if err != nil {
			return Value{}, err
		}
		v.Str = s
	}
	return v, nil
}

// Value returns the value of resource id in the configuration preferred by
// prefs (see String), following references inside the table. A reference
// that leaves the table (to the framework, say) is returned as is.
func (t *Table) Value(id uint32, prefs ...string) (Value, error) {
	if len(prefs) == 0 {
		prefs = []string{""}
	}
	start := id
	seen := make(map[uint32]bool)
	for range maxRefs {
		seen[id] = true
		p, cs := t.candidates(id)
		c, ok := choose(cs, prefs)
		if !ok {
			if p == nil && id != start {
				// A reference out of the table.
				return Value{Type: axml.TypeReference, Data: id}, nil
			}
			return Value{}, fmt.Errorf("arsc: 0x%08x: %w", id, ErrNotFound)
		}
		v, err := t.decode(c.entry)
		if err != nil {
			return Value{}, fmt.Errorf("arsc: 0x%08x: %w", id, err)
		}
		if (v.Type != axml.TypeReference && v.Type != axml.TypeDynamicReference) || v.Data == 0 || v.IsComplex() {
			return v, nil
		}
		next := v.Data
		if next>>24 == 0 {
			next |= uint32(p.id) << 24 // a reference within a shared library
		}
		if seen[next] {
			return Value{}, fmt.Errorf("arsc: 0x%08x: reference cycle through 0x%08x", start, next)
		}
		id = next
	}
	return Value{}, fmt.Errorf("arsc: 0x%08x: more than %d references", start, maxRefs)
}

// String resolves id to a string, following references, in the
// configuration whose locale best matches prefs: each pref in order is a
// BCP 47 tag such as "zh-CN" or "zh", "" meaning the default (no locale).
// Without a match it falls back to the default configuration, then to any.
// Simple non-string values are formatted as by Value.String; complex
// entries and references leaving the table are errors.
func (t *Table) String(id uint32, prefs ...string) (string, error) {
	v, err := t.Value(id, prefs...)
	if err != nil {
		return "", err
	}
	switch {
	case v.IsComplex():
		return "", fmt.Errorf("arsc: 0x%08x: complex entry has no single string", id)
	case v.Type == axml.TypeReference || v.Type == axml.TypeDynamicReference:
		return "", fmt.Errorf("arsc: 0x%08x: refers to 0x%08x outside the table: %w", id, v.Data, ErrNotFound)
	}
	return v.String(), nil
}

// Name returns the type and entry name of id, such as "string/app_name"
// or "xml/network_security_config".
func (t *Table) Name(id uint32) (string, error) {
	p, cs := t.candidates(id)
	if len(cs) == 0 {
		return "", fmt.Errorf("arsc: 0x%08x: %w", id, ErrNotFound)
	}
	_, tid, _ := splitID(id)
	typ, err := p.typeStrings.String(uint32(tid) - 1)
	if err != nil {
		return "", fmt.Errorf("arsc: 0x%08x: type name: %w", id, err)
	}
	e := cs[0].entry
	key := le.Uint32(e[4:])
	if le.Uint16(e[2:])&entryCompact != 0 {
		key = uint32(le.Uint16(e))
	}
	name, err := p.keyStrings.String(key)
	if err != nil {
		return "", fmt.Errorf("arsc: 0x%08x: key name: %w", id, err)
	}
	return typ + "/" + name, nil
}

// StringIDs returns the ids of the entries of every "string" type, in
// package, type and entry order (each id once, whatever its
// configurations). Hostile tables are bounded by their entry counts, at
// most 65536 per type chunk.
func (t *Table) StringIDs() []uint32 {
	var out []uint32
	seen := map[uint32]bool{}
	pids := make([]int, 0, len(t.pkgs))
	for pid := range t.pkgs {
		pids = append(pids, int(pid))
	}
	slices.Sort(pids)
	for _, pid := range pids {
		p := t.pkgs[uint8(pid)]
		tids := make([]int, 0, len(p.types))
		for tid := range p.types {
			tids = append(tids, int(tid))
		}
		slices.Sort(tids)
		for _, tid := range tids {
			if tid == 0 {
				continue
			}
			if name, err := p.typeStrings.String(uint32(tid) - 1); err != nil || name != "string" {
				continue
			}
			for _, tc := range p.types[uint8(tid)] {
				for e := 0; e < tc.entryCount && e < 1<<16; e++ {
					id := uint32(pid)<<24 | uint32(tid)<<16 | uint32(e)
					if !seen[id] {
						seen[id] = true
						out = append(out, id)
					}
				}
			}
		}
	}
	return out
}
