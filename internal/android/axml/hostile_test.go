package axml

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

type chunkPos struct {
	off, size int
	typ       uint16
}

// topChunks lists the chunks inside the XML header chunk of a clean file.
func topChunks(t *testing.T, data []byte) []chunkPos {
	t.Helper()
	var cs []chunkPos
	for off := 8; off < len(data); {
		c := chunkPos{off, int(le.Uint32(data[off+4:])), le.Uint16(data[off:])}
		cs = append(cs, c)
		off += c.size
	}
	return cs
}

func findChunk(t *testing.T, data []byte, typ uint16, nth int) chunkPos {
	t.Helper()
	for _, c := range topChunks(t, data) {
		if c.typ == typ {
			if nth == 0 {
				return c
			}
			nth--
		}
	}
	t.Fatalf("no chunk 0x%x", typ)
	return chunkPos{}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// splice returns data with data[from:to] replaced by ins, and the XML
// header's size fixed up.
func splice(data []byte, from, to int, ins []byte) []byte {
	out := append(append(clone(data[:from]), ins...), data[to:]...)
	le.PutUint32(out[4:], uint32(len(out)))
	return out
}

// stringIndex finds s in the document's string pool.
func stringIndex(t *testing.T, data []byte, s string) uint32 {
	t.Helper()
	pool, err := ParseStringPool(data[8:])
	if err != nil {
		t.Fatal(err)
	}
	for i := range pool.Len() {
		if got, _ := pool.String(uint32(i)); got == s {
			return uint32(i)
		}
	}
	t.Fatalf("string %q not in pool", s)
	return 0
}

func hasProblem(doc *Document, substr string) bool {
	for _, p := range doc.Problems {
		if strings.Contains(p, substr) {
			return true
		}
	}
	return false
}

func cleartext(t *testing.T, doc *Document) Attr {
	t.Helper()
	app := doc.Root.child("application")
	if app == nil {
		t.Fatal("no application element")
	}
	a, ok := app.AndroidAttr("usesCleartextTraffic")
	if !ok {
		t.Fatalf("usesCleartextTraffic not found; problems %q", doc.Problems)
	}
	return a
}

// The attribute name of usesCleartextTraffic is removed from the string
// pool in two ways; the decoder must restore it from the resource map.
func TestStrippedAttributeName(t *testing.T) {
	orig := readFile(t, "fixture.xml.bin")
	idx := stringIndex(t, orig, "usesCleartextTraffic")
	hsize := int(le.Uint16(orig[8+2:]))
	entry := 8 + hsize + 4*int(idx) // the string's slot in the offset array

	t.Run("index zeroed", func(t *testing.T) {
		data := clone(orig)
		le.PutUint32(data[entry:], 0) // now reads string #0
		doc, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		a := cleartext(t, doc)
		if a.Name != "usesCleartextTraffic" || a.Value() != "true" || a.ResID != 0x010104ec {
			t.Errorf("got %+v", a)
		}
		if !hasProblem(doc, "does not match resource id 0x010104ec") {
			t.Errorf("problems = %q", doc.Problems)
		}
	})
	t.Run("name emptied", func(t *testing.T) {
		data := clone(orig)
		strStart := 8 + int(le.Uint32(orig[8+20:]))
		off := strStart + int(le.Uint32(orig[entry:]))
		le.PutUint16(data[off:], 0) // UTF-16 length 0
		le.PutUint16(data[off+2:], 0)
		doc, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if a := cleartext(t, doc); a.Name != "usesCleartextTraffic" || a.Value() != "true" {
			t.Errorf("got %+v", a)
		}
		if !hasProblem(doc, "attribute name stripped, resolved by resource id 0x010104ec") {
			t.Errorf("problems = %q", doc.Problems)
		}
	})
}

func TestHostile(t *testing.T) {
	orig := readFile(t, "fixture.xml.bin")
	want := xmltree(decodeFile(t, "fixture"))
	pool := findChunk(t, orig, chunkStringPool, 0)
	resMap := findChunk(t, orig, chunkXMLResourceMap, 0)
	app := findChunk(t, orig, chunkXMLStartElement, 11) // <application>
	lastEnd := topChunks(t, orig)[len(topChunks(t, orig))-2]

	unknown := make([]byte, 16)
	le.PutUint16(unknown, 0x0777)
	le.PutUint16(unknown[2:], 8)
	le.PutUint32(unknown[4:], 16)

	for _, tt := range []struct {
		name    string
		mutate  func([]byte) []byte
		err     bool   // Decode must fail
		same    bool   // the tree must equal the clean one
		problem string // a Problem must contain this
	}{
		{"unknown chunk interleaved", func(d []byte) []byte {
			return splice(d, resMap.off, resMap.off, unknown)
		}, false, true, "unknown chunk type 0x0777"},
		{"XML header not first", func(d []byte) []byte {
			return append(clone(unknown), d...)
		}, false, true, "not first"},
		{"declared size too large", func(d []byte) []byte {
			le.PutUint32(d[4:], uint32(len(d))+1000)
			return d
		}, false, true, "larger than file"},
		{"trailing garbage", func(d []byte) []byte {
			n := len(d)
			d = append(d, bytes.Repeat([]byte{0xff}, 64)...)
			le.PutUint32(d[4:], uint32(n))
			return d
		}, false, true, "64 trailing bytes ignored"},
		{"namespace chunks missing", func(d []byte) []byte {
			d = splice(d, lastEnd.off+lastEnd.size, len(d), nil) // end namespace
			ns := findChunk(t, d, chunkXMLStartNamespace, 0)
			return splice(d, ns.off, ns.off+ns.size, nil)
		}, false, true, ""},
		{"last end element missing", func(d []byte) []byte {
			return splice(d, lastEnd.off, lastEnd.off+lastEnd.size, nil)
		}, false, true, "1 elements not closed"},
		{"end element repeated", func(d []byte) []byte {
			c := clone(d[lastEnd.off : lastEnd.off+lastEnd.size])
			return splice(d, lastEnd.off, lastEnd.off, c)
		}, false, false, "without start"},
		{"zero chunk size", func(d []byte) []byte {
			le.PutUint32(d[app.off+4:], 0)
			return d
		}, true, false, ""},
		{"string pool count huge", func(d []byte) []byte {
			le.PutUint32(d[pool.off+8:], 0x7fffffff)
			return d
		}, false, false, "exceeds chunk"},
		{"string pool header size bogus", func(d []byte) []byte {
			le.PutUint16(d[pool.off+2:], 0xfff0)
			return d
		}, false, false, "bad header size 65520"},
		{"string offset out of range", func(d []byte) []byte {
			le.PutUint32(d[pool.off+28+4*3:], 0x7ffffff0)
			return d
		}, false, false, "string pool offset 2147483632 out of range"},
		{"UTF-8 flag on a UTF-16 pool", func(d []byte) []byte {
			le.PutUint32(d[pool.off+16:], poolUTF8)
			return d
		}, false, false, "string at offset"},
		{"attribute count huge", func(d []byte) []byte {
			le.PutUint16(d[app.off+16+12:], 0xffff)
			return d
		}, false, false, "65535 attributes declared"},
		{"attribute size too small", func(d []byte) []byte {
			le.PutUint16(d[app.off+16+10:], 4)
			return d
		}, false, false, "attribute size 4 too small"},
		{"chunk size past end", func(d []byte) []byte {
			le.PutUint32(d[lastEnd.off+4:], 0x10000)
			return d
		}, true, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Decode(tt.mutate(clone(orig)))
			if (err != nil) != tt.err {
				t.Errorf("err = %v, want error %v", err, tt.err)
			}
			if doc == nil {
				t.Fatal("nil document")
			}
			if tt.same {
				if got := xmltree(doc); got != want {
					t.Errorf("tree changed:\n%s", got)
				}
			}
			if tt.problem != "" && !hasProblem(doc, tt.problem) {
				t.Errorf("no problem %q in %q", tt.problem, doc.Problems)
			}
			_ = doc.XML()
		})
	}
}

// With the string pool unusable, framework attributes still resolve by id.
func TestBrokenPoolStillResolvesByID(t *testing.T) {
	data := readFile(t, "fixture.xml.bin")
	le.PutUint32(data[8+8:], 0x7fffffff) // string count
	doc, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := doc.Root.AndroidAttr("versionCode"); !ok || a.Value() != "42" {
		t.Errorf("versionCode = %+v, %v", a, ok)
	}
}

func TestTruncated(t *testing.T) {
	data := readFile(t, "fixture.xml.bin")
	for n := range len(data) {
		doc, err := Decode(data[:n])
		if doc == nil {
			t.Fatalf("len %d: nil document", n)
		}
		if err == nil && len(doc.Problems) == 0 {
			t.Errorf("len %d: truncation not reported", n)
		}
	}
}

// docBuilder writes small binary XML documents for cases no tool emits.
type docBuilder struct {
	strs map[string]uint32
	list []string
	body []byte
}

func (b *docBuilder) idx(s string) uint32 {
	if b.strs == nil {
		b.strs = map[string]uint32{}
	}
	if i, ok := b.strs[s]; ok {
		return i
	}
	b.strs[s] = uint32(len(b.list))
	b.list = append(b.list, s)
	return b.strs[s]
}

func (b *docBuilder) node(typ uint16, ext ...uint32) {
	size := 16 + 4*len(ext)
	c := make([]byte, size)
	le.PutUint16(c, typ)
	le.PutUint16(c[2:], 16)
	le.PutUint32(c[4:], uint32(size))
	le.PutUint32(c[12:], noIndex)
	for i, v := range ext {
		le.PutUint32(c[16+4*i:], v)
	}
	b.body = append(b.body, c...)
}

func (b *docBuilder) start(name string) {
	// ns, name, attributeStart=20 | attributeSize=20<<16, count 0, ids 0
	b.node(chunkXMLStartElement, noIndex, b.idx(name), 20|20<<16, 0, 0)
}

func (b *docBuilder) end(name string) { b.node(chunkXMLEndElement, noIndex, b.idx(name)) }

func (b *docBuilder) bytes() []byte {
	var pool []byte
	var strData []byte
	offs := make([]byte, 4*len(b.list))
	for i, s := range b.list {
		le.PutUint32(offs[4*i:], uint32(len(strData)))
		u := utf16.Encode([]rune(s))
		strData = binary.LittleEndian.AppendUint16(strData, uint16(len(u)))
		for _, c := range u {
			strData = le.AppendUint16(strData, c)
		}
		strData = le.AppendUint16(strData, 0)
	}
	for len(strData)%4 != 0 {
		strData = append(strData, 0)
	}
	hdr := make([]byte, 28)
	le.PutUint16(hdr, chunkStringPool)
	le.PutUint16(hdr[2:], 28)
	le.PutUint32(hdr[4:], uint32(28+len(offs)+len(strData)))
	le.PutUint32(hdr[8:], uint32(len(b.list)))
	le.PutUint32(hdr[20:], uint32(28+len(offs)))
	pool = append(append(hdr, offs...), strData...)
	out := make([]byte, 8, 8+len(pool)+len(b.body))
	le.PutUint16(out, chunkXML)
	le.PutUint16(out[2:], 8)
	out = append(append(out, pool...), b.body...)
	le.PutUint32(out[4:], uint32(len(out)))
	return out
}

func TestDeepNesting(t *testing.T) {
	var b docBuilder
	const n = 5000
	for range n {
		b.start("e")
	}
	for range n {
		b.end("e")
	}
	b.start("tail")
	b.end("tail")
	doc, err := Decode(b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for e := doc.Root; e != nil; depth++ {
		if len(e.Children) == 0 {
			break
		}
		e = e.Children[0]
	}
	if depth != MaxDepth-1 {
		t.Errorf("depth = %d, want %d", depth+1, MaxDepth)
	}
	if !hasProblem(doc, "nested deeper than 256") || !hasProblem(doc, "extra root element <tail>") {
		t.Errorf("problems = %q", doc.Problems)
	}
	_ = doc.XML()
}

func TestZeroSizeChunkDoesNotLoop(t *testing.T) {
	var b docBuilder
	b.start("manifest")
	b.end("manifest")
	data := b.bytes()
	data = append(data, make([]byte, 8)...) // a chunk header of size 0
	le.PutUint32(data[4:], uint32(len(data)))
	doc, err := Decode(data)
	if err == nil || doc.Root == nil || doc.Root.Name != "manifest" {
		t.Errorf("doc = %+v, err = %v", doc, err)
	}
}

func TestManyStringReferencesBounded(t *testing.T) {
	// One long string referenced as character data many times must not
	// multiply memory.
	var b docBuilder
	long := strings.Repeat("x", 1<<14)
	b.start("r")
	for range 2000 {
		b.node(chunkXMLCDATA, b.idx(long), 8<<0|TypeString<<24, 0)
	}
	b.end("r")
	data := b.bytes()
	doc, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Root.Text) > 3*len(data) {
		t.Errorf("text grew to %d bytes from %d bytes of input", len(doc.Root.Text), len(data))
	}
	if !hasProblem(doc, "too much text") {
		t.Errorf("problems = %q", doc.Problems)
	}
}

func FuzzDecode(f *testing.F) {
	for _, name := range realDocs {
		f.Add(readFile(f, name+".xml.bin"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(data)
		if doc == nil {
			t.Fatal("nil document")
		}
		if doc.Root == nil && err == nil {
			t.Fatal("no root and no error")
		}
		_ = doc.XML()
		if doc.Root != nil {
			doc.Root.AndroidAttr("name")
		}
	})
}
