package traffic

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// Bounds of the HTTP reader.
const (
	maxHTTPHeader  = 64 << 10  // a request's line and headers
	maxHTTPHeaders = 256       // header fields per request
	maxHTTPBody    = 256 << 10 // body bytes read per request
	maxInflated    = 1 << 20   // a decompressed body (a gzip bomb stops here)
)

// httpMethods open an HTTP/1.x request.
var httpMethods = []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "}

func isHTTPRequest(b []byte) bool {
	for _, m := range httpMethods {
		n := min(len(b), len(m))
		if n >= 4 && string(b[:n]) == m[:n] {
			return true
		}
	}
	// An extension method (CCM_POST, PROPFIND…): an upper-case token and
	// a target that starts like one.
	i := 0
	for i < len(b) && i <= 20 && (b[i] >= 'A' && b[i] <= 'Z' || b[i] == '_' || b[i] == '-') {
		i++
	}
	if i < 3 || i > 20 || i+2 >= len(b) || b[i] != ' ' {
		return false
	}
	t := b[i+1:]
	return t[0] == '/' || t[0] == '*' || len(t) >= 4 && string(t[:4]) == "http"
}

// Request is an HTTP/1.x request read from a client stream.
type Request struct {
	Method, Target, Proto string
	Host                  string
	Header                [][2]string
	Body                  []byte // decoded (chunks joined, decompressed), at most maxHTTPBody
	BodyLen               int64  // the body's length on the wire (-1 when unknown)
	Truncated             bool   // Body is a prefix of the real body
	Where                 Where
}

// Get returns a header's first value (name in lower case).
func (r *Request) Get(name string) string {
	for _, h := range r.Header {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

type httpParser struct{}

func (httpParser) parse(c *conn, b []byte, at func(int) Where, final bool) (int, int64, bool) {
	end := bytes.Index(b[:min(len(b), maxHTTPHeader)], []byte("\r\n\r\n"))
	sep := 4
	if end < 0 {
		if end = bytes.Index(b[:min(len(b), maxHTTPHeader)], []byte("\n\n")); end >= 0 {
			sep = 2
		}
	}
	if end < 0 {
		if len(b) >= maxHTTPHeader || final {
			if isHTTPRequest(b) {
				c.tap.malformed("http", "request headers longer than 64 KiB or cut", at(0))
			}
			return 0, 0, true
		}
		return 0, 0, false
	}
	head := string(b[:end])
	lines := strings.Split(strings.ReplaceAll(head, "\r\n", "\n"), "\n")
	parts := strings.SplitN(strings.TrimSpace(lines[0]), " ", 3)
	if !isHTTPRequest([]byte(parts[0] + " /")) {
		// Not a request: pass over this header block and read on.
		c.tap.malformed("http", "not an HTTP request line", at(0))
		return end + sep, 0, false
	}
	req := &Request{Method: parts[0], BodyLen: 0, Where: at(0)}
	if len(parts) >= 2 {
		req.Target = parts[1]
	}
	if len(parts) == 3 {
		req.Proto = parts[2]
	}
	var cl []string
	chunked := false
	for _, ln := range lines[1:] {
		if len(req.Header) >= maxHTTPHeaders {
			c.tap.malformed("http", "more than 256 header fields; the rest ignored", req.Where)
			break
		}
		name, value, ok := strings.Cut(ln, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue // an obsolete fold or junk
		}
		value = strings.TrimSpace(value)
		req.Header = append(req.Header, [2]string{name, value})
		switch strings.ToLower(name) {
		case "host":
			if req.Host == "" {
				req.Host = value
			}
		case "content-length":
			cl = append(cl, value)
		case "transfer-encoding":
			chunked = strings.HasSuffix(strings.ToLower(strings.TrimSpace(value)), "chunked")
		}
	}
	bodyAt := end + sep
	rest := b[bodyAt:]
	switch {
	case chunked:
		body, used, complete, ok := dechunk(rest)
		switch {
		case !ok:
			c.tap.malformed("http", "bad chunk framing", req.Where)
			req.Body, req.Truncated, req.BodyLen = body, true, -1
			c.tap.request(c, req, "http")
			return 0, 0, true
		case complete:
			req.Body, req.BodyLen = body, int64(len(body))
			c.tap.request(c, req, "http")
			return bodyAt + used, 0, false
		case len(body) >= maxHTTPBody || final:
			// Longer than kept: read the prefix, then lose sync.
			req.Body, req.Truncated, req.BodyLen = body[:min(len(body), maxHTTPBody)], true, -1
			c.tap.request(c, req, "http")
			return 0, 0, true
		}
		return 0, 0, false
	case len(cl) > 0:
		n, err := strconv.ParseInt(strings.TrimSpace(cl[0]), 10, 64)
		for _, v := range cl[1:] {
			if strings.TrimSpace(v) != strings.TrimSpace(cl[0]) {
				err = strconv.ErrSyntax
			}
		}
		if err != nil || n < 0 {
			c.tap.malformed("http", "bad or conflicting Content-Length", req.Where)
			c.tap.request(c, req, "http")
			return 0, 0, true
		}
		want := min(n, maxHTTPBody)
		if int64(len(rest)) < want {
			if final {
				req.Body, req.Truncated, req.BodyLen = rest, true, n
				c.tap.request(c, req, "http")
				return 0, 0, true
			}
			return 0, 0, false
		}
		req.Body, req.BodyLen, req.Truncated = rest[:want], n, want < n
		c.tap.request(c, req, "http")
		return bodyAt + int(want), n - want, false
	}
	c.tap.request(c, req, "http")
	return bodyAt, 0, false
}

// dechunk joins a chunked body: the bytes of the chunks, the bytes of b
// it used, whether the last chunk was seen, and whether the framing is
// sound.
func dechunk(b []byte) (body []byte, used int, complete, ok bool) {
	pos := 0
	for {
		nl := bytes.IndexByte(b[pos:min(len(b), pos+1024)], '\n')
		if nl < 0 {
			return body, pos, false, len(b)-pos < 1024
		}
		line := strings.TrimSpace(string(b[pos : pos+nl]))
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || len(line) > 15 {
			return body, pos, false, false
		}
		size, err := strconv.ParseInt(line, 16, 64)
		if err != nil || size < 0 {
			return body, pos, false, false
		}
		start := pos + nl + 1
		if size == 0 {
			// Trailers, then an empty line.
			tail := b[start:]
			if bytes.HasPrefix(tail, []byte("\r\n")) {
				return body, start + 2, true, true
			}
			if bytes.HasPrefix(tail, []byte("\n")) {
				return body, start + 1, true, true
			}
			if i := bytes.Index(tail, []byte("\r\n\r\n")); i >= 0 {
				return body, start + i + 4, true, true
			}
			return body, pos, false, len(tail) < 8192
		}
		if int64(len(b)-start) < size+1 {
			// Keep what has come of this chunk.
			if len(body) < maxHTTPBody {
				body = append(body, b[start:min(len(b), start+int(min(size, maxHTTPBody)))]...)
			}
			return body, pos, false, true
		}
		if len(body) < maxHTTPBody {
			body = append(body, b[start:start+int(min(size, int64(maxHTTPBody-len(body))))]...)
		}
		pos = start + int(size)
		if pos < len(b) && b[pos] == '\r' {
			pos++
		}
		if pos < len(b) && b[pos] == '\n' {
			pos++
		} else if pos >= len(b) {
			return body, pos, false, true
		}
	}
}

// inflate decodes a body by its Content-Encoding, at most maxInflated
// bytes; ok is false when the encoding is unknown or the data is corrupt.
func inflate(encoding string, body []byte) (out []byte, ok bool) {
	var r io.Reader
	var err error
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return body, true
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	case "deflate":
		// Servers send zlib-wrapped or raw deflate under this name.
		if r, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
			r, err = flate.NewReader(bytes.NewReader(body)), nil
		}
	default:
		return nil, false
	}
	if err != nil {
		return nil, false
	}
	out, err = io.ReadAll(io.LimitReader(r, maxInflated))
	// A body cut by the capture still gives its beginning.
	return out, err == nil || len(out) > 0
}
