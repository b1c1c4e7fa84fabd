package traffic

import (
	"net/netip"
	"slices"
	"time"
)

// Bounds of the reassembler: memory stays flat whatever the capture's
// size.
const (
	// maxUpBuffer and maxDownBuffer bound the unparsed bytes a stream
	// keeps (a message longer than that is read in part).
	maxUpBuffer   = 1 << 20
	maxDownBuffer = 256 << 10
	// maxPending bounds the out-of-order segments kept per stream.
	maxPending = 256
	// maxBuffered bounds the bytes kept across all streams.
	maxBuffered = 256 << 20
	// maxFlows bounds the flows tracked at once; idle ones go first.
	maxFlows = 50_000
	// idleAfter ends a flow not seen for this long (capture time).
	idleAfter = 5 * time.Minute
)

// flowKey names a flow whichever way a packet goes.
type flowKey struct {
	lo, hi netip.AddrPort
	proto  uint8
}

func keyOf(s *segment) (flowKey, bool) {
	a, b := netip.AddrPortFrom(s.src, s.sport), netip.AddrPortFrom(s.dst, s.dport)
	if lessAP(b, a) {
		return flowKey{b, a, s.proto}, false
	}
	return flowKey{a, b, s.proto}, true
}

func lessAP(a, b netip.AddrPort) bool {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c < 0
	}
	return a.Port() < b.Port()
}

// Flow is one TCP connection or UDP conversation.
type Flow struct {
	ID             int // per protocol in order of first packet, from 0 (Wireshark's tcp.stream, udp.stream)
	Proto          uint8
	Client, Server netip.AddrPort
	First, Last    time.Time
	FirstPacket    int
	Up, Down       int64 // bytes on the wire, client to server and back
	PacketsUp      int
	PacketsDown    int
	Gaps           int // bytes missing from the reassembled streams
	host, scheme   string
	dnsName        string
	drained        bool // both ways closed and read
	quic           *quicState
	pending        []*pendingRequest // HTTP requests awaiting their reply
	unpaired       bool              // a request was missed: replies are not paired
	up, down       stream
	done           bool
}

// mark ties a stream offset to the packet that carried it.
type mark struct {
	off  int64
	pkt  int
	time time.Time
}

// Where a message starts: its packet, time and stream offset.
type Where struct {
	Packet int
	Time   time.Time
	Stream int
	Offset int64
	UDP    bool // Stream is a udp.stream, not a tcp.stream
}

// stream is one direction of a TCP flow, reassembled.
type stream struct {
	init    bool
	next    uint32
	pending []pendingSeg
	buf     []byte
	base    int64 // stream offset of buf[0]
	skip    int64 // bytes still to pass over unbuffered
	marks   []mark
	dead    bool // no more parsing (encrypted, unknown or lost sync)
	parser  parser
	sniffed bool
	fin     bool
	resync  bool   // wait for a segment that opens a message
	isn     uint32 // the sequence number after the SYN
	waitFor int    // buffer length from which to parse again
}

type pendingSeg struct {
	seq  uint32
	data []byte
	pkt  int
	time time.Time
}

// parser reads the messages of one stream direction from buffered
// bytes; it returns the bytes consumed, the bytes after them to pass
// over unread (a long body), and whether the stream is done.
type parser interface {
	parse(c *conn, b []byte, at func(off int) Where, final bool) (consumed int, skip int64, done bool)
}

// conn is what a parser sees of its flow.
type conn struct {
	flow *Flow
	up   bool
	tap  *collector
}

// flowTable tracks flows and reassembles TCP.
type flowTable struct {
	flows    map[flowKey]*Flow
	next     map[uint8]int // the next flow id, per protocol (tcp.stream, udp.stream)
	buffered int
	tap      *collector
}

func newFlowTable(tap *collector) *flowTable {
	return &flowTable{flows: map[flowKey]*Flow{}, next: map[uint8]int{}, tap: tap}
}

// serverPorts are ports a client rarely uses as its own.
var serverPorts = map[uint16]bool{80: true, 443: true, 8080: true, 8443: true, 1883: true, 8883: true, 53: true, 5353: true, 8000: true, 8888: true, 5222: true, 5228: true, 554: true, 1935: true, 3478: true, 123: true}

func (t *flowTable) add(p Packet, s *segment) {
	k, _ := keyOf(s)
	f := t.flows[k]
	if f != nil && f.drained && s.proto == protoTCP && s.flags&(flagSYN|flagACK) == flagSYN && s.seq+1 != f.up.isn {
		// The ports are reused by a new connection (the same initial
		// number is the same SYN seen again: a second interface's copy).
		t.finish(k, f)
		f = nil
	}
	from := netip.AddrPortFrom(s.src, s.sport)
	to := netip.AddrPortFrom(s.dst, s.dport)
	if f == nil {
		if len(t.flows) >= maxFlows {
			t.expire(time.Time{}, true)
		}
		f = &Flow{ID: t.next[s.proto], Proto: s.proto, First: p.Time, FirstPacket: p.Num}
		t.next[s.proto]++
		// Who opened it: a SYN's sender; else the side on a service
		// port; else the first sender.
		switch {
		case s.proto == protoTCP && s.flags&(flagSYN|flagACK) == flagSYN|flagACK:
			f.Client, f.Server = to, from
		case s.proto == protoTCP && s.flags&flagSYN != 0:
			f.Client, f.Server = from, to
		case serverPorts[s.sport] && !serverPorts[s.dport] || s.sport < 1024 && s.dport >= 1024:
			f.Client, f.Server = to, from
		default:
			f.Client, f.Server = from, to
		}
		// The name DNS gave the server's address last, before this flow.
		f.dnsName = t.tap.names[f.Server.Addr()]
		t.flows[k] = f
	}
	f.Last = p.Time
	up := from == f.Client
	if up {
		f.Up += int64(s.wire)
		f.PacketsUp++
	} else {
		f.Down += int64(s.wire)
		f.PacketsDown++
	}
	c := &conn{flow: f, up: up, tap: t.tap}
	if s.proto == protoUDP {
		t.tap.datagram(c, s.payload, Where{Packet: p.Num, Time: p.Time, Stream: f.ID, UDP: true})
		return
	}
	st := &f.down
	if up {
		st = &f.up
	}
	if s.flags&flagSYN != 0 && !st.init {
		st.init, st.next, st.isn = true, s.seq+1, s.seq+1
	}
	if len(s.payload) > 0 {
		seq := s.seq
		if s.flags&flagSYN != 0 {
			seq++ // data in a SYN (TCP Fast Open) follows the SYN's own number
		}
		t.segment(c, st, seq, s.payload, p.Num, p.Time)
	}
	if s.flags&flagFIN != 0 {
		// This direction is complete: what it holds is read now.
		st.fin = true
		if !st.dead && len(st.pending) == 0 && len(st.buf) > 0 {
			t.parse(c, st, true)
		}
	}
	if s.flags&flagRST != 0 || f.up.fin && f.down.fin {
		// Read what is left; the flow stays (its last ACKs belong to it)
		// until it idles out or the capture ends.
		t.drainFlow(f)
	}
}

// segment places TCP payload in its stream.
func (t *flowTable) segment(c *conn, st *stream, seq uint32, data []byte, pkt int, tm time.Time) {
	if !st.init {
		st.init, st.next = true, seq
	}
	for {
		rel := int64(int32(seq - st.next))
		switch {
		case rel <= 0:
			// In order, or a retransmission or overlap: only bytes past
			// what was read.
			if -rel < int64(len(data)) {
				t.deliver(c, st, data[-rel:], pkt, tm)
				t.drain(c, st)
			}
			return
		case st.dead && st.skip == 0:
			st.next = seq + uint32(len(data)) // nothing to parse: keep counting
			return
		case len(st.pending) >= maxPending || t.buffered+len(data) > maxBuffered:
			// Too much out of order: the missing bytes are given up, and
			// this segment is placed again against the new position.
			if len(st.pending) == 0 {
				// Nothing pending to resume at: resume here.
				c.flow.Gaps += int(rel)
				st.next = seq
				t.lose(c, st)
				continue
			}
			t.gapToPending(c, st)
			continue
		}
		st.pending = append(st.pending, pendingSeg{seq, append([]byte(nil), data...), pkt, tm})
		t.buffered += len(data)
		return
	}
}

// drain delivers pending segments that now follow.
func (t *flowTable) drain(c *conn, st *stream) {
	for len(st.pending) > 0 {
		progressed := false
		for i := 0; i < len(st.pending); i++ {
			ps := st.pending[i]
			rel := int64(int32(ps.seq - st.next))
			if rel > 0 {
				continue
			}
			st.pending = slices.Delete(st.pending, i, i+1)
			t.buffered -= len(ps.data)
			i--
			if -rel < int64(len(ps.data)) {
				t.deliver(c, st, ps.data[-rel:], ps.pkt, ps.time)
			}
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

// gapToPending gives up on missing bytes: the stream resumes at the
// earliest pending segment, and its parser loses sync.
func (t *flowTable) gapToPending(c *conn, st *stream) {
	if len(st.pending) == 0 {
		return
	}
	low := st.pending[0].seq
	for _, ps := range st.pending[1:] {
		if int32(ps.seq-low) < 0 {
			low = ps.seq
		}
	}
	if gap := int64(int32(low - st.next)); gap > 0 {
		c.flow.Gaps += int(gap)
		st.next = low
	}
	t.lose(c, st)
	t.drain(c, st)
}

// lose drops a stream's parse state after missing bytes. An HTTP client
// stream resumes at the next segment that opens a request; others are
// read no further.
func (t *flowTable) lose(c *conn, st *stream) {
	t.buffered -= len(st.buf)
	st.buf, st.marks, st.skip, st.waitFor = nil, nil, 0, 0
	switch st.parser.(type) {
	case httpParser, *replyParser:
		c.flow.unpaired = true // requests or replies may be lost in the gap
	}
	if _, ok := st.parser.(httpParser); ok && !st.dead {
		st.resync = true
		return
	}
	st.dead = true
}

// deliver hands in-order bytes to the stream's parser.
func (t *flowTable) deliver(c *conn, st *stream, data []byte, pkt int, tm time.Time) {
	st.next += uint32(len(data))
	if st.dead {
		st.base += int64(len(data))
		return
	}
	if st.skip > 0 {
		n := int64(len(data))
		if n <= st.skip {
			st.skip -= n
			st.base += n
			return
		}
		data = data[st.skip:]
		st.base += st.skip
		st.skip = 0
	}
	if st.resync {
		if !isHTTPRequest(data) {
			st.base += int64(len(data))
			return
		}
		st.resync = false
	}
	if !st.sniffed {
		st.sniffed = true
		st.parser = sniffParser(c, data)
		if st.parser == nil {
			st.dead = true
			return
		}
	}
	limit := maxDownBuffer
	if c.up {
		limit = maxUpBuffer
	}
	if t.buffered+len(data) > maxBuffered {
		c.tap.overBudget++
		t.lose(c, st)
		return
	}
	st.marks = append(st.marks, mark{st.base + int64(len(st.buf)), pkt, tm})
	st.buf = append(st.buf, data...)
	t.buffered += len(data)
	full := len(st.buf) >= limit
	if len(st.buf) < st.waitFor && !full {
		return // a long message is still coming: read it when it has doubled
	}
	t.parse(c, st, full)
	if len(st.buf) >= 8<<10 && !st.dead {
		// The parser waits for more: try again once the buffer doubles,
		// so a message in tiny segments costs linear, not quadratic, time.
		st.waitFor = 2 * len(st.buf)
	} else {
		st.waitFor = 0
	}
}

// parse runs the stream's parser over its buffer.
func (t *flowTable) parse(c *conn, st *stream, final bool) {
	for len(st.buf) > 0 && !st.dead {
		at := func(off int) Where {
			abs := st.base + int64(off)
			w := Where{Stream: c.flow.ID, Offset: abs}
			for i := len(st.marks) - 1; i >= 0; i-- {
				if st.marks[i].off <= abs {
					w.Packet, w.Time = st.marks[i].pkt, st.marks[i].time
					break
				}
			}
			return w
		}
		n, skip, done := st.parser.parse(c, st.buf, at, final)
		if done {
			t.buffered -= len(st.buf)
			st.base += int64(len(st.buf))
			st.buf, st.marks = nil, nil
			st.dead = true
			return
		}
		if n == 0 && skip == 0 {
			if final {
				// The message is longer than the stream keeps: read no
				// further on this stream.
				t.lose(c, st)
			}
			return
		}
		n = min(n, len(st.buf))
		st.buf = st.buf[n:]
		t.buffered -= n
		st.base += int64(n)
		if len(st.buf) == 0 {
			st.buf = nil
		}
		// Marks before the new base are no longer needed, but the last.
		i := 0
		for i+1 < len(st.marks) && st.marks[i+1].off <= st.base {
			i++
		}
		st.marks = st.marks[i:]
		if skip > 0 {
			k := min(skip, int64(len(st.buf)))
			st.buf = st.buf[k:]
			t.buffered -= int(k)
			st.base += k
			st.skip = skip - k
			if len(st.buf) == 0 {
				st.buf = nil
			}
		}
		final = false
	}
}

// finish ends a flow: what its streams hold is read as far as it goes,
// and the flow is counted.
func (t *flowTable) finish(k flowKey, f *Flow) {
	if f.done {
		return
	}
	f.done = true
	t.drainFlow(f)
	t.tap.flowEnd(f)
	delete(t.flows, k)
}

// drainFlow reads what a flow's streams still hold and frees them.
func (t *flowTable) drainFlow(f *Flow) {
	if f.drained {
		return
	}
	f.drained = true
	for _, up := range []bool{true, false} {
		st := &f.down
		if up {
			st = &f.up
		}
		c := &conn{flow: f, up: up, tap: t.tap}
		if len(st.pending) > 0 {
			t.gapToPending(c, st)
		}
		if !st.dead && len(st.buf) > 0 {
			t.parse(c, st, true)
		}
		t.buffered -= len(st.buf)
		for _, ps := range st.pending {
			t.buffered -= len(ps.data)
		}
		st.buf, st.marks, st.pending, st.skip = nil, nil, nil, 0
		st.dead = true
	}
}

// expire ends flows closed on both sides and idle since before
// now-idleAfter (a flow still open stays, however long it idles: an MQTT
// connection keeps its stream number). With full, it ends the oldest half
// of the table instead, by last packet.
func (t *flowTable) expire(now time.Time, full bool) {
	if full {
		type aged struct {
			k flowKey
			f *Flow
		}
		all := make([]aged, 0, len(t.flows))
		for k, f := range t.flows {
			all = append(all, aged{k, f})
		}
		slices.SortFunc(all, func(a, b aged) int {
			if c := a.f.Last.Compare(b.f.Last); c != 0 {
				return c
			}
			return a.f.FirstPacket - b.f.FirstPacket
		})
		for _, a := range all[:len(all)/2+1] {
			t.finish(a.k, a.f)
		}
		t.tap.evicted += len(all)/2 + 1
		return
	}
	for k, f := range t.flows {
		if f.drained && f.Last.Before(now.Add(-idleAfter)) {
			t.finish(k, f)
		}
	}
}

// close ends every flow, in order of first packet.
func (t *flowTable) close() {
	fs := make([]flowKey, 0, len(t.flows))
	for k := range t.flows {
		fs = append(fs, k)
	}
	slices.SortFunc(fs, func(a, b flowKey) int { return t.flows[a].FirstPacket - t.flows[b].FirstPacket })
	for _, k := range fs {
		t.finish(k, t.flows[k])
	}
}
