package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// internal/traffic/testdata/captures/app.pcap: real traffic of curl, mosquitto_pub and
// openssl on loopback (internal/traffic/testdata/captures/make.sh).
const (
	capture = "../../internal/traffic/testdata/captures/app.pcap"
	idsFile = "../../internal/traffic/testdata/captures/ids.yaml"
)

func TestScanCapture(t *testing.T) {
	sch := reportSchema(t)
	r := scanJSON(t, sch, capture, "--device-ids", idsFile, "--consent-at", "#40")
	if r.Target.Kind != "traffic" {
		t.Errorf("target kind %q", r.Target.Kind)
	}
	before := r.fired("HG-NET-001")
	slices.Sort(before)
	// Packet 40 is the gzip body with the OAID: what came before it was
	// sent before consent; the OAID itself was not.
	want := []string{"android_id", "device_id_imei", "id_document_number", "mac_address", "phone_number", "precise_location"}
	for _, w := range want {
		if !slices.Contains(before, w) {
			t.Errorf("HG-NET-001 misses %s: %v", w, before)
		}
	}
	if slices.Contains(before, "oaid") {
		t.Errorf("the OAID was sent at consent, not before: %v", before)
	}
	if got := r.fired("HG-NET-003"); !slices.Equal(got, []string{"app-measurement.com"}) {
		t.Errorf("cross-border: %v", got)
	}
	if got := r.fired("HG-FACE-001"); !slices.Equal(got, []string{"api.example.cn"}) {
		t.Errorf("face upload: %v", got)
	}
	sdks := r.fired("HG-NET-002")
	slices.Sort(sdks)
	if !slices.Equal(sdks, []string{"firebase-analytics", "umeng-analytics"}) {
		t.Errorf("third parties before consent: %v", sdks)
	}
	// Each finding points at its packet.
	for _, f := range r.Findings {
		if f.RuleID == "HG-NET-001" && f.Subject == "device_id_imei" {
			var ev struct {
				Where struct {
					Packet int
					File   string
				}
			}
			json.Unmarshal(f.Evidence[0], &ev)
			if ev.Where.Packet != 4 || ev.Where.File != "app.pcap" {
				t.Errorf("IMEI evidence at %+v, want app.pcap packet 4", ev.Where)
			}
		}
	}
	// The order number (18 digits, no check passes) is no finding.
	out, _, _ := hegui(t, "scan", "--format", "json", capture)
	if strings.Contains(out, "202611301015021234") {
		t.Error("the order number appears in the report")
	}
}

func TestScanCaptureWithoutConsentMark(t *testing.T) {
	r := scanJSON(t, reportSchema(t), capture)
	if st := r.state("HG-NET-001"); st != "not_evaluated" {
		t.Errorf("HG-NET-001 without --consent-at: %s", st)
	}
	// Without the device's identifiers, the MQTT client id (dev-<IMEI>)
	// names no field, so it is not charged; the IMEI in the imei= field is.
	if got := r.fired("HG-NET-004"); !slices.Contains(got, "device_id_imei") {
		t.Errorf("plaintext IMEI: %v", got)
	}
}

func TestScanCaptureBadOptions(t *testing.T) {
	for _, args := range [][]string{
		{"scan", capture, "--consent-at", "entry:3"},
		{"scan", capture, "--consent-at", "yesterday"},
		{"scan", capture, "--home", "China"},
		{"scan", capture, "--device-ids", capture},
	} {
		_, errOut, code := hegui(t, args...)
		if code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
