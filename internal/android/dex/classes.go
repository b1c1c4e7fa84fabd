package dex

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxProblems bounds the number of problems a single call collects; further
// problems are counted and summarized in one final error.
const maxProblems = 100

// ClassDef is a decoded class_def_item.
type ClassDef struct {
	Index        int      // position in class_defs
	Class        string   // descriptor, e.g. "Lcom/example/MainActivity;"
	Super        string   // descriptor of the superclass, "" if none
	AccessFlags  uint32   // ACC_* flags
	SourceFile   string   // name of the source file, "" if not recorded
	Interfaces   []string // descriptors of the implemented interfaces
	TypeIdx      uint32   // type index of Class
	ClassDataOff uint32   // offset of the class_data_item, 0 if the class has no members
}

// Classes decodes class_defs. A class def whose references cannot be
// resolved is still returned, with the unresolvable fields left empty, and
// the problems are returned together as an error made with [errors.Join],
// each a [*FormatError].
func (f *File) Classes() ([]ClassDef, error) {
	n := len(f.classDefs) / classDefSize
	out := make([]ClassDef, n)
	var probs problems
	for i := range out {
		e := f.classDefs[i*classDefSize : (i+1)*classDefSize]
		c := &out[i]
		c.Index = i
		c.TypeIdx = binary.LittleEndian.Uint32(e[0:])
		c.AccessFlags = binary.LittleEndian.Uint32(e[4:])
		super := binary.LittleEndian.Uint32(e[8:])
		ifaces := binary.LittleEndian.Uint32(e[12:])
		src := binary.LittleEndian.Uint32(e[16:])
		c.ClassDataOff = binary.LittleEndian.Uint32(e[24:])
		var err error
		if c.Class, err = f.Type(c.TypeIdx); err != nil {
			probs.add(wrap(err, "class_defs[%d]: class", i))
		}
		if super != NoIndex {
			if c.Super, err = f.Type(super); err != nil {
				probs.add(wrap(err, "class_defs[%d]: superclass", i))
			}
		}
		if src != NoIndex {
			if c.SourceFile, err = f.String(src); err != nil {
				probs.add(wrap(err, "class_defs[%d]: source file", i))
			}
		}
		if c.Interfaces, err = f.typeList(ifaces); err != nil {
			probs.add(wrap(err, "class_defs[%d]: interfaces", i))
		}
	}
	return out, probs.err()
}

// problems collects errors up to maxProblems.
type problems struct {
	errs    []error
	dropped int
}

func (p *problems) add(err error) {
	if len(p.errs) < maxProblems {
		p.errs = append(p.errs, err)
	} else {
		p.dropped++
	}
}

func (p *problems) err() error {
	if p.dropped > 0 {
		return errors.Join(append(p.errs, &FormatError{Offset: -1, Msg: fmt.Sprintf("%d more problems not listed", p.dropped)})...)
	}
	return errors.Join(p.errs...)
}
