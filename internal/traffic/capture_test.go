package traffic

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The captures of testdata/captures were made by make.sh with real
// programs on loopback (curl, a Python HTTP server, openssl s_server,
// mosquitto); testdata/zeek holds captures of Zeek's test suite
// (zeek/zeek @a13de64, testing/btest/Traces, BSD licence, see
// testdata/README.md).

// trace reads a capture and returns every message read, one line each.
func trace(t *testing.T, b []byte) ([]string, error) {
	t.Helper()
	seen, err := traceSeen(b)
	var out []string
	for _, s := range seen {
		if s.Kind != "http-reply" { // replies: see TestAgainstTshark
			out = append(out, fmt.Sprintf("%d %s %s %s", s.Where.Packet, s.Kind, s.Host, s.Detail))
		}
	}
	return out, err
}

func traceSeen(b []byte) ([]Seen, error) {
	c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
	var out []Seen
	c.record = func(s Seen) { out = append(out, s) }
	_, _, err := readCapture(context.Background(), bytes.NewReader(b), c)
	return out, err
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantApp is what testdata/captures/app.pcap holds (make.sh), checked
// by hand against `tshark -r app.pcap -d tcp.port==11883,mqtt`; a
// message's packet is the one its first byte came in (tshark names the
// one that completes it).
var wantApp = []string{
	"4 http alog.umeng.com /app_logs?imei=867530012345672&androidId=9a1b2c3d4e5f6071&appkey=5f2b",
	"16 http api.example.cn /v1/login",
	"28 http app-measurement.com /a",
	"40 http api.example.cn /v1/report",
	"52 http api.example.cn /v1/face/verify",
	"66 http api.example.cn /v1/orders?order_id=202611301015021234&page=2",
	"78 tls api.example.cn t13d3112h2_e8f1e7e78f70_b26ce05bbdd6",
	"97 mqtt-connect  dev-867530012345672",
	"101 mqtt-publish  lock/status",
	"109 mqtt-connect  dev5-867530012345672",
	"113 mqtt-publish  lock/event",
}

func TestAppCaptureEveryFormat(t *testing.T) {
	pcap := read(t, "captures/app.pcap")
	got, err := trace(t, pcap)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, wantApp) {
		t.Errorf("app.pcap:\n got %q\nwant %q", got, wantApp)
	}
	// The same packets as pcapng (editcap), and as nanosecond pcap in
	// big-endian order, read the same.
	ng, err := trace(t, read(t, "captures/app.pcapng"))
	if err != nil || !slices.Equal(ng, wantApp) {
		t.Errorf("app.pcapng: %v\n got %q", err, ng)
	}
	be, err := trace(t, bigEndianNano(t, pcap))
	if err != nil || !slices.Equal(be, wantApp) {
		t.Errorf("big-endian nanosecond pcap: %v\n got %q", err, be)
	}
}

// bigEndianNano rewrites a little-endian microsecond pcap as a
// big-endian nanosecond one.
func bigEndianNano(t *testing.T, b []byte) []byte {
	t.Helper()
	le, be := binary.LittleEndian, binary.BigEndian
	if le.Uint32(b) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian microsecond pcap")
	}
	out := make([]byte, 0, len(b))
	h := make([]byte, 24)
	be.PutUint32(h, 0xa1b23c4d)
	be.PutUint16(h[4:], le.Uint16(b[4:]))
	be.PutUint16(h[6:], le.Uint16(b[6:]))
	for i := 8; i < 24; i += 4 {
		be.PutUint32(h[i:], le.Uint32(b[i:]))
	}
	out = append(out, h...)
	for p := 24; p+16 <= len(b); {
		r := make([]byte, 16)
		be.PutUint32(r, le.Uint32(b[p:]))
		be.PutUint32(r[4:], le.Uint32(b[p+4:])*1000)
		be.PutUint32(r[8:], le.Uint32(b[p+8:]))
		be.PutUint32(r[12:], le.Uint32(b[p+12:]))
		n := int(le.Uint32(b[p+8:]))
		out = append(out, r...)
		out = append(out, b[p+16:p+16+n]...)
		p += 16 + n
	}
	return out
}

// TestAgainstTshark reads the fixtures with tshark as well and compares
// the HTTP requests (host and target), the TLS server names and the DNS
// names answered.
func TestAgainstTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed (Debian: apt-get install tshark)")
	}
	files, _ := filepath.Glob("testdata/zeek/*.pcap")
	files = append(files, "testdata/captures/app.pcap", "testdata/captures/app.pcapng", "testdata/captures/device.pcap")
	// Captures where hegui reads more than tshark, on purpose: a request
	// after a gap (tshark gives up on the stream).
	differ := map[string]bool{"testdata/zeek/http_zero-length-bodies-with-drops.pcap": true, "testdata/zeek/http_261_variant-01-chunk_2pow64_overflow.pcap": true}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sharkFile(t, f, differ[f])
		})
	}
}

// sharkFile compares hegui's reading of one capture with tshark's.
func sharkFile(t *testing.T, f string, differs bool) {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := traceSeen(b)
	var http, sni, dns, replies []string
	for _, g := range got {
		switch g.Kind {
		case "http-reply":
			replies = append(replies, fmt.Sprintf("%s %d", g.Detail, g.Where.Stream))
		case "http":
			http = append(http, fmt.Sprintf("%s %s %d", g.Host, g.Detail, g.Where.Stream))
		case "tls":
			if g.Host != "" {
				sni = append(sni, g.Host)
			}
		case "dns":
			dns = append(dns, g.Host)
		}
	}
	sharkHTTP := tshark(t, f, "http.request", "http.host", "http.request.uri", "tcp.stream")
	sharkSNI := tshark(t, f, "tls.handshake.type==1", "tls.handshake.extensions_server_name")
	sharkDNS := tshark(t, f, "dns.flags.response==1 && udp && dns.count.queries > 0", "dns.qry.name")
	for i := range sharkDNS {
		sharkDNS[i], _, _ = strings.Cut(strings.ToLower(sharkDNS[i]), ",")
	}
	for i := range sharkSNI {
		sharkSNI[i] = strings.ToLower(sharkSNI[i])
	}
	sharkReplies := tshark(t, f, "http.response", "http.response.code", "tcp.stream")
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"HTTP", http, sharkHTTP}, {"SNI", sni, sharkSNI}, {"DNS", dns, sharkDNS}, {"replies", replies, sharkReplies}} {
		slices.Sort(c.got)
		slices.Sort(c.want)
		if !slices.Equal(c.got, c.want) && !(differs && (c.what == "HTTP" || c.what == "replies")) {
			t.Errorf("%s: %s:\n hegui  %q\n tshark %q", f, c.what, c.got, c.want)
		}
	}
}

func tshark(t *testing.T, file, filter string, fields ...string) []string {
	args := []string{"-r", file, "-Y", filter, "-T", "fields"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark %v: %v", args, err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.ReplaceAll(l, "\t", " "))
		}
	}
	return lines
}

// TestJA4 checks the fingerprint against one computed elsewhere: the
// "ja4" BrowserLeaks reported for Chrome 143 beside its raw lists
// ("ja4_ro": ciphers, extensions in wire order, signature algorithms).
func TestJA4(t *testing.T) {
	hexes := func(s string) []int {
		var out []int
		for _, h := range strings.Split(s, ",") {
			v, err := strconv.ParseUint(h, 16, 16)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, int(v))
		}
		return out
	}
	ciphers := hexes("1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035")
	exts := hexes("002d,0033,0010,fe0d,0017,44cd,0000,000b,000a,002b,ff01,0023,0012,0005,000d,001b")
	sigs := hexes("0403,0804,0401,0503,0805,0501,0806,0601")
	got := ja4("t", 0x0304, true, ciphers, exts, sigs, []string{"h2", "http/1.1"})
	if want := "t13d1516h2_8daaf6152771_d8a2da3f94cd"; got != want {
		t.Errorf("ja4 %s, want %s", got, want)
	}
	// And from a real ClientHello: Chrome 125 in Zeek's trace (the same
	// cipher part as above; its extensions differ).
	trace, err := trace(t, read(t, "zeek/tls_chrome-1250-tls-x25519-kyber.pcap"))
	if err != nil || len(trace) == 0 || !strings.HasPrefix(trace[0], "4 tls lh3.google.com t13d1516h2_8daaf6152771_") {
		t.Errorf("Chrome 125: %v %q", err, trace)
	}
}

// TestQUICInitials decrypts the client's Initial packets (QUIC v1 and
// v2, a ClientHello split over several packets, a client that moves to
// the server's connection id) for the server name and a JA4 of "q".
func TestQUICInitials(t *testing.T) {
	for f, want := range map[string]string{
		"zeek/quic_chromium-115.0.5790.110-api-cirrus-com.pcap":  "api.cirrus-ci.com",
		"zeek/quic_quic-decrypt-fail-google-de-51833.pcap":       "www.google.de",
		"zeek/quic_quicv2-echo-443.pcap":                         "localhost",
		"zeek/quic_quic-multiple-initial-fragmented-crypto.pcap": "googleads.g.doubleclick.net",
	} {
		got, err := traceSeen(read(t, f))
		if err != nil || len(got) == 0 || got[0].Host != want || !strings.HasPrefix(got[0].Detail, "q13") {
			t.Errorf("%s: %v %+v, want %s", f, err, got, want)
		}
	}
}

func TestTCPReassembly(t *testing.T) {
	// Data in the SYN (TCP Fast Open), and a request after lost segments.
	got, _ := trace(t, read(t, "zeek/tcp_tcp-fast-open.pcap"))
	want := []string{"3 http  /index.php", "8 http  //index.php?page=../../../etc/passwd"}
	if !slices.Equal(got, want) {
		t.Errorf("fast open: %q, want %q", got, want)
	}
	got, _ = trace(t, read(t, "zeek/http_zero-length-bodies-with-drops.pcap"))
	if len(got) < 6 {
		t.Errorf("after drops: %d requests read, want the 6 whose start was captured: %q", len(got), got)
	}
}

func TestBadCaptures(t *testing.T) {
	app := read(t, "captures/app.pcap")
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"wrong magic", []byte("GIF89a not a capture at all......"), "neither pcap nor pcapng"},
		{"empty", nil, "no capture header"},
		{"cut in a record", app[:len(app)-7], "cut after"},
		{"cut in a header", app[:24+10], "record header cut"},
		{"Zeek truncated header", read(t, "zeek/trunc_trunc-hdr.pcap"), ""},
		{"lying record length", lyingRecord(app), "at most"},
	} {
		_, err := trace(t, c.b)
		switch {
		case c.want == "" && err != nil && !errors.Is(err, ErrFormat):
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
	// A capture cut anywhere reads what came before the cut.
	for cut := 24; cut < len(app); cut += 97 {
		got, _ := trace(t, app[:cut])
		for i, g := range got {
			if i >= len(wantApp) || g != wantApp[i] && !strings.HasPrefix(wantApp[i], strings.SplitN(g, " ", 2)[0]+" ") {
				t.Fatalf("cut at %d: %q is not a prefix of the full reading", cut, got)
			}
		}
	}
}

func lyingRecord(b []byte) []byte {
	out := slices.Clone(b)
	binary.LittleEndian.PutUint32(out[24+8:], 1<<30)
	return out
}

func TestDNSCompressionLoop(t *testing.T) {
	// Zeek's deep (legal) chain of pointers reads; a pointer to itself
	// does not.
	if got, err := trace(t, read(t, "zeek/dns_max-compression-depth.pcap")); err != nil || len(got) != 1 {
		t.Errorf("deep compression: %v %q", err, got)
	}
	msg := []byte{0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
	if _, err := parseDNS(msg); err == nil {
		t.Error("a self-pointing name parsed")
	}
}

// Linux cooked captures (tcpdump -i any, v2 by default and v1 with -y
// LINUX_SLL) and a pcapng of two interfaces (dumpcap -i lo -i any: every
// packet twice), with a name-resolution block (tshark -H hosts -W n) and
// a packet comment (editcap -a): see testdata/README.md.
func TestLinkTypesAndPcapngBlocks(t *testing.T) {
	// The two-interface file holds the connection twice; the second copy
	// (same initial sequence numbers) is a duplicate, not a new request,
	// as tshark reads it.
	want := "t.example.cn /v?imei=867530012345672&lat=39.908722&lng=116.397499"
	for _, f := range []string{"captures/sll.pcap", "captures/sll2.pcap", "captures/multi.pcapng"} {
		all, err := traceSeen(read(t, f))
		var got []Seen
		for _, s := range all {
			if s.Kind == "http" {
				got = append(got, s)
			}
		}
		if err != nil || len(got) != 1 || got[0].Host+" "+got[0].Detail != want {
			t.Errorf("%s: %v %+v", f, err, got)
		}
	}
	src, err := NewSource(bytes.NewReader(read(t, "captures/multi.pcapng")))
	if err != nil {
		t.Fatal(err)
	}
	links := map[int]int{}
	for {
		p, err := src.Next()
		if err != nil {
			break
		}
		links[p.Link]++
	}
	if links[LinkEthernet] == 0 || links[LinkSLL] == 0 {
		t.Errorf("link types per packet: %v", links)
	}
	if !slices.Contains(src.Comments(), "the user tapped Agree here") {
		t.Errorf("comments: %q", src.Comments())
	}
}

// TestPcapngNameRecords reads a name-resolution block built by hand after
// the pcapng specification (section 4.5): no Debian tool here writes one.
func TestPcapngNameRecords(t *testing.T) {
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		b := le.AppendUint32(nil, typ)
		b = le.AppendUint32(b, uint32(12+len(body)))
		b = append(b, body...)
		return le.AppendUint32(b, uint32(12+len(body)))
	}
	shb := le.AppendUint32(nil, 0x1a2b3c4d)
	shb = append(shb, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	idb := []byte{1, 0, 0, 0, 0, 0, 4, 0}
	rec := append([]byte{1, 2, 3, 4}, "cdn.example.cn\x00"...)
	nrb := le.AppendUint16(nil, 1)
	nrb = le.AppendUint16(nrb, uint16(len(rec)))
	nrb = append(nrb, rec...)
	for len(nrb)%4 != 0 {
		nrb = append(nrb, 0)
	}
	nrb = append(nrb, 0, 0, 0, 0) // end of records
	var file []byte
	for _, b := range [][]byte{block(0x0a0d0d0a, shb), block(1, idb), block(4, nrb)} {
		file = append(file, b...)
	}
	src, err := NewSource(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Next(); err != io.EOF {
		t.Fatalf("no packet, want EOF: %v", err)
	}
	if n := src.Names()[netip.MustParseAddr("1.2.3.4")]; n != "cdn.example.cn" {
		t.Errorf("name record: %q (%v)", n, src.Names())
	}
}
