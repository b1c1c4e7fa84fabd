package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/store/pgtest"
)

// The queue's tests need PostgreSQL (HEGUI_TEST_POSTGRES, a scratch
// database; .ci/run starts Debian's PostgreSQL and sets it).
func setup(t *testing.T) (string, *store.DB, *ScanWorker, ScanArgs) {
	t.Helper()
	return setupIn(t, pgtest.URL(t))
}

// setupIn is setup on a database: a postgres:// URL or a SQLite file.
func setupIn(t *testing.T, url string) (string, *store.DB, *ScanWorker, ScanArgs) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sc, err := scan.New(scan.Config{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../testdata/apks/leaky.apk")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sha, _, err := blob.Put(ctx, blobs, f, ".apk", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// A data version of its own: earlier runs' reports do not count.
	w := &ScanWorker{Scanner: sc, Store: st, Blobs: blobs, ToolVersion: "test", DataVersion: t.Name() + time.Now().Format(time.RFC3339Nano)}
	return url, st, w, ScanArgs{SHA256: sha, Ext: ".apk", Name: "leaky.apk", Lang: "en"}
}

func waitState(t *testing.T, q *Queue, id int64, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		state, _, last, err := q.State(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if state == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (last error %q), not %s after %v", id, state, last, want, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestScanJobStoresItsReportOnce(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { storesOnce(t, pgtest.URL(t)) })
	t.Run("sqlite", func(t *testing.T) { storesOnce(t, filepath.Join(t.TempDir(), "results.db")) })
}

func storesOnce(t *testing.T, db string) {
	url, st, w, args := setupIn(t, db)
	ctx := context.Background()
	q, err := Open(ctx, st, url, Config{Queue: testQueue(t), Worker: w, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(ctx)
	args.Lang = "en-" + w.DataVersion[len(w.DataVersion)-6:] // a job no earlier run has made
	w.DataVersion = "d"
	args.Tool, args.Data = w.ToolVersion, w.DataVersion
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := q.Enqueue(ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, q, id, "completed", 60*time.Second)
	rid, err := st.ReportID(ctx, w.Key(args))
	if err != nil {
		t.Fatalf("no report stored: %v", err)
	}
	_, doc, err := st.Report(ctx, rid)
	if err != nil || len(doc) < 1000 {
		t.Fatalf("report %d: %v", rid, err)
	}
	// The same job again is the same job, not a second scan.
	again, err := q.Enqueue(ctx, args)
	if err != nil || again != id {
		t.Errorf("a duplicate job: %d (first %d) %v", again, id, err)
	}
	// For another hegui, it is a new job, which this worker leaves for a
	// worker of that version (snoozed, not failed, nothing stored).
	newer := args
	newer.Tool = "test-next"
	next, err := q.Enqueue(ctx, newer)
	if err != nil || next == id {
		t.Fatalf("the upload for a newer hegui is job %d (first %d) %v", next, id, err)
	}
	// PostgreSQL: left (snoozed) for a worker of that version; SQLite:
	// this worker is the only one, so it is cancelled with the reason.
	want := "cancelled"
	if st.Postgres() {
		want = "scheduled"
	}
	waitState(t, q, next, want, 30*time.Second)
	if _, err := st.ReportID(ctx, StoreKey(newer, newer.Tool, newer.Data)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a report stored for a version this worker is not: %v", err)
	}
}

// A worker stopped in the middle of a scan loses nothing: the job is
// retried, by another worker, and its report written once.
func TestStoppedWorkerLosesNothing(t *testing.T) {
	url, st, w, args := setup(t)
	ctx := context.Background()
	args.Lang = "en-stop-" + w.DataVersion[len(w.DataVersion)-6:]
	w.DataVersion = "d"
	var started atomic.Bool
	w.beforeStore = func(ctx context.Context, job *river.Job[ScanArgs]) error {
		started.Store(true)
		<-ctx.Done() // the first worker hangs until it is stopped
		return ctx.Err()
	}
	queue := testQueue(t)
	q1, err := Open(ctx, st, url, Config{Queue: queue, Worker: w, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := q1.Enqueue(ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); !started.Load(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the job never started")
		}
	}
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	q1.Abort(stop)
	cancel()
	if _, err := st.ReportID(ctx, w.Key(args)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a report was stored by the stopped worker: %v", err)
	}
	// Another worker (a fresh one, working normally) takes the job over.
	w2 := *w
	w2.beforeStore = nil
	q2, err := Open(ctx, st, url, Config{Queue: queue, Worker: &w2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer q2.Close(ctx)
	if err := q2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, q2, id, "completed", 90*time.Second)
	if _, err := st.ReportID(ctx, w.Key(args)); err != nil {
		t.Errorf("no report after the retry: %v", err)
	}
}

// testQueue is a queue of the test's own: packages' tests run at once on
// one database, and a worker of another would take this test's jobs.
func testQueue(t *testing.T) string {
	return fmt.Sprintf("test_%d", time.Now().UnixNano())
}

// heapNow is the live heap, after a collection.
func heapNow() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	runtime.GC()
	metrics.Read(sample)
	return int64(sample[0].Value.Uint64())
}

// hog holds memory until ctx ends (or 1 GiB).
func hog(ctx context.Context) error {
	var held [][]byte
	for ctx.Err() == nil && len(held) < 1024 {
		held = append(held, make([]byte, 1<<20))
		time.Sleep(2 * time.Millisecond)
	}
	return ctx.Err()
}

// A scan that, alone, holds more memory than the guard allows is
// stopped at once and recorded as failed, and the worker lives on.
func TestMemoryGuard(t *testing.T) {
	url, st, w, args := setupIn(t, filepath.Join(t.TempDir(), "results.db"))
	ctx := context.Background()
	var attempts atomic.Int32
	w.beforeStore = func(ctx context.Context, job *river.Job[ScanArgs]) error {
		attempts.Add(1)
		return hog(ctx)
	}
	q, err := Open(ctx, st, url, Config{Queue: testQueue(t), Worker: w, Workers: 1, MaxMemory: heapNow() + 48<<20, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(ctx)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := q.Enqueue(ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, q, id, "cancelled", 60*time.Second)
	_, _, last, _ := q.State(ctx, id)
	if n := attempts.Load(); n != 1 || !strings.Contains(last, "memory guard") {
		t.Errorf("%d attempts, last error %q; want 1 and the memory guard named", n, last)
	}
	if has, err := st.Has(ctx, w.Key(args)); err != nil || !has {
		t.Errorf("the failure was not recorded: %v %v", has, err)
	}
}

// A scan stopped by the guard while another scan held the memory is
// retried and completes; only the one that holds too much alone fails.
func TestMemoryGuardSparesOthers(t *testing.T) {
	url, st, w, args := setupIn(t, filepath.Join(t.TempDir(), "results.db"))
	ctx := context.Background()
	w.beforeStore = func(ctx context.Context, job *river.Job[ScanArgs]) error {
		if job.Args.Lang == "hog" {
			return hog(ctx)
		}
		select { // a slow scan that holds little
		case <-time.After(1500 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	q, err := Open(ctx, st, url, Config{Queue: testQueue(t), Worker: w, Workers: 2, MaxMemory: heapNow() + 48<<20, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(ctx)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	slow := args
	slow.Lang = "slow"
	big := args
	big.Lang = "hog"
	sid, err := q.Enqueue(ctx, slow)
	if err != nil {
		t.Fatal(err)
	}
	hid, err := q.Enqueue(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, q, sid, "completed", 90*time.Second)
	if _, err := st.ReportID(ctx, w.Key(slow)); err != nil {
		t.Errorf("the slow scan's report: %v", err)
	}
	state, _, last, _ := q.State(ctx, hid)
	t.Logf("the hog's job: %s (%s)", state, last)
	if state == "completed" {
		t.Error("the hog's scan completed past the guard")
	}
}
