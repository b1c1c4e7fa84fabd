package dex

import (
	"errors"
	"testing"
)

// FuzzParse parses arbitrary bytes, strictly and partially, and walks the
// code of what ParsePartial returns, resolving every id and every reported
// reference. Nothing may panic, every error must be a *FormatError, every
// reported instruction must lie inside its method's code, ParsePartial
// must read every file Parse reads, and its tables must fit the data.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"tc-debug.dex", "modern.dex"} {
		f.Add(readDex(f, name))
	}
	// Prefixes of the larger files: their headers and id tables.
	f.Add(readDex(f, "testactivity.dex")[:4<<10])
	f.Add(readDex(f, "annotation.dex")[:4<<10])
	f.Fuzz(func(t *testing.T, data []byte) {
		strict, serr := Parse(data)
		if serr != nil {
			var fe *FormatError
			if !errors.As(serr, &fe) {
				t.Fatalf("Parse error %T: %v", serr, serr)
			}
		}
		file, err := ParsePartial(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("ParsePartial error %T: %v", err, err)
			}
		}
		if file == nil {
			if strict != nil {
				t.Fatal("ParsePartial refused a file Parse reads")
			}
			return
		}
		if strict != nil && (err != nil || strict.Sizes() != file.Sizes()) {
			t.Fatalf("ParsePartial differs from Parse on a valid file: %v, %+v vs %+v", err, file.Sizes(), strict.Sizes())
		}
		sz := file.Sizes()
		if uint64(sz.Strings)*4+uint64(sz.Types)*4+uint64(sz.Protos)*12+uint64(sz.Fields)*8+uint64(sz.Methods)*8+uint64(sz.Classes)*32 > 6*uint64(len(data)) {
			t.Fatalf("tables %+v do not fit %d bytes", sz, len(data))
		}
		file.VerifyChecksum()
		file.VerifySignature()
		resolveAll(file)
		err = file.Walk(func(m Code, insns []Insn) error {
			file.Method(m.MethodIdx)
			lo, hi := uint64(m.InsnsOff()), uint64(m.InsnsOff())+2*uint64(m.InsnsSize)
			for _, in := range insns {
				if uint64(in.Offset) < lo || uint64(in.Offset) >= hi || hi > uint64(len(data)) {
					t.Fatalf("instruction at %#x outside code [%#x,%#x)", in.Offset, lo, hi)
				}
				if opTable[in.Opcode].op != in.Op {
					t.Fatalf("opcode %#x reported as %v", in.Opcode, in.Op)
				}
				if in.Offset > m.InsnsOff() {
					file.OpcodeBefore(m, in.Offset)
				}
				file.OpcodeBefore(m, in.Offset+1)
				switch in.Op {
				case OpInvoke:
					file.Method(in.Index)
				case OpStaticGet, OpInstanceGet, OpStaticPut:
					file.Field(in.Index)
				case OpConstString:
					file.String(in.Index)
				case OpConstClass, OpNewInstance:
					file.Type(in.Index)
				case OpConstMethodType:
					file.Proto(in.Index)
				}
			}
			return nil
		})
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Walk error %T: %v", err, err)
			}
		}
	})
}

// FuzzFlow runs the def-use pass over arbitrary bytecode: the fuzzer's
// bytes replace the code item (header, instructions, try items and
// handlers) of a method of flow.dex and whatever follows it. Nothing may
// panic, the pass must end, and every answer must name an instruction of
// the method or be unknown.
func FuzzFlow(f *testing.F) {
	base := readDex(f, "flow.dex")
	file := mustParse(f, base)
	var codes []Code
	file.Walk(func(m Code, _ []Insn) error { codes = append(codes, m); return nil })
	// Seeds: the code items as they are, each from its code_item on.
	for i, m := range codes {
		end := min(int(m.CodeOff)+codeItemSize+2*int(m.InsnsSize)+64, len(base))
		f.Add(uint8(i), base[m.CodeOff:end])
	}
	f.Fuzz(func(t *testing.T, which uint8, code []byte) {
		m := codes[int(which)%len(codes)]
		data := append([]byte(nil), base...)
		copy(data[m.CodeOff:], code)
		file, err := Parse(data)
		if err != nil {
			return // the splice ran into the tables
		}
		fl := NewFlow(file)
		ok := fl.Analyze(m)
		lo := uint64(m.CodeOff) + codeItemSize
		var defs []Def
		var uses []Use
		for off := uint32(lo); uint64(off) < min(uint64(len(data)), lo+2*0x10000); off += 2 {
			defs = fl.ArgDefs(defs[:0], off, int(off%5)-1)
			for _, d := range defs {
				if !ok && d.Kind != DefUnknown {
					t.Fatalf("answer %+v from a method not analyzed", d)
				}
				if d.Offset != 0 && (uint64(d.Offset) < lo || uint64(d.Offset) >= uint64(len(data))) {
					t.Fatalf("definition at %#x outside the code", d.Offset)
				}
			}
			fl.OpcodeBefore(off)
			fl.OffsetBefore(off)
			for _, d := range fl.ReadDefs(nil, off, int(off%3)) {
				if !ok && d.Kind != DefUnknown {
					t.Fatalf("ReadDefs answer %+v from a method not analyzed", d)
				}
			}
			uses, _ = fl.Uses(uses[:0], off)
			for _, u := range uses {
				if uint64(u.Offset) < lo || uint64(u.Offset) >= uint64(len(data)) {
					t.Fatalf("use at %#x outside the code", u.Offset)
				}
			}
		}
	})
}
