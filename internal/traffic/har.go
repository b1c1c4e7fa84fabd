package traffic

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// HAR 1.2 (W3C Web Performance working group's draft, as browsers,
// Charles and mitmproxy write it): a JSON document whose log.entries are
// read one at a time, so memory follows the largest entry, not the file.

type harEntry struct {
	Started  string `json:"startedDateTime"`
	ServerIP string `json:"serverIPAddress"`
	Request  struct {
		Method      string      `json:"method"`
		URL         string      `json:"url"`
		HTTPVersion string      `json:"httpVersion"`
		Headers     []harHeader `json:"headers"`
		PostData    *struct {
			MimeType string      `json:"mimeType"`
			Text     string      `json:"text"`
			Encoding string      `json:"encoding"`
			Params   []harHeader `json:"params"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status   int         `json:"status"`
		BodySize int64       `json:"bodySize"`
		Headers  []harHeader `json:"headers"`
		Content  struct {
			Size int64 `json:"size"`
		} `json:"content"`
	} `json:"response"`
}

type harHeader struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	FileName string `json:"fileName"`
}

// maxHAREntries bounds the entries read from one file.
const maxHAREntries = 1_000_000

// readHAR walks log.entries, handing each to the collector as a request.
func readHAR(ctx context.Context, r io.Reader, c *collector) (entries int, err error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return 0, fmt.Errorf("%w: HAR: %v", ErrFormat, err)
	}
	if err := seekKey(dec, "log"); err != nil {
		return 0, err
	}
	if err := expectDelim(dec, '{'); err != nil {
		return 0, fmt.Errorf("%w: HAR log: %v", ErrFormat, err)
	}
	if err := seekKey(dec, "entries"); err != nil {
		return 0, err
	}
	if err := expectDelim(dec, '['); err != nil {
		return 0, fmt.Errorf("%w: HAR entries: %v", ErrFormat, err)
	}
	flows := map[string]*Flow{}
	for dec.More() {
		if entries >= maxHAREntries {
			return entries, fmt.Errorf("%w: more than %d HAR entries", ErrFormat, maxHAREntries)
		}
		if entries%256 == 0 && ctx.Err() != nil {
			return entries, ctx.Err()
		}
		var e harEntry
		if err := dec.Decode(&e); err != nil {
			return entries, fmt.Errorf("%w: HAR entry %d: %v", ErrFormat, entries+1, err)
		}
		entries++
		c.harEntry(&e, entries, flows)
	}
	for _, f := range flows {
		c.flowEnd(f)
	}
	return entries, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("found %v where %v was expected", t, d)
	}
	return nil
}

// seekKey passes over an object's members up to key.
func seekKey(dec *json.Decoder, key string) error {
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: HAR: %v", ErrFormat, err)
		}
		if k, ok := t.(string); ok && k == key {
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("%w: HAR: %v", ErrFormat, err)
		}
	}
	return fmt.Errorf("%w: HAR has no %q", ErrFormat, key)
}

// harEntry turns one entry into a request of a flow per scheme and host.
func (c *collector) harEntry(e *harEntry, n int, flows map[string]*Flow) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Host == "" {
		c.malformed("har", "entry without a URL", Where{Packet: n})
		return
	}
	t, err := time.Parse(time.RFC3339Nano, e.Started)
	if err != nil {
		c.malformed("har", "entry without a valid startedDateTime (its time is unknown)", Where{Packet: n})
		t = time.Time{}
	}
	w := Where{Packet: n, Time: t.UTC()}
	host := strings.ToLower(u.Hostname())
	scheme := strings.ToLower(u.Scheme)
	fk := scheme + "://" + host
	f := flows[fk]
	if f == nil {
		f = &Flow{ID: len(flows), Proto: protoTCP, First: w.Time, FirstPacket: n, host: host, scheme: scheme}
		if ip, err := netip.ParseAddr(strings.Trim(e.ServerIP, "[]")); err == nil {
			f.Server = netip.AddrPortFrom(ip, 0)
		}
		flows[fk] = f
	}
	f.Last = w.Time
	w.Stream = f.ID
	f.PacketsUp++
	if e.Response.BodySize > 0 {
		f.Down += e.Response.BodySize
	}
	req := &Request{Method: e.Request.Method, Target: u.RequestURI(), Proto: e.Request.HTTPVersion, Host: host, Where: w}
	for _, h := range e.Request.Headers {
		if strings.HasPrefix(h.Name, ":") {
			continue // HTTP/2 pseudo-headers
		}
		req.Header = append(req.Header, [2]string{h.Name, h.Value})
	}
	if pd := e.Request.PostData; pd != nil {
		body := []byte(pd.Text)
		if strings.EqualFold(pd.Encoding, "base64") {
			if b, err := base64.StdEncoding.DecodeString(pd.Text); err == nil {
				body = b
			}
		}
		if len(body) == 0 && len(pd.Params) > 0 {
			var q []string
			for _, p := range pd.Params {
				q = append(q, url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
			}
			body = []byte(strings.Join(q, "&"))
			pd.MimeType = "application/x-www-form-urlencoded"
		}
		if len(body) > maxHTTPBody {
			body = body[:maxHTTPBody]
		}
		req.Body, req.BodyLen = body, int64(len(body))
		f.Up += int64(len(body))
		// HAR records the decoded body: its encoding header no longer
		// applies.
		var hs [][2]string
		for _, h := range req.Header {
			if !strings.EqualFold(h[0], "content-encoding") {
				hs = append(hs, h)
			}
		}
		req.Header = hs
		if req.Get("content-type") == "" {
			req.Header = append(req.Header, [2]string{"Content-Type", pd.MimeType})
		}
	}
	c.request(&conn{flow: f, up: true, tap: c}, req, scheme)
}
