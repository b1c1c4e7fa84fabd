// Package arsc reads Android resource tables (resources.arsc) and resolves
// resource ids to values: the application label behind
// android:label="@string/app_name", the file behind
// android:networkSecurityConfig="@xml/network_security_config", and so on.
//
// The layout is the chunk format of AOSP's ResourceTypes.h (ResTable_header,
// ResTable_package, ResTable_typeSpec, ResTable_type, ResTable_entry,
// Res_value). Input is treated as hostile: every offset and count is checked
// before use, tolerated oddities are recorded in Table.Problems, and a
// damaged table yields what could be read along with an error.
package arsc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/hegui/hegui/internal/android/axml"
)

// Chunk types (ResChunk_header.type).
const (
	chunkStringPool        = 0x0001
	chunkTable             = 0x0002
	chunkPackage           = 0x0200
	chunkType              = 0x0201
	chunkTypeSpec          = 0x0202
	chunkLibrary           = 0x0203
	chunkOverlayable       = 0x0204
	chunkOverlayablePolicy = 0x0205
	chunkStagedAlias       = 0x0206
)

// ResTable_type flags and ResTable_entry flags.
const (
	typeSparse   = 0x01
	typeOffset16 = 0x02

	entryComplex = 0x0001
	entryCompact = 0x0008

	noEntry    = 0xffffffff
	noEntry16  = 0xffff
	maxRefs    = 32  // references followed before giving up
	maxProblem = 100 // further problems are counted, not listed
)

// ErrNotFound is returned (wrapped) for an id with no entry in the table.
var ErrNotFound = errors.New("resource not found")

// A FormatError reports that the input is damaged at Offset.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("arsc: %s (offset 0x%x)", e.Msg, e.Offset)
}

// A Table is a parsed resource table.
type Table struct {
	Packages []Package
	// Problems lists the oddities tolerated while parsing, such as chunks
	// of unknown type or counts that did not fit their chunk.
	Problems []string

	strings *axml.StringPool // global value strings
	pkgs    map[uint8]*pkg
	dropped int
}

// A Package is one package of resources in the table.
type Package struct {
	ID   uint32 // 0x7f for an application, 0x01 for the framework
	Name string
}

type pkg struct {
	id          uint8
	typeStrings *axml.StringPool
	keyStrings  *axml.StringPool
	types       map[uint8][]*typeChunk // by type id, in file order
}

// A typeChunk is one ResTable_type: the entries of one type in one
// configuration.
type typeChunk struct {
	flags      uint8
	entryCount int
	chunk      []byte // the chunk, clamped to the input
	offsets    int    // position of the entry offset array
	entries    int    // position of the entry data
	locale     string // BCP 47 style: "", "zh", "zh-CN", "sr-Latn"
	extra      int    // number of non-locale qualifier bytes set
}

var le = binary.LittleEndian

func (t *Table) problem(format string, args ...any) {
	if len(t.Problems) >= maxProblem {
		t.dropped++
		return
	}
	t.Problems = append(t.Problems, fmt.Sprintf(format, args...))
}

// Parse reads a resource table. When the input is damaged it returns the
// table read so far together with a non-nil error.
func Parse(data []byte) (*Table, error) {
	t := &Table{pkgs: map[uint8]*pkg{}}
	err := t.parse(data)
	if t.dropped > 0 {
		t.Problems = append(t.Problems, fmt.Sprintf("%d further problems not listed", t.dropped))
	}
	return t, err
}

func (t *Table) parse(data []byte) error {
	if len(data) < 12 {
		return &FormatError{0, fmt.Sprintf("file too short (%d bytes)", len(data))}
	}
	typ, hsize, size := le.Uint16(data), int(le.Uint16(data[2:])), uint64(le.Uint32(data[4:]))
	start, end := 0, len(data)
	if typ == chunkTable && hsize >= 12 && hsize <= len(data) {
		start = hsize
		switch {
		case size > uint64(len(data)):
			t.problem("declared size %d larger than file (%d bytes)", size, len(data))
		case size < uint64(hsize):
			t.problem("declared size %d smaller than its header", size)
		case size < uint64(len(data)):
			t.problem("declared size %d smaller than file; %d trailing bytes ignored", size, uint64(len(data))-size)
			end = int(size)
		}
		if n := le.Uint32(data[8:]); n > 0xff {
			t.problem("package count %d", n)
		}
	} else {
		t.problem("no table header at start (type 0x%04x, header size %d)", typ, hsize)
	}
	err := walk(data, start, end, func(off int, typ uint16, hsize int, chunk []byte) error {
		switch typ {
		case chunkStringPool:
			if t.strings != nil {
				t.problem("extra string pool at offset 0x%x ignored", off)
				return nil
			}
			p, err := axml.ParseStringPool(chunk)
			if err != nil {
				t.problem("global string pool at offset 0x%x: %v", off, err)
				p = &axml.StringPool{}
			}
			t.strings = p
		case chunkPackage:
			return t.parsePackage(off, hsize, chunk)
		default:
			t.problem("unknown chunk type 0x%04x at offset 0x%x skipped", typ, off)
		}
		return nil
	}, t.problem)
	if err == nil && len(t.Packages) == 0 {
		err = &FormatError{int64(start), "no packages"}
	}
	return err
}

// walk calls fn for each chunk in data[off:end]. Chunks with a bad header
// size are skipped; a chunk whose size is impossible ends the walk with an
// error, since nothing after it can be located.
func walk(data []byte, off, end int, fn func(off int, typ uint16, hsize int, chunk []byte) error, problem func(string, ...any)) error {
	for off < end {
		if end-off < 8 {
			problem("%d stray bytes at offset 0x%x", end-off, off)
			return nil
		}
		typ := le.Uint16(data[off:])
		hsize := int(le.Uint16(data[off+2:]))
		size := uint64(le.Uint32(data[off+4:]))
		if size < 8 {
			return &FormatError{int64(off), fmt.Sprintf("chunk type 0x%04x: bad size %d", typ, size)}
		}
		var truncated error
		if size > uint64(end-off) {
			truncated = &FormatError{int64(off), fmt.Sprintf("chunk type 0x%04x: size %d past end of data", typ, size)}
			size = uint64(end - off)
		}
		if hsize < 8 || uint64(hsize) > size {
			if truncated != nil {
				return truncated
			}
			problem("chunk type 0x%04x at offset 0x%x: bad header size %d; skipped", typ, off, hsize)
		} else if err := fn(off, typ, hsize, data[off:off+int(size)]); err != nil {
			return err
		}
		if truncated != nil {
			return truncated
		}
		off += int(size)
	}
	return nil
}

func (t *Table) parsePackage(off, hsize int, chunk []byte) error {
	if hsize < 284 {
		t.problem("package at offset 0x%x: header size %d too small; skipped", off, hsize)
		return nil
	}
	id := le.Uint32(chunk[8:])
	name := utf16z(chunk[12:268])
	if id > 0xff {
		t.problem("package %q: id 0x%x out of range; skipped", name, id)
		return nil
	}
	p := t.pkgs[uint8(id)]
	if p == nil {
		p = &pkg{id: uint8(id), types: map[uint8][]*typeChunk{}}
		t.pkgs[uint8(id)] = p
		t.Packages = append(t.Packages, Package{ID: id, Name: name})
	} else {
		t.problem("package 0x%02x appears twice; merged", id)
	}
	typeStrings, keyStrings := int(le.Uint32(chunk[268:])), int(le.Uint32(chunk[276:]))
	var pools []*axml.StringPool
	err := walk(chunk, hsize, len(chunk), func(coff int, typ uint16, chsize int, c []byte) error {
		switch typ {
		case chunkStringPool:
			sp, err := axml.ParseStringPool(c)
			if err != nil {
				t.problem("package %q string pool at offset 0x%x: %v", name, off+coff, err)
				sp = &axml.StringPool{}
			}
			switch {
			case coff == typeStrings && p.typeStrings == nil:
				p.typeStrings = sp
			case coff == keyStrings && p.keyStrings == nil:
				p.keyStrings = sp
			default:
				pools = append(pools, sp)
			}
		case chunkType:
			t.parseType(p, off+coff, chsize, c)
		case chunkTypeSpec, chunkLibrary, chunkOverlayable, chunkOverlayablePolicy, chunkStagedAlias:
			// Not needed to resolve values.
		default:
			t.problem("unknown chunk type 0x%04x at offset 0x%x skipped", typ, off+coff)
		}
		return nil
	}, t.problem)
	// Pools not at their declared offsets fill the missing roles in order.
	for _, sp := range pools {
		switch {
		case p.typeStrings == nil:
			t.problem("package %q: type strings not at declared offset", name)
			p.typeStrings = sp
		case p.keyStrings == nil:
			t.problem("package %q: key strings not at declared offset", name)
			p.keyStrings = sp
		default:
			t.problem("package %q: extra string pool ignored", name)
		}
	}
	if err != nil {
		return fmt.Errorf("package %q: %w", name, err)
	}
	return nil
}

func (t *Table) parseType(p *pkg, off, hsize int, c []byte) {
	if hsize < 24 {
		t.problem("type chunk at offset 0x%x: header size %d too small; skipped", off, hsize)
		return
	}
	id := c[8]
	if id == 0 {
		t.problem("type chunk at offset 0x%x: type id 0; skipped", off)
		return
	}
	tc := &typeChunk{flags: c[9], chunk: c, offsets: hsize, entries: int(le.Uint32(c[16:]))}
	count := uint64(le.Uint32(c[12:]))
	width := uint64(4)
	if tc.flags&typeOffset16 != 0 && tc.flags&typeSparse == 0 {
		width = 2
	}
	limit := uint64(len(c))
	if uint64(tc.entries) <= limit && tc.entries >= hsize {
		limit = uint64(tc.entries)
	} else {
		t.problem("type chunk at offset 0x%x: entries start %d out of range; skipped", off, tc.entries)
		return
	}
	if room := (limit - uint64(hsize)) / width; count > room {
		t.problem("type chunk at offset 0x%x: %d entries declared, room for %d", off, count, room)
		count = room
	}
	tc.entryCount = int(count)
	var cfg [64]byte
	cfgBytes := c[20:hsize]
	if n := int(le.Uint32(cfgBytes)); n < len(cfgBytes) && n >= 4 {
		cfgBytes = cfgBytes[:n]
	}
	copy(cfg[:], cfgBytes)
	tc.locale, tc.extra = configLocale(cfg[:])
	p.types[id] = append(p.types[id], tc)
}

// configLocale decodes the locale of a ResTable_config and counts the
// other qualifier bytes that are set.
func configLocale(cfg []byte) (string, int) {
	extra := 0
	for i, b := range cfg {
		inLocale := (i >= 8 && i < 12) || (i >= 36 && i < 48)
		if i >= 4 && !inLocale && b != 0 {
			extra++
		}
	}
	lang := unpackLocale(cfg[8], cfg[9], 'a')
	if lang == "" {
		return "", extra
	}
	tag := lang
	if s := strings.TrimRight(string(cfg[36:40]), "\x00"); s != "" {
		tag += "-" + s
	}
	if r := unpackLocale(cfg[10], cfg[11], '0'); r != "" {
		tag += "-" + r
	}
	return tag, extra
}

// unpackLocale decodes a two-byte language or region code; three-letter
// codes are packed into 5-bit fields when the high bit is set.
func unpackLocale(b0, b1, base byte) string {
	if b0 == 0 {
		return ""
	}
	if b0&0x80 == 0 {
		if b1 == 0 {
			return string(rune(b0))
		}
		return string([]byte{b0, b1})
	}
	return string([]byte{
		base + b1&0x1f,
		base + ((b1&0xe0)>>5 | (b0&0x03)<<3),
		base + (b0&0x7c)>>2,
	})
}

// utf16z decodes a NUL-terminated UTF-16 string from a fixed-size field.
func utf16z(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := le.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
