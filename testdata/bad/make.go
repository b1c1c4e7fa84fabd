//go:build ignore

// Command make writes the damaged and hostile inputs in this directory from
// the APKs built in ../apks. Run it from this directory (../apks/build.sh
// does) with:
//
//	go run make.go
//
// The output is deterministic: fixed entry times, fixed content.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// DOS date and time of 2008-01-01 00:00:00.
const (
	dosDate = (2008-1980)<<9 | 1<<5 | 1
	dosTime = 0
)

// bombSize is how many bytes classes.dex in zipbomb.apk inflates to.
const bombSize = 4 << 30

func main() {
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
	var body bytes.Buffer
	fw, err := flate.NewWriter(&body, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	crc := crc32.NewIEEE()
	zero := make([]byte, 1<<20)
	for n := 0; n < bombSize; n += len(zero) {
		crc.Write(zero)
		if _, err := fw.Write(zero); err != nil {
			return nil, err
		}
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	if err := addRaw(w, &zip.FileHeader{
		Name:               "classes.dex",
		Method:             zip.Deflate,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(body.Len()),
		UncompressedSize64: 1024,
	}, body.Bytes()); err != nil {
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
