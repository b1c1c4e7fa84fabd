package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/blob/s3test"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// exercise puts, fetches and refuses through any store.
func exercise(t *testing.T, st Store) {
	ctx := context.Background()
	body := []byte("<html><body>隐私政策 privacy policy</body></html>")
	sum, n, err := Put(ctx, st, bytes.NewReader(body), ".html", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if sum != sha(body) || n != int64(len(body)) {
		t.Fatalf("Put = %s %d, want %s %d", sum, n, sha(body), len(body))
	}
	// Again: the same key, no error.
	if sum2, _, err := Put(ctx, st, bytes.NewReader(body), ".html", 1<<20); err != nil || sum2 != sum {
		t.Fatalf("second Put = %s, %v", sum2, err)
	}
	p, release, err := st.Fetch(ctx, sum, ".html")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("Fetch gave %q, %v", got, err)
	}
	if filepath.Ext(p) != ".html" {
		t.Errorf("fetched file %s lost its extension (policies are read by it)", p)
	}
	release()

	if _, _, err := Put(ctx, st, bytes.NewReader(make([]byte, 101)), "", 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("101 bytes with max 100: %v, want ErrTooLarge", err)
	}
	if _, _, err := Put(ctx, st, bytes.NewReader(nil), "", 100); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v, want ErrEmpty", err)
	}
	if _, _, err := st.Fetch(ctx, sha([]byte("absent")), ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent: %v, want ErrNotFound", err)
	}
	for _, bad := range [][2]string{{"../../etc/passwd", ""}, {sum, "/../x"}, {strings.ToUpper(sum), ""}, {sum, ".HTML"}} {
		if _, _, err := st.Fetch(ctx, bad[0], bad[1]); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Fetch(%q, %q) = %v, want a refused key", bad[0], bad[1], err)
		}
	}
	if _, _, err := Put(ctx, st, bytes.NewReader(body), "/../../x", 1<<20); err == nil {
		t.Error("Put with a path as extension was accepted")
	}
}

func TestDir(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, st)
	// Nothing but the store's own layout is left in the directory.
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	if len(files) != 1 || !strings.HasSuffix(files[0], ".html") || filepath.Dir(files[0]) != files[0][:2] {
		t.Errorf("directory holds %v, want one ab/abcd….html", files)
	}
}

func TestS3(t *testing.T) {
	url := s3test.URL(t, "hegui", "fleet/a", nil)
	st, err := Open(context.Background(), url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, st)
}

func TestS3Errors(t *testing.T) {
	ctx := context.Background()
	url := s3test.URL(t, "hegui", "", nil)
	for _, bad := range []string{
		strings.Replace(url, "s3://hegui/", "s3://nobucket/", 1), // no such bucket
		url + "&acl=public", // unknown parameter
		"s3:///no-bucket",   // no bucket at all
		"gs://bucket/x",     // another scheme
	} {
		if _, err := Open(ctx, bad, t.TempDir()); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

// FuzzKey: a key that is accepted is always "xx/" and a file name of
// hex digits and a plain extension: nothing can lead out of the store.
func FuzzKey(f *testing.F) {
	f.Add(sha([]byte("a")), ".apk")
	f.Add("../../etc/passwd", "")
	f.Add(sha([]byte("b")), "/../x")
	f.Fuzz(func(t *testing.T, sum, ext string) {
		k, err := Key(sum, ext)
		if err != nil {
			return
		}
		dir, file, ok := strings.Cut(k, "/")
		if !ok || len(dir) != 2 || strings.ContainsAny(file, "/\\") || strings.Contains(k, "..") || filepath.Clean(k) != k {
			t.Fatalf("key %q", k)
		}
	})
}
