package policy

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// policy100KB returns about 100 KB of real policy text (the CA4P
// policies in testdata, repeated).
func policy100KB(tb testing.TB) []byte {
	tb.Helper()
	var out []byte
	names, _ := filepath.Glob(filepath.Join("testdata", "ca4p", "raw", "*.html"))
	for len(out) < 100<<10 {
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b...)
		}
	}
	return out[:100<<10]
}

// BenchmarkAnalyze100KB reads, splits and extracts a 100 KB policy: the
// stated budget is 20 ms.
func BenchmarkAnalyze100KB(b *testing.B) {
	l := lexicon(b)
	data := policy100KB(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Read(context.Background(), data, "p.html", DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		l.Extract(Sentences(d))
	}
}
