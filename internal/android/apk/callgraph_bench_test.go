package apk

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// callGraphInput returns the dex of the call-graph budget: 10 MB of
// bytecode with the shape of a large app (6,000 classes, 55,000 methods
// with code, 430,000 calls), assembled by smali from what testdata/callgraph/gen.go
// writes. It is built once into the user's cache directory, keyed by
// gen.go's hash (10 MB is not committed); the test is skipped when smali is
// not installed.
func callGraphInput(tb testing.TB) [][]byte {
	tb.Helper()
	dir := filepath.Join("testdata", "callgraph")
	src, err := os.ReadFile(filepath.Join(dir, "gen.go"))
	if err != nil {
		tb.Fatal(err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256(src)
	out := filepath.Join(cache, "hegui-test", fmt.Sprintf("callgraph-%x.dex", sum[:8]))
	if _, err := os.Stat(out); err != nil {
		smali, err := exec.LookPath("smali")
		if err != nil {
			tb.Skip("smali is not installed: cannot assemble the 10 MB dex (apt-get install smali)")
		}
		work := tb.TempDir()
		gen := exec.Command("go", "run", "gen.go", "-out", work)
		gen.Dir = dir
		if b, err := gen.CombinedOutput(); err != nil {
			tb.Fatalf("gen.go: %v\n%s", err, b)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			tb.Fatal(err)
		}
		tmp := filepath.Join(work, "big.dex")
		if b, err := exec.Command(smali, "a", "--api", "26", "-o", tmp, work).CombinedOutput(); err != nil {
			tb.Fatalf("smali: %v\n%s", err, b)
		}
		data, err := os.ReadFile(tmp)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	if len(data) < 10<<20 {
		tb.Fatalf("%s: %d bytes, less than 10 MiB", out, len(data))
	}
	return [][]byte{data}
}

// buildCallGraph runs what a scan does for the call graph over dexes: the
// per-dex pass that makes each unit's nodes and edges, then the joins and
// a reachability walk from every method of every class (the most the
// start-up walk can visit).
func buildCallGraph(tb testing.TB, a *Analyzer, dexes [][]byte) (*codeIndex, int) {
	ctx := context.Background()
	units := make([]*unit, len(dexes))
	for i, d := range dexes {
		units[i] = a.analyzeDexBytes(ctx, "classes.dex", d, "")
		if len(units[i].errs) > 0 {
			tb.Fatalf("dex %d: %v", i, units[i].errs)
		}
	}
	ci := &codeIndex{units: units}
	ci.helperGates()
	var roots []string
	names := map[string]bool{}
	for _, u := range units {
		for _, c := range u.classes {
			roots = append(roots, javaName(c.desc))
		}
		for _, n := range u.names {
			names[n] = true
		}
	}
	parent, err := ci.reachFrom(ctx, roots, names)
	if err != nil {
		tb.Fatal(err)
	}
	return ci, len(parent)
}

// BenchmarkCallGraph10MB builds the call graph of 10 MB of dex and walks
// all of it. The stated budget is 1 s and 200 MiB: ns/op, and B/op (all
// the memory allocated, an upper bound of the peak) are the numbers to hold
// against it.
func BenchmarkCallGraph10MB(b *testing.B) {
	a := newAnalyzer(b)
	dexes := callGraphInput(b)
	size := 0
	for _, d := range dexes {
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var reached int
	for b.Loop() {
		_, reached = buildCallGraph(b, a, dexes)
	}
	b.ReportMetric(float64(reached), "methods-reached")
}

// TestCallGraphMemory holds the call graph of 10 MB of dex to its memory
// budget of 200 MiB, the dex image aside: everything allocated while it is
// built and walked (an upper bound of the peak) must fit.
func TestCallGraphMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the call graph of 10 MB of dex")
	}
	a := newAnalyzer(t)
	dexes := callGraphInput(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ci, reached := buildCallGraph(t, a, dexes)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	nodes, edges := 0, 0
	for _, u := range ci.units {
		nodes += len(u.nodes)
		edges += len(u.edges)
	}
	t.Logf("%d nodes, %d edges, %d methods reached, %.1f MiB allocated", nodes, edges, reached, float64(allocated)/(1<<20))
	if nodes < 50_000 || reached < nodes/2 {
		t.Fatalf("the call graph has %d nodes and reaches %d: the input is not the 10 MB app", nodes, reached)
	}
	if allocated > 200<<20 {
		t.Errorf("building and walking the call graph allocated %.1f MiB, over its budget of 200 MiB", float64(allocated)/(1<<20))
	}
}
