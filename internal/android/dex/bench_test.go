package dex

import "testing"

// BenchmarkParse measures Parse over a 2.6 MB DEX file.
func BenchmarkParse(b *testing.B) {
	data := readDex(b, "annotation.dex")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalk measures a full Walk over a 2.6 MB DEX file (9695 methods
// with code), counting the reported instructions.
func BenchmarkWalk(b *testing.B) {
	data := readDex(b, "annotation.dex")
	f, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		if err := f.Walk(func(m Code, insns []Insn) error { n += len(insns); return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "insns/op")
}

// BenchmarkWalkResolve walks and resolves every reported method, field and
// string reference, as an analyzer that does not build lookup tables would.
func BenchmarkWalkResolve(b *testing.B) {
	data := readDex(b, "annotation.dex")
	f, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		err := f.Walk(func(m Code, insns []Insn) error {
			for _, in := range insns {
				switch in.Op {
				case OpInvoke:
					f.Method(in.Index)
				case OpStaticGet, OpInstanceGet, OpStaticPut:
					f.Field(in.Index)
				case OpConstString:
					f.String(in.Index)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlow runs the def-use pass over every method of a 2.6 MB DEX
// file (9695 methods with code, as if every one held a catalog call) and
// asks for the definitions of the first argument of every invoke.
func BenchmarkFlow(b *testing.B) {
	f, err := Parse(readDex(b, "annotation.dex"))
	if err != nil {
		b.Fatal(err)
	}
	fl := NewFlow(f)
	var defs []Def
	b.ReportAllocs()
	methods := 0
	for b.Loop() {
		methods = 0
		err := f.Walk(func(m Code, insns []Insn) error {
			methods++
			if !fl.Analyze(m) {
				return nil
			}
			for _, in := range insns {
				if in.Op == OpInvoke {
					defs = fl.ArgDefs(defs[:0], in.Offset, 0)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(methods), "ns/method")
}
