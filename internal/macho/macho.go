// Package macho reads what an iOS binary says about its code: the
// symbols it imports (functions and Objective-C classes of the system
// frameworks), the Objective-C classes it defines and the selectors it
// sends, its C strings, the libraries it links, and whether the App
// Store's FairPlay encryption still covers it. It reads executables,
// dynamic libraries (framework binaries) and object files, thin or fat
// (universal), and static libraries (ar archives of objects, fat too).
//
// Mach-O parsing is Go's debug/macho; this package adds the bounds an
// input built to hurt needs (slice and member counts and sizes checked
// against the bytes before debug/macho sees them), the encryption load
// command debug/macho leaves raw, and the Objective-C sections.
package macho

import (
	"bytes"
	"context"
	"debug/macho"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Bounds.
const (
	maxSlices  = 16
	maxMembers = 20000
	maxStrings = 20000 // C strings kept per binary
	maxSymbols = 500000
)

// ErrFormat is returned for bytes that are no Mach-O file or archive.
var ErrFormat = errors.New("not a Mach-O binary or static library")

// Binary is what one binary (or all objects of a static library) shows.
type Binary struct {
	// Arch is the slice read ("arm64", "armv7"…); a fat file is read
	// through its arm64 slice when it has one, else its first.
	Arch string
	// Type: "execute", "dylib", "object", "bundle" or "archive".
	Type string
	// Imports are the undefined symbols, without the leading underscore
	// ("OBJC_CLASS_$_CLLocationManager", "CNCopyCurrentNetworkInfo").
	Imports []string
	// Classes are the Objective-C classes the binary defines.
	Classes []string
	// Selectors are the method names of __objc_methname (sent or
	// implemented).
	Selectors []string
	// Strings are C strings of __cstring (at most maxStrings).
	Strings []string
	// Libraries are the dylibs it links (LC_LOAD_DYLIB and kin).
	Libraries []string
	// Encrypted: an LC_ENCRYPTION_INFO command with cryptid != 0 (the
	// App Store's FairPlay): the code cannot be read.
	Encrypted bool
	// Members are the object files of a static library, Objects what
	// each of them shows (Name set), in the same order.
	Members []string
	Objects []*Binary
	// Name is an object's member name inside its static library.
	Name string
	// Problems are parts that could not be read (a member of an archive).
	Problems []error
}

// Parse reads a Mach-O file (thin or fat) or a static library.
func Parse(b []byte) (*Binary, error) { return ParseContext(context.Background(), b) }

// ParseContext is Parse, stopping between a static library's members
// when ctx ends.
func ParseContext(ctx context.Context, b []byte) (*Binary, error) {
	switch {
	case bytes.HasPrefix(b, []byte("!<arch>\n")):
		return parseArchive(ctx, b)
	case len(b) >= 8 && binary.BigEndian.Uint32(b) == macho.MagicFat:
		return parseFat(ctx, b)
	case len(b) >= 4 && isThin(b):
		return parseThin(b)
	}
	return nil, ErrFormat
}

func isThin(b []byte) bool {
	m := binary.LittleEndian.Uint32(b)
	return m == macho.Magic32 || m == macho.Magic64 || binary.BigEndian.Uint32(b) == macho.Magic32 || binary.BigEndian.Uint32(b) == macho.Magic64
}

// parseFat picks a slice of a universal file, after checking every
// slice's bounds against the file (debug/macho does not).
func parseFat(ctx context.Context, b []byte) (*Binary, error) {
	n := binary.BigEndian.Uint32(b[4:])
	if n == 0 || n > maxSlices || uint64(8+20*n) > uint64(len(b)) {
		return nil, fmt.Errorf("fat binary: %d slices in %d bytes", n, len(b))
	}
	type slice struct {
		cpu       macho.Cpu
		off, size uint64
		thin, ar  bool
	}
	var pick *slice
	for i := uint32(0); i < n; i++ {
		h := b[8+20*i:]
		s := slice{cpu: macho.Cpu(binary.BigEndian.Uint32(h)), off: uint64(binary.BigEndian.Uint32(h[8:])), size: uint64(binary.BigEndian.Uint32(h[12:]))}
		if s.off > uint64(len(b)) || s.size > uint64(len(b))-s.off || s.size < 8 {
			return nil, fmt.Errorf("fat binary: slice %d (%d bytes at %d) outside the file of %d bytes", i, s.size, s.off, len(b))
		}
		if pick == nil || s.cpu == macho.CpuArm64 && pick.cpu != macho.CpuArm64 {
			pick = &s
		}
	}
	body := b[pick.off : pick.off+pick.size]
	if pick.off < uint64(8+20*n) || binary.BigEndian.Uint32(body) == macho.MagicFat {
		return nil, fmt.Errorf("fat binary: the %s slice (at %d) overlaps the header or is itself fat", arch(pick.cpu), pick.off)
	}
	var bin *Binary
	var err error
	if bytes.HasPrefix(body, []byte("!<arch>\n")) {
		bin, err = parseArchive(ctx, body)
	} else {
		bin, err = parseThin(body)
	}
	if err != nil {
		return nil, fmt.Errorf("fat binary, %s slice: %w", arch(pick.cpu), err)
	}
	return bin, nil
}

func arch(c macho.Cpu) string {
	switch c {
	case macho.CpuArm64:
		return "arm64"
	case macho.CpuArm:
		return "armv7"
	case macho.CpuAmd64:
		return "x86_64"
	case macho.Cpu386:
		return "i386"
	}
	return strconv.Itoa(int(c))
}

// parseArchive reads every Mach-O object of an ar archive (BSD names
// "#1/len" and GNU/SysV names both) and merges what they show.
func parseArchive(ctx context.Context, b []byte) (*Binary, error) {
	out := &Binary{Type: "archive"}
	seen := map[string]bool{}
	for off := 8; off+60 <= len(b); {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("static library: %w", err)
		}
		h := b[off : off+60]
		if h[58] != '`' || h[59] != '\n' {
			return nil, fmt.Errorf("static library: bad member header at %d", off)
		}
		size, err := strconv.ParseUint(strings.TrimSpace(string(h[48:58])), 10, 63)
		if err != nil || size > uint64(len(b)-off-60) {
			return nil, fmt.Errorf("static library: member size %q at %d", strings.TrimSpace(string(h[48:58])), off)
		}
		name := strings.TrimSpace(string(h[:16]))
		body := b[off+60 : off+60+int(size)]
		if rest, ok := strings.CutPrefix(name, "#1/"); ok { // BSD: the name leads the body
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 || n > len(body) {
				return nil, fmt.Errorf("static library: member name length %q at %d", rest, off)
			}
			name = strings.TrimRight(string(body[:n]), "\x00")
			body = body[n:]
		}
		off += 60 + int(size)
		off += off & 1 // members are 2-aligned
		if strings.HasPrefix(name, "__.SYMDEF") || name == "/" || name == "//" {
			continue
		}
		if !isThin(body) {
			// LLVM bitcode (LTO) or another format: code that is not read.
			out.Problems = append(out.Problems, fmt.Errorf("%s: not a Mach-O object (LLVM bitcode?): not read", name))
			continue
		}
		if len(out.Members) >= maxMembers {
			out.Problems = append(out.Problems, fmt.Errorf("more than %d members: the rest not read", maxMembers))
			break
		}
		out.Members = append(out.Members, name)
		m, err := parseThin(body)
		if err != nil {
			out.Problems = append(out.Problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if out.Arch == "" {
			out.Arch = m.Arch
		}
		m.Name = name
		out.Objects = append(out.Objects, m)
		out.merge(m, seen)
	}
	if len(out.Members) == 0 {
		return nil, errors.New("static library: no Mach-O object in it")
	}
	// A member's own definitions satisfy another's imports.
	defined := map[string]bool{}
	for _, c := range out.Classes {
		defined["OBJC_CLASS_$_"+c] = true
	}
	keep := out.Imports[:0]
	for _, s := range out.Imports {
		if !defined[s] {
			keep = append(keep, s)
		}
	}
	out.Imports = keep
	out.sort()
	return out, nil
}

// merge adds another object's names, once each.
func (out *Binary) merge(m *Binary, seen map[string]bool) {
	add := func(dst *[]string, kind string, vals []string) {
		for _, v := range vals {
			if k := kind + v; !seen[k] {
				seen[k] = true
				*dst = append(*dst, v)
			}
		}
	}
	add(&out.Imports, "i", m.Imports)
	add(&out.Classes, "c", m.Classes)
	add(&out.Selectors, "s", m.Selectors)
	if room := maxStrings - len(out.Strings); room > 0 {
		add(&out.Strings, "t", m.Strings[:min(len(m.Strings), room)])
	}
	add(&out.Libraries, "l", m.Libraries)
}

func (out *Binary) sort() {
	for _, s := range [][]string{out.Imports, out.Classes, out.Selectors, out.Libraries} {
		sort.Strings(s)
	}
}

// parseThin reads one Mach-O image.
func parseThin(b []byte) (bin *Binary, err error) {
	defer func() {
		// debug/macho has panicked on hostile files in past releases; a
		// bad image costs this image, not the scan.
		if r := recover(); r != nil {
			bin, err = nil, fmt.Errorf("Mach-O: unreadable (%v)", r)
		}
	}()
	f, err := macho.NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("Mach-O: %w", err)
	}
	out := &Binary{Arch: arch(f.Cpu)}
	switch f.Type {
	case macho.TypeExec:
		out.Type = "execute"
	case macho.TypeDylib:
		out.Type = "dylib"
	case macho.TypeObj:
		out.Type = "object"
	case macho.TypeBundle:
		out.Type = "bundle"
	default:
		out.Type = f.Type.String()
	}
	if f.Symtab != nil && len(f.Symtab.Syms) > maxSymbols {
		return nil, fmt.Errorf("Mach-O: %d symbols", len(f.Symtab.Syms))
	}
	if f.Symtab != nil {
		for _, s := range f.Symtab.Syms {
			name := strings.TrimPrefix(s.Name, "_")
			switch {
			case s.Type&0xe0 != 0: // a debugger's stab
			case s.Type&0x0e == 0 && s.Type&0x01 != 0 && name != "": // N_UNDF | N_EXT
				out.Imports = append(out.Imports, name)
			case s.Type&0x0e == 0x0e && strings.HasPrefix(name, "OBJC_CLASS_$_"): // N_SECT
				out.Classes = append(out.Classes, strings.TrimPrefix(name, "OBJC_CLASS_$_"))
			}
		}
	}
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) < 8 {
			continue
		}
		cmd := f.ByteOrder.Uint32(raw)
		switch cmd {
		case 0x21, 0x2c: // LC_ENCRYPTION_INFO, LC_ENCRYPTION_INFO_64: cryptoff, cryptsize, cryptid
			if len(raw) >= 20 && f.ByteOrder.Uint32(raw[16:]) != 0 {
				out.Encrypted = true
			}
		case 0xc, 0x20, 0x18 | 0x80000000, 0x1f | 0x80000000, 0x23 | 0x80000000: // LC_LOAD_DYLIB, LAZY, WEAK, REEXPORT, UPWARD
			if len(raw) >= 24 {
				if off := f.ByteOrder.Uint32(raw[8:]); off < uint32(len(raw)) {
					name := raw[off:]
					if i := bytes.IndexByte(name, 0); i >= 0 {
						name = name[:i]
					}
					out.Libraries = append(out.Libraries, string(name))
				}
			}
		}
	}
	methnames := false
	for _, s := range f.Sections {
		methnames = methnames || s.Name == "__objc_methname"
	}
	for _, s := range f.Sections {
		switch {
		case s.Name == "__objc_methname" || s.Name == "__objc_classname" || s.Name == "__cstring" && s.Seg == "__TEXT":
		default:
			continue
		}
		if s.Offset == 0 || uint64(s.Offset) > uint64(len(b)) || s.Size > uint64(len(b))-uint64(s.Offset) {
			continue // zero-fill or out of the file: nothing to read
		}
		if out.Encrypted && s.Seg == "__TEXT" {
			continue // ciphertext
		}
		data := b[s.Offset : uint64(s.Offset)+s.Size]
		for _, str := range bytes.Split(data, []byte{0}) {
			if len(str) == 0 {
				continue
			}
			switch s.Name {
			case "__objc_methname":
				out.Selectors = append(out.Selectors, string(str))
			case "__objc_classname":
				// Names of classes and protocols the binary defines or uses.
			case "__cstring":
				if len(out.Strings) < maxStrings {
					out.Strings = append(out.Strings, string(str))
				}
				// LLVM's linker keeps selector names among the C strings
				// (Apple's keeps __objc_methname).
				if !methnames && isSelector(str) {
					out.Selectors = append(out.Selectors, string(str))
				}
			}
		}
	}
	out.sort()
	return out, nil
}

// isSelector tells an Objective-C selector name: identifier parts, each
// but a lone one ending in ':' ("string", "dataForPasteboardType:",
// "initWithFrame:style:").
func isSelector(b []byte) bool {
	if len(b) == 0 || b[0] >= '0' && b[0] <= '9' || b[0] == ':' {
		return false
	}
	colon := false
	for i, c := range b {
		switch {
		case c == ':':
			if i > 0 && b[i-1] == ':' {
				return false
			}
			colon = true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			if colon && b[i-1] == ':' && c >= '0' && c <= '9' {
				return false
			}
		default:
			return false
		}
	}
	return !colon || b[len(b)-1] == ':'
}

// SwiftClass splits the Objective-C name Swift gives a class
// ("_TtC12CleverTapSDK9CleverTap": _Tt, C for class, then the module and
// the class, each led by its length) into module and class; nested and
// generic names are not split.
func SwiftClass(name string) (module, class string, ok bool) {
	rest, ok := strings.CutPrefix(name, "_TtC")
	if !ok {
		return "", "", false
	}
	part := func() (string, bool) {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n <= 0 || i+n > len(rest) {
			return "", false
		}
		p := rest[i : i+n]
		rest = rest[i+n:]
		return p, true
	}
	if module, ok = part(); !ok {
		return "", "", false
	}
	if class, ok = part(); !ok || rest != "" {
		return "", "", false
	}
	return module, class, true
}
