package apk

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hegui/hegui/internal/android/dex"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// A unit is one dex file's summary, kept after its bytes are released so
// memory stays bounded by the largest dex, not the whole app.
//
// Only what start-up reachability and the findings need is kept: a method
// with code becomes a node when it calls app or SDK code, holds a finding,
// or belongs to an SDK's class. Every other method with code is a leaf —
// reaching it can lead nowhere and show nothing — and is kept only as the
// hash that lets a call from another dex file find it.
type unit struct {
	file    string // classes2.dex, assets/plugin.jar!classes.dex
	order   []int  // entry indices from the package to the dex file
	classes []classInfo
	names   []string // distinct method names and protos, e.g. onCreate()V, by node
	nodes   []node
	edges   []int32  // callees, sliced by node: a node here if ≥ 0, else ^index into ext
	edgeOff []uint32 // the byte offset of each edge's call
	// news are the classes a node instantiates (type descriptors),
	// sliced by node with newStart/newEnd, with the byte offset of each
	// new-instance: a Runnable, Callable or AsyncTask made there runs
	// without a direct call (threads, executors, handlers).
	news   []string
	newOff []uint32
	ext    []uint64 // hashes of callees without code here, which another dex may define
	// extSig names each ext callee (class descriptor and name with
	// proto), to find the definition it inherits when no dex defines it
	// on the named class.
	extSig []methodSig
	leaves []uint64 // hashes of this dex's methods with code that are not nodes
	hits   []hit
	urls   []urlHit
	// resRefs are the app resource ids (0x7f…) the code loads with const,
	// bounded: what consent screens are made of.
	resRefs []resRef
	sdks    map[string]*sdkPresence
	// getters are the hashes of methods that return a consent flag, and
	// helperGates the branches on a call's result that gate when the
	// callee is one of them (in any dex).
	getters     []uint64
	helperGates []helperGate
	// errs are what could not be read, each classified (evidence.Lost).
	errs []error
}

type classInfo struct {
	desc  string
	super string
	party evidence.Party
}

type node struct {
	hash       uint64 // class, name and proto: identifies the method across dex files
	cls        int32
	name       int32  // index into the unit's names
	start, end uint32 // edges[start:end]
	// gate is the byte offset of a branch on a consent flag in the
	// method (0: none); what lies in gateFrom..gateTo (byte offsets, the
	// branch's agreed side) runs only once the user has agreed.
	gate, gateFrom, gateTo uint32
	// helper: the gate tests what a helper method returned (isAgreed()).
	helper bool
	// newStart, newEnd slice the unit's news.
	newStart, newEnd uint32
}

// gated reports whether the instruction at byte offset off lies on the
// agreed side of the node's consent branch.
func (nd node) gated(off uint32) bool {
	return nd.gate != 0 && off >= nd.gateFrom && off < nd.gateTo
}

// hit is a PI API call site found in a method, as its semantics decided
// (see semantics).
type hit struct {
	node   int32
	api    *catalog.API
	offset uint32
	via    string // what matched: the API, a content URI, a settings key
	// check: a presence check, not a PI read.
	check bool
	// legacy: no argument rule decided; the entry's args must occur in
	// the method.
	legacy bool
	// perms are the permission names a permission request's method loads
	// as constants.
	perms []string
	// dataType and conf replace the entry's when set (a query reads the
	// type of the provider its URI names).
	dataType, conf string
	args           string // what defined the deciding argument (DetailArgs)
	uri            string // the provider URI a query reads (DetailURI)
}

// typ returns the PI type the hit is about.
func (h *hit) typ() string {
	if h.dataType != "" {
		return h.dataType
	}
	return h.api.DataType
}

// confidence returns the hit's confidence.
func (h *hit) confidence() string {
	if h.conf != "" {
		return h.conf
	}
	return h.api.Confidence
}

// resRef is an app resource id loaded by a method.
type resRef struct {
	cls    int32
	method string
	id     uint32
	offset uint32
}

// maxUnitResRefs bounds the resource ids kept per dex file.
const maxUnitResRefs = 50_000

// maxHelperBranches bounds, per method, the calls whose tested result is
// kept as a possible consent gate (see helperGate).
const maxHelperBranches = 8

type urlHit struct {
	node   int32
	url    string
	offset uint32
}

type sdkPresence struct {
	classes int
	first   string
}

// dexSource is a dex image to analyze and where it came from.
type dexSource struct {
	name string
	size int64 // declared size, to plan memory; the image may differ
	// order is the path of entry indices from the package to the image;
	// units are reported in this order, the order of the entries.
	order []int
	load  func(context.Context) ([]byte, error)
}

// nestedSource is an entry that may be an archive holding code.
type nestedSource struct {
	entry *artifact.Entry
	name  string // as reported: path inside the package
	order []int
}

// bytecode finds and analyzes every dex: classes*.dex at the root and dex
// files inside nested archives (plug-ins, packers' payloads).
//
// The package's own dex files are read first, so that nested archives,
// however many and large, can never spend the budget they need. Nested
// archives are then opened one at a time, depth first, and released once
// their dex files are summarised: memory holds one chain of nested
// archives, not all of them.
func (s *scan) bytecode(ctx context.Context) {
	top, nested := s.codeEntries(s.arch, nil)
	units := s.a.analyzeUnits(ctx, s.mem, s.admitDex(top), s.man.Package)
	w := nestedWalk{}
	for _, n := range nested {
		units = append(units, s.nestedUnits(ctx, &w, s.arch, n)...)
	}
	w.report(s)
	units = slices.DeleteFunc(units, func(u *unit) bool { return u == nil })
	slices.SortStableFunc(units, func(a, b *unit) int { return slices.Compare(a.order, b.order) })
	if len(units) == 0 && s.man != nil && s.man.NoCode {
		// A resource-only package says so: nothing is missing.
		return
	}
	if len(units) == 0 {
		s.loseCode("classes.dex", errors.New("no dex files in the package: bytecode evidence is missing"))
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: "bytecode_incomplete", Level: evidence.Present, Source: Source,
			Detail: map[string]string{evidence.DetailReason: "no dex files in the package"}})
		return
	}
	for _, u := range units {
		for _, err := range u.errs {
			s.loseCode(u.file, err)
		}
	}
	if err := s.emit(ctx, units, s.startupRoots()); err != nil {
		s.loseCode("", evidence.Lost(evidence.PartCode, evidence.CauseTimeout, fmt.Errorf("code evidence cut short: %w", err)))
	}
}

// codeEntries lists the dex files of an archive and the entries that may
// be archives holding more.
func (s *scan) codeEntries(a *artifact.Archive, order []int) ([]dexSource, []nestedSource) {
	var dexes []dexSource
	var nested []nestedSource
	copies := map[string]int{}
	prefix := ""
	if a.Depth() > 0 {
		prefix = strings.TrimPrefix(a.Name, s.arch.Name+"!") + "!"
	}
	for i, e := range a.Entries {
		if e.Unsafe {
			continue
		}
		name := e.Name
		copies[name]++
		if n := copies[name]; n > 1 {
			// A duplicated entry name (the "master key" trick): which copy
			// a device loads has varied between Android versions, so every
			// copy of code is analyzed.
			if !strings.HasSuffix(strings.ToLower(name), ".dex") {
				continue
			}
			name = fmt.Sprintf("%s#%d", name, n)
		}
		lower := strings.ToLower(name)
		at := append(slices.Clip(order), i)
		switch {
		case strings.HasSuffix(lower, ".dex") || strings.Contains(lower, ".dex#"):
			e := e
			load := func(ctx context.Context) ([]byte, error) { return a.ReadContext(ctx, e) }
			dexes = append(dexes, dexSource{name: prefix + name, size: int64(min(e.Size, 1<<40)), order: at, load: load})
		case strings.HasSuffix(lower, ".jar") || strings.HasSuffix(lower, ".apk") || strings.HasSuffix(lower, ".zip"):
			nested = append(nested, nestedSource{entry: e, name: prefix + name, order: at})
		}
	}
	return dexes, nested
}

// admitDex keeps the dex files within the per-input bound; the rest are
// reported as one error.
func (s *scan) admitDex(srcs []dexSource) []dexSource {
	if len(srcs) <= s.dexLeft {
		s.dexLeft -= len(srcs)
		return srcs
	}
	keep := srcs[:s.dexLeft]
	rest := srcs[s.dexLeft:]
	s.dexLeft = 0
	s.loseCode(rest[0].name, evidence.Lost(evidence.PartCode, evidence.CauseLimit,
		skipped(len(rest), rest[0].name, "dex files", fmt.Errorf("the package holds more than %d dex files", maxDexFiles))))
	return keep
}

// nestedWalk tracks the nested archives skipped once a bound shared by the
// whole input is reached: they are reported together, not one by one.
type nestedWalk struct {
	stop  error // why the rest is skipped, classified
	n     int
	first string
}

func (w *nestedWalk) skip(nestedSource) { w.n++ }

// report records the archives skipped once a shared bound was reached as
// lost code: past a budget or a fan-out limit, whatever their names, they
// may hide code (a healthy app does not ship a thousand nested archives).
func (w *nestedWalk) report(s *scan) {
	if w.n == 0 {
		return
	}
	var le *evidence.LostError
	errors.As(w.stop, &le)
	s.loseCode(w.first, evidence.Lost(le.Part, le.Cause, skipped(w.n, w.first, "nested archives", le.Err)))
}

// codeArchive reports whether a nested archive is named as code: a .jar
// or .apk holds classes by convention; a .zip may as well hold levels,
// fonts or images, so one that is not a zip archive at all is lost
// assets, not lost code.
func codeArchive(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".jar") || strings.HasSuffix(lower, ".apk")
}

// nestedUnits opens a nested archive, analyzes its dex files and then the
// archives nested in it, and lets it go.
func (s *scan) nestedUnits(ctx context.Context, w *nestedWalk, parent *artifact.Archive, n nestedSource) []*unit {
	if w.stop != nil {
		w.skip(n)
		return nil
	}
	if err := ctx.Err(); err != nil {
		w.stop, w.first = lost(evidence.PartCode, err), n.name
		w.skip(n)
		return nil
	}
	na, err := parent.OpenNestedContext(ctx, n.entry)
	if err != nil {
		err = lost(evidence.PartCode, fmt.Errorf("nested archive: %w", err))
		if errors.Is(err, artifact.ErrBudget) || errors.Is(err, artifact.ErrFanOut) || ctx.Err() != nil {
			// Every later nested archive would fail the same way.
			w.stop, w.first = err, n.name
			w.skip(n)
			return nil
		}
		if le := (*evidence.LostError)(nil); !codeArchive(n.name) && errors.As(err, &le) && le.Cause == evidence.CauseMalformed {
			s.fail(n.name, evidence.Lost(evidence.PartAssets, evidence.CauseMalformed, err))
			return nil
		}
		// Encrypted payloads of packers land here; the packer finding
		// explains it.
		s.loseCode(n.name, err)
		return nil
	}
	dexes, deeper := s.codeEntries(na, n.order)
	units := s.a.analyzeUnits(ctx, s.mem, s.admitDex(dexes), s.man.Package)
	for _, d := range deeper {
		units = append(units, s.nestedUnits(ctx, w, na, d)...)
	}
	// Anomalies past those listed are only counted.
	probs := prefixProblems(na)
	room := max(maxAnomalies+1-len(s.arch.Problems), 0)
	s.arch.Problems = append(s.arch.Problems, probs[:min(room, len(probs))]...)
	s.moreAnomalies += len(probs) - min(room, len(probs)) + na.MoreProblems()
	return units
}

func prefixProblems(a *artifact.Archive) []artifact.Problem {
	out := make([]artifact.Problem, len(a.Problems))
	for i, p := range a.Problems {
		out[i] = artifact.Problem{Entry: a.Name + "!" + p.Entry, Reason: p.Reason}
	}
	return out
}

// analyzeUnits reads the dex files one after another (zip reads are
// sequential) and parses them in parallel, at most GOMAXPROCS at once.
//
// The inflated images are what a scan holds most of, so they are also
// bounded by bytes, whatever the number of cores: a dex starts beside
// others only while the images in memory stay within twice the largest.
// Inflating is sequential and slower than parsing, so two large images
// (one parsed while the next is inflated) keep the cores as busy as more
// would; holding fewer serialises inflating and parsing and costs a
// quarter of the time on large multidex apps. When the run has a memory
// budget (mem), every image is also paid from it, so that inputs analyzed
// in parallel share one bound.
//
// pkg is the manifest's package (see analyzeDexBytes).
//
// It returns one unit per source, in order; a unit holds the errors met
// and, when the image could be read, its summary. Sources left unread
// because a budget was spent or ctx ended are reported by one unit's
// error, and their units are nil.
func (a *Analyzer) analyzeUnits(ctx context.Context, mem *artifact.Budget, srcs []dexSource, pkg string) []*unit {
	units := make([]*unit, len(srcs))
	var largest int64
	for _, src := range srcs {
		largest = max(largest, src.size)
	}
	fl := newInFlight(runtime.GOMAXPROCS(0), 2*largest)
	var wg sync.WaitGroup
	// stop reports the sources from i on as not read, in one error.
	stop := func(i int, err error) {
		units[i] = &unit{file: srcs[i].name, order: srcs[i].order,
			errs: []error{lost(evidence.PartCode, skipped(len(srcs)-i, srcs[i].name, "dex files", err))}}
	}
	for i, src := range srcs {
		if err := ctx.Err(); err != nil {
			stop(i, err)
			break
		}
		// Take the room before inflating, so the bound holds for the
		// images in memory, not only for those being parsed. Room is
		// taken in order; inflating and parsing then run side by side on
		// every core, within the room.
		want := fl.acquire(src.size)
		if mem != nil {
			if err := mem.Acquire(ctx, want); err != nil {
				fl.release(want)
				stop(i, err)
				break
			}
		}
		wg.Add(1)
		go func(i int, src dexSource, want int64) {
			defer wg.Done()
			held := want
			defer func() {
				fl.release(held)
				if mem != nil {
					mem.Release(held)
				}
			}()
			defer func() {
				// A parser bug costs this dex file, not the scan.
				if r := recover(); r != nil {
					units[i] = &unit{file: src.name, order: src.order,
						errs: []error{evidence.Lostf(evidence.PartCode, evidence.CauseMalformed, "internal error while analyzing: %v", r)}}
				}
			}()
			data, err := src.load(ctx)
			var readErr error
			if err != nil {
				readErr = lost(evidence.PartCode, err)
				if len(data) == 0 {
					units[i] = &unit{file: src.name, order: src.order, errs: []error{readErr}}
					return
				}
			}
			// The declared size may lie; account for what was inflated.
			held = fl.adjust(want, int64(len(data)))
			if mem != nil {
				if held > want {
					mem.Take(held - want)
				} else {
					mem.Release(want - held)
				}
			}
			u := a.analyzeDexBytes(ctx, src.name, data, pkg)
			u.order = src.order
			if readErr != nil {
				u.errs = append([]error{readErr}, u.errs...)
			}
			units[i] = u
		}(i, src, want)
	}
	wg.Wait()
	return units
}

// inFlight bounds the dex images held at once, by count and by bytes. One
// image is always let in, however large, so a scan never waits forever.
type inFlight struct {
	mu     sync.Mutex
	cond   *sync.Cond
	slots  int   // images that may be held at once
	budget int64 // bytes that may be held at once
	n      int
	bytes  int64
}

func newInFlight(slots int, budget int64) *inFlight {
	f := &inFlight{slots: max(slots, 1), budget: budget}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// acquire waits until an image of size bytes may be held, takes the room
// and returns what was taken.
func (f *inFlight) acquire(size int64) int64 {
	size = max(size, 0)
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.n > 0 && (f.n >= f.slots || f.bytes+size > f.budget) {
		f.cond.Wait()
	}
	f.n++
	f.bytes += size
	return size
}

// adjust replaces the room taken for an image by its real size, without
// waiting, since the image is already in memory, and returns it.
func (f *inFlight) adjust(taken, size int64) int64 {
	f.mu.Lock()
	f.bytes += size - taken
	f.mu.Unlock()
	return size
}

// release gives back the room taken for an image.
func (f *inFlight) release(taken int64) {
	f.mu.Lock()
	f.n--
	f.bytes -= taken
	f.mu.Unlock()
	f.cond.Broadcast()
}

// apiIndex is the catalog's PI APIs keyed by DEX class descriptor.
type apiIndex struct {
	methods map[string]map[string]apiList
	fields  map[string]map[string]apiList
}

// apiList is the APIs of one member, each with the text that says what a
// call site matched ("Class.member"), made once.
type apiList struct {
	apis []catalog.API
	via  []string
}

// newValueIndex indexes the catalog's value calls by DEX class descriptor
// and member.
func newValueIndex(cat *catalog.Catalog) map[string]map[string][]catalog.ValueCall {
	ix := map[string]map[string][]catalog.ValueCall{}
	for _, v := range cat.ValueCalls() {
		desc := "L" + strings.ReplaceAll(v.Class, ".", "/") + ";"
		if ix[desc] == nil {
			ix[desc] = map[string][]catalog.ValueCall{}
		}
		ix[desc][v.Member] = append(ix[desc][v.Member], v)
	}
	return ix
}

func newAPIIndex(cat *catalog.Catalog) apiIndex {
	ix := apiIndex{methods: map[string]map[string]apiList{}, fields: map[string]map[string]apiList{}}
	for _, api := range cat.APIs() {
		if api.Class == "" || api.Member == "" {
			continue
		}
		desc := "L" + strings.ReplaceAll(api.Class, ".", "/") + ";"
		m := ix.methods
		if api.IsField {
			m = ix.fields
		}
		if m[desc] == nil {
			m[desc] = map[string]apiList{}
		}
		l := m[desc][api.Member]
		l.apis = append(l.apis, api)
		l.via = append(l.via, api.Class+"."+api.Member)
		m[desc][api.Member] = l
	}
	return ix
}

// analyzeDexBytes parses one dex image and summarises it. Everything sized
// by the image's tables lives only while the image is parsed; the unit
// keeps the summary described at [unit].
//
// pkg is the manifest's package name ("" when unknown): a constant equal to
// it names the app itself (see semantics).
//
// A damaged image is read as far as it goes: id tables cut short, class
// definitions or methods that cannot be decoded cost themselves, not the
// file, and the damage is the unit's error (truncated when the image is
// shorter than its header says, malformed otherwise).
func (a *Analyzer) analyzeDexBytes(ctx context.Context, name string, data []byte, pkg string) *unit {
	u := &unit{file: name, sdks: map[string]*sdkPresence{}}
	f, perr := dex.ParsePartial(data)
	if f == nil {
		u.errs = append(u.errs, evidence.Lost(evidence.PartCode, evidence.CauseMalformed, fmt.Errorf("dex: %w", perr)))
		return u
	}
	var damage []error
	if perr != nil {
		damage = append(damage, fmt.Errorf("dex: %w", perr))
	}
	defer func() {
		if len(damage) > 0 {
			cause := evidence.CauseMalformed
			if f.Truncated() {
				cause = evidence.CauseTruncated
			}
			u.errs = append(u.errs, evidence.Lost(evidence.PartCode, cause, errors.Join(damage...)))
		}
	}()
	// timedOut records that ctx ended: the summary so far is kept.
	timedOut := func(err error) {
		u.errs = append(u.errs, evidence.Lost(evidence.PartCode, evidence.CauseTimeout, fmt.Errorf("dex analysis stopped: %w", err)))
	}
	sizes := f.Sizes()
	classes, err := f.Classes()
	if err != nil {
		damage = append(damage, fmt.Errorf("dex: %w", err))
	}
	u.classes = make([]classInfo, len(classes))
	for i, c := range classes {
		ci := classInfo{desc: c.Class, super: c.Super}
		if id, ok := a.cat.MatchClass(c.Class); ok {
			sdk, _ := a.cat.SDK(id)
			if !a.localLibrary(sdk, c.Class) {
				ci.party = evidence.Party{SDK: id, Name: sdk.Name}
			}
			p := u.sdks[id]
			if p == nil {
				p = &sdkPresence{first: c.Class}
				u.sdks[id] = p
			}
			p.classes++
		}
		u.classes[i] = ci
	}
	classes = nil

	// Method and field tables: which ids are PI APIs. An invoke names a
	// method id, so one lookup per id replaces one per call site.
	nm := sizes.Methods
	var apiLists []apiList
	apiOf := make([]int32, nm) // index into apiLists plus one, 0 when none
	// Type ids are at most 65536 (Parse checks), so a table is smaller
	// than a map.
	typeName := make([]string, sizes.Types)
	typeDone := make([]bool, sizes.Types)
	className := func(t uint32) string {
		if int(t) >= len(typeName) {
			return ""
		}
		if !typeDone[t] {
			typeName[t], _ = f.Type(t)
			typeDone[t] = true
		}
		return typeName[t]
	}
	// Superclasses of this dex's classes, to find the catalog API an app
	// class inherits.
	superOf := make(map[string]string, len(u.classes))
	for _, c := range u.classes {
		superOf[c.desc] = c.super
	}
	inheritedOf := map[uint32]map[string]apiList{}
	// Calls into the platform never lead back to app or SDK code the
	// call graph could follow; they are not kept as edges.
	platform := make([]bool, nm)
	platformType := make([]int8, sizes.Types) // 0 unknown, 1 platform, 2 not
	for i := uint32(0); i < nm; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			timedOut(ctx.Err())
			return u
		}
		t, n, err := f.MethodClassIdx(i)
		if err != nil || int(t) >= len(platformType) {
			continue
		}
		if platformType[t] == 0 {
			platformType[t] = 2
			if isPlatformClass(className(t)) {
				platformType[t] = 1
			}
		}
		platform[i] = platformType[t] == 1
		members := a.apis.methods[className(t)]
		if members == nil && platformType[t] == 2 {
			// A call named on an app class that inherits the API
			// (MainActivity->requestPermissions is Activity's).
			members = inherited(t, className, superOf, a.apis.methods, inheritedOf)
		}
		if members == nil {
			continue
		}
		mname, _ := f.String(n)
		if apis, ok := members[mname]; ok {
			apiLists = append(apiLists, apis)
			apiOf[i] = int32(len(apiLists))
		}
	}
	fieldAPI := map[uint32]apiList{}
	for i := uint32(0); i < sizes.Fields; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			timedOut(ctx.Err())
			return u
		}
		t, n, err := f.FieldClassIdx(i)
		if err != nil {
			continue
		}
		members := a.apis.fields[className(t)]
		if members == nil {
			continue
		}
		fname, _ := f.String(n)
		if apis, ok := members[fname]; ok {
			fieldAPI[i] = apis
		}
	}

	sig := newSigCache(f, className)
	sem := &semantics{a: a, f: f, flow: dex.NewFlow(f), pkg: pkg, sig: sig, className: className, classes: u.classes,
		apisOf: func(m uint32) []catalog.API {
			if int(m) < len(apiOf) && apiOf[m] > 0 {
				return apiLists[apiOf[m]-1].apis
			}
			return nil
		},
		fieldAPIs: func(i uint32) []catalog.API { return fieldAPI[i].apis },
	}
	// codeOf maps a method id to its node, or tells it has no code here
	// (noCode) or is a leaf.
	const noCode, leaf = -1, -2
	codeOf := make([]int32, nm)
	for i := range codeOf {
		codeOf[i] = noCode
	}
	nameIdx := map[string]int32{}
	var news []string // classes instantiated, sliced by node
	var newOffs []uint32
	var callees []uint32                    // method ids, sliced by node like u.edges
	var calleeOffs []uint32                 // their call sites
	strKind := make([]uint8, sizes.Strings) // 0 unknown, 1 nothing, 2 url, 3 content uri/settings key
	// Strings and content-URI APIs are decoded once per string id, however
	// many instructions load them.
	urlOf := map[uint32]string{}
	type uriHit struct {
		api *catalog.API
		uri string
	}
	uriOf := map[uint32]uriHit{}
	var consts []uint32
	// runs tells, by method id, whether a call hands work over (see
	// asyncSinks): 0 not known yet, 1 no, 2 yes. A method that makes no
	// such call runs none of the objects it makes.
	runs := make([]uint8, nm)
	handsOver := func(id uint32) bool {
		if int(id) >= len(runs) {
			return false
		}
		if runs[id] == 0 {
			runs[id] = 1
			if t, n, err := f.MethodClassIdx(id); err == nil {
				name, _ := f.StringBytes(n)
				if asyncSinks[string(name)] || string(name) == "<init>" && className(t) == "Ljava/lang/Thread;" {
					runs[id] = 2
				}
			}
		}
		return runs[id] == 2
	}
	var handover bool
	type branchAt struct{ callee, br uint32 }
	var branches []branchAt // calls whose result is tested right away
	var hitsDropped, urlsDropped int
	addHit := func(h hit) {
		if len(u.hits) >= maxUnitHits {
			hitsDropped++
			return
		}
		u.hits = append(u.hits, h)
	}
	walkErr := f.Walk(func(m dex.Code, insns []dex.Insn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.ClassDef < 0 || m.ClassDef >= len(u.classes) {
			return nil
		}
		ni := int32(len(u.nodes))
		hash, ok := sig.hash(m.MethodIdx)
		if !ok {
			return nil
		}
		start := len(callees)
		newStart := len(news)
		consts = consts[:0]
		branches = branches[:0]
		handover = false
		method := "" // the method's name and proto, made when first needed
		firstHit, firstURL := len(u.hits), len(u.urls)
		for _, in := range insns {
			switch in.Op {
			case dex.OpInvoke:
				if !handover && handsOver(in.Index) {
					handover = true
				}
				if int(in.Index) < len(platform) && !platform[in.Index] {
					callees = append(callees, in.Index)
					calleeOffs = append(calleeOffs, in.Offset)
					if br, ok := helperBranch(data, in.Opcode, in.Offset); ok && len(branches) < maxHelperBranches {
						branches = append(branches, branchAt{in.Index, br})
					}
				}
				if int(in.Index) < len(apiOf) && apiOf[in.Index] > 0 {
					l := apiLists[apiOf[in.Index]-1]
					for k := range l.apis {
						addHit(hit{node: ni, api: &l.apis[k], offset: in.Offset, via: l.via[k]})
					}
				}
			case dex.OpStaticGet, dex.OpInstanceGet:
				l := fieldAPI[in.Index]
				for k := range l.apis {
					addHit(hit{node: ni, api: &l.apis[k], offset: in.Offset, via: l.via[k]})
				}
			case dex.OpNewInstance:
				if desc := className(in.Index); desc != "" && !isPlatformClass(desc) {
					news = append(news, desc)
					newOffs = append(newOffs, in.Offset)
				}
			case dex.OpConst:
				if in.Index>>24 == 0x7f && len(u.resRefs) < maxUnitResRefs {
					if method == "" {
						np, _, _ := sig.of(m.MethodIdx)
						method = string(np)
					}
					u.resRefs = append(u.resRefs, resRef{cls: int32(m.ClassDef), method: method, id: in.Index, offset: in.Offset})
				}
			case dex.OpConstString:
				if int(in.Index) >= len(strKind) {
					continue
				}
				k := strKind[in.Index]
				if k == 0 {
					k = a.classifyString(f, in.Index)
					strKind[in.Index] = k
				}
				switch k {
				case 2:
					if len(u.urls) >= maxUnitURLs {
						urlsDropped++
						break
					}
					s, ok := urlOf[in.Index]
					if !ok {
						s, _ = f.String(in.Index)
						urlOf[in.Index] = s
					}
					u.urls = append(u.urls, urlHit{node: ni, url: s, offset: in.Offset})
				case 3:
					uh, ok := uriOf[in.Index]
					if !ok {
						uh.uri, _ = f.String(in.Index)
						if api, ok := a.cat.ContentURI(uh.uri); ok {
							uh.api = &api
						}
						uriOf[in.Index] = uh
					}
					if uh.api != nil {
						addHit(hit{node: ni, api: uh.api, offset: in.Offset, via: uh.uri})
					}
				}
				consts = append(consts, in.Index)
			}
		}
		if len(news) > newStart && !handover {
			news, newOffs = news[:newStart], newOffs[:newStart]
		}
		if len(news) > newStart {
			// Only objects handed to a thread, an executor or a handler
			// run without a call; one merely stored waits for something.
			keep := sem.handedToRunner(m, newOffs[newStart:])
			w := newStart
			for k, ok := range keep {
				if ok {
					news[w], newOffs[w] = news[newStart+k], newOffs[newStart+k]
					w++
				}
			}
			news, newOffs = news[:w], newOffs[:w]
		}
		if len(u.hits) > firstHit {
			u.hits = sem.decide(m, u.hits, firstHit, consts)
			sem.permissionNames(u.hits[firstHit:])
		}
		if len(callees) == start && len(news) == newStart && len(u.hits) == firstHit && len(u.urls) == firstURL && u.classes[m.ClassDef].party.SDK == "" {
			if int(m.MethodIdx) < len(codeOf) {
				codeOf[m.MethodIdx] = leaf
			}
			u.leaves = append(u.leaves, hash)
			return nil
		}
		if int(m.MethodIdx) < len(codeOf) {
			codeOf[m.MethodIdx] = ni
		}
		gate, gateFrom, gateTo, returns := sem.consentGate(data, u.hits[firstHit:])
		if returns {
			u.getters = append(u.getters, hash)
		}
		if gate == 0 {
			for _, b := range branches {
				callee, ok := sig.hash(b.callee)
				if !ok {
					continue
				}
				if from, to, ok := branchRegion(data, b.br, func(off uint32) (uint8, bool) { return f.OpcodeBefore(m, off) }); ok {
					u.helperGates = append(u.helperGates, helperGate{node: ni, callee: callee, gate: b.br, from: from, to: to})
				}
			}
		}
		n := node{hash: hash, cls: int32(m.ClassDef), start: uint32(start), end: uint32(len(callees)), gate: gate, gateFrom: gateFrom, gateTo: gateTo,
			newStart: uint32(newStart), newEnd: uint32(len(news))}
		nameProto, _, _ := sig.of(m.MethodIdx)
		if i, ok := nameIdx[string(nameProto)]; ok {
			n.name = i
		} else {
			n.name = int32(len(u.names))
			s := string(nameProto)
			u.names = append(u.names, s)
			nameIdx[s] = n.name
		}
		u.nodes = append(u.nodes, n)
		return nil
	})
	if walkErr != nil {
		if err := ctx.Err(); err != nil {
			// What was walked is kept; the edges below keep it consistent.
			timedOut(err)
		} else {
			damage = append(damage, fmt.Errorf("dex code: %w", walkErr))
		}
	}
	if hitsDropped > 0 {
		u.errs = append(u.errs, evidence.Lostf(evidence.PartCode, evidence.CauseLimit,
			"%d more PI API call sites were not kept: at most %d are kept per dex file", hitsDropped, maxUnitHits))
	}
	if urlsDropped > 0 {
		u.errs = append(u.errs, evidence.Lostf(evidence.PartCode, evidence.CauseLimit,
			"%d more URL constants were not kept: at most %d are kept per dex file", urlsDropped, maxUnitURLs))
	}

	u.news, u.newOff = news, newOffs
	// Resolve callees now that every method with code is known: a node
	// here, a leaf (dropped), or a method another dex may define.
	u.edges = make([]int32, 0, len(callees))
	u.edgeOff = make([]uint32, 0, len(callees))
	extOf := map[uint32]int32{}
	for i := range u.nodes {
		nd := &u.nodes[i]
		start := uint32(len(u.edges))
		for k, callee := range callees[nd.start:nd.end] {
			off := calleeOffs[int(nd.start)+k]
			switch c := codeOf[callee]; {
			case c >= 0:
				u.edges = append(u.edges, c)
				u.edgeOff = append(u.edgeOff, off)
			case c == noCode:
				x, ok := extOf[callee]
				if !ok {
					hash, ok := sig.hash(callee)
					if !ok {
						continue
					}
					x = int32(len(u.ext))
					u.ext = append(u.ext, hash)
					var ms methodSig
					if t, _, err := f.MethodClassIdx(callee); err == nil {
						np, _, _ := sig.of(callee)
						ms = methodSig{class: className(t), nameProto: string(np)}
					}
					u.extSig = append(u.extSig, ms)
					extOf[callee] = x
				}
				u.edges = append(u.edges, ^x)
				u.edgeOff = append(u.edgeOff, off)
			}
		}
		nd.start, nd.end = start, uint32(len(u.edges))
	}
	return u
}

// filterArgs drops hits, from index first on, that no argument rule
// decided (legacy) and whose API needs a string constant (such as
// "android_id") that the method never loads. Only strings short enough to
// be one of the arguments are decoded, each once.
func filterArgs(f *dex.File, hits []hit, first int, consts []uint32) []hit {
	want := map[string]bool{}
	longest := 0
	for _, h := range hits[first:] {
		if !h.legacy {
			continue
		}
		for _, arg := range h.api.Args {
			want[arg] = true
			longest = max(longest, len(arg))
		}
	}
	have := map[string]bool{}
	done := map[uint32]bool{}
	for _, i := range consts {
		if done[i] {
			continue
		}
		done[i] = true
		// A character takes at most three bytes of Modified UTF-8.
		if b, err := f.StringBytes(i); err != nil || len(b) > 3*longest {
			continue
		}
		if s, err := f.String(i); err == nil && want[s] {
			have[s] = true
		}
	}
	out := hits[:first]
	for _, h := range hits[first:] {
		if !h.legacy {
			out = append(out, h)
			continue
		}
		for _, arg := range h.api.Args {
			if have[arg] {
				h.via += "(" + arg + ")"
				out = append(out, h)
				break
			}
		}
	}
	return out
}

var (
	schemeHTTP    = []byte("http://")
	schemeHTTPS   = []byte("https://")
	schemeWS      = []byte("ws://")
	schemeWSS     = []byte("wss://")
	schemeContent = []byte("content://")
)

// classifyString decides from the raw bytes, without decoding, whether a
// string constant is a URL (2), a content URI or settings key the catalog
// knows (3), or nothing of interest (1).
func (a *Analyzer) classifyString(f *dex.File, i uint32) uint8 {
	b, err := f.StringBytes(i)
	if err != nil || len(b) < 4 {
		return 1
	}
	switch {
	case bytes.HasPrefix(b, schemeHTTP), bytes.HasPrefix(b, schemeHTTPS), bytes.HasPrefix(b, schemeWS), bytes.HasPrefix(b, schemeWSS):
		return 2
	case bytes.HasPrefix(b, schemeContent):
		if _, ok := a.cat.ContentURI(string(b)); ok {
			return 3
		}
	}
	return 1
}

// sigCache renders method signatures and their hashes with few
// allocations: protos and the hash of each class are computed once per
// id, names are read as raw bytes.
type sigCache struct {
	f       *dex.File
	class   func(uint32) string
	protos  []string // by proto id, at most 65536 (Parse checks)
	protoOK []bool
	classH  []uint64 // hash state after the class descriptor, by type id
	classOK []bool
	buf     []byte
}

func newSigCache(f *dex.File, class func(uint32) string) *sigCache {
	np, nt := f.Header.NumProtos, f.Header.NumTypes
	return &sigCache{f: f, class: class,
		protos: make([]string, np), protoOK: make([]bool, np),
		classH: make([]uint64, nt), classOK: make([]bool, nt)}
}

// parts returns the hash state after method m's class, its name as raw
// bytes and its proto.
func (c *sigCache) parts(m uint32) (uint64, []byte, string, bool) {
	t, n, err := c.f.MethodClassIdx(m)
	if err != nil {
		return 0, nil, "", false
	}
	p, err := c.f.MethodProtoIdx(m)
	if err != nil {
		return 0, nil, "", false
	}
	proto := "" // an unresolvable proto leaves the name alone
	if int(p) < len(c.protos) {
		if !c.protoOK[p] {
			c.protos[p], _ = c.f.Proto(p)
			c.protoOK[p] = true
		}
		proto = c.protos[p]
	}
	name, err := c.f.StringBytes(n)
	if err != nil {
		return 0, nil, "", false
	}
	var h uint64
	if int(t) < len(c.classH) {
		if !c.classOK[t] {
			c.classH[t] = hashClass(c.class(t))
			c.classOK[t] = true
		}
		h = c.classH[t]
	} else {
		h = hashClass(c.class(t))
	}
	return h, name, proto, true
}

// hash returns the hash that identifies method m across dex files (class,
// name and proto).
func (c *sigCache) hash(m uint32) (uint64, bool) {
	h, name, proto, ok := c.parts(m)
	if !ok {
		return 0, false
	}
	return hashString(hashBytes(h, name), proto), true
}

// of returns "name(proto)", valid until the next call, and the hash.
func (c *sigCache) of(m uint32) ([]byte, uint64, bool) {
	h, name, proto, ok := c.parts(m)
	if !ok {
		return nil, 0, false
	}
	c.buf = append(append(c.buf[:0], name...), proto...)
	return c.buf, hashBytes(h, c.buf), true
}

// The method hash is FNV-1a over class descriptor, NUL, name and proto.
const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

// hashClass returns the hash state after a class descriptor and the NUL.
func hashClass(class string) uint64 {
	return hashString(fnvOffset, class) * fnvPrime
}

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

// isPlatformClass reports classes of the Android platform and Java/Kotlin
// runtimes, which hold no app or SDK code.
func isPlatformClass(desc string) bool {
	for _, p := range [...]string{"Landroid/", "Ljava/", "Ljavax/", "Lkotlin/", "Ldalvik/", "Lorg/json/", "Lorg/xml/", "Lorg/w3c/", "Lsun/", "Llibcore/"} {
		if strings.HasPrefix(desc, p) {
			return true
		}
	}
	return false
}

// javaName turns "Lcom/example/Foo$Bar;" into "com.example.Foo$Bar".
func javaName(desc string) string {
	if len(desc) >= 2 && desc[0] == 'L' && desc[len(desc)-1] == ';' {
		desc = desc[1 : len(desc)-1]
	}
	return strings.ReplaceAll(desc, "/", ".")
}

// analyzeDex handles a bare .dex file given on the command line. It is
// held in memory whole, so it obeys the entry limit and the run's memory
// budget like a dex inside a package.
func (a *Analyzer) analyzeDex(ctx context.Context, in *artifact.Input, set *evidence.Set) (*evidence.Set, error) {
	if in.Size > in.Limits.MaxEntrySize {
		return nil, fmt.Errorf("%s: %d bytes, more than the entry limit of %d: %w", path.Base(in.Path), in.Size, in.Limits.MaxEntrySize, artifact.ErrLimit)
	}
	if mem := in.Limits.Memory; mem != nil {
		if err := mem.Acquire(ctx, in.Size); err != nil {
			return nil, err
		}
		defer mem.Release(in.Size)
	}
	data := make([]byte, in.Size)
	if _, err := in.ReaderAt().ReadAt(data, 0); err != nil {
		return nil, err
	}
	u := a.analyzeDexBytes(ctx, path.Base(in.Path), data, "")
	s := &scan{a: a, set: set, man: &Manifest{}}
	// Rules over the manifest (permissions, components, start-up entry
	// points) have nothing to judge: not evaluated, and nothing was lost.
	set.Fail(Source, "", evidence.Lostf(evidence.PartManifest, evidence.CauseAbsent,
		"a bare DEX file carries no manifest: permissions, components and start-up entry points are unknown"))
	for _, err := range u.errs {
		s.loseCode(u.file, err)
	}
	if err := s.emit(ctx, []*unit{u}, nil); err != nil {
		s.loseCode(u.file, evidence.Lost(evidence.PartCode, evidence.CauseTimeout, fmt.Errorf("code evidence cut short: %w", err)))
	}
	s.reportDropped()
	return set, nil
}

// codeIndex joins the units for cross-dex questions.
// maxReach bounds the methods a reachability walk visits; past it the walk
// stops and says so (codeIndex.cut), never a silent "unreachable".
const maxReach = 200_000

type codeIndex struct {
	units []*unit
	// cut is set when a walk stopped at its bound: limit methods, or
	// maxReach when limit is 0.
	cut   bool
	limit int
	// compliant reports SDK entry points documented as collecting nothing
	// before consent: reach does not follow calls into them.
	compliant func(class, method string) bool
	// held are the compliant entry points the last walk reached and did
	// not follow, each with the method that calls it.
	held map[ref]ref
}

// ref names one method with code: unit and node.
type ref struct{ u, n int32 }

// startupRoots are the methods Android runs when the process starts, before
// any activity (and so any consent dialog) exists: the Application's
// constructor, attachBaseContext and onCreate, every ContentProvider's
// onCreate, and androidx.startup initializers.
func (s *scan) startupRoots() []string {
	var classes []string
	if s.man.Application != "" {
		classes = append(classes, s.man.Application)
	}
	for _, c := range s.man.Components {
		if c.Type != "provider" {
			continue
		}
		classes = append(classes, c.Name)
		for _, md := range c.MetaData {
			if md.Value == "androidx.startup" {
				classes = append(classes, md.Name)
			}
		}
	}
	return classes
}

// rootMethods are the lifecycle methods run at process start.
var rootMethods = map[string]bool{
	"<clinit>()V": true, "<init>()V": true, "onCreate()V": true, "onCreate()Z": true,
	"attachBaseContext(Landroid/content/Context;)V":       true,
	"create(Landroid/content/Context;)Ljava/lang/Object;": true,
}

// reach walks the call graph from the start-up roots and returns, for each
// method reached, the method it was reached from (for the path shown in
// evidence). Calls are followed within and across dex files; virtual calls
// resolve to the named class only; depth and size are bounded. When ctx
// ends it returns what was reached so far and the context's error.
func (ci *codeIndex) reach(ctx context.Context, rootClasses []string) (map[ref]ref, error) {
	return ci.reachFrom(ctx, rootClasses, rootMethods)
}

// reachFrom is reach from the given methods of the root classes.
func (ci *codeIndex) reachFrom(ctx context.Context, rootClasses []string, rootMethods map[string]bool) (map[ref]ref, error) {
	byClass := map[string]ref{} // desc → (unit, class idx)
	for ui, u := range ci.units {
		for c, info := range u.classes {
			if _, dup := byClass[info.desc]; !dup {
				byClass[info.desc] = ref{int32(ui), int32(c)}
			}
		}
	}
	parent := map[ref]ref{}
	ci.held = map[ref]ref{}
	var queue []ref
	push := func(r, from ref) {
		if _, seen := parent[r]; seen {
			return
		}
		if limit := cmp.Or(ci.limit, maxReach); len(parent) >= limit {
			ci.cut = true
			return
		}
		parent[r] = from
		queue = append(queue, r)
	}
	// The root classes and their app-defined superclasses, in order.
	var rootLocs []ref
	nodesOf := map[ref][]int32{} // (unit, class) → its root methods' nodes
	for _, jc := range rootClasses {
		desc := "L" + strings.ReplaceAll(jc, ".", "/") + ";"
		for depth := 0; desc != "" && depth < 8; depth++ {
			loc, ok := byClass[desc]
			if !ok {
				break
			}
			rootLocs = append(rootLocs, loc)
			nodesOf[loc] = nil
			desc = ci.units[loc.u].classes[loc.n].super
		}
	}
	for ui, u := range ci.units {
		for n, nd := range u.nodes {
			loc := ref{int32(ui), nd.cls}
			if l, ok := nodesOf[loc]; ok && rootMethods[u.names[nd.name]] {
				nodesOf[loc] = append(l, int32(n))
			}
		}
	}
	for _, loc := range rootLocs {
		for _, n := range nodesOf[loc] {
			push(ref{loc.u, n}, ref{-1, -1})
		}
	}
	defs, err := ci.defs(ctx)
	if err != nil {
		return parent, err
	}
	async := ci.asyncEntries()
	for steps := 0; len(queue) > 0; steps++ {
		if steps%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return parent, err
			}
		}
		r := queue[0]
		queue = queue[1:]
		u := ci.units[r.u]
		nd := u.nodes[r.n]
		for k, e := range u.edges[nd.start:nd.end] {
			if nd.gated(u.edgeOff[int(nd.start)+k]) {
				// Behind the consent check: not run before consent.
				continue
			}
			to := ref{r.u, e}
			if e < 0 {
				d := defs[u.ext[^e]]
				to = d[0]
				if to.u == r.u {
					to = d[1]
				}
				if to.u < 0 || to.n < 0 {
					continue
				}
			}
			if ci.isCompliant(to) {
				if _, seen := ci.held[to]; !seen {
					ci.held[to] = r
				}
				continue
			}
			push(to, r)
		}
		// Work handed to a thread, an executor or a handler: a Runnable,
		// Callable or AsyncTask made here runs without a direct call.
		for k := nd.newStart; k < nd.newEnd && int(k) < len(u.news); k++ {
			if nd.gated(u.newOff[k]) {
				continue
			}
			for _, to := range async[u.news[k]] {
				push(to, r)
			}
		}
	}
	return parent, nil
}

// asyncMethods are the methods the platform runs for work handed over as
// an object: Runnable.run, Callable.call, AsyncTask.doInBackground and
// Thread.run. Listeners (onClick…) are user actions and are not among them.
var asyncMethods = map[string]bool{
	"run()V": true, "call()Ljava/lang/Object;": true,
	"doInBackground([Ljava/lang/Object;)Ljava/lang/Object;": true,
}

// asyncEntries maps each class with an async method to its nodes.
func (ci *codeIndex) asyncEntries() map[string][]ref {
	out := map[string][]ref{}
	for ui, u := range ci.units {
		for n, nd := range u.nodes {
			if asyncMethods[u.names[nd.name]] {
				desc := u.classes[nd.cls].desc
				out[desc] = append(out[desc], ref{int32(ui), int32(n)})
			}
		}
	}
	return out
}

// helperGates makes consent gates of branches on calls to methods that
// return a consent flag (if (!isAgreed()) return;), in any dex: of a
// method with no gate of its own, the first such branch.
func (ci *codeIndex) helperGates() {
	getters := map[uint64]bool{}
	for _, u := range ci.units {
		for _, h := range u.getters {
			getters[h] = true
		}
	}
	if len(getters) == 0 {
		return
	}
	for _, u := range ci.units {
		for _, g := range u.helperGates {
			nd := &u.nodes[g.node]
			if getters[g.callee] && (nd.gate == 0 || nd.helper && g.gate < nd.gate) {
				nd.gate, nd.gateFrom, nd.gateTo, nd.helper = g.gate, g.from, g.to, true
			}
		}
	}
}

// isCompliant reports whether a method is a compliant SDK entry point.
func (ci *codeIndex) isCompliant(r ref) bool {
	if ci.compliant == nil {
		return false
	}
	u := ci.units[r.u]
	nd := u.nodes[r.n]
	return ci.compliant(javaName(u.classes[nd.cls].desc), methodName(u.names[nd.name]))
}

// defs finds, for every method some dex calls without defining it, the
// first two dex files that define it (a unit of -1 when none), as a node
// or as a leaf (a node of -1). A call resolves to the first of the two
// that is not the caller's own dex.
func (ci *codeIndex) defs(ctx context.Context) (map[uint64][2]ref, error) {
	none := ref{-1, -1}
	defs := map[uint64][2]ref{}
	for _, u := range ci.units {
		for _, h := range u.ext {
			defs[h] = [2]ref{none, none}
		}
	}
	if len(defs) == 0 {
		return defs, nil
	}
	add := func(h uint64, r ref) {
		d, ok := defs[h]
		switch {
		case !ok, d[0].u == r.u, d[1].u >= 0:
		case d[0].u < 0:
			defs[h] = [2]ref{r, none}
		default:
			defs[h] = [2]ref{d[0], r}
		}
	}
	for ui, u := range ci.units {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for n, nd := range u.nodes {
			add(nd.hash, ref{int32(ui), int32(n)})
		}
		for _, h := range u.leaves {
			add(h, ref{int32(ui), -1})
		}
	}
	ci.inheritedDefs(defs)
	return defs, nil
}

// methodSig names a method: class descriptor, then name and proto.
type methodSig struct{ class, nameProto string }

// maxInherit bounds the superclasses searched for an inherited method.
const maxInherit = 8

// inheritedDefs resolves, in defs, the callees no dex defines on the named
// class to the nearest superclass (within the app's dex files) that does:
// this.helper() compiles to a call on the caller's class even when the
// method is its parent's. Overrides in subclasses are not followed (the
// object's class is not known), so a call never reaches code it cannot
// run.
func (ci *codeIndex) inheritedDefs(defs map[uint64][2]ref) {
	superOf := map[string]string{}
	for _, u := range ci.units {
		for _, c := range u.classes {
			if _, ok := superOf[c.desc]; !ok {
				superOf[c.desc] = c.super
			}
		}
	}
	// The hashes to look for: each missing callee on its superclasses.
	type miss struct {
		h     uint64
		chain []uint64
	}
	var misses []miss
	want := map[uint64]bool{}
	for _, u := range ci.units {
		for i, h := range u.ext {
			if d := defs[h]; d[0].u >= 0 || i >= len(u.extSig) || u.extSig[i].class == "" {
				continue
			}
			ms := u.extSig[i]
			var chain []uint64
			desc := superOf[ms.class]
			for depth := 0; desc != "" && depth < maxInherit && !isPlatformClass(desc); depth++ {
				sh := hashString(hashClass(desc), ms.nameProto)
				chain = append(chain, sh)
				want[sh] = true
				desc = superOf[desc]
			}
			if len(chain) > 0 {
				misses = append(misses, miss{h, chain})
			}
		}
	}
	if len(misses) == 0 {
		return
	}
	found := map[uint64]ref{}
	for ui, u := range ci.units {
		for n, nd := range u.nodes {
			if _, ok := found[nd.hash]; !ok && want[nd.hash] {
				found[nd.hash] = ref{int32(ui), int32(n)}
			}
		}
		for _, h := range u.leaves {
			if _, ok := found[h]; !ok && want[h] {
				found[h] = ref{int32(ui), -1}
			}
		}
	}
	for _, m := range misses {
		for _, sh := range m.chain {
			if r, ok := found[sh]; ok {
				// The same definition whichever dex calls it, its own
				// included.
				defs[m.h] = [2]ref{r, r}
				break
			}
		}
	}
}

// path renders how a start-up method was reached, root first.
func (ci *codeIndex) path(parent map[ref]ref, r ref) string {
	var steps []string
	for i := 0; i < 12; i++ {
		u := ci.units[r.u]
		nd := u.nodes[r.n]
		steps = append(steps, shortClass(u.classes[nd.cls].desc)+"."+methodName(u.names[nd.name]))
		p, ok := parent[r]
		if !ok || p.u < 0 {
			break
		}
		r = p
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return strings.Join(steps, " → ")
}

func shortClass(desc string) string {
	n := javaName(desc)
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
}

func methodName(nameProto string) string {
	if i := strings.IndexByte(nameProto, '('); i >= 0 {
		return nameProto[:i]
	}
	return nameProto
}

// emit turns the units into observations, within the per-input bounds.
// It stops early, with the context's error, when ctx ends.
func (s *scan) emit(ctx context.Context, units []*unit, rootClasses []string) error {
	ci := &codeIndex{units: units, compliant: s.a.cat.CompliantEntry}
	ci.helperGates()
	parent, err := ci.reach(ctx, rootClasses)
	if err != nil {
		return err
	}
	held := ci.held
	if ci.cut {
		// What runs at start-up past the cap is not known: rules that
		// read code and find nothing are not evaluated.
		s.loseCode("", evidence.Lostf(evidence.PartCode, evidence.CauseLimit,
			"the start-up call graph was cut at %d methods: code reached later was not followed", maxReach))
	}
	type sdkRef struct {
		types map[string]bool
		where evidence.Location
	}
	referenced := map[string]*sdkRef{}
	type startupHit struct {
		path  string
		where evidence.Location
	}
	startupSDK := map[string]startupHit{}
	var asks []purposeHit
	for ui, u := range units {
		if err := ctx.Err(); err != nil {
			return err
		}
		// SDK presence by classes.
		ids := make([]string, 0, len(u.sdks))
		for id := range u.sdks {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			p := u.sdks[id]
			sdk, _ := s.a.cat.SDK(id)
			s.addCode(evidence.Observation{Kind: evidence.SDK, Key: id, Level: evidence.Present, Party: evidence.Party{SDK: id, Name: sdk.Name},
				Where: evidence.Location{File: u.file, Class: javaName(p.first)}, Source: Source,
				Detail: map[string]string{evidence.DetailMatch: "classes", "classes": fmt.Sprint(p.classes)}})
		}
		for i := range u.hits {
			h := &u.hits[i]
			if h.api.Purpose == catalog.PurposePermissionRequest || h.api.Purpose == catalog.PurposeExit {
				asks = append(asks, purposeHit{unit: ui, hit: h})
				continue
			}
			dt := h.typ()
			if dt == "" {
				continue
			}
			nd := u.nodes[h.node]
			cls := u.classes[nd.cls]
			where := evidence.Location{File: u.file, Class: javaName(cls.desc), Method: u.names[nd.name], Offset: int64(h.offset)}
			d := map[string]string{evidence.DetailAPI: h.via}
			if c := h.confidence(); c != "" {
				d["confidence"] = c
			}
			if h.args != "" {
				d[evidence.DetailArgs] = h.args
			}
			if h.uri != "" {
				d[evidence.DetailURI] = h.uri
			}
			r := ref{int32(ui), h.node}
			if _, ok := parent[r]; ok && !nd.gated(h.offset) {
				d[evidence.DetailStartup] = "true"
				d[evidence.DetailStartupPath] = ci.path(parent, r)
			}
			if h.check {
				// A presence check: about the type, not a read of it.
				d[evidence.DetailDataType] = dt
				s.addCode(evidence.Observation{Kind: evidence.Property, Key: evidence.PropertyPresenceCheck, Level: evidence.Referenced,
					Party: cls.party, Where: where, Source: Source, Detail: d})
				continue
			}
			s.addCode(evidence.Observation{Kind: evidence.DataType, Key: dt, Level: evidence.Referenced, Party: cls.party,
				Where: where, Source: Source, Detail: d})
			if id := cls.party.SDK; id != "" {
				sr := referenced[id]
				if sr == nil {
					sr = &sdkRef{types: map[string]bool{}, where: where}
					referenced[id] = sr
				}
				sr.types[dt] = true
			}
		}
		for _, uh := range u.urls {
			nd := u.nodes[uh.node]
			cls := u.classes[nd.cls]
			if o, ok := s.endpoint(uh.url, cls.party, evidence.Location{File: u.file, Class: javaName(cls.desc), Method: u.names[nd.name], Offset: int64(uh.offset)}); ok {
				s.addCode(o)
			}
		}
	}
	if err := s.permissionBehaviour(ctx, ci, parent, asks); err != nil {
		return err
	}
	s.consentScreens(units)
	// Consent checks on the start-up path: what follows them waits for
	// the user's agreement.
	for r := range parent {
		u := units[r.u]
		nd := u.nodes[r.n]
		if nd.gate == 0 {
			continue
		}
		cls := u.classes[nd.cls]
		s.addCode(evidence.Observation{Kind: evidence.Property, Key: evidence.PropConsentGate, Level: evidence.Referenced, Party: cls.party,
			Where: evidence.Location{File: u.file, Class: javaName(cls.desc), Method: u.names[nd.name], Offset: int64(nd.gate)}, Source: Source,
			Detail: map[string]string{evidence.DetailStartupPath: ci.path(parent, r)}})
	}
	// SDK code reached from start-up: initialised before consent.
	for r := range parent {
		u := units[r.u]
		cls := u.classes[u.nodes[r.n].cls]
		if id := cls.party.SDK; id != "" {
			p := ci.path(parent, r)
			if prev, done := startupSDK[id]; !done || len(p) < len(prev.path) || len(p) == len(prev.path) && p < prev.path {
				// The shortest path reads best and is the same every run.
				startupSDK[id] = startupHit{path: p,
					where: evidence.Location{File: u.file, Class: javaName(cls.desc), Method: u.names[u.nodes[r.n].name]}}
			}
		}
	}
	// Compliant entry points reached at start-up (preInit): the SDK is
	// prepared before consent in the mode its vendor documents as
	// collecting nothing. Said, not charged; the SDK's own start, when
	// also reached, is reported above.
	compliantSDK := map[string]startupHit{}
	for to, from := range held {
		u := units[to.u]
		cls := u.classes[u.nodes[to.n].cls]
		id := cls.party.SDK
		if id == "" {
			continue
		}
		p := ci.path(parent, from) + " → " + shortClass(cls.desc) + "." + methodName(u.names[u.nodes[to.n].name])
		if prev, done := compliantSDK[id]; !done || len(p) < len(prev.path) || len(p) == len(prev.path) && p < prev.path {
			compliantSDK[id] = startupHit{path: p, where: evidence.Location{File: u.file, Class: javaName(cls.desc), Method: u.names[u.nodes[to.n].name]}}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(compliantSDK)) {
		sdk, _ := s.a.cat.SDK(id)
		h := compliantSDK[id]
		s.addCode(evidence.Observation{Kind: evidence.SDK, Key: id, Level: evidence.Referenced, Party: evidence.Party{SDK: id, Name: sdk.Name},
			Where: h.where, Source: Source, Detail: map[string]string{evidence.DetailMatch: "compliant pre-initialisation run at start-up",
				evidence.DetailStartup: "true", evidence.DetailStartupMode: evidence.StartupCompliant, evidence.DetailStartupPath: h.path}})
	}
	refIDs := make([]string, 0, len(referenced))
	for id := range referenced {
		refIDs = append(refIDs, id)
	}
	sort.Strings(refIDs)
	for _, id := range refIDs {
		sr := referenced[id]
		sdk, _ := s.a.cat.SDK(id)
		types := make([]string, 0, len(sr.types))
		for t := range sr.types {
			types = append(types, t)
		}
		sort.Strings(types)
		s.addCode(evidence.Observation{Kind: evidence.SDK, Key: id, Level: evidence.Referenced, Party: evidence.Party{SDK: id, Name: sdk.Name},
			Where: sr.where, Source: Source, Detail: map[string]string{evidence.DetailMatch: "PI API calls", "data_types": strings.Join(types, ",")}})
	}
	ids := make([]string, 0, len(startupSDK))
	for id := range startupSDK {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sdk, _ := s.a.cat.SDK(id)
		h := startupSDK[id]
		s.addCode(evidence.Observation{Kind: evidence.SDK, Key: id, Level: evidence.Referenced, Party: evidence.Party{SDK: id, Name: sdk.Name},
			Where: h.where, Source: Source, Detail: map[string]string{evidence.DetailMatch: "code run at start-up", evidence.DetailStartup: "true", evidence.DetailStartupPath: h.path}})
	}
	return nil
}
