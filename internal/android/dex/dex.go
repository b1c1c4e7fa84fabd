package dex

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/adler32"
)

// NoIndex is the value the format uses for an absent index (for example the
// superclass of java.lang.Object or a class without a source file).
const NoIndex = 0xffffffff

const (
	headerSize    = 0x70
	endianTag     = 0x12345678
	minVersion    = 35
	maxVersion    = 41
	stringIDSize  = 4
	typeIDSize    = 4
	protoIDSize   = 12
	fieldIDSize   = 8
	methodIDSize  = 8
	classDefSize  = 32
	codeItemSize  = 16
	maxLEB128Size = 5
)

// A FormatError reports that the input is not a valid DEX image, or that
// part of it is malformed.
type FormatError struct {
	Offset int64  // byte offset in the image where the problem was found, or -1
	Msg    string // description of the problem
}

func (e *FormatError) Error() string {
	if e.Offset < 0 {
		return "dex: " + e.Msg
	}
	return fmt.Sprintf("dex: %s at offset %#x", e.Msg, e.Offset)
}

// wrap adds context to err. A *FormatError keeps its type and offset and gets
// the context prefixed to its message.
func wrap(err error, format string, args ...any) error {
	ctx := fmt.Sprintf(format, args...)
	if fe, ok := err.(*FormatError); ok {
		return &FormatError{Offset: fe.Offset, Msg: ctx + ": " + fe.Msg}
	}
	return fmt.Errorf("%s: %w", ctx, err)
}

func formatErr(off uint64, format string, args ...any) *FormatError {
	return &FormatError{Offset: int64(off), Msg: fmt.Sprintf(format, args...)}
}

// Header is the decoded header_item of a DEX image. Offsets are relative to
// the start of the image.
type Header struct {
	Version    string // "035" through "041"
	Checksum   uint32 // adler32 of the image after the checksum field, as stored
	Signature  [20]byte
	FileSize   uint32
	HeaderSize uint32
	LinkSize   uint32
	LinkOff    uint32
	MapOff     uint32

	NumStrings, StringIDsOff uint32
	NumTypes, TypeIDsOff     uint32
	NumProtos, ProtoIDsOff   uint32
	NumFields, FieldIDsOff   uint32
	NumMethods, MethodIDsOff uint32
	NumClasses, ClassDefsOff uint32
	DataSize, DataOff        uint32
}

// File is a parsed DEX image. Its methods are safe for concurrent use; the
// image passed to [Parse] must not be modified while the File is in use.
type File struct {
	Header Header

	data []byte
	// Byte ranges of the id tables, validated by Parse.
	stringIDs []byte
	typeIDs   []byte
	protoIDs  []byte
	fieldIDs  []byte
	methodIDs []byte
	classDefs []byte
}

// Parse reads the DEX image held in data. It validates the header and that
// every id table lies inside data; strings and code are decoded only when
// asked for. The File keeps a reference to data.
//
// Parse does not reject an image whose checksum, signature or declared file
// size is wrong; see [File.VerifyChecksum] and [File.VerifySignature].
func Parse(data []byte) (*File, error) {
	f, probs, err := parse(data)
	if err != nil {
		return nil, err
	}
	if len(probs.errs) > 0 {
		// The first problem says which table is bad.
		return nil, probs.errs[0]
	}
	return f, nil
}

// ParsePartial is Parse for damaged images: an id table that runs past the
// end of data, or that is larger than the format allows, is cut to the
// entries that fit, and the File reads what is there. The cuts are returned
// as problems joined with [errors.Join], each a [*FormatError], beside the
// File. The File is nil only when the header itself is unusable.
//
// A truncated image, or a header that lies about the size of a table,
// therefore still yields every class, method and string that lies inside
// the data; [File.Sizes] tells how many entries of each table were kept.
func ParsePartial(data []byte) (*File, error) {
	f, probs, err := parse(data)
	if err != nil {
		return nil, err
	}
	return f, probs.err()
}

func parse(data []byte) (*File, problems, error) {
	var probs problems
	if uint64(len(data)) > 1<<32-1 {
		return nil, probs, &FormatError{Offset: -1, Msg: "image larger than 4 GiB"}
	}
	if len(data) < headerSize {
		return nil, probs, &FormatError{Offset: -1, Msg: fmt.Sprintf("file too short for a header: %d bytes", len(data))}
	}
	if string(data[0:4]) != "dex\n" || data[7] != 0 {
		return nil, probs, formatErr(0, "bad magic %q", data[0:8])
	}
	v := string(data[4:7])
	n := 0
	for _, c := range []byte(v) {
		if c < '0' || c > '9' {
			return nil, probs, formatErr(4, "bad version %q", v)
		}
		n = n*10 + int(c-'0')
	}
	if n < minVersion || n > maxVersion {
		return nil, probs, formatErr(4, "unsupported version %s", v)
	}
	u32 := func(off int) uint32 { return binary.LittleEndian.Uint32(data[off:]) }
	if tag := u32(0x28); tag != endianTag {
		return nil, probs, formatErr(0x28, "unsupported endian tag %#x", tag)
	}
	f := &File{data: data}
	h := &f.Header
	h.Version = v
	h.Checksum = u32(0x08)
	copy(h.Signature[:], data[0x0c:0x20])
	h.FileSize = u32(0x20)
	h.HeaderSize = u32(0x24)
	h.LinkSize = u32(0x2c)
	h.LinkOff = u32(0x30)
	h.MapOff = u32(0x34)
	h.NumStrings, h.StringIDsOff = u32(0x38), u32(0x3c)
	h.NumTypes, h.TypeIDsOff = u32(0x40), u32(0x44)
	h.NumProtos, h.ProtoIDsOff = u32(0x48), u32(0x4c)
	h.NumFields, h.FieldIDsOff = u32(0x50), u32(0x54)
	h.NumMethods, h.MethodIDsOff = u32(0x58), u32(0x5c)
	h.NumClasses, h.ClassDefsOff = u32(0x60), u32(0x64)
	h.DataSize, h.DataOff = u32(0x68), u32(0x6c)

	if h.HeaderSize < headerSize || uint64(h.HeaderSize) > uint64(len(data)) {
		return nil, probs, formatErr(0x24, "bad header_size %#x", h.HeaderSize)
	}
	tables := []struct {
		name      string
		dst       *[]byte
		count     uint32
		off       uint32
		size      uint64
		headerOff uint64
	}{
		{"string_ids", &f.stringIDs, h.NumStrings, h.StringIDsOff, stringIDSize, 0x38},
		{"type_ids", &f.typeIDs, h.NumTypes, h.TypeIDsOff, typeIDSize, 0x40},
		{"proto_ids", &f.protoIDs, h.NumProtos, h.ProtoIDsOff, protoIDSize, 0x48},
		{"field_ids", &f.fieldIDs, h.NumFields, h.FieldIDsOff, fieldIDSize, 0x50},
		{"method_ids", &f.methodIDs, h.NumMethods, h.MethodIDsOff, methodIDSize, 0x58},
		{"class_defs", &f.classDefs, h.NumClasses, h.ClassDefsOff, classDefSize, 0x60},
	}
	for _, t := range tables {
		count := uint64(t.count)
		// The type and proto indices stored elsewhere in the format are
		// 16 bits wide in places, which bounds these tables.
		if (t.name == "type_ids" || t.name == "proto_ids") && count > 0x10000 {
			probs.add(formatErr(t.headerOff, "%s_size %d exceeds 65536", t.name, t.count))
			count = 0x10000
		}
		if count == 0 {
			continue
		}
		end := uint64(t.off) + count*t.size
		if end > uint64(len(data)) {
			probs.add(formatErr(t.headerOff, "%s: %d entries at %#x run past end of data (%d bytes)",
				t.name, t.count, t.off, len(data)))
			count = 0
			if uint64(t.off) < uint64(len(data)) {
				count = (uint64(len(data)) - uint64(t.off)) / t.size
			}
			end = uint64(t.off) + count*t.size
		}
		if count > 0 {
			*t.dst = data[t.off:end:end]
		}
	}
	return f, probs, nil
}

// Sizes counts the entries of each id table that a File reads. They equal
// the header's counts, except in a File from [ParsePartial] whose tables
// were cut.
type Sizes struct {
	Strings, Types, Protos, Fields, Methods, Classes uint32
}

// Sizes returns how many entries of each id table the File reads.
func (f *File) Sizes() Sizes {
	return Sizes{
		Strings: uint32(len(f.stringIDs) / stringIDSize),
		Types:   uint32(len(f.typeIDs) / typeIDSize),
		Protos:  uint32(len(f.protoIDs) / protoIDSize),
		Fields:  uint32(len(f.fieldIDs) / fieldIDSize),
		Methods: uint32(len(f.methodIDs) / methodIDSize),
		Classes: uint32(len(f.classDefs) / classDefSize),
	}
}

// Data returns the image the File was parsed from.
func (f *File) Data() []byte { return f.data }

// VerifyChecksum reports whether the adler32 checksum stored in the header
// matches the image.
func (f *File) VerifyChecksum() bool {
	end, ok := f.declaredEnd()
	if !ok {
		return false
	}
	return adler32.Checksum(f.data[12:end]) == f.Header.Checksum
}

// VerifySignature reports whether the SHA-1 signature stored in the header
// matches the image.
func (f *File) VerifySignature() bool {
	end, ok := f.declaredEnd()
	if !ok {
		return false
	}
	return sha1.Sum(f.data[32:end]) == f.Header.Signature
}

// Truncated reports whether the image is shorter than the file_size its
// header declares. Parsing and walking still work on a truncated image, as
// far as the data goes.
func (f *File) Truncated() bool { return uint64(f.Header.FileSize) > uint64(len(f.data)) }

func (f *File) declaredEnd() (int, bool) {
	end := uint64(f.Header.FileSize)
	if end < headerSize || end > uint64(len(f.data)) {
		return 0, false
	}
	return int(end), true
}

// MethodRef is a resolved method_id_item.
type MethodRef struct {
	Class string // descriptor of the defining class, e.g. "Landroid/telephony/TelephonyManager;"
	Name  string // e.g. "getDeviceId"
	Proto string // e.g. "(I)Ljava/lang/String;"
}

// String returns the method in smali notation, Class->Name Proto.
func (m MethodRef) String() string { return m.Class + "->" + m.Name + m.Proto }

// FieldRef is a resolved field_id_item.
type FieldRef struct {
	Class string // descriptor of the defining class
	Name  string
	Type  string // descriptor of the field's type
}

// String returns the field in smali notation, Class->Name:Type.
func (r FieldRef) String() string { return r.Class + "->" + r.Name + ":" + r.Type }

func idErr(table string, i, n uint32) error {
	return &FormatError{Offset: -1, Msg: fmt.Sprintf("%s index %d out of range [0,%d)", table, i, n)}
}

// Type returns the descriptor of type i, such as "I", "[B" or
// "Ljava/lang/String;".
func (f *File) Type(i uint32) (string, error) {
	if uint64(i) >= uint64(len(f.typeIDs)/typeIDSize) {
		return "", idErr("type", i, uint32(len(f.typeIDs)/typeIDSize))
	}
	s, err := f.String(binary.LittleEndian.Uint32(f.typeIDs[i*typeIDSize:]))
	if err != nil {
		return "", wrap(err, "type_ids[%d]", i)
	}
	return s, nil
}

// Proto returns prototype i as a method descriptor, such as
// "(Ljava/lang/String;I)V".
func (f *File) Proto(i uint32) (string, error) {
	if uint64(i) >= uint64(len(f.protoIDs)/protoIDSize) {
		return "", idErr("proto", i, uint32(len(f.protoIDs)/protoIDSize))
	}
	e := f.protoIDs[i*protoIDSize:]
	ret, err := f.Type(binary.LittleEndian.Uint32(e[4:]))
	if err != nil {
		return "", wrap(err, "proto_ids[%d]: return type", i)
	}
	params, err := f.typeList(binary.LittleEndian.Uint32(e[8:]))
	if err != nil {
		return "", wrap(err, "proto_ids[%d]: parameters", i)
	}
	n := 2 + len(ret)
	for _, p := range params {
		n += len(p)
	}
	b := make([]byte, 0, n)
	b = append(b, '(')
	for _, p := range params {
		b = append(b, p...)
	}
	b = append(b, ')')
	b = append(b, ret...)
	return string(b), nil
}

// typeList decodes the type_list at off (0 means empty).
func (f *File) typeList(off uint32) ([]string, error) {
	if off == 0 {
		return nil, nil
	}
	n, err := f.typeListLen(off)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]string, n)
	for k := range out {
		idx := binary.LittleEndian.Uint16(f.data[uint64(off)+4+2*uint64(k):])
		if out[k], err = f.Type(uint32(idx)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// typeListLen validates the type_list at off and returns its length.
func (f *File) typeListLen(off uint32) (int, error) {
	if uint64(off)+4 > uint64(len(f.data)) {
		return 0, formatErr(uint64(off), "type_list out of bounds")
	}
	n := binary.LittleEndian.Uint32(f.data[off:])
	if uint64(off)+4+2*uint64(n) > uint64(len(f.data)) {
		return 0, formatErr(uint64(off), "type_list of %d entries runs past end of data", n)
	}
	return int(n), nil
}

// MethodClassIdx returns the type index of the class defining method i and
// the string index of its name, without decoding any string.
func (f *File) MethodClassIdx(i uint32) (typeIdx uint32, nameIdx uint32, err error) {
	if uint64(i) >= uint64(len(f.methodIDs)/methodIDSize) {
		return 0, 0, idErr("method", i, uint32(len(f.methodIDs)/methodIDSize))
	}
	e := f.methodIDs[i*methodIDSize:]
	return uint32(binary.LittleEndian.Uint16(e)), binary.LittleEndian.Uint32(e[4:]), nil
}

// MethodProtoIdx returns the proto index of method i.
func (f *File) MethodProtoIdx(i uint32) (uint32, error) {
	if uint64(i) >= uint64(len(f.methodIDs)/methodIDSize) {
		return 0, idErr("method", i, uint32(len(f.methodIDs)/methodIDSize))
	}
	return uint32(binary.LittleEndian.Uint16(f.methodIDs[i*methodIDSize+2:])), nil
}

// FieldClassIdx returns the type index of the class defining field i and
// the string index of its name, without decoding any string.
func (f *File) FieldClassIdx(i uint32) (typeIdx uint32, nameIdx uint32, err error) {
	if uint64(i) >= uint64(len(f.fieldIDs)/fieldIDSize) {
		return 0, 0, idErr("field", i, uint32(len(f.fieldIDs)/fieldIDSize))
	}
	e := f.fieldIDs[i*fieldIDSize:]
	return uint32(binary.LittleEndian.Uint16(e)), binary.LittleEndian.Uint32(e[4:]), nil
}

// TypeStringIdx returns the string index of the descriptor of type i.
func (f *File) TypeStringIdx(i uint32) (uint32, error) {
	if uint64(i) >= uint64(len(f.typeIDs)/typeIDSize) {
		return 0, idErr("type", i, uint32(len(f.typeIDs)/typeIDSize))
	}
	return binary.LittleEndian.Uint32(f.typeIDs[i*typeIDSize:]), nil
}

// Method resolves method_ids[i].
func (f *File) Method(i uint32) (MethodRef, error) {
	cls, name, err := f.MethodClassIdx(i)
	if err != nil {
		return MethodRef{}, err
	}
	proto, _ := f.MethodProtoIdx(i)
	var m MethodRef
	if m.Class, err = f.Type(cls); err == nil {
		if m.Name, err = f.String(name); err == nil {
			m.Proto, err = f.Proto(proto)
		}
	}
	if err != nil {
		return MethodRef{}, wrap(err, "method_ids[%d]", i)
	}
	return m, nil
}

// Field resolves field_ids[i].
func (f *File) Field(i uint32) (FieldRef, error) {
	cls, name, err := f.FieldClassIdx(i)
	if err != nil {
		return FieldRef{}, err
	}
	typ := uint32(binary.LittleEndian.Uint16(f.fieldIDs[i*fieldIDSize+2:]))
	var r FieldRef
	if r.Class, err = f.Type(cls); err == nil {
		if r.Name, err = f.String(name); err == nil {
			r.Type, err = f.Type(typ)
		}
	}
	if err != nil {
		return FieldRef{}, wrap(err, "field_ids[%d]", i)
	}
	return r, nil
}
