package artifact

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	kflate "github.com/klauspost/compress/flate"
)

// Limits bound what reading an archive may cost. Hostile packages are
// normal input: zip bombs, entries that lie about their size, millions of
// entries, archives nested inside archives.
type Limits struct {
	// MaxInput is the largest file opened as an input (0: no limit).
	MaxInput int64
	// MaxEntries is the most entries an archive may list.
	MaxEntries int
	// MaxEntrySize is the most bytes one entry may inflate to.
	MaxEntrySize int64
	// MaxTotal is the most bytes all reads of one scan may inflate to,
	// nested archives included.
	MaxTotal int64
	// MaxSecondary is the part of MaxTotal that secondary content may
	// inflate to: nested archives, everything read from them, and entries
	// read with [Archive.ReadSecondary] (assets). The rest of MaxTotal is
	// kept for the primary content (manifest, top-level code, resource
	// table), which junk in assets can then never crowd out. Zero: no
	// separate bound.
	MaxSecondary int64
	// MaxRatio is the highest inflated/compressed ratio accepted for an
	// entry larger than RatioFloor. It is checked against the bytes really
	// consumed and produced while inflating, not against the sizes the
	// archive declares.
	MaxRatio int64
	// RatioFloor is the size below which the ratio is not checked (small
	// runs of zeros compress very well and are harmless).
	RatioFloor int64
	// MaxDepth is how deep archives nested in archives are opened.
	MaxDepth int
	// MaxNested is the most nested archives one input may open, at any
	// depth. Zero: no bound beyond MaxDepth and the budgets.
	MaxNested int
	// MaxNestedEntries is the most entries all nested archives of one
	// input may list together. Zero: no bound beyond MaxEntries each.
	MaxNestedEntries int
	// Memory, when set, is the byte budget shared by every analysis of a
	// run for the large images it holds at once (inflated dex files), so
	// that memory does not grow with the number of inputs analyzed in
	// parallel. Nil: each analysis bounds its own images.
	Memory *Budget
}

// DefaultLimits suit real apps: the largest dex files seen in the wild are
// tens of MiB, whole apps a few hundred MiB inflated, plug-in archives a
// few MiB each.
func DefaultLimits() Limits {
	return Limits{
		MaxInput:         8 << 30,
		MaxEntries:       200_000,
		MaxEntrySize:     256 << 20,
		MaxTotal:         2 << 30,
		MaxSecondary:     256 << 20,
		MaxRatio:         200,
		RatioFloor:       4 << 20,
		MaxDepth:         3,
		MaxNested:        1_000,
		MaxNestedEntries: 100_000,
	}
}

// ErrLimit is wrapped by every error caused by a limit.
var ErrLimit = errors.New("limit exceeded")

// Errors that say more precisely why a read was refused. Each wraps
// ErrLimit except ErrTruncated.
var (
	// ErrBudget: a budget shared by all reads of one input (MaxTotal,
	// MaxSecondary) is spent; later reads paid from it fail too.
	ErrBudget = fmt.Errorf("inflation budget spent: %w", ErrLimit)
	// ErrDepth: a nested archive lies deeper than MaxDepth.
	ErrDepth = fmt.Errorf("nested too deep: %w", ErrLimit)
	// ErrFanOut: the input opened MaxNested nested archives, or its nested
	// archives listed MaxNestedEntries entries, already; later nested
	// archives are refused too.
	ErrFanOut = fmt.Errorf("too many nested archives: %w", ErrLimit)
	// ErrTruncated: an entry's data ends before its declared size or its
	// compressed stream ends early.
	ErrTruncated = errors.New("data ends early")
	// ErrUnreadable: reading the input failed (an I/O error).
	ErrUnreadable = errors.New("read error")
)

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
	spend    *spending
	byName   map[string]*Entry
	// moreProblems counts the problems past maxProblems.
	moreProblems int

	mu       sync.Mutex
	inflater io.ReadCloser // kept for the next entry: it is costly to make
	rawBuf   *bufio.Reader
}

// spending is what one input has left of its per-input bounds; nested
// archives share their parent's.
type spending struct {
	total     atomic.Int64 // bytes of MaxTotal left
	secondary atomic.Int64 // bytes of MaxSecondary left
	nested    atomic.Int64 // nested archives left to open
	entries   atomic.Int64 // entries of nested archives left
}

func newSpending(lim Limits) *spending {
	sp := new(spending)
	sp.total.Store(lim.MaxTotal)
	sp.secondary.Store(lim.MaxSecondary)
	sp.nested.Store(int64(lim.MaxNested))
	sp.entries.Store(int64(lim.MaxNestedEntries))
	return sp
}

// OpenZip opens a zip archive from r. name labels errors and evidence.
func OpenZip(r io.ReaderAt, size int64, name string, lim Limits) (*Archive, error) {
	return openZip(r, size, name, lim, newSpending(lim), 0)
}

func openZip(r io.ReaderAt, size int64, name string, lim Limits, sp *spending, depth int) (*Archive, error) {
	// Count the entries before archive/zip builds them: refusing a
	// directory of millions of entries must not cost their memory first.
	nestedLeft := -1 // entries nested archives may still list; -1: no bound
	if depth > 0 && lim.MaxNestedEntries > 0 {
		nestedLeft = int(max(sp.entries.Load(), 0))
	}
	n := centralCount(r, size, max(lim.MaxEntries, nestedLeft))
	if n > lim.MaxEntries {
		return nil, fmt.Errorf("%s: more than %d entries, the limit: %w", name, lim.MaxEntries, ErrLimit)
	}
	if nestedLeft >= 0 && n > nestedLeft {
		return nil, fmt.Errorf("%s: nested archives list more than %d entries in all: %w", name, lim.MaxNestedEntries, ErrFanOut)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", name, err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%s: %d entries, more than the limit of %d: %w", name, len(zr.File), lim.MaxEntries, ErrLimit)
	}
	if depth > 0 && lim.MaxNestedEntries > 0 {
		if sp.entries.Add(-int64(len(zr.File))) < 0 {
			return nil, fmt.Errorf("%s: nested archives list more than %d entries in all: %w", name, lim.MaxNestedEntries, ErrFanOut)
		}
	}
	a := &Archive{Name: name, depth: depth, limits: lim, spend: sp, byName: make(map[string]*Entry, len(zr.File))}
	for _, f := range zr.File {
		e := &Entry{Name: f.Name, Method: f.Method, CompressedSize: f.CompressedSize64, Size: f.UncompressedSize64, f: f}
		if why := unsafeName(f.Name); why != "" {
			e.Unsafe = true
			a.problem(f.Name, why)
		}
		if f.Flags&0x1 != 0 {
			a.problem(f.Name, "encryption flag set (ignored by Android; an anti-analysis trick)")
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			a.problem(f.Name, fmt.Sprintf("unknown compression method %d", f.Method))
		}
		if _, dup := a.byName[f.Name]; dup {
			a.problem(f.Name, "duplicate entry name (the first one is read, as Android's installer verified the central directory order)")
		} else {
			a.byName[f.Name] = e
		}
		a.Entries = append(a.Entries, e)
	}
	return a, nil
}

// maxProblems bounds the problems listed per archive; the rest are
// counted (MoreProblems).
const maxProblems = 1_000

// problem records something odd about an entry.
func (a *Archive) problem(name, reason string) {
	// Entries of one archive may be read concurrently.
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.Problems) >= maxProblems {
		a.moreProblems++
		return
	}
	a.Problems = append(a.Problems, Problem{Entry: printable(name), Reason: reason})
}

// MoreProblems is the number of problems found past the first thousand,
// which are counted, not listed.
func (a *Archive) MoreProblems() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.moreProblems
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

// Read inflates an entry within the limits, as primary content. A
// checksum mismatch is returned as a Problem on the archive and the data
// is kept: packers break CRCs on purpose and Android does not check them
// for most entries.
//
// When the data ends early, or the stream is damaged, what was inflated is
// returned with the error.
func (a *Archive) Read(e *Entry) ([]byte, error) {
	return a.read(context.Background(), e, false)
}

// ReadContext is Read that stops when ctx ends.
func (a *Archive) ReadContext(ctx context.Context, e *Entry) ([]byte, error) {
	return a.read(ctx, e, false)
}

// ReadSecondary is ReadContext for secondary content (assets, files that
// may hold other archives): it is paid from MaxSecondary as well as from
// MaxTotal. Every read from a nested archive is secondary.
func (a *Archive) ReadSecondary(ctx context.Context, e *Entry) ([]byte, error) {
	return a.read(ctx, e, true)
}

func (a *Archive) read(ctx context.Context, e *Entry, secondary bool) ([]byte, error) {
	lim := a.limits
	secondary = secondary || a.depth > 0
	if e.Size > uint64(lim.MaxEntrySize) {
		return nil, fmt.Errorf("%s: %s: declares %d bytes, more than the entry limit of %d: %w", a.Name, printable(e.Name), e.Size, lim.MaxEntrySize, ErrLimit)
	}
	if e.Size > uint64(lim.RatioFloor) && e.CompressedSize > 0 && e.Size/e.CompressedSize > uint64(lim.MaxRatio) {
		return nil, fmt.Errorf("%s: %s: compression ratio %d:1 above the limit of %d:1 (zip bomb?): %w", a.Name, printable(e.Name), e.Size/e.CompressedSize, lim.MaxRatio, ErrLimit)
	}
	if err := a.spent(e, secondary); err != nil {
		return nil, err
	}
	raw, err := e.f.OpenRaw()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", a.Name, printable(e.Name), err)
	}
	in := &countingReader{r: raw}
	// Stored and deflated entries are read up to their declared size, and
	// one byte more to catch a lie; other methods are read as stored data,
	// the way Android's zip code treats them, up to the entry limit.
	known := e.Method == zip.Store || e.Method == zip.Deflate
	want := lim.MaxEntrySize
	if known {
		want = int64(e.Size)
	}
	var src io.Reader = in
	if e.Method == zip.Deflate {
		fr := a.takeInflater(in)
		defer a.putInflater(fr)
		src = fr
	}
	// The declared size is a hint for the buffer only up to the ratio
	// floor; past it the buffer doubles, so a size that lies costs no
	// more than the data really inflated.
	hint := want
	if !known {
		hint = min(int64(e.CompressedSize), want)
	}
	buf := make([]byte, 0, min(hint, max(lim.RatioFloor, 64<<10))+1)
	var rerr error
	for idle := 0; ; {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), want+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err := a.charge(e, int64(n), secondary); err != nil {
			return nil, err
		}
		produced := int64(len(buf))
		if produced > lim.RatioFloor && produced > lim.MaxRatio*in.n {
			return nil, fmt.Errorf("%s: %s: inflated %d bytes from %d compressed bytes, a ratio above the limit of %d:1 (zip bomb?): %w",
				a.Name, printable(e.Name), produced, in.n, lim.MaxRatio, ErrLimit)
		}
		if produced > want {
			break
		}
		if err != nil {
			if err != io.EOF {
				rerr = err
			}
			break
		}
		if n == 0 {
			if idle++; idle > 100 {
				rerr = io.ErrNoProgress
				break
			}
			continue
		}
		idle = 0
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", a.Name, printable(e.Name), err)
		}
	}
	if in.err != nil {
		return buf, fmt.Errorf("%s: %s: %w: %w", a.Name, printable(e.Name), ErrUnreadable, in.err)
	}
	n := int64(len(buf))
	switch {
	case !known && n > lim.MaxEntrySize:
		return nil, fmt.Errorf("%s: %s: inflates past the entry limit of %d bytes: %w", a.Name, printable(e.Name), lim.MaxEntrySize, ErrLimit)
	case !known:
		if crc32.ChecksumIEEE(buf) != e.f.CRC32 {
			a.problem(e.Name, "CRC-32 mismatch")
		}
		return buf, nil
	case n > want:
		// More data than declared: Android's reader stops at the declared
		// size. Keep what it would read and record the lie.
		a.problem(e.Name, fmt.Sprintf("inflates past its declared size of %d bytes", e.Size))
		return buf[:want:want], nil
	case rerr != nil:
		var corrupt kflate.CorruptInputError
		if errors.Is(rerr, io.ErrUnexpectedEOF) || errors.As(rerr, &corrupt) && in.eof && int64(corrupt) >= in.n {
			// The stream needed more than the entry holds.
			return buf, fmt.Errorf("%s: %s: compressed stream ends after %d of %d bytes: %w", a.Name, printable(e.Name), n, e.Size, ErrTruncated)
		}
		return buf, fmt.Errorf("%s: %s: %w", a.Name, printable(e.Name), rerr)
	case n < want:
		return buf, fmt.Errorf("%s: %s: data ends after %d of the %d bytes it declares: %w", a.Name, printable(e.Name), n, e.Size, ErrTruncated)
	}
	if e.f.CRC32 != 0 && crc32.ChecksumIEEE(buf) != e.f.CRC32 {
		a.problem(e.Name, "CRC-32 mismatch")
	}
	return buf, nil
}

// spent refuses a read before inflating anything when a budget it is paid
// from is already spent.
func (a *Archive) spent(e *Entry, secondary bool) error {
	// An empty entry costs nothing and is still read.
	if left := a.spend.total.Load(); left < 0 || left == 0 && e.Size > 0 {
		return fmt.Errorf("%s: %s: not read, the scan inflated more than %d bytes in all: %w", a.Name, printable(e.Name), a.limits.MaxTotal, ErrBudget)
	}
	if left := a.spend.secondary.Load(); secondary && a.limits.MaxSecondary > 0 && (left < 0 || left == 0 && e.Size > 0) {
		return fmt.Errorf("%s: %s: not read, nested archives and assets inflated more than %d bytes in all: %w", a.Name, printable(e.Name), a.limits.MaxSecondary, ErrBudget)
	}
	return nil
}

// charge pays n inflated bytes from the budgets of the read.
func (a *Archive) charge(e *Entry, n int64, secondary bool) error {
	if n == 0 {
		return nil
	}
	if a.spend.total.Add(-n) < 0 {
		return fmt.Errorf("%s: %s: the scan inflated more than %d bytes in all: %w", a.Name, printable(e.Name), a.limits.MaxTotal, ErrBudget)
	}
	if secondary && a.limits.MaxSecondary > 0 && a.spend.secondary.Add(-n) < 0 {
		return fmt.Errorf("%s: %s: nested archives and assets inflated more than %d bytes in all: %w", a.Name, printable(e.Name), a.limits.MaxSecondary, ErrBudget)
	}
	return nil
}

// countingReader counts the compressed bytes consumed, so that the ratio
// is checked against what was really read, and keeps the first read error
// that is not the end of the data.
type countingReader struct {
	r   io.Reader
	n   int64
	eof bool // the compressed data was read to its end
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	switch {
	case err == io.EOF:
		c.eof = true
	case err != nil && c.err == nil:
		c.err = err
	}
	return n, err
}

// takeInflater returns a deflate reader over r, reusing the archive's.
// Inflating dex files is the floor of a scan's time; klauspost's inflater
// is about twice as fast as compress/flate on bytecode, and fastest over a
// *bufio.Reader.
func (a *Archive) takeInflater(r io.Reader) io.ReadCloser {
	a.mu.Lock()
	fr, br := a.inflater, a.rawBuf
	a.inflater, a.rawBuf = nil, nil
	a.mu.Unlock()
	if br == nil {
		br = bufio.NewReaderSize(r, 32<<10)
	} else {
		br.Reset(r)
	}
	if fr == nil {
		return &inflater{ReadCloser: kflate.NewReader(br), br: br}
	}
	if err := fr.(kflate.Resetter).Reset(br, nil); err != nil {
		return &inflater{ReadCloser: kflate.NewReader(br), br: br}
	}
	return &inflater{ReadCloser: fr, br: br}
}

type inflater struct {
	io.ReadCloser
	br *bufio.Reader
}

func (a *Archive) putInflater(r io.ReadCloser) {
	f := r.(*inflater)
	f.br.Reset(nil)
	a.mu.Lock()
	a.inflater, a.rawBuf = f.ReadCloser, f.br
	a.mu.Unlock()
}

// OpenNested opens an entry that is itself a zip (an APK, JAR or plug-in
// archive hidden in assets). Depth and the inflation budget carry over.
func (a *Archive) OpenNested(e *Entry) (*Archive, error) {
	return a.OpenNestedContext(context.Background(), e)
}

// OpenNestedContext opens a nested archive, as OpenNested, stopping when
// ctx ends. It is paid from MaxSecondary and counts against MaxNested and
// MaxNestedEntries; past MaxDepth it fails with ErrDepth, past the counts
// with ErrFanOut.
func (a *Archive) OpenNestedContext(ctx context.Context, e *Entry) (*Archive, error) {
	if a.depth+1 > a.limits.MaxDepth {
		return nil, fmt.Errorf("%s: %s: nested deeper than %d archives: %w", a.Name, printable(e.Name), a.limits.MaxDepth, ErrDepth)
	}
	if a.limits.MaxNested > 0 && a.spend.nested.Add(-1) < 0 {
		return nil, fmt.Errorf("%s: %s: not opened, the input has more than %d nested archives: %w", a.Name, printable(e.Name), a.limits.MaxNested, ErrFanOut)
	}
	data, err := a.read(ctx, e, true)
	if err != nil {
		return nil, err
	}
	return openZip(bytes.NewReader(data), int64(len(data)), a.Name+"!"+e.Name, a.limits, a.spend, a.depth+1)
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
