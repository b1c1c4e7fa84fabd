// Package axml decodes Android binary XML: the compiled AndroidManifest.xml
// and compiled XML resources such as res/xml/network_security_config.xml.
//
// The layout is the chunk format of AOSP's ResourceTypes.h (ResChunk_header,
// ResStringPool_header, ResXMLTree_node and its extensions). The decoder is
// written for hostile input: packers and malware damage manifests in ways
// that the Android runtime tolerates but naive parsers do not, so every
// offset, size and count is checked, oddities are recorded in
// Document.Problems, and decoding goes on as long as the document can be
// followed. Attribute names that were stripped or replaced are restored from
// the resource-id map, which is what the runtime itself relies on.
package axml

import (
	"encoding/binary"
	"fmt"
)

// Chunk types (ResChunk_header.type).
const (
	chunkStringPool        = 0x0001
	chunkXML               = 0x0003
	chunkXMLStartNamespace = 0x0100
	chunkXMLEndNamespace   = 0x0101
	chunkXMLStartElement   = 0x0102
	chunkXMLEndElement     = 0x0103
	chunkXMLCDATA          = 0x0104
	chunkXMLResourceMap    = 0x0180
)

const (
	noIndex = 0xffffffff // ResStringPool_ref meaning "no string"

	// MaxDepth is the deepest element nesting kept in the tree; deeper
	// elements are dropped and reported in Document.Problems.
	MaxDepth = 256

	maxProblems = 100 // further problems are counted, not listed
	maxNesting  = 8   // XML header chunks nested inside each other
)

// A FormatError reports that the input is damaged at Offset.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("axml: %s (offset 0x%x)", e.Msg, e.Offset)
}

// A Document is a decoded binary XML document.
type Document struct {
	Root *Element
	// Problems lists the oddities tolerated while decoding: evidence of
	// tampering or of a broken build tool, such as a string offset out of
	// range or an attribute name that had to be restored from its
	// resource id.
	Problems []string

	namespaces []namespace // declarations, in document order
	dropped    int         // problems beyond maxProblems
}

type namespace struct{ prefix, uri string }

// An Element is one XML element.
type Element struct {
	Name     string
	Space    string // namespace URI, "" if none
	Attrs    []Attr
	Children []*Element
	Line     int    // line number in the source XML, as recorded by the compiler
	Text     string // character data directly inside the element, concatenated
}

// An Attr is one attribute of an element.
type Attr struct {
	Space string // namespace URI, "" if none
	Name  string
	// ResID is the attribute's resource id from the resource map, 0 if it
	// has none. Android identifies framework attributes by this id, not by
	// name.
	ResID uint32
	Type  uint8  // Res_value data type (TypeString, TypeIntBoolean, ...)
	Data  uint32 // Res_value data
	// Raw is the attribute's string: the typed string for TypeString
	// values, else the raw source text if the compiler kept it.
	Raw string
}

// Value returns the attribute's value as Android reads it: the string for
// string values (and for untyped values that only have a raw string), else
// the typed value formatted by FormatValue ("true", "21", "@0x7f0b0001").
func (a Attr) Value() string {
	if a.Type == TypeString || (a.Type == TypeNull && a.Raw != "") {
		return a.Raw
	}
	return FormatValue(a.Type, a.Data)
}

// Attr returns the attribute with the given namespace URI and name. For the
// android namespace it falls back to the attribute's well-known resource id,
// so attributes whose names were obfuscated are still found.
func (e *Element) Attr(space, name string) (Attr, bool) {
	for _, a := range e.Attrs {
		if a.Name == name && a.Space == space {
			return a, true
		}
	}
	if space == AndroidNS {
		if id, ok := androidAttrIDs[name]; ok {
			for _, a := range e.Attrs {
				if a.ResID == id {
					return a, true
				}
			}
		}
	}
	return Attr{}, false
}

// AndroidAttr is shorthand for e.Attr(AndroidNS, name).
func (e *Element) AndroidAttr(name string) (Attr, bool) {
	return e.Attr(AndroidNS, name)
}

// Decode parses a compiled binary XML document. When the input is damaged
// past some point it returns the document decoded so far together with a
// non-nil error, so a manifest with a bogus tail still yields its elements.
func Decode(data []byte) (*Document, error) {
	d := &decoder{data: data, doc: &Document{}, strs: map[uint32]string{}, textBudget: 2 * len(data)}
	err := d.run()
	if d.doc.dropped > 0 {
		d.doc.Problems = append(d.doc.Problems, fmt.Sprintf("%d further problems not listed", d.doc.dropped))
	}
	return d.doc, err
}

type decoder struct {
	data   []byte
	doc    *Document
	pool   *StringPool
	resMap []byte // ResXMLTree resource map: one uint32 per string index
	stack  []*Element
	deep   int // open elements beyond MaxDepth, not kept

	strs       map[uint32]string // decoded strings, each decoded once
	textBudget int               // bytes left for concatenating character data
}

var le = binary.LittleEndian

func (d *decoder) problem(format string, args ...any) {
	if len(d.doc.Problems) >= maxProblems {
		d.doc.dropped++
		return
	}
	d.doc.Problems = append(d.doc.Problems, fmt.Sprintf(format, args...))
}

func (d *decoder) run() error {
	data := d.data
	if len(data) < 8 {
		return &FormatError{0, fmt.Sprintf("file too short (%d bytes)", len(data))}
	}
	start, end := 0, len(data)
	typ, hsize, size := le.Uint16(data), int(le.Uint16(data[2:])), uint64(le.Uint32(data[4:]))
	if typ == chunkXML && hsize >= 8 && hsize <= len(data) {
		start = hsize
		switch {
		case size > uint64(len(data)):
			d.problem("declared size %d larger than file (%d bytes)", size, len(data))
		case size < uint64(hsize):
			d.problem("declared size %d smaller than its header", size)
		case size < uint64(len(data)):
			d.problem("declared size %d smaller than file; %d trailing bytes ignored", size, uint64(len(data))-size)
			end = int(size)
		}
	} else {
		d.problem("no XML header chunk at start (type 0x%04x, header size %d)", typ, hsize)
	}
	err := d.chunks(start, end, 0)
	if d.deep > 0 || len(d.stack) > 0 {
		d.problem("%d elements not closed", d.deep+len(d.stack))
	}
	if err == nil && d.doc.Root == nil {
		err = &FormatError{int64(start), "no root element"}
	}
	return err
}

// chunks decodes the chunk sequence data[off:end].
func (d *decoder) chunks(off, end, nesting int) error {
	for off < end {
		if end-off < 8 {
			d.problem("%d stray bytes at offset 0x%x", end-off, off)
			return nil
		}
		typ := le.Uint16(d.data[off:])
		hsize := int(le.Uint16(d.data[off+2:]))
		size := uint64(le.Uint32(d.data[off+4:]))
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
			d.problem("chunk type 0x%04x at offset 0x%x: bad header size %d; skipped", typ, off, hsize)
			off += int(size)
			continue
		}
		chunk := d.data[off : off+int(size)]
		switch typ {
		case chunkXML:
			d.problem("XML header chunk at offset 0x%x not first", off)
			if nesting >= maxNesting {
				return &FormatError{int64(off), "XML header chunks nested too deep"}
			}
			if err := d.chunks(off+hsize, off+int(size), nesting+1); err != nil {
				return err
			}
		case chunkStringPool:
			d.stringPool(chunk, off)
		case chunkXMLResourceMap:
			if d.resMap != nil {
				d.problem("extra resource map at offset 0x%x ignored", off)
				break
			}
			m := chunk[hsize:]
			d.resMap = m[:len(m)/4*4]
		case chunkXMLStartNamespace:
			d.startNamespace(chunk, hsize, off)
		case chunkXMLEndNamespace:
			// Nothing to keep.
		case chunkXMLCDATA:
			d.cdata(chunk, hsize, off)
		case chunkXMLStartElement:
			d.startElement(chunk, hsize, off)
		case chunkXMLEndElement:
			d.endElement(chunk, hsize, off)
		default:
			d.problem("unknown chunk type 0x%04x at offset 0x%x skipped", typ, off)
		}
		if truncated != nil {
			return truncated
		}
		off += int(size)
	}
	return nil
}

func (d *decoder) stringPool(chunk []byte, off int) {
	if d.pool != nil {
		d.problem("extra string pool at offset 0x%x ignored", off)
		return
	}
	p, err := ParseStringPool(chunk)
	if err != nil {
		d.problem("string pool at offset 0x%x: %v", off, err)
		// An empty pool: every string then reads as out of range.
		p = &StringPool{}
	}
	if d.doc.Root != nil || len(d.stack) > 0 {
		d.problem("string pool at offset 0x%x after the first element", off)
	}
	d.pool = p
}

// str returns string i of the pool, "" for noIndex or a damaged string.
func (d *decoder) str(i uint32, what string) string {
	if i == noIndex {
		return ""
	}
	if s, ok := d.strs[i]; ok {
		return s
	}
	s, err := d.pool.String(i)
	if err != nil {
		d.problem("%s: %v", what, err)
	}
	d.strs[i] = s
	return s
}

func (d *decoder) resID(i uint32) uint32 {
	if uint64(i) >= uint64(len(d.resMap)/4) {
		return 0
	}
	return le.Uint32(d.resMap[4*i:])
}

func (d *decoder) startNamespace(chunk []byte, hsize, off int) {
	ext := chunk[hsize:]
	if len(ext) < 8 {
		d.problem("namespace chunk at offset 0x%x truncated", off)
		return
	}
	prefix := d.str(le.Uint32(ext), "namespace prefix")
	uri := d.str(le.Uint32(ext[4:]), "namespace URI")
	if uri == "" {
		return
	}
	for _, ns := range d.doc.namespaces {
		if ns.uri == uri {
			return
		}
	}
	d.doc.namespaces = append(d.doc.namespaces, namespace{prefix, uri})
}

func (d *decoder) startElement(chunk []byte, hsize, off int) {
	ext := chunk[hsize:]
	if len(ext) < 20 || hsize < 16 {
		d.problem("start element at offset 0x%x truncated", off)
		// Keep the tree balanced against the matching end element.
		d.push(&Element{}, off)
		return
	}
	e := &Element{
		Line:  int(le.Uint32(chunk[8:])),
		Space: d.str(le.Uint32(ext), "element namespace"),
		Name:  d.str(le.Uint32(ext[4:]), "element name"),
	}
	if e.Name == "" {
		d.problem("element at offset 0x%x has no name", off)
	}
	attrStart := int(le.Uint16(ext[8:]))
	attrSize := int(le.Uint16(ext[10:]))
	count := int(le.Uint16(ext[12:]))
	if count > 0 {
		switch {
		case attrSize < 20:
			d.problem("element %s: attribute size %d too small; attributes ignored", e.Name, attrSize)
			count = 0
		case attrStart > len(ext):
			d.problem("element %s: attribute start %d past chunk", e.Name, attrStart)
			count = 0
		case (len(ext)-attrStart)/attrSize < count:
			fit := (len(ext) - attrStart) / attrSize
			d.problem("element %s: %d attributes declared, %d fit in chunk", e.Name, count, fit)
			count = fit
		}
	}
	e.Attrs = make([]Attr, 0, count)
	for i := range count {
		e.Attrs = append(e.Attrs, d.attr(ext[attrStart+i*attrSize:], e.Name))
	}
	d.push(e, off)
}

func (d *decoder) push(e *Element, off int) {
	if len(d.stack) >= MaxDepth {
		if d.deep == 0 {
			d.problem("elements nested deeper than %d dropped (offset 0x%x)", MaxDepth, off)
		}
		d.deep++
		return
	}
	switch {
	case len(d.stack) > 0:
		parent := d.stack[len(d.stack)-1]
		parent.Children = append(parent.Children, e)
	case d.doc.Root == nil:
		d.doc.Root = e
	default:
		d.problem("extra root element <%s> at offset 0x%x ignored", e.Name, off)
	}
	d.stack = append(d.stack, e)
}

func (d *decoder) endElement(chunk []byte, hsize, off int) {
	if d.deep > 0 {
		d.deep--
		return
	}
	if len(d.stack) == 0 {
		d.problem("end element at offset 0x%x without start", off)
		return
	}
	top := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	if ext := chunk[hsize:]; len(ext) >= 8 {
		if name := d.str(le.Uint32(ext[4:]), "end element name"); name != top.Name {
			d.problem("end element </%s> at offset 0x%x closes <%s>", name, off, top.Name)
		}
	}
}

func (d *decoder) cdata(chunk []byte, hsize, off int) {
	ext := chunk[hsize:]
	if len(ext) < 4 {
		d.problem("character data at offset 0x%x truncated", off)
		return
	}
	text := d.str(le.Uint32(ext), "character data")
	if len(d.stack) == 0 || d.deep > 0 {
		return
	}
	e := d.stack[len(d.stack)-1]
	switch {
	case e.Text == "":
		e.Text = text // shares the cached string
	case len(text) <= d.textBudget:
		// Concatenation copies; a budget keeps memory bounded by the
		// input however often a long string is referenced.
		d.textBudget -= len(e.Text) + len(text)
		e.Text += text
	default:
		d.problem("character data at offset 0x%x dropped (too much text)", off)
	}
}

// attr decodes one ResXMLTree_attribute; b holds at least 20 bytes.
func (d *decoder) attr(b []byte, elem string) Attr {
	nameIdx := le.Uint32(b[4:])
	a := Attr{
		Space: d.str(le.Uint32(b), "attribute namespace"),
		Name:  d.str(nameIdx, "attribute name"),
		ResID: d.resID(nameIdx),
		Type:  b[15],
		Data:  le.Uint32(b[16:]),
	}
	if known, ok := androidAttrs[a.ResID]; ok {
		switch a.Name {
		case known:
		case "":
			d.problem("attribute name stripped, resolved by resource id 0x%08x to %s", a.ResID, known)
		default:
			d.problem("attribute name %q does not match resource id 0x%08x, resolved to %s", a.Name, a.ResID, known)
		}
		a.Name = known
		if a.Space != AndroidNS {
			d.problem("attribute %s: namespace %q replaced by the android namespace", known, a.Space)
			a.Space = AndroidNS
		}
	} else if a.Name == "" {
		d.problem("element %s: attribute without a name (resource id 0x%08x)", elem, a.ResID)
	}
	raw := le.Uint32(b[8:])
	a.Raw = d.str(raw, "attribute "+a.Name+" raw value")
	if a.Type == TypeString {
		s := d.str(a.Data, "attribute "+a.Name+" value")
		if raw != noIndex && raw != a.Data && s != a.Raw {
			d.problem("attribute %s: raw value %q differs from typed value %q", a.Name, a.Raw, s)
		}
		a.Raw = s
	}
	return a
}
