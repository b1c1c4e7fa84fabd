// Package plist reads Apple property lists, XML ("<plist version=…>",
// Apple's DTD PropertyList-1.0) and binary ("bplist00", the format
// CoreFoundation's CFBinaryPList.c writes), into Go values:
// map[string]any (dict), []any (array, set), string, int64, uint64
// (integers past int64), float64, bool, []byte (data), time.Time (date)
// and UID (keyed archives).
//
// Property lists in apps are attacker-controlled: a binary list may
// point its references in a loop, claim more objects than its bytes can
// hold, or nest without end. Every count is checked against the bytes,
// a reference back to an object being decoded is an error, nesting is
// bounded, and the values made in total are bounded.
package plist

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// UID is a reference in an NSKeyedArchiver list.
type UID uint64

// Bounds of one list.
const (
	maxDepth  = 128
	maxValues = 1 << 20
)

var (
	// ErrFormat is returned for bytes that are neither kind of list.
	ErrFormat = errors.New("not a property list")
	errDepth  = fmt.Errorf("nested deeper than %d", maxDepth)
	errValues = fmt.Errorf("more than %d values", maxValues)
)

// Parse reads a property list of either format. Values an object list
// shares (one object referenced twice) are shared in the result too:
// callers must not modify what they get.
func Parse(b []byte) (any, error) {
	if bytes.HasPrefix(b, []byte("bplist00")) {
		return parseBinary(b)
	}
	t := bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf")
	if bytes.HasPrefix(t, []byte("<")) {
		return parseXML(b)
	}
	return nil, ErrFormat
}

// Dict returns v as a dict, or nil.
func Dict(v any) map[string]any { m, _ := v.(map[string]any); return m }

// String returns v as a string, or "".
func String(v any) string { s, _ := v.(string); return s }

// Bool returns v as a bool (false when it is not one).
func Bool(v any) bool { b, _ := v.(bool); return b }

// Array returns v as an array, or nil.
func Array(v any) []any { a, _ := v.([]any); return a }

// Strings returns the strings of an array (other elements left out).
func Strings(v any) []string {
	var out []string
	for _, e := range Array(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ---- binary ----

type binReader struct {
	b          []byte
	offsets    []uint64
	refSize    int
	decoding   []bool // objects on the current decoding path
	values     int
	offsetSize int
	// done holds each object decoded, so that an object referenced many
	// times is decoded (and its bytes copied) once: values are shared.
	done map[uint64]any
}

func parseBinary(b []byte) (any, error) {
	if len(b) < 8+32 {
		return nil, errors.New("binary plist: shorter than its header and trailer")
	}
	tr := b[len(b)-32:]
	offSize, refSize := int(tr[6]), int(tr[7])
	n := binary.BigEndian.Uint64(tr[8:])
	top := binary.BigEndian.Uint64(tr[16:])
	tableAt := binary.BigEndian.Uint64(tr[24:])
	if offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8 {
		return nil, fmt.Errorf("binary plist: offset size %d, reference size %d", offSize, refSize)
	}
	body := uint64(len(b) - 32)
	// Each object takes at least one byte, each offset offSize bytes.
	if n == 0 || n > body || tableAt < 8 || tableAt > body || n > (body-tableAt)/uint64(offSize) {
		return nil, fmt.Errorf("binary plist: %d objects, offset table at %d in %d bytes", n, tableAt, len(b))
	}
	if top >= n {
		return nil, fmt.Errorf("binary plist: top object %d of %d", top, n)
	}
	r := &binReader{b: b[:body], refSize: refSize, offsetSize: offSize, offsets: make([]uint64, n), decoding: make([]bool, n), done: map[uint64]any{}}
	for i := range r.offsets {
		r.offsets[i] = uintN(b[tableAt+uint64(i*offSize):], offSize)
	}
	return r.object(top, 0)
}

func uintN(b []byte, n int) uint64 {
	var v uint64
	for i := 0; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// need checks that n bytes are at off.
func (r *binReader) need(off, n uint64) error {
	if off > uint64(len(r.b)) || n > uint64(len(r.b))-off {
		return fmt.Errorf("binary plist: %d bytes at %d run past the end", n, off)
	}
	return nil
}

// count reads an object's length: the marker's low nibble, or an int
// object after it when the nibble is 0xF; it returns where the content
// starts.
func (r *binReader) count(off uint64, low byte) (uint64, uint64, error) {
	if low != 0xF {
		return uint64(low), off + 1, nil
	}
	if err := r.need(off+1, 1); err != nil {
		return 0, 0, err
	}
	m := r.b[off+1]
	if m>>4 != 0x1 || m&0xF > 3 {
		return 0, 0, fmt.Errorf("binary plist: bad length marker 0x%02x at %d", m, off+1)
	}
	size := uint64(1) << (m & 0xF)
	if err := r.need(off+2, size); err != nil {
		return 0, 0, err
	}
	return uintN(r.b[off+2:], int(size)), off + 2 + size, nil
}

func (r *binReader) object(i uint64, depth int) (any, error) {
	if v, ok := r.done[i]; ok {
		return v, nil
	}
	v, err := r.decode(i, depth)
	if err == nil {
		r.done[i] = v
	}
	return v, err
}

func (r *binReader) decode(i uint64, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	if r.values++; r.values > maxValues {
		return nil, errValues
	}
	if i >= uint64(len(r.offsets)) {
		return nil, fmt.Errorf("binary plist: reference %d of %d objects", i, len(r.offsets))
	}
	if r.decoding[i] {
		return nil, fmt.Errorf("binary plist: object %d contains itself", i)
	}
	off := r.offsets[i]
	if err := r.need(off, 1); err != nil {
		return nil, err
	}
	m := r.b[off]
	hi, low := m>>4, m&0xF
	switch hi {
	case 0x0:
		switch m {
		case 0x00:
			return nil, nil
		case 0x08:
			return false, nil
		case 0x09:
			return true, nil
		}
		return nil, fmt.Errorf("binary plist: marker 0x%02x at %d", m, off)
	case 0x1:
		if low > 4 {
			return nil, fmt.Errorf("binary plist: integer of 2^%d bytes", low)
		}
		size := uint64(1) << low
		if err := r.need(off+1, size); err != nil {
			return nil, err
		}
		switch size {
		case 8:
			return int64(binary.BigEndian.Uint64(r.b[off+1:])), nil
		case 16: // 128-bit: the low 64 bits, as CoreFoundation reads them
			v := binary.BigEndian.Uint64(r.b[off+9:])
			if v > math.MaxInt64 {
				return v, nil
			}
			return int64(v), nil
		}
		return int64(uintN(r.b[off+1:], int(size))), nil
	case 0x2:
		switch low {
		case 2:
			if err := r.need(off+1, 4); err != nil {
				return nil, err
			}
			return float64(math.Float32frombits(binary.BigEndian.Uint32(r.b[off+1:]))), nil
		case 3:
			if err := r.need(off+1, 8); err != nil {
				return nil, err
			}
			return math.Float64frombits(binary.BigEndian.Uint64(r.b[off+1:])), nil
		}
		return nil, fmt.Errorf("binary plist: real of 2^%d bytes", low)
	case 0x3:
		if m != 0x33 {
			return nil, fmt.Errorf("binary plist: date marker 0x%02x", m)
		}
		if err := r.need(off+1, 8); err != nil {
			return nil, err
		}
		s := math.Float64frombits(binary.BigEndian.Uint64(r.b[off+1:]))
		if math.IsNaN(s) || math.Abs(s) > 1e11 {
			return nil, fmt.Errorf("binary plist: date %g", s)
		}
		return time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(s * float64(time.Second))), nil
	case 0x4, 0x5:
		n, at, err := r.count(off, low)
		if err != nil {
			return nil, err
		}
		if err := r.need(at, n); err != nil {
			return nil, err
		}
		if hi == 0x4 {
			return bytes.Clone(r.b[at : at+n]), nil
		}
		return string(r.b[at : at+n]), nil
	case 0x6:
		n, at, err := r.count(off, low)
		if err != nil {
			return nil, err
		}
		if n > uint64(len(r.b))/2 {
			return nil, fmt.Errorf("binary plist: string of %d characters", n)
		}
		if err := r.need(at, 2*n); err != nil {
			return nil, err
		}
		u := make([]uint16, n)
		for k := range u {
			u[k] = binary.BigEndian.Uint16(r.b[at+uint64(2*k):])
		}
		return string(utf16.Decode(u)), nil
	case 0x8:
		size := uint64(low) + 1
		if err := r.need(off+1, size); err != nil {
			return nil, err
		}
		return UID(uintN(r.b[off+1:], int(size))), nil
	case 0xA, 0xC, 0xD:
		n, at, err := r.count(off, low)
		if err != nil {
			return nil, err
		}
		refs := n
		if hi == 0xD {
			refs = 2 * n
		}
		if n > uint64(len(r.b)) || refs > uint64(len(r.b))/uint64(r.refSize) {
			return nil, fmt.Errorf("binary plist: container of %d entries", n)
		}
		if err := r.need(at, refs*uint64(r.refSize)); err != nil {
			return nil, err
		}
		ref := func(k uint64) uint64 { return uintN(r.b[at+k*uint64(r.refSize):], r.refSize) }
		r.decoding[i] = true
		defer func() { r.decoding[i] = false }()
		if hi != 0xD {
			out := make([]any, 0, min(n, 1024))
			for k := uint64(0); k < n; k++ {
				v, err := r.object(ref(k), depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			return out, nil
		}
		out := make(map[string]any, min(n, 1024))
		for k := uint64(0); k < n; k++ {
			kv, err := r.object(ref(k), depth+1)
			if err != nil {
				return nil, err
			}
			key, ok := kv.(string)
			if !ok {
				return nil, fmt.Errorf("binary plist: dictionary key of type %T", kv)
			}
			v, err := r.object(ref(n+k), depth+1)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("binary plist: marker 0x%02x at %d", m, off)
}

// ---- XML ----

type xmlReader struct {
	d      *xml.Decoder
	values int
}

func parseXML(b []byte) (any, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false // Apple's tools write well-formed XML; others drift
	d.Entity = xml.HTMLEntity
	r := &xmlReader{d: d}
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return nil, errors.New("XML plist: no <plist> element")
			}
			return nil, fmt.Errorf("XML plist: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "plist" {
			return nil, fmt.Errorf("XML plist: root element <%s>", se.Name.Local)
		}
		// The first element inside <plist> is the value.
		for {
			tok, err := d.Token()
			if err != nil {
				return nil, fmt.Errorf("XML plist: %w", err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				return r.value(t, 0)
			case xml.EndElement:
				return nil, errors.New("XML plist: empty <plist>")
			}
		}
	}
}

// text reads the character data of an element up to its end.
func (r *xmlReader) text(name string) (string, error) {
	var b strings.Builder
	for {
		tok, err := r.d.Token()
		if err != nil {
			return "", fmt.Errorf("XML plist: <%s>: %w", name, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if b.Len()+len(t) > 64<<20 {
				return "", fmt.Errorf("XML plist: <%s> longer than 64 MiB", name)
			}
			b.Write(t)
		case xml.StartElement:
			return "", fmt.Errorf("XML plist: <%s> inside <%s>", t.Name.Local, name)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

func (r *xmlReader) value(se xml.StartElement, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errDepth
	}
	if r.values++; r.values > maxValues {
		return nil, errValues
	}
	name := se.Name.Local
	switch name {
	case "dict":
		out := map[string]any{}
		key, haveKey := "", false
		for {
			tok, err := r.d.Token()
			if err != nil {
				return nil, fmt.Errorf("XML plist: <dict>: %w", err)
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return out, nil
			case xml.StartElement:
				if t.Name.Local == "key" {
					if key, err = r.text("key"); err != nil {
						return nil, err
					}
					haveKey = true
					continue
				}
				if !haveKey {
					return nil, fmt.Errorf("XML plist: <%s> in a <dict> without a <key>", t.Name.Local)
				}
				v, err := r.value(t, depth+1)
				if err != nil {
					return nil, err
				}
				out[key] = v
				haveKey = false
			}
		}
	case "array":
		out := []any{}
		for {
			tok, err := r.d.Token()
			if err != nil {
				return nil, fmt.Errorf("XML plist: <array>: %w", err)
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return out, nil
			case xml.StartElement:
				v, err := r.value(t, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
		}
	case "true", "false":
		if err := r.d.Skip(); err != nil {
			return nil, fmt.Errorf("XML plist: <%s>: %w", name, err)
		}
		return name == "true", nil
	}
	s, err := r.text(name)
	if err != nil {
		return nil, err
	}
	switch name {
	case "string":
		return s, nil
	case "integer":
		s = strings.TrimSpace(s)
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			return v, nil
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("XML plist: <integer>%.40s</integer>", s)
		}
		return v, nil
	case "real":
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("XML plist: <real>%.40s</real>", s)
		}
		return v, nil
	case "date":
		v, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("XML plist: <date>%.40s</date>", s)
		}
		return v, nil
	case "data":
		clean := strings.Map(func(c rune) rune {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				return -1
			}
			return c
		}, s)
		v, err := base64.StdEncoding.DecodeString(clean)
		if err != nil {
			return nil, fmt.Errorf("XML plist: <data>: %w", err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("XML plist: unknown element <%s>", name)
}
