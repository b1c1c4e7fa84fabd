package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/store/pgtest"
)

// The queue's tests need PostgreSQL (HEGUI_TEST_POSTGRES, a scratch
// database; .ci/run starts Debian's PostgreSQL and sets it).
func setup(t *testing.T) (string, *store.DB, *ScanWorker, ScanArgs) {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	st, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sc, err := scan.New(scan.Config{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	blobs := t.TempDir()
	b, err := os.ReadFile("../../testdata/apks/leaky.apk")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	sha := hex.EncodeToString(sum[:])
	os.MkdirAll(filepath.Join(blobs, sha[:2]), 0o755)
	os.WriteFile(filepath.Join(blobs, sha[:2], sha+".apk"), b, 0o644)
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
	url, st, w, args := setup(t)
	ctx := context.Background()
	q, err := Open(ctx, url, testQueue(t), w, 2, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(ctx)
	args.Lang = "en-" + w.DataVersion[len(w.DataVersion)-6:] // a job no earlier run has made
	w.DataVersion = "d"
	if err := q.Client.Start(ctx); err != nil {
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
	q1, err := Open(ctx, url, queue, w, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := q1.Client.Start(ctx); err != nil {
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
	q1.Client.StopAndCancel(stop)
	cancel()
	q1.Pool.Close()
	if _, err := st.ReportID(ctx, w.Key(args)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a report was stored by the stopped worker: %v", err)
	}
	// Another worker (a fresh one, working normally) takes the job over.
	w2 := *w
	w2.beforeStore = nil
	q2, err := Open(ctx, url, queue, &w2, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer q2.Close(ctx)
	if err := q2.Client.Start(ctx); err != nil {
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
