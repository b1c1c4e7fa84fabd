package dex

import (
	"encoding/binary"
	"slices"
)

// Bounds of the def-use pass. A method past them is not analyzed: every
// answer about it is DefUnknown, and its uses are unknown.
const (
	// MaxFlowInsns is the most instructions analyzed in one method.
	MaxFlowInsns = 8192
	// MaxFlowCells is the most register states kept at block entries
	// (blocks × registers), 16 bytes each.
	MaxFlowCells = 1 << 16
	// flowWork and flowMerges bound the fixpoint iteration: it may replay
	// flowWork instructions per instruction of the method and merge
	// flowMerges register states per state kept (about five passes over
	// a method with loops; compiled code needs two or three).
	flowWork   = 32
	flowMerges = 16
	// setSize is the most definitions one register's may-set holds; a
	// register that may hold more is unknown.
	setSize = 4
)

// DefKind says what defined a register.
type DefKind uint8

// Kinds of definition, with the meaning of [Def.Index] for each.
const (
	// DefUnknown: not known. The method is past a bound, the register
	// may hold more than a few values, was never written (or is read
	// in unreachable code), or the instruction is not one Flow knows.
	DefUnknown DefKind = iota
	// DefParam: the method's parameter register pN as on entry; Index
	// is N (p0 is this in an instance method, as smali numbers them).
	DefParam
	// DefString: const-string(/jumbo); Index is the string index.
	DefString
	// DefResult: move-result* after an invoke; Index is the invoked
	// method's index and Call the byte offset of the invoke.
	DefResult
	// DefStaticGet: sget*; Index is the field index.
	DefStaticGet
	// DefInstanceGet: iget*; Index is the field index.
	DefInstanceGet
	// DefNewInstance: new-instance; Index is the type index.
	DefNewInstance
	// DefConstClass: const-class; Index is the type index.
	DefConstClass
	// DefLiteral: const, const/4, /16, /high16, const-wide*; Index holds
	// the value's low 32 bits.
	DefLiteral
	// DefOther: any other instruction that writes a register (arithmetic,
	// array reads, move-exception, the result of filled-new-array or
	// invoke-custom…).
	DefOther
)

var defKindNames = [...]string{"unknown", "param", "const-string", "result", "sget", "iget", "new-instance", "const-class", "literal", "other"}

func (k DefKind) String() string {
	if int(k) < len(defKindNames) {
		return defKindNames[k]
	}
	return "DefKind(?)"
}

// Def is one definition that may reach a register.
type Def struct {
	Kind  DefKind
	Index uint32 // see the DefKind constants
	// Offset is the byte offset in the image of the defining instruction
	// (the move-result for DefResult); 0 for DefParam and DefUnknown.
	Offset uint32
	// Call is the byte offset of the invoke whose result DefResult is.
	Call uint32
}

// Use is an instruction that may read a value.
type Use struct {
	Opcode uint8
	// Index is the method index of an invoke, the field index of a field
	// access, and 0 otherwise.
	Index  uint32
	Offset uint32 // byte offset of the reading instruction in the image
	// Arg is, for an invoke, the argument read: -1 for the receiver of an
	// instance call, 0 for the first declared parameter and so on; for
	// other instructions it is the position of the register among those
	// the instruction reads.
	Arg int
}

// Flow is an intra-method def-use pass over registers: for an instruction
// and one of the registers it reads, which instructions may have written
// that register last. It is a forward may-analysis of reaching
// definitions over the method's basic blocks — branches, switches, and
// exception edges from every instruction inside a try range to its
// handlers — where each register holds a set of at most a few
// definitions, merged at joins until nothing changes.
//
// move instructions copy a register's set; check-cast keeps it; every
// other write replaces it with the writing instruction. Parameters hold
// DefParam on entry.
//
// The work is bounded (MaxFlowInsns, MaxFlowCells and a budget for the
// iteration proportional to the method's size); a method past the bounds
// gives DefUnknown answers, never a partial one.
//
// A Flow is reused from method to method and keeps its buffers: after the
// first methods, Analyze allocates nothing. It is not safe for
// concurrent use.
type Flow struct {
	f                  *File
	maxInsns, maxCells int

	ok   bool
	code []byte // the method's instruction stream
	base uint32 // byte offset of code in the image
	regs int
	ins  int

	pcs     []uint32 // code unit of each instruction, ascending
	flags   []uint8  // per instruction
	tryOf   []int32  // per instruction: the try item covering it, or -1
	blockOf []int32  // per instruction
	blocks  []flowBlock
	succs   []int32
	// handlers lists the handler blocks of each try item, sliced by
	// tryHandlers.
	handlers    []int32
	tryHandlers [][2]int32
	entry       []vset // per block, per register
	cur         []vset
	queued      []bool
	backEdge    bool // a block at or before the one visited was queued
	budget      int
}

type flowBlock struct {
	first, end   int32 // instructions [first, end)
	succ0, succ1 int32 // succs[succ0:succ1]
}

// Instruction flags.
const (
	flagLeader uint8 = 1 << iota
	flagHandler
)

// vset is a may-set of definitions: 0 marks an empty slot, valUnknown
// (alone in the first slot) any value, valParam0+N parameter pN, and -(i+1)
// the value written by instruction i.
type vset [setSize]int32

const (
	valUnknown int32 = 1
	valParam0  int32 = 2
)

var unknownSet = vset{valUnknown}

// add puts v in s and reports whether s changed.
func (s *vset) add(v int32) bool {
	if s[0] == valUnknown {
		return false
	}
	if v == valUnknown {
		*s = unknownSet
		return true
	}
	for i := range s {
		switch s[i] {
		case v:
			return false
		case 0:
			s[i] = v
			return true
		}
	}
	*s = unknownSet
	return true
}

// union adds o to s and reports whether s changed.
func (s *vset) union(o vset) bool {
	changed := false
	for _, v := range o {
		if v == 0 {
			break
		}
		if s.add(v) {
			changed = true
		}
	}
	return changed
}

func (s *vset) has(v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
		if x == 0 {
			return false
		}
	}
	return false
}

// NewFlow returns a def-use pass over the methods of f.
func NewFlow(f *File) *Flow { return &Flow{f: f, maxInsns: MaxFlowInsns, maxCells: MaxFlowCells} }

// Known reports whether the last Analyze succeeded.
func (fl *Flow) Known() bool { return fl.ok }

// Analyze runs the pass over method m (as given by [File.Walk]). It
// returns false when the method cannot be analyzed — past a bound, or its
// code is malformed — and every later answer about it is then unknown.
func (fl *Flow) Analyze(m Code) bool {
	fl.ok = false
	data := fl.f.data
	off := uint64(m.CodeOff)
	if off+codeItemSize > uint64(len(data)) {
		return false
	}
	regs := int(binary.LittleEndian.Uint16(data[off:]))
	ins := int(binary.LittleEndian.Uint16(data[off+2:]))
	tries := int(binary.LittleEndian.Uint16(data[off+6:]))
	n := uint64(binary.LittleEndian.Uint32(data[off+12:]))
	start := off + codeItemSize
	end := start + 2*n
	if end > uint64(len(data)) || ins > regs {
		return false
	}
	fl.code, fl.base, fl.regs, fl.ins = data[start:end:end], uint32(start), regs, ins
	if !fl.decode() {
		return false
	}
	fl.handlers = fl.handlers[:0]
	fl.tryHandlers = fl.tryHandlers[:0]
	if tries > 0 && !fl.readTries(end, tries) {
		return false
	}
	fl.markBranches()
	fl.buildBlocks()
	if len(fl.blocks)*regs > fl.maxCells {
		return false
	}
	fl.buildEdges()
	fl.ok = fl.solve()
	return fl.ok
}

// decode lists the instructions of the method.
func (fl *Flow) decode() bool {
	code := fl.code
	fl.pcs = fl.pcs[:0]
	for i := 0; i < len(code); {
		if len(fl.pcs) >= fl.maxInsns {
			return false
		}
		op := code[i]
		size := int(opTable[op].units) * 2
		if op == 0 && code[i+1] != 0 {
			var ok bool
			if size, ok = payloadSize(code[i:]); !ok {
				return false
			}
		}
		if size > len(code)-i {
			return false
		}
		fl.pcs = append(fl.pcs, uint32(i/2))
		i += size
	}
	ni := len(fl.pcs)
	if ni == 0 {
		return false
	}
	fl.flags = resize(fl.flags, ni)
	clear(fl.flags)
	fl.tryOf = resize(fl.tryOf, ni)
	for i := range fl.tryOf {
		fl.tryOf[i] = -1
	}
	fl.flags[0] |= flagLeader
	return true
}

// index returns the instruction that starts at code unit pc, or -1.
func (fl *Flow) index(pc int64) int {
	if pc < 0 || pc > int64(^uint32(0)) {
		return -1
	}
	i, ok := slices.BinarySearch(fl.pcs, uint32(pc))
	if !ok {
		return -1
	}
	return i
}

// insn returns the bytes of instruction i, to the end of the code.
func (fl *Flow) insn(i int) []byte { return fl.code[2*fl.pcs[i]:] }

// readTries reads the try items and their handlers: each handler starts a
// block, and every instruction a try item covers may jump to its handlers.
func (fl *Flow) readTries(insnsEnd uint64, tries int) bool {
	data := fl.f.data
	p := insnsEnd
	if p%4 != 0 {
		p += 2
	}
	list := p + 8*uint64(tries)
	if list > uint64(len(data)) {
		return false
	}
	covered := 0 // instructions marked, bounded: try items may overlap in a hostile file
	for t := 0; t < tries; t++ {
		e := data[p+8*uint64(t):]
		startPC := int64(binary.LittleEndian.Uint32(e))
		count := int64(binary.LittleEndian.Uint16(e[4:]))
		h := list + uint64(binary.LittleEndian.Uint16(e[6:]))
		first := int32(len(fl.handlers))
		size, q, err := sleb128(data, h)
		if err != nil {
			return false
		}
		pairs := int64(size)
		if pairs < 0 {
			pairs = -pairs
		}
		if pairs > int64(len(data)) {
			return false
		}
		for k := int64(0); k <= pairs; k++ {
			if k == pairs && size > 0 {
				break // no catch-all
			}
			if k < pairs {
				if _, q, err = uleb128(data, q); err != nil { // type_idx
					return false
				}
			}
			var addr uint32
			if addr, q, err = uleb128(data, q); err != nil {
				return false
			}
			if len(fl.handlers) >= 4*len(fl.pcs)+64 {
				return false
			}
			if i := fl.index(int64(addr)); i >= 0 {
				fl.flags[i] |= flagLeader | flagHandler
				fl.handlers = append(fl.handlers, int32(i)) // an instruction for now; a block once blocks are built
			}
		}
		fl.tryHandlers = append(fl.tryHandlers, [2]int32{first, int32(len(fl.handlers))})
		lo := fl.index(startPC)
		if lo < 0 {
			continue
		}
		for i := lo; i < len(fl.pcs) && int64(fl.pcs[i]) < startPC+count; i++ {
			if covered++; covered > 2*len(fl.pcs) {
				return false
			}
			fl.tryOf[i] = int32(t)
		}
	}
	return true
}

// sleb128 decodes a signed LEB128 value of at most five bytes.
func sleb128(data []byte, off uint64) (int32, uint64, error) {
	var v uint32
	for i := uint64(0); i < maxLEB128Size; i++ {
		if off+i >= uint64(len(data)) {
			return 0, 0, formatErr(off, "sleb128 runs past end of data")
		}
		b := data[off+i]
		v |= uint32(b&0x7f) << (7 * i)
		if b < 0x80 {
			if shift := 7 * (i + 1); shift < 32 && b&0x40 != 0 {
				v |= ^uint32(0) << shift
			}
			return int32(v), off + i + 1, nil
		}
	}
	return 0, 0, formatErr(off, "sleb128 longer than 5 bytes")
}

// Control-flow classes of opcodes.
const (
	cfNext   = iota // falls through
	cfGoto          // jumps
	cfIf            // jumps or falls through
	cfSwitch        // jumps to a payload's targets or falls through
	cfStop          // return, throw: no successor in the method
)

func controlOf(c []byte) int {
	switch op := c[0]; {
	case op == 0x00 && c[1] != 0:
		return cfStop // a payload: data, never executed
	case op >= 0x0e && op <= 0x11, op == 0x27:
		return cfStop
	case op >= 0x28 && op <= 0x2a:
		return cfGoto
	case op == 0x2b || op == 0x2c:
		return cfSwitch
	case op >= 0x32 && op <= 0x3d:
		return cfIf
	}
	return cfNext
}

// target returns the code unit a goto or if at instruction i jumps to.
func (fl *Flow) target(i int) int64 {
	c := fl.insn(i)
	pc := int64(fl.pcs[i])
	switch c[0] {
	case 0x28:
		return pc + int64(int8(c[1]))
	case 0x29:
		return pc + int64(int16(binary.LittleEndian.Uint16(c[2:])))
	case 0x2a:
		return pc + int64(int32(binary.LittleEndian.Uint32(c[2:])))
	}
	return pc + int64(int16(binary.LittleEndian.Uint16(c[2:]))) // if-*
}

// switchTargets calls fn with the code unit of each target of the switch
// at instruction i, as far as its payload can be read.
func (fl *Flow) switchTargets(i int, fn func(pc int64)) {
	c := fl.insn(i)
	pc := int64(fl.pcs[i])
	p := pc + int64(int32(binary.LittleEndian.Uint32(c[2:])))
	if p < 0 || 2*p+4 > int64(len(fl.code)) {
		return
	}
	pl := fl.code[2*p:]
	n := int64(binary.LittleEndian.Uint16(pl[2:]))
	var at int64 // byte offset of the targets in pl
	switch binary.LittleEndian.Uint16(pl) {
	case 0x0100:
		at = 8
	case 0x0200:
		at = 4 + 4*n
	default:
		return
	}
	if at+4*n > int64(len(pl)) {
		return
	}
	for k := int64(0); k < n; k++ {
		fn(pc + int64(int32(binary.LittleEndian.Uint32(pl[at+4*k:]))))
	}
}

// markBranches marks the instructions that start blocks: branch targets
// and the instructions after a branch, a switch or an exit.
func (fl *Flow) markBranches() {
	ni := len(fl.pcs)
	lead := func(pc int64) {
		if j := fl.index(pc); j >= 0 {
			fl.flags[j] |= flagLeader
		}
	}
	for i := 0; i < ni; i++ {
		cf := controlOf(fl.insn(i))
		switch cf {
		case cfGoto, cfIf:
			lead(fl.target(i))
		case cfSwitch:
			fl.switchTargets(i, lead)
		}
		if cf != cfNext && i+1 < ni {
			fl.flags[i+1] |= flagLeader
		}
	}
}

func (fl *Flow) buildBlocks() {
	ni := len(fl.pcs)
	fl.blockOf = resize(fl.blockOf, ni)
	fl.blocks = fl.blocks[:0]
	for i := 0; i < ni; i++ {
		if fl.flags[i]&flagLeader != 0 {
			if nb := len(fl.blocks); nb > 0 {
				fl.blocks[nb-1].end = int32(i)
			}
			fl.blocks = append(fl.blocks, flowBlock{first: int32(i)})
		}
		fl.blockOf[i] = int32(len(fl.blocks) - 1)
	}
	fl.blocks[len(fl.blocks)-1].end = int32(ni)
	for k, h := range fl.handlers {
		fl.handlers[k] = fl.blockOf[h]
	}
}

func (fl *Flow) buildEdges() {
	fl.succs = fl.succs[:0]
	ni := len(fl.pcs)
	edge := func(pc int64) {
		if j := fl.index(pc); j >= 0 {
			fl.succs = append(fl.succs, fl.blockOf[j])
		}
	}
	for b := range fl.blocks {
		blk := &fl.blocks[b]
		blk.succ0 = int32(len(fl.succs))
		last := int(blk.end) - 1
		cf := controlOf(fl.insn(last))
		switch cf {
		case cfGoto, cfIf:
			edge(fl.target(last))
		case cfSwitch:
			fl.switchTargets(last, edge)
		}
		if (cf == cfNext || cf == cfIf || cf == cfSwitch) && last+1 < ni {
			fl.succs = append(fl.succs, fl.blockOf[last+1])
		}
		blk.succ1 = int32(len(fl.succs))
	}
}

// solve iterates to the fixpoint within the budget.
func (fl *Flow) solve() bool {
	nb, regs := len(fl.blocks), fl.regs
	fl.entry = resize(fl.entry, nb*regs)
	clear(fl.entry)
	fl.cur = resize(fl.cur, regs)
	fl.queued = resize(fl.queued, nb)
	clear(fl.queued)
	fl.backEdge = false
	fl.budget = flowWork*len(fl.pcs) + flowMerges*nb*regs
	e0 := fl.entry[:regs]
	for r := range e0 {
		if r >= regs-fl.ins {
			e0[r] = vset{valParam0 + int32(r-(regs-fl.ins))}
		} else {
			e0[r] = unknownSet // never written: nothing is known
		}
	}
	fl.queued[0] = true
	// Round-robin passes in code order, which is close to reverse
	// postorder for compiled code: a pass carries changes forward, and
	// another pass is needed only when a back edge changed a block.
	for again := true; again; {
		again = false
		for b := int32(0); int(b) < nb; b++ {
			if !fl.queued[b] {
				continue
			}
			fl.queued[b] = false
			fl.visit(b)
			if fl.budget < 0 {
				return false
			}
			if fl.backEdge {
				again, fl.backEdge = true, false
			}
		}
	}
	return true
}

// visit runs block b from its entry state and merges the result into its
// successors and handlers, queueing those that changed.
func (fl *Flow) visit(b int32) {
	regs := fl.regs
	blk := fl.blocks[b]
	cur := fl.cur
	copy(cur, fl.entry[int(b)*regs:int(b+1)*regs])
	fl.budget -= regs + int(blk.end-blk.first)
	prevTry := int32(-1)
	for i := blk.first; i < blk.end; i++ {
		if t := fl.tryOf[i]; t >= 0 {
			// The state before a covered instruction reaches its
			// handlers: all of it on entering the range, and after
			// that what the previous instruction wrote.
			if t != prevTry || i == blk.first {
				fl.toHandlers(b, t, cur, -1, 0)
			} else if r, w := fl.written(int(i) - 1); r >= 0 {
				fl.toHandlers(b, t, cur, r, w)
			}
		}
		prevTry = fl.tryOf[i]
		fl.step(int(i), cur)
	}
	for _, s := range fl.succs[blk.succ0:blk.succ1] {
		if fl.merge(s, cur, -1, 0) {
			fl.push(b, s)
		}
	}
}

// push queues block s after a change that block from made.
func (fl *Flow) push(from, s int32) {
	fl.queued[s] = true
	if s <= from {
		fl.backEdge = true
	}
}

// toHandlers merges registers of st, in block b, into the entry of try
// item t's handlers: all of them when r < 0, else r and the w registers
// after it.
func (fl *Flow) toHandlers(b, t int32, st []vset, r, w int) {
	th := fl.tryHandlers[t]
	for _, h := range fl.handlers[th[0]:th[1]] {
		if fl.merge(h, st, r, w) {
			fl.push(b, h)
		}
	}
}

// merge unites st into block b's entry (all registers when r < 0, else
// registers r to r+w) and reports whether it changed.
func (fl *Flow) merge(b int32, st []vset, r, w int) bool {
	e := fl.entry[int(b)*fl.regs : int(b+1)*fl.regs]
	lo, hi := 0, fl.regs
	if r >= 0 {
		lo, hi = r, min(r+w+1, fl.regs)
		if lo >= hi {
			return false
		}
	}
	fl.budget -= hi - lo
	changed := false
	for k := lo; k < hi; k++ {
		if e[k].union(st[k]) {
			changed = true
		}
	}
	return changed
}

// Operand layouts of the instructions, for the registers they write.
const (
	dstNone = iota
	dstA    // 4-bit vA in the first unit's high byte
	dstAA   // 8-bit vAA
)

// written returns the first register instruction i writes and how many
// more it writes (1 for a wide pair), or -1.
func (fl *Flow) written(i int) (int, int) {
	c := fl.insn(i)
	op := c[0]
	var r int
	switch moveOrDst(op) {
	case dstA:
		r = int(c[1] & 0x0f)
	case dstAA:
		r = int(c[1])
	default:
		switch op {
		case 0x02, 0x05, 0x08:
			r = int(c[1])
		case 0x03, 0x06, 0x09:
			r = int(binary.LittleEndian.Uint16(c[2:]))
		default:
			return -1, 0
		}
	}
	if wideResult(op) {
		return r, 1
	}
	return r, 0
}

// moveOrDst gives the layout of the register an instruction writes.
func moveOrDst(op uint8) int {
	switch {
	case op == 0x01, op == 0x04, op == 0x07: // move, move-wide, move-object
		return dstA
	case op >= 0x0a && op <= 0x0d: // move-result*, move-exception
		return dstAA
	case op == 0x12: // const/4
		return dstA
	case op >= 0x13 && op <= 0x1c: // const*, const-string, const-class
		return dstAA
	case op == 0x20 || op == 0x21 || op == 0x23: // instance-of, array-length, new-array
		return dstA
	case op == 0x22: // new-instance
		return dstAA
	case op >= 0x2d && op <= 0x31: // cmp*
		return dstAA
	case op >= 0x44 && op <= 0x4a: // aget*
		return dstAA
	case op >= 0x52 && op <= 0x58: // iget*
		return dstA
	case op >= 0x60 && op <= 0x66: // sget*
		return dstAA
	case op >= 0x7b && op <= 0x8f: // unary
		return dstA
	case op >= 0x90 && op <= 0xaf: // binary
		return dstAA
	case op >= 0xb0 && op <= 0xcf: // binary/2addr
		return dstA
	case op >= 0xd0 && op <= 0xd7: // lit16
		return dstA
	case op >= 0xd8 && op <= 0xe2: // lit8
		return dstAA
	case op == 0xfe || op == 0xff: // const-method-handle, -type
		return dstAA
	}
	return dstNone
}

// wideResult reports instructions that write a register pair.
func wideResult(op uint8) bool {
	switch op {
	case 0x04, 0x05, 0x06, 0x0b, 0x16, 0x17, 0x18, 0x19, 0x45, 0x53, 0x61,
		0x7d, 0x7e, 0x80, 0x81, 0x83, 0x86, 0x88, 0x89, 0x8b:
		return true
	}
	return op >= 0x9b && op <= 0xa5 || op >= 0xab && op <= 0xaf ||
		op >= 0xbb && op <= 0xc5 || op >= 0xcb && op <= 0xcf
}

// step applies instruction i to the register state st.
func (fl *Flow) step(i int, st []vset) {
	c := fl.insn(i)
	op := c[0]
	var src int
	switch op {
	case 0x01, 0x04, 0x07: // move vA, vB
		src = int(c[1] >> 4)
	case 0x02, 0x05, 0x08: // move/from16 vAA, vBBBB
		src = int(binary.LittleEndian.Uint16(c[2:]))
	case 0x03, 0x06, 0x09: // move/16 vAAAA, vBBBB
		src = int(binary.LittleEndian.Uint16(c[4:]))
	default:
		r, w := fl.written(i)
		for k := r; r >= 0 && k <= r+w && k < len(st); k++ {
			st[k] = vset{-int32(i + 1)}
		}
		return
	}
	r, w := fl.written(i)
	for k := 0; k <= w && r+k < len(st); k++ {
		if src+k < len(st) {
			st[r+k] = st[src+k]
		} else {
			st[r+k] = unknownSet
		}
	}
}

// reads calls fn with each register instruction i reads and its position
// among them (for invokes and filled-new-array, the argument slot). The
// second register of a wide pair is not reported.
func (fl *Flow) reads(i int, fn func(pos, reg int)) {
	c := fl.insn(i)
	op := c[0]
	a4, b4, aa := int(c[1]&0x0f), int(c[1]>>4), int(c[1])
	switch {
	case op == 0x01 || op == 0x04 || op == 0x07:
		fn(0, b4)
	case op == 0x02 || op == 0x05 || op == 0x08:
		fn(0, int(binary.LittleEndian.Uint16(c[2:])))
	case op == 0x03 || op == 0x06 || op == 0x09:
		fn(0, int(binary.LittleEndian.Uint16(c[4:])))
	case op >= 0x0f && op <= 0x11, op == 0x1d, op == 0x1e, op == 0x1f, op == 0x26, op == 0x27,
		op == 0x2b, op == 0x2c, op >= 0x38 && op <= 0x3d, op >= 0x67 && op <= 0x6d:
		// return*, monitor-*, check-cast, fill-array-data, throw,
		// switches, if-*z, sput*
		fn(0, aa)
	case op == 0x20 || op == 0x21 || op == 0x23, op >= 0x52 && op <= 0x58, op >= 0x7b && op <= 0x8f, op >= 0xd0 && op <= 0xd7:
		// instance-of, array-length, new-array, iget*, unary, lit16
		fn(0, b4)
	case op >= 0x2d && op <= 0x31, op >= 0x44 && op <= 0x4a, op >= 0x90 && op <= 0xaf:
		// cmp*, aget*, binary: vBB, vCC
		fn(0, int(c[2]))
		fn(1, int(c[3]))
	case op >= 0x4b && op <= 0x51: // aput*: vAA, vBB, vCC
		fn(0, aa)
		fn(1, int(c[2]))
		fn(2, int(c[3]))
	case op >= 0x32 && op <= 0x37, op >= 0x59 && op <= 0x5f, op >= 0xb0 && op <= 0xcf:
		// if-*, iput*, binary/2addr: vA, vB
		fn(0, a4)
		fn(1, b4)
	case op >= 0xd8 && op <= 0xe2: // lit8: vBB
		fn(0, int(c[2]))
	case op == 0x24, op >= 0x6e && op <= 0x72, op == 0xfa, op == 0xfc: // 35c, 45cc
		n := min(b4, 5)
		w := binary.LittleEndian.Uint16(c[4:])
		regs := [5]int{int(w & 0xf), int(w >> 4 & 0xf), int(w >> 8 & 0xf), int(w >> 12), a4}
		for k := 0; k < n; k++ {
			fn(k, regs[k])
		}
	case op == 0x25, op >= 0x74 && op <= 0x78, op == 0xfb, op == 0xfd: // 3rc, 4rcc
		first := int(binary.LittleEndian.Uint16(c[4:]))
		for k := 0; k < aa; k++ {
			fn(k, first+k)
		}
	}
}

// replay runs block b from its entry up to instruction upto (excluded),
// leaving the state in fl.cur.
func (fl *Flow) replay(b int32, upto int) []vset {
	cur := fl.cur
	copy(cur, fl.entry[int(b)*fl.regs:int(b+1)*fl.regs])
	for i := int(fl.blocks[b].first); i < upto; i++ {
		fl.step(i, cur)
	}
	return cur
}

// at returns the instruction at byte offset off of the analyzed method, or
// -1.
func (fl *Flow) at(off uint32) int {
	if !fl.ok || off < fl.base || uint64(off) >= uint64(fl.base)+uint64(len(fl.code)) || (off-fl.base)%2 != 0 {
		return -1
	}
	return fl.index(int64((off - fl.base) / 2))
}

// isInvoke reports the opcodes whose arguments ArgDefs and Uses map to
// declared parameters.
func isInvoke(op uint8) bool { return opTable[op].op == OpInvoke }

func isStaticInvoke(op uint8) bool { return op == 0x71 || op == 0x77 }

// ArgDefs appends to dst the definitions that may reach argument arg of
// the invoke at byte offset off in the method last analyzed: arg -1 is the
// receiver of an instance call, 0 the first declared parameter. The answer
// is one DefUnknown when the method was not analyzed, off is not an invoke
// of it, the argument does not exist or its register may hold anything.
func (fl *Flow) ArgDefs(dst []Def, off uint32, arg int) []Def {
	unknown := append(dst, Def{})
	i := fl.at(off)
	if i < 0 {
		return unknown
	}
	c := fl.insn(i)
	if !isInvoke(c[0]) {
		return unknown
	}
	slot, ok := fl.f.argSlot(uint32(binary.LittleEndian.Uint16(c[2:])), isStaticInvoke(c[0]), arg)
	if !ok {
		return unknown
	}
	return fl.readDefs(dst, i, slot)
}

// OpcodeBefore returns the opcode of the instruction just before byte
// offset off in the method last analyzed (to tell whether a path falls
// into off or leaves first), and false when off is not an instruction of
// it or is its first.
func (fl *Flow) OpcodeBefore(off uint32) (uint8, bool) {
	i := fl.at(off)
	if i <= 0 {
		return 0, false
	}
	return fl.insn(i - 1)[0], true
}

// OffsetBefore returns the byte offset of the instruction just before byte
// offset off in the method last analyzed, and false when there is none.
func (fl *Flow) OffsetBefore(off uint32) (uint32, bool) {
	i := fl.at(off)
	if i <= 0 {
		return 0, false
	}
	return fl.base + 2*fl.pcs[i-1], true
}

// ReadDefs appends to dst the definitions that may reach the register the
// instruction at byte offset off reads at position pos (for aput*, 0 is
// the value and 1 the array), in the method last analyzed; one DefUnknown
// when that cannot be known.
func (fl *Flow) ReadDefs(dst []Def, off uint32, pos int) []Def {
	i := fl.at(off)
	if i < 0 {
		return append(dst, Def{})
	}
	return fl.readDefs(dst, i, pos)
}

// readDefs is ReadDefs for instruction i.
func (fl *Flow) readDefs(dst []Def, i, pos int) []Def {
	reg := -1
	fl.reads(i, func(p, r int) {
		if p == pos {
			reg = r
		}
	})
	if reg < 0 || reg >= fl.regs {
		return append(dst, Def{})
	}
	st := fl.replay(fl.blockOf[i], i)
	return fl.defsOf(dst, st[reg])
}

// defsOf translates a may-set.
func (fl *Flow) defsOf(dst []Def, s vset) []Def {
	if s[0] == 0 || s[0] == valUnknown {
		return append(dst, Def{})
	}
	for _, v := range s {
		if v == 0 {
			break
		}
		if v >= valParam0 {
			dst = append(dst, Def{Kind: DefParam, Index: uint32(v - valParam0)})
			continue
		}
		dst = append(dst, fl.def(int(-v-1)))
	}
	return dst
}

// def describes the definition made by instruction i.
func (fl *Flow) def(i int) Def {
	c := fl.insn(i)
	d := Def{Kind: DefOther, Offset: fl.base + 2*fl.pcs[i]}
	op := c[0]
	u16 := func() uint32 { return uint32(binary.LittleEndian.Uint16(c[2:])) }
	switch {
	case op >= 0x0a && op <= 0x0c:
		if i > 0 {
			if p := fl.insn(i - 1); isInvoke(p[0]) {
				d.Kind, d.Index, d.Call = DefResult, uint32(binary.LittleEndian.Uint16(p[2:])), fl.base+2*fl.pcs[i-1]
			}
		}
	case op == 0x1a:
		d.Kind, d.Index = DefString, u16()
	case op == 0x1b:
		d.Kind, d.Index = DefString, binary.LittleEndian.Uint32(c[2:])
	case op == 0x1c:
		d.Kind, d.Index = DefConstClass, u16()
	case op == 0x22:
		d.Kind, d.Index = DefNewInstance, u16()
	case op >= 0x60 && op <= 0x66:
		d.Kind, d.Index = DefStaticGet, u16()
	case op >= 0x52 && op <= 0x58:
		d.Kind, d.Index = DefInstanceGet, u16()
	case op == 0x12:
		d.Kind, d.Index = DefLiteral, uint32(int32(int8(c[1])>>4))
	case op == 0x13:
		d.Kind, d.Index = DefLiteral, uint32(int32(int16(binary.LittleEndian.Uint16(c[2:]))))
	case op == 0x14:
		d.Kind, d.Index = DefLiteral, binary.LittleEndian.Uint32(c[2:])
	case op == 0x15:
		d.Kind, d.Index = DefLiteral, u16()<<16
	case op == 0x16:
		d.Kind, d.Index = DefLiteral, uint32(int32(int16(binary.LittleEndian.Uint16(c[2:]))))
	case op == 0x17 || op == 0x18:
		d.Kind, d.Index = DefLiteral, binary.LittleEndian.Uint32(c[2:])
	case op == 0x19:
		d.Kind = DefLiteral
	}
	return d
}

// Uses appends to dst the instructions that may read the value defined by
// the instruction at byte offset off (of any kind Def.Offset names), in
// the method last analyzed, moves followed. It returns false, with dst
// unchanged, when they cannot be known: the method was not analyzed, or
// off is not an instruction of it that writes a register.
func (fl *Flow) Uses(dst []Use, off uint32) ([]Use, bool) {
	d := fl.at(off)
	if d < 0 {
		return dst, false
	}
	if r, _ := fl.written(d); r < 0 {
		return dst, false
	}
	v := -int32(d + 1)
	out := dst
	for b := range fl.blocks {
		blk := fl.blocks[b]
		cur := fl.cur
		copy(cur, fl.entry[b*fl.regs:(b+1)*fl.regs])
		for i := int(blk.first); i < int(blk.end); i++ {
			fl.reads(i, func(pos, reg int) {
				if reg < len(cur) && cur[reg].has(v) {
					out = append(out, fl.use(i, pos))
				}
			})
			fl.step(i, cur)
		}
	}
	return out, true
}

// use describes the read by instruction i of its register at position pos.
func (fl *Flow) use(i, pos int) Use {
	c := fl.insn(i)
	u := Use{Opcode: c[0], Offset: fl.base + 2*fl.pcs[i], Arg: pos}
	op := c[0]
	switch {
	case isInvoke(op):
		u.Index = uint32(binary.LittleEndian.Uint16(c[2:]))
		if a, ok := fl.f.slotArg(u.Index, isStaticInvoke(op), pos); ok {
			u.Arg = a
		}
	case op >= 0x52 && op <= 0x6d:
		u.Index = uint32(binary.LittleEndian.Uint16(c[2:]))
	}
	return u
}

// ResultOf returns the byte offset of the move-result that takes the
// result of the invoke at byte offset off, in the method last analyzed.
func (fl *Flow) ResultOf(off uint32) (uint32, bool) {
	i := fl.at(off)
	if i < 0 || i+1 >= len(fl.pcs) || !isInvoke(fl.insn(i)[0]) {
		return 0, false
	}
	if op := fl.insn(i + 1)[0]; op < 0x0a || op > 0x0c {
		return 0, false
	}
	return fl.base + 2*fl.pcs[i+1], true
}

// paramWidths calls fn with the register width (1 or 2) of each declared
// parameter of method m, in order, until fn returns false. It reports
// whether the proto could be read.
func (f *File) paramWidths(m uint32, fn func(w int) bool) bool {
	p, err := f.MethodProtoIdx(m)
	if err != nil || uint64(p) >= uint64(len(f.protoIDs)/protoIDSize) {
		return false
	}
	off := binary.LittleEndian.Uint32(f.protoIDs[p*protoIDSize+8:])
	if off == 0 {
		return true
	}
	n, err := f.typeListLen(off)
	if err != nil {
		return false
	}
	for k := 0; k < n; k++ {
		t := uint32(binary.LittleEndian.Uint16(f.data[uint64(off)+4+2*uint64(k):]))
		si, err := f.TypeStringIdx(t)
		if err != nil {
			return false
		}
		b, err := f.stringBytes(si)
		if err != nil || len(b) == 0 {
			return false
		}
		w := 1
		if b[0] == 'J' || b[0] == 'D' {
			w = 2
		}
		if !fn(w) {
			break
		}
	}
	return true
}

// argSlot returns the register slot of argument arg (-1 the receiver) of
// a call to method m.
func (f *File) argSlot(m uint32, static bool, arg int) (int, bool) {
	slot := 1
	if static {
		if arg < 0 {
			return 0, false
		}
		slot = 0
	} else if arg < 0 {
		return 0, true
	}
	k, found := 0, false
	ok := f.paramWidths(m, func(w int) bool {
		if k == arg {
			found = true
			return false
		}
		slot += w
		k++
		return true
	})
	return slot, ok && found
}

// slotArg is the inverse of argSlot: the argument a register slot holds.
func (f *File) slotArg(m uint32, static bool, slot int) (int, bool) {
	s := 0
	if !static {
		if slot == 0 {
			return -1, true
		}
		s = 1
	}
	k, arg := 0, -2
	f.paramWidths(m, func(w int) bool {
		if slot < s+w {
			arg = k
			return false
		}
		s += w
		k++
		return true
	})
	return arg, arg > -2
}

// resize returns s with length n, reusing its array when large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}
