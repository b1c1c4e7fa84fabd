// Package ziptest writes small zip archives for tests of the readers of
// zipped inputs (AAR, IPA, HAP): hostile layouts a real tool would not
// produce.
package ziptest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
)

// File writes a zip named name in a fresh temporary directory from name
// and content pairs, in order, and returns its path.
func File(t testing.TB, name string, files ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}
