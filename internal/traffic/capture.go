package traffic

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"time"
)

// Link types (LINKTYPE_* of the tcpdump.org registry) the decoder reads.
const (
	LinkNull     = 0   // BSD loopback: a 4-byte address family in host order
	LinkEthernet = 1   // Ethernet II (and 802.1Q VLAN tags)
	LinkRaw      = 101 // raw IPv4 or IPv6
	LinkRawAlt1  = 12  // raw IP on some BSDs
	LinkRawAlt2  = 14  // raw IP on others
	Link80211    = 105 // 802.11 without a radio header
	LinkLoop     = 108 // OpenBSD loopback: the family in network order
	LinkSLL      = 113 // Linux cooked capture v1
	LinkRadiotap = 127 // radiotap + 802.11
	LinkIPv4     = 228
	LinkIPv6     = 229
	LinkSLL2     = 276 // Linux cooked capture v2
)

// MaxPacket bounds one captured packet: longer records are corrupt (no
// link captures more than 256 KiB in one frame).
const MaxPacket = 256 << 10

// maxBlock bounds one pcapng block.
const maxBlock = 16 << 20

// Packet is one captured frame. Data is valid until the next call to Next.
type Packet struct {
	Num     int // 1-based frame number, as Wireshark counts
	Time    time.Time
	Link    int
	Data    []byte
	OrigLen int
}

// PacketSource yields the packets of a capture in file order; Next returns
// io.EOF at the end.
type PacketSource interface {
	Next() (Packet, error)
	// Names are address → name records the capture carries (pcapng
	// name-resolution blocks).
	Names() map[netip.Addr]string
	// Comments are the capture's comments (pcapng section and packet
	// comments), bounded in number.
	Comments() []string
}

// ErrFormat is wrapped by errors about a capture's structure; ErrTruncated
// (which wraps ErrFormat) by a capture that ends inside a record.
var (
	ErrFormat    = errors.New("malformed capture")
	ErrTruncated = fmt.Errorf("%w: the file ends early", ErrFormat)
)

// NewSource reads a pcap or pcapng stream, told apart by its magic.
func NewSource(r io.Reader) (PacketSource, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes, no capture header", ErrFormat, len(head))
	}
	switch {
	case string(head) == "\x0a\x0d\x0d\x0a":
		return newPcapNG(br)
	default:
		return newPcap(br)
	}
}

// pcapReader reads the classic libpcap format.
type pcapReader struct {
	r     *bufio.Reader
	order binary.ByteOrder
	nano  bool
	link  int
	num   int
	buf   []byte
	hdr   [16]byte
}

func newPcap(r *bufio.Reader) (*pcapReader, error) {
	var h [24]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("%w: pcap header: %v", ErrFormat, err)
	}
	p := &pcapReader{r: r}
	switch binary.LittleEndian.Uint32(h[:4]) {
	case 0xa1b2c3d4:
		p.order = binary.LittleEndian
	case 0xa1b23c4d:
		p.order, p.nano = binary.LittleEndian, true
	case 0xd4c3b2a1:
		p.order = binary.BigEndian
	case 0x4d3cb2a1:
		p.order, p.nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("%w: magic %x is neither pcap nor pcapng", ErrFormat, h[:4])
	}
	if major := p.order.Uint16(h[4:]); major != 2 {
		return nil, fmt.Errorf("%w: pcap version %d (want 2)", ErrFormat, major)
	}
	// The link type's low 16 bits; the upper ones carry FCS flags.
	p.link = int(p.order.Uint32(h[20:]) & 0xffff)
	return p, nil
}

func (p *pcapReader) Names() map[netip.Addr]string { return nil }
func (p *pcapReader) Comments() []string           { return nil }

func (p *pcapReader) Next() (Packet, error) {
	n, err := io.ReadFull(p.r, p.hdr[:])
	if err == io.EOF {
		return Packet{}, io.EOF
	}
	if err != nil {
		return Packet{}, fmt.Errorf("%w: packet %d: record header cut after %d bytes", ErrTruncated, p.num+1, n)
	}
	sec, frac := p.order.Uint32(p.hdr[0:]), p.order.Uint32(p.hdr[4:])
	incl, orig := p.order.Uint32(p.hdr[8:]), p.order.Uint32(p.hdr[12:])
	if incl > MaxPacket {
		return Packet{}, fmt.Errorf("%w: packet %d: record of %d bytes (at most %d)", ErrFormat, p.num+1, incl, MaxPacket)
	}
	if cap(p.buf) < int(incl) {
		p.buf = make([]byte, incl, max(int(incl), 2048))
	}
	p.buf = p.buf[:incl]
	if n, err := io.ReadFull(p.r, p.buf); err != nil {
		return Packet{}, fmt.Errorf("%w: packet %d: data cut after %d of %d bytes", ErrTruncated, p.num+1, n, incl)
	}
	p.num++
	ns := int64(frac) * 1000
	if p.nano {
		ns = int64(frac)
	}
	return Packet{Num: p.num, Time: time.Unix(int64(sec), ns).UTC(), Link: p.link, Data: p.buf, OrigLen: int(orig)}, nil
}

// pcapngReader reads pcapng: sections, interfaces (each with its link
// type and time resolution), enhanced, simple and obsolete packet blocks,
// and name-resolution blocks; other blocks are skipped.
type pcapngReader struct {
	r        *bufio.Reader
	order    binary.ByteOrder
	ifaces   []ngIface
	num      int
	buf      []byte
	names    map[netip.Addr]string
	comments []string
}

type ngIface struct {
	link   int
	unit   float64 // seconds per timestamp unit
	offset int64   // seconds added to every timestamp (if_tsoffset)
}

// maxNames and maxComments bound what a capture's metadata may add.
const (
	maxNames    = 100_000
	maxComments = 1000
)

func newPcapNG(r *bufio.Reader) (*pcapngReader, error) {
	p := &pcapngReader{r: r, names: map[netip.Addr]string{}}
	typ, body, err := p.block()
	if err != nil {
		return nil, err
	}
	if typ != 0x0a0d0d0a {
		return nil, fmt.Errorf("%w: pcapng does not open with a section header", ErrFormat)
	}
	p.section(body)
	return p, nil
}

func (p *pcapngReader) Names() map[netip.Addr]string { return p.names }
func (p *pcapngReader) Comments() []string           { return p.comments }

// block reads one block: its type and body (valid until the next call).
func (p *pcapngReader) block() (uint32, []byte, error) {
	var h [8]byte
	n, err := io.ReadFull(p.r, h[:])
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%w: block header cut after %d bytes", ErrTruncated, n)
	}
	if string(h[:4]) == "\x0a\x0d\x0d\x0a" {
		// A section header sets the byte order: peek at its magic.
		m, err := p.r.Peek(4)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: section header cut", ErrTruncated)
		}
		switch {
		case m[0] == 0x4d && m[1] == 0x3c:
			p.order = binary.LittleEndian
		case m[0] == 0x1a && m[1] == 0x2b:
			p.order = binary.BigEndian
		default:
			return 0, nil, fmt.Errorf("%w: section byte-order magic %x", ErrFormat, m)
		}
	}
	if p.order == nil {
		return 0, nil, fmt.Errorf("%w: block before any section header", ErrFormat)
	}
	typ, total := p.order.Uint32(h[:4]), p.order.Uint32(h[4:])
	if total < 12 || total%4 != 0 || total > maxBlock {
		return 0, nil, fmt.Errorf("%w: block of type %#x claims %d bytes", ErrFormat, typ, total)
	}
	size := int(total) - 8
	if cap(p.buf) < size {
		p.buf = make([]byte, size)
	}
	p.buf = p.buf[:size]
	if n, err := io.ReadFull(p.r, p.buf); err != nil {
		return 0, nil, fmt.Errorf("%w: block of type %#x cut after %d of %d bytes", ErrTruncated, typ, n+8, total)
	}
	if p.order.Uint32(p.buf[size-4:]) != total {
		return 0, nil, fmt.Errorf("%w: block of type %#x: trailing length differs", ErrFormat, typ)
	}
	return typ, p.buf[:size-4], nil
}

// section starts a new section: interfaces are numbered afresh.
func (p *pcapngReader) section(body []byte) {
	p.ifaces = p.ifaces[:0]
	if len(body) >= 16 {
		p.options(body[16:], nil)
	}
}

// options walks an options list; onOpt sees each option but comments,
// which are kept.
func (p *pcapngReader) options(b []byte, onOpt func(code uint16, v []byte)) {
	for len(b) >= 4 {
		code, n := p.order.Uint16(b), int(p.order.Uint16(b[2:]))
		if code == 0 || 4+n > len(b) {
			return
		}
		v := b[4 : 4+n]
		if code == 1 && len(p.comments) < maxComments {
			p.comments = append(p.comments, string(v[:min(len(v), 1000)]))
		} else if onOpt != nil {
			onOpt(code, v)
		}
		b = b[min(len(b), 4+(n+3)&^3):]
	}
}

func (p *pcapngReader) Next() (Packet, error) {
	for {
		typ, body, err := p.block()
		if err != nil {
			return Packet{}, err
		}
		switch typ {
		case 0x0a0d0d0a:
			p.section(body)
		case 1: // interface description
			if len(body) < 8 {
				return Packet{}, fmt.Errorf("%w: interface block of %d bytes", ErrFormat, len(body))
			}
			ifc := ngIface{link: int(p.order.Uint16(body)), unit: 1e-6}
			p.options(body[8:], func(code uint16, v []byte) {
				switch {
				case code == 9 && len(v) == 1: // if_tsresol
					if v[0]&0x80 != 0 {
						ifc.unit = math.Pow(2, -float64(v[0]&0x7f))
					} else {
						ifc.unit = math.Pow(10, -float64(v[0]))
					}
				case code == 14 && len(v) == 8: // if_tsoffset
					ifc.offset = int64(p.order.Uint64(v))
				}
			})
			if len(p.ifaces) < 4096 {
				p.ifaces = append(p.ifaces, ifc)
			}
		case 6, 2: // enhanced packet, obsolete packet
			if len(body) < 20 {
				return Packet{}, fmt.Errorf("%w: packet block of %d bytes", ErrFormat, len(body))
			}
			var id int
			if typ == 6 {
				id = int(p.order.Uint32(body))
			} else {
				id = int(p.order.Uint16(body))
			}
			ts := uint64(p.order.Uint32(body[4:]))<<32 | uint64(p.order.Uint32(body[8:]))
			caplen, orig := int(p.order.Uint32(body[12:])), int(p.order.Uint32(body[16:]))
			if id >= len(p.ifaces) {
				return Packet{}, fmt.Errorf("%w: packet %d names interface %d of %d", ErrFormat, p.num+1, id, len(p.ifaces))
			}
			if caplen > len(body)-20 || caplen > MaxPacket {
				return Packet{}, fmt.Errorf("%w: packet %d: %d captured bytes in a block of %d", ErrFormat, p.num+1, caplen, len(body))
			}
			if end := 20 + (caplen+3)&^3; end <= len(body) {
				p.options(body[end:], nil)
			}
			p.num++
			ifc := p.ifaces[id]
			return Packet{Num: p.num, Time: ngTime(ts, ifc.unit).Add(time.Duration(ifc.offset) * time.Second), Link: ifc.link, Data: body[20 : 20+caplen], OrigLen: orig}, nil
		case 3: // simple packet: interface 0, no time
			if len(body) < 4 || len(p.ifaces) == 0 {
				return Packet{}, fmt.Errorf("%w: simple packet block without an interface", ErrFormat)
			}
			orig := int(p.order.Uint32(body))
			data := body[4:]
			if orig < len(data) {
				data = data[:orig]
			}
			p.num++
			return Packet{Num: p.num, Link: p.ifaces[0].link, Data: data, OrigLen: orig}, nil
		case 4: // name resolution
			p.nameRecords(body)
		}
	}
}

func ngTime(ts uint64, unit float64) time.Time {
	if unit == 1e-6 {
		return time.UnixMicro(int64(ts)).UTC()
	}
	if unit == 1e-9 {
		return time.Unix(0, int64(ts)).UTC()
	}
	sec := float64(ts) * unit
	whole := math.Floor(sec)
	return time.Unix(int64(whole), int64((sec-whole)*1e9)).UTC()
}

func (p *pcapngReader) nameRecords(b []byte) {
	for len(b) >= 4 {
		typ, n := p.order.Uint16(b), int(p.order.Uint16(b[2:]))
		if typ == 0 || 4+n > len(b) {
			return
		}
		v := b[4 : 4+n]
		var addr netip.Addr
		var names []byte
		switch {
		case typ == 1 && n > 4:
			addr, names = netip.AddrFrom4([4]byte(v[:4])), v[4:]
		case typ == 2 && n > 16:
			addr, names = netip.AddrFrom16([16]byte(v[:16])), v[16:]
		}
		if addr.IsValid() && len(p.names) < maxNames {
			if i := indexByte(names, 0); i > 0 {
				p.names[addr] = string(names[:min(i, 253)])
			}
		}
		b = b[min(len(b), 4+(n+3)&^3):]
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
