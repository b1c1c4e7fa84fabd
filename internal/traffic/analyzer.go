package traffic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// Source names this analyzer in observations.
const Source = "traffic"

// Options are what a user tells about a capture.
type Options struct {
	// DeviceIDs are the test device's identifiers, found by value.
	DeviceIDs DeviceIDs
	// ConsentAt is the moment the user accepted the privacy policy: a
	// time (RFC 3339), a packet number ("#123" or "123") or a HAR entry
	// ("entry:5").
	ConsentAt string
	// Device names the device a capture without an app comes from
	// ("smart lock"); a face device's image uploads are face data.
	Device string
	// FaceDevice: the device recognises faces (a lock, a gate, a
	// camera): its image uploads count as face images.
	FaceDevice bool
}

// Analyzer reads captures (pcap, pcapng) and HAR files.
type Analyzer struct {
	cat  *catalog.Catalog
	opts Options
	once sync.Once
	det  *Detectors
	err  error
}

// New returns an analyzer of captures with the user's options.
func New(cat *catalog.Catalog, opts Options) *Analyzer {
	return &Analyzer{cat: cat, opts: opts}
}

// Version changes whenever the output for the same input would: the
// options are part of it.
func (a *Analyzer) Version() string {
	return fmt.Sprintf("1+%x", optionsHash(a.opts))
}

func optionsHash(o Options) uint32 {
	h := uint32(2166136261)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * 16777619
		}
		h = (h ^ 0xff) * 16777619
	}
	keys := make([]string, 0, len(o.DeviceIDs))
	for k := range o.DeviceIDs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(k)
		for _, v := range o.DeviceIDs[k] {
			add(v)
		}
	}
	add(o.ConsentAt)
	add(o.Device)
	add(strconv.FormatBool(o.FaceDevice))
	return h
}

func (a *Analyzer) detectors() (*Detectors, error) {
	a.once.Do(func() {
		a.det, a.err = LoadDetectors(a.cat)
		if a.err == nil {
			a.det.SetDeviceIDs(a.opts.DeviceIDs)
		}
	})
	return a.det, a.err
}

// Analyze reads one capture or HAR file.
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	det, err := a.detectors()
	if err != nil {
		return nil, err
	}
	name := path.Base(in.Path)
	set := &evidence.Set{Target: evidence.Target{Kind: evidence.InputTraffic, Path: in.Path, Size: in.Size},
		Inputs: []string{evidence.InputTraffic}}
	c := newCollector(det, a.opts.FaceDevice)
	r := io.NewSectionReader(in.ReaderAt(), 0, in.Size)
	var readErr error
	var packets int
	var st decodeStats
	har := in.Kind == artifact.HAR
	if har {
		packets, readErr = readHAR(ctx, r, c)
	} else {
		packets, st, readErr = readCapture(ctx, r, c)
	}
	if packets == 0 && readErr != nil {
		return nil, readErr
	}
	if readErr != nil {
		cause := evidence.CauseMalformed
		switch {
		case errors.Is(readErr, context.Canceled) || errors.Is(readErr, context.DeadlineExceeded):
			cause = evidence.CauseTimeout
		case errors.Is(readErr, ErrTruncated):
			cause = evidence.CauseTruncated
		}
		set.Fail(Source, name, evidence.Lost(evidence.PartContent, cause, fmt.Errorf("read %d %s, then: %w", packets, unit(har), readErr)))
	}
	a.problems(set, name, c, st)
	a.observations(set, name, c, har)
	if a.opts.ConsentAt != "" {
		o, err := consentObservation(a.opts.ConsentAt, name, har)
		if err != nil {
			return nil, err
		}
		set.Add(o)
	}
	set.Target.Attrs = map[string]string{unit(har): strconv.Itoa(packets), "requests": strconv.Itoa(c.requests)}
	if a.opts.Device != "" {
		set.Target.Kind = "device"
		set.Target.ID = a.opts.Device
	}
	return set, nil
}

func unit(har bool) string {
	if har {
		return "entries"
	}
	return "packets"
}

// readCapture streams a pcap or pcapng file through the decoder.
func readCapture(ctx context.Context, r io.Reader, c *collector) (int, decodeStats, error) {
	var st decodeStats
	src, err := NewSource(r)
	if err != nil {
		return 0, st, err
	}
	t := newFlowTable(c)
	n := 0
	var seg segment
	var last time.Time
	names := 0
	for {
		p, err := src.Next()
		if len(src.Names()) != names {
			// Name records apply from where they stand in the file.
			names = len(src.Names())
			mergeNames(c, src)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.close()
			return n, st, err
		}
		n++
		if n%4096 == 0 {
			if ctx.Err() != nil {
				t.close()
				return n, st, ctx.Err()
			}
			if p.Time.Sub(last) > time.Minute {
				t.expire(p.Time, false)
				last = p.Time
			}
		}
		seg = segment{}
		if decode(p, &st, &seg) {
			t.add(p, &seg)
		}
	}
	t.close()
	return n, st, nil
}

// mergeNames adds a capture's own name records to what DNS told.
func mergeNames(c *collector, src PacketSource) {
	for a, n := range src.Names() {
		if _, ok := c.names[a]; !ok && validHost(n) {
			c.names[a] = strings.ToLower(n)
		}
	}
}

// problems reports what could not be read.
func (a *Analyzer) problems(set *evidence.Set, name string, c *collector, st decodeStats) {
	keys := make([]string, 0, len(c.problems))
	for k := range c.problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := c.problems[k]
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseMalformed, "%s (%d times; first in packet %d)", k, p.count, p.first.Packet))
	}
	links := make([]int, 0, len(st.links))
	for l := range st.links {
		links = append(links, l)
	}
	sort.Ints(links)
	for _, l := range links {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseUnreadable, "%d packets of link type %d, which hegui does not decode", st.links[l], l))
	}
	if st.short > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseTruncated, "%d packets with headers cut short (snap length or damage)", st.short))
	}
	if st.wifi > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseUnreadable, "%d protected 802.11 frames (decrypt them first)", st.wifi))
	}
	if c.overBudget > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseBudget, "%d streams not read to their end: the reassembly memory budget was spent", c.overBudget))
	}
	if c.gapBytes > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseTruncated, "%d bytes missing from %d TCP connections (packets the capture did not record): what they carried is unknown", c.gapBytes, c.gapFlows))
	}
	if st.fragments > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseUnreadable, "%d IP fragments after the first of their packet, not reassembled", st.fragments))
	}
	if c.evicted > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseLimit, "%d connections ended early: more than %d open at once", c.evicted, maxFlows))
	}
	if c.hitsDropped > 0 {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseLimit, "%d PI items not recorded: more than %d kinds and hosts", c.hitsDropped, maxHits))
	}
	if a.cat.IPCountrySource() == "" {
		set.Fail(Source, name, evidence.Lostf(evidence.PartOther, evidence.CauseUnreadable, "the IP → country table could not be read: countries come from the host list only"))
	}
}

// observations writes destinations and PI hits.
func (a *Analyzer) observations(set *evidence.Set, name string, c *collector, har bool) {
	hosts := make([]*hostStat, 0, len(c.hosts))
	for _, h := range c.hosts {
		hosts = append(hosts, h)
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].order < hosts[j].order })
	typesOf := map[string][]string{}
	hits := make([]*hitStat, 0, len(c.hits))
	for _, h := range c.hits {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].order < hits[j].order })
	for _, h := range hits {
		typesOf[h.host] = addUnique(typesOf[h.host], h.Type, 64)
	}
	for _, h := range hosts {
		if isLocal(h.host) && h.requests == 0 {
			continue // a LAN peer with nothing read from it
		}
		o := evidence.Observation{Kind: evidence.Endpoint, Key: h.host, Level: evidence.Observed, Source: Source,
			Where: where(name, h.first, har), Detail: map[string]string{}}
		a.place(&o, h.host, h.ips)
		scheme := "tcp"
		if len(h.schemes) > 0 {
			scheme = h.schemes[0]
		}
		if len(h.urls) > 0 {
			o.Detail[evidence.DetailURL] = h.urls[0]
			if i := strings.Index(h.urls[0], "://"); i > 0 {
				scheme = h.urls[0][:i]
			}
		}
		o.Detail[evidence.DetailScheme] = scheme
		if ts := typesOf[h.host]; len(ts) > 0 {
			o.Detail["pi_sent"] = strings.Join(ts, ",")
		}
		var ips []string
		for _, ip := range h.ips {
			if ip.IsValid() {
				ips = append(ips, ip.String())
			}
		}
		if len(ips) > 0 {
			o.Detail["ips"] = strings.Join(ips, ",")
		}
		o.Detail["requests"] = strconv.Itoa(h.requests)
		o.Detail["connections"] = strconv.Itoa(h.flows)
		o.Detail["bytes_up"] = strconv.FormatInt(h.up, 10)
		o.Detail["bytes_down"] = strconv.FormatInt(h.down, 10)
		if len(h.ja4) > 0 {
			o.Detail["ja4"] = strings.Join(h.ja4, ",")
		}
		if len(h.alpn) > 0 {
			o.Detail["alpn"] = strings.Join(h.alpn, ",")
		}
		if p := beacon(h.starts); p > 0 {
			o.Detail["beacon_interval_s"] = strconv.Itoa(p)
		}
		if bps := steadyUpload(h.upTimes); bps > 0 {
			o.Detail["steady_upload_bps"] = strconv.FormatInt(bps, 10)
		}
		set.Add(o)
	}
	for _, h := range hits {
		o := evidence.Observation{Kind: evidence.DataType, Key: h.Type, Level: evidence.Observed, Source: Source,
			Where: where(name, h.where, har), Detail: map[string]string{evidence.DetailHost: h.host, evidence.DetailScheme: h.scheme,
				evidence.DetailPlaintext: strconv.FormatBool(h.plaintext), evidence.DetailValue: h.Value, evidence.DetailHow: h.How,
				"count": strconv.Itoa(h.count)}}
		if h.Field != "" {
			o.Detail["field"] = h.Field
		}
		if h.url != "" {
			o.Detail[evidence.DetailURL] = h.url
		}
		if h.req != nil && h.req.status > 0 {
			o.Detail["reply_status"] = strconv.Itoa(h.req.status)
		}
		var ips []netip.Addr
		if hs := c.hosts[h.host]; hs != nil {
			ips = hs.ips
		}
		a.place(&o, h.host, ips)
		if n, med, span := cadence(h.times); n >= 2 {
			o.Detail["interval_s"] = strconv.Itoa(med)
			o.Detail["span_s"] = strconv.Itoa(span)
		}
		set.Add(o)
	}
}

// place adds who runs a host and where: the SDK the catalog knows it
// for, the company of its domain, and the country of its servers'
// addresses (registry records), else of the company.
func (a *Analyzer) place(o *evidence.Observation, host string, ips []netip.Addr) {
	if id, ok := a.cat.MatchHost(host); ok {
		o.Party.SDK = id
		if sdk, ok := a.cat.SDK(id); ok {
			o.Party.Name = sdk.Name
			o.Detail[evidence.DetailSDKName] = sdk.Name
		}
	}
	if own, ok := a.cat.HostOwner(host); ok {
		o.Detail["company"] = own.Company
		if own.Country != "" {
			o.Detail[evidence.DetailCountry] = own.Country
			o.Detail["country_by"] = "company"
		}
	}
	for _, ip := range ips {
		if cc, ok := a.cat.IPCountry(ip); ok {
			o.Detail[evidence.DetailCountry] = cc
			o.Detail["country_by"] = "address " + ip.String()
			break
		}
	}
	for _, ip := range ips {
		if cl, ok := a.cat.IPCloud(ip); ok {
			o.Detail["cloud"] = cl.Name
			o.Detail["cloud_zh"] = cl.NameZh
			break
		}
	}
}

func isLocal(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && (ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast())
}

func where(file string, w Where, har bool) evidence.Location {
	l := evidence.Location{File: file, Packet: w.Packet}
	if !w.Time.IsZero() {
		l.Time = w.Time.Format(time.RFC3339Nano)
	}
	switch {
	case har:
		l.Resource = fmt.Sprintf("entry %d", w.Packet)
	case w.UDP:
		l.Resource = fmt.Sprintf("udp stream %d", w.Stream)
	default:
		l.Resource = fmt.Sprintf("tcp stream %d offset %d", w.Stream, w.Offset)
	}
	return l
}

// cadence measures how often a value was sent: the times it was seen,
// the median gap and the whole span, in seconds.
func cadence(ts []time.Time) (n, median, span int) {
	if len(ts) < 2 {
		return len(ts), 0, 0
	}
	s := slices.Clone(ts)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	gaps := make([]float64, 0, len(s)-1)
	for i := 1; i < len(s); i++ {
		gaps = append(gaps, s[i].Sub(s[i-1]).Seconds())
	}
	slices.Sort(gaps)
	return len(s), int(gaps[len(gaps)/2] + 0.5), int(s[len(s)-1].Sub(s[0]).Seconds() + 0.5)
}

// beacon returns the period, in seconds, of connections opened at a
// steady rhythm (at least six, the gaps within 20% of their median), or 0.
func beacon(starts []time.Time) int {
	if len(starts) < 6 {
		return 0
	}
	s := slices.Clone(starts)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	gaps := make([]float64, 0, len(s)-1)
	for i := 1; i < len(s); i++ {
		gaps = append(gaps, s[i].Sub(s[i-1]).Seconds())
	}
	sorted := slices.Clone(gaps)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	if med < 1 {
		return 0
	}
	steady := 0
	for _, g := range gaps {
		if g >= med*0.8 && g <= med*1.2 {
			steady++
		}
	}
	if steady*10 < len(gaps)*8 {
		return 0
	}
	return int(med + 0.5)
}

// CheckConsentAt tells whether a --consent-at value can be read at all
// (a time, #N or N, entry:N), before any capture is.
func CheckConsentAt(at string) error {
	if at == "" {
		return nil
	}
	_, errCapture := consentObservation(at, "", false)
	_, errHAR := consentObservation(at, "", true)
	if errCapture != nil && errHAR != nil {
		return errCapture
	}
	return nil
}

// consentObservation marks the moment of consent.
func consentObservation(at, file string, har bool) (evidence.Observation, error) {
	o := evidence.Observation{Kind: evidence.Consent, Key: evidence.ConsentAccepted, Level: evidence.Observed, Source: Source,
		Where: evidence.Location{File: file}, Detail: map[string]string{evidence.DetailHow: "--consent-at " + at}}
	s := strings.TrimSpace(at)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		o.Where.Time = t.UTC().Format(time.RFC3339Nano)
		return o, nil
	}
	num := strings.TrimPrefix(strings.TrimPrefix(s, "#"), "entry:")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return o, fmt.Errorf("--consent-at %q: want a time (2026-03-01T10:15:02Z), a packet number (#123) or a HAR entry (entry:5)", at)
	}
	if strings.HasPrefix(s, "entry:") != har {
		if har {
			return o, fmt.Errorf("--consent-at %q: a HAR file has entries (entry:N), not packets", at)
		}
		return o, fmt.Errorf("--consent-at %q: a capture has packets (#N), not HAR entries", at)
	}
	o.Where.Packet = n
	return o, nil
}

// steadyUpload returns the rate, in bytes a second, of an upload that
// goes on for at least a minute with bytes sent in nine of every ten
// 10-second windows at 1 KB/s or more (an always-on microphone, a camera
// stream), or 0. A flow's bytes are spread evenly over its life.
func steadyUpload(samples []upSample) int64 {
	if len(samples) == 0 {
		return 0
	}
	first, last := samples[0].start, samples[0].end
	var total int64
	for _, s := range samples {
		if s.start.Before(first) {
			first = s.start
		}
		if s.end.After(last) {
			last = s.end
		}
		total += s.bytes
	}
	span := last.Sub(first)
	if span < time.Minute || span > 24*time.Hour {
		return 0 // too short to tell, or a clock that jumped (a device booting at 1970)
	}
	const window = 10 * time.Second
	n := int(span/window) + 1
	active := make([]bool, n)
	for _, s := range samples {
		if s.bytes == 0 {
			continue
		}
		for i := max(0, int(s.start.Sub(first)/window)); i <= int(s.end.Sub(first)/window) && i < n; i++ {
			active[i] = true
		}
	}
	on := 0
	for _, a := range active {
		if a {
			on++
		}
	}
	rate := int64(float64(total) / span.Seconds())
	if on*10 < n*9 || rate < 1000 {
		return 0
	}
	return rate
}
