package arsc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// value8 encodes a Res_value of size 8.
func value8(typ uint8, data uint32) []byte {
	b := []byte{8, 0, 0, typ, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], data)
	return b
}

// replaceOnce replaces the single occurrence of old in data.
func replaceOnce(t *testing.T, data, old, new []byte) []byte {
	t.Helper()
	if n := bytes.Count(data, old); n != 1 {
		t.Fatalf("pattern occurs %d times", n)
	}
	return bytes.Replace(data, old, new, 1)
}

func hasProblem(tab *Table, substr string) bool {
	for _, p := range tab.Problems {
		if strings.Contains(p, substr) {
			return true
		}
	}
	return false
}

const (
	appName    = 0x7f070000 // string/app_name -> "Hegui Fixture"
	labelAlias = 0x7f070001 // string/label_alias -> @string/app_name
)

func TestReferenceCycle(t *testing.T) {
	orig := readFile(t, "fixture.arsc")
	appValue := value8(0x03, 2) // app_name's default value: string #2

	for name, data := range map[string][]byte{
		// app_name -> label_alias -> app_name
		"cycle": replaceOnce(t, orig, appValue, value8(0x01, labelAlias)),
		// app_name -> app_name
		"self": replaceOnce(t, orig, appValue, value8(0x01, appName)),
	} {
		tab, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []uint32{appName, labelAlias} {
			if _, err := tab.String(id); err == nil || !strings.Contains(err.Error(), "cycle") {
				t.Errorf("%s: String(0x%08x) err = %v, want a cycle", name, id, err)
			}
		}
		// The zh-CN configuration is intact.
		if s, err := tab.String(labelAlias, "zh-CN"); err != nil || s != "合规样例" {
			t.Errorf("%s: zh-CN label = %q, %v", name, s, err)
		}
	}
}

func TestReferenceOutsideTable(t *testing.T) {
	data := replaceOnce(t, readFile(t, "fixture.arsc"), value8(0x03, 2), value8(0x01, 0x01040001))
	tab, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tab.Value(labelAlias)
	if err != nil || v.Type != 0x01 || v.Data != 0x01040001 {
		t.Errorf("Value = %+v, %v; want the framework reference", v, err)
	}
	if _, err := tab.String(labelAlias); !errors.Is(err, ErrNotFound) {
		t.Errorf("String err = %v, want ErrNotFound", err)
	}
}

// typeChunks lists the offsets of the ResTable_type chunks of the table's
// single package.
func typeChunks(t *testing.T, data []byte) []int {
	t.Helper()
	pkgOff := int(le.Uint16(data[2:])) + int(le.Uint32(data[int(le.Uint16(data[2:]))+4:]))
	var offs []int
	end := pkgOff + int(le.Uint32(data[pkgOff+4:]))
	for off := pkgOff + int(le.Uint16(data[pkgOff+2:])); off < end; off += int(le.Uint32(data[off+4:])) {
		if le.Uint16(data[off:]) == chunkType {
			offs = append(offs, off)
		}
	}
	return offs
}

// A type chunk rewritten in place to 16-bit offsets must read the same.
func TestOffset16(t *testing.T) {
	data := readFile(t, "fixture.arsc")
	for _, off := range typeChunks(t, data) {
		hsize := off + int(le.Uint16(data[off+2:]))
		n := int(le.Uint32(data[off+12:]))
		offs := make([]uint32, n)
		for i := range offs {
			offs[i] = le.Uint32(data[hsize+4*i:])
		}
		for i, o := range offs {
			v := uint16(0xffff)
			if o != noEntry {
				v = uint16(o / 4)
			}
			le.PutUint16(data[hsize+2*i:], v)
		}
		data[off+9] |= typeOffset16
	}
	tab, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tcs := range tab.pkgs[0x7f].types {
		for _, tc := range tcs {
			if tc.flags&typeOffset16 == 0 {
				t.Error("type chunk not rewritten")
			}
			n++
		}
	}
	if n != 9 {
		t.Errorf("%d type chunks, want 9", n)
	}
	for id, want := range map[uint32]string{appName: "Hegui Fixture", labelAlias: "Hegui Fixture", 0x7f050000: "12"} {
		if got, err := tab.String(id); err != nil || got != want {
			t.Errorf("String(0x%08x) = %q, %v; want %q", id, got, err, want)
		}
	}
	if got, _ := tab.String(appName, "zh-CN"); got != "合规样例" {
		t.Errorf("zh-CN = %q", got)
	}
}

func TestSparse(t *testing.T) {
	tab := parseFile(t, "sparse")
	for _, tt := range []struct {
		id    uint32
		prefs []string
		want  string
	}{
		{0x7f010011, []string{"zh-CN"}, "七"},
		{0x7f010011, nil, "default 7"},
		{0x7f010012, []string{"zh-CN"}, "default 8"},
		{0x7f010000, []string{"zh-CN"}, "default 0"},
	} {
		if got, err := tab.String(tt.id, tt.prefs...); err != nil || got != tt.want {
			t.Errorf("String(0x%08x, %v) = %q, %v; want %q", tt.id, tt.prefs, got, err, tt.want)
		}
	}
}

func TestHostile(t *testing.T) {
	orig := readFile(t, "fixture.arsc")
	types := typeChunks(t, orig)
	pkgOff := int(le.Uint16(orig[2:])) + int(le.Uint32(orig[12+4:]))
	unknown := make([]byte, 16)
	le.PutUint16(unknown, 0x0777)
	le.PutUint16(unknown[2:], 8)
	le.PutUint32(unknown[4:], 16)

	for _, tt := range []struct {
		name    string
		mutate  func([]byte) []byte
		err     bool
		intact  bool // app_name and Name still resolve
		problem string
	}{
		{"zero chunk size", func(d []byte) []byte {
			le.PutUint32(d[types[3]+4:], 0)
			return d
		}, true, false, ""},
		{"global pool count huge", func(d []byte) []byte {
			le.PutUint32(d[12+8:], 0x7fffffff)
			return d
		}, false, false, "exceeds chunk"},
		{"type entry count huge", func(d []byte) []byte {
			le.PutUint32(d[types[0]+12:], 0x7fffffff)
			return d
		}, false, true, "entries declared"},
		{"entries start out of range", func(d []byte) []byte {
			le.PutUint32(d[types[0]+16:], 0x7fffffff)
			return d
		}, false, true, "entries start"},
		{"key strings offset wrong", func(d []byte) []byte {
			le.PutUint32(d[pkgOff+276:], 12345)
			return d
		}, false, true, "key strings not at declared offset"},
		{"unknown chunk in package", func(d []byte) []byte {
			d = append(append(clone(d[:types[0]]), unknown...), d[types[0]:]...)
			le.PutUint32(d[4:], uint32(len(d)))
			le.PutUint32(d[pkgOff+4:], le.Uint32(d[pkgOff+4:])+16)
			return d
		}, false, true, "unknown chunk type 0x0777"},
		{"declared size too large", func(d []byte) []byte {
			le.PutUint32(d[4:], 1<<30)
			return d
		}, false, true, "larger than file"},
		{"package header too small", func(d []byte) []byte {
			le.PutUint16(d[pkgOff+2:], 100)
			return d
		}, true, false, "header size 100 too small"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Parse(tt.mutate(clone(orig)))
			if (err != nil) != tt.err {
				t.Errorf("err = %v, want error %v", err, tt.err)
			}
			if tt.problem != "" && !hasProblem(tab, tt.problem) {
				t.Errorf("no problem %q in %q", tt.problem, tab.Problems)
			}
			s, serr := tab.String(appName)
			n, nerr := tab.Name(appName)
			if tt.intact && (s != "Hegui Fixture" || n != "string/app_name" || serr != nil || nerr != nil) {
				t.Errorf("app_name = %q, %v; name %q, %v", s, serr, n, nerr)
			}
		})
	}
}

func TestMapCountHuge(t *testing.T) {
	// The string-array "servers" entry: count 2 -> huge.
	data := readFile(t, "fixture.arsc")
	tab := parseFile(t, "fixture")
	_, cs := tab.candidates(0x7f010000)
	pos := bytes.Index(data, cs[0].entry[:16])
	le.PutUint32(data[pos+12:], 0x10000000)
	tab, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Value(0x7f010000); err == nil || !strings.Contains(err.Error(), "exceeds chunk") {
		t.Errorf("err = %v", err)
	}
}

func TestTruncated(t *testing.T) {
	data := readFile(t, "fixture.arsc")
	for n := range len(data) {
		tab, err := Parse(data[:n])
		if tab == nil {
			t.Fatalf("len %d: nil table", n)
		}
		if err == nil && len(tab.Problems) == 0 {
			t.Errorf("len %d: truncation not reported", n)
		}
		lookupAll(tab)
	}
}

// lookupAll queries every entry the table could hold.
func lookupAll(tab *Table) {
	for _, p := range tab.pkgs {
		for tid, tcs := range p.types {
			n := 0
			for _, tc := range tcs {
				n = max(n, tc.entryCount)
			}
			for e := range min(n+1, 256) {
				id := uint32(p.id)<<24 | uint32(tid)<<16 | uint32(e)
				tab.String(id, "zh-CN", "")
				tab.Name(id)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range realTables {
		f.Add(readFile(f, name+".arsc"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Parse(data)
		if tab == nil {
			t.Fatal("nil table")
		}
		if err == nil && len(tab.Packages) == 0 {
			t.Fatal("no packages and no error")
		}
		lookupAll(tab)
		if ids := tab.StringIDs(); len(ids) > 1<<24 {
			t.Fatalf("%d string ids", len(ids))
		}
	})
}
