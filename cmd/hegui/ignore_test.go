package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An ignore file accepts findings: they stay in the report, marked with the
// reason, and no longer fail the build.
func TestIgnoreFile(t *testing.T) {
	sch := reportSchema(t)
	apk, _ := filepath.Abs(filepath.Join(td, "apks/leaky.apk"))
	dir := t.TempDir()
	ign := filepath.Join(dir, "accepted.yaml")
	write := func(body string) {
		if err := os.WriteFile(ign, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`version: 1
ignore:
  - rule: HG-AND-001
    reason: "Reviewed: reads happen after the consent dialog in release builds"
    expires: 2999-12-31
  - rule: HG-AND-009
    reason: "Cleartext only to the test server"
    expires: 2020-01-01
`)
	if _, _, code := hegui(t, "scan", "--fail-on", "critical", apk); code != 1 {
		t.Fatalf("leaky.apk has critical findings: exit %d", code)
	}
	out, errOut, code := hegui(t, "scan", "--format", "json", "--ignorefile", ign, "--fail-on", "critical", apk)
	if code != 0 {
		t.Fatalf("every critical finding is accepted, yet exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "accepted.yaml:6") || !strings.Contains(errOut, "expired") {
		t.Errorf("an expired entry must be reported with file:line: %q", errOut)
	}
	validate(t, sch, out)
	var r struct {
		Findings []struct {
			RuleID     string `json:"rule_id"`
			Suppressed *struct{ Reason, Expires, Source string }
		}
		Summary struct {
			Findings   map[string]int
			Suppressed int
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range r.Findings {
		switch {
		case f.RuleID == "HG-AND-001":
			if f.Suppressed == nil || !strings.HasPrefix(f.Suppressed.Reason, "Reviewed") || f.Suppressed.Expires != "2999-12-31" || !strings.Contains(f.Suppressed.Source, "accepted.yaml:3") {
				t.Errorf("HG-AND-001 suppression %+v", f.Suppressed)
			}
			n++
		case f.Suppressed != nil:
			t.Errorf("%s suppressed by %+v", f.RuleID, f.Suppressed)
		}
	}
	if n == 0 || r.Summary.Suppressed != n || r.Summary.Findings["critical"] != 0 {
		t.Errorf("%d HG-AND-001 findings; summary %+v", n, r.Summary)
	}

	// .heguiignore in the working directory is read without a flag; a bad
	// one is a usage error naming the line.
	t.Chdir(dir)
	write("version: 1\nignore:\n  - rule: HG-AND-001\n    reason: ok\n")
	if err := os.Rename(ign, filepath.Join(dir, ".heguiignore")); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := hegui(t, "scan", "--fail-on", "critical", apk); code != 0 {
		t.Errorf(".heguiignore in the working directory was not applied: exit %d %s", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, ".heguiignore"), []byte("version: 1\nignore:\n  - rule: HG-AND-001\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := hegui(t, "scan", apk); code != 2 || !strings.Contains(errOut, ".heguiignore:3") || !strings.Contains(errOut, "reason") {
		t.Errorf("entry without a reason: exit %d %q", code, errOut)
	}
}
