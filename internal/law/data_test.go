package law

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/hegui/hegui/data"
)

// legalFiles returns the shipped legal files as a writable map.
func legalFiles(t testing.TB) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range []string{InstrumentsFile, ProvisionsFile, AppTypesFile} {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = string(b)
	}
	return m
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, s := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

func TestLoadFSMatchesLoad(t *testing.T) {
	c, err := LoadFS(mapFS(legalFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	d := mustLoad(t)
	if len(c.Provisions()) != len(d.Provisions()) || len(c.AppTypes()) != len(d.AppTypes()) {
		t.Error("LoadFS(copy of data.FS) differs from Load()")
	}
}

// TestMalformed damages one file at a time and checks that loading fails
// with an error that names the file (and the entry, where there is one).
func TestMalformed(t *testing.T) {
	replace := func(file, old, new string) func(t *testing.T, m map[string]string) {
		return func(t *testing.T, m map[string]string) {
			if !strings.Contains(m[file], old) {
				t.Fatalf("%s does not contain %q", file, old)
			}
			m[file] = strings.Replace(m[file], old, new, 1)
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, m map[string]string)
		file   string
		want   string // substring of the error
	}{
		{"yaml syntax", func(t *testing.T, m map[string]string) { m[ProvisionsFile] += "  - id: [unclosed\n" },
			ProvisionsFile, "yaml:"},
		{"unknown field", replace(InstrumentsFile, "    issuer:", "    isuer:"),
			InstrumentsFile, "field isuer not found"},
		{"wrong type", replace(AppTypesFile, "seq: 2\n", "seq: two\n"),
			AppTypesFile, "yaml:"},
		{"empty file", func(t *testing.T, m map[string]string) { m[ProvisionsFile] = "" },
			ProvisionsFile, "empty file"},
		{"missing file", func(t *testing.T, m map[string]string) { delete(m, AppTypesFile) },
			AppTypesFile, "file does not exist"},
		{"too large", func(t *testing.T, m map[string]string) {
			m[ProvisionsFile] += "# " + strings.Repeat("x", maxFileSize) + "\n"
		}, ProvisionsFile, "larger than"},
		{"missing version", replace(InstrumentsFile, "version: \"2026.11.1\"\n", ""),
			InstrumentsFile, "missing version"},
		{"unknown instrument", replace(ProvisionsFile, "instrument: FRM\n", "instrument: FRX\n"),
			ProvisionsFile, `FRM-2.2: unknown instrument "FRX"`},
		{"duplicate provision", replace(ProvisionsFile, "id: PIPL-5\n", "id: PIPL-4\n"),
			ProvisionsFile, "PIPL-4: duplicate id"},
		{"duplicate instrument", replace(InstrumentsFile, "id: MIIT26\n", "id: MIIT164\n"),
			InstrumentsFile, "MIIT164: duplicate id"},
		{"id of another instrument", replace(ProvisionsFile, "id: PIPL-5\n    instrument: PIPL", "id: PIPL-5\n    instrument: NDSMR"),
			ProvisionsFile, "PIPL-5: id is not NDSMR-<number>"},
		{"numbered id without number", replace(ProvisionsFile, "id: FRM-alternative\n", "id: FRM-Alternative\n"),
			ProvisionsFile, "FRM-Alternative: numbered id needs number"},
		{"missing 认定方法 item", replace(ProvisionsFile, "id: CAC191-6.4\n", "id: CAC191-6.9\n"),
			ProvisionsFile, "CAC191-6.4: missing 认定方法 item"},
		{"bad mark", replace(ProvisionsFile, "verified: V\n", "verified: X\n"),
			ProvisionsFile, `PIPL-4: bad verified mark "X"`},
		{"undeclared source", replace(ProvisionsFile, "source: [LAWREF]\n", "source: [NOPE]\n"),
			ProvisionsFile, `source "NOPE" not in the file's sources`},
		{"bad status", replace(InstrumentsFile, "status: draft\n", "status: maybe\n"),
			InstrumentsFile, `CAC2026D: bad status "maybe"`},
		{"38 app types", func(t *testing.T, m map[string]string) {
			s := m[AppTypesFile]
			i := strings.Index(s, "  - id: performance_ticketing")
			if i < 0 {
				t.Fatal("performance_ticketing not found")
			}
			m[AppTypesFile] = s[:i]
		}, AppTypesFile, "38 app types, want 39"},
		{"no-PI type with items", replace(AppTypesFile, "    no_pi_required: true\n    aliases: [period_tracker", "    no_pi_required: false\n    aliases: [period_tracker"),
			AppTypesFile, "womens_health: no_pi_required is false; the Provisions say true"},
		{"alias collision", replace(AppTypesFile, "aliases: [taxi,", "aliases: [news,"),
			AppTypesFile, `name "news" also names ride_hailing`},
		{"bad key", replace(AppTypesFile, "key: trajectory,", "key: Trajectory,"),
			AppTypesFile, `ride_hailing: necessary_pi[4]: bad key "Trajectory"`},
		{"unknown NPI instrument", replace(AppTypesFile, "instrument: NPI\n", "instrument: XYZ\n"),
			AppTypesFile, `unknown instrument "XYZ"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := legalFiles(t)
			tc.damage(t, m)
			c, err := LoadFS(mapFS(m))
			if err == nil {
				t.Fatalf("LoadFS succeeded (%d provisions)", len(c.Provisions()))
			}
			if c != nil {
				t.Error("LoadFS returned a catalog with an error")
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			if fe.File != tc.file {
				t.Errorf("FormatError.File = %q, want %q", fe.File, tc.file)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.file) || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not name %s and %q", msg, tc.file, tc.want)
			}
		})
	}
}

func TestMissingFileIsNotExist(t *testing.T) {
	m := legalFiles(t)
	delete(m, InstrumentsFile)
	_, err := LoadFS(mapFS(m))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

// The PI type vocabulary keys a necessary item may use: the service-side keys
// of the Necessary-PI transcription, the device-side keys and the additional
// keys of the shared vocabulary.
var vocabulary = strings.Fields(`
account_id im_contact_list real_name gender age marital_status id_document_number
id_document_validity id_document_image bank_card_number bank_reserved_phone financial_account
payee_info payment_info location trajectory trip_origin trip_destination trip_details
passenger_type license_plate recipient_name recipient_address recipient_phone sender_identity
sender_address sender_phone shipment_item_info resume property_info buyer_identity seller_identity
vehicle_license_number vin patient_identity appointment_info medical_condition travel_itinerary
traveller_identity guest_identity stay_info driving_license_info ticket_session_seat

device_id_imei imsi iccid device_serial android_id mac_address bluetooth_mac oaid advertising_id
phone_number carrier_info cell_location precise_location coarse_location background_location
media_location wifi_info wifi_scan ip_address bluetooth_info installed_apps running_apps app_usage
clipboard contacts device_accounts call_log call_state sms calendar photos_media files_storage
camera microphone body_sensors physical_activity sensor_list browser_history device_info

face voiceprint fingerprint minor_info religion health_data
`)

func TestNecessaryKeysInVocabulary(t *testing.T) {
	c := mustLoad(t)
	used := map[string]bool{}
	for _, at := range c.AppTypes() {
		for _, it := range at.NecessaryPI {
			used[it.Key] = true
			if !slices.Contains(vocabulary, it.Key) {
				t.Errorf("%s: key %q not in the PI vocabulary", at.ID, it.Key)
			}
		}
	}
	if len(used) < 40 {
		t.Errorf("only %d distinct keys used; the Provisions use over 40", len(used))
	}
}

// TestPITypesFile checks the necessary keys against the PI catalog's file
// when it is present, and runs Necessary with that file's umbrellas.
func TestPITypesFile(t *testing.T) {
	b, err := fs.ReadFile(data.FS, "android/pi_types.yaml")
	if err != nil {
		t.Skipf("no PI type file: %v", err)
	}
	var f struct {
		Types []struct {
			Key      string   `yaml:"key"`
			Includes []string `yaml:"includes"`
		} `yaml:"types"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil || len(f.Types) == 0 {
		t.Skipf("PI type file not in the expected shape: %v", err)
	}
	inc := map[string][]string{}
	for _, ty := range f.Types {
		inc[ty.Key] = ty.Includes
	}
	c := mustLoad(t)
	for _, at := range c.AppTypes() {
		for _, it := range at.NecessaryPI {
			if _, ok := inc[it.Key]; !ok {
				t.Errorf("%s: key %q not in android/pi_types.yaml", at.ID, it.Key)
			}
		}
	}
	resolve := func(k string) []string { return inc[k] }
	ride, _ := c.AppType("ride_hailing")
	if !ride.Necessary("background_location", resolve) || ride.Necessary("contacts", resolve) {
		t.Error("ride_hailing with pi_types.yaml umbrellas: want background_location necessary, contacts not")
	}
}

// referenceTypes is the shape of testdata/reference/necessary-pi-39-app-types.yaml.
type referenceTypes struct {
	AppTypes []struct {
		ID              string    `yaml:"id"`
		Seq             int       `yaml:"seq"`
		Ref             string    `yaml:"ref"`
		NameZh          string    `yaml:"name_zh"`
		NameEn          string    `yaml:"name_en"`
		BasicFunctionZh string    `yaml:"basic_function_zh"`
		BasicFunctionEn string    `yaml:"basic_function_en"`
		NoPIRequired    bool      `yaml:"no_pi_required"`
		NecessaryPI     []rawItem `yaml:"necessary_pi"`
		Notes           []string  `yaml:"notes"`
	} `yaml:"app_types"`
	DataTypes map[string]any `yaml:"data_types"`
}

func readReference(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAppTypesMatchReference checks the catalog's app types against the
// transcription of the Provisions they were written from, field by field.
func TestAppTypesMatchReference(t *testing.T) {
	var ref referenceTypes
	if err := yaml.Unmarshal(readReference(t, "necessary-pi-39-app-types.yaml"), &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.AppTypes) != 39 {
		t.Fatalf("reference has %d types", len(ref.AppTypes))
	}
	c := mustLoad(t)
	for _, r := range ref.AppTypes {
		at, ok := c.AppType(r.ID)
		if !ok {
			t.Errorf("%s missing", r.ID)
			continue
		}
		got := []any{at.Seq, at.Ref, at.NameZh, at.NameEn, at.BasicFunctionZh, at.BasicFunctionEn, at.NoPIRequired, at.Notes}
		want := []any{r.Seq, r.Ref, r.NameZh, r.NameEn, r.BasicFunctionZh, r.BasicFunctionEn, r.NoPIRequired, r.Notes}
		for i := range got {
			if !equalAny(got[i], want[i]) {
				t.Errorf("%s field %d = %v, want %v", r.ID, i, got[i], want[i])
			}
		}
		if len(at.NecessaryPI) != len(r.NecessaryPI) {
			t.Errorf("%s: %d items, want %d", r.ID, len(at.NecessaryPI), len(r.NecessaryPI))
			continue
		}
		for i, w := range r.NecessaryPI {
			g := at.NecessaryPI[i]
			want := NecessaryItem{Key: w.Key, Zh: w.Zh, En: w.En, Condition: w.Condition, Sensitive: w.Sensitive, Note: w.Note}
			if g != want {
				t.Errorf("%s item %d = %+v, want %+v", r.ID, i, g, want)
			}
		}
	}
	// Every service-side key of the reference vocabulary is in the package's copy.
	for k := range ref.DataTypes {
		if !slices.Contains(vocabulary, k) {
			t.Errorf("reference key %q missing from the vocabulary copy", k)
		}
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok || bok {
		return slices.Equal(as, bs)
	}
	return a == b
}

// TestQuotesFromReference checks that no Chinese wording was made up: every
// quote_zh occurs verbatim in the source notes or the transcription.
func TestQuotesFromReference(t *testing.T) {
	ref := string(readReference(t, "regulations-notes.md")) + string(readReference(t, "necessary-pi-39-app-types.yaml"))
	c := mustLoad(t)
	n := 0
	for _, p := range c.Provisions() {
		if p.QuoteZh == "" {
			continue
		}
		n++
		if strings.Contains(ref, p.QuoteZh) {
			continue
		}
		// Quotes trimmed in the notes ("…") or listing terms ("/") are
		// checked part by part.
		for _, part := range strings.FieldsFunc(p.QuoteZh, func(r rune) bool { return r == '…' || r == '/' }) {
			part = strings.TrimSpace(part)
			if part != "" && !strings.Contains(ref, part) {
				t.Errorf("%s: quote part %q not in the source notes", p.ID, part)
			}
		}
	}
	if n < 70 {
		t.Errorf("only %d quotes", n)
	}
}

// head returns the start of a legal file up to its n-th entry: a small,
// valid file with real entries (fuzzing minimizes inputs, so seeds stay small).
func head(s string, n int) string {
	off := 0
	for range n {
		i := strings.Index(s[off:], "\n  - id: ")
		if i < 0 {
			return s
		}
		off += i + 1
	}
	return s[:off]
}

// FuzzLoadFS feeds arbitrary bytes as one of the three files (the other two
// are small real excerpts); loading must fail with a *FormatError or produce
// a catalog whose references resolve.
func FuzzLoadFS(f *testing.F) {
	full := legalFiles(f)
	names := []string{InstrumentsFile, ProvisionsFile, AppTypesFile}
	small := map[string]string{
		InstrumentsFile: head(full[InstrumentsFile], 3),
		ProvisionsFile:  head(full[ProvisionsFile], 3),
		AppTypesFile:    head(full[AppTypesFile], 3),
	}
	for i, name := range names {
		f.Add(uint8(i), []byte(small[name]))
	}
	f.Add(uint8(1), []byte("version: x\nsources: [A]\nprovisions:\n  - id: PIPL-1\n    instrument: PIPL\n"))
	f.Add(uint8(2), []byte("app_types: [{id: a, seq: 99999999999999999999}]"))
	f.Add(uint8(2), []byte("version: v\ninstrument: PIPL\nsources: [LAWREF]\napp_types: [{id: a, seq: 1, aliases: [b, A, ' a ']}]"))
	f.Add(uint8(0), []byte("instruments: &a [*a]"))
	f.Add(uint8(1), []byte("{{{{"))
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		m := map[string]string{}
		for k, v := range small {
			m[k] = v
		}
		m[names[int(which)%len(names)]] = string(b)
		c, err := LoadFS(mapFS(m))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			_ = err.Error()
			return
		}
		for _, p := range c.Provisions() {
			if _, ok := c.Instrument(p.Instrument); !ok {
				t.Fatalf("%s: dangling instrument", p.ID)
			}
			p.Cite("zh")
			p.Cite("en")
		}
	})
}
