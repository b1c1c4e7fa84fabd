package axml

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// String pool flags (ResStringPool_header.flags).
const (
	poolSorted = 1 << 0
	poolUTF8   = 1 << 8
)

// A StringPool is a decoded ResStringPool chunk, the string table shared by
// binary XML documents and resource tables. Strings are decoded on demand, so
// a pool with damaged entries still yields the intact ones.
type StringPool struct {
	chunk   []byte // the whole chunk, clamped to the input
	count   uint32 // number of string offsets that fit in the chunk
	offsets int    // position of the offset array in chunk
	start   int    // position of string data in chunk
	utf8    bool
}

// ParseStringPool decodes the ResStringPool chunk at the start of b. The chunk
// may be shorter than its header claims (the tail is clamped to b); the
// offset array must lie inside the chunk. Counts are validated against the
// chunk size before anything is allocated.
func ParseStringPool(b []byte) (*StringPool, error) {
	if len(b) < 28 {
		return nil, errors.New("string pool header truncated")
	}
	le := binary.LittleEndian
	typ, hsize, size := le.Uint16(b), int(le.Uint16(b[2:])), int64(le.Uint32(b[4:]))
	if typ != chunkStringPool {
		return nil, fmt.Errorf("chunk type 0x%04x is not a string pool", typ)
	}
	if size > int64(len(b)) {
		size = int64(len(b))
	}
	if hsize < 28 || int64(hsize) > size {
		return nil, fmt.Errorf("string pool header size %d invalid", hsize)
	}
	chunk := b[:size]
	p := &StringPool{
		chunk:   chunk,
		offsets: hsize,
		utf8:    le.Uint32(b[16:])&poolUTF8 != 0,
	}
	count := le.Uint32(b[8:])
	start := le.Uint32(b[20:])
	if room := uint64(len(chunk)-hsize) / 4; uint64(count) > room {
		return nil, fmt.Errorf("string pool count %d exceeds chunk (room for %d)", count, room)
	}
	p.count = count
	if count > 0 && (uint64(start) > uint64(len(chunk)) || uint64(start) < uint64(hsize)) {
		return nil, fmt.Errorf("string pool data start %d out of range", start)
	}
	p.start = int(start)
	return p, nil
}

// Len reports the number of strings in the pool.
func (p *StringPool) Len() int {
	if p == nil {
		return 0
	}
	return int(p.count)
}

// UTF8 reports whether the pool declares UTF-8 encoding.
func (p *StringPool) UTF8() bool { return p != nil && p.utf8 }

// String returns string i. A damaged entry (offset or length out of range,
// missing terminator, invalid encoding) yields "" and an error describing it.
func (p *StringPool) String(i uint32) (string, error) {
	if p == nil {
		return "", fmt.Errorf("string %d: no string pool", i)
	}
	if i >= p.count {
		return "", fmt.Errorf("string index %d out of range (pool has %d)", i, p.count)
	}
	le := binary.LittleEndian
	off := uint64(le.Uint32(p.chunk[p.offsets+4*int(i):]))
	pos := uint64(p.start) + off
	if pos >= uint64(len(p.chunk)) {
		return "", fmt.Errorf("string pool offset %d out of range", off)
	}
	data := p.chunk[pos:]
	if p.utf8 {
		return decodeUTF8(data, off)
	}
	return decodeUTF16(data, off)
}

func decodeUTF8(b []byte, off uint64) (string, error) {
	// Two lengths precede the bytes: UTF-16 units, then UTF-8 bytes; each
	// is one byte, or two when the high bit of the first is set.
	_, n1, ok := len8(b)
	if !ok {
		return "", fmt.Errorf("string at offset %d: truncated length", off)
	}
	n, n2, ok := len8(b[n1:])
	if !ok {
		return "", fmt.Errorf("string at offset %d: truncated length", off)
	}
	s := n1 + n2
	if uint64(s)+uint64(n) >= uint64(len(b)) {
		return "", fmt.Errorf("string at offset %d: length %d past end of pool", off, n)
	}
	if b[s+n] != 0 {
		return "", fmt.Errorf("string at offset %d: not NUL-terminated (wrong UTF-8 flag?)", off)
	}
	str := b[s : s+n]
	if !utf8.Valid(str) {
		return "", fmt.Errorf("string at offset %d: invalid UTF-8", off)
	}
	return string(str), nil
}

func len8(b []byte) (n, size int, ok bool) {
	if len(b) < 1 {
		return 0, 0, false
	}
	if b[0]&0x80 == 0 {
		return int(b[0]), 1, true
	}
	if len(b) < 2 {
		return 0, 0, false
	}
	return int(b[0]&0x7f)<<8 | int(b[1]), 2, true
}

func decodeUTF16(b []byte, off uint64) (string, error) {
	le := binary.LittleEndian
	if len(b) < 2 {
		return "", fmt.Errorf("string at offset %d: truncated length", off)
	}
	n, s := int(le.Uint16(b)), 2
	if n&0x8000 != 0 {
		if len(b) < 4 {
			return "", fmt.Errorf("string at offset %d: truncated length", off)
		}
		n, s = (n&0x7fff)<<16|int(le.Uint16(b[2:])), 4
	}
	if uint64(s)+2*uint64(n) > uint64(len(b)) {
		return "", fmt.Errorf("string at offset %d: length %d past end of pool", off, n)
	}
	if end := s + 2*n; end+2 <= len(b) && le.Uint16(b[end:]) != 0 {
		return "", fmt.Errorf("string at offset %d: not NUL-terminated (wrong UTF-16 flag?)", off)
	}
	u := make([]uint16, n)
	for j := range u {
		u[j] = le.Uint16(b[s+2*j:])
	}
	return string(utf16.Decode(u)), nil
}
