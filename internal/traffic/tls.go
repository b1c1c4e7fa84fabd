package traffic

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Hello is what a TLS ClientHello tells in clear: the server name, the
// application protocols, and the client's JA4 fingerprint.
type Hello struct {
	SNI   string
	ALPN  []string
	JA4   string
	Where Where
}

func isTLSHandshake(b []byte) bool {
	return len(b) >= 3 && b[0] == 0x16 && b[1] == 0x03 && b[2] <= 0x04
}

// maxHello bounds the handshake bytes gathered for one ClientHello.
const maxHello = 64 << 10

type tlsParser struct{}

func (tlsParser) parse(c *conn, b []byte, at func(int) Where, final bool) (int, int64, bool) {
	// Gather the handshake message across records.
	var hs []byte
	pos := 0
	for pos+5 <= len(b) && len(hs) < maxHello {
		if b[pos] != 0x16 {
			break
		}
		n := int(binary.BigEndian.Uint16(b[pos+3:]))
		if pos+5+n > len(b) {
			break
		}
		hs = append(hs, b[pos+5:pos+5+n]...)
		pos += 5 + n
		if len(hs) >= 4 && len(hs) >= 4+int(uint32(hs[1])<<16|uint32(hs[2])<<8|uint32(hs[3])) {
			break
		}
	}
	if len(hs) >= 4 && hs[0] == 1 {
		n := int(uint32(hs[1])<<16 | uint32(hs[2])<<8 | uint32(hs[3]))
		if len(hs) >= 4+n {
			h, err := parseClientHello(hs[4 : 4+n])
			if err != nil {
				c.tap.malformed("tls", err.Error(), at(0))
			} else {
				h.Where = at(0)
				c.tap.hello(c, h, "t")
			}
			return 0, 0, true
		}
		if n > maxHello {
			c.tap.malformed("tls", "ClientHello longer than 64 KiB", at(0))
			return 0, 0, true
		}
	} else if len(hs) >= 4 {
		return 0, 0, true // not a ClientHello: the rest is encrypted
	}
	if final || len(b) > maxHello+5*16 {
		return 0, 0, true
	}
	return 0, 0, false
}

// reader reads big-endian fields from a byte slice; a read past the end
// marks it bad and returns zeros.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() int {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return int(v)
}

func (r *reader) u16() int {
	if len(r.b) < 2 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// grease tells the reserved GREASE values (RFC 8701), which JA4 leaves out.
func grease(v int) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// parseClientHello reads a ClientHello body (after its 4-byte header).
func parseClientHello(b []byte) (Hello, error) {
	r := &reader{b: b}
	legacy := r.u16()
	r.bytes(32)
	r.bytes(r.u8())
	cs := &reader{b: r.bytes(r.u16())}
	var ciphers []int
	for len(cs.b) >= 2 {
		if v := cs.u16(); !grease(v) {
			ciphers = append(ciphers, v)
		}
	}
	r.bytes(r.u8())
	if r.bad {
		return Hello{}, fmt.Errorf("ClientHello cut before its extensions")
	}
	var h Hello
	var exts, sigs []int
	version := legacy
	if len(r.b) >= 2 {
		ex := &reader{b: r.bytes(r.u16())}
		for len(ex.b) >= 4 && !ex.bad {
			typ := ex.u16()
			data := &reader{b: ex.bytes(ex.u16())}
			if grease(typ) {
				continue
			}
			exts = append(exts, typ)
			switch typ {
			case 0: // server_name
				list := &reader{b: data.bytes(data.u16())}
				for len(list.b) > 3 {
					kind := list.u8()
					name := list.bytes(list.u16())
					if kind == 0 && h.SNI == "" && !list.bad {
						h.SNI = strings.ToLower(string(name))
					}
				}
			case 16: // ALPN
				list := &reader{b: data.bytes(data.u16())}
				for len(list.b) > 0 && !list.bad && len(h.ALPN) < 16 {
					if p := list.bytes(list.u8()); len(p) > 0 {
						h.ALPN = append(h.ALPN, string(p))
					}
				}
			case 43: // supported_versions
				list := &reader{b: data.bytes(data.u8())}
				for len(list.b) >= 2 {
					if v := list.u16(); !grease(v) && v > version && v <= 0x0304 {
						version = v
					}
				}
			case 13: // signature_algorithms
				list := &reader{b: data.bytes(data.u16())}
				for len(list.b) >= 2 {
					if v := list.u16(); !grease(v) {
						sigs = append(sigs, v)
					}
				}
			}
		}
		if ex.bad {
			return Hello{}, fmt.Errorf("ClientHello extensions overrun their length")
		}
	}
	if h.SNI != "" && !validHost(h.SNI) {
		h.SNI = ""
	}
	h.JA4 = ja4("t", version, h.SNI != "", ciphers, exts, sigs, h.ALPN)
	return h, nil
}

// ja4 computes the JA4 TLS client fingerprint (FoxIO's JA4 specification,
// BSD-3-Clause): protocol, version, SNI, counts and first ALPN, then
// truncated hashes of the sorted ciphers and of the sorted extensions
// with the signature algorithms.
func ja4(proto string, version int, sni bool, ciphers, exts, sigs []int, alpn []string) string {
	ver := map[int]string{0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}[version]
	if ver == "" {
		ver = "00"
	}
	d := "i"
	if sni {
		d = "d"
	}
	a := "00"
	if len(alpn) > 0 && alpn[0] != "" {
		p := alpn[0]
		first, last := p[0], p[len(p)-1]
		if first > 0x7f || last > 0x7f || !isAlnum(first) || !isAlnum(last) {
			hx := hex.EncodeToString([]byte(p))
			a = string(hx[0]) + string(hx[len(hx)-1])
		} else {
			a = string(first) + string(last)
		}
	}
	hexList := func(vs []int) string {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = fmt.Sprintf("%04x", v)
		}
		return strings.Join(s, ",")
	}
	hash12 := func(s string) string {
		if s == "" {
			return "000000000000"
		}
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])[:12]
	}
	sc := slices.Clone(ciphers)
	slices.Sort(sc)
	var se []int
	for _, e := range exts {
		if e != 0 && e != 16 {
			se = append(se, e)
		}
	}
	slices.Sort(se)
	extPart := hexList(se)
	if len(sigs) > 0 {
		extPart += "_" + hexList(sigs)
	}
	if len(se) == 0 {
		extPart = ""
	}
	return fmt.Sprintf("%s%s%s%02d%02d%s_%s_%s", proto, ver, d, min(len(ciphers), 99), min(len(exts), 99), a, hash12(hexList(sc)), hash12(extPart))
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// validHost tells a plausible DNS name.
func validHost(h string) bool {
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(isAlnum(c) || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
