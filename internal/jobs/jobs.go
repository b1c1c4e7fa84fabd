// Package jobs runs scans as jobs on River (riverqueue), a job queue in
// the results database itself, PostgreSQL for fleets or the SQLite file
// of one machine: a job is "scan the artifact with this SHA-256 for this
// language"; it is retried with backoff when it fails, rescued when the
// worker that held it died, and its report is written in the same
// transaction that completes it, so a result is stored exactly once.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
)

// ScanArgs is one scan job: the artifact by content (kept in the blob
// store as SHA256+Ext), the name to show, the report's language, and the
// hegui and data versions that are to scan it. Jobs with the same
// artifact, language and versions are one job; after an upgrade the same
// upload is a new job.
type ScanArgs struct {
	SHA256 string `json:"sha256" river:"unique"`
	Ext    string `json:"ext" river:"unique"` // a policy is read by its extension
	Name   string `json:"name"`
	Lang   string `json:"lang" river:"unique"`
	Tool   string `json:"tool,omitempty" river:"unique"`
	Data   string `json:"data,omitempty" river:"unique"`
}

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return "hegui_scan" }

// Timeout is the default bound of one scan job.
const Timeout = 15 * time.Minute

// ScanWorker scans an artifact of the blob store and stores its report.
type ScanWorker struct {
	river.WorkerDefaults[ScanArgs]
	Scanner                  *scan.Scanner
	Store                    *store.DB
	Blobs                    blob.Store
	ToolVersion, DataVersion string
	// timeout bounds one job (Timeout when zero); set by Open.
	timeout time.Duration
	// complete writes the report and completes the job in one
	// transaction; set by Open for its database.
	complete func(ctx context.Context, k store.Key, rep *report.Report, job *river.Job[ScanArgs]) error
	guard    *memGuard
	logger   *slog.Logger
	// shared: other worker processes take jobs from the same queue
	// (PostgreSQL).
	shared bool
	// beforeStore, when set (tests), runs after the scan and before the
	// result is written.
	beforeStore func(ctx context.Context, job *river.Job[ScanArgs]) error
}

func (w *ScanWorker) log() *slog.Logger {
	if w.logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.logger
}

// Timeout implements river.Worker.
func (w *ScanWorker) Timeout(*river.Job[ScanArgs]) time.Duration {
	if w.timeout > 0 {
		return w.timeout
	}
	return Timeout
}

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

// The causes of jobs the memory guard stops: errMemoryAlone when the job
// ran alone (its artifact is the cause: it fails), errMemory when others
// ran beside it (it is retried).
var (
	errMemory      = errors.New("stopped with the other scans when the worker's memory guard was exceeded")
	errMemoryAlone = errors.New("the scan alone held more memory than the worker's memory guard allows (--max-memory)")
)

// versionWait is how long a job for another hegui version waits for a
// worker of that version before it is cancelled.
const versionWait = 30 * time.Minute

// Work implements river.Worker.
func (w *ScanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	a := job.Args
	if _, err := blob.Key(a.SHA256, a.Ext); err != nil {
		return river.JobCancel(fmt.Errorf("bad job: %w", err))
	}
	if a.Tool != "" && (a.Tool != w.ToolVersion || a.Data != w.DataVersion) {
		// A fleet in the middle of an upgrade: a worker of the version
		// asked for may take it, for a while; a worker alone (SQLite)
		// knows none will.
		msg := fmt.Sprintf("the job is for hegui %s (data %s), this worker is %s (data %s): upload again to scan it with this one",
			a.Tool, a.Data, w.ToolVersion, w.DataVersion)
		if !w.shared || time.Since(job.CreatedAt) > versionWait {
			return river.JobCancel(errors.New(msg))
		}
		w.log().Warn("scan job for another hegui version: left for a matching worker", "job", job.ID, "wants", a.Tool, "data", a.Data, "this", w.ToolVersion)
		return river.JobSnooze(time.Minute)
	}
	if w.guard != nil {
		// A scan stopped last time with others beside it runs alone this
		// time: then the guard knows whose memory it is.
		alone := false
		if n := len(job.Errors); n > 0 {
			alone = job.Errors[n-1].Error == errMemory.Error()
		}
		leave, err := w.guard.enter(ctx, alone)
		if err != nil {
			return err
		}
		defer leave()
		var done func()
		ctx, done = w.guard.watch(ctx)
		defer done()
	}
	path, release, err := w.Blobs.Fetch(ctx, a.SHA256, a.Ext)
	if err != nil {
		// The store may not be reachable or mounted yet: retried.
		return fmt.Errorf("upload %s: %w", a.SHA256[:12], err)
	}
	defer release()
	out, err := w.Scanner.Run(ctx, scan.Request{Inputs: []string{path}, Lang: a.Lang, Workers: 1})
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	k := w.Key(a)
	if err != nil {
		return w.failed(ctx, job, k, err)
	}
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
			return w.failed(ctx, job, k, err)
		}
	}
	return w.complete(ctx, k, rep, job)
}

// failed decides what a scan's error means for its job: cancelled when
// retrying cannot help (bad options; over the memory guard while it ran
// alone, which is then the artifact's fault and recorded as its
// failure), else retried.
func (w *ScanWorker) failed(ctx context.Context, job *river.Job[ScanArgs], k store.Key, err error) error {
	var ce *scan.ConfigError
	switch cause := context.Cause(ctx); {
	case errors.As(err, &ce):
		return river.JobCancel(err)
	case errors.Is(cause, errMemoryAlone):
		if err := w.Store.Fail(context.WithoutCancel(ctx), store.Failure{Key: k, Path: job.Args.Name, Error: errMemoryAlone.Error()}); err != nil {
			return err
		}
		return river.JobCancel(errMemoryAlone)
	case cause != nil:
		return cause
	}
	return err
}

// Queue is the job queue of one process: it inserts jobs and, with
// workers, works them.
type Queue struct {
	name   string
	insert func(context.Context, ScanArgs, *river.InsertOpts) (*rivertype.JobInsertResult, error)
	get    func(context.Context, int64) (*rivertype.JobRow, error)
	start  func(context.Context) error
	stop   func(context.Context) error
	abort  func(context.Context) error
	close  func()
	guard  *memGuard
	// stopGuard ends the memory guard's sampling.
	stopGuard context.CancelFunc
}

// DefaultQueue is the queue scan jobs go to.
const DefaultQueue = river.QueueDefault

// Config is how Open sets up a queue.
type Config struct {
	// Queue is the queue's name (DefaultQueue when empty).
	Queue string
	// Worker, with Workers > 0, works up to Workers jobs at once once
	// Start is called; without them the queue only inserts jobs.
	Worker  *ScanWorker
	Workers int
	// Timeout bounds one job (Timeout when zero). A job running twice as
	// long (at most Timeout plus 5 minutes) is taken to have lost its
	// worker and is retried.
	Timeout time.Duration
	// MaxMemory, when positive, is the live heap (bytes, measured after a
	// collection) beyond which the running jobs are stopped: a job that
	// ran alone fails (its artifact is the cause), jobs that ran together
	// are retried.
	MaxMemory int64
	Log       *slog.Logger
}

// Open sets up the job queue in the store's database: River's tables are
// migrated in it (PostgreSQL, or the SQLite file itself), so a report and
// its job's completion are one transaction. db is the store's name
// (store.Open's argument).
func Open(ctx context.Context, st *store.DB, db string, c Config) (*Queue, error) {
	if c.Queue == "" {
		c.Queue = DefaultQueue
	}
	if c.Timeout <= 0 {
		c.Timeout = Timeout
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	cfg := &river.Config{Logger: c.Log, JobTimeout: c.Timeout, RescueStuckJobsAfter: c.Timeout + min(c.Timeout, 5*time.Minute), MaxAttempts: 5,
		// A worker fetches again as soon as a scan ends: River's default
		// pause of 100 ms between fetches would cap a one-job worker at
		// ten small apps a second. Idle workers still poll once a second.
		FetchCooldown: 5 * time.Millisecond}
	var guard *memGuard
	if c.Workers > 0 && c.Worker != nil {
		c.Worker.timeout, c.Worker.logger = c.Timeout, c.Log
		if c.MaxMemory > 0 {
			guard = &memGuard{limit: c.MaxMemory, log: c.Log, running: map[*int]context.CancelCauseFunc{}}
			c.Worker.guard = guard
		}
		ws := river.NewWorkers()
		river.AddWorker(ws, c.Worker)
		cfg.Workers = ws
		cfg.Queues = map[string]river.QueueConfig{c.Queue: {MaxWorkers: c.Workers}}
	}
	var q *Queue
	var err error
	if st.Postgres() {
		if c.Worker != nil {
			c.Worker.shared = true
		}
		q, err = openPostgres(ctx, db, cfg, c.Worker)
	} else {
		q, err = openSQLite(ctx, st, cfg, c.Worker)
	}
	if err != nil {
		return nil, err
	}
	q.name, q.guard = c.Queue, guard
	return q, nil
}

func openPostgres(ctx context.Context, url string, cfg *river.Config, w *ScanWorker) (*Queue, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	if err := migrateQueue(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	c, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if w != nil {
		w.complete = func(ctx context.Context, k store.Key, rep *report.Report, job *river.Job[ScanArgs]) error {
			tx, err := pool.Begin(ctx)
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
	}
	return newQueue[pgx.Tx](c, pool.Close), nil
}

// openSQLite runs River in the store's own SQLite file, on the store's
// connections (writes wait for each other: busy timeout, immediate
// transactions), polling for jobs: one machine, no listener.
func openSQLite(ctx context.Context, st *store.DB, cfg *river.Config, w *ScanWorker) (*Queue, error) {
	db := st.SQL()
	m, err := rivermigrate.New(riversqlite.New(db), nil)
	if err != nil {
		return nil, err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	cfg.PollOnly = true
	cfg.FetchPollInterval = 250 * time.Millisecond
	c, err := river.NewClient(riversqlite.New(db), cfg)
	if err != nil {
		return nil, err
	}
	if w != nil {
		w.complete = func(ctx context.Context, k store.Key, rep *report.Report, job *river.Job[ScanArgs]) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if err := w.Store.PutTx(ctx, tx, k, rep); err != nil {
				return err
			}
			if _, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job); err != nil {
				return err
			}
			return tx.Commit()
		}
	}
	return newQueue[*sql.Tx](c, func() {}), nil
}

func newQueue[TTx any](c *river.Client[TTx], closePool func()) *Queue {
	return &Queue{
		insert: func(ctx context.Context, a ScanArgs, o *river.InsertOpts) (*rivertype.JobInsertResult, error) {
			return c.Insert(ctx, a, o)
		},
		get:   c.JobGet,
		start: c.Start,
		stop:  c.Stop,
		abort: c.StopAndCancel,
		close: closePool,
	}
}

// Start starts working jobs (when the queue has workers) until Close.
// ctx should outlive requests: cancelling it cancels running scans.
func (q *Queue) Start(ctx context.Context) error {
	if q.guard != nil {
		gctx, stop := context.WithCancel(ctx)
		q.stopGuard = stop
		go q.guard.run(gctx)
	}
	return q.start(ctx)
}

// Enqueue inserts a scan job (an identical job already waiting or
// running is returned instead).
func (q *Queue) Enqueue(ctx context.Context, a ScanArgs) (int64, error) {
	res, err := q.insert(ctx, a, &river.InsertOpts{Queue: q.name, UniqueOpts: river.UniqueOpts{ByArgs: true, ByQueue: true}})
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// ErrNoJob is returned by State for a job the queue does not hold.
var ErrNoJob = errors.New("no such job")

// State returns a job's state (available, running, retryable, completed,
// cancelled, discarded…), its arguments and its last error.
func (q *Queue) State(ctx context.Context, id int64) (string, ScanArgs, string, error) {
	row, err := q.get(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		return "", ScanArgs{}, "", fmt.Errorf("job %d: %w", id, ErrNoJob)
	}
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

// Close stops the workers (waiting for running jobs until ctx ends) and
// closes the queue's connections.
func (q *Queue) Close(ctx context.Context) {
	q.stop(ctx)
	q.close()
	if q.stopGuard != nil {
		q.stopGuard()
	}
}

// Abort stops the workers at once, cancelling running jobs (they are
// retried later), and closes the queue's connections.
func (q *Queue) Abort(ctx context.Context) {
	q.abort(ctx)
	q.close()
	if q.stopGuard != nil {
		q.stopGuard()
	}
}

// memGuard stops the running jobs when the heap grows beyond its limit:
// one artifact built to exhaust memory must not take the worker, and
// the jobs beside it, down.
type memGuard struct {
	limit   int64
	log     *slog.Logger
	mu      sync.Mutex
	running map[*int]context.CancelCauseFunc
	// solo is held shared by scans and exclusively by a scan that must
	// run alone.
	solo sync.RWMutex
}

// enter waits for a scan's turn: beside others, or alone; leave ends it.
func (g *memGuard) enter(ctx context.Context, alone bool) (leave func(), err error) {
	lock, unlock := g.solo.RLock, g.solo.RUnlock
	if alone {
		lock, unlock = g.solo.Lock, g.solo.Unlock
	}
	got := make(chan struct{})
	go func() { lock(); close(got) }()
	select {
	case <-got:
		return unlock, nil
	case <-ctx.Done():
		go func() { <-got; unlock() }() // the turn came too late
		return nil, ctx.Err()
	}
}

// watch registers a job's context; done unregisters it.
func (g *memGuard) watch(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	key := new(int)
	g.mu.Lock()
	g.running[key] = cancel
	g.mu.Unlock()
	return ctx, func() {
		g.mu.Lock()
		delete(g.running, key)
		g.mu.Unlock()
		cancel(nil)
	}
}

// over samples the heap and tells whether it is past the limit.
func (g *memGuard) over(sample []metrics.Sample) bool {
	metrics.Read(sample)
	return sample[0].Value.Kind() == metrics.KindUint64 && int64(sample[0].Value.Uint64()) > g.limit
}

// run samples the heap four times a second until ctx ends.
func (g *memGuard) run(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !g.over(sample) {
			continue
		}
		// Garbage counts in the heap until a collection: only what is
		// still live after one is the scans'.
		runtime.GC()
		if !g.over(sample) {
			continue
		}
		g.mu.Lock()
		n := len(g.running)
		cause := errMemory
		if n == 1 {
			cause = errMemoryAlone
		}
		for _, cancel := range g.running {
			cancel(cause)
		}
		g.mu.Unlock()
		if n > 0 {
			g.log.Warn("memory guard: running scans stopped", "heap_bytes", sample[0].Value.Uint64(), "limit", g.limit, "jobs", n)
			runtime.GC() // the next sample sees what the stopped scans leave
		}
	}
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
