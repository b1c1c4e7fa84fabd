package traffic

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Every reader and decoder is fuzzed: a capture, a HAR file, a DNS
// message, a ClientHello, and a client stream read as HTTP, TLS or MQTT.
// None may panic, hang or keep memory beyond its bounds.

func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
}

func FuzzCapture(f *testing.F) {
	seedFiles(f, "testdata/zeek/*.pcap", "testdata/captures/*.pcap*")
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
		readCapture(ctx, bytes.NewReader(b), c)
	})
}

func FuzzHAR(f *testing.F) {
	seedFiles(f, "testdata/captures/*.har")
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"POST","url":"http://a.example.cn/x?imei=867530012345672","postData":{"mimeType":"application/json","text":"{\"oaid\":\"x\"}"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
		readHAR(context.Background(), bytes.NewReader(b), c)
	})
}

func FuzzDNS(f *testing.F) {
	f.Add([]byte{0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4})
	f.Add([]byte{0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		parseDNS(b)
	})
}

func FuzzClientHello(f *testing.F) {
	f.Add([]byte{3, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		parseClientHello(b)
	})
}

// FuzzClientStream reads fuzzed bytes as the client side of one TCP
// connection, cut into segments, with the detectors on.
func FuzzClientStream(f *testing.F) {
	f.Add([]byte("POST /a?imei=867530012345672 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("\x10\x1a\x00\x04MQTT\x04\x02\x00\x3c\x00\x0edev-8675300123\x30\x07\x00\x03a/bxy"))
	f.Add([]byte{0x16, 3, 1, 0, 5, 1, 0, 0, 1, 3})
	d := detectors(f)
	d.SetDeviceIDs(DeviceIDs{"device_id_imei": {"867530012345672"}})
	f.Fuzz(func(t *testing.T, b []byte) {
		c := newCollector(d, true)
		readCapture(context.Background(), bytes.NewReader(synthPcap(segmentsOf(string(b)))), c)
	})
}

func FuzzQUICInitial(f *testing.F) {
	seedFiles(f, "testdata/zeek/quic_*.pcap")
	f.Add([]byte{0xc0, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x41, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		q := &quicState{}
		quicDatagram(q, b)
	})
}

// FuzzServerStream reads fuzzed bytes as a server's replies to one
// request.
func FuzzServerStream(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
		fl := &Flow{}
		cn := &conn{flow: fl, up: false, tap: c}
		p := &replyParser{}
		for i := 0; i < 1000 && len(b) > 0; i++ {
			n, skip, done := p.parse(cn, b, func(int) Where { return Where{} }, true)
			if done || n == 0 && skip == 0 {
				return
			}
			b = b[min(n, len(b)):]
			b = b[min(int(min(skip, int64(len(b)))), len(b)):]
		}
	})
}
