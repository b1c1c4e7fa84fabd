package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Limits bound what reading one policy may take.
type Limits struct {
	// MaxInput is the largest input read, in bytes.
	MaxInput int64
	// MaxText is the most text kept, in bytes; the rest is cut and said.
	MaxText int
	// MaxBlocks is the most blocks kept.
	MaxBlocks int
}

// DefaultLimits fit any real policy (the longest run to a few hundred KB)
// with a wide margin.
func DefaultLimits() Limits {
	return Limits{MaxInput: 64 << 20, MaxText: 4 << 20, MaxBlocks: 50_000}
}

// ErrNotText is returned for input that is not text in any encoding hegui
// reads (binary data named .html, an image…).
var ErrNotText = errors.New("not text")

// ErrNoText is returned for a PDF with no text layer.
var ErrNoText = errors.New("no text layer; OCR not performed")

// Read reads a policy from data; name (a file name) helps tell Markdown
// from plain text. PDF is read by pdftotext when installed (see ReadPDF).
func Read(ctx context.Context, data []byte, name string, lim Limits) (*Doc, error) {
	if int64(len(data)) > lim.MaxInput {
		return nil, fmt.Errorf("%d bytes, more than the policy limit of %d", len(data), lim.MaxInput)
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return readPDF(ctx, data, lim)
	}
	text, enc, problems, err := decode(data)
	if err != nil {
		return nil, err
	}
	var d *Doc
	switch {
	case looksHTML(text):
		d = readHTML(text, lim)
		d.Format = "html"
	default:
		md := strings.HasSuffix(strings.ToLower(name), ".md") || strings.HasSuffix(strings.ToLower(name), ".markdown")
		d = readPlain(text, md, lim)
	}
	d.Encoding = enc
	for _, p := range problems {
		if strings.Contains(p, "read as UTF-8") || strings.Contains(p, "read as GB18030") {
			d.Notes = append(d.Notes, p) // overruled, nothing lost
		} else {
			d.Problems = append(d.Problems, p)
		}
	}
	if traditional(d.Text) {
		d.Script = "zh-Hant"
	}
	return d, nil
}

// looksHTML tells HTML from text: markup in the first 4 KB.
func looksHTML(s string) bool {
	head := strings.ToLower(s[:min(len(s), 4096)])
	for _, tag := range []string{"<!doctype html", "<html", "<body", "<head", "<p>", "<p ", "<div", "<h1", "<h2", "<table", "<meta", "<br"} {
		if strings.Contains(head, tag) {
			return true
		}
	}
	return false
}

// decode returns data as UTF-8: by its byte-order mark, then as UTF-8 if
// it is valid, then by an HTML charset declaration, then as GB18030 (which
// includes GBK and GB2312). A declaration that the bytes contradict (valid
// UTF-8 declared as GBK) is overruled and said.
func decode(data []byte) (text, enc string, problems []string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		data, enc = data[3:], "utf-8"
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM), data, "utf-16le")
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM), data, "utf-16be")
	}
	declared := declaredCharset(data)
	if utf8.Valid(data) {
		if enc == "" {
			enc = "utf-8"
		}
		if declared != "" && !isUTF8Label(declared) && hasMultibyte(data) {
			problems = append(problems, fmt.Sprintf("declared charset %q, but the bytes are valid UTF-8: read as UTF-8", declared))
		}
		return checkText(string(data), enc, problems)
	}
	// GB18030 first when the declaration is a single-byte Latin charset:
	// every byte decodes in those, so garbled Chinese would pass for text.
	gb, gbName, gbProblems, gbErr := decodeWith(simplifiedchinese.GB18030, data, "gb18030")
	gbOK := gbErr == nil && replacementShare(gb) < 0.01 && hanShare(gb) >= 0.3
	if declared != "" && !isUTF8Label(declared) {
		if e, lerr := htmlindex.Get(declared); lerr == nil {
			name, _ := htmlindex.Name(e)
			if latin(name) && gbOK {
				return gb, gbName, append(problems, fmt.Sprintf("declared charset %q, but the bytes are Chinese text in GB18030: read as GB18030", declared)), nil
			}
			t, n, p, derr := decodeWith(e, data, name)
			if derr == nil && replacementShare(t) < 0.01 {
				return t, n, append(problems, p...), nil
			}
		}
		if gbOK {
			return gb, gbName, append(problems, fmt.Sprintf("declared charset %q does not decode the bytes: read as GB18030", declared)), nil
		}
		problems = append(problems, fmt.Sprintf("declared charset %q does not decode the bytes", declared))
	}
	if gbErr == nil && replacementShare(gb) < 0.01 {
		return gb, gbName, append(problems, gbProblems...), nil
	}
	// Not UTF-8 and not GB18030: keep what is valid UTF-8 if it is
	// mostly text, else refuse.
	return checkText(strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8 (invalid bytes replaced)", append(problems, "the bytes are neither valid UTF-8 nor GB18030"))
}

func decodeWith(e encoding.Encoding, data []byte, name string) (string, string, []string, error) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", nil, fmt.Errorf("decoding as %s: %w", name, err)
	}
	return checkText(string(out), name, nil)
}

// checkText refuses text that is mostly control characters or
// replacements: binary data, not a policy.
func checkText(s, enc string, problems []string) (string, string, []string, error) {
	sample := s[:min(len(s), 64<<10)]
	var bad, total int
	for _, r := range sample {
		total++
		if r == utf8.RuneError || r == 0 || (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f') {
			bad++
		}
	}
	if total == 0 {
		return "", enc, problems, fmt.Errorf("empty: %w", ErrNotText)
	}
	if bad*10 > total {
		return "", enc, problems, fmt.Errorf("%d of the first %d characters are control or invalid bytes: %w", bad, total, ErrNotText)
	}
	return s, enc, problems, nil
}

func replacementShare(s string) float64 {
	n, bad := 0, 0
	for _, r := range s[:min(len(s), 64<<10)] {
		n++
		if r == utf8.RuneError {
			bad++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(bad) / float64(n)
}

func hasMultibyte(data []byte) bool {
	for _, b := range data[:min(len(data), 64<<10)] {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

func isUTF8Label(s string) bool {
	s = strings.ToLower(s)
	return s == "utf-8" || s == "utf8"
}

// declaredCharset returns the charset an HTML meta element (or an XML
// declaration) names in the first 4 KB, or "".
func declaredCharset(data []byte) string {
	head := strings.ToLower(string(data[:min(len(data), 4096)]))
	i := strings.Index(head, "charset")
	if i < 0 {
		if j := strings.Index(head, "encoding=\""); j >= 0 && strings.HasPrefix(head, "<?xml") {
			rest := head[j+len("encoding=\""):]
			if k := strings.IndexByte(rest, '"'); k > 0 {
				return rest[:k]
			}
		}
		return ""
	}
	rest := strings.TrimLeft(head[i+len("charset"):], " \t")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\"'")
	end := strings.IndexFunc(rest, func(r rune) bool {
		return !(r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// hantOnly are characters of Traditional Chinese that Simplified Chinese
// writes otherwise, common in policies (隱私 資訊 個人 權 蒐集 刪除 註銷
// 聯絡 帳號 號碼 設備 識別 與 為 於 們 會 將 關 適 應 條 這).
const hantOnly = "隱資個權蒐刪註銷聯絡帳號碼設備識別與為於們會將關適應條這過時間說請問題傳輸處理據"

// traditional tells a text mostly in Traditional Chinese: among its first
// 20,000 characters, Traditional-only characters outnumber a twentieth of
// the Han ones.
func traditional(t string) bool {
	var han, hant int
	n := 0
	for _, r := range t {
		if n++; n > 20000 {
			break
		}
		if unicode.Is(unicode.Han, r) {
			han++
			if strings.ContainsRune(hantOnly, r) {
				hant++
			}
		}
	}
	return han >= 50 && hant*20 > han
}

// latin tells a single-byte Latin charset (by its WHATWG name).
func latin(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "iso-8859") || strings.HasPrefix(n, "windows-125") || n == "macintosh" || n == "us-ascii" || n == "koi8-r" || n == "koi8-u"
}

// hanShare is the share of Han characters among the non-ASCII ones.
func hanShare(t string) float64 {
	var han, other int
	for _, r := range t[:min(len(t), 64<<10)] {
		switch {
		case r < 0x80:
		case unicode.Is(unicode.Han, r):
			han++
		default:
			other++
		}
	}
	if han+other == 0 {
		return 0
	}
	return float64(han) / float64(han+other)
}
