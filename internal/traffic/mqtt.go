package traffic

import (
	"encoding/binary"
)

// MQTT packet types (3.1.1 and 5).
const (
	mqttConnect = 1
	mqttPublish = 3
)

// MQTTMessage is an MQTT CONNECT or PUBLISH a client sent.
type MQTTMessage struct {
	Type        int // mqttConnect or mqttPublish
	Level       int // protocol level: 3 (3.1), 4 (3.1.1), 5
	ClientID    string
	Username    string
	HasPassword bool
	Topic       string
	Payload     []byte // at most maxMQTTPayload
	Truncated   bool
	Where       Where
}

const maxMQTTPayload = 256 << 10

// isMQTTConnect tells a client stream opening with an MQTT CONNECT.
func isMQTTConnect(b []byte) bool {
	if len(b) < 8 || b[0] != 0x10 {
		return false
	}
	_, n, ok := mqttLength(b[1:])
	if !ok || len(b) < 1+n+8 {
		return false
	}
	v := b[1+n:]
	l := int(binary.BigEndian.Uint16(v))
	return l >= 4 && l <= 6 && len(v) >= 2+l && (string(v[2:2+l]) == "MQTT" || string(v[2:2+l]) == "MQIsdp")
}

// mqttLength reads a remaining-length varint: its value, its size, and
// whether it is complete and at most four bytes.
func mqttLength(b []byte) (int, int, bool) {
	v, mul := 0, 1
	for i := 0; i < 4; i++ {
		if i >= len(b) {
			return 0, 0, false
		}
		v += int(b[i]&0x7f) * mul
		if b[i]&0x80 == 0 {
			return v, i + 1, true
		}
		mul *= 128
	}
	return 0, 0, false
}

type mqttParser struct {
	level int
}

func (p *mqttParser) parse(c *conn, b []byte, at func(int) Where, final bool) (int, int64, bool) {
	if len(b) < 2 {
		return 0, 0, final
	}
	rem, n, ok := mqttLength(b[1:])
	if !ok {
		if len(b) >= 5 {
			c.tap.malformed("mqtt", "remaining length longer than four bytes", at(0))
			return 0, 0, true
		}
		return 0, 0, final
	}
	total := 1 + n + rem
	typ := int(b[0] >> 4)
	if len(b) < total {
		// A message longer than the stream keeps: read its beginning
		// (a PUBLISH topic) and pass over the rest.
		if rem > maxMQTTPayload && len(b) >= 1+n+2 {
			if typ == mqttPublish {
				p.message(c, b[0], b[1+n:], true, at(0))
			}
			return len(b), int64(total - len(b)), false
		}
		if final {
			return 0, 0, true
		}
		return 0, 0, false
	}
	body := b[1+n : total]
	switch typ {
	case mqttConnect, mqttPublish:
		p.message(c, b[0], body, false, at(0))
	}
	return total, 0, false
}

func (p *mqttParser) message(c *conn, head byte, body []byte, truncated bool, w Where) {
	r := &reader{b: body}
	m := &MQTTMessage{Type: int(head >> 4), Where: w, Truncated: truncated}
	switch m.Type {
	case mqttConnect:
		name := r.bytes(r.u16())
		p.level = r.u8()
		flags := r.u8()
		r.u16() // keep-alive
		if p.level == 5 {
			p.skipProps(r)
		}
		m.Level = p.level
		m.ClientID = string(r.bytes(r.u16()))
		if flags&0x04 != 0 { // will
			if p.level == 5 {
				p.skipProps(r)
			}
			r.bytes(r.u16())
			r.bytes(r.u16())
		}
		if flags&0x80 != 0 {
			m.Username = string(r.bytes(r.u16()))
		}
		m.HasPassword = flags&0x40 != 0
		if r.bad || (string(name) != "MQTT" && string(name) != "MQIsdp") {
			c.tap.malformed("mqtt", "CONNECT fields overrun the packet", w)
			return
		}
	case mqttPublish:
		m.Level = p.level
		m.Topic = string(r.bytes(r.u16()))
		if (head>>1)&3 > 0 {
			r.u16() // packet id
		}
		if p.level == 5 {
			p.skipProps(r)
		}
		if r.bad {
			c.tap.malformed("mqtt", "PUBLISH fields overrun the packet", w)
			return
		}
		m.Payload = r.b[:min(len(r.b), maxMQTTPayload)]
	}
	c.tap.mqtt(c, m)
}

// skipProps passes over an MQTT 5 property list.
func (p *mqttParser) skipProps(r *reader) {
	n, k, ok := mqttLength(r.b)
	if !ok {
		r.bad = true
		return
	}
	r.bytes(k)
	r.bytes(n)
}
