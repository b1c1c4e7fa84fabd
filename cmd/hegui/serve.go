package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/jobs"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/server"
	"github.com/hegui/hegui/internal/store"
)

func newServeCmd(g *globals) *cobra.Command {
	var addr, data, db, blobs, tokenFile string
	var maxUpload int64
	var workers int
	var jc jobs.Config
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a dashboard of inspection results and a JSON API to scan uploads (http://127.0.0.1:8080)",
		Long: `Serve the results of scans: a dashboard (every report, with its findings by severity, in zh
or en), each report as a page, and a JSON API to upload an artifact, scan it and read its report as
JSON, SARIF or HTML (the OpenAPI document is at /openapi.json).

Results are kept in a SQLite file (--db; a batch's --out file opens here) or PostgreSQL (--db
postgres://…), uploads by content in a directory or an S3-compatible bucket (--blobs). Each upload is
a scan job on a queue in the results database (River): this process works --workers of them at
once; with PostgreSQL, "hegui worker" processes on other machines work the rest.

The server binds to the loopback interface; to listen elsewhere, give a token (--token-file, or
HEGUI_TOKEN): every request must then carry "Authorization: Bearer TOKEN".`,
		Example: `  hegui serve
  hegui serve --db results.db
  curl -s -H 'Content-Type: application/octet-stream' --data-binary @app.apk 'http://127.0.0.1:8080/api/v1/scans?name=app.apk&wait=5m'
  curl -s 'http://127.0.0.1:8080/api/v1/reports/1?format=sarif'
  hegui serve --addr 0.0.0.0:8080 --token-file token --db postgres://hegui@db/hegui --blobs 's3://hegui/uploads?endpoint=minio:9000&tls=false'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := os.Getenv("HEGUI_TOKEN")
			if tokenFile != "" {
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return usageErr("--token-file: %v", err)
				}
				token = strings.TrimSpace(string(b))
			}
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usageErr("--addr %q: %v", addr, err)
			}
			if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" && token == "" {
				return usageErr("--addr %s is reachable from other machines: give a token (--token-file or HEGUI_TOKEN)", addr)
			}
			if token != "" && len(token) < 16 {
				return usageErr("the token is shorter than 16 characters")
			}
			if db == "" {
				db = filepath.Join(data, "hegui.db")
				if err := os.MkdirAll(data, 0o700); err != nil {
					return err
				}
			}
			if workers < 1 && !isPostgres(db) {
				return usageErr("--workers 0 leaves jobs to `hegui worker`, which needs a PostgreSQL --db")
			}
			wk, err := openWork(cmd.Context(), g, db, blobs, data, workers, jc)
			if err != nil {
				return err
			}
			defer wk.st.Close()
			srv := &server.Server{Store: wk.st, Scanner: wk.sc, Blobs: wk.blobs, MaxUpload: maxUpload, ToolVersion: version,
				DataVersion: wk.dataVersion, Log: g.logger()}
			q := wk.q
			defer q.Close(context.Background())
			if workers > 0 {
				// Not the command's context: on Ctrl-C or SIGTERM, Close
				// lets running scans finish instead of cancelling them.
				if err := q.Start(context.WithoutCancel(cmd.Context())); err != nil {
					return err
				}
			}
			srv.Queue, srv.JobTimeout = q, jc.Timeout
			if token != "" {
				sum := sha256.Sum256([]byte(token))
				srv.TokenHash = sum[:] // only the hash is kept
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Minute, IdleTimeout: 2 * time.Minute}
			fmt.Fprintf(g.stderr, "hegui: serving http://%s (results %s, uploads %s)\n", ln.Addr(), redactURL(db), wk.blobs)
			stopped := make(chan struct{})
			go func() {
				defer close(stopped)
				<-cmd.Context().Done()
				// Requests in flight finish (a scan in a request may take
				// long) before the store closes.
				ctx, cancel := context.WithTimeout(context.Background(), jc.Timeout)
				defer cancel()
				hs.Shutdown(ctx)
			}()
			if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			<-stopped
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&data, "data", "hegui-data", "directory for the results file and uploads")
	f.StringVar(&db, "db", "", "SQLite results file (default DATA/hegui.db; a --batch --out file works)")
	f.StringVar(&tokenFile, "token-file", "", "file holding the API token (required beyond the loopback interface)")
	f.Int64Var(&maxUpload, "max-upload", 1<<30, "largest upload accepted, in bytes")
	f.StringVar(&blobs, "blobs", "", "where uploads are kept: a directory (default DATA/blobs) or s3://BUCKET[/PREFIX]?endpoint=HOST:PORT (shared with workers)")
	f.IntVar(&workers, "workers", 2, "scan jobs this process works at once (0, with a PostgreSQL --db: leave them to `hegui worker`)")
	jobFlags(f, &jc)
	return cmd
}

// work is what a process that works scan jobs holds: the blob store,
// the scanner, the results store and the job queue, with its worker.
type work struct {
	blobs       blob.Store
	sc          *scan.Scanner
	st          *store.DB
	q           *jobs.Queue
	dataVersion string
}

// openWork opens the blob store (--blobs, else DATA/blobs), the scanner
// and the store db, and the job queue in it with workers workers; the
// caller closes the queue, then the store.
func openWork(ctx context.Context, g *globals, db, blobs, data string, workers int, jc jobs.Config) (*work, error) {
	if jc.Timeout <= 0 {
		return nil, usageErr("--job-timeout: a positive duration such as 15m")
	}
	bs, err := blob.Open(ctx, blobs, filepath.Join(data, "blobs"))
	if err != nil {
		return nil, err
	}
	sc, st, err := scannerAndStore(ctx, g, db)
	if err != nil {
		return nil, err
	}
	w := &work{blobs: bs, sc: sc, st: st, dataVersion: dataVersionOf(sc)}
	jc.Worker = &jobs.ScanWorker{Scanner: sc, Store: st, Blobs: bs, ToolVersion: version, DataVersion: w.dataVersion}
	jc.Workers, jc.Log = workers, g.logger()
	if w.q, err = jobs.Open(ctx, st, db, jc); err != nil {
		st.Close()
		return nil, err
	}
	return w, nil
}

// jobFlags are the limits of scan jobs, the same for serve and worker.
func jobFlags(f *pflag.FlagSet, c *jobs.Config) {
	f.DurationVar(&c.Timeout, "job-timeout", jobs.Timeout, "longest scan job; a job running twice as long (at most 5 minutes more) lost its worker and is retried (give every process of a fleet the same value)")
	f.Int64Var(&c.MaxMemory, "max-memory", 0, "heap in bytes beyond which running scans are stopped and retried once (0: no guard)")
}

// redactURL hides the passwords of a database URL: the user part's and
// the password and sslpassword parameters.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return s
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// newWorkerCmd works scan jobs of a PostgreSQL queue: start as many as
// there are machines, each with the same --db and a --data directory that
// holds the uploads (a shared mount).
func newWorkerCmd(g *globals) *cobra.Command {
	var db, data, blobs string
	var workers int
	var jc jobs.Config
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Work scan jobs from a PostgreSQL queue (hegui serve --db postgres://… enqueues them)",
		Long: `Work the scan jobs that hegui serve puts on its PostgreSQL queue (River): each job scans an
uploaded artifact from the blob store the server keeps uploads in (--blobs: a shared directory or an
S3-compatible bucket) and writes its report in the same transaction that completes the job. A job
that fails is retried with backoff; a job whose worker stopped is taken over by another.`,
		Example: `  hegui worker --db postgres://hegui@db/hegui --blobs /mnt/hegui-data/blobs
  AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… hegui worker --db postgres://hegui@db/hegui --blobs 's3://hegui/uploads?endpoint=minio:9000&tls=false'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !isPostgres(db) {
				return usageErr("--db: a postgres:// URL (the queue lives in PostgreSQL)")
			}
			if workers < 1 {
				return usageErr("--workers: at least 1")
			}
			wk, err := openWork(cmd.Context(), g, db, blobs, data, workers, jc)
			if err != nil {
				return err
			}
			defer wk.st.Close()
			q := wk.q
			if err := q.Start(context.WithoutCancel(cmd.Context())); err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "hegui: working scan jobs, %d at a time\n", workers)
			<-cmd.Context().Done()
			ctx, cancel := context.WithTimeout(context.Background(), jc.Timeout)
			defer cancel()
			q.Close(ctx)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "the PostgreSQL database of the queue and the results (postgres://…)")
	f.StringVar(&data, "data", "hegui-data", "the server's data directory (uploads in DATA/blobs unless --blobs)")
	f.StringVar(&blobs, "blobs", "", "where the server keeps uploads: a shared directory or s3://BUCKET[/PREFIX]?endpoint=HOST:PORT")
	f.IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "jobs worked at once")
	jobFlags(f, &jc)
	return cmd
}

// scannerAndStore loads the scanner and opens the results store.
func scannerAndStore(ctx context.Context, g *globals, db string) (*scan.Scanner, *store.DB, error) {
	sc, err := loadEnv(g, nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	return sc, st, nil
}
