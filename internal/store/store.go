// Package store keeps scan results: each report whole (the JSON contract)
// and, beside it, its findings, SDKs and PI types as rows to query. One
// interface, backed by an embedded SQLite file (the default, pure Go:
// modernc.org/sqlite); migrations are versioned and applied on open.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver

	"github.com/hegui/hegui/internal/report"
)

// Key names one result: the same artifact scanned by the same hegui with
// the same reference data and rules gives the same report, so it is
// stored once.
type Key struct {
	SHA256      string
	ToolVersion string
	DataVersion string
}

// Failure is an input that gave no report.
type Failure struct {
	Key
	Path  string
	Error string
}

// Store keeps reports.
type Store interface {
	// Has tells whether a report or a failure is stored under key.
	Has(ctx context.Context, k Key) (bool, error)
	// Put stores a report under key (once: a second Put is a no-op).
	Put(ctx context.Context, k Key, r *report.Report) error
	// Fail records an input that gave no report.
	Fail(ctx context.Context, f Failure) error
	// Summary counts what the stored reports hold.
	Summary(ctx context.Context) (Summary, error)
	// Reports lists stored reports, newest first.
	Reports(ctx context.Context, limit, offset int) ([]Row, error)
	// Report returns one stored report: its row and its JSON document.
	Report(ctx context.Context, id int64) (Row, []byte, error)
	Close() error
}

// Row is a stored report's identity and counts.
type Row struct {
	ID            int64          `json:"id"`
	SHA256        string         `json:"sha256"`
	Path          string         `json:"path"`
	Kind          string         `json:"kind"`
	TargetID      string         `json:"target_id"`
	TargetName    string         `json:"target_name"`
	TargetVersion string         `json:"target_version"`
	Worst         string         `json:"worst"`
	Created       string         `json:"created_at"`
	BySeverity    map[string]int `json:"findings"`
}

// ErrNotFound is returned for a report that is not stored.
var ErrNotFound = errors.New("no such report")

// Summary is what a batch of reports comes to.
type Summary struct {
	Reports    int
	Failures   int
	BySeverity map[string]int
	TopRules   []Count
	TopSDKs    []Count
}

// Count is a name with how many reports hold it.
type Count struct {
	Name string
	N    int
}

// migrations are applied in order, each once, in one transaction each.
var migrations = []string{
	`CREATE TABLE reports (
		id INTEGER PRIMARY KEY,
		artifact_sha256 TEXT NOT NULL,
		tool_version TEXT NOT NULL,
		data_version TEXT NOT NULL,
		path TEXT NOT NULL,
		kind TEXT NOT NULL,
		target_id TEXT NOT NULL,
		target_name TEXT NOT NULL,
		target_version TEXT NOT NULL,
		worst TEXT NOT NULL,
		created_at TEXT NOT NULL,
		report_json TEXT NOT NULL,
		UNIQUE (artifact_sha256, tool_version, data_version)
	);
	CREATE TABLE findings (
		report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
		rule_id TEXT NOT NULL,
		severity TEXT NOT NULL,
		subject TEXT NOT NULL,
		fingerprint TEXT NOT NULL,
		suppressed INTEGER NOT NULL
	);
	CREATE INDEX findings_rule ON findings(rule_id);
	CREATE INDEX findings_report ON findings(report_id);
	CREATE TABLE sdks (
		report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
		sdk_id TEXT NOT NULL,
		name TEXT NOT NULL
	);
	CREATE INDEX sdks_report ON sdks(report_id);
	CREATE TABLE data_types (
		report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		level TEXT NOT NULL
	);
	CREATE INDEX data_types_report ON data_types(report_id);
	CREATE TABLE failures (
		artifact_sha256 TEXT NOT NULL,
		tool_version TEXT NOT NULL,
		data_version TEXT NOT NULL,
		path TEXT NOT NULL,
		error TEXT NOT NULL,
		UNIQUE (artifact_sha256, tool_version, data_version)
	);`,
	`CREATE TABLE campaigns (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		deadline TEXT NOT NULL,
		created_at TEXT NOT NULL
	);
	CREATE TABLE campaign_reports (
		campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
		report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
		UNIQUE (campaign_id, report_id)
	);`,
}

// DB is a store in a SQL database: an embedded SQLite file or
// PostgreSQL (the same tables; queries are written once, with ?
// placeholders numbered for PostgreSQL).
type DB struct {
	db       *sql.DB
	postgres bool
}

// q adapts a query to the database: PostgreSQL numbers its placeholders.
func (s *DB) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// OpenSQLite opens (creating it if needed) the store in file and applies
// the migrations it lacks.
func OpenSQLite(ctx context.Context, file string) (*DB, error) {
	// Transactions take the write lock when they begin (_txlock=immediate):
	// two processes migrating one file do it one after the other.
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	s := &DB{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// OpenPostgres opens the store in a PostgreSQL database (a URL such as
// postgres://user:pass@host/db) and applies the migrations it lacks.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &DB{db: db, postgres: true}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

// Open opens a store by name: a postgres:// or postgresql:// URL, else a
// SQLite file.
func Open(ctx context.Context, name string) (*DB, error) {
	if strings.HasPrefix(name, "postgres://") || strings.HasPrefix(name, "postgresql://") {
		return OpenPostgres(ctx, name)
	}
	return OpenSQLite(ctx, name)
}

// migrate applies the migrations a database lacks, recording each; each
// runs in a transaction, statement by statement.
func (s *DB) migrate(ctx context.Context) error {
	db := s.db
	if s.postgres {
		// One migrator at a time (several workers may start together):
		// a session lock, held on one connection of the pool.
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7216310)`); err != nil {
			return err
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7216310)`)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("the database is at schema version %d, newer than this hegui knows (%d): use a newer hegui", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Another process may have applied it meanwhile.
		var now int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&now); err != nil {
			tx.Rollback()
			return fmt.Errorf("schema version: %w", err)
		}
		if now >= v {
			tx.Rollback()
			continue
		}
		for _, stmt := range strings.Split(migrations[v-1], ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if s.postgres {
				stmt = strings.ReplaceAll(stmt, "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	return nil
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// Has implements Store.
func (s *DB) Has(ctx context.Context, k Key) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT (SELECT COUNT(*) FROM reports WHERE artifact_sha256 = ? AND tool_version = ? AND data_version = ?)
		+ (SELECT COUNT(*) FROM failures WHERE artifact_sha256 = ? AND tool_version = ? AND data_version = ?)`),
		k.SHA256, k.ToolVersion, k.DataVersion, k.SHA256, k.ToolVersion, k.DataVersion).Scan(&n)
	return n > 0, err
}

// Put implements Store: the report and its rows in one transaction.
func (s *DB) Put(ctx context.Context, k Key, r *report.Report) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.put(ctx, sqlTx{tx}, k, r); err != nil {
		return err
	}
	return tx.Commit()
}

// PutTx stores a report inside a transaction of the store's own SQLite
// database (SQL's pool): a job queue in the same file completes its job
// in that transaction.
func (s *DB) PutTx(ctx context.Context, tx *sql.Tx, k Key, r *report.Report) error {
	if s.postgres {
		return errors.New("PutTx: the store is PostgreSQL (PutPgx)")
	}
	return s.put(ctx, sqlTx{tx}, k, r)
}

// Postgres reports whether the store is in PostgreSQL.
func (s *DB) Postgres() bool { return s.postgres }

// SQL is the store's connection pool (a job queue in the same SQLite
// file shares it, so its transactions and the store's wait for each
// other instead of failing).
func (s *DB) SQL() *sql.DB { return s.db }

// PutPgx stores a report inside a pgx transaction of the same PostgreSQL
// database (a job queue completes its job in that transaction, so a
// result is written exactly once with the job's completion).
func (s *DB) PutPgx(ctx context.Context, tx pgx.Tx, k Key, r *report.Report) error {
	if !s.postgres {
		return errors.New("PutPgx: the store is not PostgreSQL")
	}
	return s.put(ctx, pgxTx{tx}, k, r)
}

// txn is what put needs of a transaction, database/sql's or pgx's.
type txn interface {
	exec(ctx context.Context, q string, args ...any) error
	// queryRow scans one row into dest; no row is sql.ErrNoRows.
	queryRow(ctx context.Context, q string, args []any, dest ...any) error
}

type sqlTx struct{ tx *sql.Tx }

func (t sqlTx) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, q, args...)
	return err
}

func (t sqlTx) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	return t.tx.QueryRowContext(ctx, q, args...).Scan(dest...)
}

type pgxTx struct{ tx pgx.Tx }

func (t pgxTx) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.Exec(ctx, q, args...)
	return err
}

func (t pgxTx) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	err := t.tx.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// put writes a report and its rows in tx; a report stored before under
// the same key is left as it is.
func (s *DB) put(ctx context.Context, tx txn, k Key, r *report.Report) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	t := r.Target
	var id int64
	err = tx.queryRow(ctx, s.q(`INSERT INTO reports (artifact_sha256, tool_version, data_version, path, kind, target_id, target_name, target_version, worst, created_at, report_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`),
		[]any{k.SHA256, k.ToolVersion, k.DataVersion, t.Path, t.Kind, t.ID, t.Name, t.Version, worst(r), time.Now().UTC().Format(time.RFC3339), string(doc)}, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // stored before
	}
	if err != nil {
		return fmt.Errorf("store report: %w", err)
	}
	for _, f := range r.Findings {
		if err := tx.exec(ctx, s.q(`INSERT INTO findings (report_id, rule_id, severity, subject, fingerprint, suppressed) VALUES (?, ?, ?, ?, ?, ?)`),
			id, f.RuleID, f.Severity, f.Subject, f.Fingerprint, boolInt(f.Suppressed != nil)); err != nil {
			return fmt.Errorf("store finding: %w", err)
		}
	}
	for _, sdk := range r.SDKs {
		if err := tx.exec(ctx, s.q(`INSERT INTO sdks (report_id, sdk_id, name) VALUES (?, ?, ?)`), id, sdk.ID, sdk.Name); err != nil {
			return fmt.Errorf("store sdk: %w", err)
		}
	}
	for _, d := range r.DataTypes {
		if err := tx.exec(ctx, s.q(`INSERT INTO data_types (report_id, key, level) VALUES (?, ?, ?)`), id, d.Key, d.Level); err != nil {
			return fmt.Errorf("store data type: %w", err)
		}
	}
	return nil
}

// ReportID returns the id of the report stored under k.
func (s *DB) ReportID(ctx context.Context, k Key) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM reports WHERE artifact_sha256 = ? AND tool_version = ? AND data_version = ?`),
		k.SHA256, k.ToolVersion, k.DataVersion).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// Fail implements Store.
func (s *DB) Fail(ctx context.Context, f Failure) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO failures (artifact_sha256, tool_version, data_version, path, error) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		f.SHA256, f.ToolVersion, f.DataVersion, f.Path, f.Error)
	if err != nil {
		return fmt.Errorf("store failure: %w", err)
	}
	return nil
}

// Summary implements Store.
func (s *DB) Summary(ctx context.Context) (Summary, error) {
	sum := Summary{BySeverity: map[string]int{}}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&sum.Reports); err != nil {
		return sum, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM failures`).Scan(&sum.Failures); err != nil {
		return sum, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT severity, COUNT(*) FROM findings WHERE suppressed = 0 GROUP BY severity`)
	if err != nil {
		return sum, err
	}
	for rows.Next() {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			rows.Close()
			return sum, err
		}
		sum.BySeverity[sev] = n
	}
	rows.Close()
	if sum.TopRules, err = s.top(ctx, `SELECT rule_id, COUNT(DISTINCT report_id) FROM findings WHERE suppressed = 0 GROUP BY rule_id`); err != nil {
		return sum, err
	}
	if sum.TopSDKs, err = s.top(ctx, `SELECT name, COUNT(DISTINCT report_id) FROM sdks GROUP BY name`); err != nil {
		return sum, err
	}
	return sum, nil
}

// top runs a name/count query and keeps the ten largest.
func (s *DB) top(ctx context.Context, q string) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Name, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > 10 {
		out = out[:10]
	}
	return out, rows.Err()
}

// worst is a report's highest open severity ("" for none).
func worst(r *report.Report) string {
	for _, s := range []string{"critical", "high", "medium", "low", "info"} {
		if r.Summary.Findings[s] > 0 {
			return s
		}
	}
	return ""
}

// Query selects reports (and their findings): every field left empty
// matches all.
type Query struct {
	Limit, Offset int
	// Rule and Severity select reports with an open finding of the rule
	// at or above the severity (both: the same finding).
	Rule, Severity string
	Kind           string // apk, policy, traffic…
	// Target is a part of the target's id, name or file name (any case).
	Target   string
	SDK      string // an SDK id
	DataType string // a PI type key
	Campaign int64
}

// Validate reports a query no listing can answer (an unknown severity).
func (q Query) Validate() error {
	_, err := severitiesFrom(q.Severity)
	return err
}

// severitiesFrom is a severity and those above it ("" for all).
func severitiesFrom(sev string) ([]string, error) {
	all := []string{"critical", "high", "medium", "low", "info"}
	if sev == "" {
		return nil, nil
	}
	for i, s := range all {
		if s == sev {
			return all[:i+1], nil
		}
	}
	return nil, fmt.Errorf("severity %q: one of %s", sev, strings.Join(all, ", "))
}

// where is the WHERE clause of q over reports r (findings f for rule
// and severity when forFindings), for PostgreSQL or SQLite.
func (q Query) where(forFindings, postgres bool) (string, []any, error) {
	var conds []string
	var args []any
	sevs, err := severitiesFrom(q.Severity)
	if err != nil {
		return "", nil, err
	}
	var fc []string
	if q.Rule != "" {
		fc = append(fc, "f.rule_id = ?")
		args = append(args, q.Rule)
	}
	if len(sevs) > 0 {
		fc = append(fc, "f.severity IN (?"+strings.Repeat(", ?", len(sevs)-1)+")")
		for _, s := range sevs {
			args = append(args, s)
		}
	}
	switch {
	case forFindings:
		conds = append(conds, fc...)
	case len(fc) > 0:
		conds = append(conds, "EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id AND f.suppressed = 0 AND "+strings.Join(fc, " AND ")+")")
	}
	if q.Kind != "" {
		conds = append(conds, "r.kind = ?")
		args = append(args, q.Kind)
	}
	if q.Target != "" {
		// PostgreSQL's LOWER folds every script's case; SQLite's only
		// ASCII, so there only ASCII is folded here too (other scripts
		// match as written).
		lower := strings.ToLower(q.Target)
		if !postgres {
			lower = asciiLower(q.Target)
		}
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(lower) + "%"
		conds = append(conds, `(LOWER(r.target_id) LIKE ? ESCAPE '\' OR LOWER(r.target_name) LIKE ? ESCAPE '\' OR LOWER(r.path) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if q.SDK != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM sdks x WHERE x.report_id = r.id AND x.sdk_id = ?)")
		args = append(args, q.SDK)
	}
	if q.DataType != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM data_types d WHERE d.report_id = r.id AND d.key = ?)")
		args = append(args, q.DataType)
	}
	if q.Campaign != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM campaign_reports c WHERE c.report_id = r.id AND c.campaign_id = ?)")
		args = append(args, q.Campaign)
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (q Query) page() (int, int) {
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return limit, max(q.Offset, 0)
}

// Reports lists stored reports, newest first.
func (s *DB) Reports(ctx context.Context, limit, offset int) ([]Row, error) {
	return s.FindReports(ctx, Query{Limit: limit, Offset: offset})
}

// FindReports lists the reports q selects, newest first (at most 1,000;
// 100 when q.Limit is 0).
func (s *DB) FindReports(ctx context.Context, q Query) ([]Row, error) {
	limit, offset := q.page()
	return s.findReports(ctx, q, limit, offset)
}

func (s *DB) findReports(ctx context.Context, q Query, limit, offset int) ([]Row, error) {
	where, args, err := q.where(false, s.postgres)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT r.id, r.artifact_sha256, r.path, r.kind, r.target_id, r.target_name, r.target_version, r.worst, r.created_at
		FROM reports r`+where+` ORDER BY r.id DESC LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.SHA256, &r.Path, &r.Kind, &r.TargetID, &r.TargetName, &r.TargetVersion, &r.Worst, &r.Created); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].BySeverity, err = s.severities(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindingRow is one open finding of a stored report.
type FindingRow struct {
	ReportID    int64  `json:"report"`
	TargetID    string `json:"target_id"`
	TargetName  string `json:"target_name"`
	RuleID      string `json:"rule_id"`
	Severity    string `json:"severity"`
	Subject     string `json:"subject"`
	Fingerprint string `json:"fingerprint"`
}

// Findings lists the open findings q selects, newest report first.
func (s *DB) Findings(ctx context.Context, q Query) ([]FindingRow, error) {
	where, args, err := q.where(true, s.postgres)
	if err != nil {
		return nil, err
	}
	if where == "" {
		where = " WHERE f.suppressed = 0"
	} else {
		where += " AND f.suppressed = 0"
	}
	limit, offset := q.page()
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT r.id, r.target_id, r.target_name, f.rule_id, f.severity, f.subject, f.fingerprint
		FROM findings f JOIN reports r ON r.id = f.report_id`+where+` ORDER BY r.id DESC, f.rule_id, f.subject LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []FindingRow{}
	for rows.Next() {
		var f FindingRow
		if err := rows.Scan(&f.ReportID, &f.TargetID, &f.TargetName, &f.RuleID, &f.Severity, &f.Subject, &f.Fingerprint); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *DB) severities(ctx context.Context, id int64) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT severity, COUNT(*) FROM findings WHERE report_id = ? AND suppressed = 0 GROUP BY severity`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			return nil, err
		}
		m[sev] = n
	}
	return m, rows.Err()
}

// Report implements Store.
func (s *DB) Report(ctx context.Context, id int64) (Row, []byte, error) {
	var r Row
	var doc string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, artifact_sha256, path, kind, target_id, target_name, target_version, worst, created_at, report_json
		FROM reports WHERE id = ?`), id).Scan(&r.ID, &r.SHA256, &r.Path, &r.Kind, &r.TargetID, &r.TargetName, &r.TargetVersion, &r.Worst, &r.Created, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil, ErrNotFound
	}
	if err != nil {
		return r, nil, err
	}
	r.BySeverity, err = s.severities(ctx, id)
	return r, []byte(doc), err
}

// PutID stores a report like Put and returns its id (that of the report
// stored before under the same key, if any).
func (s *DB) PutID(ctx context.Context, k Key, r *report.Report) (int64, error) {
	if err := s.Put(ctx, k, r); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM reports WHERE artifact_sha256 = ? AND tool_version = ? AND data_version = ?`),
		k.SHA256, k.ToolVersion, k.DataVersion).Scan(&id)
	return id, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Campaign is an inspection campaign: reports gathered under a name, with
// the deadline by which their targets must be rectified.
type Campaign struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Deadline string `json:"deadline"` // YYYY-MM-DD
	Created  string `json:"created_at"`
	Targets  int    `json:"targets"`
	Reports  []Row  `json:"reports,omitempty"`
}

// HasCampaign tells whether a campaign is stored.
func (s *DB) HasCampaign(ctx context.Context, id int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM campaigns WHERE id = ?`), id).Scan(&n)
	return n > 0, err
}

// Campaigns lists the campaigns, newest first, with their targets
// counted (not listed).
func (s *DB) Campaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.name, c.deadline, c.created_at,
		(SELECT COUNT(*) FROM campaign_reports r WHERE r.campaign_id = c.id) FROM campaigns c ORDER BY c.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		var c Campaign
		if err := rows.Scan(&c.ID, &c.Name, &c.Deadline, &c.Created, &c.Targets); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCampaign stores a new campaign with its reports, all or nothing,
// and returns its id; a report that is not stored is ErrNotFound.
func (s *DB) CreateCampaign(ctx context.Context, name, deadline string, reports []int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO campaigns (name, deadline, created_at) VALUES (?, ?, ?) RETURNING id`),
		name, deadline, time.Now().UTC().Format(time.RFC3339)).Scan(&id); err != nil {
		return 0, err
	}
	if err := s.addReports(ctx, tx, id, reports); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// AddToCampaign adds stored reports to a campaign, all or nothing (a
// report already in it is left as it is); a report that is not stored is
// ErrNotFound.
func (s *DB) AddToCampaign(ctx context.Context, campaign int64, reports []int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.addReports(ctx, tx, campaign, reports); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *DB) addReports(ctx context.Context, tx *sql.Tx, campaign int64, reports []int64) error {
	for _, r := range reports {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM reports WHERE id = ?`), r).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("report %d: %w", r, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO campaign_reports (campaign_id, report_id) VALUES (?, ?) ON CONFLICT DO NOTHING`), campaign, r); err != nil {
			return fmt.Errorf("report %d: %w", r, err)
		}
	}
	return nil
}

// Campaign returns a campaign with its reports' rows.
func (s *DB) Campaign(ctx context.Context, id int64) (Campaign, error) {
	c := Campaign{ID: id}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, deadline, created_at FROM campaigns WHERE id = ?`), id).Scan(&c.Name, &c.Deadline, &c.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	// Every target of the campaign (a campaign may hold thousands).
	c.Reports, err = s.findReports(ctx, Query{Campaign: id}, math.MaxInt32, 0)
	c.Targets = len(c.Reports)
	return c, err
}
