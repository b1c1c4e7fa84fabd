package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/blob/s3test"
	"github.com/hegui/hegui/internal/jobs"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/store/pgtest"
)

// A worker process killed (SIGKILL) in the middle of a job loses
// nothing: another worker process takes the job over once it is
// overdue, and its report is stored exactly once. The uploads are in an
// S3-compatible bucket whose downloads the test holds back, so the first
// worker is surely inside the job when it dies.
func TestKilledWorkerLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hegui and runs two worker processes")
	}
	url := pgtest.URL(t)
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "hegui")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The bucket: downloads of artifacts wait at the gate.
	gate := make(chan struct{})
	var downloads atomic.Int32
	spec := s3test.URL(t, "uploads", "fleet", func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".apk") {
				downloads.Add(1)
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
			}
			fake.ServeHTTP(w, r)
		})
	})
	bs, err := blob.Open(ctx, spec, "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../testdata/apks/leaky.apk")
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := blob.Put(ctx, bs, f, ".apk", 1<<20)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}

	// The job, put on the queue as `hegui serve --workers 0` would.
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q, err := jobs.Open(ctx, st, url, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close(ctx)
	id, err := q.Enqueue(ctx, jobs.ScanArgs{SHA256: sum, Ext: ".apk", Name: "leaky.apk", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}

	worker := func(name string) *exec.Cmd {
		cmd := exec.Command(bin, "worker", "--db", url, "--blobs", spec, "--workers", "1", "--job-timeout", "3s")
		log, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			if t.Failed() {
				b, _ := os.ReadFile(log.Name())
				t.Logf("%s:\n%s", name, b)
			}
		})
		return cmd
	}
	first := worker("first")
	for deadline := time.Now().Add(60 * time.Second); downloads.Load() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first worker never took the job")
		}
	}
	if state, _, _, err := q.State(ctx, id); err != nil || state != "running" {
		t.Fatalf("job %d is %q (%v) while its artifact downloads", id, state, err)
	}
	if err := first.Process.Kill(); err != nil { // SIGKILL: no goodbye
		t.Fatal(err)
	}
	first.Wait()
	close(gate)

	worker("second")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		state, _, last, err := q.State(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if state == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (last error %q) two minutes after its worker died", id, state, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var reports, attempt, workers int
	db := st.SQL()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE artifact_sha256 = $1`, sum).Scan(&reports); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT attempt, COALESCE(array_length(attempted_by, 1), 0) FROM river_job WHERE id = $1`, id).Scan(&attempt, &workers); err != nil {
		t.Fatal(err)
	}
	if reports != 1 || attempt != 2 || workers != 2 {
		t.Errorf("%d reports, attempt %d, %d workers; want 1 report, the second attempt, by two workers", reports, attempt, workers)
	}
}

// Database URLs are printed without their passwords, wherever they are.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://hegui:s3cret@db/hegui":                          "postgres://hegui:xxxxx@db/hegui",
		"postgres://hegui@db/hegui?password=s3cret&sslmode=require": "postgres://hegui@db/hegui?password=xxxxx&sslmode=require",
		"postgres://db/hegui?sslpassword=s3cret":                    "postgres://db/hegui?sslpassword=xxxxx",
		"results.db":                                                "results.db",
	} {
		if got := redactURL(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
