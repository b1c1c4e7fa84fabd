// Package artifact opens what a user hands to hegui: it names the input's
// kind from its bytes (not its file name), hashes it, and gives analyzers
// bounded access to archives, so that no analyzer reads a hostile file
// without limits and no entry name ever becomes a path on disk.
package artifact

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Kind is the kind of an input, sniffed from its content.
type Kind string

// The kinds hegui knows how to sniff.
const (
	Unknown Kind = "unknown"
	Zip     Kind = "zip" // a zip that is none of the kinds below
	APK     Kind = "android"
	IPA     Kind = "ios"
	HAP     Kind = "harmony"
	DEX     Kind = "dex"
	// AAR is an Android library: a text AndroidManifest.xml and
	// classes.jar; JAR is Java classes (an SDK for Android or Java).
	AAR Kind = "aar"
	JAR Kind = "jar"
	// MachO is a Mach-O binary, thin or fat; StaticLib an ar archive
	// (an iOS static library holds Mach-O objects).
	MachO     Kind = "macho"
	StaticLib Kind = "ar"
	// Framework is a zip of an iOS framework or XCFramework (an SDK's
	// distribution).
	Framework Kind = "framework"
	Pcap      Kind = "pcap"
	PcapNG    Kind = "pcapng"
	HAR       Kind = "har"
	// Evidence is a hegui evidence file (JSON with "hegui_evidence").
	Evidence Kind = "evidence"
	Text     Kind = "text"
)

// Input is one file to inspect, opened read-only.
type Input struct {
	Path   string
	Size   int64
	Kind   Kind
	Limits Limits

	file *os.File
	arch *Archive
	head []byte

	// The SHA-256 is computed beside the analysis (the file is read with
	// ReadAt, which is safe concurrently): hashed is closed once done;
	// closing stop ends it early.
	hashed   chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	sum      string
	sumErr   error
}

// ErrEmpty is returned for a zero-byte input.
var ErrEmpty = errors.New("empty file")

// Open opens, hashes and sniffs a file. Only regular files are opened: a
// named pipe or a device would block or never end. The caller closes it.
func Open(path string, lim Limits) (*Input, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory", path)
		}
		return nil, fmt.Errorf("%s: not a regular file (%v): only files are read", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: changed while being opened", path)
	}
	if st.Size() == 0 {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrEmpty)
	}
	if lim.MaxInput > 0 && st.Size() > lim.MaxInput {
		f.Close()
		return nil, fmt.Errorf("%s: %d bytes, more than the input limit of %d: %w", path, st.Size(), lim.MaxInput, ErrLimit)
	}
	in := &Input{Path: path, Size: st.Size(), Limits: lim, file: f, hashed: make(chan struct{}), stop: make(chan struct{})}
	go func() {
		defer close(in.hashed)
		h := sha256.New()
		if _, err := io.Copy(h, stoppable{io.NewSectionReader(f, 0, in.Size), in.stop}); err != nil {
			in.sumErr = fmt.Errorf("%s: read: %w", path, err)
			return
		}
		in.sum = hex.EncodeToString(h.Sum(nil))
	}()
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	in.head = head[:n]
	in.Kind = in.sniff(in.head)
	return in, nil
}

// Head returns up to n of the input's first bytes (at most 512).
func (in *Input) Head(n int) []byte { return in.head[:min(n, len(in.head))] }

// Close releases the file, stopping its hash if still running.
func (in *Input) Close() error {
	in.stopOnce.Do(func() { close(in.stop) })
	<-in.hashed
	return in.file.Close()
}

// SHA256 returns the input's SHA-256 in hex, waiting for it if needed.
func (in *Input) SHA256() (string, error) {
	return in.SHA256Context(context.Background())
}

// SHA256Context is SHA256, giving up (and stopping the hash) when ctx
// ends.
func (in *Input) SHA256Context(ctx context.Context) (string, error) {
	select {
	case <-in.hashed:
		return in.sum, in.sumErr
	case <-ctx.Done():
		in.stopOnce.Do(func() { close(in.stop) })
		<-in.hashed
		if in.sumErr == nil {
			return in.sum, nil
		}
		return "", fmt.Errorf("%s: hashing stopped: %w", in.Path, ctx.Err())
	}
}

// stoppable reads r until stop is closed.
type stoppable struct {
	r    io.Reader
	stop <-chan struct{}
}

func (s stoppable) Read(p []byte) (int, error) {
	select {
	case <-s.stop:
		return 0, errHashStopped
	default:
	}
	return s.r.Read(p)
}

var errHashStopped = errors.New("stopped")

// ReaderAt gives random access to the input's bytes.
func (in *Input) ReaderAt() io.ReaderAt { return in.file }

// Archive returns the input opened as a zip (cached), or an error when it
// is not one.
func (in *Input) Archive() (*Archive, error) {
	if in.arch != nil {
		return in.arch, nil
	}
	a, err := OpenZip(in.file, in.Size, baseName(in.Path), in.Limits)
	if err != nil {
		return nil, err
	}
	in.arch = a
	return a, nil
}

func (in *Input) sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return in.sniffZip()
	case bytes.HasPrefix(head, []byte("dex\n")):
		return DEX
	case bytes.HasPrefix(head, []byte{0xd4, 0xc3, 0xb2, 0xa1}), bytes.HasPrefix(head, []byte{0xa1, 0xb2, 0xc3, 0xd4}),
		bytes.HasPrefix(head, []byte{0x4d, 0x3c, 0xb2, 0xa1}), bytes.HasPrefix(head, []byte{0xa1, 0xb2, 0x3c, 0x4d}):
		return Pcap
	case bytes.HasPrefix(head, []byte{0x0a, 0x0d, 0x0d, 0x0a}):
		return PcapNG
	case bytes.HasPrefix(head, []byte("!<arch>\n")):
		return StaticLib
	case isMachO(head):
		return MachO
	}
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if bytes.HasPrefix(t, []byte("{")) && bytes.Contains(head, []byte(`"hegui_evidence"`)) {
		return Evidence
	}
	if bytes.HasPrefix(t, []byte("{")) && bytes.Contains(head, []byte(`"log"`)) {
		return HAR
	}
	if isText(head) {
		return Text
	}
	// A zip may carry a prefix (self-extracting stubs, some packers):
	// archive/zip finds the central directory from the end.
	if _, err := zipProbe(in.file, in.Size); err == nil {
		return in.sniffZip()
	}
	return Unknown
}

func (in *Input) sniffZip() Kind {
	a, err := in.Archive()
	if err != nil {
		return Zip
	}
	switch {
	case a.Find("classes.jar") != nil && a.Find("classes.dex") == nil && a.Find("resources.arsc") == nil:
		return AAR
	case a.Find("AndroidManifest.xml") != nil, a.Find("classes.dex") != nil:
		return APK
	case a.Find("module.json") != nil || a.Find("config.json") != nil && a.Find("pack.info") != nil:
		return HAP
	case a.Find("pack.info") != nil: // an .app bundle: HAPs beside pack.info
		for _, e := range a.Entries {
			if strings.HasSuffix(e.Name, ".hap") && !strings.Contains(e.Name, "/") {
				return HAP
			}
		}
	}
	classes, framework := false, false
	for _, e := range a.Entries {
		if len(e.Name) > 8 && e.Name[:8] == "Payload/" {
			return IPA
		}
		classes = classes || strings.HasSuffix(e.Name, ".class")
		framework = framework || strings.Contains(e.Name, ".xcframework/") || strings.Contains(e.Name, ".framework/")
	}
	switch {
	case classes:
		return JAR
	case framework:
		return Framework
	}
	return Zip
}

// isMachO recognises a Mach-O header, or a fat header: 0xCAFEBABE and a
// small slice count (a Java class file starts with 0xCAFEBABE too, then
// its version, 45 or more).
func isMachO(h []byte) bool {
	if len(h) < 8 {
		return false
	}
	switch binary.BigEndian.Uint32(h) {
	case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe:
		return true
	case 0xcafebabe:
		n := binary.BigEndian.Uint32(h[4:])
		return n > 0 && n < 20
	}
	return false
}

func zipProbe(r io.ReaderAt, size int64) (*Archive, error) {
	return OpenZip(r, size, "", Limits{MaxEntries: 1 << 30, MaxDepth: 0})
}

func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c == 0 {
			return false
		}
	}
	return true
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == os.PathSeparator {
			return p[i+1:]
		}
	}
	return p
}
