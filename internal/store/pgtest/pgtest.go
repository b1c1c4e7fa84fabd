// Package pgtest gives tests a PostgreSQL schema of their own in the
// scratch database named by HEGUI_TEST_POSTGRES (.ci/run starts Debian's
// PostgreSQL and sets it): packages' tests run at once on one database,
// and one test's tables, jobs and workers must not meet another's.
package pgtest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// URL returns a URL of the scratch database whose search path is a new,
// empty schema, dropped when the test ends; it skips the test when no
// database is given.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("HEGUI_TEST_POSTGRES")
	if base == "" {
		t.Skip("HEGUI_TEST_POSTGRES is not set (a postgres:// URL of a scratch database)")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("t_%d", time.Now().UnixNano())
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("scratch schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
