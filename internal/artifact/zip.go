package artifact

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"sort"
	"strings"
	"sync/atomic"

	kflate "github.com/klauspost/compress/flate"
)

// Limits bound what reading an archive may cost. Hostile packages are
// normal input: zip bombs, entries that lie about their size, millions of
// entries, archives nested inside archives.
type Limits struct {
	// MaxEntries is the most entries an archive may list.
	MaxEntries int
	// MaxEntrySize is the most bytes one entry may inflate to.
	MaxEntrySize int64
	// MaxTotal is the most bytes all reads of one scan may inflate to,
	// nested archives included.
	MaxTotal int64
	// MaxRatio is the highest inflated/compressed ratio accepted for an
	// entry larger than RatioFloor.
	MaxRatio int64
	// RatioFloor is the size below which the ratio is not checked (small
	// runs of zeros compress very well and are harmless).
	RatioFloor int64
	// MaxDepth is how deep archives nested in archives are opened.
	MaxDepth int
}

// DefaultLimits suit real apps: the largest dex files seen in the wild are
// tens of MiB, whole apps a few hundred MiB inflated.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:   200_000,
		MaxEntrySize: 256 << 20,
		MaxTotal:     2 << 30,
		MaxRatio:     200,
		RatioFloor:   4 << 20,
		MaxDepth:     3,
	}
}

// ErrLimit is wrapped by every error caused by a limit.
var ErrLimit = errors.New("limit exceeded")

// Problem is something odd about an archive that a well-formed one would
// not have. Odd archives still open; their problems are evidence of tampering.
type Problem struct {
	Entry  string `json:"entry,omitempty"`
	Reason string `json:"reason"`
}

// Entry is one file listed in an archive. Its name is kept as written; it
// is never used as a path on disk.
type Entry struct {
	Name           string
	Method         uint16
	CompressedSize uint64
	Size           uint64
	// Unsafe is set when the name is absolute, climbs with "..", or holds a
	// NUL or backslash: tampering evidence.
	Unsafe bool
	f      *zip.File
}

// Archive is a zip (APK, JAR, AAR, IPA, HAP) opened with limits.
type Archive struct {
	Name     string
	Entries  []*Entry
	Problems []Problem
	depth    int
	limits   Limits
	budget   *atomic.Int64
	byName   map[string]*Entry
}

// OpenZip opens a zip archive from r. name labels errors and evidence.
func OpenZip(r io.ReaderAt, size int64, name string, lim Limits) (*Archive, error) {
	b := new(atomic.Int64)
	b.Store(lim.MaxTotal)
	return openZip(r, size, name, lim, b, 0)
}

func openZip(r io.ReaderAt, size int64, name string, lim Limits, budget *atomic.Int64, depth int) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", name, err)
	}
	// Inflating dex files is the floor of a scan's time; this inflater is
	// about twice as fast as compress/flate on bytecode.
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%s: %d entries, more than the limit of %d: %w", name, len(zr.File), lim.MaxEntries, ErrLimit)
	}
	a := &Archive{Name: name, depth: depth, limits: lim, budget: budget, byName: make(map[string]*Entry, len(zr.File))}
	for _, f := range zr.File {
		e := &Entry{Name: f.Name, Method: f.Method, CompressedSize: f.CompressedSize64, Size: f.UncompressedSize64, f: f}
		if why := unsafeName(f.Name); why != "" {
			e.Unsafe = true
			a.Problems = append(a.Problems, Problem{Entry: printable(f.Name), Reason: why})
		}
		if f.Flags&0x1 != 0 {
			a.Problems = append(a.Problems, Problem{Entry: printable(f.Name), Reason: "encryption flag set (ignored by Android; an anti-analysis trick)"})
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			a.Problems = append(a.Problems, Problem{Entry: printable(f.Name), Reason: fmt.Sprintf("unknown compression method %d", f.Method)})
		}
		if prev, dup := a.byName[f.Name]; dup {
			a.Problems = append(a.Problems, Problem{Entry: printable(f.Name), Reason: "duplicate entry name (the first one is read, as Android's installer verified the central directory order)"})
			_ = prev
		} else {
			a.byName[f.Name] = e
		}
		a.Entries = append(a.Entries, e)
	}
	return a, nil
}

// Depth is how deep this archive is nested (0 for the file given).
func (a *Archive) Depth() int { return a.depth }

// Find returns the first entry with exactly this name, or nil.
func (a *Archive) Find(name string) *Entry { return a.byName[name] }

// Glob returns entries whose name matches the path.Match pattern, sorted
// by name. Unsafe names never match.
func (a *Archive) Glob(pattern string) []*Entry {
	var out []*Entry
	for _, e := range a.Entries {
		if e.Unsafe || a.byName[e.Name] != e {
			continue
		}
		if ok, _ := path.Match(pattern, e.Name); ok {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Read inflates an entry within the limits. A checksum mismatch is
// returned as a Problem on the archive and the data is kept: packers break
// CRCs on purpose and Android does not check them for most entries.
func (a *Archive) Read(e *Entry) ([]byte, error) {
	lim := a.limits
	if e.Size > uint64(lim.MaxEntrySize) {
		return nil, fmt.Errorf("%s: %s: declares %d bytes, more than the entry limit of %d: %w", a.Name, printable(e.Name), e.Size, lim.MaxEntrySize, ErrLimit)
	}
	if e.Size > uint64(lim.RatioFloor) && e.CompressedSize > 0 && e.Size/e.CompressedSize > uint64(lim.MaxRatio) {
		return nil, fmt.Errorf("%s: %s: compression ratio %d:1 above the limit of %d:1 (zip bomb?): %w", a.Name, printable(e.Name), e.Size/e.CompressedSize, lim.MaxRatio, ErrLimit)
	}
	rc, err := e.open()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", a.Name, printable(e.Name), err)
	}
	defer rc.Close()
	// Never trust the declared size: read at most the limit plus one byte,
	// and charge what was really inflated to the scan's budget.
	capHint := e.Size
	if capHint > 64<<20 {
		capHint = 64 << 20
	}
	buf := bytes.NewBuffer(make([]byte, 0, int(capHint)))
	n, err := io.Copy(buf, io.LimitReader(rc, lim.MaxEntrySize+1))
	if rest := a.budget.Add(-n); rest < 0 {
		return nil, fmt.Errorf("%s: %s: the scan inflated more than %d bytes in all: %w", a.Name, printable(e.Name), lim.MaxTotal, ErrLimit)
	}
	if n > lim.MaxEntrySize {
		return nil, fmt.Errorf("%s: %s: inflates past the entry limit of %d bytes: %w", a.Name, printable(e.Name), lim.MaxEntrySize, ErrLimit)
	}
	if err != nil {
		if errors.Is(err, zip.ErrChecksum) {
			a.Problems = append(a.Problems, Problem{Entry: printable(e.Name), Reason: "CRC-32 mismatch"})
			return buf.Bytes(), nil
		}
		if errors.Is(err, zip.ErrFormat) && uint64(n) >= e.Size {
			// More data than declared: Go's reader stops at the declared
			// size. Keep what was read and record the lie.
			a.Problems = append(a.Problems, Problem{Entry: printable(e.Name), Reason: fmt.Sprintf("inflates past its declared size of %d bytes", e.Size)})
			return buf.Bytes(), nil
		}
		return buf.Bytes(), fmt.Errorf("%s: %s: %w", a.Name, printable(e.Name), err)
	}
	if e.Method != zip.Store && e.Method != zip.Deflate && crc32.ChecksumIEEE(buf.Bytes()) != e.f.CRC32 {
		a.Problems = append(a.Problems, Problem{Entry: printable(e.Name), Reason: "CRC-32 mismatch"})
	}
	return buf.Bytes(), nil
}

// open returns a reader for the entry. Unknown compression methods are read
// the way Android's zip code treats them: as stored data.
func (e *Entry) open() (io.ReadCloser, error) {
	if e.Method == zip.Store || e.Method == zip.Deflate {
		return e.f.Open()
	}
	raw, err := e.f.OpenRaw()
	if err != nil {
		return nil, err
	}
	return io.NopCloser(raw), nil
}

// OpenNested opens an entry that is itself a zip (an APK, JAR or plug-in
// archive hidden in assets). Depth and the inflation budget carry over.
func (a *Archive) OpenNested(e *Entry) (*Archive, error) {
	if a.depth+1 > a.limits.MaxDepth {
		return nil, fmt.Errorf("%s: %s: nested deeper than %d archives: %w", a.Name, printable(e.Name), a.limits.MaxDepth, ErrLimit)
	}
	data, err := a.Read(e)
	if err != nil {
		return nil, err
	}
	return openZip(bytes.NewReader(data), int64(len(data)), a.Name+"!"+e.Name, a.limits, a.budget, a.depth+1)
}

// unsafeName says why an entry name could not be a path inside the
// archive's own folder, or "".
func unsafeName(name string) string {
	switch {
	case strings.IndexByte(name, 0) >= 0:
		return "entry name holds a NUL byte"
	case strings.HasPrefix(name, "/"):
		return "absolute entry name"
	case strings.Contains(name, `\`):
		return "entry name holds a backslash"
	case len(name) >= 2 && name[1] == ':':
		return "entry name with a drive letter"
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return `entry name climbs out with ".."`
		}
	}
	return ""
}

// printable makes a hostile name safe to print: control bytes are escaped.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() > 300 {
		return b.String()[:300] + "…"
	}
	return b.String()
}

// Printable escapes control characters in a name for reports.
func Printable(s string) string { return printable(s) }
