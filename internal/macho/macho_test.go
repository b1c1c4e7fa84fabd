package macho

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const td = "../../testdata/ios/"

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(td + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExecutable(t *testing.T) {
	for _, name := range []string{"Ride", "Ride-fat"} {
		bin, err := Parse(read(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bin.Arch != "arm64" || bin.Type != "execute" || bin.Encrypted {
			t.Errorf("%s: %s %s encrypted=%v", name, bin.Arch, bin.Type, bin.Encrypted)
		}
		for _, imp := range []string{"OBJC_CLASS_$_CLLocationManager", "OBJC_CLASS_$_ASIdentifierManager", "CNCopyCurrentNetworkInfo", "objc_msgSend"} {
			if !slices.Contains(bin.Imports, imp) {
				t.Errorf("%s: no import %s in %v", name, imp, bin.Imports)
			}
		}
		if !slices.Contains(bin.Selectors, "startUpdatingLocation") || !slices.Contains(bin.Classes, "RideTracker") {
			t.Errorf("%s: selectors %v, classes %v", name, bin.Selectors, bin.Classes)
		}
		if !slices.ContainsFunc(bin.Strings, func(s string) bool { return strings.HasPrefix(s, "https://api.ride.example.cn/") }) {
			t.Errorf("%s: strings %q", name, bin.Strings)
		}
	}
}

// encrypt sets cryptid in the LC_ENCRYPTION_INFO_64 of a thin 64-bit
// little-endian image, as FairPlay leaves it.
func encrypt(t *testing.T, b []byte) []byte {
	b = bytes.Clone(b)
	n := binary.LittleEndian.Uint32(b[16:])
	off := 32
	for i := uint32(0); i < n; i++ {
		cmd, size := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
		if cmd == 0x2c {
			binary.LittleEndian.PutUint32(b[off+16:], 1)
			return b
		}
		off += int(size)
	}
	t.Fatal("no LC_ENCRYPTION_INFO_64")
	return nil
}

func TestFairPlay(t *testing.T) {
	bin, err := Parse(encrypt(t, read(t, "Ride")))
	if err != nil {
		t.Fatal(err)
	}
	if !bin.Encrypted || len(bin.Strings) != 0 {
		t.Errorf("encrypted=%v, %d strings read from ciphertext", bin.Encrypted, len(bin.Strings))
	}
	// The symbol table is outside the encrypted range: imports stay.
	if !slices.Contains(bin.Imports, "CNCopyCurrentNetworkInfo") {
		t.Error("imports lost")
	}
}

func TestStaticLibrary(t *testing.T) {
	bin, err := Parse(read(t, "libWeChatSDK.a"))
	if err != nil {
		t.Fatal(err)
	}
	if bin.Type != "archive" || len(bin.Members) != 8 || len(bin.Objects) != 8 || bin.Arch != "arm64" {
		t.Fatalf("%s %s: members %v", bin.Type, bin.Arch, bin.Members)
	}
	var reg *Binary
	for _, o := range bin.Objects {
		if o.Name == "WeChatRegister.o" {
			reg = o
		}
	}
	if reg == nil || !slices.Contains(reg.Imports, "OBJC_CLASS_$_UIPasteboard") || !slices.Contains(reg.Selectors, "dataForPasteboardType:") || !slices.Contains(reg.Classes, "MMApiRegister") {
		t.Errorf("WeChatRegister.o: %+v", reg)
	}
	// Classes one member defines are no imports of the whole.
	if slices.Contains(bin.Imports, "OBJC_CLASS_$_WXApi") {
		t.Error("WXApi, defined in the library, is listed as an import")
	}
}

// The imports against llvm-nm's undefined symbols, member by member.
func TestAgainstLLVMNM(t *testing.T) {
	nm, err := exec.LookPath("llvm-nm")
	if err != nil {
		if _, err2 := os.Stat("/usr/lib/llvm-14/bin/llvm-nm"); err2 != nil {
			t.Skip("llvm-nm not installed (apt-get install llvm)")
		}
		nm = "/usr/lib/llvm-14/bin/llvm-nm"
	}
	out, err := exec.Command(nm, "-u", "--just-symbol-name", td+"Ride").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Fields(string(out)) {
		want = append(want, strings.TrimPrefix(l, "_"))
	}
	slices.Sort(want)
	bin, _ := Parse(read(t, "Ride"))
	if !slices.Equal(bin.Imports, want) {
		t.Errorf("Ride imports:\nours    %v\nllvm-nm %v", bin.Imports, want)
	}
	lib, _ := Parse(read(t, "libWeChatSDK.a"))
	out, err = exec.Command(nm, "-u", "--just-symbol-name", "--no-llvm-bc", td+"libWeChatSDK.a").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range lib.Objects {
		part := string(out)
		head := "(" + o.Name + "):\n" // llvm-nm prints "lib.a(Name.o):" before each member
		i := strings.Index(part, head)
		if i < 0 {
			t.Fatalf("llvm-nm lists no %s", o.Name)
		}
		part = part[i+len(head):]
		if j := strings.Index(part, "\n\n"); j >= 0 {
			part = part[:j]
		}
		var w []string
		for _, l := range strings.Fields(part) {
			w = append(w, strings.TrimPrefix(l, "_"))
		}
		slices.Sort(w)
		if !slices.Equal(o.Imports, w) {
			t.Errorf("%s imports:\nours    %v\nllvm-nm %v", o.Name, o.Imports, w)
		}
	}
}

func TestHostile(t *testing.T) {
	ride := read(t, "Ride")
	fat := func(n uint32, slices ...[3]uint32) []byte {
		b := make([]byte, 8+20*len(slices))
		binary.BigEndian.PutUint32(b, 0xcafebabe)
		binary.BigEndian.PutUint32(b[4:], n)
		for i, s := range slices {
			binary.BigEndian.PutUint32(b[8+20*i:], s[0])
			binary.BigEndian.PutUint32(b[16+20*i:], s[1])
			binary.BigEndian.PutUint32(b[20+20*i:], s[2])
		}
		return b
	}
	withBody := func(h []byte) []byte { return append(h, ride...) }
	for name, b := range map[string][]byte{
		"fat: too many slices":          fat(1000),
		"fat: slice past the end":       withBody(fat(1, [3]uint32{0x0100000c, 28, uint32(len(ride)) + 10})),
		"fat: slice before the header":  withBody(fat(1, [3]uint32{0x0100000c, 1 << 31, 100})),
		"thin: truncated":               ride[:200],
		"archive: member past the end":  []byte("!<arch>\na.o/           0           0     0     644     99999     `\n\xcf\xfa\xed\xfe"),
		"archive: BSD name past member": []byte("!<arch>\n#1/5000        0           0     0     644     4         `\nabcd"),
		"archive: no object":            []byte("!<arch>\nREADME/         0           0     0     644     4         `\ntext"),
		"neither":                       []byte("\x7fELF\x02\x01\x01"),
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A load command of size 0 (a loop for a naive reader) and one
	// claiming more than the file: errors, not hangs.
	for _, size := range []uint32{0, 1 << 30} {
		b := bytes.Clone(ride)
		binary.LittleEndian.PutUint32(b[32+4:], size)
		if _, err := Parse(b); err == nil {
			t.Errorf("load command of size %d: no error", size)
		}
	}
	// Overlapping slices are the same bytes read twice: harmless, read.
	b := withBody(fat(2, [3]uint32{0x0100000c, 48, uint32(len(ride))}, [3]uint32{0x01000007, 48, uint32(len(ride))}))
	if bin, err := Parse(b); err != nil || bin.Arch != "arm64" {
		t.Errorf("overlapping slices: %v %v", bin, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"Ride", "Ride-fat"} {
		f.Add(read(f, n))
	}
	lib := read(f, "libWeChatSDK.a")
	f.Add(lib[:min(len(lib), 64<<10)])
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b)
	})
}

func TestIsSelector(t *testing.T) {
	for s, want := range map[string]bool{
		"string": true, "dataForPasteboardType:": true, "initWithFrame:style:": true, "_private": true,
		"": false, "9lives": false, ":x": false, "a::": false, "has space": false, "a:b": false, "https://x": false, "%p %p": false,
	} {
		if got := isSelector([]byte(s)); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}

func TestSwiftClass(t *testing.T) {
	for in, want := range map[string][2]string{
		"_TtC12CleverTapSDK9CleverTap": {"CleverTapSDK", "CleverTap"},
		"_TtC4Ride11RideTracker":       {"Ride", "RideTracker"},
	} {
		m, c, ok := SwiftClass(in)
		if !ok || m != want[0] || c != want[1] {
			t.Errorf("%s: %q %q %v", in, m, c, ok)
		}
	}
	for _, bad := range []string{"WXApi", "_TtC99Short", "_TtC3Abc", "_TtC3Abc3Defx", "_TtCC3Abc3Def", "_TtC0"} {
		if _, _, ok := SwiftClass(bad); ok {
			t.Errorf("%s split", bad)
		}
	}
}
