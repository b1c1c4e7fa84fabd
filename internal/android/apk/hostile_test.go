package apk

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
)

// The hostile inputs of testdata/bad (see testdata/README.md): each must
// end with the loss recorded under the right part and cause, in bounded
// time and memory, with everything readable still reported.

const (
	hostileTime   = 30 * time.Second // generous: the inputs take well under a second
	hostileMemory = 300 << 20
)

// measure runs fn and returns how long it took and the most memory the Go
// runtime held for the heap meanwhile (mapped minus returned to the OS,
// sampled every millisecond): a stand-in for peak RSS.
func measure(fn func()) (time.Duration, uint64) {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak uint64
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value.Uint64() - samples[1].Value.Uint64(); v > peak {
			peak = v
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				read()
			}
		}
	}()
	start := time.Now()
	fn()
	elapsed := time.Since(start)
	close(stop)
	<-done
	read()
	return elapsed, peak
}

// analyzeBounded analyzes a fixture with the given limits and context and
// checks time and memory.
func analyzeBounded(t *testing.T, ctx context.Context, a *Analyzer, path string, lim artifact.Limits) *evidence.Set {
	t.Helper()
	var set *evidence.Set
	elapsed, peak := measure(func() {
		in, err := artifact.Open(path, lim)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		if set, err = a.Analyze(ctx, in); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	})
	t.Logf("%s: %v, peak heap %d MiB, %d errors", filepath.Base(path), elapsed.Round(time.Millisecond), peak>>20, len(set.Errors))
	if elapsed > hostileTime {
		t.Errorf("%s took %v", path, elapsed)
	}
	if peak > hostileMemory {
		t.Errorf("%s: peak heap %d MiB", path, peak>>20)
	}
	return set
}

// losses returns the errors of one part and cause.
func losses(set *evidence.Set, p evidence.Part, c evidence.Cause) []evidence.Error {
	var out []evidence.Error
	for _, e := range set.Errors {
		if e.Part == p && e.Cause == c {
			out = append(out, e)
		}
	}
	return out
}

// unclassified fails the test for errors without a part and cause.
func unclassified(t *testing.T, set *evidence.Set) {
	t.Helper()
	for _, e := range set.Errors {
		if e.Part == "" || e.Cause == "" {
			t.Errorf("error without part or cause: %+v", e)
		}
	}
}

// facts renders the observations of kinds read from code, sorted, to
// compare two analyses. The count of an SDK's classes is left out: class
// definitions a header invents past the real ones may add to it.
func facts(set *evidence.Set) []string {
	var out []string
	for _, o := range set.Observations {
		switch o.Kind {
		case evidence.DataType, evidence.SDK, evidence.Endpoint:
			d := maps.Clone(o.Detail)
			delete(d, "classes")
			out = append(out, fmt.Sprintf("%s %s %s %s %v", o.Kind, o.Key, o.Level, o.Where, d))
		}
	}
	sort.Strings(out)
	return out
}

func fixture(name string) string { return filepath.Join(fixtures, name) }

// Case 1: junk plug-in archives (2 GiB of nested zips in a few KB) must
// not spend the budget the package's own code needs: classes*.dex are
// read first, nested archives are paid from the secondary budget, and
// running out of it is one error naming what was skipped.
func TestJunkPluginsDoNotStarveCode(t *testing.T) {
	a := newAnalyzer(t)
	want := facts(analyze(t, a, fixture("apks/leaky.apk")))
	set := analyzeBounded(t, context.Background(), a, fixture("bad/junk-plugins.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	assertEqual(t, "code facts", facts(set), want)
	lost := losses(set, evidence.PartCode, evidence.CauseBudget)
	if len(lost) != 1 || !strings.HasPrefix(lost[0].File, "assets/plugins.zip!p") || !strings.Contains(lost[0].Err, "more nested archives not read") {
		t.Fatalf("want one code/budget error naming the skipped plug-ins, got %+v", set.Errors)
	}
	if !evidence.Grave(lost[0].Part, lost[0].Cause) {
		t.Error("skipped nested code is not a grave loss")
	}
}

// Case 2: code hidden ten archives deep is a code loss for depth, never
// silently skipped; allowed deep enough, it is found.
func TestCodeHiddenTenArchivesDeep(t *testing.T) {
	a := newAnalyzer(t)
	path := fixture("bad/deep-nesting.apk")
	set := analyzeBounded(t, context.Background(), a, path, artifact.DefaultLimits())
	unclassified(t, set)
	lost := losses(set, evidence.PartCode, evidence.CauseDepth)
	if len(lost) != 1 || lost[0].File != "assets/l1.zip!l2.zip!l3.zip!l4.zip" {
		t.Fatalf("want one code/depth error at the fourth archive, got %+v", set.Errors)
	}
	lim := artifact.DefaultLimits()
	lim.MaxDepth = 10
	set = analyzeBounded(t, context.Background(), a, path, lim)
	var found bool
	for _, o := range set.Of(evidence.DataType) {
		found = found || o.Key == "device_id_imei" && strings.HasSuffix(o.Where.File, "l9.zip!l10.zip!classes.dex")
	}
	if !found || len(set.Errors) != 0 {
		t.Fatalf("with a depth of 10 the hidden IMEI read was not found (errors %+v)", set.Errors)
	}
}

// Case 3: a dex cut in half, or whose header lies about its id tables,
// is a code loss (truncated, malformed), and everything readable in it is
// still reported.
func TestDamagedDexKeepsWhatIsReadable(t *testing.T) {
	a := newAnalyzer(t)
	leaky := analyze(t, a, fixture("apks/leaky.apk"))

	set := analyzeBounded(t, context.Background(), a, fixture("bad/truncated-dex.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	if lost := losses(set, evidence.PartCode, evidence.CauseTruncated); len(lost) != 1 || lost[0].File != "classes.dex" {
		t.Fatalf("truncated dex: want one code/truncated error on classes.dex, got %+v", set.Errors)
	}
	var fromOthers int
	for _, o := range set.Of(evidence.DataType) {
		if o.Where.File != "classes.dex" {
			fromOthers++
		}
	}
	if fromOthers == 0 {
		t.Error("truncated dex: the other dex files were not reported")
	}

	set = analyzeBounded(t, context.Background(), a, fixture("bad/lying-dex.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	lost := losses(set, evidence.PartCode, evidence.CauseMalformed)
	var files []string
	for _, e := range lost {
		files = append(files, e.File)
	}
	if !slices.Equal(files, []string{"classes.dex", "classes2.dex"}) {
		t.Fatalf("lying headers: want code/malformed errors on both dex files, got %+v", set.Errors)
	}
	// The lies only add entries past the real tables: nothing is lost.
	assertEqual(t, "code facts", facts(set), facts(leaky))

	// The compressed stream of classes.dex cut short: the read is a
	// truncation loss and the part inflated is still analyzed.
	path := filepath.Join(t.TempDir(), "cut-stream.apk")
	if err := os.WriteFile(path, cutStream(t, fixture("apks/leaky.apk"), "classes.dex"), 0o644); err != nil {
		t.Fatal(err)
	}
	set = analyzeBounded(t, context.Background(), a, path, artifact.DefaultLimits())
	unclassified(t, set)
	if lost := losses(set, evidence.PartCode, evidence.CauseTruncated); len(lost) < 1 || lost[0].File != "classes.dex" || !strings.Contains(lost[0].Err, "compressed stream ends") {
		t.Fatalf("cut stream: want code/truncated errors on classes.dex, got %+v", set.Errors)
	}
	if len(set.Keys(evidence.DataType)) == 0 {
		t.Error("cut stream: nothing reported")
	}
}

// cutStream copies an APK with the compressed data of one entry cut to
// half; its headers give the new compressed size and the old size.
func cutStream(t *testing.T, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		fh := f.FileHeader
		if f.Name == name {
			body = body[:len(body)/2]
			fh.CompressedSize64 = uint64(len(body))
		}
		fw, err := w.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Case 4: nested zips of empty nested zips (a million archives from a few
// KB) open at most MaxNested archives; one error says what was skipped.
func TestNestedFanOutBounded(t *testing.T) {
	a := newAnalyzer(t)
	set := analyzeBounded(t, context.Background(), a, fixture("bad/fanout.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	lost := losses(set, evidence.PartCode, evidence.CauseLimit)
	if len(lost) != 1 || !strings.Contains(lost[0].Err, "more nested archives not read") || !strings.Contains(lost[0].Err, "more than 1000 nested archives") {
		t.Fatalf("want one code/limit error for the archives skipped, got %+v", lost)
	}
	if len(set.Errors) > 2*evidence.MaxErrorsPerClass+2 {
		t.Errorf("%d errors listed", len(set.Errors))
	}
	// The archives one level too deep are depth losses, counted.
	var depth int
	for _, e := range losses(set, evidence.PartCode, evidence.CauseDepth) {
		depth += max(e.More, 1)
	}
	if depth == 0 || depth > 1000*100 {
		t.Errorf("%d depth losses", depth)
	}
}

// Case 5: text assets full of distinct URLs yield a bounded number of
// endpoints; what was dropped is counted in one error per bound.
func TestURLFloodBounded(t *testing.T) {
	a := newAnalyzer(t)
	set := analyzeBounded(t, context.Background(), a, fixture("bad/url-flood.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	var fromAssets int
	for _, o := range set.Of(evidence.Endpoint) {
		if strings.HasPrefix(o.Where.File, "assets/") {
			fromAssets++
		}
	}
	if fromAssets != maxAssetEndpoints {
		t.Errorf("%d endpoints from assets, want the bound of %d", fromAssets, maxAssetEndpoints)
	}
	lost := losses(set, evidence.PartAssets, evidence.CauseLimit)
	if len(lost) != 2 {
		t.Fatalf("want two assets/limit errors (endpoints, URLs), got %+v", set.Errors)
	}
	for _, e := range lost {
		if !strings.Contains(e.Err, "were dropped") || evidence.Grave(e.Part, e.Cause) {
			t.Errorf("error %+v", e)
		}
	}
}

// Case 5 for code: observations made from bytecode are bounded per
// input, and what was dropped is one code/limit error per kind.
func TestCodeObservationsBounded(t *testing.T) {
	s := &scan{a: newAnalyzer(t), set: &evidence.Set{}}
	for i := range maxCodeDataTypes + 7 {
		s.addCode(evidence.Observation{Kind: evidence.DataType, Key: "x", Where: evidence.Location{File: fmt.Sprintf("classes%d.dex", i)}})
	}
	s.reportDropped()
	if n := len(s.set.Of(evidence.DataType)); n != maxCodeDataTypes {
		t.Fatalf("%d observations kept", n)
	}
	lost := losses(s.set, evidence.PartCode, evidence.CauseLimit)
	if len(lost) != 1 || !strings.HasPrefix(lost[0].Err, "7 more PI API call sites") || lost[0].File != fmt.Sprintf("classes%d.dex", maxCodeDataTypes) {
		t.Fatalf("errors %+v", s.set.Errors)
	}
}

// Case 6: a central directory that lies about compressed sizes (four
// entries sharing one 256 MiB deflate stream) is caught from the bytes
// really consumed, early, in little memory.
func TestLyingCompressedSizes(t *testing.T) {
	a := newAnalyzer(t)
	want := facts(analyze(t, a, fixture("apks/leaky.apk")))
	set := analyzeBounded(t, context.Background(), a, fixture("bad/lying-sizes.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	lost := losses(set, evidence.PartCode, evidence.CauseLimit)
	if len(lost) != 4 {
		t.Fatalf("want four code/limit errors, got %+v", set.Errors)
	}
	for i, e := range lost {
		if e.File != fmt.Sprintf("classes%d.dex", i+3) || !strings.Contains(e.Err, "compressed bytes") {
			t.Errorf("error %+v", e)
		}
	}
	assertEqual(t, "code facts", facts(set), want)
}

// Case 7: with a run-wide memory budget, the dex images held by inputs
// analyzed in parallel stay within it (one image is always let in), and
// the results do not change.
func TestMemoryBudgetSharedAcrossInputs(t *testing.T) {
	a := newAnalyzer(t)
	path := fixture("apks/real/com.example.android.wearable.wear.weardrawers.apk")
	want := facts(analyze(t, a, path))
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	arch, err := in.Archive()
	if err != nil {
		t.Fatal(err)
	}
	var largest int64
	for _, e := range arch.Glob("classes*.dex") {
		largest = max(largest, int64(e.Size))
	}
	in.Close()

	lim := artifact.DefaultLimits()
	lim.Memory = artifact.NewBudget(largest)
	const inputs = 6
	sets := make([]*evidence.Set, inputs)
	var wg sync.WaitGroup
	for i := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := artifact.Open(path, lim)
			if err != nil {
				t.Error(err)
				return
			}
			defer in.Close()
			sets[i], err = a.Analyze(context.Background(), in)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, set := range sets {
		if set != nil {
			assertEqual(t, "code facts", facts(set), want)
		}
	}
	if peak := lim.Memory.Peak(); peak > largest || peak == 0 {
		t.Errorf("images held at once: %d bytes, budget %d", peak, largest)
	}
	if held := lim.Memory.Held(); held != 0 {
		t.Errorf("%d bytes still held after the analyses", held)
	}
}

// Case 8: when the context ends, analysis stops promptly and the loss is
// recorded as a timeout, with what was read so far kept.
func TestContextEndStopsAnalysis(t *testing.T) {
	a := newAnalyzer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	set := analyzeBounded(t, ctx, a, fixture("apks/leaky.apk"), artifact.DefaultLimits())
	unclassified(t, set)
	if len(losses(set, evidence.PartCode, evidence.CauseTimeout)) == 0 {
		t.Fatalf("cancelled: no code/timeout error in %+v", set.Errors)
	}

	for _, name := range []string{"bad/fanout.apk", "bad/junk-plugins.apk"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		start := time.Now()
		set = analyzeBounded(t, ctx, a, fixture(name), artifact.DefaultLimits())
		elapsed := time.Since(start)
		cancel()
		unclassified(t, set)
		var timeouts int
		for _, e := range set.Errors {
			if e.Cause == evidence.CauseTimeout {
				timeouts++
			}
		}
		if timeouts == 0 {
			t.Errorf("%s: deadline passed, no timeout error in %+v", name, set.Errors)
		}
		if elapsed > 2*time.Second {
			t.Errorf("%s: %v to stop after a deadline of 20ms", name, elapsed)
		}
	}

	// A bare dex file.
	dexPath := filepath.Join(t.TempDir(), "classes.dex")
	zr, err := zip.OpenReader(fixture("apks/leaky.apk"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	r, err := zr.Open("classes.dex")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if err := os.WriteFile(dexPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	set = analyzeBounded(t, ctx, a, dexPath, artifact.DefaultLimits())
	if len(losses(set, evidence.PartCode, evidence.CauseTimeout)) == 0 {
		t.Fatalf("bare dex, cancelled: no code/timeout error in %+v", set.Errors)
	}
}

// Observations from the manifest and native library names are bounded
// too, and archive anomalies are listed up to a bound.
func TestOtherGrowthBounded(t *testing.T) {
	s := &scan{a: newAnalyzer(t), set: &evidence.Set{}}
	for range maxManifestObservations + 3 {
		s.addManifest(evidence.Observation{Kind: evidence.Permission, Key: "p", Where: evidence.Location{File: "AndroidManifest.xml"}})
	}
	for range maxLibObservations + 2 {
		s.addLib(evidence.Observation{Kind: evidence.SDK, Key: "s", Where: evidence.Location{File: "lib/x86/libx.so"}})
	}
	s.reportDropped()
	if n := len(losses(s.set, evidence.PartManifest, evidence.CauseLimit)); n != 1 {
		t.Errorf("%d manifest/limit errors", n)
	}
	if n := len(losses(s.set, evidence.PartAssets, evidence.CauseLimit)); n != 1 {
		t.Errorf("%d assets/limit errors", n)
	}

	// 3,000 entries with hostile names beside a valid manifest.
	manifest := readEntry(t, fixture("apks/clean.apk"), "AndroidManifest.xml")
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	add := func(name string, data []byte) {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	add("AndroidManifest.xml", manifest)
	for i := range 3000 {
		add(fmt.Sprintf("../evil%d", i), nil)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "names.apk")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	set := analyzeBounded(t, context.Background(), newAnalyzer(t), path, artifact.DefaultLimits())
	var anomalies int
	for _, o := range set.Of(evidence.Property) {
		if o.Key == "archive_anomaly" {
			anomalies++
		}
	}
	lost := losses(set, evidence.PartOther, evidence.CauseLimit)
	if anomalies != maxAnomalies || len(lost) != 1 || !strings.HasPrefix(lost[0].Err, "2000 more archive anomalies") {
		t.Fatalf("%d anomalies listed, errors %+v", anomalies, lost)
	}
}

func readEntry(t *testing.T, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	r, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every error on every fixture says what part it cost and why.
func TestEveryLossClassified(t *testing.T) {
	a := newAnalyzer(t)
	var paths []string
	for _, g := range []string{"apks/*.apk", "apks/real/*.apk", "bad/*.apk"} {
		m, err := filepath.Glob(fixture(g))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	var checked int
	for _, p := range paths {
		in, err := artifact.Open(p, artifact.DefaultLimits())
		if err != nil {
			continue
		}
		if in.Kind != artifact.APK && in.Kind != artifact.DEX {
			in.Close()
			continue
		}
		set, err := a.Analyze(context.Background(), in)
		in.Close()
		if err != nil {
			continue
		}
		checked++
		for _, e := range set.Errors {
			if e.Part == "" || e.Cause == "" {
				t.Errorf("%s: error without part or cause: %+v", filepath.Base(p), e)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d fixtures analyzed", checked)
	}
}

// A payload a recognised packer hides (here: not a readable archive) is
// a code loss explained by the packer, not damage.
func TestPackerExplainsUnreadablePayload(t *testing.T) {
	zr, err := zip.OpenReader(fixture("apks/packed.apk"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := w.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.Create("assets/payload.jar")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte("encrypted payload "), 100))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "packed-payload.apk")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	set := analyzeBounded(t, context.Background(), newAnalyzer(t), path, artifact.DefaultLimits())
	lost := losses(set, evidence.PartCode, evidence.CausePacker)
	if len(lost) != 1 || lost[0].File != "assets/payload.jar" || evidence.Grave(lost[0].Part, lost[0].Cause) {
		t.Fatalf("want one code/packer error on the payload, got %+v", set.Errors)
	}
}
