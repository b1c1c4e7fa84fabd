package traffic

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Hostile inputs no real program sends are built here: a pcap of one TCP
// connection whose client segments are given (sequence offset and bytes).

type seg struct {
	off  int    // offset in the client's stream
	data string // payload
}

func synthPcap(segs []seg) []byte {
	var b bytes.Buffer
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], LinkEthernet)
	b.Write(h)
	const isn = 1000
	pkt := func(n int, flags byte, seq uint32, payload []byte) {
		frame := make([]byte, 14+20+20+len(payload))
		binary.BigEndian.PutUint16(frame[12:], 0x0800)
		ip := frame[14:]
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
		ip[8], ip[9] = 64, protoTCP
		copy(ip[12:], []byte{10, 0, 0, 2})
		copy(ip[16:], []byte{203, 0, 113, 9})
		tcp := ip[20:]
		binary.BigEndian.PutUint16(tcp, 40000)
		binary.BigEndian.PutUint16(tcp[2:], 80)
		binary.BigEndian.PutUint32(tcp[4:], seq)
		tcp[12] = 5 << 4
		tcp[13] = flags
		copy(tcp[20:], payload)
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec, uint32(1764489600+n))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(frame)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(frame)))
		b.Write(rec)
		b.Write(frame)
	}
	pkt(0, flagSYN, isn, nil)
	for i, s := range segs {
		pkt(i+1, flagACK, uint32(isn+1+s.off), []byte(s.data))
	}
	return b.Bytes()
}

func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func segmentsOf(msgs ...string) []seg {
	s := strings.Join(msgs, "")
	var out []seg
	for off := 0; off < len(s); off += 1400 {
		out = append(out, seg{off, s[off:min(len(s), off+1400)]})
	}
	return out
}

func TestOverlappingAndOutOfOrderSegments(t *testing.T) {
	req := "GET /a?imei=867530012345672 HTTP/1.1\r\nHost: x.example.cn\r\n\r\n"
	// Out of order, a retransmission overlapping two segments, and a
	// duplicate: the stream is read once, in order.
	segs := []seg{{20, req[20:40]}, {0, req[:25]}, {10, req[10:50]}, {40, req[40:]}, {40, req[40:]}}
	got, err := trace(t, synthPcap(segs))
	// The request's first byte came in the second segment (packet 3).
	want := "3 http x.example.cn /a?imei=867530012345672"
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("got %q %v, want %q", got, err, want)
	}
}

func TestHostileHTTP(t *testing.T) {
	many := "POST /m HTTP/1.1\r\nHost: h.example.cn\r\n" + strings.Repeat("X-A: b\r\n", 5000) + "\r\n"
	bomb := gzipOf([]byte(`{"imei":"867530012345672","pad":"` + strings.Repeat("0", 50<<20) + `"}`))
	bombReq := fmt.Sprintf("POST /b HTTP/1.1\r\nHost: h.example.cn\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(bomb)) + string(bomb)
	chunkOverflow := "POST /c HTTP/1.1\r\nHost: h.example.cn\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n"
	next := "GET /after HTTP/1.1\r\nHost: h.example.cn\r\n\r\n"
	for _, c := range []struct {
		name string
		in   string
		want []string
	}{
		{"8,000 headers", many + next, []string{"2 http h.example.cn /m", "30 http h.example.cn /after"}},
		{"gzip bomb", bombReq + next, []string{"2 http h.example.cn /b", "38 http h.example.cn /after"}},
		{"chunk size overflow", chunkOverflow, []string{"2 http h.example.cn /c"}},
	} {
		d := detectors(t)
		col := newCollector(d, false)
		var got []string
		col.record = func(s Seen) { got = append(got, fmt.Sprintf("%d %s %s %s", s.Where.Packet, s.Kind, s.Host, s.Detail)) }
		_, _, err := readCapture(t.Context(), bytes.NewReader(synthPcap(segmentsOf(c.in))), col)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if c.name == "gzip bomb" {
			// The identifier at the start of the bomb is still found.
			if _, ok := col.hits[hitKey{"device_id_imei", "h.example.cn"}]; !ok {
				t.Errorf("gzip bomb: the IMEI before the padding was not read")
			}
		}
	}
}

func TestHostileMQTT(t *testing.T) {
	connect := "\x10\x1a\x00\x04MQTT\x04\x02\x00\x3c\x00\x0edev-8675300123"
	// A PUBLISH claiming 200 MB: its topic is read, the rest passed over.
	lying := "\x30\x80\x80\x80\x64\x00\x05a/b/c" + strings.Repeat("z", 3000)
	got, err := trace(t, synthPcap(segmentsOf(connect, lying)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.Contains(got[1], "mqtt-publish  a/b/c") {
		t.Errorf("got %q", got)
	}
	// A remaining length of five bytes is malformed.
	got, _ = trace(t, synthPcap(segmentsOf(connect, "\x30\xff\xff\xff\xff\x7f")))
	if len(got) != 1 {
		t.Errorf("five-byte length: %q", got)
	}
}

// Regression cases of hostile streams: a sequence number 2^31 ahead, a
// chunked body in tiny segments, and more flows than the table holds, all
// with one timestamp.
func TestHostileStreamsStayBounded(t *testing.T) {
	req := "GET /a HTTP/1.1\r\nHost: h.example.cn\r\n\r\n"
	if _, err := trace(t, synthPcap([]seg{{0, req}, {1 << 31, "x"}, {1<<31 + 1, req}})); err != nil {
		t.Errorf("far sequence numbers: %v", err)
	}

	body := strings.Repeat("a", 200<<10)
	chunked := fmt.Sprintf("POST /c HTTP/1.1\r\nHost: h.example.cn\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	var tiny []seg
	for off := 0; off < len(chunked); off += 16 {
		tiny = append(tiny, seg{off, chunked[off:min(len(chunked), off+16)]})
	}
	start := time.Now()
	got, err := trace(t, synthPcap(tiny))
	if err != nil || len(got) != 1 {
		t.Errorf("tiny segments: %v %q", err, got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 200 KB chunked body in 16-byte segments took %v", d)
	}
}

func TestSteadyUploadIgnoresClockJumps(t *testing.T) {
	epoch := time.Unix(0, 0)
	samples := []upSample{{epoch, epoch.Add(100 * 365 * 24 * time.Hour), 1 << 20}}
	start := time.Now()
	if bps := steadyUpload(samples); bps != 0 {
		t.Errorf("a century-long flow: %d B/s", bps)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestFullFlowTableWithOneTimestamp(t *testing.T) {
	if testing.Short() {
		t.Skip("60,000 connections")
	}
	var b bytes.Buffer
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], LinkRaw)
	b.Write(h)
	for i := range maxFlows + 10_000 {
		ip := make([]byte, 40)
		ip[0], ip[9] = 0x45, protoTCP
		binary.BigEndian.PutUint16(ip[2:], 40)
		copy(ip[12:], []byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		copy(ip[16:], []byte{203, 0, 113, 1})
		binary.BigEndian.PutUint16(ip[20:], 40000)
		binary.BigEndian.PutUint16(ip[22:], 443)
		ip[32], ip[33] = 5<<4, flagSYN
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec, 1764489600) // every packet at one instant
		binary.LittleEndian.PutUint32(rec[8:], 40)
		binary.LittleEndian.PutUint32(rec[12:], 40)
		b.Write(rec)
		b.Write(ip)
	}
	c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
	start := time.Now()
	if _, _, err := readCapture(t.Context(), bytes.NewReader(b.Bytes()), c); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("%d connections took %v", maxFlows+10_000, d)
	}
	if c.evicted == 0 {
		t.Error("no connection was ended early, though the table was full")
	}
}
