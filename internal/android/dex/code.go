package dex

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Op classifies the instructions [File.Walk] reports.
type Op uint8

// Kinds of reported instructions, with the meaning of [Insn.Index] for each.
const (
	// OpNone marks the instructions Walk does not report.
	OpNone Op = iota
	// OpInvoke: invoke-virtual, -super, -direct, -static, -interface and
	// their /range forms, and invoke-polymorphic(/range). Index is a method
	// index; for invoke-polymorphic it is the MethodHandle or VarHandle
	// method, and the proto of the call site is not reported.
	OpInvoke
	// OpInvokeCustom: invoke-custom(/range). Index is a call site index.
	OpInvokeCustom
	// OpStaticGet: sget, sget-wide, -object, -boolean, -byte, -char, -short.
	// Index is a field index.
	OpStaticGet
	// OpInstanceGet: iget and its variants. Index is a field index.
	OpInstanceGet
	// OpStaticPut: sput and its variants. Index is a field index.
	OpStaticPut
	// OpConstString: const-string, const-string/jumbo. Index is a string
	// index.
	OpConstString
	// OpConstClass: const-class. Index is a type index.
	OpConstClass
	// OpNewInstance: new-instance. Index is a type index.
	OpNewInstance
	// OpConstMethodHandle: const-method-handle. Index is a method handle
	// index.
	OpConstMethodHandle
	// OpConstMethodType: const-method-type. Index is a proto index.
	OpConstMethodType
	// OpConst: const (31i) and const/high16 (21h), the forms that load a
	// resource id. Index is the 32-bit value.
	OpConst
)

var opNames = [...]string{
	OpNone:              "none",
	OpInvoke:            "invoke",
	OpInvokeCustom:      "invoke-custom",
	OpStaticGet:         "sget",
	OpInstanceGet:       "iget",
	OpStaticPut:         "sput",
	OpConstString:       "const-string",
	OpConstClass:        "const-class",
	OpNewInstance:       "new-instance",
	OpConstMethodHandle: "const-method-handle",
	OpConstMethodType:   "const-method-type",
	OpConst:             "const",
}

func (op Op) String() string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return "Op(" + strconv.Itoa(int(op)) + ")"
}

// OpOf returns the kind of a Dalvik opcode, as Walk reports it (OpNone for
// the instructions it does not report).
func OpOf(opcode uint8) Op { return opTable[opcode].op }

// Insn is one reported instruction.
type Insn struct {
	Op     Op     // kind of instruction
	Opcode uint8  // the Dalvik opcode, e.g. 0x6e for invoke-virtual
	Index  uint32 // the index the instruction refers to; see the Op constants
	Offset uint32 // byte offset of the instruction in the image
}

// Code describes a method with code, as passed to the function given to
// [File.Walk].
type Code struct {
	MethodIdx   uint32 // index into method_ids of the method
	ClassDef    int    // index into class_defs of the class defining it
	AccessFlags uint32 // ACC_* flags of the method
	CodeOff     uint32 // offset of the code_item
	InsnsSize   uint32 // size of the instruction stream in 16-bit code units
}

// InsnsOff returns the byte offset of the method's first instruction.
func (c Code) InsnsOff() uint32 { return c.CodeOff + codeItemSize }

// opInfo describes one opcode: its size in 16-bit code units and its kind.
type opInfo struct {
	units uint8
	op    Op
}

// opTable maps each opcode to the size of its format in 16-bit code units
// (the first digit of the format name) and, for the instructions Walk
// reports, their kind. Opcodes the format leaves unused decode as one-unit
// instructions, as the runtime's format table (10x) has them. A nop whose
// high byte is nonzero starts a payload; Walk sizes payloads separately.
var opTable = [256]opInfo{
	{1, OpNone},              // 00 nop 10x
	{1, OpNone},              // 01 move 12x
	{2, OpNone},              // 02 move/from16 22x
	{3, OpNone},              // 03 move/16 32x
	{1, OpNone},              // 04 move-wide 12x
	{2, OpNone},              // 05 move-wide/from16 22x
	{3, OpNone},              // 06 move-wide/16 32x
	{1, OpNone},              // 07 move-object 12x
	{2, OpNone},              // 08 move-object/from16 22x
	{3, OpNone},              // 09 move-object/16 32x
	{1, OpNone},              // 0a move-result 11x
	{1, OpNone},              // 0b move-result-wide 11x
	{1, OpNone},              // 0c move-result-object 11x
	{1, OpNone},              // 0d move-exception 11x
	{1, OpNone},              // 0e return-void 10x
	{1, OpNone},              // 0f return 11x
	{1, OpNone},              // 10 return-wide 11x
	{1, OpNone},              // 11 return-object 11x
	{1, OpNone},              // 12 const/4 11n
	{2, OpNone},              // 13 const/16 21s
	{3, OpConst},             // 14 const 31i
	{2, OpConst},             // 15 const/high16 21h
	{2, OpNone},              // 16 const-wide/16 21s
	{3, OpNone},              // 17 const-wide/32 31i
	{5, OpNone},              // 18 const-wide 51l
	{2, OpNone},              // 19 const-wide/high16 21h
	{2, OpConstString},       // 1a const-string 21c
	{3, OpConstString},       // 1b const-string/jumbo 31c
	{2, OpConstClass},        // 1c const-class 21c
	{1, OpNone},              // 1d monitor-enter 11x
	{1, OpNone},              // 1e monitor-exit 11x
	{2, OpNone},              // 1f check-cast 21c
	{2, OpNone},              // 20 instance-of 22c
	{1, OpNone},              // 21 array-length 12x
	{2, OpNewInstance},       // 22 new-instance 21c
	{2, OpNone},              // 23 new-array 22c
	{3, OpNone},              // 24 filled-new-array 35c
	{3, OpNone},              // 25 filled-new-array/range 3rc
	{3, OpNone},              // 26 fill-array-data 31t
	{1, OpNone},              // 27 throw 11x
	{1, OpNone},              // 28 goto 10t
	{2, OpNone},              // 29 goto/16 20t
	{3, OpNone},              // 2a goto/32 30t
	{3, OpNone},              // 2b packed-switch 31t
	{3, OpNone},              // 2c sparse-switch 31t
	{2, OpNone},              // 2d cmpl-float 23x
	{2, OpNone},              // 2e cmpg-float 23x
	{2, OpNone},              // 2f cmpl-double 23x
	{2, OpNone},              // 30 cmpg-double 23x
	{2, OpNone},              // 31 cmp-long 23x
	{2, OpNone},              // 32 if-eq 22t
	{2, OpNone},              // 33 if-ne 22t
	{2, OpNone},              // 34 if-lt 22t
	{2, OpNone},              // 35 if-ge 22t
	{2, OpNone},              // 36 if-gt 22t
	{2, OpNone},              // 37 if-le 22t
	{2, OpNone},              // 38 if-eqz 21t
	{2, OpNone},              // 39 if-nez 21t
	{2, OpNone},              // 3a if-ltz 21t
	{2, OpNone},              // 3b if-gez 21t
	{2, OpNone},              // 3c if-gtz 21t
	{2, OpNone},              // 3d if-lez 21t
	{1, OpNone},              // 3e unused 10x
	{1, OpNone},              // 3f unused 10x
	{1, OpNone},              // 40 unused 10x
	{1, OpNone},              // 41 unused 10x
	{1, OpNone},              // 42 unused 10x
	{1, OpNone},              // 43 unused 10x
	{2, OpNone},              // 44 aget 23x
	{2, OpNone},              // 45 aget-wide 23x
	{2, OpNone},              // 46 aget-object 23x
	{2, OpNone},              // 47 aget-boolean 23x
	{2, OpNone},              // 48 aget-byte 23x
	{2, OpNone},              // 49 aget-char 23x
	{2, OpNone},              // 4a aget-short 23x
	{2, OpNone},              // 4b aput 23x
	{2, OpNone},              // 4c aput-wide 23x
	{2, OpNone},              // 4d aput-object 23x
	{2, OpNone},              // 4e aput-boolean 23x
	{2, OpNone},              // 4f aput-byte 23x
	{2, OpNone},              // 50 aput-char 23x
	{2, OpNone},              // 51 aput-short 23x
	{2, OpInstanceGet},       // 52 iget 22c
	{2, OpInstanceGet},       // 53 iget-wide 22c
	{2, OpInstanceGet},       // 54 iget-object 22c
	{2, OpInstanceGet},       // 55 iget-boolean 22c
	{2, OpInstanceGet},       // 56 iget-byte 22c
	{2, OpInstanceGet},       // 57 iget-char 22c
	{2, OpInstanceGet},       // 58 iget-short 22c
	{2, OpNone},              // 59 iput 22c
	{2, OpNone},              // 5a iput-wide 22c
	{2, OpNone},              // 5b iput-object 22c
	{2, OpNone},              // 5c iput-boolean 22c
	{2, OpNone},              // 5d iput-byte 22c
	{2, OpNone},              // 5e iput-char 22c
	{2, OpNone},              // 5f iput-short 22c
	{2, OpStaticGet},         // 60 sget 21c
	{2, OpStaticGet},         // 61 sget-wide 21c
	{2, OpStaticGet},         // 62 sget-object 21c
	{2, OpStaticGet},         // 63 sget-boolean 21c
	{2, OpStaticGet},         // 64 sget-byte 21c
	{2, OpStaticGet},         // 65 sget-char 21c
	{2, OpStaticGet},         // 66 sget-short 21c
	{2, OpStaticPut},         // 67 sput 21c
	{2, OpStaticPut},         // 68 sput-wide 21c
	{2, OpStaticPut},         // 69 sput-object 21c
	{2, OpStaticPut},         // 6a sput-boolean 21c
	{2, OpStaticPut},         // 6b sput-byte 21c
	{2, OpStaticPut},         // 6c sput-char 21c
	{2, OpStaticPut},         // 6d sput-short 21c
	{3, OpInvoke},            // 6e invoke-virtual 35c
	{3, OpInvoke},            // 6f invoke-super 35c
	{3, OpInvoke},            // 70 invoke-direct 35c
	{3, OpInvoke},            // 71 invoke-static 35c
	{3, OpInvoke},            // 72 invoke-interface 35c
	{1, OpNone},              // 73 unused 10x
	{3, OpInvoke},            // 74 invoke-virtual/range 3rc
	{3, OpInvoke},            // 75 invoke-super/range 3rc
	{3, OpInvoke},            // 76 invoke-direct/range 3rc
	{3, OpInvoke},            // 77 invoke-static/range 3rc
	{3, OpInvoke},            // 78 invoke-interface/range 3rc
	{1, OpNone},              // 79 unused 10x
	{1, OpNone},              // 7a unused 10x
	{1, OpNone},              // 7b neg-int 12x
	{1, OpNone},              // 7c not-int 12x
	{1, OpNone},              // 7d neg-long 12x
	{1, OpNone},              // 7e not-long 12x
	{1, OpNone},              // 7f neg-float 12x
	{1, OpNone},              // 80 neg-double 12x
	{1, OpNone},              // 81 int-to-long 12x
	{1, OpNone},              // 82 int-to-float 12x
	{1, OpNone},              // 83 int-to-double 12x
	{1, OpNone},              // 84 long-to-int 12x
	{1, OpNone},              // 85 long-to-float 12x
	{1, OpNone},              // 86 long-to-double 12x
	{1, OpNone},              // 87 float-to-int 12x
	{1, OpNone},              // 88 float-to-long 12x
	{1, OpNone},              // 89 float-to-double 12x
	{1, OpNone},              // 8a double-to-int 12x
	{1, OpNone},              // 8b double-to-long 12x
	{1, OpNone},              // 8c double-to-float 12x
	{1, OpNone},              // 8d int-to-byte 12x
	{1, OpNone},              // 8e int-to-char 12x
	{1, OpNone},              // 8f int-to-short 12x
	{2, OpNone},              // 90 add-int 23x
	{2, OpNone},              // 91 sub-int 23x
	{2, OpNone},              // 92 mul-int 23x
	{2, OpNone},              // 93 div-int 23x
	{2, OpNone},              // 94 rem-int 23x
	{2, OpNone},              // 95 and-int 23x
	{2, OpNone},              // 96 or-int 23x
	{2, OpNone},              // 97 xor-int 23x
	{2, OpNone},              // 98 shl-int 23x
	{2, OpNone},              // 99 shr-int 23x
	{2, OpNone},              // 9a ushr-int 23x
	{2, OpNone},              // 9b add-long 23x
	{2, OpNone},              // 9c sub-long 23x
	{2, OpNone},              // 9d mul-long 23x
	{2, OpNone},              // 9e div-long 23x
	{2, OpNone},              // 9f rem-long 23x
	{2, OpNone},              // a0 and-long 23x
	{2, OpNone},              // a1 or-long 23x
	{2, OpNone},              // a2 xor-long 23x
	{2, OpNone},              // a3 shl-long 23x
	{2, OpNone},              // a4 shr-long 23x
	{2, OpNone},              // a5 ushr-long 23x
	{2, OpNone},              // a6 add-float 23x
	{2, OpNone},              // a7 sub-float 23x
	{2, OpNone},              // a8 mul-float 23x
	{2, OpNone},              // a9 div-float 23x
	{2, OpNone},              // aa rem-float 23x
	{2, OpNone},              // ab add-double 23x
	{2, OpNone},              // ac sub-double 23x
	{2, OpNone},              // ad mul-double 23x
	{2, OpNone},              // ae div-double 23x
	{2, OpNone},              // af rem-double 23x
	{1, OpNone},              // b0 add-int/2addr 12x
	{1, OpNone},              // b1 sub-int/2addr 12x
	{1, OpNone},              // b2 mul-int/2addr 12x
	{1, OpNone},              // b3 div-int/2addr 12x
	{1, OpNone},              // b4 rem-int/2addr 12x
	{1, OpNone},              // b5 and-int/2addr 12x
	{1, OpNone},              // b6 or-int/2addr 12x
	{1, OpNone},              // b7 xor-int/2addr 12x
	{1, OpNone},              // b8 shl-int/2addr 12x
	{1, OpNone},              // b9 shr-int/2addr 12x
	{1, OpNone},              // ba ushr-int/2addr 12x
	{1, OpNone},              // bb add-long/2addr 12x
	{1, OpNone},              // bc sub-long/2addr 12x
	{1, OpNone},              // bd mul-long/2addr 12x
	{1, OpNone},              // be div-long/2addr 12x
	{1, OpNone},              // bf rem-long/2addr 12x
	{1, OpNone},              // c0 and-long/2addr 12x
	{1, OpNone},              // c1 or-long/2addr 12x
	{1, OpNone},              // c2 xor-long/2addr 12x
	{1, OpNone},              // c3 shl-long/2addr 12x
	{1, OpNone},              // c4 shr-long/2addr 12x
	{1, OpNone},              // c5 ushr-long/2addr 12x
	{1, OpNone},              // c6 add-float/2addr 12x
	{1, OpNone},              // c7 sub-float/2addr 12x
	{1, OpNone},              // c8 mul-float/2addr 12x
	{1, OpNone},              // c9 div-float/2addr 12x
	{1, OpNone},              // ca rem-float/2addr 12x
	{1, OpNone},              // cb add-double/2addr 12x
	{1, OpNone},              // cc sub-double/2addr 12x
	{1, OpNone},              // cd mul-double/2addr 12x
	{1, OpNone},              // ce div-double/2addr 12x
	{1, OpNone},              // cf rem-double/2addr 12x
	{2, OpNone},              // d0 add-int/lit16 22s
	{2, OpNone},              // d1 rsub-int 22s
	{2, OpNone},              // d2 mul-int/lit16 22s
	{2, OpNone},              // d3 div-int/lit16 22s
	{2, OpNone},              // d4 rem-int/lit16 22s
	{2, OpNone},              // d5 and-int/lit16 22s
	{2, OpNone},              // d6 or-int/lit16 22s
	{2, OpNone},              // d7 xor-int/lit16 22s
	{2, OpNone},              // d8 add-int/lit8 22b
	{2, OpNone},              // d9 rsub-int/lit8 22b
	{2, OpNone},              // da mul-int/lit8 22b
	{2, OpNone},              // db div-int/lit8 22b
	{2, OpNone},              // dc rem-int/lit8 22b
	{2, OpNone},              // dd and-int/lit8 22b
	{2, OpNone},              // de or-int/lit8 22b
	{2, OpNone},              // df xor-int/lit8 22b
	{2, OpNone},              // e0 shl-int/lit8 22b
	{2, OpNone},              // e1 shr-int/lit8 22b
	{2, OpNone},              // e2 ushr-int/lit8 22b
	{1, OpNone},              // e3 unused 10x
	{1, OpNone},              // e4 unused 10x
	{1, OpNone},              // e5 unused 10x
	{1, OpNone},              // e6 unused 10x
	{1, OpNone},              // e7 unused 10x
	{1, OpNone},              // e8 unused 10x
	{1, OpNone},              // e9 unused 10x
	{1, OpNone},              // ea unused 10x
	{1, OpNone},              // eb unused 10x
	{1, OpNone},              // ec unused 10x
	{1, OpNone},              // ed unused 10x
	{1, OpNone},              // ee unused 10x
	{1, OpNone},              // ef unused 10x
	{1, OpNone},              // f0 unused 10x
	{1, OpNone},              // f1 unused 10x
	{1, OpNone},              // f2 unused 10x
	{1, OpNone},              // f3 unused 10x
	{1, OpNone},              // f4 unused 10x
	{1, OpNone},              // f5 unused 10x
	{1, OpNone},              // f6 unused 10x
	{1, OpNone},              // f7 unused 10x
	{1, OpNone},              // f8 unused 10x
	{1, OpNone},              // f9 unused 10x
	{4, OpInvoke},            // fa invoke-polymorphic 45cc
	{4, OpInvoke},            // fb invoke-polymorphic/range 4rcc
	{3, OpInvokeCustom},      // fc invoke-custom 35c
	{3, OpInvokeCustom},      // fd invoke-custom/range 3rc
	{2, OpConstMethodHandle}, // fe const-method-handle 21c
	{2, OpConstMethodType},   // ff const-method-type 21c
}

// Payload identifiers, stored in the high byte of a nop code unit.
const (
	packedSwitchPayload  = 0x01
	sparseSwitchPayload  = 0x02
	fillArrayDataPayload = 0x03
)

// Walk visits every method that has code, direct methods then virtual
// methods of each class def in class_defs order, and calls fn with the
// method and the instructions of interest in its code, in stream order.
// The insns slice is reused between calls: fn must copy what it keeps.
//
// If fn returns an error, Walk stops and returns that error unchanged.
// Otherwise Walk visits the whole file: a class def whose class_data_item is
// malformed (out of bounds, or a method index out of range) is reported and
// skipped from that point, and a method whose code_item lies out of bounds
// is reported and skipped; a method whose instruction stream runs past its
// insns_size (including a truncated payload) is reported, and fn is still
// called with the instructions decoded before the fault.
//
// The work is bounded by the size of the image: class data and code items
// may be shared or overlap, but once the walk has read more class data
// entries, or decoded more code units, than the image has bytes (at least
// twice what any file without sharing needs), it stops and reports that as a
// problem.
//
// When the walk completes, Walk returns nil or these problems joined with
// [errors.Join], each a [*FormatError].
func (f *File) Walk(fn func(m Code, insns []Insn) error) error {
	w := walker{f: f, fn: fn, entries: uint64(len(f.data)), units: uint64(len(f.data))}
	for ci := 0; ci < len(f.classDefs)/classDefSize; ci++ {
		if err := w.class(ci); err != nil {
			if err == errBudget {
				w.probs.add(formatErr(uint64(f.Header.ClassDefsOff)+uint64(ci)*classDefSize,
					"class_defs[%d]: class data or code shared beyond the size of the file; walk stopped", ci))
				break
			}
			return err
		}
	}
	return w.probs.err()
}

// errBudget stops a walk whose work exceeds its bound.
var errBudget = errors.New("walk budget exhausted")

type walker struct {
	f       *File
	fn      func(Code, []Insn) error
	buf     []Insn
	probs   problems
	entries uint64 // class data entries left to read
	units   uint64 // code units left to decode
}

// class walks class def ci. It returns only fn's errors; problems in the
// file are recorded.
func (w *walker) class(ci int) error {
	f := w.f
	data := f.data
	cdOff := binary.LittleEndian.Uint32(f.classDefs[ci*classDefSize+24:])
	if cdOff == 0 {
		return nil
	}
	var counts [4]uint32 // static fields, instance fields, direct methods, virtual methods
	p := uint64(cdOff)
	var err error
	for k := range counts {
		if counts[k], p, err = uleb128(data, p); err != nil {
			w.probs.add(wrap(err, "class_defs[%d]: class_data", ci))
			return nil
		}
	}
	// An encoded field takes at least two bytes, an encoded method three.
	need := 2*(uint64(counts[0])+uint64(counts[1])) + 3*(uint64(counts[2])+uint64(counts[3]))
	if p+need > uint64(len(data)) {
		w.probs.add(formatErr(uint64(cdOff), "class_defs[%d]: class_data declares %d fields and %d methods, more than the data holds",
			ci, uint64(counts[0])+uint64(counts[1]), uint64(counts[2])+uint64(counts[3])))
		return nil
	}
	total := uint64(counts[0]) + uint64(counts[1]) + uint64(counts[2]) + uint64(counts[3])
	if total > w.entries {
		return errBudget
	}
	w.entries -= total
	for k := uint64(0); k < uint64(counts[0])+uint64(counts[1]); k++ {
		for range 2 { // field_idx_diff, access_flags
			if _, p, err = uleb128(data, p); err != nil {
				w.probs.add(wrap(err, "class_defs[%d]: class_data: fields", ci))
				return nil
			}
		}
	}
	numMethods := uint64(len(f.methodIDs) / methodIDSize)
	for list := 2; list < 4; list++ {
		idx := uint64(0)
		for k := uint32(0); k < counts[list]; k++ {
			var v [3]uint32 // method_idx_diff, access_flags, code_off
			entry := p
			for j := range v {
				if v[j], p, err = uleb128(data, p); err != nil {
					w.probs.add(wrap(err, "class_defs[%d]: class_data: methods", ci))
					return nil
				}
			}
			idx += uint64(v[0])
			if idx >= numMethods {
				w.probs.add(formatErr(entry, "class_defs[%d]: class_data: method index %d out of range [0,%d)", ci, idx, numMethods))
				return nil
			}
			if v[2] == 0 {
				continue
			}
			m := Code{MethodIdx: uint32(idx), ClassDef: ci, AccessFlags: v[1], CodeOff: v[2]}
			if err := w.method(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// method decodes the code of m and calls fn.
func (w *walker) method(m Code) error {
	data := w.f.data
	off := uint64(m.CodeOff)
	if off+codeItemSize > uint64(len(data)) {
		w.probs.add(formatErr(off, "method %d: code_item out of bounds", m.MethodIdx))
		return nil
	}
	m.InsnsSize = binary.LittleEndian.Uint32(data[off+12:])
	start := off + codeItemSize
	end := start + 2*uint64(m.InsnsSize)
	if end > uint64(len(data)) {
		w.probs.add(formatErr(off, "method %d: insns_size %d runs past end of data", m.MethodIdx, m.InsnsSize))
		return nil
	}
	if uint64(m.InsnsSize) > w.units {
		return errBudget
	}
	w.units -= uint64(m.InsnsSize)
	code := data[start:end:end]
	insns := w.buf[:0]
	base := uint32(start)
	n := len(code) // even
	for i := 0; i < n; {
		op := code[i]
		info := opTable[op]
		size := int(info.units) * 2
		if op == 0 && code[i+1] != 0 {
			var ok bool
			if size, ok = payloadSize(code[i:]); !ok {
				w.probs.add(formatErr(start+uint64(i), "method %d: truncated payload", m.MethodIdx))
				break
			}
		}
		if size > n-i {
			w.probs.add(formatErr(start+uint64(i), "method %d: instruction %#02x runs past insns_size", m.MethodIdx, op))
			break
		}
		if info.op != OpNone {
			idx := uint32(binary.LittleEndian.Uint16(code[i+2:]))
			switch op {
			case 0x1b, 0x14: // const-string/jumbo, const: 32 bits
				idx = binary.LittleEndian.Uint32(code[i+2:])
			case 0x15: // const/high16: the high 16 bits
				idx <<= 16
			}
			insns = append(insns, Insn{Op: info.op, Opcode: op, Index: idx, Offset: base + uint32(i)})
		}
		i += size
	}
	w.buf = insns
	return w.fn(m, insns)
}

// OpcodeBefore returns the opcode of the instruction that ends at byte
// offset off in method m (as Walk passed it), decoding the method from its
// start, and false when off is not an instruction boundary after the
// first instruction, or lies outside the method.
func (f *File) OpcodeBefore(m Code, off uint32) (uint8, bool) {
	start := uint64(m.InsnsOff())
	end := start + 2*uint64(m.InsnsSize)
	if uint64(off) <= start || uint64(off) > end || end > uint64(len(f.data)) {
		return 0, false
	}
	code := f.data[start:end]
	want := int(uint64(off) - start)
	prev := -1
	for i := 0; i < len(code); {
		if i == want {
			if prev < 0 {
				return 0, false
			}
			return code[prev], true
		}
		if i > want {
			return 0, false
		}
		op := code[i]
		size := int(opTable[op].units) * 2
		if op == 0 && code[i+1] != 0 {
			var ok bool
			if size, ok = payloadSize(code[i:]); !ok {
				return 0, false
			}
		}
		if size == 0 || size > len(code)-i {
			return 0, false
		}
		prev = i
		i += size
	}
	if want == len(code) && prev >= 0 {
		return code[prev], true
	}
	return 0, false
}

// payloadSize returns the size in bytes of the payload (or of the nop with a
// nonzero high byte) at the start of b, or false if the payload does not fit
// in b.
func payloadSize(b []byte) (int, bool) {
	var units uint64
	switch b[1] {
	case packedSwitchPayload:
		if len(b) < 4 {
			return 0, false
		}
		units = 4 + 2*uint64(binary.LittleEndian.Uint16(b[2:]))
	case sparseSwitchPayload:
		if len(b) < 4 {
			return 0, false
		}
		units = 2 + 4*uint64(binary.LittleEndian.Uint16(b[2:]))
	case fillArrayDataPayload:
		if len(b) < 8 {
			return 0, false
		}
		width := uint64(binary.LittleEndian.Uint16(b[2:]))
		count := uint64(binary.LittleEndian.Uint32(b[4:]))
		units = 4 + (width*count+1)/2
	default:
		return 2, true // a nop with a nonzero high byte
	}
	if units > uint64(len(b))/2 {
		return 0, false
	}
	return int(units) * 2, true
}
