// Package blob keeps uploaded artifacts by content: each is stored once
// under its SHA-256 (and an extension, since a policy is read by it),
// either in a local directory (one machine) or in an S3-compatible bucket
// (a server and workers on several machines). Names given by users are
// never part of a key, so no upload is written outside the store.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Store keeps artifacts by content.
type Store interface {
	// Keep keeps a spooled upload under its SHA-256 with ext ("" or like
	// ".html"); the upload's file is then the store's (moved or removed).
	Keep(ctx context.Context, u *Upload, ext string) error
	// Fetch makes a kept artifact a local file to scan; release removes
	// any copy made for it.
	Fetch(ctx context.Context, sum, ext string) (path string, release func(), err error)
	// TempDir is where uploads are best spooled ("" for the system's):
	// a directory store's own, so keeping one is a rename.
	TempDir() string
	// String names the store for logs (no secrets).
	String() string
}

var (
	// ErrTooLarge is returned by Put when r holds more than max bytes.
	ErrTooLarge = errors.New("upload too large")
	// ErrEmpty is returned by Put when r holds nothing.
	ErrEmpty = errors.New("empty upload")
	// ErrRead is returned by Put when reading r failed.
	ErrRead = errors.New("reading the upload")
	// ErrNotFound is returned by Fetch when no artifact has that key.
	ErrNotFound = errors.New("artifact not in the store")
)

var (
	sumRE = regexp.MustCompile(`^[0-9a-f]{64}$`)
	extRE = regexp.MustCompile(`^(\.[a-z0-9]{1,7})?$`)
)

// Key is an artifact's name in a store: "ab/abcd….ext". It fails on
// anything but a lower-case SHA-256 and a short plain extension.
func Key(sum, ext string) (string, error) {
	if !sumRE.MatchString(sum) || !extRE.MatchString(ext) {
		return "", fmt.Errorf("blob key %.80q%.10q: not a SHA-256 and a plain extension", sum, ext)
	}
	return sum[:2] + "/" + sum + ext, nil
}

// Open returns the store a --blobs value names: an s3:// URL, or a
// directory (dir when spec is empty).
func Open(ctx context.Context, spec, dir string) (Store, error) {
	if strings.HasPrefix(spec, "s3://") {
		return OpenS3(ctx, spec)
	}
	if strings.Contains(spec, "://") {
		return nil, fmt.Errorf("blobs %q: a directory or an s3:// URL", spec)
	}
	if spec == "" {
		spec = dir
	}
	return NewDir(spec)
}

// Upload is an upload spooled to a temporary file and hashed, to be
// looked at (sniffed) before it is kept.
type Upload struct {
	Path   string // the temporary file
	SHA256 string
	Size   int64
}

// Remove removes the temporary file (after Keep, nothing is left to).
func (u *Upload) Remove() { os.Remove(u.Path) }

// Spool copies at most max bytes of r into a temporary file in dir (the
// system's when empty) named with ext (readers of policies go by it) and
// hashes them; the caller removes it (Remove) or keeps it (Store.Keep).
func Spool(ctx context.Context, dir string, r io.Reader, ext string, max int64) (*Upload, error) {
	if _, err := Key(strings.Repeat("0", 64), ext); err != nil {
		return nil, err
	}
	f, sum, n, err := spool(ctx, dir, r, ext, max)
	if err != nil {
		return nil, err
	}
	f.Close()
	return &Upload{Path: f.Name(), SHA256: sum, Size: n}, nil
}

// Put spools r and keeps it: Spool and Keep.
func Put(ctx context.Context, st Store, r io.Reader, ext string, max int64) (string, int64, error) {
	u, err := Spool(ctx, st.TempDir(), r, ext, max)
	if err != nil {
		return "", 0, err
	}
	defer u.Remove()
	if err := st.Keep(ctx, u, ext); err != nil {
		return "", 0, err
	}
	return u.SHA256, u.Size, nil
}

func spool(ctx context.Context, dir string, r io.Reader, ext string, max int64) (*os.File, string, int64, error) {
	f, err := os.CreateTemp(dir, "upload-*"+ext)
	if err != nil {
		return nil, "", 0, fmt.Errorf("blob: %w", err)
	}
	fail := func(err error) (*os.File, string, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, max+1))
	switch {
	case err != nil:
		return fail(fmt.Errorf("%w: %w", ErrRead, err))
	case n > max:
		return fail(fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max))
	case n == 0:
		return fail(ErrEmpty)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("blob: %w", err))
	}
	return f, hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops a long copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Dir keeps artifacts in a local directory.
type Dir struct{ root string }

// NewDir creates (if needed) and returns a directory store.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blobs: %w", err)
	}
	return &Dir{root: root}, nil
}

// Root is the directory.
func (d *Dir) Root() string { return d.root }

func (d *Dir) String() string { return d.root }

// TempDir implements Store.
func (d *Dir) TempDir() string { return d.root }

// Keep implements Store: a rename into place (the upload was spooled in
// TempDir, the same directory).
func (d *Dir) Keep(_ context.Context, u *Upload, ext string) error {
	key, err := Key(u.SHA256, ext)
	if err != nil {
		return err
	}
	dst := filepath.Join(d.root, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(u.Path, dst); err != nil {
		return fmt.Errorf("blob: %w (spool uploads in TempDir)", err)
	}
	return nil
}

// Fetch implements Store: the file itself, nothing to release.
func (d *Dir) Fetch(_ context.Context, sum, ext string) (string, func(), error) {
	key, err := Key(sum, ext)
	if err != nil {
		return "", nil, err
	}
	p := filepath.Join(d.root, filepath.FromSlash(key))
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("%w: %s (%s)", ErrNotFound, key, d.root)
		}
		return "", nil, fmt.Errorf("blob: %w", err)
	}
	return p, func() {}, nil
}
