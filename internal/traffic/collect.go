package traffic

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// collector gathers what the decoders read: destinations with their
// volume, and every PI value found with the packet that carried it.
type collector struct {
	det      *Detectors
	faceDev  bool
	names    map[netip.Addr]string
	hosts    map[string]*hostStat
	hits     map[hitKey]*hitStat
	order    int
	problems map[string]*problem
	// overBudget counts streams no longer read because the reassembler's
	// memory budget was spent.
	overBudget int
	// evicted counts flows ended early because the table was full.
	evicted     int
	hitsDropped int
	// gapBytes are bytes missing from TCP streams, in gapFlows flows.
	gapBytes, gapFlows int
	requests           int
	// record, when set, sees every message read (for tests and tracing).
	record func(Seen)
}

// Seen is one message read from a capture.
type Seen struct {
	Kind   string // http, tls, mqtt-connect, mqtt-publish, dns
	Host   string // Host header, SNI, or the name asked
	Detail string // request target, ALPN, client id or topic, addresses
	Where  Where
}

func (c *collector) saw(s Seen) {
	if c.record != nil {
		c.record(s)
	}
}

type problem struct {
	count int
	first Where
}

// hostStat is one destination.
type hostStat struct {
	host     string
	order    int
	first    Where
	ips      []netip.Addr
	schemes  []string
	urls     []string
	requests int
	flows    int
	up, down int64
	ja4      []string
	alpn     []string
	starts   []time.Time // flow starts, for beacons
	upTimes  []upSample  // bytes sent per flow, for steady upstreams
}

type upSample struct {
	start, end time.Time
	bytes      int64
}

type hitKey struct {
	typ, host string
}

// hitStat is one PI type sent to one host: its first occurrence and
// when it was sent again.
type hitStat struct {
	Hit
	host, scheme, url string
	plaintext         bool
	where             Where
	order             int
	times             []time.Time
	count             int
	req               *pendingRequest // the first request, with its reply's status
}

// Bounds of what the collector keeps.
const (
	maxHosts     = 20_000
	maxHostURLs  = 5
	maxHostIPs   = 8
	maxHitTimes  = 10_000
	maxHits      = 100_000 // PI type × host pairs
	maxHostTimes = 10_000
)

func newCollector(det *Detectors, faceDev bool) *collector {
	return &collector{det: det, faceDev: faceDev, names: map[netip.Addr]string{}, hosts: map[string]*hostStat{},
		hits: map[hitKey]*hitStat{}, problems: map[string]*problem{}}
}

func (c *collector) malformed(proto, what string, w Where) {
	k := proto + ": " + what
	p := c.problems[k]
	if p == nil {
		p = &problem{first: w}
		c.problems[k] = p
	}
	p.count++
}

// hostOf names a flow's destination: what the flow said (Host header,
// SNI), else the name DNS gave its address, else the address.
func (c *collector) hostOf(f *Flow) string {
	if f.host != "" {
		return f.host
	}
	if f.dnsName != "" {
		return f.dnsName
	}
	if n, ok := c.names[f.Server.Addr()]; ok {
		return n
	}
	return f.Server.Addr().String()
}

func (c *collector) host(name string, w Where) *hostStat {
	h := c.hosts[name]
	if h == nil {
		if len(c.hosts) >= maxHosts {
			return &hostStat{host: name}
		}
		c.order++
		h = &hostStat{host: name, order: c.order, first: w}
		c.hosts[name] = h
	}
	return h
}

func addUnique[T comparable](s []T, v T, limit int) []T {
	if slices.Contains(s, v) || len(s) >= limit {
		return s
	}
	return append(s, v)
}

// reply pairs a server's reply with the flow's oldest request waiting
// for one, and returns that request's method.
func (c *collector) reply(cn *conn, status int, w Where) string {
	f := cn.flow
	c.saw(Seen{Kind: "http-reply", Detail: strconv.Itoa(status), Where: w})
	if len(f.pending) == 0 || f.unpaired {
		return ""
	}
	r := f.pending[0]
	f.pending = f.pending[1:]
	r.status = status
	return r.method
}

// setHost names a flow's destination from its first message.
func (c *collector) setHost(f *Flow, name, scheme string) {
	if f.host == "" && name != "" {
		f.host = strings.ToLower(name)
	}
	if f.scheme == "" {
		f.scheme = scheme
	}
}

func (c *collector) hello(cn *conn, h Hello, _ string) {
	c.saw(Seen{Kind: "tls", Host: h.SNI, Detail: h.JA4, Where: h.Where})
	c.setHost(cn.flow, h.SNI, "tls")
	hs := c.host(c.hostOf(cn.flow), h.Where)
	hs.ja4 = addUnique(hs.ja4, h.JA4, 4)
	for _, a := range h.ALPN {
		hs.alpn = addUnique(hs.alpn, a, 4)
	}
}

func (c *collector) request(cn *conn, r *Request, scheme string) {
	c.requests++
	c.saw(Seen{Kind: "http", Host: r.Host, Detail: r.Target, Where: r.Where})
	pr := &pendingRequest{method: r.Method}
	if len(cn.flow.pending) < maxPendingRequests {
		cn.flow.pending = append(cn.flow.pending, pr)
	} else {
		cn.flow.unpaired = true // replies can no longer be matched to requests
	}
	host := r.Host
	if h, _, err := splitHostPort(host); err == nil {
		host = h
	}
	if !validHost(host) {
		host = ""
	}
	c.setHost(cn.flow, host, scheme)
	name := c.hostOf(cn.flow)
	hs := c.host(name, r.Where)
	hs.requests++
	path := r.Target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		// An absolute URL (a proxy request): keep its path.
		if i := strings.Index(path[8:], "/"); i >= 0 {
			path = path[8+i:]
		} else {
			path = "/"
		}
	}
	hs.urls = addUnique(hs.urls, scheme+"://"+name+path, maxHostURLs)
	var f Fields
	if i := strings.IndexByte(r.Target, '?'); i >= 0 {
		f.query(r.Target[i+1:])
	}
	for _, h := range r.Header {
		switch strings.ToLower(h[0]) {
		case "host", "content-length", "content-type", "accept", "accept-encoding", "accept-language", "connection", "user-agent", "transfer-encoding", "content-encoding", "cache-control", "pragma", "referer", "origin":
		case "cookie":
			for _, kv := range strings.Split(h[1], ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
				f.pair(k, v)
			}
		default:
			f.pair(h[0], h[1])
		}
	}
	body := r.Body
	if enc := r.Get("content-encoding"); enc != "" {
		if dec, ok := inflate(enc, body); ok {
			body = dec
		} else {
			body = nil
			c.malformed("http", "request bodies in an encoding hegui does not decode (not gzip, deflate or br)", r.Where)
		}
	}
	f.body(r.Get("content-type"), body)
	raw := [][]byte{[]byte(r.Target)}
	for _, h := range r.Header {
		raw = append(raw, []byte(h[1]))
	}
	raw = append(raw, body)
	c.fieldsOf(cn, name, scheme, scheme+"://"+name+path, &f, raw, r.Where, pr)
}

func splitHostPort(hp string) (string, string, error) {
	if i := strings.LastIndexByte(hp, ':'); i > 0 && !strings.Contains(hp[i+1:], "]") && strings.Count(hp, ":") == 1 {
		return hp[:i], hp[i+1:], nil
	}
	if strings.HasPrefix(hp, "[") {
		if i := strings.Index(hp, "]"); i > 0 {
			return hp[1:i], "", nil
		}
	}
	return hp, "", nil
}

func (c *collector) mqtt(cn *conn, m *MQTTMessage) {
	c.setHost(cn.flow, "", "mqtt")
	name := c.hostOf(cn.flow)
	hs := c.host(name, m.Where)
	hs.requests++
	var f Fields
	var raw [][]byte
	switch m.Type {
	case mqttConnect:
		c.saw(Seen{Kind: "mqtt-connect", Detail: m.ClientID, Where: m.Where})
		f.pair("client_id", m.ClientID)
		f.pair("username", m.Username)
		raw = append(raw, []byte(m.ClientID), []byte(m.Username))
	case mqttPublish:
		c.saw(Seen{Kind: "mqtt-publish", Detail: m.Topic, Where: m.Where})
		hs.urls = addUnique(hs.urls, "mqtt://"+name+"/"+m.Topic, maxHostURLs)
		raw = append(raw, []byte(m.Topic))
		f.body("", m.Payload)
		raw = append(raw, m.Payload)
	}
	c.fields(cn, name, "mqtt", "mqtt://"+name, &f, raw, m.Where)
}

// datagram reads a UDP payload: DNS answers name addresses; other
// plaintext is searched for the device's identifiers.
func (c *collector) datagram(cn *conn, b []byte, w Where) {
	f := cn.flow
	if f.Server.Port() == 53 || f.Server.Port() == 5353 || f.Server.Port() == 5355 {
		f.scheme = "dns"
		m, err := parseDNS(b)
		if err != nil {
			c.malformed("dns", err.Error(), w)
			return
		}
		if m.Response && m.Name != "" {
			var as []string
			for _, a := range m.Addrs {
				as = append(as, a.String())
			}
			c.saw(Seen{Kind: "dns", Host: m.Name, Detail: strings.Join(as, ","), Where: w})
		}
		if m.Response && m.Name != "" && validHost(m.Name) {
			for _, a := range m.Addrs {
				if len(c.names) < maxNames {
					c.names[a] = m.Name
				}
			}
		}
		return
	}
	if cn.up && (f.quic != nil || isQUICInitial(b)) {
		f.scheme = "quic"
		if f.quic == nil {
			f.quic = &quicState{first: w}
		}
		if !f.quic.done && f.quic.tries < maxQUICTries {
			// A failed packet (after a Retry the client picks a new
			// connection id) costs one try of a few.
			f.quic.tries++
			h, err := quicDatagram(f.quic, b)
			switch {
			case err != nil:
				// A packet hegui cannot decrypt: the next may do.
				f.quic.failed++
			case h != nil:
				h.Where = f.quic.first
				c.hello(cn, *h, "q")
			}
		}
		return
	}
	if f.scheme == "" {
		f.scheme = "udp"
	}
	if cn.up && len(c.det.ids) > 0 && printable(b) {
		name := c.hostOf(f)
		c.fields(cn, name, "udp", "", &Fields{}, [][]byte{b}, w)
	}
}

// rawStream reads the beginning of a plaintext stream no parser knows.
type rawParser struct{}

func (rawParser) parse(c *conn, b []byte, at func(int) Where, final bool) (int, int64, bool) {
	if len(b) < 4096 && !final {
		return 0, 0, false
	}
	c.flow.scheme = "tcp"
	if printable(b) {
		c.tap.fields(c, c.tap.hostOf(c.flow), "tcp", "", &Fields{}, [][]byte{b[:min(len(b), 64<<10)]}, at(0))
	}
	return 0, 0, true
}

// sniffParser picks the parser of a stream from its first bytes.
func sniffParser(c *conn, b []byte) parser {
	if !c.up {
		if isHTTPReply(b) {
			return &replyParser{}
		}
		return nil // other replies are counted, not read
	}
	switch {
	case isHTTPRequest(b):
		return httpParser{}
	case isTLSHandshake(b):
		c.flow.scheme = "tls"
		return tlsParser{}
	case isMQTTConnect(b):
		c.flow.scheme = "mqtt"
		return &mqttParser{}
	case printable(b):
		return rawParser{}
	}
	return nil
}

// fields runs the detectors over one message and records each hit.
func (c *collector) fields(cn *conn, host, scheme, url string, f *Fields, raw [][]byte, w Where) {
	c.fieldsOf(cn, host, scheme, url, f, raw, w, nil)
}

// fieldsOf is fields for a request whose reply may come (its status is
// then the hit's).
func (c *collector) fieldsOf(cn *conn, host, scheme, url string, f *Fields, raw [][]byte, w Where, req *pendingRequest) {
	var hits []Hit
	for _, p := range f.Pairs {
		hits = c.det.field(p[0], p[1], hits)
	}
	hits = pairCoordinates(hits)
	for _, r := range raw {
		hits = c.det.knownIDs(r, hits)
	}
	for _, p := range f.Pairs {
		hits = c.det.knownIDs([]byte(p[1]), hits)
	}
	for _, m := range f.Media {
		typ := "photos_media"
		switch {
		case m.Kind == "audio":
			typ = "microphone"
		case m.Kind == "video":
			typ = "camera"
		}
		if m.Kind == "image" && (c.faceDev || m.Field != "" && c.det.faceField(m.Field)) {
			typ = "face"
		}
		hits = append(hits, Hit{Type: typ, Field: m.Field, Value: m.Type + " " + strconv.Itoa(m.Size) + " bytes", How: "upload"})
	}
	plain := scheme != "https" && scheme != "tls"
	counted := map[string]bool{} // one message sends a PI type once, however many fields hold it
	for _, h := range hits {
		if counted[h.Type] {
			continue
		}
		counted[h.Type] = true
		k := hitKey{h.Type, host}
		hs := c.hits[k]
		if hs == nil {
			if len(c.hits) >= maxHits {
				c.hitsDropped++
				continue
			}
			c.order++
			hs = &hitStat{Hit: h, host: host, scheme: scheme, url: url, plaintext: plain, where: w, order: c.order, req: req}
			c.hits[k] = hs
		}
		hs.count++
		if len(hs.times) < maxHitTimes && !w.Time.IsZero() && (len(hs.times) == 0 || !hs.times[len(hs.times)-1].Equal(w.Time)) {
			hs.times = append(hs.times, w.Time)
		}
	}
}

// flowEnd adds a finished flow to its destination's volume.
func (c *collector) flowEnd(f *Flow) {
	if q := f.quic; q != nil && !q.done && q.failed > 0 {
		c.malformed("quic", "connections whose Initial packets did not decrypt (no server name read)", q.first)
	}
	if f.Gaps > 0 {
		c.gapBytes += f.Gaps
		c.gapFlows++
	}
	if f.scheme == "dns" {
		return
	}
	name := c.hostOf(f)
	hs := c.host(name, Where{Packet: f.FirstPacket, Time: f.First, Stream: f.ID, UDP: f.Proto == protoUDP})
	hs.flows++
	hs.up += f.Up
	hs.down += f.Down
	hs.ips = addUnique(hs.ips, f.Server.Addr(), maxHostIPs)
	scheme := f.scheme
	if scheme == "" {
		scheme = map[uint8]string{protoTCP: "tcp", protoUDP: "udp"}[f.Proto]
	}
	hs.schemes = addUnique(hs.schemes, scheme, 4)
	if len(hs.starts) < maxHostTimes {
		hs.starts = append(hs.starts, f.First)
		hs.upTimes = append(hs.upTimes, upSample{f.First, f.Last, f.Up})
	}
}
