// Package abc reads an Ark bytecode file (HarmonyOS/OpenHarmony
// ets/modules.abc) enough to list the strings it holds: module specifiers
// it imports ("@ohos:geoLocationManager"), property and method names it
// uses by name, and URLs. The header and the string encoding follow the
// published format description ("方舟字节码文件格式", HarmonyOS developer
// documentation, for Ark bytecode 11.0.2.0; OpenHarmony
// arkcompiler_runtime_core docs/file_format.md): a 60-byte header
// ("PANDA\0\0\0" magic, checksum, version, file size, then offsets and
// counts of the foreign region, class index, line-number programs,
// literal arrays and index regions, each a little-endian uint32), and
// strings stored as a ULEB128 header (UTF-16 length << 1 | is-ASCII)
// followed by MUTF-8 bytes and a NUL.
//
// The classes, methods and instructions are not decoded: strings are
// found by their encoding anywhere past the header, which needs no trust
// in the file's offsets.
package abc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the size of the file header.
const HeaderSize = 60

// ErrFormat is returned for bytes that are no Ark bytecode file.
var ErrFormat = errors.New("not an Ark bytecode file")

// File is what a bytecode file shows.
type File struct {
	// Version is the bytecode version ("11.0.2.0").
	Version string
	// Classes is the class count the header declares.
	Classes uint32
	// body is the file past its header, where the strings are looked for.
	body []byte
}

// Strings calls fn with each ASCII string record past the header, in
// file order (repeats included), until fn returns false. The bytes are
// the file's: fn must copy what it keeps.
func (f *File) Strings(fn func(s []byte) bool) {
	b := f.body
	// np1 and np2 are the first bytes at or after i+1 and i+2 (where the
	// characters start after a one- or two-byte header) that cannot be in
	// an ASCII string: a record whose characters reach one is no string.
	// They only move forward, so checking a candidate costs O(1), not its
	// length.
	next := func(from int) int {
		for from < len(b) && b[from] >= 0x20 && b[from] <= 0x7e {
			from++
		}
		return from
	}
	np1, np2 := 0, 0
	for i := 0; i < len(b); {
		if np1 < i+1 {
			np1 = next(i + 1)
		}
		if np2 < i+2 {
			np2 = next(i + 2)
		}
		printable := np1 - i
		if b[i]&0x80 != 0 {
			printable = np2 - i
		}
		n, at, end := asciiString(b[i:], printable)
		if n == 0 {
			i++
			continue
		}
		if !fn(b[i+at : i+end]) {
			return
		}
		i += n
	}
}

// Parse checks the header and lists the strings.
func Parse(b []byte) (*File, error) {
	if len(b) < HeaderSize || !bytes.HasPrefix(b, []byte("PANDA\x00\x00\x00")) {
		return nil, ErrFormat
	}
	le := binary.LittleEndian
	f := &File{Version: fmt.Sprintf("%d.%d.%d.%d", b[12], b[13], b[14], b[15]), Classes: le.Uint32(b[28:])}
	size := le.Uint32(b[16:])
	if size < HeaderSize || uint64(size) > uint64(len(b)) {
		return nil, fmt.Errorf("Ark bytecode: file size %d in the header, %d bytes given", size, len(b))
	}
	b = b[:size]
	// Each (offset, count) pair of the header must lie inside the file.
	for _, at := range []int{20, 32, 40, 48, 56} {
		off := le.Uint32(b[at:])
		if off != 0 && off > size {
			return nil, fmt.Errorf("Ark bytecode: offset %d at header byte %d past the file's %d bytes", off, at, size)
		}
	}
	if uint64(f.Classes)*4 > uint64(size) {
		return nil, fmt.Errorf("Ark bytecode: %d classes in %d bytes", f.Classes, size)
	}
	f.body = b[HeaderSize:]
	return f, nil
}

// asciiString decodes an ASCII string record at the start of b: a one- or
// two-byte ULEB128 header with the ASCII bit set, at least 3 printable
// characters, a NUL. printable is the index in b of the first byte past
// the header that is not printable ASCII. It returns the record's length (0:
// none here) and where its characters start and end.
func asciiString(b []byte, printable int) (n, start, end int) {
	if len(b) < 2 {
		return 0, 0, 0
	}
	hdr, hl := uint32(b[0]), 1
	if b[0]&0x80 != 0 {
		if b[1]&0x80 != 0 {
			return 0, 0, 0
		}
		hdr, hl = uint32(b[0]&0x7f)|uint32(b[1])<<7, 2
	}
	if hdr&1 == 0 {
		return 0, 0, 0
	}
	l := int(hdr >> 1)
	if l < 3 || hl+l >= len(b) || b[hl+l] != 0 {
		return 0, 0, 0
	}
	if printable < hl+l {
		return 0, 0, 0
	}
	return hl + l + 1, hl, hl + l
}

// IsModule tells a module specifier string.
func IsModule(s []byte) bool {
	if len(s) == 0 || s[0] != '@' {
		return false
	}
	for _, p := range []string{"@ohos:", "@ohos.", "@kit.", "@hms:", "@hms.", "@native:"} {
		if bytes.HasPrefix(s, []byte(p)) && len(s) > len(p) {
			return true
		}
	}
	return false
}
