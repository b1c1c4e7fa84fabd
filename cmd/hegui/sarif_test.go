package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema is the official SARIF 2.1.0 schema.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join(td, "contract/sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// `--format sarif` writes a log the official SARIF 2.1.0 schema accepts,
// with every rule, and results that point into the APK.
func TestScanSARIF(t *testing.T) {
	sch := sarifSchema(t)
	apk := filepath.Join(td, "apks/leaky.apk")
	for _, lang := range []string{"en", "zh"} {
		out, errOut, code := hegui(t, "scan", "--format", "sarif", "--lang", lang, "--rules", filepath.Join(td, "rules/example.yaml"), apk, filepath.Join(td, "evidence/leaky-policy-gaps.json"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatalf("SARIF does not validate: %v", err)
		}
		var log struct {
			Version string
			Runs    []struct {
				Tool struct {
					Driver struct {
						Rules []struct {
							ID               string
							ShortDescription struct{ Text string }
						}
					}
				}
				Results []struct {
					RuleID    string
					Level     string
					Message   struct{ Text string }
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ ByteOffset int64 }
						}
					}
					PartialFingerprints map[string]string
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		run := log.Runs[0]
		ids := map[string]bool{}
		for _, r := range run.Tool.Driver.Rules {
			ids[r.ID] = true
		}
		for _, id := range []string{"HG-AND-001", "HG-POL-003", "HG-NET-001", "HG-FACE-001", "HG-ACME-001"} {
			if !ids[id] {
				t.Errorf("%s: rule %s missing from the driver", lang, id)
			}
		}
		var dexWithOffset, policyRule bool
		for _, r := range run.Results {
			if r.PartialFingerprints["heguiFingerprint/v1"] == "" {
				t.Errorf("%s %s: no fingerprint", lang, r.RuleID)
			}
			if r.RuleID == "HG-POL-003" {
				policyRule = true
			}
			for _, l := range r.Locations {
				if strings.HasSuffix(l.PhysicalLocation.ArtifactLocation.URI, ".dex") && l.PhysicalLocation.Region.ByteOffset > 0 {
					dexWithOffset = true
				}
			}
			if r.RuleID == "HG-AND-001" && lang == "zh" && !strings.Contains(r.Message.Text, "同意") {
				t.Errorf("zh message %q", r.Message.Text)
			}
		}
		if !dexWithOffset || !policyRule {
			t.Errorf("%s: dex location with offset %v, policy finding %v", lang, dexWithOffset, policyRule)
		}
	}
}

// An unreadable input still gives a SARIF log that uploads, saying the
// run did not succeed.
func TestSARIFForUnreadableInput(t *testing.T) {
	sch := sarifSchema(t)
	out, _, code := hegui(t, "scan", "--format", "sarif", filepath.Join(td, "bad/notzip.apk"))
	if code != 2 {
		t.Errorf("exit %d", code)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("no SARIF: %v %q", err, out)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"executionSuccessful": false`) || !strings.Contains(out, "notzip.apk") {
		t.Errorf("the failure is not in the log:\n%s", out)
	}
}

func TestExitCodeFlagAndUnjoinedEvidence(t *testing.T) {
	apk := filepath.Join(td, "apks/clean.apk")
	for _, bad := range []string{"0", "2", "256", "-1"} {
		if _, _, code := hegui(t, "scan", "--fail-on", "high", "--exit-code", bad, apk); code != 2 {
			t.Errorf("--exit-code %s: exit %d, want a usage error", bad, code)
		}
	}
	_, errOut, _ := hegui(t, "scan", apk, filepath.Join(td, "evidence/leaky-policy-gaps.json"))
	if !strings.Contains(errOut, "joined no scanned package") {
		t.Errorf("evidence about another app must be called out: %q", errOut)
	}
}

// Files named by evidence from other inputs (a capture) are not placed
// inside the APK.
func TestSARIFSideInputArtifacts(t *testing.T) {
	out, errOut, code := hegui(t, "scan", "--format", "sarif", filepath.Join(td, "apks/leaky.apk"), filepath.Join(td, "evidence/leaky-traffic-leaks.json"))
	if code != 0 {
		t.Fatalf("exit %d %s", code, errOut)
	}
	var log struct {
		Runs []struct {
			Artifacts []struct {
				Location    struct{ URI string }
				ParentIndex *int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range log.Runs[0].Artifacts {
		if a.Location.URI == "leaky-run1.pcapng" {
			found = true
			if a.ParentIndex != nil {
				t.Errorf("the capture is nested in artifact %d", *a.ParentIndex)
			}
		}
	}
	if !found {
		t.Error("the capture is not an artifact")
	}
}
