// Command gencapture writes a large pcap for the traffic benchmark
// (bench/traffic.sh): the project's real test captures replayed again and
// again, each copy on its own addresses and later in time, with a bulk
// download (an HTTP response of 1 MB in 1448-byte segments) after each
// round, as real captures are mostly bulk bytes.
//
// Usage: go run ./bench/gencapture -size 500 -o big.pcap
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"os"
	"time"
)

// templates are Ethernet or loopback (DLT_EN10MB) little-endian
// microsecond captures.
var templates = []string{
	"internal/traffic/testdata/captures/app.pcap",
	"internal/traffic/testdata/captures/device.pcap",
	"internal/traffic/testdata/zeek/http_post.pcap",
	"internal/traffic/testdata/zeek/http_get-gzip.pcap",
	"internal/traffic/testdata/zeek/tls_chrome-34-google.pcap",
	"internal/traffic/testdata/zeek/tcp_reassembly.pcap",
}

type record struct {
	ts   time.Duration // from the template's first packet
	data []byte
}

func main() {
	sizeMB := flag.Int("size", 500, "size of the capture to write, in MB")
	out := flag.String("o", "big.pcap", "output file")
	flag.Parse()
	var tpl [][]record
	for _, p := range templates {
		tpl = append(tpl, load(p))
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], 1)
	w.Write(h)
	written := int64(24)
	clock := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	write := func(at time.Time, frame []byte) {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec, uint32(at.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(at.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(frame)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(frame)))
		w.Write(rec)
		w.Write(frame)
		written += int64(16 + len(frame))
	}
	packets := 0
	for round := 0; written < int64(*sizeMB)<<20; round++ {
		for _, t := range tpl {
			var last time.Duration
			for _, r := range t {
				frame := append([]byte(nil), r.data...)
				readdress(frame, round)
				write(clock.Add(r.ts), frame)
				last = r.ts
				packets++
			}
			clock = clock.Add(last + 100*time.Millisecond)
		}
		packets += bulk(write, &clock, round)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	f.Close()
	fmt.Printf("%s: %d packets, %d bytes\n", *out, packets, written)
}

func load(path string) []record {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(b[20:]) != 1 {
		log.Fatalf("%s: want a little-endian microsecond Ethernet pcap", path)
	}
	var out []record
	var first time.Time
	for p := 24; p+16 <= len(b); {
		sec, usec := binary.LittleEndian.Uint32(b[p:]), binary.LittleEndian.Uint32(b[p+4:])
		n := int(binary.LittleEndian.Uint32(b[p+8:]))
		at := time.Unix(int64(sec), int64(usec)*1000)
		if first.IsZero() {
			first = at
		}
		out = append(out, record{at.Sub(first), b[p+16 : p+16+n]})
		p += 16 + n
	}
	return out
}

// readdress moves a copy onto its own IPv4 addresses: the two middle
// bytes of both addresses become the round number.
func readdress(frame []byte, round int) {
	if len(frame) < 34 || binary.BigEndian.Uint16(frame[12:]) != 0x0800 {
		return
	}
	for _, off := range []int{14 + 12, 14 + 16} {
		frame[off+1] = byte(round >> 8)
		frame[off+2] = byte(round)
	}
}

// bulk writes one HTTP download of 1 MB from a server to a client.
func bulk(write func(time.Time, []byte), clock *time.Time, round int) int {
	cli := [4]byte{10, byte(round >> 8), byte(round), 2}
	srv := [4]byte{203, 0, 113, byte(round)}
	n := 0
	seg := func(from, to [4]byte, sport, dport uint16, seq uint32, flags byte, payload []byte) {
		frame := make([]byte, 54+len(payload))
		binary.BigEndian.PutUint16(frame[12:], 0x0800)
		ip := frame[14:]
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
		ip[8], ip[9] = 64, 6
		copy(ip[12:], from[:])
		copy(ip[16:], to[:])
		tcp := ip[20:]
		binary.BigEndian.PutUint16(tcp, sport)
		binary.BigEndian.PutUint16(tcp[2:], dport)
		binary.BigEndian.PutUint32(tcp[4:], seq)
		tcp[12], tcp[13] = 5<<4, flags
		copy(tcp[20:], payload)
		*clock = clock.Add(200 * time.Microsecond)
		write(*clock, frame)
		n++
	}
	req := []byte("GET /firmware.bin HTTP/1.1\r\nHost: cdn.example-lock.cn\r\n\r\n")
	seg(cli, srv, 50000, 80, 100, 0x02, nil)
	seg(srv, cli, 80, 50000, 900, 0x12, nil)
	seg(cli, srv, 50000, 80, 101, 0x18, req)
	body := make([]byte, 1448)
	head := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 1<<20))
	seg(srv, cli, 80, 50000, 901, 0x18, head)
	seq := uint32(901 + len(head))
	for sent := 0; sent < 1<<20; sent += len(body) {
		seg(srv, cli, 80, 50000, seq, 0x10, body)
		seq += uint32(len(body))
	}
	seg(cli, srv, 50000, 80, uint32(101+len(req)), 0x11, nil)
	seg(srv, cli, 80, 50000, seq, 0x11, nil)
	return n
}
