package jvm

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCollector(t *testing.T) {
	c, err := Parse(mustRead(t, "testdata/Collector.class"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "com/demo/sdk/Collector" || c.Super != "java/lang/Object" || !slices.Equal(c.Interfaces, []string{"java/lang/Runnable"}) || c.Major != 52 {
		t.Errorf("header: %s extends %s implements %v, version %d", c.Name, c.Super, c.Interfaces, c.Major)
	}
	if len(c.Problems) > 0 {
		t.Errorf("problems: %v", c.Problems)
	}
	methods := map[string]Method{}
	for _, m := range c.Methods {
		methods[m.Name+m.Desc] = m
	}
	dev := methods["deviceId()Ljava/lang/String;"]
	want := Ref{Kind: RefMethod, Op: 0xb6, Class: "android/telephony/TelephonyManager", Name: "getDeviceId", Desc: "()Ljava/lang/String;", PC: 4}
	if !slices.Contains(dev.Refs, want) {
		t.Errorf("deviceId refs %+v, want %+v", dev.Refs, want)
	}
	if dev.CodeOffset == 0 || c.Methods[0].CodeOffset == 0 {
		t.Error("no code offset")
	}
	// The code offset points at the instruction in the file: pc 4 of
	// deviceId is invokevirtual (0xb6).
	b := mustRead(t, "testdata/Collector.class")
	if b[dev.CodeOffset+4] != 0xb6 {
		t.Errorf("byte at code offset + 4 is 0x%02x", b[dev.CodeOffset+4])
	}
	run := methods["run()V"]
	var strs []string
	for _, s := range run.Strings {
		strs = append(strs, s.Value)
	}
	if !slices.Contains(strs, "https://stat.demo-sdk.example.cn/v2/report?id=") || !slices.Contains(strs, "&名=值\x00") {
		t.Errorf("run's strings: %q", strs)
	}
	var iface bool
	for _, r := range run.Refs {
		iface = iface || r.Kind == RefInterfaceMethod && r.Class == "java/util/function/Supplier" && r.Op == 0xb9
	}
	if !iface {
		t.Errorf("run: no invokeinterface Supplier.get: %+v", run.Refs)
	}
	// The lambda's body is a method of its own, referencing getImei.
	var imei bool
	for _, m := range c.Methods {
		for _, r := range m.Refs {
			imei = imei || r.Name == "getImei" && strings.HasPrefix(m.Name, "lambda$")
		}
	}
	if !imei {
		t.Error("the lambda's getImei was not found")
	}
	if m := methods["nativeInit()V"]; m.CodeOffset != 0 || len(m.Refs) != 0 {
		t.Errorf("a native method with code: %+v", m)
	}
}

// javapLine is an instruction referencing a member in javap's output.
var javapLine = regexp.MustCompile(`^\s+(\d+): (invoke\w+|[gs]et(?:static|field)|put(?:static|field))\s+#\d+(?:,\s+\d+)?\s+// (Method|Field|InterfaceMethod) (.+)$`)

// javapRefs disassembles class files with one javap run and lists each
// file's member references as "pc owner.name:desc" (javap leaves out the
// owner when it is the class itself, and quotes array owners).
func javapRefs(t *testing.T, javap string, files []string) [][]string {
	out, err := exec.Command(javap, append([]string{"-c", "-p"}, files...)...).Output()
	if err != nil {
		t.Fatalf("javap: %v", err)
	}
	var refs [][]string
	for _, line := range strings.Split(string(out), "\n") {
		// A class's declaration starts each file's part.
		if line != "" && line[0] != ' ' && strings.HasSuffix(line, "{") {
			refs = append(refs, []string{})
			continue
		}
		if m := javapLine.FindStringSubmatch(line); m != nil && len(refs) > 0 {
			refs[len(refs)-1] = append(refs[len(refs)-1], m[1]+" "+m[4])
		}
	}
	if len(refs) != len(files) {
		t.Fatalf("javap printed %d classes for %d files", len(refs), len(files))
	}
	return refs
}

// Every member reference of every class in the JARs, against javap's
// disassembly: the same instructions at the same offsets.
func TestAgainstJavap(t *testing.T) {
	javap, err := exec.LookPath("javap")
	if err != nil {
		t.Skip("javap not installed (apt-get install openjdk-17-jdk-headless)")
	}
	for _, jar := range []string{"testdata/demo-sdk.jar", "../../testdata/sdk/libammsdk.jar"} {
		zr, err := zip.OpenReader(jar)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var files, names []string
		var ours [][]string
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, ".class") {
				continue
			}
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			c, err := Parse(b)
			if err != nil {
				t.Errorf("%s %s: %v", jar, f.Name, err)
				continue
			}
			p := filepath.Join(dir, fmt.Sprintf("c%d.class", len(files)))
			os.WriteFile(p, b, 0o644)
			files, names = append(files, p), append(names, f.Name)
			var refs []string
			for _, m := range c.Methods {
				for _, r := range m.Refs {
					owner := r.Class + "."
					switch {
					case r.Class == c.Name:
						owner = ""
					case strings.HasPrefix(r.Class, "["):
						owner = `"` + r.Class + `".`
					}
					name := r.Name
					if strings.HasPrefix(name, "<") {
						name = `"` + name + `"`
					}
					refs = append(refs, fmt.Sprintf("%d %s%s:%s", r.PC, owner, name, r.Desc))
				}
			}
			ours = append(ours, refs)
		}
		zr.Close()
		theirs := javapRefs(t, javap, files)
		for i := range files {
			slices.Sort(ours[i])
			slices.Sort(theirs[i])
			if !slices.Equal(ours[i], theirs[i]) {
				t.Errorf("%s %s: %d references, javap %d\nours:  %q\njavap: %q", jar, names[i], len(ours[i]), len(theirs[i]), ours[i], theirs[i])
			}
		}
		if len(files) < 3 {
			t.Errorf("%s: %d classes checked", jar, len(files))
		}
		t.Logf("%s: %d classes agree with javap", jar, len(files))
	}
}

func TestMalformed(t *testing.T) {
	good := mustRead(t, "testdata/Collector.class")
	if _, err := Parse([]byte("PK\x03\x04")); !errors.Is(err, ErrNotClass) {
		t.Errorf("a zip: %v", err)
	}
	// Every truncation fails cleanly or parses a prefix (never panics).
	for n := 0; n < len(good); n += 7 {
		Parse(good[:n])
	}
	// A constant-pool count far beyond the bytes.
	b := slices.Clone(good)
	binary.BigEndian.PutUint16(b[8:], 0xffff)
	if _, err := Parse(b); err == nil {
		t.Error("a pool count of 65535 over 2 KB parsed")
	}
	// A method whose code is damaged: the class still parses, with a
	// problem, and the methods before it keep their references.
	b = slices.Clone(good)
	i := bytes.Index(b, []byte{0xb6}) // the first invokevirtual in a Code attribute
	for ; i > 0; i = bytes.Index(b[i+1:], []byte{0xb6}) + i + 1 {
		bad := slices.Clone(b)
		bad[i+1], bad[i+2] = 0xff, 0xff // index 65535: out of the pool
		if c, err := Parse(bad); err == nil && len(c.Problems) > 0 {
			return
		}
		if bytes.Index(b[i+1:], []byte{0xb6}) < 0 {
			break
		}
	}
	t.Error("no damaged method was reported as a problem")
}

func TestModifiedUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"\xc0\x80":                 "\x00",
		"\xe5\x90\x8d":             "名",
		"\xed\xa0\xbd\xed\xb8\x80": "😀", // a surrogate pair, three bytes each
		"\xff":                     "\ufffd",
		"a\xe5\x90":                "a\ufffd\ufffd", // cut short
	} {
		if got := decodeModifiedUTF8([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(mustRead(f, "testdata/Collector.class"))
	zr, err := zip.OpenReader("testdata/demo-sdk.jar")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range zr.File {
		if strings.HasSuffix(e.Name, ".class") {
			rc, _ := e.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			f.Add(b)
		}
	}
	zr.Close()
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		for _, m := range c.Methods {
			if m.CodeOffset < 0 || m.CodeOffset > int64(len(b)) {
				t.Fatalf("code offset %d in %d bytes", m.CodeOffset, len(b))
			}
			for _, r := range m.Refs {
				if r.Kind < RefField || r.Kind > RefInterfaceMethod {
					t.Fatalf("ref kind %d", r.Kind)
				}
			}
		}
	})
}
