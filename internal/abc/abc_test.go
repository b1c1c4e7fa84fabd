package abc

import (
	"archive/zip"
	"encoding/binary"
	"io"
	"slices"
	"testing"
	"time"
)

// fixture is ets/modules.abc of the smart lock HAP.
func fixture(t testing.TB) []byte {
	t.Helper()
	zr, err := zip.OpenReader("../../testdata/harmony/lock.hap")
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "ets/modules.abc" {
			rc, _ := f.Open()
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return b
		}
	}
	t.Fatal("no ets/modules.abc")
	return nil
}

func strs(f *File) []string {
	var out []string
	f.Strings(func(s []byte) bool { out = append(out, string(s)); return true })
	return out
}

func TestParse(t *testing.T) {
	f, err := Parse(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "11.0.2.0" {
		t.Errorf("version %s", f.Version)
	}
	var mods []string
	for _, s := range strs(f) {
		if IsModule([]byte(s)) {
			mods = append(mods, s)
		}
	}
	if !slices.Equal(mods, []string{"@ohos:geoLocationManager", "@ohos:identifier.oaid", "@ohos:pasteboard", "@ohos:net.http"}) {
		t.Errorf("modules %v", mods)
	}
	if all := strs(f); !slices.Contains(all, "getCurrentLocation") || !slices.Contains(all, "https://iot.lock.example.cn/v2/unlock/report") {
		t.Errorf("strings %v", all)
	}
}

// A long string takes a two-byte length header; records that are not
// strings (binary data, non-ASCII) are passed over.
func TestStringRecords(t *testing.T) {
	long := make([]byte, 200)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	body := []byte{0xff, 0x00, 0x07, 'a', 'b', 0} // binary; a record too short (length 3 announced, 2 bytes)
	n := len(long)<<1 | 1
	body = append(body, byte(n&0x7f|0x80), byte(n>>7))
	body = append(body, long...)
	body = append(body, 0, 0x09, 'x', 'y', 'z', 'w', 0)
	h := make([]byte, HeaderSize)
	copy(h, "PANDA\x00\x00\x00")
	binary.LittleEndian.PutUint32(h[16:], uint32(HeaderSize+len(body)))
	f, err := Parse(append(h, body...))
	if err != nil {
		t.Fatal(err)
	}
	if all := strs(f); !slices.Equal(all, []string{string(long), "xyzw"}) {
		t.Errorf("strings %q", all)
	}
}

func TestHostile(t *testing.T) {
	good := fixture(t)
	bad := func(at int, v uint32) []byte {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[at:], v)
		return b
	}
	for name, b := range map[string][]byte{
		"not abc":             []byte("PK\x03\x04 and more bytes than a header, really quite a few more bytes here....."),
		"short":               good[:40],
		"size beyond":         bad(16, uint32(len(good)+1)),
		"size below header":   bad(16, 10),
		"offset past the end": bad(32, 1<<30),
		"class count lie":     bad(28, 1<<30),
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(fixture(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		if file, err := Parse(b); err == nil {
			n := 0
			file.Strings(func(s []byte) bool { n += len(s); return true })
			if n > len(b) {
				t.Fatalf("%d string bytes from %d bytes", n, len(b))
			}
		}
	})
}

// A body built so that every byte starts a record that fails at its last
// character costs what a plain one does, within a small factor.
func TestAdversarialScanIsLinear(t *testing.T) {
	mk := func(body []byte) []byte {
		h := make([]byte, HeaderSize)
		copy(h, "PANDA\x00\x00\x00")
		binary.LittleEndian.PutUint32(h[16:], uint32(HeaderSize+len(body)))
		return append(h, body...)
	}
	plain := make([]byte, 4<<20)
	bad := make([]byte, 4<<20)
	// Blocks of 64: each of the first 47 bytes is a header whose string
	// would end with the NUL at 63, and every one is broken by the DEL
	// at 62, the last character it would hold.
	for i := range bad {
		plain[i] = 'a'
		switch j := i % 64; {
		case j <= 46:
			bad[i] = byte((62-j)<<1 | 1)
		case j <= 61:
			bad[i] = 'A'
		case j == 62:
			bad[i] = 0x7f
		default:
			bad[i] = 0
		}
	}
	timeIt := func(b []byte) time.Duration {
		f, err := Parse(mk(b))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		f.Strings(func([]byte) bool { return true })
		return time.Since(start)
	}
	p, a := timeIt(plain), timeIt(bad)
	t.Logf("plain %v, adversarial %v", p, a)
	if a > 4*p+20*time.Millisecond {
		t.Errorf("adversarial body: %v, plain: %v", a, p)
	}
}
