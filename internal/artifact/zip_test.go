package artifact

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type rawEntry struct {
	name       string
	method     uint16
	data       []byte // uncompressed content
	claimSize  int64  // if > 0, the size the headers claim
	compressed bool   // deflate data before writing raw
}

// buildZip writes entries with full control over what the headers say.
func buildZip(t testing.TB, entries []rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		payload := e.data
		if e.compressed {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.BestCompression)
			fw.Write(e.data)
			fw.Close()
			payload = c.Bytes()
		}
		size := uint64(len(e.data))
		if e.claimSize > 0 {
			size = uint64(e.claimSize)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(len(payload)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(payload)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, b []byte, lim Limits) *Archive {
	t.Helper()
	a, err := OpenZip(bytes.NewReader(b), int64(len(b)), "test.apk", lim)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadNormalEntries(t *testing.T) {
	b := buildZip(t, []rawEntry{
		{name: "AndroidManifest.xml", method: zip.Deflate, data: []byte("manifest"), compressed: true},
		{name: "classes.dex", method: zip.Store, data: []byte("dex\n035\x00")},
	})
	a := open(t, b, DefaultLimits())
	if len(a.Problems) != 0 {
		t.Fatalf("problems on a clean archive: %v", a.Problems)
	}
	got, err := a.Read(a.Find("AndroidManifest.xml"))
	if err != nil || string(got) != "manifest" {
		t.Fatalf("Read = %q, %v", got, err)
	}
	if g := a.Glob("classes*.dex"); len(g) != 1 || g[0].Name != "classes.dex" {
		t.Fatalf("Glob = %v", g)
	}
}

func TestZipBombRefusedByDeclaredSize(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxEntrySize = 1 << 20
	b := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Deflate, data: make([]byte, 8<<20), compressed: true}})
	a := open(t, b, lim)
	_, err := a.Read(a.Find("classes.dex"))
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("want ErrLimit, got %v", err)
	}
}

func TestZipBombRefusedByRatio(t *testing.T) {
	lim := DefaultLimits()
	lim.RatioFloor = 1 << 20
	lim.MaxRatio = 100
	b := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Deflate, data: make([]byte, 16<<20), compressed: true}})
	a := open(t, b, lim)
	_, err := a.Read(a.Find("classes.dex"))
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "ratio") {
		t.Fatalf("want ratio ErrLimit, got %v", err)
	}
}

// An entry whose headers claim 1 KiB but which inflates to 8 MiB must not
// be read past what it claims (nor past the limits).
func TestLyingSizeIsBounded(t *testing.T) {
	b := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Deflate, data: make([]byte, 8<<20), compressed: true, claimSize: 1024}})
	a := open(t, b, DefaultLimits())
	got, err := a.Read(a.Find("classes.dex"))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) > 2048 {
		t.Fatalf("read %d bytes from an entry that claims 1024", len(got))
	}
	if !hasProblem(a, "declared size") {
		t.Fatalf("the size lie was not recorded: %v", a.Problems)
	}
}

func TestTotalBudget(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxTotal = 3 << 20
	var es []rawEntry
	for i := 0; i < 4; i++ {
		es = append(es, rawEntry{name: "f" + string(rune('a'+i)), method: zip.Deflate, data: bytes.Repeat([]byte("x"), 1<<20), compressed: true})
	}
	a := open(t, buildZip(t, es), lim)
	var err error
	for _, e := range a.Entries {
		if _, err = a.Read(e); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("want the total budget to stop the fourth read, got %v", err)
	}
}

func TestHostileNames(t *testing.T) {
	b := buildZip(t, []rawEntry{
		{name: "../../evil.txt", method: zip.Store, data: []byte("x")},
		{name: "/abs/path.txt", method: zip.Store, data: []byte("x")},
		{name: "a\x00b.dex", method: zip.Store, data: []byte("x")},
		{name: `lib\x86\a.so`, method: zip.Store, data: []byte("x")},
		{name: "classes.dex", method: zip.Store, data: []byte("one")},
		{name: "classes.dex", method: zip.Store, data: []byte("two")},
	})
	a := open(t, b, DefaultLimits())
	for _, want := range []string{"climbs", "absolute", "NUL", "backslash", "duplicate"} {
		if !hasProblem(a, want) {
			t.Errorf("no problem mentioning %q in %v", want, a.Problems)
		}
	}
	if g := a.Glob("*"); len(g) != 1 || g[0].Name != "classes.dex" {
		t.Fatalf("Glob must skip unsafe names and duplicates, got %d entries", len(g))
	}
	got, _ := a.Read(a.Find("classes.dex"))
	if string(got) != "one" {
		t.Fatalf("first duplicate should win, got %q", got)
	}
	for _, p := range a.Problems {
		if strings.ContainsRune(p.Entry, 0) {
			t.Fatalf("problem entry not escaped: %q", p.Entry)
		}
	}
}

// Android reads entries with an unknown compression method as stored
// data; so must we.
func TestUnknownMethodReadAsStored(t *testing.T) {
	b := buildZip(t, []rawEntry{{name: "classes.dex", method: 0x5a5a, data: []byte("dex\n035\x00payload")}})
	a := open(t, b, DefaultLimits())
	got, err := a.Read(a.Find("classes.dex"))
	if err != nil || !bytes.HasPrefix(got, []byte("dex\n")) {
		t.Fatalf("Read = %q, %v", got, err)
	}
	if !hasProblem(a, "compression method") {
		t.Fatalf("unknown method not recorded: %v", a.Problems)
	}
}

func TestNestedDepth(t *testing.T) {
	inner := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Store, data: []byte("dex\n")}})
	mid := buildZip(t, []rawEntry{{name: "inner.jar", method: zip.Store, data: inner}})
	outer := buildZip(t, []rawEntry{{name: "assets/mid.zip", method: zip.Store, data: mid}})
	lim := DefaultLimits()
	lim.MaxDepth = 1
	a := open(t, outer, lim)
	m, err := a.OpenNested(a.Find("assets/mid.zip"))
	if err != nil {
		t.Fatalf("depth 1: %v", err)
	}
	if m.Name != "test.apk!assets/mid.zip" {
		t.Fatalf("nested name %q", m.Name)
	}
	if _, err := m.OpenNested(m.Find("inner.jar")); !errors.Is(err, ErrLimit) {
		t.Fatalf("depth 2 with MaxDepth 1: want ErrLimit, got %v", err)
	}
}

func TestOpenSniffs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	apk := buildZip(t, []rawEntry{{name: "AndroidManifest.xml", method: zip.Store, data: []byte("x")}})
	cases := []struct {
		path string
		want Kind
	}{
		{write("a.bin", apk), APK},
		{write("b.apk", []byte("dex\n035\x00rest")), DEX},
		{write("c.apk", []byte("just some text\n")), Text},
		{write("d.apk", []byte{0x00, 0x01, 0x02, 0xff}), Unknown},
		{write("e.zip", buildZip(t, []rawEntry{{name: "Payload/X.app/Info.plist", method: zip.Store, data: []byte("x")}})), IPA},
	}
	for _, c := range cases {
		in, err := Open(c.path, DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if in.Kind != c.want {
			t.Errorf("%s: kind %s, want %s", filepath.Base(c.path), in.Kind, c.want)
		}
		if sum, err := in.SHA256(); len(sum) != 64 || err != nil {
			t.Errorf("sha256 %q %v", sum, err)
		}
		in.Close()
	}
	if _, err := Open(write("empty.apk", nil), DefaultLimits()); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty: want ErrEmpty, got %v", err)
	}
}

func hasProblem(a *Archive, substr string) bool {
	for _, p := range a.Problems {
		if strings.Contains(p.Reason, substr) {
			return true
		}
	}
	return false
}

// FuzzOpenZip: any bytes open or fail cleanly, and reading every entry
// stays within the limits.
func FuzzOpenZip(f *testing.F) {
	f.Add(buildZip(f, []rawEntry{{name: "AndroidManifest.xml", method: zip.Deflate, data: []byte("<manifest/>"), compressed: true}}))
	f.Add(buildZip(f, []rawEntry{{name: "../x", method: 99, data: []byte("abc")}, {name: "../x", method: zip.Store, data: []byte("d")}}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := DefaultLimits()
		lim.MaxEntrySize = 1 << 20
		lim.MaxTotal = 4 << 20
		a, err := OpenZip(bytes.NewReader(b), int64(len(b)), "fuzz.apk", lim)
		if err != nil {
			return
		}
		for _, e := range a.Entries {
			got, _ := a.Read(e)
			if int64(len(got)) > lim.MaxEntrySize+1 {
				t.Fatalf("read %d bytes past the limit", len(got))
			}
			if strings.HasSuffix(e.Name, ".jar") {
				a.OpenNested(e)
			}
		}
	})
}
