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
	waitState(t, q, next, "scheduled", 30*time.Second)
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

// A scan that takes more memory than the guard allows is stopped and
// retried once; stopped again, it fails with the reason, and the worker
// lives on.
func TestMemoryGuard(t *testing.T) {
	url, st, w, args := setupIn(t, filepath.Join(t.TempDir(), "results.db"))
	ctx := context.Background()
	var attempts atomic.Int32
	w.beforeStore = func(ctx context.Context, job *river.Job[ScanArgs]) error {
		attempts.Add(1)
		var hog [][]byte // grows until the guard stops the job
		for ctx.Err() == nil && len(hog) < 1024 {
			hog = append(hog, make([]byte, 1<<20))
			time.Sleep(2 * time.Millisecond)
		}
		return ctx.Err()
	}
	// The limit: the heap now (the scanner's catalogs) and 48 MiB more.
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	runtime.GC()
	metrics.Read(sample)
	limit := int64(sample[0].Value.Uint64()) + 48<<20
	q, err := Open(ctx, st, url, Config{Queue: testQueue(t), Worker: w, Workers: 1, MaxMemory: limit, Log: slog.New(slog.DiscardHandler)})
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
	if n := attempts.Load(); n != 2 || !strings.Contains(last, "memory guard") {
		t.Errorf("%d attempts, last error %q; want 2 and the memory guard named", n, last)
	}
	if has, err := st.Has(ctx, w.Key(args)); err != nil || !has {
		t.Errorf("the failure was not recorded: %v %v", has, err)
	}
}
