package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// pdfTimeout bounds one pdftotext run.
const pdfTimeout = 30 * time.Second

// ErrNoPDFReader is returned for a PDF when pdftotext is not installed.
var ErrNoPDFReader = errors.New("PDF text not read: pdftotext (poppler-utils) is not installed")

// readPDF extracts a PDF's text layer with poppler's pdftotext (-layout
// off, UTF-8), bounded in time and output, and reads it as plain text. A
// PDF without a text layer is ErrNoText: hegui performs no OCR.
func readPDF(ctx context.Context, data []byte, lim Limits) (*Doc, error) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPDFReader
	}
	dir, err := os.MkdirTemp("", "hegui-pdf-")
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "-enc", "UTF-8", "-nopgbrk", "-q", in, "-")
	var out limitedBuffer
	out.max = lim.MaxText
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdftotext stopped after %s: %w", pdfTimeout, ctx.Err())
		}
		if !out.full {
			return nil, fmt.Errorf("pdftotext: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
	}
	if len(bytes.TrimSpace(out.b.Bytes())) == 0 {
		return nil, ErrNoText
	}
	text, enc, problems, err := decode(out.b.Bytes())
	if err != nil {
		return nil, err
	}
	d := readPlain(text, false, lim)
	d.Format, d.Encoding = "pdf", enc
	d.Problems = append(problems, d.Problems...)
	if out.full {
		d.Problems = append(d.Problems, fmt.Sprintf("more than %d bytes of text: the rest was not read", lim.MaxText))
	}
	return d, nil
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	b    bytes.Buffer
	max  int
	full bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room < len(p) {
		l.full = true
		if room > 0 {
			l.b.Write(p[:room])
		}
		return len(p), nil
	}
	return l.b.Write(p)
}
