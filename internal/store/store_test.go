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

// Queries select the same reports and findings in SQLite and PostgreSQL.
func TestQueries(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "q.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		queries(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := OpenPostgres(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		queries(t, s)
	})
}

func queries(t *testing.T, s *DB) {
	ctx := context.Background()
	leaky := sample("Leaky_Bank")
	quiet := sample("quiet")
	quiet.Findings = []report.Finding{{RuleID: "HG-AND-009", Severity: "low", Fingerprint: "q1"},
		{RuleID: "HG-AND-001", Severity: "critical", Fingerprint: "q2", Suppressed: &report.Suppression{Reason: "accepted"}}}
	quiet.SDKs = nil
	policy := sample("100%_policy")
	policy.Target.Kind = "policy"
	umlaut := sample("ÄPP")
	umlaut.Target.Kind = "ios"
	var ids []int64
	for i, r := range []*report.Report{leaky, quiet, policy, umlaut} {
		id, err := s.PutID(ctx, Key{SHA256: strings.Repeat(string(rune('a'+i)), 64), ToolVersion: "t", DataVersion: "d"}, r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	camp, err := s.CreateCampaign(ctx, "Q4", "2099-12-31", ids[1:3])
	if err != nil {
		t.Fatal(err)
	}
	names := func(q Query) string {
		rows, err := s.FindReports(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var n []string
		for _, r := range rows {
			n = append(n, r.TargetName)
		}
		return strings.Join(n, ",")
	}
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{Kind: "ios", Target: "ÄPP"}, "ÄPP"}, // as written: found in both databases
		{Query{Kind: "ios", Target: "äpp"}, map[bool]string{true: "ÄPP", false: ""}[s.postgres]},
		{Query{Kind: "ios", Target: "Äpp"}, "ÄPP"}, // ASCII folds everywhere
		{Query{Kind: "android"}, "quiet,Leaky_Bank"},
		{Query{Rule: "HG-AND-001"}, "ÄPP,100%_policy,Leaky_Bank"}, // quiet's is suppressed
		{Query{Severity: "high", Kind: "policy"}, "100%_policy"},
		{Query{Severity: "low", Kind: "android"}, "quiet,Leaky_Bank"},
		{Query{Rule: "HG-AND-009", Severity: "high"}, ""}, // the same finding must match both
		{Query{Kind: "policy"}, "100%_policy"},
		{Query{Target: "leaky_"}, "Leaky_Bank"}, // any case; _ is a character, not a wildcard
		{Query{Target: "100%"}, "100%_policy"},
		{Query{Target: "%"}, "100%_policy"},
		{Query{SDK: "umeng-analytics"}, "ÄPP,100%_policy,Leaky_Bank"},
		{Query{DataType: "device_id_imei"}, "ÄPP,100%_policy,quiet,Leaky_Bank"},
		{Query{Campaign: camp}, "100%_policy,quiet"},
		{Query{Campaign: camp, Severity: "critical"}, "100%_policy"},
		{Query{Limit: 1, Offset: 2}, "quiet"},
	} {
		if got := names(c.q); got != c.want {
			t.Errorf("%+v: %q, want %q", c.q, got, c.want)
		}
	}
	if _, err := s.FindReports(ctx, Query{Severity: "severe"}); err == nil {
		t.Error("an unknown severity was taken")
	}
	fs, err := s.Findings(ctx, Query{Target: "quiet"})
	if err != nil || len(fs) != 1 || fs[0].RuleID != "HG-AND-009" || fs[0].ReportID != ids[1] {
		t.Errorf("quiet's open findings: %+v %v", fs, err)
	}
	fs, err = s.Findings(ctx, Query{Severity: "critical", Kind: "android"})
	if err != nil || len(fs) != 1 {
		t.Errorf("critical findings: %+v %v", fs, err)
	}
	cs, err := s.Campaigns(ctx)
	if err != nil || len(cs) != 1 || cs[0].Targets != 2 || cs[0].Name != "Q4" {
		t.Errorf("campaigns: %+v %v", cs, err)
	}
}
