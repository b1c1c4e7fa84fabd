package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A batch scans each app once into the results file; run again, it scans
// only what is new, and every stored report meets the JSON contract.
func TestBatchResumesAndStoresReports(t *testing.T) {
	dir := t.TempDir()
	apps := filepath.Join(dir, "apps")
	os.Mkdir(apps, 0o755)
	for _, n := range []string{"leaky.apk", "clean.apk", "ridehail.apk"} {
		copyFile(t, filepath.Join(td, "apks", n), filepath.Join(apps, n))
	}
	copyFile(t, filepath.Join(td, "bad/truncated-dex.apk"), filepath.Join(apps, "broken.apk"))
	db := filepath.Join(dir, "results.db")
	out, errOut, code := hegui(t, "scan", "--batch", apps, "--out", db, "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "scanned now             4") || !strings.Contains(out, "HG-AND-") {
		t.Errorf("summary:\n%s", out)
	}
	if strings.Count(errOut, "] ") != 4 {
		t.Errorf("progress lines (not a terminal): %q", errOut)
	}
	// Again, with one app changed: only that one is scanned.
	copyFile(t, filepath.Join(td, "apks/permprompt.apk"), filepath.Join(apps, "clean.apk"))
	out, _, code = hegui(t, "scan", "--batch", apps, "--out", db, "--lang", "en")
	if code != 0 || !strings.Contains(out, "scanned now             1") || !strings.Contains(out, "already in the results  3") {
		t.Errorf("second run (exit %d):\n%s", code, out)
	}
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(context.Background(), `SELECT path, report_json FROM reports`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sch := reportSchema(t)
	n := 0
	for rows.Next() {
		var path, doc string
		if err := rows.Scan(&path, &doc); err != nil {
			t.Fatal(err)
		}
		validate(t, sch, doc)
		n++
	}
	if n != 5 {
		t.Errorf("%d reports stored, want 5 (4 apps, one of them in two versions)", n)
	}
	var findings int
	conn.QueryRow(`SELECT COUNT(*) FROM findings f JOIN reports r ON r.id = f.report_id WHERE r.path LIKE '%leaky.apk' AND f.rule_id = 'HG-AND-001'`).Scan(&findings)
	if findings == 0 {
		t.Error("leaky.apk's start-up findings are not rows of the findings table")
	}
}

func TestBatchTakesNoOtherInput(t *testing.T) {
	_, errOut, code := hegui(t, "scan", "--batch", t.TempDir(), filepath.Join(td, "apks/clean.apk"))
	if code != 2 || !strings.Contains(errOut, "--batch") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
