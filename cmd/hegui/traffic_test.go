package main

import (
	"encoding/json"
	"fmt"
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

// device.pcap: a "smart lock" in a network namespace behind a router
// namespace (internal/traffic/testdata/captures/make-device.sh).
const deviceCapture = "../../internal/traffic/testdata/captures/device.pcap"

func TestScanDeviceCapture(t *testing.T) {
	sch := reportSchema(t)
	out, errOut, code := hegui(t, "scan", "--format", "json", "--lang", "en", deviceCapture, "--device", "smart lock", "--face-device")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	validate(t, sch, out)
	var r struct {
		Target    struct{ Kind, ID string }
		Endpoints []struct {
			Host, Country string
			Traffic       *struct {
				Connections     int
				BeaconSeconds   int      `json:"beacon_interval_s"`
				CountryBy       string   `json:"country_by"`
				PISent          []string `json:"pi_sent"`
				BytesUp         int64    `json:"bytes_up"`
				SteadyUploadBps int64    `json:"steady_upload_bps"`
				Cloud           string
			}
		}
		Findings []struct {
			RuleID  string `json:"rule_id"`
			Subject string
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Target.Kind != "device" || r.Target.ID != "smart lock" {
		t.Errorf("target %+v", r.Target)
	}
	got := map[string]string{}
	for _, e := range r.Endpoints {
		if e.Traffic == nil {
			t.Errorf("%s: no traffic facts", e.Host)
			continue
		}
		got[e.Host] = fmt.Sprintf("%s %s conns=%d beacon=%d pi=%v steady=%d cloud=%q", e.Country, e.Traffic.CountryBy, e.Traffic.Connections, e.Traffic.BeaconSeconds, e.Traffic.PISent, e.Traffic.SteadyUploadBps, e.Traffic.Cloud)
	}
	// Checked against `tshark -q -z conv,tcp` and the DNS answers of the
	// capture; the addresses are registered to China (1.0.1.1) and the
	// United States (8.8.4.4).
	want := map[string]string{
		// The heartbeat's "sn" is not read as a serial number: under that
		// name APIs as often send a request signature.
		"mqtt.example-lock.cn": `cn address 1.0.1.1 conns=8 beacon=2 pi=[mac_address] steady=0 cloud=""`,
		"iot.example-lock.cn":  `cn address 1.0.1.1 conns=1 beacon=0 pi=[microphone] steady=0 cloud=""`,
		// 8.8.4.4 is announced by Google's AS15169.
		"face.example-ai.com": `us address 8.8.4.4 conns=1 beacon=0 pi=[face] steady=0 cloud="Google Cloud"`,
	}
	for h, w := range want {
		if got[h] != w {
			t.Errorf("%s: %q, want %q", h, got[h], w)
		}
	}
	var fired []string
	for _, f := range r.Findings {
		fired = append(fired, f.RuleID+" "+f.Subject)
	}
	// The heartbeat's MAC: 8 times, every 2 s (tshark: the
	// PUBLISH frames at 0.66 s … 14.71 s).
	for _, w := range []string{"HG-FACE-001 face.example-ai.com", "HG-NET-003 face.example-ai.com",
		"HG-NET-005 mac_address → mqtt.example-lock.cn"} {
		if !slices.Contains(fired, w) {
			t.Errorf("missing %s in %v", w, fired)
		}
	}
	// The upload's reply is read: the server took it (HTTP 200).
	if !strings.Contains(out, `"reply_status": "200"`) {
		t.Error("no reply status on the uploads")
	}
	// Without --face-device, a camera frame in a field named "image" is a
	// photo, not a face.
	r2 := scanJSON(t, sch, deviceCapture)
	if got := r2.fired("HG-FACE-001"); len(got) != 0 {
		t.Errorf("face without --face-device: %v", got)
	}
}

// session.har: Debian's chromium opening an H5 page, recorded as HAR by
// chrome-har (internal/traffic/testdata/captures/make-har.sh).
func TestScanHAR(t *testing.T) {
	r := scanJSON(t, reportSchema(t), "../../internal/traffic/testdata/captures/session.har", "--consent-at", "entry:3")
	before := r.fired("HG-NET-001")
	slices.Sort(before)
	// Entry 2 is the login (a form: phone number, resident ID); entry 3,
	// the consent mark, carries the OAID and a location to another host.
	if !slices.Equal(before, []string{"id_document_number", "phone_number"}) {
		t.Errorf("before consent: %v", before)
	}
	plain := r.fired("HG-NET-004")
	slices.Sort(plain)
	if !slices.Equal(plain, []string{"id_document_number", "oaid", "phone_number", "precise_location"}) {
		t.Errorf("plaintext: %v", plain)
	}
	hosts := map[string]bool{}
	for _, e := range r.Endpoints {
		hosts[e.Host] = true
	}
	if !hosts["h5.example-app.cn"] || !hosts["sdk.example-analytics.com"] || len(hosts) != 2 {
		t.Errorf("endpoints: %v", hosts)
	}
}

// The device profile is in SARIF too, on the capture's artifact, and the
// log meets the official schema.
func TestDeviceCaptureSARIF(t *testing.T) {
	out, errOut, code := hegui(t, "scan", "--format", "sarif", deviceCapture, "--face-device")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	validate(t, sarifSchema(t), out)
	var log struct {
		Runs []struct {
			Artifacts []struct {
				Properties struct {
					Destinations []struct {
						Host    string
						Traffic struct {
							Beacon int `json:"beacon_interval_s"`
						}
					}
				}
			}
			Results []struct{ RuleID string }
		}
	}
	json.Unmarshal([]byte(out), &log)
	beacons := map[string]int{}
	for _, d := range log.Runs[0].Artifacts[0].Properties.Destinations {
		beacons[d.Host] = d.Traffic.Beacon
	}
	if beacons["mqtt.example-lock.cn"] != 2 || len(beacons) != 3 {
		t.Errorf("destinations in SARIF: %v", beacons)
	}
}
