//go:build ignore

// Command zipnorm rewrites the zip archives made while building the test
// fixtures so that rebuilding them gives identical bytes.
//
//	go run zipnorm.go norm IN OUT       rewrite an APK: fixed order, fixed times
//	go run zipnorm.go pack OUT FILE...  store FILEs (by base name) in a new zip
//
// Every entry gets the same modification time (2008-01-01 00:00:00, the
// time AOSP's build uses for reproducible archives). Entries are ordered
// AndroidManifest.xml, classes*.dex, resources.arsc, then by name. Entries
// that were stored stay stored (resources.arsc must be); the others are
// deflated again with compress/flate at the best compression level, so the
// output does not depend on the zlib that the packaging tool linked.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DOS date and time of 2008-01-01 00:00:00.
const (
	dosDate = (2008-1980)<<9 | 1<<5 | 1
	dosTime = 0
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: zipnorm norm IN OUT | zipnorm pack OUT FILE...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "norm":
		if len(os.Args) != 4 {
			err = fmt.Errorf("norm takes IN and OUT")
			break
		}
		err = norm(os.Args[2], os.Args[3])
	case "pack":
		err = pack(os.Args[2], os.Args[3:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipnorm:", err)
		os.Exit(1)
	}
}

// rank orders entries the way Android's own packaging tools do.
func rank(name string) int {
	switch {
	case name == "AndroidManifest.xml":
		return 0
	case strings.HasPrefix(name, "classes") && strings.HasSuffix(name, ".dex") && !strings.Contains(name, "/"):
		return 1
	case name == "resources.arsc":
		return 2
	}
	return 3
}

func norm(in, out string) error {
	r, err := zip.OpenReader(in)
	if err != nil {
		return err
	}
	defer r.Close()
	files := append([]*zip.File(nil), r.File...)
	sort.SliceStable(files, func(i, j int) bool {
		ri, rj := rank(files[i].Name), rank(files[j].Name)
		if ri != rj {
			return ri < rj
		}
		// classes.dex sorts before classes2.dex.
		if ri == 1 && len(files[i].Name) != len(files[j].Name) {
			return len(files[i].Name) < len(files[j].Name)
		}
		return files[i].Name < files[j].Name
	})
	var buf bytes.Buffer
	w := newWriter(&buf)
	for _, f := range files {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		method := zip.Deflate
		if f.Method == zip.Store || f.Name == "resources.arsc" {
			method = zip.Store
		}
		if err := add(w, f.Name, method, data); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func pack(out string, names []string) error {
	var buf bytes.Buffer
	w := newWriter(&buf)
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if err := add(w, filepath.Base(name), zip.Deflate, data); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func newWriter(dst io.Writer) *zip.Writer {
	return zip.NewWriter(dst)
}

// add writes one entry with sizes and CRC known up front, so the archive
// has no data descriptors, as with aapt and zipalign.
func add(w *zip.Writer, name string, method uint16, data []byte) error {
	body := data
	if method == zip.Deflate {
		var c bytes.Buffer
		fw, err := flate.NewWriter(&c, flate.BestCompression)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		body = c.Bytes()
	}
	fh := &zip.FileHeader{
		Name:               name,
		Method:             method,
		ModifiedDate:       dosDate,
		ModifiedTime:       dosTime,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: uint64(len(data)),
	}
	fw, err := w.CreateRaw(fh)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := fw.Write(body); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
