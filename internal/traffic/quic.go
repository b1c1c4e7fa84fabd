package traffic

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// QUIC's Initial packets are encrypted with keys anyone can derive from
// the connection id the client chose (RFC 9001 §5.2; QUIC v2, RFC 9369,
// changes the salt and labels). Decrypting the client's first flight
// gives its ClientHello: the server name, ALPN and a JA4 ("q").

const (
	quicV1 = 0x00000001
	quicV2 = 0x6b3343cf
)

var (
	quicSaltV1 = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	quicSaltV2 = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
)

var errQUIC = errors.New("not a QUIC Initial packet hegui can read")

// quicState gathers a client's Initial CRYPTO data until its ClientHello
// is whole.
type quicState struct {
	crypto []byte
	have   []bool
	done   bool
	tries  int
	failed int
	odcid  []byte // the connection id the Initial keys come from
	first  Where
}

// maxQUICTries bounds the client datagrams decrypted per flow.
const maxQUICTries = 16

// maxQUICCrypto bounds the CRYPTO bytes gathered for one ClientHello.
const maxQUICCrypto = 64 << 10

// isQUICInitial tells a datagram opening with a QUIC v1 or v2 Initial.
func isQUICInitial(b []byte) bool {
	if len(b) < 7 || b[0]&0xc0 != 0xc0 {
		return false
	}
	v := binary.BigEndian.Uint32(b[1:])
	typ := (b[0] >> 4) & 3
	return v == quicV1 && typ == 0 || v == quicV2 && typ == 1
}

// quicDatagram reads the Initial packets of one client datagram into q;
// it returns the ClientHello once it is whole.
func quicDatagram(q *quicState, b []byte) (*Hello, error) {
	for len(b) > 0 && isQUICInitial(b) && !q.done {
		n, err := quicInitial(q, b)
		if err != nil {
			return nil, err
		}
		b = b[n:]
		if h := q.hello(); h != nil {
			q.done = true
			return h, nil
		}
	}
	return nil, nil
}

// quicVarint reads a variable-length integer (RFC 9000 §16).
func quicVarint(b []byte) (uint64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	n := 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0, false
	}
	v := uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n, true
}

// quicInitial decrypts one Initial packet and files its CRYPTO frames;
// it returns the packet's length in the datagram.
func quicInitial(q *quicState, b []byte) (int, error) {
	version := binary.BigEndian.Uint32(b[1:])
	p := 5
	if p >= len(b) {
		return 0, errQUIC
	}
	dcidLen := int(b[p])
	p++
	if dcidLen > 20 || p+dcidLen >= len(b) {
		return 0, errQUIC
	}
	dcid := b[p : p+dcidLen]
	p += dcidLen
	scidLen := int(b[p])
	p += 1 + scidLen
	tokLen, n, ok := quicVarint(b[min(p, len(b)):])
	if !ok || tokLen > uint64(len(b)) {
		return 0, errQUIC
	}
	p += n + int(tokLen)
	length, n, ok := quicVarint(b[min(p, len(b)):])
	if !ok || length > uint64(len(b)) {
		return 0, errQUIC
	}
	p += n
	pnOff := p
	end := pnOff + int(length)
	if end > len(b) || length < 20 {
		return 0, errQUIC
	}
	// Initial keys come from the connection id of the client's first
	// Initial, even after it moves to the server's (RFC 9001 §5.2).
	keyID := dcid
	if q.odcid != nil {
		keyID = q.odcid
	}
	plain, err := quicOpen(version, keyID, b, pnOff, end)
	if err != nil && q.odcid != nil {
		keyID = dcid // after a Retry the keys follow the new id
		plain, err = quicOpen(version, keyID, b, pnOff, end)
	}
	if err != nil {
		return 0, err
	}
	if q.odcid == nil {
		q.odcid = append([]byte(nil), keyID...)
	}
	if err := q.frames(plain); err != nil {
		return 0, err
	}
	return end, nil
}

// quicOpen removes header protection from the Initial packet b[:end]
// (its packet number at pnOff) and decrypts its payload with the keys of
// connection id cid.
func quicOpen(version uint32, cid, b []byte, pnOff, end int) ([]byte, error) {
	salt, label := quicSaltV1, "quic "
	if version == quicV2 {
		salt, label = quicSaltV2, "quicv2 "
	}
	secret, err := hkdf.Extract(sha256.New, cid, salt)
	if err != nil {
		return nil, err
	}
	client, err := expandLabel(secret, "client in", 32)
	if err != nil {
		return nil, err
	}
	key, _ := expandLabel(client, label+"key", 16)
	iv, _ := expandLabel(client, label+"iv", 12)
	hp, _ := expandLabel(client, label+"hp", 16)
	// Header protection: a mask from a sample of the ciphertext.
	hpc, err := aes.NewCipher(hp)
	if err != nil {
		return nil, err
	}
	if pnOff+4+16 > len(b) {
		return nil, errQUIC
	}
	var mask [16]byte
	hpc.Encrypt(mask[:], b[pnOff+4:pnOff+4+16])
	header := make([]byte, pnOff+4)
	copy(header, b[:pnOff+4])
	header[0] ^= mask[0] & 0x0f
	pnLen := int(header[0]&3) + 1
	var pn uint64
	for i := 0; i < pnLen; i++ {
		header[pnOff+i] ^= mask[1+i]
		pn = pn<<8 | uint64(header[pnOff+i])
	}
	header = header[:pnOff+pnLen]
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 12)
	copy(nonce, iv)
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(pn >> (8 * i))
	}
	plain, err := gcm.Open(nil, nonce, b[pnOff+pnLen:end], header)
	if err != nil {
		return nil, errQUIC
	}
	return plain, nil
}

// frames files the CRYPTO frames of a decrypted Initial payload, passing
// over padding, PING, ACK and CONNECTION_CLOSE.
func (q *quicState) frames(b []byte) error {
	for len(b) > 0 {
		typ, n, ok := quicVarint(b)
		if !ok {
			return errQUIC
		}
		b = b[n:]
		switch typ {
		case 0x00, 0x01: // PADDING, PING
		case 0x02, 0x03: // ACK
			var vals [4]uint64
			for i := range vals {
				if vals[i], n, ok = quicVarint(b); !ok {
					return errQUIC
				}
				b = b[n:]
			}
			for i := uint64(0); i < vals[2]*2; i++ { // ranges: gap, length
				if _, n, ok = quicVarint(b); !ok || i > 1000 {
					return errQUIC
				}
				b = b[n:]
			}
			if typ == 0x03 {
				for range 3 {
					if _, n, ok = quicVarint(b); !ok {
						return errQUIC
					}
					b = b[n:]
				}
			}
		case 0x06: // CRYPTO
			off, n1, ok1 := quicVarint(b)
			if !ok1 {
				return errQUIC
			}
			l, n2, ok2 := quicVarint(b[n1:])
			if !ok2 || uint64(len(b)) < uint64(n1+n2)+l {
				return errQUIC
			}
			data := b[n1+n2 : n1+n2+int(l)]
			b = b[n1+n2+int(l):]
			if off+l > maxQUICCrypto {
				return errQUIC
			}
			if int(off+l) > len(q.crypto) {
				q.crypto = append(q.crypto, make([]byte, int(off+l)-len(q.crypto))...)
				q.have = append(q.have, make([]bool, int(off+l)-len(q.have))...)
			}
			copy(q.crypto[off:], data)
			for i := off; i < off+l; i++ {
				q.have[i] = true
			}
		case 0x1c, 0x1d: // CONNECTION_CLOSE
			return nil
		default:
			return nil // a frame an Initial should not carry: stop here
		}
	}
	return nil
}

// hello parses the ClientHello once the CRYPTO stream holds all of it.
func (q *quicState) hello() *Hello {
	if len(q.crypto) < 4 || !q.have[0] || !q.have[1] || !q.have[2] || !q.have[3] || q.crypto[0] != 1 {
		return nil
	}
	n := 4 + int(uint32(q.crypto[1])<<16|uint32(q.crypto[2])<<8|uint32(q.crypto[3]))
	if len(q.have) < n {
		return nil
	}
	for _, h := range q.have[:n] {
		if !h {
			return nil
		}
	}
	h, err := parseClientHello(q.crypto[4:n])
	if err != nil {
		return nil
	}
	h.JA4 = "q" + h.JA4[1:]
	return &h
}

// expandLabel is TLS 1.3's HKDF-Expand-Label with an empty context.
func expandLabel(secret []byte, label string, n int) ([]byte, error) {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, 0)
	return hkdf.Expand(sha256.New, secret, string(info), n)
}
