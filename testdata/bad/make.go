//go:build ignore

// Command make writes the damaged and hostile inputs in this directory from
// the APKs built in ../apks. Run it from this directory (../apks/build.sh
// does) with:
//
//	go run make.go
//
// The output is deterministic: fixed entry times, fixed content.
//
// With -big DIR it also writes, into DIR, full-size versions of the inputs
// that are committed here at a reduced size (url-flood.apk), for measuring
// time and memory by hand; they are not committed.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// DOS date and time of 2008-01-01 00:00:00.
const (
	dosDate = (2008-1980)<<9 | 1<<5 | 1
	dosTime = 0
)

// bombSize is how many bytes classes.dex in zipbomb.apk inflates to.
const bombSize = 4 << 30

func main() {
	big := flag.String("big", "", "also write full-size versions of the reduced inputs into this directory")
	flag.Parse()
	steps := []struct {
		name string
		make func() ([]byte, error)
	}{
		{"empty.apk", func() ([]byte, error) { return nil, nil }},
		{"notzip.apk", notZip},
		{"truncated.apk", truncated},
		{"bogus-manifest.apk", bogusManifest},
		{"truncated-dex.apk", truncatedDex},
		{"zipbomb.apk", zipBomb},
		{"traversal.apk", traversal},
		{"duplicate-entry.apk", duplicateEntry},
		{"junk-plugins.apk", junkPlugins},
		{"deep-nesting.apk", deepNesting},
		{"lying-dex.apk", lyingDex},
		{"fanout.apk", fanOut},
		{"url-flood.apk", func() ([]byte, error) { return urlFlood(8) }},
		{"lying-sizes.apk", lyingSizes},
	}
	if *big != "" {
		steps = append(steps, struct {
			name string
			make func() ([]byte, error)
		}{filepath.Join(*big, "url-flood-full.apk"), func() ([]byte, error) { return urlFlood(300) }})
	}
	for _, s := range steps {
		b, err := s.make()
		if err == nil {
			err = os.WriteFile(s.name, b, 0o644)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "make %s: %v\n", s.name, err)
			os.Exit(1)
		}
	}
}

func notZip() ([]byte, error) {
	return []byte("This file is plain text with an .apk name. It is not a zip archive.\n"), nil
}

// truncated is leaky.apk cut at 60% of its length: the central directory
// and the end record are gone.
func truncated() ([]byte, error) {
	b, err := os.ReadFile("../apks/leaky.apk")
	if err != nil {
		return nil, err
	}
	return b[:len(b)*60/100], nil
}

// bogusManifest is leaky.apk with the string pool header of its binary
// AndroidManifest.xml pointing out of range: a string count of 0x3fffffff
// (an offset table of 4 GiB) and a strings start of 0x7ffffff0.
func bogusManifest() ([]byte, error) {
	return rewrite("../apks/leaky.apk", func(name string, data []byte) ([]byte, bool, error) {
		if name != "AndroidManifest.xml" {
			return nil, false, nil
		}
		const pool = 8 // the string pool chunk follows the 8-byte file header
		if len(data) < pool+28 ||
			binary.LittleEndian.Uint16(data[0:]) != 0x0003 ||
			binary.LittleEndian.Uint16(data[pool:]) != 0x0001 {
			return nil, false, errors.New("AndroidManifest.xml: not binary XML with a leading string pool")
		}
		m := append([]byte(nil), data...)
		binary.LittleEndian.PutUint32(m[pool+8:], 0x3fffffff)  // stringCount
		binary.LittleEndian.PutUint32(m[pool+20:], 0x7ffffff0) // stringsStart
		return m, true, nil
	})
}

// truncatedDex is leaky.apk with classes.dex replaced by its first half.
func truncatedDex() ([]byte, error) {
	return rewrite("../apks/leaky.apk", func(name string, data []byte) ([]byte, bool, error) {
		if name != "classes.dex" {
			return nil, false, nil
		}
		return data[:len(data)/2], true, nil
	})
}

// zipBomb is one entry, classes.dex, whose deflate stream inflates to
// bombSize zero bytes while both headers claim 1 KiB. The CRC-32 is that of
// the full inflated stream.
func zipBomb() ([]byte, error) {
	body, crc, err := zeros(bombSize)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	if err := addRaw(w, &zip.FileHeader{
		Name:               "classes.dex",
		Method:             zip.Deflate,
		CRC32:              crc,
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: 1024,
	}, body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// traversal holds entry names that escape or break an extraction
// directory, beside the valid AndroidManifest.xml of clean.apk.
func traversal() ([]byte, error) {
	manifest, err := entry("../apks/clean.apk", "AndroidManifest.xml")
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	entries := []struct {
		name string
		data []byte
	}{
		{"AndroidManifest.xml", manifest},
		{"../../evil.txt", []byte("written outside the extraction directory\n")},
		{"/abs/path.txt", []byte("written to an absolute path\n")},
		{"a\x00b.dex", []byte("dex\n035\x00")},
	}
	for _, e := range entries {
		if err := add(w, e.name, e.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// duplicateEntry is clean.apk with a second classes.dex entry appended
// after the original one: the DEX from leaky.apk's assets/plugin.jar, which
// reads the IMEI and the contacts. Readers that keep the first entry of a
// name see clean code; readers that keep the last see the plugin.
func duplicateEntry() ([]byte, error) {
	jar, err := entry("../apks/leaky.apk", "assets/plugin.jar")
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	if err != nil {
		return nil, fmt.Errorf("plugin.jar: %w", err)
	}
	second, err := read(zr, "classes.dex")
	if err != nil {
		return nil, fmt.Errorf("plugin.jar: %w", err)
	}
	b, err := os.ReadFile("../apks/clean.apk")
	if err != nil {
		return nil, err
	}
	zr, err = zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := copyRaw(w, f); err != nil {
			return nil, err
		}
		if f.Name == "classes.dex" {
			if err := add(w, "classes.dex", second); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// junkPlugins is leaky.apk with assets/plugins.zip: 512 "plug-in" jars,
// each a zip holding one stored entry of zeros, just under 4 MiB (below
// the size from which compression ratios are checked). The jars deflate
// to about 4 KB each and, being alike, plugins.zip deflates again to a
// few KB: 2 GiB of nested archives in a few KB, enough to spend a shared
// inflation budget of 2 GiB before classes.dex is read.
func junkPlugins() ([]byte, error) {
	jar, err := zipOf(false, entryData{"payload.bin", make([]byte, 4<<20-256)})
	if err != nil {
		return nil, err
	}
	var jars []entryData
	for i := range 512 {
		jars = append(jars, entryData{fmt.Sprintf("p%03d.jar", i), jar})
	}
	plugins, err := zipOf(true, jars...)
	if err != nil {
		return nil, err
	}
	return appendEntries("../apks/leaky.apk", entryData{"assets/plugins.zip", plugins})
}

// deepNesting is clean.apk with assets/l1.zip, which holds l2.zip, which
// holds l3.zip, and so on to l10.zip, which holds the DEX of
// leaky.apk!assets/plugin.jar (IMEI and contacts): code hidden ten
// archives deep.
func deepNesting() ([]byte, error) {
	dex, err := pluginDex()
	if err != nil {
		return nil, err
	}
	inner, err := zipOf(true, entryData{"classes.dex", dex})
	if err != nil {
		return nil, err
	}
	for i := 10; i > 1; i-- {
		if inner, err = zipOf(true, entryData{fmt.Sprintf("l%d.zip", i), inner}); err != nil {
			return nil, err
		}
	}
	return appendEntries("../apks/clean.apk", entryData{"assets/l1.zip", inner})
}

// lyingDex is leaky.apk whose classes.dex header claims 0x3fffffff
// string ids (a table of 4 GiB) and whose classes2.dex header claims
// 0xffffff class definitions: both tables run past the end of their file.
func lyingDex() ([]byte, error) {
	return rewrite("../apks/leaky.apk", func(name string, data []byte) ([]byte, bool, error) {
		var off int
		var v uint32
		switch name {
		case "classes.dex":
			off, v = 0x38, 0x3fffffff // string_ids_size
		case "classes2.dex":
			off, v = 0x60, 0x00ffffff // class_defs_size
		default:
			return nil, false, nil
		}
		if len(data) < 0x70 || string(data[:4]) != "dex\n" {
			return nil, false, fmt.Errorf("%s: not a DEX file", name)
		}
		m := append([]byte(nil), data...)
		binary.LittleEndian.PutUint32(m[off:], v)
		return m, true, nil
	})
}

// fanOut is clean.apk with assets/a.zip: 100 zips (b), each of 100 zips
// (c), each of 100 empty zips. Opened naively that is 10,101 archives and
// a million empty ones one level deeper than archives are opened, all
// from a few KB.
func fanOut() ([]byte, error) {
	empty, err := zipOf(false)
	if err != nil {
		return nil, err
	}
	level := empty
	for _, prefix := range []string{"e", "c", "b"} {
		var es []entryData
		for i := range 100 {
			es = append(es, entryData{fmt.Sprintf("%s%02d.zip", prefix, i), level})
		}
		if level, err = zipOf(prefix != "e", es...); err != nil {
			return nil, err
		}
	}
	return appendEntries("../apks/clean.apk", entryData{"assets/a.zip", level})
}

// urlFlood is clean.apk with files text files under assets/urls/, each
// listing 2,000 distinct URLs (http://hN.flood.cn/): 16,000 URLs in the
// committed file, 600,000 in the full-size one.
func urlFlood(files int) ([]byte, error) {
	var es []entryData
	n := 0
	for f := range files {
		var b strings.Builder
		for range 2000 {
			fmt.Fprintf(&b, "http://h%d.flood.cn/\n", n)
			n++
		}
		es = append(es, entryData{fmt.Sprintf("assets/urls/%03d.txt", f), []byte(b.String())})
	}
	return appendEntries("../apks/clean.apk", es...)
}

// lyingSizes is leaky.apk plus four central directory entries,
// classes3.dex to classes6.dex, that all point at one local entry: a
// deflate stream of 256 MiB of zeros (about 250 KB). Each declares a
// compressed size of 2 MiB, so the ratio the archive declares (128:1)
// passes a check of declared sizes while the real one is about 1000:1.
func lyingSizes() ([]byte, error) {
	b, err := os.ReadFile("../apks/leaky.apk")
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var z rawZip
	for _, f := range zr.File {
		r, err := f.OpenRaw()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		body, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		off := z.local(f.Name, f.Method, f.CRC32, uint32(len(body)), uint32(f.UncompressedSize64), body)
		z.central(f.Name, f.Method, f.CRC32, uint32(len(body)), uint32(f.UncompressedSize64), off)
	}
	const size = 256 << 20
	body, crc, err := zeros(size)
	if err != nil {
		return nil, err
	}
	const claimed = 2 << 20
	off := z.local("classes3.dex", zip.Deflate, crc, claimed, size, body)
	for i := 3; i <= 6; i++ {
		z.central(fmt.Sprintf("classes%d.dex", i), zip.Deflate, crc, claimed, size, off)
	}
	return z.bytes(), nil
}

// zeros is a deflate stream of size zero bytes (a multiple of 1 MiB) and
// the CRC-32 of what it inflates to.
func zeros(size int) ([]byte, uint32, error) {
	var body bytes.Buffer
	fw, err := flate.NewWriter(&body, flate.BestCompression)
	if err != nil {
		return nil, 0, err
	}
	crc := crc32.NewIEEE()
	zero := make([]byte, 1<<20)
	for n := 0; n < size; n += len(zero) {
		crc.Write(zero)
		if _, err := fw.Write(zero); err != nil {
			return nil, 0, err
		}
	}
	if err := fw.Close(); err != nil {
		return nil, 0, err
	}
	return body.Bytes(), crc.Sum32(), nil
}

// pluginDex is the DEX inside leaky.apk!assets/plugin.jar.
func pluginDex() ([]byte, error) {
	jar, err := entry("../apks/leaky.apk", "assets/plugin.jar")
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	if err != nil {
		return nil, fmt.Errorf("plugin.jar: %w", err)
	}
	return read(zr, "classes.dex")
}

type entryData struct {
	name string
	data []byte
}

// zipOf makes a zip of the entries, deflated or stored.
func zipOf(deflate bool, es ...entryData) ([]byte, error) {
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, e := range es {
		var err error
		if deflate {
			err = add(w, e.name, e.data)
		} else {
			err = addRaw(w, &zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data),
				CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(len(e.data))}, e.data)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// appendEntries copies the APK at path and adds deflated entries after
// its own; the APK signing block is dropped.
func appendEntries(path string, es ...entryData) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := copyRaw(w, f); err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		if err := add(w, e.name, e.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// rawZip writes a zip record by record, so that central directory entries
// may say what archive/zip's writer would not let them: several entries
// pointing at one local entry, compressed sizes that lie.
type rawZip struct {
	out, cd bytes.Buffer
	n       int
}

func (z *rawZip) local(name string, method uint16, crc, csize, usize uint32, body []byte) uint32 {
	off := uint32(z.out.Len())
	var h [30]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0x04034b50)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[8:], method)
	le.PutUint16(h[10:], dosTime)
	le.PutUint16(h[12:], dosDate)
	le.PutUint32(h[14:], crc)
	le.PutUint32(h[18:], csize)
	le.PutUint32(h[22:], usize)
	le.PutUint16(h[26:], uint16(len(name)))
	z.out.Write(h[:])
	z.out.WriteString(name)
	z.out.Write(body)
	return off
}

func (z *rawZip) central(name string, method uint16, crc, csize, usize, off uint32) {
	var h [46]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0x02014b50)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[6:], 20)
	le.PutUint16(h[10:], method)
	le.PutUint16(h[12:], dosTime)
	le.PutUint16(h[14:], dosDate)
	le.PutUint32(h[16:], crc)
	le.PutUint32(h[20:], csize)
	le.PutUint32(h[24:], usize)
	le.PutUint16(h[28:], uint16(len(name)))
	le.PutUint32(h[42:], off)
	z.cd.Write(h[:])
	z.cd.WriteString(name)
	z.n++
}

func (z *rawZip) bytes() []byte {
	cdOff := uint32(z.out.Len())
	var end [22]byte
	le := binary.LittleEndian
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], uint16(z.n))
	le.PutUint16(end[10:], uint16(z.n))
	le.PutUint32(end[12:], uint32(z.cd.Len()))
	le.PutUint32(end[16:], cdOff)
	z.out.Write(z.cd.Bytes())
	z.out.Write(end[:])
	return z.out.Bytes()
}

// rewrite copies the APK at path entry by entry, replacing the content of
// the entries for which edit returns true. Other entries are copied as
// they are (compressed bytes included); the APK signing block is dropped.
func rewrite(path string, edit func(name string, data []byte) ([]byte, bool, error)) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range zr.File {
		data, err := read(zr, f.Name)
		if err != nil {
			return nil, err
		}
		m, ok, err := edit(f.Name, data)
		if err != nil {
			return nil, err
		}
		if ok {
			err = add(w, f.Name, m)
		} else {
			err = copyRaw(w, f)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func entry(path, name string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	data, err := read(zr, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

func read(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	return nil, fmt.Errorf("%s: no such entry", name)
}

// add writes data deflated, with sizes and CRC in the local header.
func add(w *zip.Writer, name string, data []byte) error {
	var body bytes.Buffer
	fw, err := flate.NewWriter(&body, flate.BestCompression)
	if err != nil {
		return err
	}
	if _, err := fw.Write(data); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	return addRaw(w, &zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(body.Len()),
		UncompressedSize64: uint64(len(data)),
	}, body.Bytes())
}

func copyRaw(w *zip.Writer, f *zip.File) error {
	r, err := f.OpenRaw()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	return addRaw(w, &zip.FileHeader{
		Name:               f.Name,
		Method:             f.Method,
		CRC32:              f.CRC32,
		CompressedSize64:   f.CompressedSize64,
		UncompressedSize64: f.UncompressedSize64,
	}, body)
}

func addRaw(w *zip.Writer, fh *zip.FileHeader, body []byte) error {
	fh.ModifiedDate, fh.ModifiedTime = dosDate, dosTime
	fw, err := w.CreateRaw(fh)
	if err != nil {
		return fmt.Errorf("%s: %w", fh.Name, err)
	}
	_, err = fw.Write(body)
	return err
}
