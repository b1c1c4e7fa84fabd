package traffic

import (
	"encoding/binary"
	"net/netip"
)

// Transport protocols.
const (
	protoTCP = 6
	protoUDP = 17
)

// TCP flags.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagACK = 0x10
)

// segment is a decoded transport segment of one packet.
type segment struct {
	src, dst     netip.Addr
	proto        uint8
	sport, dport uint16
	flags        uint8
	seq          uint32
	payload      []byte
	wire         int // the IP packet's length on the wire
	fragment     bool
	encrypted    bool // an 802.11 frame with the protected bit
}

// decodeStats counts what the decoder could not read.
type decodeStats struct {
	links     map[int]int // unsupported link types
	short     int         // headers cut by the snap length or corrupt
	fragments int         // IP fragments after the first (not reassembled)
	wifi      int         // protected 802.11 frames
}

// decode reads a packet down to its transport payload. It returns false
// when the packet carries no TCP or UDP segment hegui reads.
func decode(p Packet, st *decodeStats, s *segment) bool {
	b := p.Data
	var etype uint16
	switch p.Link {
	case LinkEthernet:
		if len(b) < 14 {
			st.short++
			return false
		}
		etype, b = binary.BigEndian.Uint16(b[12:]), b[14:]
		for (etype == 0x8100 || etype == 0x88a8 || etype == 0x9100) && len(b) >= 4 {
			etype, b = binary.BigEndian.Uint16(b[2:]), b[4:]
		}
	case LinkRaw, LinkRawAlt1, LinkRawAlt2, LinkIPv4, LinkIPv6:
		etype = ipVersionType(b)
	case LinkNull, LinkLoop:
		if len(b) < 4 {
			st.short++
			return false
		}
		b = b[4:]
		etype = ipVersionType(b)
	case LinkSLL:
		if len(b) < 16 {
			st.short++
			return false
		}
		etype, b = binary.BigEndian.Uint16(b[14:]), b[16:]
	case LinkSLL2:
		if len(b) < 20 {
			st.short++
			return false
		}
		etype, b = binary.BigEndian.Uint16(b), b[20:]
	case LinkRadiotap:
		if len(b) < 4 {
			st.short++
			return false
		}
		n := int(binary.LittleEndian.Uint16(b[2:]))
		if n > len(b) || n < 8 {
			st.short++
			return false
		}
		var ok bool
		if etype, b, ok = dot11(b[n:], st, s); !ok {
			return false
		}
	case Link80211:
		var ok bool
		if etype, b, ok = dot11(b, st, s); !ok {
			return false
		}
	default:
		if st.links == nil {
			st.links = map[int]int{}
		}
		st.links[p.Link]++
		return false
	}
	switch etype {
	case 0x0800:
		return ipv4(b, st, s)
	case 0x86dd:
		return ipv6(b, st, s)
	}
	return false
}

func ipVersionType(b []byte) uint16 {
	if len(b) == 0 {
		return 0
	}
	switch b[0] >> 4 {
	case 4:
		return 0x0800
	case 6:
		return 0x86dd
	}
	return 0
}

// dot11 reads an 802.11 data frame down to its LLC/SNAP ether type.
func dot11(b []byte, st *decodeStats, s *segment) (uint16, []byte, bool) {
	if len(b) < 24 {
		st.short++
		return 0, nil, false
	}
	fc0, fc1 := b[0], b[1]
	if (fc0>>2)&3 != 2 { // not a data frame
		return 0, nil, false
	}
	if fc1&0x40 != 0 {
		st.wifi++
		s.encrypted = true
		return 0, nil, false
	}
	n := 24
	if fc1&3 == 3 {
		n += 6 // four addresses
	}
	if fc0&0x80 != 0 {
		n += 2 // QoS control
	}
	if len(b) < n+8 {
		st.short++
		return 0, nil, false
	}
	llc := b[n:]
	if llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 {
		return 0, nil, false
	}
	return binary.BigEndian.Uint16(llc[6:]), llc[8:], true
}

func ipv4(b []byte, st *decodeStats, s *segment) bool {
	if len(b) < 20 || b[0]>>4 != 4 {
		st.short++
		return false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || total < ihl || len(b) < ihl {
		st.short++
		return false
	}
	s.wire = total
	if total < len(b) {
		b = b[:total] // Ethernet padding
	}
	frag := binary.BigEndian.Uint16(b[6:])
	if frag&0x1fff != 0 {
		st.fragments++
		return false
	}
	s.fragment = frag&0x2000 != 0
	s.src = netip.AddrFrom4([4]byte(b[12:16]))
	s.dst = netip.AddrFrom4([4]byte(b[16:20]))
	return transport(b[9], b[ihl:], st, s)
}

func ipv6(b []byte, st *decodeStats, s *segment) bool {
	if len(b) < 40 || b[0]>>4 != 6 {
		st.short++
		return false
	}
	plen := int(binary.BigEndian.Uint16(b[4:]))
	s.wire = 40 + plen
	next := b[6]
	s.src = netip.AddrFrom16([16]byte(b[8:24]))
	s.dst = netip.AddrFrom16([16]byte(b[24:40]))
	b = b[40:]
	if plen < len(b) {
		b = b[:plen]
	}
	for range 8 {
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(b) < 8 {
				st.short++
				return false
			}
			n := (int(b[1]) + 1) * 8
			if n > len(b) {
				st.short++
				return false
			}
			next, b = b[0], b[n:]
			continue
		case 44: // fragment
			if len(b) < 8 {
				st.short++
				return false
			}
			off := binary.BigEndian.Uint16(b[2:])
			if off&0xfff8 != 0 {
				st.fragments++
				return false
			}
			s.fragment = off&1 != 0
			next, b = b[0], b[8:]
			continue
		}
		break
	}
	return transport(next, b, st, s)
}

func transport(proto byte, b []byte, st *decodeStats, s *segment) bool {
	s.proto = proto
	switch proto {
	case protoTCP:
		if len(b) < 20 {
			st.short++
			return false
		}
		off := int(b[12]>>4) * 4
		if off < 20 || off > len(b) {
			st.short++
			return false
		}
		s.sport, s.dport = binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
		s.seq = binary.BigEndian.Uint32(b[4:])
		s.flags = b[13]
		s.payload = b[off:]
		return true
	case protoUDP:
		if len(b) < 8 {
			st.short++
			return false
		}
		s.sport, s.dport = binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
		n := int(binary.BigEndian.Uint16(b[4:]))
		if n >= 8 && n < len(b) {
			b = b[:n]
		}
		s.payload = b[8:]
		return true
	}
	return false
}
