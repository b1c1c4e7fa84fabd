package dex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Hostile inputs built from a real file: each test changes one structure
// and checks that the damage is reported where it is, and that the rest of
// the file is still read.

func putU32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }

func appendULEB(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendCode appends a code_item holding insns, aligned to four bytes, and
// returns the new image and the item's offset. insnsSize overrides the
// stored insns_size when not negative.
func appendCode(data []byte, insnsSize int, insns ...uint16) ([]byte, uint32) {
	for len(data)%4 != 0 {
		data = append(data, 0)
	}
	off := uint32(len(data))
	var hdr [16]byte
	n := uint32(len(insns))
	if insnsSize >= 0 {
		n = uint32(insnsSize)
	}
	putU32(hdr[:], 12, n)
	data = append(data, hdr[:]...)
	for _, u := range insns {
		data = binary.LittleEndian.AppendUint16(data, u)
	}
	return data, off
}

// appendClassData appends a class_data_item with the given direct methods
// (method_idx_diff, access_flags, code_off) and makes class def ci use it.
func appendClassData(data []byte, ci int, methods ...[3]uint32) []byte {
	f, err := Parse(data)
	if err != nil {
		panic(err)
	}
	off := uint32(len(data))
	data = append(data, 0, 0) // static and instance fields
	data = appendULEB(data, uint32(len(methods)))
	data = append(data, 0) // virtual methods
	for _, m := range methods {
		for _, v := range m {
			data = appendULEB(data, v)
		}
	}
	putU32(data, int(f.Header.ClassDefsOff)+ci*classDefSize+24, off)
	return data
}

type visit struct {
	class  int
	method uint32
	insns  []Insn
}

// walkAll walks f and returns the visits and the problems as separate
// *FormatErrors.
func walkAll(t *testing.T, f *File) ([]visit, []*FormatError) {
	t.Helper()
	var vs []visit
	err := f.Walk(func(m Code, insns []Insn) error {
		vs = append(vs, visit{m.ClassDef, m.MethodIdx, append([]Insn(nil), insns...)})
		return nil
	})
	var probs []*FormatError
	if err != nil {
		var errs []error
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		} else {
			errs = []error{err}
		}
		for _, e := range errs {
			var fe *FormatError
			if !errors.As(e, &fe) {
				t.Fatalf("Walk problem %T %v, want *FormatError", e, e)
			}
			probs = append(probs, fe)
		}
	}
	return vs, probs
}

func onlyProblem(t *testing.T, probs []*FormatError, want ...string) {
	t.Helper()
	if len(probs) != 1 {
		t.Fatalf("problems %v, want one containing %q", probs, want)
	}
	for _, w := range want {
		if !strings.Contains(probs[0].Error(), w) {
			t.Errorf("problem %q does not mention %q", probs[0], w)
		}
	}
}

func without(vs []visit, class int) []visit {
	var out []visit
	for _, v := range vs {
		if v.class != class {
			out = append(out, v)
		}
	}
	return out
}

func sameVisits(t *testing.T, got, want []visit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d methods visited, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].class != want[i].class || got[i].method != want[i].method || len(got[i].insns) != len(want[i].insns) {
			t.Fatalf("visit %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// base returns tc-debug.dex, its visits, and the index of a class with code
// and the code_off of its first method.
func base(t *testing.T) ([]byte, []visit, int) {
	data := readDex(t, "tc-debug.dex")
	vs, probs := walkAll(t, mustParse(t, data))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	return data, vs, 5
}

func TestParseMalformed(t *testing.T) {
	data := readDex(t, "tc-debug.dex")
	mod := func(fn func(b []byte)) []byte { b := bytes.Clone(data); fn(b); return b }
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"short", data[:0x6f], "too short"},
		{"header only", data[:0x70], "string_ids"},
		{"bad magic", mod(func(b []byte) { b[0] = 'D' }), "bad magic"},
		{"big endian", mod(func(b []byte) { putU32(b, 0x28, 0x78563412) }), "endian"},
		{"header_size past end", mod(func(b []byte) { putU32(b, 0x24, 1<<30) }), "header_size"},
		{"strings past EOF", mod(func(b []byte) { putU32(b, 0x38, 0xffffffff) }), "string_ids"},
		{"types past EOF", mod(func(b []byte) { putU32(b, 0x40, 0x10000) }), "type_ids"},
		{"too many types", mod(func(b []byte) { putU32(b, 0x40, 0x10001) }), "type_ids"},
		{"protos offset past EOF", mod(func(b []byte) { putU32(b, 0x4c, 0xfffffff0) }), "proto_ids"},
		{"fields past EOF", mod(func(b []byte) { putU32(b, 0x50, 1<<20) }), "field_ids"},
		{"methods past EOF", mod(func(b []byte) { putU32(b, 0x58, 0x20000000) }), "method_ids"},
		{"class defs past EOF", mod(func(b []byte) { putU32(b, 0x60, 0xffffffff) }), "class_defs"},
	} {
		f, err := Parse(tc.in)
		var fe *FormatError
		if f != nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v, %v; want *FormatError about %s", tc.name, f, err, tc.want)
		}
	}
}

// TestTruncated cuts real files at several points: Parse either fails with
// a FormatError or succeeds, and then everything else reports errors instead
// of panicking, every method whose class data and code are intact is still
// walked with the same results, and every method lost is accounted for by a
// problem.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"tc-debug.dex", "annotation.dex"} {
		data := readDex(t, name)
		full := mustParse(t, data)
		classEnd := classDataEnds(t, full)
		type rec struct {
			v   visit
			end uint64
		}
		var all []rec
		if err := full.Walk(func(m Code, insns []Insn) error {
			all = append(all, rec{visit{m.ClassDef, m.MethodIdx, append([]Insn(nil), insns...)}, uint64(m.InsnsOff()) + 2*uint64(m.InsnsSize)})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, frac := range []int{1, 5, 10, 20, 30, 50, 70, 90, 99} {
			n := len(data) * frac / 100
			cut := data[:n:n]
			f, err := Parse(cut)
			if err != nil {
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Errorf("%s[:%d]: Parse error %T", name, n, err)
				}
				continue
			}
			if !f.Truncated() {
				t.Errorf("%s[:%d]: Truncated() = false", name, n)
			}
			resolveAll(f)
			vs, probs := walkAll(t, f)
			var want []visit
			for _, r := range all {
				if r.end <= uint64(n) && classEnd[r.v.class] <= uint64(n) {
					want = append(want, r.v)
				}
			}
			// Visits of methods whose class data is cut but whose entries
			// precede the cut may also appear; drop them before comparing.
			var got []visit
			for _, v := range vs {
				if classEnd[v.class] <= uint64(n) {
					got = append(got, v)
				}
			}
			sameVisits(t, got, want)
			if (len(vs) < len(all)) != (len(probs) > 0) {
				t.Errorf("%s[:%d]: %d of %d methods walked, %d problems", name, n, len(vs), len(all), len(probs))
			}
			t.Logf("%s[:%d]: %d of %d methods walked, %d problems", name, n, len(vs), len(all), len(probs))
		}
	}
}

// classDataEnds returns the end offset of each class def's class_data_item.
func classDataEnds(t *testing.T, f *File) []uint64 {
	classes, err := f.Classes()
	if err != nil {
		t.Fatal(err)
	}
	ends := make([]uint64, len(classes))
	for i, c := range classes {
		if c.ClassDataOff == 0 {
			continue
		}
		p := uint64(c.ClassDataOff)
		var counts [4]uint32
		for k := range counts {
			counts[k], p, _ = uleb128(f.data, p)
		}
		items := 2*(uint64(counts[0])+uint64(counts[1])) + 3*(uint64(counts[2])+uint64(counts[3]))
		for range items {
			_, p, _ = uleb128(f.data, p)
		}
		ends[i] = p
	}
	return ends
}

func TestClassDataMethodIndex(t *testing.T) {
	data, vs, ci := base(t)
	// A valid code item to point methods at.
	data, code := appendCode(data, -1, 0x001a, 0x0001, 0x000e) // const-string v0, string@1; return-void
	for _, tc := range []struct {
		name    string
		methods [][3]uint32
		first   bool // whether the first method is visited before the fault
		want    string
	}{
		{"out of range", [][3]uint32{{40, 1, code}}, false, "method index 40 out of range"},
		{"diff out of range", [][3]uint32{{3, 1, code}, {37, 1, code}}, true, "method index 40 out of range"},
		{"overflow", [][3]uint32{{3, 1, code}, {0xffffffff, 1, code}}, true, "method index 4294967298 out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, appendClassData(bytes.Clone(data), ci, tc.methods...))
			got, probs := walkAll(t, f)
			onlyProblem(t, probs, fmt.Sprintf("class_defs[%d]", ci), tc.want)
			want := without(vs, ci)
			if tc.first {
				// Insert the visit of the first method where class ci's
				// methods were.
				var w []visit
				for _, v := range want {
					if v.class > ci && (len(w) == 0 || w[len(w)-1].class < ci) {
						w = append(w, visit{ci, 3, []Insn{{Op: OpConstString, Opcode: 0x1a, Index: 1, Offset: code + 16}}})
					}
					w = append(w, v)
				}
				want = w
			}
			sameVisits(t, got, want)
		})
	}
}

func TestClassDataBounds(t *testing.T) {
	data, vs, ci := base(t)
	f := mustParse(t, data)
	cdOff := int(f.Header.ClassDefsOff) + ci*classDefSize + 24
	for _, tc := range []struct {
		name string
		fn   func(b []byte) []byte
		want string
	}{
		{"class_data past EOF", func(b []byte) []byte { putU32(b, cdOff, uint32(len(b))); return b }, "runs past end"},
		{"huge counts", func(b []byte) []byte {
			putU32(b, cdOff, uint32(len(b)))
			for range 4 {
				b = appendULEB(b, 0xffffffff)
			}
			return b
		}, "more than the data holds"},
		{"six-byte uleb", func(b []byte) []byte {
			putU32(b, cdOff, uint32(len(b)))
			return append(b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0)
		}, "longer than 5 bytes"},
		{"method list cut", func(b []byte) []byte {
			putU32(b, cdOff, uint32(len(b)))
			// Two direct methods declared, the second's code_off missing.
			return append(b, 0, 0, 2, 0, 0, 1, 0, 1, 1, 0x80, 0x80)
		}, "runs past end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, probs := walkAll(t, mustParse(t, tc.fn(bytes.Clone(data))))
			onlyProblem(t, probs, fmt.Sprintf("class_defs[%d]", ci), tc.want)
			sameVisits(t, got, without(vs, ci))
		})
	}
}

func TestCodeItemBounds(t *testing.T) {
	data, vs, ci := base(t)
	data, good := appendCode(data, -1, 0x001a, 0x0002, 0x000e) // const-string v0, string@2; return-void
	goodVisit := visit{ci, 2, []Insn{{Op: OpConstString, Opcode: 0x1a, Index: 2, Offset: good + 16}}}
	huge, hugeOff := appendCode(bytes.Clone(data), 0x7fffffff, 0x000e)
	for _, tc := range []struct {
		name string
		data []byte
		off  uint32
		want string
	}{
		{"code_off past EOF", data, 0xfffffff0, "code_item out of bounds"},
		{"insns_size past EOF", huge, hugeOff, "insns_size 2147483647 runs past end of data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Method 1 has the bad code item, method 2 good code.
			f := mustParse(t, appendClassData(bytes.Clone(tc.data), ci, [3]uint32{1, 1, tc.off}, [3]uint32{1, 1, good}))
			got, probs := walkAll(t, f)
			onlyProblem(t, probs, "method 1", tc.want)
			want := without(vs, ci)
			var w []visit
			for _, v := range want {
				if v.class > ci && (len(w) == 0 || w[len(w)-1].class < ci) {
					w = append(w, goodVisit)
				}
				w = append(w, v)
			}
			sameVisits(t, got, w)
			for _, v := range got {
				if v.class == ci && v.insns[0] != goodVisit.insns[0] {
					t.Errorf("good method: %+v, want %+v", v.insns, goodVisit.insns)
				}
			}
		})
	}
}

// TestInstructionStream checks payload skipping and faults inside one
// method's instructions.
func TestInstructionStream(t *testing.T) {
	data, _, ci := base(t)
	const (
		constString = 0x001a // const-string v0, followed by the index
		invokeVirt  = 0x106e // invoke-virtual {v0}, followed by method index and registers
		returnVoid  = 0x000e
	)
	for _, tc := range []struct {
		name      string
		insnsSize int
		insns     []uint16
		want      []Insn // Offset relative to the first instruction
		problem   string
	}{
		{"payloads skipped", -1, []uint16{
			constString, 3,
			// packed-switch payload, one target; keys and targets look like
			// const-string instructions and must not be decoded.
			0x0100, 1, constString, 0, constString, 0,
			// sparse-switch payload, one key and one target.
			0x0200, 1, constString, 0, constString, 0,
			// fill-array-data payload, 3 one-byte elements: 4+2 units.
			0x0300, 1, 3, 0, constString, constString,
			// fill-array-data payload of eight-byte elements.
			0x0300, 8, 1, 0, constString, constString, constString, constString,
			invokeVirt, 7, 0,
			0x1b1b, 0x0004, 0x0001, // const-string/jumbo v27, string@0x10004
			0x0500, // nop with a stray high byte: one unit
			returnVoid,
		}, []Insn{
			{OpConstString, 0x1a, 3, 0},
			{OpInvoke, 0x6e, 7, 2 * 28},
			{OpConstString, 0x1b, 0x10004, 2 * 31},
		}, ""},
		{"instruction past insns_size", 4, []uint16{constString, 4, invokeVirt, 7, 0}, []Insn{{OpConstString, 0x1a, 4, 0}}, "instruction 0x6e runs past insns_size"},
		{"jumbo past insns_size", 3, []uint16{constString, 4, 0x001b, 1, 0}, []Insn{{OpConstString, 0x1a, 4, 0}}, "instruction 0x1b runs past insns_size"},
		{"packed-switch payload cut", -1, []uint16{constString, 5, 0x0100, 10, 0, 0, 0, 0}, []Insn{{OpConstString, 0x1a, 5, 0}}, "truncated payload"},
		{"sparse-switch payload header cut", -1, []uint16{constString, 5, 0x0200}, []Insn{{OpConstString, 0x1a, 5, 0}}, "truncated payload"},
		{"fill-array-data payload cut", -1, []uint16{constString, 5, 0x0300, 4, 2, 0, 0, 0}, []Insn{{OpConstString, 0x1a, 5, 0}}, "truncated payload"},
		{"fill-array-data huge", -1, []uint16{0x0300, 0xffff, 0xffff, 0xffff}, nil, "truncated payload"},
		{"empty code", -1, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, code := appendCode(bytes.Clone(data), tc.insnsSize, tc.insns...)
			f := mustParse(t, appendClassData(d, ci, [3]uint32{1, 1, code}, [3]uint32{1, 1, code}))
			got, probs := walkAll(t, f)
			var mine []visit
			for _, v := range got {
				if v.class == ci {
					mine = append(mine, v)
				}
			}
			// Both methods share the code item; both are walked.
			if len(mine) != 2 || mine[0].method != 1 || mine[1].method != 2 {
				t.Fatalf("visits of class %d: %+v", ci, mine)
			}
			for _, v := range mine {
				if len(v.insns) != len(tc.want) {
					t.Fatalf("method %d: insns %+v, want %+v", v.method, v.insns, tc.want)
				}
				for i, in := range v.insns {
					w := tc.want[i]
					w.Offset += code + 16
					if in != w {
						t.Errorf("method %d: insn %d = %+v, want %+v", v.method, i, in, w)
					}
				}
			}
			if tc.problem == "" {
				if len(probs) != 0 {
					t.Errorf("problems %v", probs)
				}
				return
			}
			if len(probs) != 2 {
				t.Fatalf("problems %v, want one per method", probs)
			}
			for _, p := range probs {
				if !strings.Contains(p.Error(), tc.problem) {
					t.Errorf("problem %q does not mention %q", p, tc.problem)
				}
			}
		})
	}
}

func TestBadReferences(t *testing.T) {
	data := readDex(t, "tc-debug.dex")
	f := mustParse(t, data)
	h := f.Header
	mod := func(fn func(b []byte) []byte) *File { return mustParse(t, fn(bytes.Clone(data))) }

	g := mod(func(b []byte) []byte { putU32(b, int(h.StringIDsOff), uint32(len(b))+5); return b })
	if _, err := g.String(0); err == nil || !strings.Contains(err.Error(), "string_ids[0]") {
		t.Errorf("string past EOF: %v", err)
	}
	g = mod(func(b []byte) []byte {
		putU32(b, int(h.StringIDsOff), uint32(len(b)))
		return append(b, 5, 'a', 'b', 'c') // declares 5 UTF-16 units, no NUL
	})
	if _, err := g.String(0); err == nil || !strings.Contains(err.Error(), "unterminated") {
		t.Errorf("unterminated string: %v", err)
	}
	g = mod(func(b []byte) []byte {
		putU32(b, int(h.StringIDsOff), uint32(len(b)))
		return append(b, 1, 'a', 'b', 'c', 'd', 0) // NUL farther than the length allows
	})
	if _, err := g.String(0); err == nil || !strings.Contains(err.Error(), "unterminated") {
		t.Errorf("string longer than declared: %v", err)
	}
	g = mod(func(b []byte) []byte { putU32(b, int(h.TypeIDsOff), 0xffff0000); return b })
	if _, err := g.Type(0); err == nil || !strings.Contains(err.Error(), "type_ids[0]") {
		t.Errorf("type with bad string index: %v", err)
	}
	// A proto whose parameter list declares more entries than the file has.
	g = mod(func(b []byte) []byte {
		putU32(b, int(h.ProtoIDsOff)+8, uint32(len(b)))
		return binary.LittleEndian.AppendUint32(b, 0x7fffffff)
	})
	if _, err := g.Proto(0); err == nil || !strings.Contains(err.Error(), "type_list") {
		t.Errorf("proto with huge type_list: %v", err)
	}
	// A class whose interface list is out of bounds is still listed.
	g = mod(func(b []byte) []byte { putU32(b, int(h.ClassDefsOff)+12, 0xfffffff0); return b })
	classes, err := g.Classes()
	if len(classes) != int(h.NumClasses) || classes[0].Class != "Lorg/t0t0/androguard/TC/R$attr;" || err == nil ||
		!strings.Contains(err.Error(), "class_defs[0]: interfaces") {
		t.Errorf("Classes with a bad interface list: %d classes, %v", len(classes), err)
	}
}

// resolveAll resolves every id of f, and one past each table, ignoring
// errors; it must not panic. It follows the tables as read, not the
// header, which may lie in a File from ParsePartial.
func resolveAll(f *File) {
	sz := f.Sizes()
	for i := range sz.Strings + 1 {
		f.String(i)
	}
	for i := range sz.Types + 1 {
		f.Type(i)
	}
	for i := range sz.Protos + 1 {
		f.Proto(i)
	}
	for i := range sz.Fields + 1 {
		f.Field(i)
	}
	for i := range sz.Methods + 1 {
		f.Method(i)
	}
	f.Classes()
}

// TestSharedCodeBudget points every method of every class at one large code
// item: the walk is cut short with a problem instead of decoding it
// thousands of times.
func TestSharedCodeBudget(t *testing.T) {
	data, _, _ := base(t)
	data, code := appendCode(data, -1, make([]uint16, 1000)...) // 1000 nops
	methods := make([][3]uint32, 20)
	for i := range methods {
		methods[i] = [3]uint32{0, 1, code}
	}
	data = appendClassData(data, 0, methods...)
	f := mustParse(t, data)
	shared := binary.LittleEndian.Uint32(data[f.Header.ClassDefsOff+24:])
	for ci := range int(f.Header.NumClasses) {
		putU32(data, int(f.Header.ClassDefsOff)+ci*classDefSize+24, shared)
	}
	f = mustParse(t, data)
	vs, probs := walkAll(t, f)
	// Each class reads 20 entries and decodes 20000 units; the image is
	// about 12 KB.
	if len(vs) == 0 || len(vs) >= len(data)/1000+1 {
		t.Errorf("%d methods walked", len(vs))
	}
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "walk stopped") {
		t.Errorf("problems %v", probs)
	}
}
