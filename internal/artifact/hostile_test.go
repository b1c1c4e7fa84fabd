package artifact

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

// rawRecord is one central directory entry of a hand-made zip: it may
// point at any local entry and declare any sizes.
type rawRecord struct {
	name         string
	local        int // index of the local entry it points at
	method       uint16
	csize, usize uint32
}

// rawLocal is a local entry: header and body as given.
type rawLocal struct {
	name         string
	method       uint16
	crc          uint32
	csize, usize uint32
	body         []byte
}

// handZip writes local entries and central records as given, so that the
// directory can lie in ways archive/zip's writer does not allow.
func handZip(locals []rawLocal, records []rawRecord) []byte {
	le := binary.LittleEndian
	var out, cd bytes.Buffer
	offs := make([]uint32, len(locals))
	for i, l := range locals {
		offs[i] = uint32(out.Len())
		var h [30]byte
		le.PutUint32(h[0:], 0x04034b50)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[8:], l.method)
		le.PutUint32(h[14:], l.crc)
		le.PutUint32(h[18:], l.csize)
		le.PutUint32(h[22:], l.usize)
		le.PutUint16(h[26:], uint16(len(l.name)))
		out.Write(h[:])
		out.WriteString(l.name)
		out.Write(l.body)
	}
	for _, r := range records {
		l := locals[r.local]
		var h [46]byte
		le.PutUint32(h[0:], 0x02014b50)
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[6:], 20)
		le.PutUint16(h[10:], r.method)
		le.PutUint32(h[16:], l.crc)
		le.PutUint32(h[20:], r.csize)
		le.PutUint32(h[24:], r.usize)
		le.PutUint16(h[28:], uint16(len(r.name)))
		le.PutUint32(h[42:], offs[r.local])
		cd.Write(h[:])
		cd.WriteString(r.name)
	}
	var end [22]byte
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], uint16(len(records)))
	le.PutUint16(end[10:], uint16(len(records)))
	le.PutUint32(end[12:], uint32(cd.Len()))
	le.PutUint32(end[16:], uint32(out.Len()))
	out.Write(cd.Bytes())
	out.Write(end[:])
	return out.Bytes()
}

// noise returns n bytes that do not compress, the same every run.
func noise(n int) []byte {
	b := make([]byte, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// A central directory that claims a large compressed size makes the
// declared ratio look harmless; the bytes really consumed give it away,
// and inflating stops soon after the ratio floor, however many entries
// share the stream.
func TestRatioCheckedOnConsumedBytes(t *testing.T) {
	const size = 64 << 20
	body := deflated(t, make([]byte, size))
	crc := crc32.ChecksumIEEE(make([]byte, size))
	local := rawLocal{name: "a.dex", method: zip.Deflate, crc: crc, csize: uint32(len(body)), usize: size, body: body}
	var recs []rawRecord
	for i := range 4 {
		// Declared ratio 64:1, under the limit; real ratio about 1000:1.
		recs = append(recs, rawRecord{name: fmt.Sprintf("classes%d.dex", i+2), method: zip.Deflate, csize: 1 << 20, usize: size})
	}
	lim := DefaultLimits()
	a := open(t, handZip([]rawLocal{local}, recs), lim)
	start := time.Now()
	for _, e := range a.Entries {
		got, err := a.Read(e)
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "compressed bytes") {
			t.Fatalf("%s: want a ratio error from the bytes consumed, got %v", e.Name, err)
		}
		if got != nil {
			t.Fatalf("%s: %d bytes returned with a ratio error", e.Name, len(got))
		}
	}
	// Each read stops near the floor (plus the reader's look-ahead),
	// not after 64 MiB: the budget shows what was inflated.
	spent := lim.MaxTotal - a.spend.total.Load()
	if spent > 4*(lim.RatioFloor+lim.MaxRatio*64<<10) {
		t.Errorf("inflated %d bytes in all for four refused entries", spent)
	}
	t.Logf("4 lying entries refused after %d bytes in %v", spent, time.Since(start))
}

// Once a budget is spent, later reads paid from it fail at once, without
// inflating anything; primary reads keep what MaxSecondary leaves them.
func TestSecondaryBudgetKeepsRoomForPrimary(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxTotal = 10 << 20
	lim.MaxSecondary = 4 << 20
	var es []rawEntry
	for i := range 6 {
		es = append(es, rawEntry{name: fmt.Sprintf("assets/%d.bin", i), method: zip.Deflate, data: bytes.Repeat([]byte{byte(i)}, 1<<20), compressed: true})
	}
	es = append(es, rawEntry{name: "classes.dex", method: zip.Deflate, data: noise(5 << 20), compressed: true})
	a := open(t, buildZip(t, es), lim)
	ctx := context.Background()
	var n int
	var err error
	for _, e := range a.Entries[:6] {
		if _, err = a.ReadSecondary(ctx, e); err != nil {
			break
		}
		n++
	}
	if !errors.Is(err, ErrBudget) || !errors.Is(err, ErrLimit) || n != 4 {
		t.Fatalf("secondary reads: %d read, then %v; want 4 and ErrBudget", n, err)
	}
	before := a.spend.total.Load()
	if _, err := a.ReadSecondary(ctx, a.Entries[5]); !errors.Is(err, ErrBudget) {
		t.Fatalf("a read after the budget was spent: %v", err)
	}
	if a.spend.total.Load() != before {
		t.Fatal("a read refused for a spent budget inflated data")
	}
	got, err := a.Read(a.Find("classes.dex"))
	if err != nil || len(got) != 5<<20 {
		t.Fatalf("primary read after secondary content spent its budget: %d bytes, %v", len(got), err)
	}
}

func TestNestedFanOutBounded(t *testing.T) {
	inner := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Store, data: []byte("dex\n")}})
	var es []rawEntry
	for i := range 5 {
		es = append(es, rawEntry{name: fmt.Sprintf("assets/p%d.jar", i), method: zip.Store, data: inner})
	}
	lim := DefaultLimits()
	lim.MaxNested = 3
	a := open(t, buildZip(t, es), lim)
	var opened int
	for _, e := range a.Entries {
		_, err := a.OpenNested(e)
		if err != nil {
			if !errors.Is(err, ErrFanOut) || !errors.Is(err, ErrLimit) {
				t.Fatalf("want ErrFanOut, got %v", err)
			}
			continue
		}
		opened++
	}
	if opened != 3 {
		t.Fatalf("%d nested archives opened, want 3", opened)
	}

	// Entries across nested archives: the second archive of 600 entries
	// passes 1000 in all and is refused before archive/zip reads it.
	var many []rawEntry
	for i := range 600 {
		many = append(many, rawEntry{name: fmt.Sprintf("e%d", i), method: zip.Store})
	}
	big := buildZip(t, many)
	lim = DefaultLimits()
	lim.MaxNestedEntries = 1000
	a = open(t, buildZip(t, []rawEntry{{name: "a.zip", method: zip.Store, data: big}, {name: "b.zip", method: zip.Store, data: big}}), lim)
	if _, err := a.OpenNested(a.Entries[0]); err != nil {
		t.Fatalf("first nested archive: %v", err)
	}
	if _, err := a.OpenNested(a.Entries[1]); !errors.Is(err, ErrFanOut) {
		t.Fatalf("second nested archive: want ErrFanOut, got %v", err)
	}
}

func TestDepthError(t *testing.T) {
	inner := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Store, data: []byte("dex\n")}})
	outer := buildZip(t, []rawEntry{{name: "a.jar", method: zip.Store, data: inner}})
	lim := DefaultLimits()
	lim.MaxDepth = 0
	a := open(t, outer, lim)
	if _, err := a.OpenNested(a.Entries[0]); !errors.Is(err, ErrDepth) || !errors.Is(err, ErrLimit) {
		t.Fatalf("want ErrDepth, got %v", err)
	}
}

// An archive listing more entries than allowed is refused from its central
// directory, before archive/zip builds an entry for each.
func TestTooManyEntriesCountedFirst(t *testing.T) {
	var es []rawEntry
	for i := range 5000 {
		es = append(es, rawEntry{name: fmt.Sprintf("%d", i), method: zip.Store})
	}
	b := buildZip(t, es)
	if n := centralCount(bytes.NewReader(b), int64(len(b)), 1<<30); n != 5000 {
		t.Fatalf("centralCount = %d, want 5000", n)
	}
	lim := DefaultLimits()
	lim.MaxEntries = 100
	_, err := OpenZip(bytes.NewReader(b), int64(len(b)), "many.zip", lim)
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("want ErrLimit, got %v", err)
	}
}

// A deflate stream cut short returns what it held and ErrTruncated; data
// shorter than declared does too.
func TestTruncatedData(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	body := deflated(t, data)
	crc := crc32.ChecksumIEEE(data)
	cut := body[:len(body)/2]
	z := handZip([]rawLocal{{name: "classes.dex", method: zip.Deflate, crc: crc, csize: uint32(len(cut)), usize: uint32(len(data)), body: cut}},
		[]rawRecord{{name: "classes.dex", method: zip.Deflate, csize: uint32(len(cut)), usize: uint32(len(data))}})
	a := open(t, z, DefaultLimits())
	got, err := a.Read(a.Entries[0])
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("cut stream: want ErrTruncated, got %v", err)
	}
	if len(got) == 0 || !bytes.HasPrefix(data, got) {
		t.Fatalf("cut stream: %d bytes kept, not a prefix of the data", len(got))
	}
	short := handZip([]rawLocal{{name: "a", method: zip.Store, crc: crc, csize: 10, usize: 20, body: data[:10]}},
		[]rawRecord{{name: "a", method: zip.Store, csize: 10, usize: 20}})
	a = open(t, short, DefaultLimits())
	if got, err := a.Read(a.Entries[0]); !errors.Is(err, ErrTruncated) || len(got) != 10 {
		t.Fatalf("short stored entry: %d bytes, %v", len(got), err)
	}
}

func TestReadContextCancelled(t *testing.T) {
	b := buildZip(t, []rawEntry{{name: "classes.dex", method: zip.Deflate, data: bytes.Repeat([]byte("x"), 1<<20), compressed: true}})
	a := open(t, b, DefaultLimits())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.ReadContext(ctx, a.Entries[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

// The inflater kept between reads gives every entry its own content.
func TestInflaterReuse(t *testing.T) {
	var es []rawEntry
	for i := range 20 {
		es = append(es, rawEntry{name: fmt.Sprintf("f%d", i), method: zip.Deflate, data: bytes.Repeat([]byte(fmt.Sprint(i)), 1000+i*7919), compressed: true})
	}
	a := open(t, buildZip(t, es), DefaultLimits())
	for round := range 2 {
		for i, e := range a.Entries {
			got, err := a.Read(e)
			if err != nil || !bytes.Equal(got, es[i].data) {
				t.Fatalf("round %d, %s: %d bytes, %v", round, e.Name, len(got), err)
			}
		}
	}
	if len(a.Problems) != 0 {
		t.Fatalf("problems: %v", a.Problems)
	}
}

// FuzzCentralCount: for any bytes archive/zip opens, the count of central
// directory headers is at least the number of entries it reads, so a
// limit checked on the count never lets more entries through.
func FuzzCentralCount(f *testing.F) {
	f.Add(buildZip(f, []rawEntry{{name: "a", method: zip.Store, data: []byte("x")}, {name: "b", method: zip.Deflate, data: []byte("yy"), compressed: true}}))
	f.Add(buildZip(f, nil))
	f.Add(append([]byte("prefix of a self-extracting stub"), buildZip(f, []rawEntry{{name: "a", method: zip.Store, data: []byte("x")}})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := centralCount(bytes.NewReader(b), int64(len(b)), 1<<20)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			return
		}
		if n < len(zr.File) {
			t.Fatalf("centralCount = %d, archive/zip read %d entries", n, len(zr.File))
		}
		if m := centralCount(bytes.NewReader(b), int64(len(b)), 0); m > 1 {
			t.Fatalf("centralCount with max 0 counted %d", m)
		}
	})
}
