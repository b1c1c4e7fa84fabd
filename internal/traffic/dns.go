package traffic

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
)

// DNSMessage is what a DNS message tells: the name asked and, in a
// response, the addresses it resolves to.
type DNSMessage struct {
	Response bool
	Name     string
	Addrs    []netip.Addr
	Where    Where
}

var errDNS = errors.New("malformed DNS message")

// maxDNSRecords bounds the records read from one message.
const maxDNSRecords = 64

// parseDNS reads a DNS message over UDP.
func parseDNS(b []byte) (DNSMessage, error) {
	if len(b) < 12 {
		return DNSMessage{}, errDNS
	}
	var m DNSMessage
	m.Response = b[2]&0x80 != 0
	qd, an := int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:]))
	pos := 12
	for i := 0; i < qd && i < maxDNSRecords; i++ {
		name, next, err := dnsName(b, pos)
		if err != nil {
			return m, err
		}
		if i == 0 {
			m.Name = name
		}
		pos = next + 4
		if pos > len(b) {
			return m, errDNS
		}
	}
	if !m.Response {
		return m, nil
	}
	for i := 0; i < an && i < maxDNSRecords; i++ {
		_, next, err := dnsName(b, pos)
		if err != nil || next+10 > len(b) {
			return m, errDNS
		}
		typ := binary.BigEndian.Uint16(b[next:])
		n := int(binary.BigEndian.Uint16(b[next+8:]))
		data := next + 10
		if data+n > len(b) {
			return m, errDNS
		}
		switch {
		case typ == 1 && n == 4:
			m.Addrs = append(m.Addrs, netip.AddrFrom4([4]byte(b[data:data+4])))
		case typ == 28 && n == 16:
			m.Addrs = append(m.Addrs, netip.AddrFrom16([16]byte(b[data:data+16])))
		}
		pos = data + n
	}
	return m, nil
}

// dnsName reads a possibly compressed name at off: the name, the offset
// after it in the message, and an error for loops, overruns and names
// longer than 255 bytes.
func dnsName(b []byte, off int) (string, int, error) {
	var sb strings.Builder
	end := -1
	for jumps := 0; ; {
		if off >= len(b) {
			return "", 0, errDNS
		}
		l := int(b[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.ToLower(sb.String()), end, nil
		case l&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, errDNS
			}
			if end < 0 {
				end = off + 2
			}
			jumps++
			if jumps > 16 {
				return "", 0, errDNS // a compression loop
			}
			off = int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
		case l&0xc0 != 0:
			return "", 0, errDNS
		default:
			if off+1+l > len(b) || sb.Len()+l+1 > 255 {
				return "", 0, errDNS
			}
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.Write(b[off+1 : off+1+l])
			off += 1 + l
		}
	}
}
