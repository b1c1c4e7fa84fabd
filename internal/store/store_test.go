package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/store/pgtest"
)

func sample(name string) *report.Report {
	return &report.Report{
		Target:    evidence.Target{Kind: "android", Path: name + ".apk", ID: "com.example." + name, Name: name},
		Findings:  []report.Finding{{RuleID: "HG-AND-001", Severity: "critical", Subject: "app", Fingerprint: "f1"}, {RuleID: "HG-AND-004", Severity: "high", Fingerprint: "f2"}},
		SDKs:      []report.SDK{{ID: "umeng-analytics", Name: "Umeng+"}},
		DataTypes: []report.DataType{{Key: "device_id_imei", Level: "referenced"}},
		Summary:   report.Summary{Findings: map[string]int{"critical": 1, "high": 1}},
	}
}

func TestSQLiteStoresOnceAndSummarises(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "results.db")
	s, err := OpenSQLite(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	storesOnceAndSummarises(t, s)
	s.Close()

	// Reopened, the schema is at its version and nothing is applied twice.
	s, err = OpenSQLite(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != len(migrations) {
		t.Errorf("schema version %d %v", v, err)
	}
}

func TestPostgresStoresOnceAndSummarises(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var s *DB
	var err error
	// Two processes migrating at once (workers starting together).
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			s, err := OpenPostgres(ctx, url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storesOnceAndSummarises(t, s)
}

func storesOnceAndSummarises(t *testing.T, s *DB) {
	ctx := context.Background()
	k := Key{SHA256: "aa", ToolVersion: "v1", DataVersion: "d1"}
	if has, err := s.Has(ctx, k); err != nil || has {
		t.Fatalf("empty store has %v %v", has, err)
	}
	for range 2 { // a second Put of the same key is a no-op
		if err := s.Put(ctx, k, sample("a")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, Key{SHA256: "bb", ToolVersion: "v1", DataVersion: "d1"}, sample("b")); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, Failure{Key: Key{SHA256: "cc", ToolVersion: "v1", DataVersion: "d1"}, Path: "bad.apk", Error: "not a zip"}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []Key{k, {"cc", "v1", "d1"}} {
		if has, _ := s.Has(ctx, k); !has {
			t.Errorf("%v not found", k)
		}
	}
	if has, _ := s.Has(ctx, Key{"aa", "v2", "d1"}); has {
		t.Error("a new hegui version must scan again")
	}
	sum, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reports != 2 || sum.Failures != 1 || sum.BySeverity["critical"] != 2 || len(sum.TopRules) != 2 || sum.TopRules[0].N != 2 || sum.TopSDKs[0].Name != "Umeng+" {
		t.Errorf("summary: %+v", sum)
	}
	rows, err := s.Reports(ctx, 10, 0)
	if err != nil || len(rows) != 2 || rows[0].BySeverity["critical"] != 1 {
		t.Errorf("reports: %v %+v", err, rows)
	}
	row, doc, err := s.Report(ctx, rows[0].ID)
	if err != nil || row.TargetName != "b" || !strings.Contains(string(doc), `"HG-AND-001"`) {
		t.Errorf("report: %v %+v", err, row)
	}
	if _, _, err := s.Report(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing report: %v", err)
	}
	id, err := s.PutID(ctx, k, sample("a"))
	if err != nil || id != rows[1].ID {
		t.Errorf("PutID of a stored key: %d %v, want %d", id, err, rows[1].ID)
	}
	if _, err := s.CreateCampaign(ctx, "bad", "2026-12-31", []int64{9999}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a campaign of a missing report: %v", err)
	}
	cid, err := s.CreateCampaign(ctx, "Q4", "2026-12-31", nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // adding a report twice keeps it once
		if err := s.AddToCampaign(ctx, cid, []int64{rows[0].ID, rows[1].ID}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Campaign(ctx, cid)
	if err != nil || len(c.Reports) != 2 || c.Deadline != "2026-12-31" || c.Reports[0].BySeverity["critical"] != 1 {
		t.Errorf("campaign: %v %+v", err, c)
	}
	if err := s.AddToCampaign(ctx, cid, []int64{9999}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a report that does not exist: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "results.db")
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`)
	db.Exec(`INSERT INTO schema_migrations VALUES (99, 'x')`)
	db.Close()
	if _, err := OpenSQLite(ctx, file); err == nil {
		t.Error("a database from a newer hegui was opened")
	}
}
