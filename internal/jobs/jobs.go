// Package jobs runs scans as jobs on River (riverqueue), a job queue on
// PostgreSQL: a job is "scan the artifact with this SHA-256 for this
// language"; it is retried with backoff when it fails, rescued when the
// worker that held it died, and its report is written in the same
// transaction that completes it, so a result is stored exactly once.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
)

// ScanArgs is one scan job: the artifact by content (kept in the blob
// directory as SHA256+Ext), the name to show, and the report's language.
// Jobs with the same artifact and language are one job.
type ScanArgs struct {
	SHA256 string `json:"sha256" river:"unique"`
	Ext    string `json:"ext" river:"unique"` // a policy is read by its extension
	Name   string `json:"name"`
	Lang   string `json:"lang" river:"unique"`
}

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return "hegui_scan" }

// Timeout bounds one scan job.
const Timeout = 15 * time.Minute

// ScanWorker scans an artifact of the blob directory and stores its
// report.
type ScanWorker struct {
	river.WorkerDefaults[ScanArgs]
	Scanner                  *scan.Scanner
	Store                    *store.DB
	Pool                     *pgxpool.Pool
	Blobs                    string
	ToolVersion, DataVersion string
	// beforeStore, when set (tests), runs after the scan and before the
	// result is written.
	beforeStore func(ctx context.Context, job *river.Job[ScanArgs]) error
}

var (
	shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)
	extRE = regexp.MustCompile(`^(\.[a-z0-9]{1,7})?$`)
)

// Timeout implements river.Worker.
func (w *ScanWorker) Timeout(*river.Job[ScanArgs]) time.Duration { return Timeout }

// Key is where a job's report is stored.
func (w *ScanWorker) Key(a ScanArgs) store.Key {
	return StoreKey(a, w.ToolVersion, w.DataVersion)
}

// StoreKey is where the report of a job's scan is stored: the same bytes
// read as another kind (policy.html, policy.txt) or in another language
// are another report.
func StoreKey(a ScanArgs, toolVersion, dataVersion string) store.Key {
	return store.Key{SHA256: a.SHA256, ToolVersion: toolVersion, DataVersion: dataVersion + "/" + a.Lang + "/" + a.Ext}
}

// Work implements river.Worker.
func (w *ScanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	a := job.Args
	if !shaRE.MatchString(a.SHA256) || !extRE.MatchString(a.Ext) {
		return river.JobCancel(fmt.Errorf("bad job: %q%q", a.SHA256, a.Ext))
	}
	blob := filepath.Join(w.Blobs, a.SHA256[:2], a.SHA256+a.Ext)
	if _, err := os.Stat(blob); err != nil {
		// The shared uploads directory may not be mounted yet: retry.
		return fmt.Errorf("upload %s not in this worker's uploads directory", a.SHA256[:12])
	}
	out, err := w.Scanner.Run(ctx, scan.Request{Inputs: []string{blob}, Lang: a.Lang, Workers: 1})
	if err != nil {
		var ce *scan.ConfigError
		if errors.As(err, &ce) {
			return river.JobCancel(err) // retrying cannot help
		}
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	k := w.Key(a)
	if len(out.Reports) == 0 {
		msg := "no report"
		if len(out.Failed) > 0 {
			msg = out.Failed[0].Err
		}
		if err := w.Store.Fail(ctx, store.Failure{Key: k, Path: a.Name, Error: msg}); err != nil {
			return err
		}
		return river.JobCancel(errors.New(msg))
	}
	rep := out.Reports[0]
	rep.Target.Path = a.Name
	if w.beforeStore != nil {
		if err := w.beforeStore(ctx, job); err != nil {
			return err
		}
	}
	tx, err := w.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := w.Store.PutPgx(ctx, tx, k, rep); err != nil {
		return err
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Queue is the job queue of one process: it inserts jobs and, with
// workers, works them.
type Queue struct {
	Pool   *pgxpool.Pool
	Client *river.Client[pgx.Tx]
	name   string
}

// DefaultQueue is the queue scan jobs go to.
const DefaultQueue = river.QueueDefault

// Open connects to PostgreSQL, applies River's migrations, and returns
// the named queue (DefaultQueue; tests use their own); with workers > 0,
// w works up to that many of its jobs at once once Start is called.
func Open(ctx context.Context, url, queue string, w *ScanWorker, workers int, log *slog.Logger) (*Queue, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	if err := migrateQueue(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	cfg := &river.Config{Logger: log, JobTimeout: Timeout, RescueStuckJobsAfter: Timeout + 5*time.Minute, MaxAttempts: 5}
	if workers > 0 && w != nil {
		w.Pool = pool
		ws := river.NewWorkers()
		river.AddWorker(ws, w)
		cfg.Workers = ws
		cfg.Queues = map[string]river.QueueConfig{queue: {MaxWorkers: workers}}
	}
	c, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Queue{Pool: pool, Client: c, name: queue}, nil
}

// Enqueue inserts a scan job (an identical job already waiting or
// running is returned instead).
func (q *Queue) Enqueue(ctx context.Context, a ScanArgs) (int64, error) {
	res, err := q.Client.Insert(ctx, a, &river.InsertOpts{Queue: q.name, UniqueOpts: river.UniqueOpts{ByArgs: true, ByQueue: true}})
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// State returns a job's state (available, running, retryable, completed,
// cancelled, discarded…), its arguments and its last error.
func (q *Queue) State(ctx context.Context, id int64) (string, ScanArgs, string, error) {
	row, err := q.Client.JobGet(ctx, id)
	if err != nil {
		return "", ScanArgs{}, "", err
	}
	var a ScanArgs
	if err := unmarshalArgs(row.EncodedArgs, &a); err != nil {
		return "", a, "", err
	}
	last := ""
	if n := len(row.Errors); n > 0 {
		last = row.Errors[n-1].Error
	}
	return string(row.State), a, last, nil
}

// Close stops the workers (waiting for running jobs) and the pool.
func (q *Queue) Close(ctx context.Context) {
	q.Client.Stop(ctx)
	q.Pool.Close()
}

func unmarshalArgs(b []byte, a *ScanArgs) error {
	if err := json.Unmarshal(b, a); err != nil {
		return fmt.Errorf("job args: %w", err)
	}
	return nil
}

// migrateQueue applies River's migrations, one process at a time (an
// advisory lock held on one connection): workers start together.
func migrateQueue(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7216311)`); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(7216311)`)
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	return nil
}
