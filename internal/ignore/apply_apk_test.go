package ignore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/ignore"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/scan"
)

var now = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)

// leakyReport runs the real pipeline on the shared leaky.apk fixture, with
// no ignore file.
func leakyReport(t *testing.T) *report.Report {
	t.Helper()
	sc, err := scan.New(scan.Config{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := sc.Run(context.Background(), scan.Request{Inputs: []string{"../../testdata/apks/leaky.apk"}, Lang: "en", Workers: 1})
	if err != nil || len(out.Reports) != 1 {
		t.Fatalf("scan: %v, %d reports", err, len(out.Reports))
	}
	return out.Reports[0]
}

func TestApplyLeakyAPK(t *testing.T) {
	r := leakyReport(t)
	f, err := ignore.Load("testdata/leaky.heguiignore")
	if err != nil {
		t.Fatal(err)
	}
	total := len(r.Findings)
	out := f.Apply([]*report.Report{r}, now)
	src := "testdata/leaky.heguiignore"
	want := []string{
		// Findings whose every piece of evidence is in JPush or Umeng code.
		"HG-AND-001 jpush <- " + src + ":10",
		"HG-AND-001 umeng-analytics <- " + src + ":10",
		"HG-AND-002 umeng-analytics <- " + src + ":4",
	}
	if got := ignore.Suppressed(r); !reflect.DeepEqual(got, want) {
		t.Errorf("suppressed %q, want %q", got, want)
	}
	for _, fd := range r.Findings {
		if fd.RuleID == "HG-AND-001" && fd.Subject == "app" && fd.Suppressed != nil {
			t.Error("the app's own start-up reads are outside the SDK locations and must stay open")
		}
		if fd.Fingerprint == "09c0e0558ed8fbae" {
			if fd.Suppressed == nil || fd.Suppressed.Expires != "2027-03-31" || fd.Suppressed.Reason != "Umeng is listed in the privacy policy, section 3" {
				t.Errorf("umeng finding: %+v", fd.Suppressed)
			}
			if fd.Severity != "high" || len(fd.LegalBasis) == 0 || len(fd.Evidence) == 0 {
				t.Errorf("suppressed finding lost its content: %+v", fd)
			}
		}
	}
	if len(r.Findings) != total || out.Suppressed != 3 || out.PerReport[0] != 3 {
		t.Errorf("findings %d -> %d, outcome %+v", total, len(r.Findings), out)
	}
	if len(out.Expired) != 1 || out.Expired[0].Rule != "HG-AND-009" {
		t.Errorf("expired = %+v; want the HG-AND-009 entry", out.Expired)
	}
	if len(out.Unused) != 1 || out.Unused[0].Rule != "HG-AND-006" {
		t.Errorf("unused = %+v; want the HG-AND-006 entry", out.Unused)
	}
	// The expired entry would match: HG-AND-009 is in the report.
	var cleartext bool
	for _, fd := range r.Findings {
		if fd.RuleID == "HG-AND-009" {
			cleartext = true
			if fd.Suppressed != nil {
				t.Error("an expired entry suppressed HG-AND-009")
			}
		}
	}
	if !cleartext {
		t.Error("leaky.apk has no HG-AND-009 finding: the expiry check proves nothing")
	}
}
