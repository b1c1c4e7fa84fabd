package plist

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// ParseStrings reads a .strings file (InfoPlist.strings of an .lproj
// folder): a binary or XML property list of strings, or the text form
// `"key" = "value";` (UTF-8 or UTF-16 with a byte-order mark; comments
// allowed; keys may be bare words).
func ParseStrings(b []byte) (map[string]string, error) {
	if bytes.HasPrefix(b, []byte("bplist00")) || bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf"), []byte("<")) {
		v, err := Parse(b)
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for k, x := range Dict(v) {
			if s, ok := x.(string); ok {
				out[k] = s
			}
		}
		return out, nil
	}
	s, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	p := &stringsParser{s: s}
	for {
		p.space()
		if p.i >= len(p.s) {
			return out, nil
		}
		k, err := p.token()
		if err != nil {
			return out, err
		}
		p.space()
		if !p.eat('=') {
			return out, fmt.Errorf(".strings: '=' expected after %q", k)
		}
		p.space()
		v, err := p.token()
		if err != nil {
			return out, err
		}
		p.space()
		if !p.eat(';') {
			return out, fmt.Errorf(".strings: ';' expected after %q", k)
		}
		if len(out) >= maxValues {
			return out, errValues
		}
		out[k] = v
	}
}

func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}), bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		if len(b)%2 != 0 {
			b = b[:len(b)-1]
		}
		le := b[0] == 0xff
		u := make([]uint16, 0, len(b)/2-1)
		for i := 2; i+1 < len(b); i += 2 {
			if le {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			} else {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
		}
		return string(utf16.Decode(u)), nil
	}
	return string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))), nil
}

type stringsParser struct {
	s string
	i int
}

func (p *stringsParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// space skips white space and comments.
func (p *stringsParser) space() {
	for p.i < len(p.s) {
		switch {
		case strings.ContainsRune(" \t\r\n", rune(p.s[p.i])):
			p.i++
		case strings.HasPrefix(p.s[p.i:], "//"):
			if j := strings.IndexByte(p.s[p.i:], '\n'); j >= 0 {
				p.i += j + 1
			} else {
				p.i = len(p.s)
			}
		case strings.HasPrefix(p.s[p.i:], "/*"):
			if j := strings.Index(p.s[p.i+2:], "*/"); j >= 0 {
				p.i += j + 4
			} else {
				p.i = len(p.s)
			}
		default:
			return
		}
	}
}

var errUnterminated = errors.New(".strings: unterminated string")

// token reads a quoted string (with \" \\ \n \t \uXXXX escapes) or a bare
// word.
func (p *stringsParser) token() (string, error) {
	if p.i >= len(p.s) {
		return "", errors.New(".strings: value expected")
	}
	if p.s[p.i] != '"' {
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(" \t\r\n=;", rune(p.s[p.i])) {
			p.i++
		}
		if p.i == start {
			return "", fmt.Errorf(".strings: unexpected %q", p.s[p.i])
		}
		return p.s[start:p.i], nil
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			p.i += 2
			switch e := p.s[p.i-1]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'U', 'u':
				if p.i+4 <= len(p.s) {
					var r rune
					if _, err := fmt.Sscanf(p.s[p.i:p.i+4], "%04x", &r); err == nil {
						b.WriteRune(r)
						p.i += 4
						continue
					}
				}
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", errUnterminated
}
