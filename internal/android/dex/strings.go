package dex

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// uleb128 decodes an unsigned LEB128 value of at most five bytes starting at
// data[off]. It returns the value and the offset just past it.
func uleb128(data []byte, off uint64) (uint32, uint64, error) {
	var v uint32
	for i := uint64(0); i < maxLEB128Size; i++ {
		if off+i >= uint64(len(data)) {
			return 0, 0, formatErr(off, "uleb128 runs past end of data")
		}
		b := data[off+i]
		v |= uint32(b&0x7f) << (7 * i)
		if b < 0x80 {
			// Bits beyond the 32nd are ignored, as the Android runtime does.
			return v, off + i + 1, nil
		}
	}
	return 0, 0, formatErr(off, "uleb128 longer than 5 bytes")
}

// String returns string i, decoded from Modified UTF-8 into UTF-8. Encoded
// NUL characters (C0 80) become U+0000, surrogate pairs are joined into one
// code point, and bytes that do not form valid Modified UTF-8 (including
// unpaired surrogates) become U+FFFD. Each call decodes afresh; a string made
// of ASCII characters costs one allocation.
func (f *File) String(i uint32) (string, error) {
	b, err := f.stringBytes(i)
	if err != nil {
		return "", err
	}
	return decodeMUTF8(b), nil
}

// StringBytes returns the raw Modified UTF-8 bytes of string i, without the
// terminating NUL, as a slice of the image. It does not allocate.
func (f *File) StringBytes(i uint32) ([]byte, error) { return f.stringBytes(i) }

func (f *File) stringBytes(i uint32) ([]byte, error) {
	if uint64(i) >= uint64(len(f.stringIDs)/stringIDSize) {
		return nil, idErr("string", i, uint32(len(f.stringIDs)/stringIDSize))
	}
	off := binary.LittleEndian.Uint32(f.stringIDs[i*stringIDSize:])
	utf16Len, p, err := uleb128(f.data, uint64(off))
	if err != nil {
		return nil, wrap(err, "string_ids[%d]", i)
	}
	// Each UTF-16 code unit takes at most three bytes of Modified UTF-8,
	// which bounds the search for the terminator.
	limit := p + 3*uint64(utf16Len) + 1
	if limit > uint64(len(f.data)) {
		limit = uint64(len(f.data))
	}
	n := bytes.IndexByte(f.data[p:limit], 0)
	if n < 0 {
		return nil, wrap(formatErr(uint64(off), "unterminated string_data_item"), "string_ids[%d]", i)
	}
	return f.data[p : p+uint64(n) : p+uint64(n)], nil
}

// decodeMUTF8 converts Modified UTF-8 to UTF-8.
func decodeMUTF8(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+len(b)/2)
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			out = append(out, c)
			i++
			continue
		}
		u, n := mutf8Unit(b[i:])
		if n == 0 {
			out = utf8.AppendRune(out, utf8.RuneError)
			i++
			continue
		}
		i += n
		if u >= 0xd800 && u <= 0xdbff {
			// High surrogate: join with a following low surrogate.
			if lo, m := mutf8Unit(b[i:]); m == 3 && lo >= 0xdc00 && lo <= 0xdfff {
				out = utf8.AppendRune(out, 0x10000+(rune(u)-0xd800)<<10+(rune(lo)-0xdc00))
				i += m
				continue
			}
			out = utf8.AppendRune(out, utf8.RuneError)
			continue
		}
		// AppendRune turns an unpaired low surrogate into U+FFFD.
		out = utf8.AppendRune(out, rune(u))
	}
	return string(out)
}

// mutf8Unit decodes one UTF-16 code unit encoded in two or three bytes of
// Modified UTF-8 at the start of b. It returns n == 0 if b does not start
// with such an encoding.
func mutf8Unit(b []byte) (u uint16, n int) {
	if len(b) >= 2 && b[0]&0xe0 == 0xc0 && b[1]&0xc0 == 0x80 {
		return uint16(b[0]&0x1f)<<6 | uint16(b[1]&0x3f), 2
	}
	if len(b) >= 3 && b[0]&0xf0 == 0xe0 && b[1]&0xc0 == 0x80 && b[2]&0xc0 == 0x80 {
		return uint16(b[0]&0x0f)<<12 | uint16(b[1]&0x3f)<<6 | uint16(b[2]&0x3f), 3
	}
	return 0, 0
}
