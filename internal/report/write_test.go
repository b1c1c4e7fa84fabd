package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/evidence"
)

func TestTableEscapesControlCharacters(t *testing.T) {
	r := &Report{Target: evidence.Target{Path: "a\x1b]0;pwned\x07.apk", ID: "com.\x1b[31mred", SHA256: "00"}, Lang: "en",
		Findings: []Finding{{RuleID: "HG-X-1", Severity: "high", Title: "t", Subject: "s\x9bx\xff",
			Evidence: []evidence.Observation{{Where: evidence.Location{File: "f\rg"}}}}},
		Summary: Summary{Findings: map[string]int{"high": 1}}}
	var b bytes.Buffer
	if err := (Table{}).Write(&b, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u009b", "\xff"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	for _, want := range []string{`\u001b]0;pwned\u0007.apk`, `com.\u001b[31mred`, `f\u000dg`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// Values from the input cannot forge table lines or columns, or reorder
// text with bidirectional overrides.
func TestTableCellsCannotForgeLines(t *testing.T) {
	r := &Report{Target: evidence.Target{Path: "a.apk", SHA256: "00"}, Lang: "en",
		Endpoints: []Endpoint{{Host: "evil.example\n  (no findings)", Scheme: "https\tx"}},
		Findings: []Finding{{RuleID: "HG-X-1", Severity: "high", Title: "t", Subject: "s\nSummary: no findings",
			Evidence: []evidence.Observation{{Where: evidence.Location{File: "f\u202egnp.exe"}}}}},
		Summary: Summary{Findings: map[string]int{"high": 1}}}
	var b bytes.Buffer
	if err := (Table{}).Write(&b, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "(no findings)") || strings.HasPrefix(line, "Summary: no findings") {
			t.Errorf("forged line %q", line)
		}
	}
	if strings.Contains(b.String(), "\u202e") || !strings.Contains(b.String(), `evil.example\u000a  (no findings)`) {
		t.Errorf("not escaped:\n%s", b.String())
	}
}
