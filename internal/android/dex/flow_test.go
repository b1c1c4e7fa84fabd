package dex

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// flowFile is testdata/flow.dex, assembled from testdata/smali/Flow.smali
// (see testdata/README.md).
func flowFile(t testing.TB) *File { return mustParse(t, readDex(t, "flow.dex")) }

// methodCode finds the code of the method named name in f.
func methodCode(t testing.TB, f *File, name string) Code {
	t.Helper()
	var found *Code
	err := f.Walk(func(m Code, _ []Insn) error {
		if r, err := f.Method(m.MethodIdx); err == nil && r.Name == name {
			c := m
			found = &c
		}
		return nil
	})
	if err != nil || found == nil {
		t.Fatalf("method %s: %v", name, err)
	}
	return *found
}

// render names definitions as the tests write them: "string:a@0x4d8",
// "result:getPackageName@0x5ca", "param:p1", "sget:CONST@0x5a6",
// "literal:7@0x688", "unknown".
func render(t testing.TB, f *File, defs []Def) string {
	t.Helper()
	var out []string
	for _, d := range defs {
		var s string
		switch d.Kind {
		case DefString:
			v, _ := f.String(d.Index)
			s = "string:" + v
		case DefResult:
			m, _ := f.Method(d.Index)
			s = "result:" + m.Name
		case DefParam:
			s = fmt.Sprintf("param:p%d", d.Index)
		case DefStaticGet:
			r, _ := f.Field(d.Index)
			s = "sget:" + r.Name
		case DefLiteral:
			s = fmt.Sprintf("literal:%d", int32(d.Index))
		default:
			s = d.Kind.String()
		}
		if d.Offset != 0 {
			s += fmt.Sprintf("@%#x", d.Offset)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// TestFlowArgDefs asks, for calls in Flow.smali, what may have defined an
// argument. Offsets are those dexdump -d prints for testdata/flow.dex.
func TestFlowArgDefs(t *testing.T) {
	f := flowFile(t)
	fl := NewFlow(f)
	for _, c := range []struct {
		method string
		call   uint32 // offset of the invoke
		arg    int
		want   string
	}{
		{"straight", 0x5cc, 0, "result:getPackageName@0x5ca"},
		{"straight", 0x5c4, -1, "param:p1"}, // the receiver of getPackageName: v2, p1 in smali
		{"branch", 0x4e2, 0, "string:a@0x4d8 string:b@0x4de"},
		{"loop", 0x53c, 0, "result:other@0x548 string:x@0x538"},
		{"param", 0x584, 0, "param:p1"},
		{"moves", 0x56c, 0, "string:moved@0x564"},
		{"wideArg", 0x690, 1, "string:after-wide@0x68c"},
		{"wideArg", 0x690, 0, "literal:7@0x688"},
		{"wideArg", 0x690, 2, "unknown"}, // no such argument
		{"range", 0x5aa, 5, "sget:CONST@0x5a6"},
		{"range", 0x5aa, 4, "literal:5@0x5a4"},
		{"handler", 0x508, 0, "result:other@0x506"},
		{"handler", 0x512, 0, "result:other@0x506 string:before@0x4fc"},
		{"switches", 0x5fa, 0, "string:default@0x5e4 string:one@0x5f6 string:zero@0x5f0"},
		{"tooMany", 0x648, 0, "unknown"},
		{"uses", 0x664, -1, "param:p1"},
		{"uses", 0x664, 0, "string:content://com.android.contacts@0x660"},
		{"uses", 0x660, 0, "unknown"}, // not an invoke
	} {
		m := methodCode(t, f, c.method)
		if !fl.Analyze(m) {
			t.Fatalf("%s: not analyzed", c.method)
		}
		got := render(t, f, fl.ArgDefs(nil, c.call, c.arg))
		if got != c.want {
			t.Errorf("%s @%#x arg %d: %s, want %s", c.method, c.call, c.arg, got, c.want)
		}
	}
}

// TestFlowUses lists the readers of one constant: a comparison, a call
// and a return.
func TestFlowUses(t *testing.T) {
	f := flowFile(t)
	fl := NewFlow(f)
	if !fl.Analyze(methodCode(t, f, "uses")) {
		t.Fatal("not analyzed")
	}
	uses, ok := fl.Uses(nil, 0x660)
	if !ok {
		t.Fatal("uses unknown")
	}
	var got []string
	for _, u := range uses {
		s := fmt.Sprintf("%#x op %#02x arg %d", u.Offset, u.Opcode, u.Arg)
		if u.Opcode == 0x6e || u.Opcode == 0x71 {
			m, _ := f.Method(u.Index)
			s += " " + m.Name
		}
		got = append(got, s)
	}
	want := []string{"0x664 op 0x6e arg 0 startsWith", "0x670 op 0x71 arg 0 sink", "0x676 op 0x11 arg 0"}
	if !slices.Equal(got, want) {
		t.Errorf("uses:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The parameter is read by startsWith as its receiver; a parameter
	// has no defining instruction, so its uses are not asked this way.
	if _, ok := fl.Uses(nil, 0x664); ok {
		t.Error("uses of an invoke (which writes no register) known")
	}
	if off, ok := fl.ResultOf(0x664); !ok || off != 0x66a {
		t.Errorf("ResultOf(startsWith) = %#x %v, want 0x66a", off, ok)
	}
	if _, ok := fl.ResultOf(0x670); ok {
		t.Error("ResultOf(sink), a call whose result is dropped")
	}
	// A move-result: its uses.
	uses, ok = fl.Uses(nil, 0x66a)
	if !ok || len(uses) != 1 || uses[0].Opcode != 0x38 {
		t.Errorf("uses of move-result: %v %v", uses, ok)
	}
}

// TestFlowBounds: past a bound, every answer is unknown.
func TestFlowBounds(t *testing.T) {
	f := flowFile(t)
	m := methodCode(t, f, "branch")
	for name, set := range map[string]func(*Flow){
		"instructions": func(fl *Flow) { fl.maxInsns = 4 },
		"cells":        func(fl *Flow) { fl.maxCells = 5 },
	} {
		fl := NewFlow(f)
		set(fl)
		if fl.Analyze(m) || fl.Known() {
			t.Errorf("%s: analyzed past the bound", name)
		}
		if got := render(t, f, fl.ArgDefs(nil, 0x4e2, 0)); got != "unknown" {
			t.Errorf("%s: %s, want unknown", name, got)
		}
		if _, ok := fl.Uses(nil, 0x4d8); ok {
			t.Errorf("%s: uses known past the bound", name)
		}
	}
	// The same Flow, reused, answers for the next method.
	fl := NewFlow(f)
	fl.Analyze(methodCode(t, f, "tooMany"))
	fl.Analyze(m)
	if got := render(t, f, fl.ArgDefs(nil, 0x4e2, 0)); got != "string:a@0x4d8 string:b@0x4de" {
		t.Errorf("reused: %s", got)
	}
	// An offset outside the method analyzed.
	if got := render(t, f, fl.ArgDefs(nil, 0x5cc, 0)); got != "unknown" {
		t.Errorf("other method: %s", got)
	}
}

// TestFlowAllMethods analyzes every method of the test files: nothing
// panics, and the answers for each invoke name real instructions.
func TestFlowAllMethods(t *testing.T) {
	for _, name := range []string{"flow.dex", "modern.dex", "tc-debug.dex", "testactivity.dex", "annotation.dex"} {
		f := mustParse(t, readDex(t, name))
		fl := NewFlow(f)
		var analyzed, total int
		var defs []Def
		err := f.Walk(func(m Code, insns []Insn) error {
			total++
			if !fl.Analyze(m) {
				return nil
			}
			analyzed++
			for _, in := range insns {
				if in.Op != OpInvoke {
					continue
				}
				for arg := -1; arg < 3; arg++ {
					defs = fl.ArgDefs(defs[:0], in.Offset, arg)
					for _, d := range defs {
						if d.Kind != DefUnknown && d.Kind != DefParam && (d.Offset < m.InsnsOff() || d.Offset >= m.InsnsOff()+2*m.InsnsSize) {
							t.Fatalf("%s: def %+v outside its method", name, d)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Every method of these files fits the bounds.
		if analyzed != total {
			t.Errorf("%s: %d of %d methods analyzed", name, analyzed, total)
		}
	}
}

// TestOpcodeBeforeMatchesFlow checks File.OpcodeBefore, which decodes a
// method from its start, against the flow pass's own instruction table,
// at every instruction Walk reports, and that an offset inside an
// instruction or at the method's start is refused.
func TestOpcodeBeforeMatchesFlow(t *testing.T) {
	for _, name := range []string{"flow.dex", "tc-debug.dex", "testactivity.dex"} {
		f := mustParse(t, readDex(t, name))
		fl := NewFlow(f)
		checked := 0
		err := f.Walk(func(m Code, insns []Insn) error {
			if _, ok := f.OpcodeBefore(m, m.InsnsOff()); ok {
				t.Fatalf("%s: method %d: an opcode before the first instruction", name, m.MethodIdx)
			}
			if !fl.Analyze(m) {
				return nil
			}
			for _, in := range insns {
				got, gok := f.OpcodeBefore(m, in.Offset)
				want, wok := fl.OpcodeBefore(in.Offset)
				if got != want || gok != wok {
					t.Fatalf("%s: method %d at %#x: OpcodeBefore = %#02x %v, flow says %#02x %v", name, m.MethodIdx, in.Offset, got, gok, want, wok)
				}
				if in.Op == OpInvoke {
					if _, ok := f.OpcodeBefore(m, in.Offset+2); ok {
						t.Fatalf("%s: method %d: an opcode before %#x, inside an invoke", name, m.MethodIdx, in.Offset+2)
					}
				}
				checked++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked < 30 {
			t.Fatalf("%s: only %d instructions checked", name, checked)
		}
	}
}
