// Package jvm reads Java class files (JVMS §4, "The class File Format",
// Java SE 21 edition) enough to say what code calls: the class, its
// super class and interfaces, and for each method the fields and methods
// it references (with the bytecode offset of each instruction) and the
// string constants it loads. SDKs ship their code this way, in JARs and
// in the classes.jar of an AAR.
//
// The reader trusts nothing: every index into the constant pool is
// checked, lengths are checked against the bytes left, and an
// instruction that runs past its method's code ends that method's scan
// (recorded in Class.Problems), not the class's.
package jvm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Constant-pool tags (JVMS §4.4).
const (
	tagUtf8               = 1
	tagInteger            = 3
	tagFloat              = 4
	tagLong               = 5
	tagDouble             = 6
	tagClass              = 7
	tagString             = 8
	tagFieldref           = 9
	tagMethodref          = 10
	tagInterfaceMethodref = 11
	tagNameAndType        = 12
	tagMethodHandle       = 15
	tagMethodType         = 16
	tagDynamic            = 17
	tagInvokeDynamic      = 18
	tagModule             = 19
	tagPackage            = 20
)

// ErrNotClass is returned for bytes that do not start with 0xCAFEBABE.
var ErrNotClass = errors.New("not a Java class file")

// Class is what a class file says about its code.
type Class struct {
	// Name, Super and Interfaces are binary names with slashes
	// ("com/tencent/mm/opensdk/openapi/WXAPIFactory"); Super is empty
	// for java/lang/Object itself and for module-info.
	Name       string
	Super      string
	Interfaces []string
	Access     uint16
	// Major is the class-file version (52: Java 8).
	Major   uint16
	Methods []Method
	// Problems are the parts that could not be read (a method's code);
	// the rest of the class is still here.
	Problems []error
}

// Method is one method with what its code references.
type Method struct {
	Name, Desc string
	Access     uint16
	// CodeOffset is the offset in the class file of the method's first
	// instruction (0 for abstract and native methods).
	CodeOffset int64
	Refs       []Ref
	Strings    []String
}

// RefKind says what a reference names.
type RefKind uint8

// The kinds of reference.
const (
	RefField RefKind = iota + 1
	RefMethod
	RefInterfaceMethod
)

// Ref is an instruction referencing a field or method of a class.
type Ref struct {
	Kind              RefKind
	Op                byte // the opcode: 0xb2 getstatic … 0xb9 invokeinterface
	Class, Name, Desc string
	// PC is the instruction's offset in the method's code.
	PC uint32
}

// String is a string constant loaded by ldc or ldc_w.
type String struct {
	Value string
	PC    uint32
	// Len is the instruction's length (2: ldc, 3: ldc_w): the next
	// instruction is at PC+Len.
	Len uint8
}

type cpEntry struct {
	tag  uint8
	a, b uint16 // indexes (or a: kind for MethodHandle)
	off  int    // offset of a Utf8's bytes
	n    int    // length of a Utf8's bytes
}

type reader struct {
	b   []byte
	pos int
	cp  []cpEntry
	// utf8 caches decoded Utf8 entries.
	utf8 map[uint16]string
}

var errShort = errors.New("truncated")

func (r *reader) u1() (uint8, error) {
	if r.pos+1 > len(r.b) {
		return 0, errShort
	}
	v := r.b[r.pos]
	r.pos++
	return v, nil
}

func (r *reader) u2() (uint16, error) {
	if r.pos+2 > len(r.b) {
		return 0, errShort
	}
	v := binary.BigEndian.Uint16(r.b[r.pos:])
	r.pos += 2
	return v, nil
}

func (r *reader) u4() (uint32, error) {
	if r.pos+4 > len(r.b) {
		return 0, errShort
	}
	v := binary.BigEndian.Uint32(r.b[r.pos:])
	r.pos += 4
	return v, nil
}

func (r *reader) skip(n int) error {
	if n < 0 || r.pos+n > len(r.b) || r.pos+n < r.pos {
		return errShort
	}
	r.pos += n
	return nil
}

// Parse reads a class file. It fails when the header, the constant pool
// or the member tables are unreadable; a method whose code cannot be
// scanned is kept with the references found before the damage, and the
// damage is in Problems.
func Parse(b []byte) (*Class, error) {
	if len(b) < 10 || binary.BigEndian.Uint32(b) != 0xCAFEBABE {
		return nil, ErrNotClass
	}
	r := &reader{b: b, pos: 4, utf8: map[uint16]string{}}
	c := &Class{}
	r.u2() // minor
	c.Major, _ = r.u2()
	if err := r.pool(); err != nil {
		return nil, fmt.Errorf("constant pool: %w", err)
	}
	var err error
	if c.Access, err = r.u2(); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	this, err := r.u2()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if c.Name, err = r.className(this); err != nil {
		return nil, fmt.Errorf("this_class: %w", err)
	}
	super, err := r.u2()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if super != 0 {
		if c.Super, err = r.className(super); err != nil {
			return nil, fmt.Errorf("super_class: %w", err)
		}
	}
	n, err := r.u2()
	if err != nil {
		return nil, fmt.Errorf("interfaces: %w", err)
	}
	for range n {
		i, err := r.u2()
		if err != nil {
			return nil, fmt.Errorf("interfaces: %w", err)
		}
		name, err := r.className(i)
		if err != nil {
			return nil, fmt.Errorf("interface: %w", err)
		}
		c.Interfaces = append(c.Interfaces, name)
	}
	// Fields: only skipped (their attributes carry no code).
	if n, err = r.u2(); err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	for range n {
		if err := r.skip(6); err != nil {
			return nil, fmt.Errorf("fields: %w", err)
		}
		if err := r.skipAttributes(); err != nil {
			return nil, fmt.Errorf("field attributes: %w", err)
		}
	}
	if n, err = r.u2(); err != nil {
		return nil, fmt.Errorf("methods: %w", err)
	}
	for range n {
		m, problem, err := r.method()
		if err != nil {
			return nil, fmt.Errorf("method %d of %d: %w", len(c.Methods)+1, n, err)
		}
		if problem != nil {
			c.Problems = append(c.Problems, fmt.Errorf("%s.%s%s: %w", c.Name, m.Name, m.Desc, problem))
		}
		c.Methods = append(c.Methods, m)
	}
	return c, nil
}

// pool reads the constant pool.
func (r *reader) pool() error {
	n, err := r.u2()
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("count 0")
	}
	// Every entry takes at least three bytes: a count beyond that is a
	// lie, not a reason to allocate.
	if int(n) > (len(r.b)-r.pos)/3+1 {
		return fmt.Errorf("%d entries in %d bytes", n, len(r.b)-r.pos)
	}
	r.cp = make([]cpEntry, n)
	for i := 1; i < int(n); i++ {
		tag, err := r.u1()
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		e := cpEntry{tag: tag}
		switch tag {
		case tagUtf8:
			l, err := r.u2()
			if err != nil {
				return fmt.Errorf("entry %d: %w", i, err)
			}
			e.off, e.n = r.pos, int(l)
			err = r.skip(int(l))
			if err != nil {
				return fmt.Errorf("entry %d: %w", i, err)
			}
		case tagInteger, tagFloat:
			err = r.skip(4)
		case tagLong, tagDouble:
			err = r.skip(8)
		case tagClass, tagString, tagMethodType, tagModule, tagPackage:
			e.a, err = r.u2()
		case tagFieldref, tagMethodref, tagInterfaceMethodref, tagNameAndType, tagDynamic, tagInvokeDynamic:
			if e.a, err = r.u2(); err == nil {
				e.b, err = r.u2()
			}
		case tagMethodHandle:
			var k uint8
			if k, err = r.u1(); err == nil {
				e.a = uint16(k)
				e.b, err = r.u2()
			}
		default:
			return fmt.Errorf("entry %d: unknown tag %d", i, tag)
		}
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		r.cp[i] = e
		if tag == tagLong || tag == tagDouble {
			i++ // eight-byte constants take two entries
		}
	}
	return nil
}

func (r *reader) entry(i uint16, tag uint8) (cpEntry, error) {
	if i == 0 || int(i) >= len(r.cp) {
		return cpEntry{}, fmt.Errorf("constant %d out of the pool (%d)", i, len(r.cp))
	}
	e := r.cp[i]
	if e.tag != tag {
		return cpEntry{}, fmt.Errorf("constant %d is tag %d, not %d", i, e.tag, tag)
	}
	return e, nil
}

func (r *reader) utf(i uint16) (string, error) {
	if s, ok := r.utf8[i]; ok {
		return s, nil
	}
	e, err := r.entry(i, tagUtf8)
	if err != nil {
		return "", err
	}
	s := decodeModifiedUTF8(r.b[e.off : e.off+e.n])
	r.utf8[i] = s
	return s, nil
}

func (r *reader) className(i uint16) (string, error) {
	e, err := r.entry(i, tagClass)
	if err != nil {
		return "", err
	}
	return r.utf(e.a)
}

// member resolves a Fieldref, Methodref or InterfaceMethodref.
func (r *reader) member(i uint16) (Ref, error) {
	if i == 0 || int(i) >= len(r.cp) {
		return Ref{}, fmt.Errorf("constant %d out of the pool (%d)", i, len(r.cp))
	}
	e := r.cp[i]
	var ref Ref
	switch e.tag {
	case tagFieldref:
		ref.Kind = RefField
	case tagMethodref:
		ref.Kind = RefMethod
	case tagInterfaceMethodref:
		ref.Kind = RefInterfaceMethod
	default:
		return Ref{}, fmt.Errorf("constant %d is tag %d, not a member reference", i, e.tag)
	}
	var err error
	if ref.Class, err = r.className(e.a); err != nil {
		return Ref{}, err
	}
	nt, err := r.entry(e.b, tagNameAndType)
	if err != nil {
		return Ref{}, err
	}
	if ref.Name, err = r.utf(nt.a); err != nil {
		return Ref{}, err
	}
	if ref.Desc, err = r.utf(nt.b); err != nil {
		return Ref{}, err
	}
	return ref, nil
}

func (r *reader) skipAttributes() error {
	n, err := r.u2()
	if err != nil {
		return err
	}
	for range n {
		if err := r.skip(2); err != nil {
			return err
		}
		l, err := r.u4()
		if err != nil {
			return err
		}
		if err := r.skip(int(l)); err != nil {
			return err
		}
	}
	return nil
}

// method reads one method_info; a damaged Code attribute is a problem
// (returned second), a damaged table an error.
func (r *reader) method() (Method, error, error) {
	var m Method
	var err error
	if m.Access, err = r.u2(); err != nil {
		return m, nil, err
	}
	ni, err := r.u2()
	if err != nil {
		return m, nil, err
	}
	di, err := r.u2()
	if err != nil {
		return m, nil, err
	}
	if m.Name, err = r.utf(ni); err != nil {
		return m, nil, fmt.Errorf("name: %w", err)
	}
	if m.Desc, err = r.utf(di); err != nil {
		return m, nil, fmt.Errorf("descriptor: %w", err)
	}
	n, err := r.u2()
	if err != nil {
		return m, nil, err
	}
	var problem error
	for range n {
		ai, err := r.u2()
		if err != nil {
			return m, nil, err
		}
		l, err := r.u4()
		if err != nil {
			return m, nil, err
		}
		start := r.pos
		if err := r.skip(int(l)); err != nil {
			return m, nil, fmt.Errorf("attribute: %w", err)
		}
		if name, err := r.utf(ai); err != nil || name != "Code" || problem != nil {
			continue
		}
		problem = r.code(&m, start, int(l))
	}
	return m, problem, nil
}

// code scans a Code attribute (JVMS §4.7.3) of length l at start.
func (r *reader) code(m *Method, start, l int) error {
	if l < 8 {
		return errors.New("Code attribute shorter than its header")
	}
	n := int(binary.BigEndian.Uint32(r.b[start+4:]))
	if n <= 0 || n > l-8 {
		return fmt.Errorf("code length %d in a Code attribute of %d bytes", n, l)
	}
	m.CodeOffset = int64(start + 8)
	return r.scan(m, r.b[start+8:start+8+n])
}

// Instruction lengths (JVMS §6.5) for opcodes of fixed length; 0 marks
// the variable ones (tableswitch, lookupswitch, wide) and opcodes that
// are not defined.
var opLen = func() [256]uint8 {
	var t [256]uint8
	for op := 0x00; op <= 0xc9; op++ {
		t[op] = 1
	}
	for _, op := range []int{0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc} {
		t[op] = 2
	}
	for _, op := range []int{0x11, 0x13, 0x14, 0x84, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7} {
		t[op] = 3
	}
	for op := 0x99; op <= 0xa8; op++ {
		t[op] = 3 // if<cond>, if_icmp<cond>, if_acmp<cond>, goto, jsr
	}
	for op := 0xb2; op <= 0xb8; op++ {
		t[op] = 3 // get/putstatic, get/putfield, invokevirtual/special/static
	}
	t[0xb9], t[0xba] = 5, 5 // invokeinterface, invokedynamic
	t[0xc5] = 4             // multianewarray
	t[0xc8], t[0xc9] = 5, 5 // goto_w, jsr_w
	t[0xaa], t[0xab], t[0xc4] = 0, 0, 0
	return t
}()

// scan walks a method's instructions, recording member references and
// string loads.
func (r *reader) scan(m *Method, code []byte) error {
	for pc := 0; pc < len(code); {
		op := code[pc]
		size := int(opLen[op])
		switch op {
		case 0xaa, 0xab: // tableswitch, lookupswitch: padded to 4
			p := pc + 1 + (4-(pc+1)%4)%4
			if p+12 > len(code) {
				return fmt.Errorf("switch at %d runs past the code", pc)
			}
			if op == 0xaa {
				lo := int32(binary.BigEndian.Uint32(code[p+4:]))
				hi := int32(binary.BigEndian.Uint32(code[p+8:]))
				if hi < lo || int64(hi)-int64(lo) > int64(len(code)) {
					return fmt.Errorf("tableswitch at %d: bounds %d..%d", pc, lo, hi)
				}
				size = p + 12 + 4*int(int64(hi)-int64(lo)+1) - pc
			} else {
				pairs := int32(binary.BigEndian.Uint32(code[p+4:]))
				if pairs < 0 || int64(pairs) > int64(len(code)) {
					return fmt.Errorf("lookupswitch at %d: %d pairs", pc, pairs)
				}
				size = p + 8 + 8*int(pairs) - pc
			}
		case 0xc4: // wide
			if pc+1 >= len(code) {
				return fmt.Errorf("wide at %d runs past the code", pc)
			}
			size = 4
			if code[pc+1] == 0x84 {
				size = 6
			}
		}
		if size == 0 {
			return fmt.Errorf("undefined opcode 0x%02x at %d", op, pc)
		}
		if pc+size > len(code) {
			return fmt.Errorf("instruction 0x%02x at %d runs past the code", op, pc)
		}
		switch {
		case op >= 0xb2 && op <= 0xb9:
			ref, err := r.member(binary.BigEndian.Uint16(code[pc+1:]))
			if err != nil {
				return fmt.Errorf("instruction at %d: %w", pc, err)
			}
			ref.Op, ref.PC = op, uint32(pc)
			m.Refs = append(m.Refs, ref)
		case op == 0x12 || op == 0x13:
			i := uint16(code[pc+1])
			if op == 0x13 {
				i = binary.BigEndian.Uint16(code[pc+1:])
			}
			if i == 0 || int(i) >= len(r.cp) {
				return fmt.Errorf("ldc at %d: constant %d out of the pool", pc, i)
			}
			if e := r.cp[i]; e.tag == tagString {
				s, err := r.utf(e.a)
				if err != nil {
					return fmt.Errorf("ldc at %d: %w", pc, err)
				}
				m.Strings = append(m.Strings, String{Value: s, PC: uint32(pc), Len: uint8(size)})
			}
		}
		pc += size
	}
	return nil
}

// decodeModifiedUTF8 decodes the class file's "modified UTF-8" (JVMS
// §4.4.7): UTF-16 code units in one to three bytes, NUL as two bytes,
// supplementary characters as surrogate pairs. Bytes that fit no form
// become U+FFFD.
func decodeModifiedUTF8(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 || c == 0 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80 && c != 0:
			units = append(units, uint16(c))
			i++
		case c&0xe0 == 0xc0 && i+1 < len(b) && b[i+1]&0xc0 == 0x80:
			units = append(units, uint16(c&0x1f)<<6|uint16(b[i+1]&0x3f))
			i += 2
		case c&0xf0 == 0xe0 && i+2 < len(b) && b[i+1]&0xc0 == 0x80 && b[i+2]&0xc0 == 0x80:
			units = append(units, uint16(c&0x0f)<<12|uint16(b[i+1]&0x3f)<<6|uint16(b[i+2]&0x3f))
			i += 3
		default:
			units = append(units, utf8.RuneError)
			i++
		}
	}
	return string(utf16.Decode(units))
}
