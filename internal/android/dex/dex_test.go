package dex

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustParse(t testing.TB, data []byte) *File {
	t.Helper()
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestHeader compares the header with what dexdump -f prints for the file.
func TestHeader(t *testing.T) {
	f := mustParse(t, readDex(t, "tc-debug.dex"))
	h := f.Header
	want := Header{
		Version: "035", Checksum: 0xf782b221, FileSize: 8668, HeaderSize: 112,
		NumStrings: 148, StringIDsOff: 112, NumTypes: 32, TypeIDsOff: 704,
		NumProtos: 12, ProtoIDsOff: 832, NumFields: 16, FieldIDsOff: 976,
		NumMethods: 40, MethodIDsOff: 1104, NumClasses: 13, ClassDefsOff: 1424,
		DataSize: 6828, DataOff: 1840,
	}
	want.Signature, want.MapOff = h.Signature, h.MapOff
	if h != want {
		t.Errorf("Header:\n%+v\nwant\n%+v", h, want)
	}
	if h.Signature[0] != 0x64 || h.Signature[1] != 0xda || h.Signature[18] != 0xf7 || h.Signature[19] != 0xae {
		t.Errorf("Signature %x, dexdump 64da...f7ae", h.Signature)
	}
	if f.Truncated() {
		t.Error("Truncated() on a complete file")
	}
	if v := mustParse(t, readDex(t, "modern.dex")).Header.Version; v != "039" {
		t.Errorf("modern.dex version %q, want 039", v)
	}
}

func TestVerify(t *testing.T) {
	for _, name := range []string{"tc-debug.dex", "testactivity.dex", "annotation.dex", "modern.dex"} {
		data := readDex(t, name)
		f := mustParse(t, data)
		if !f.VerifyChecksum() || !f.VerifySignature() {
			t.Errorf("%s: checksum %v, signature %v; want both valid", name, f.VerifyChecksum(), f.VerifySignature())
		}
		// Packers alter the body without fixing the header: still parsed.
		bad := bytes.Clone(data)
		bad[len(bad)-1] ^= 0xff
		g, err := Parse(bad)
		if err != nil {
			t.Fatalf("%s: altered body: %v", name, err)
		}
		if g.VerifyChecksum() || g.VerifySignature() {
			t.Errorf("%s: altered body: checksum %v, signature %v; want both invalid", name, g.VerifyChecksum(), g.VerifySignature())
		}
	}
}

func TestVersions(t *testing.T) {
	base := readDex(t, "tc-debug.dex")
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"035", true}, {"036", true}, {"037", true}, {"038", true}, {"039", true}, {"040", true}, {"041", true},
		{"034", false}, {"042", false}, {"009", false}, {"0a5", false}, {"+35", false}, {" 35", false},
	} {
		data := bytes.Clone(base)
		copy(data[4:7], tc.v)
		f, err := Parse(data)
		if (err == nil) != tc.ok {
			t.Errorf("version %q: err = %v, want ok = %v", tc.v, err, tc.ok)
			continue
		}
		if tc.ok && f.Header.Version != tc.v {
			t.Errorf("version %q: Header.Version %q", tc.v, f.Header.Version)
		}
		if !tc.ok {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("version %q: error %T, want *FormatError", tc.v, err)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	f := mustParse(t, readDex(t, "modern.dex"))
	refs := map[string]bool{}
	var strs []string
	err := f.Walk(func(m Code, insns []Insn) error {
		for _, in := range insns {
			switch in.Op {
			case OpInvoke:
				r, err := f.Method(in.Index)
				if err != nil {
					return err
				}
				refs["invoke "+r.String()] = true
			case OpStaticGet, OpInstanceGet, OpStaticPut:
				r, err := f.Field(in.Index)
				if err != nil {
					return err
				}
				refs[in.Op.String()+" "+r.String()] = true
			case OpConstClass, OpNewInstance:
				s, err := f.Type(in.Index)
				if err != nil {
					return err
				}
				refs[in.Op.String()+" "+s] = true
			case OpConstMethodType:
				s, err := f.Proto(in.Index)
				if err != nil {
					return err
				}
				refs[in.Op.String()+" "+s] = true
			case OpConstString:
				s, err := f.String(in.Index)
				if err != nil {
					return err
				}
				strs = append(strs, s)
			default:
				refs[in.Op.String()] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"invoke Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;",
		"invoke Ljava/lang/invoke/MethodHandle;->invokeExact([Ljava/lang/Object;)Ljava/lang/Object;",
		"invoke Ljava/lang/StringBuilder;-><init>()V",
		"sget Lcom/example/hegui/Modern;->serial:Ljava/lang/String;",
		"iget Lcom/example/hegui/Modern;->count:I",
		"sput Lcom/example/hegui/Modern;->serial:Ljava/lang/String;",
		"const-class Landroid/telephony/TelephonyManager;",
		"new-instance Ljava/lang/StringBuilder;",
		"const-method-type (ILjava/lang/String;)V",
		"const-method-handle",
		"invoke-custom",
	} {
		if !refs[want] {
			t.Errorf("missing %q; have %v", want, refs)
		}
	}
	wantStrs := []string{"jumbo", "after switches", "zero", "one", "中文 😀 nul:\x00 lone:\uFFFD!"}
	if strings.Join(strs, "|") != strings.Join(wantStrs, "|") {
		t.Errorf("const-strings %q, want %q", strs, wantStrs)
	}

	for _, tc := range []struct {
		name string
		fn   func() error
	}{
		{"String", func() error { _, err := f.String(f.Header.NumStrings); return err }},
		{"Type", func() error { _, err := f.Type(f.Header.NumTypes); return err }},
		{"Proto", func() error { _, err := f.Proto(f.Header.NumProtos); return err }},
		{"Method", func() error { _, err := f.Method(f.Header.NumMethods); return err }},
		{"Field", func() error { _, err := f.Field(f.Header.NumFields); return err }},
		{"MethodClassIdx", func() error { _, _, err := f.MethodClassIdx(NoIndex); return err }},
		{"FieldClassIdx", func() error { _, _, err := f.FieldClassIdx(NoIndex); return err }},
	} {
		if err := tc.fn(); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s past the table: err = %v", tc.name, err)
		}
	}
}

func TestRawIndices(t *testing.T) {
	f := mustParse(t, readDex(t, "testactivity.dex"))
	for i := uint32(0); i < f.Header.NumMethods; i++ {
		cls, name, err := f.MethodClassIdx(i)
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.Method(i)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.Type(cls)
		n, _ := f.String(name)
		if c != m.Class || n != m.Name {
			t.Fatalf("method %d: raw %q %q, Method %+v", i, c, n, m)
		}
	}
	for i := uint32(0); i < f.Header.NumFields; i++ {
		cls, name, err := f.FieldClassIdx(i)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.Field(i)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.Type(cls)
		n, _ := f.String(name)
		if c != r.Class || n != r.Name {
			t.Fatalf("field %d: raw %q %q, Field %+v", i, c, n, r)
		}
	}
}

func TestDecodeMUTF8(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", ""},
		{"plain", "plain"},
		{"a\xc0\x80b", "a\x00b"},                         // encoded NUL
		{"\xc3\xa9", "é"},                                // two bytes
		{"\xe4\xb8\xad", "中"},                            // three bytes
		{"\xed\xa0\xbd\xed\xb8\x80", "😀"},                // surrogate pair U+D83D U+DE00
		{"\xed\xa0\x80x", "\uFFFDx"},                     // unpaired high surrogate
		{"\xed\xb8\x80", "\uFFFD"},                       // unpaired low surrogate
		{"\xed\xa0\x80\xed\xa0\x80", "\uFFFD\uFFFD"},     // two high surrogates
		{"\xf0\x9f\x98\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"}, // four-byte UTF-8 is not Modified UTF-8
		{"\xc3", "\uFFFD"},                               // truncated
		{"\x80a", "\uFFFDa"},                             // stray continuation byte
	} {
		if got := decodeMUTF8([]byte(tc.in)); got != tc.want {
			t.Errorf("decodeMUTF8(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestULEB128(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want uint32
		n    uint64
		ok   bool
	}{
		{[]byte{0x00}, 0, 1, true},
		{[]byte{0x7f}, 127, 1, true},
		{[]byte{0x80, 0x7f}, 16256, 2, true},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffff, 5, true},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x00}, 0, 5, true},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, 0, false}, // six bytes
		{[]byte{0x80, 0x80}, 0, 0, false},                         // runs past the end
		{nil, 0, 0, false},
	} {
		v, n, err := uleb128(tc.in, 0)
		if (err == nil) != tc.ok || v != tc.want || n != tc.n {
			t.Errorf("uleb128(% x) = %d, %d, %v; want %d, %d, ok %v", tc.in, v, n, err, tc.want, tc.n, tc.ok)
		}
	}
}

func TestWalkStops(t *testing.T) {
	f := mustParse(t, readDex(t, "tc-debug.dex"))
	stop := errors.New("stop")
	calls := 0
	err := f.Walk(func(Code, []Insn) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Walk = %v after %d calls, want stop after 1", err, calls)
	}
}

// TestWalkOrder checks that methods come in class_defs order and that each
// Code describes the method the class defines.
func TestWalkOrder(t *testing.T) {
	f := mustParse(t, readDex(t, "testactivity.dex"))
	classes, err := f.Classes()
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	n := 0
	err = f.Walk(func(m Code, insns []Insn) error {
		n++
		if m.ClassDef < last {
			t.Fatalf("class def %d after %d", m.ClassDef, last)
		}
		last = m.ClassDef
		cls, _, err := f.MethodClassIdx(m.MethodIdx)
		if err != nil {
			return err
		}
		if cls != classes[m.ClassDef].TypeIdx {
			t.Fatalf("method %d of type %d reported in class def %d (type %d)", m.MethodIdx, cls, m.ClassDef, classes[m.ClassDef].TypeIdx)
		}
		for _, in := range insns {
			if in.Offset < m.InsnsOff() || in.Offset >= m.InsnsOff()+2*m.InsnsSize {
				t.Fatalf("instruction at %#x outside method code [%#x,%#x)", in.Offset, m.InsnsOff(), m.InsnsOff()+2*m.InsnsSize)
			}
		}
		return nil
	})
	if err != nil || n != 2291 {
		t.Errorf("Walk: %v, %d methods; want nil, 2291 (dexdump)", err, n)
	}
}
