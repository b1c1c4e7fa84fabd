package evidencefile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/evidence"
)

const fixtures = "../../testdata/evidence"

func TestReadFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if err != nil || len(files) < 4 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		set, err := Read(bytes.NewReader(b), name, "abc", nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if set.Target.ID != "com.example.leaky" || set.Target.Path != name || set.Target.SHA256 != "abc" || len(set.Observations) == 0 {
			t.Errorf("%s: %+v", name, set.Target)
		}
		if !set.HasInput(evidence.InputPolicy) && !set.HasInput(evidence.InputTraffic) {
			t.Errorf("%s: inputs %v", name, set.Inputs)
		}
		for _, o := range set.Observations {
			if o.Source == "" || o.Where.File == "" {
				t.Errorf("%s: observation without source or location: %+v", name, o)
			}
		}
	}
}

func TestReadRejects(t *testing.T) {
	cases := map[string]string{
		`{"hegui_evidence": 2, "target": {"id": "a"}}`:                                                                     "this hegui reads 1",
		`{"hegui_evidence": 1, "target": {}}`:                                                                              "target.id is empty",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "inputs": ["android"]}`:                                              "read from the package itself",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "inputs": ["telepathy"]}`:                                            "unknown input kind",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "observations": [{"kind": "sdk"}]}`:                                  "kind and key are required",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "observations": [{"kind": "sdk", "key": "x", "level": "rumoured"}]}`: "level \"rumoured\"",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "surprise": true}`:                                                   "unknown field",
		`{"hegui_evidence": 1, "target": {"id": "a"`:                                                                       "unexpected EOF",
		`[]`: "cannot unmarshal",
		`{"hegui_evidence": 1, "target": {"id": "a"}} {"hegui_evidence": 1, "target": {"id": "b"}}`:                                                                      "data after the JSON document",
		`{"hegui_evidence": 1, "target": {"id": "a"}} trailing`:                                                                                                          "data after the JSON document",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "observations": [{"kind": "data_type", "key": "imsi", "level": "observed", "detail": {"before_consent": "yes"}}]}`: "before_consent",
		`{"hegui_evidence": 1, "target": {"id": "a"}, "observations": [{"kind": "endpoint", "key": "a.cn", "level": "observed", "detail": {"country": "CHN"}}]}`:         "alpha-2",
	}
	for doc, want := range cases {
		_, err := Read(strings.NewReader(doc), "x.json", "", nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", doc, err, want)
		}
	}
}

func TestReadDefaults(t *testing.T) {
	set, err := Read(strings.NewReader(`{"hegui_evidence": 1, "target": {"id": "a"},
	  "observations": [{"kind": "policy_claim", "key": "collects", "level": "declared", "detail": {"data_type": "contacts"}}]}`), "p.json", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	o := set.Observations[0]
	if o.Source != evidence.InputEvidence || o.Where.File != "p.json" || len(set.Inputs) != 1 || set.Inputs[0] != evidence.InputEvidence {
		t.Errorf("defaults: %+v inputs %v", o, set.Inputs)
	}
}

func TestReadNormalisesFlagsAndCountries(t *testing.T) {
	set, err := Read(strings.NewReader(`{"hegui_evidence": 1, "target": {"id": "a"}, "inputs": ["traffic"],
	  "observations": [{"kind": "data_type", "key": "imsi", "level": "observed", "detail": {"before_consent": "TRUE", "country": " US", "plaintext": "False"}}]}`), "t.json", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	d := set.Observations[0].Detail
	if d["before_consent"] != "true" || d["plaintext"] != "false" || d["country"] != "us" {
		t.Errorf("details %v", d)
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"hegui_evidence": 1, "target": {"id": "a"}, "inputs": ["policy"], "observations": [{"kind": "x", "key": "y", "level": "observed", "where": {"offset": -1, "packet": -5}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		set, err := Read(bytes.NewReader(b), "f.json", "", nil)
		if err != nil {
			return
		}
		if set.Target.ID == "" {
			t.Fatal("accepted a file without a target id")
		}
		for _, in := range set.Inputs {
			if in == evidence.InputAndroid || in == evidence.InputIOS || in == evidence.InputHarmony {
				t.Fatalf("accepted package input %q", in)
			}
		}
	})
}

// An evidence file reports losses of its own content only, bounded: it
// cannot declare the package's code lost (which would turn code rules to
// not evaluated), nor flood the report.
func TestEvidenceFileErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"hegui_evidence": 1, "target": {"id": "a"}, "errors": [{"source": "android", "part": "code", "cause": "malformed", "error": "x"}]}`: `part "code"`,
		`{"hegui_evidence": 1, "target": {"id": "a"}, "errors": [{"source": "x", "part": "kode", "error": "x"}]}`:                             `part "kode"`,
		`{"hegui_evidence": 1, "target": {"id": "a"}, "errors": [{"source": "x", "cause": "packer", "error": "x"}]}`:                          `cause "packer"`,
	} {
		if _, err := Read(strings.NewReader(doc), "e.json", "", nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
	var b strings.Builder
	b.WriteString(`{"hegui_evidence": 1, "target": {"id": "a"}, "errors": [`)
	for i := range 1000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"source": "android", "error": "capture truncated"}`)
	}
	b.WriteString(`]}`)
	set, err := Read(strings.NewReader(b.String()), "e.json", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Errors) != evidence.MaxErrorsPerClass+1 || set.Errors[0].Source != "evidence" || set.Errors[0].Part != evidence.PartContent {
		t.Errorf("%d errors, first %+v", len(set.Errors), set.Errors[0])
	}
}
