package traffic

import (
	"bytes"
	"strconv"
	"strings"
)

// Replies are read for their status (did the server take the upload?),
// content type and length; their bodies are passed over, never kept.

// pendingRequest is a request waiting for its reply, in order.
type pendingRequest struct {
	method string
	status int
}

// maxPendingRequests bounds the requests of a flow awaiting replies.
const maxPendingRequests = 64

// replyParser reads HTTP/1.x replies from a server stream.
type replyParser struct {
	chunked bool // in a chunked body: its chunks are passed over as skips
}

func isHTTPReply(b []byte) bool {
	return len(b) >= 8 && string(b[:7]) == "HTTP/1." || len(b) < 8 && strings.HasPrefix("HTTP/1.", string(b))
}

func (p *replyParser) parse(c *conn, b []byte, at func(int) Where, final bool) (int, int64, bool) {
	if p.chunked {
		return p.chunks(b, final)
	}
	end := bytes.Index(b[:min(len(b), maxHTTPHeader)], []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) >= maxHTTPHeader || final {
			return 0, 0, true
		}
		return 0, 0, false
	}
	lines := strings.Split(string(b[:end]), "\r\n")
	parts := strings.SplitN(lines[0], " ", 3)
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "HTTP/1.") {
		c.tap.malformed("http", "not an HTTP reply line", at(0))
		return 0, 0, true
	}
	status, err := strconv.Atoi(parts[1])
	if err != nil || status < 100 || status > 999 {
		c.tap.malformed("http", "bad reply status", at(0))
		return 0, 0, true
	}
	var length int64 = -1
	chunked := false
	for _, ln := range lines[1:] {
		name, value, ok := strings.Cut(ln, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			if n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil && n >= 0 {
				length = n
			}
		case "transfer-encoding":
			chunked = strings.HasSuffix(strings.ToLower(strings.TrimSpace(value)), "chunked")
		}
	}
	method := ""
	if status >= 200 {
		method = c.tap.reply(c, status, at(0))
	}
	head := end + 4
	switch {
	case status < 200 || status == 204 || status == 304 || method == "HEAD":
		return head, 0, false
	case chunked:
		p.chunked = true
		return head, 0, false
	case length >= 0:
		return head, length, false
	}
	// A body that ends with the connection: nothing more to read.
	return 0, 0, true
}

// chunks passes over a chunked body; the stream reads replies again after
// its last chunk.
func (p *replyParser) chunks(b []byte, final bool) (int, int64, bool) {
	nl := bytes.IndexByte(b[:min(len(b), 1024)], '\n')
	if nl < 0 {
		return 0, 0, len(b) >= 1024 || final
	}
	line := strings.TrimSpace(string(b[:nl]))
	if line == "" {
		return nl + 1, 0, false // the CRLF after a chunk
	}
	if i := strings.IndexByte(line, ';'); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	size, err := strconv.ParseInt(line, 16, 64)
	if err != nil || size < 0 || len(line) > 15 {
		return 0, 0, true
	}
	if size == 0 {
		// The last chunk, then trailers up to an empty line.
		rest := b[nl+1:]
		if bytes.HasPrefix(rest, []byte("\r\n")) {
			p.chunked = false
			return nl + 3, 0, false
		}
		if i := bytes.Index(rest, []byte("\r\n\r\n")); i >= 0 {
			p.chunked = false
			return nl + 1 + i + 4, 0, false
		}
		return 0, 0, final
	}
	return nl + 1, size, false
}
