package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/evidencefile"
)

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/app.apk", "a/b/Classes.DEX", "a/notes.txt", "c.ipa", "policy.json"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A symlink loop must not be followed.
	if err := os.Symlink(dir, filepath.Join(dir, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	got, err := Expand([]string{dir, filepath.Join(dir, "policy.json")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a/app.apk"), filepath.Join(dir, "a/b/Classes.DEX"), filepath.Join(dir, "c.ipa"), filepath.Join(dir, "policy.json")}
	if len(got) != len(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := Expand([]string{filepath.Join(dir, "missing.apk")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing path: %v", err)
	}
}

func set(id string, inputs ...string) *evidence.Set {
	return &evidence.Set{Target: evidence.Target{ID: id, Path: id + "/" + inputs[0]}, Inputs: inputs,
		Observations: []evidence.Observation{{Kind: evidence.SDK, Key: inputs[0], Level: evidence.Present}}}
}

func TestJoin(t *testing.T) {
	bad := Result{Path: "bad.apk", Err: errors.New("broken")}
	in := []Result{
		{Set: set("com.a", evidence.InputPolicy)},
		{Set: set("com.a", evidence.InputAndroid)},
		bad,
		{Set: set("com.a", evidence.InputAndroid)}, // a second build of the same app
		{Set: set("com.b", evidence.InputTraffic)},
		{Set: set("com.b", evidence.InputPolicy)},
		{Set: set("", evidence.InputAndroid)},
	}
	out := Join(in)
	if len(out) != 5 {
		t.Fatalf("%d results: %+v", len(out), out)
	}
	for _, i := range []int{0, 2} {
		s := out[i].Set
		if s.Target.ID != "com.a" || !s.HasInput(evidence.InputAndroid) || !s.HasInput(evidence.InputPolicy) || len(s.Observations) != 2 {
			t.Errorf("package %d: %+v", i, s)
		}
	}
	if out[1].Err == nil {
		t.Errorf("the failed input must stay in place: %+v", out[1])
	}
	b := out[3].Set
	if b.Target.ID != "com.b" || !b.HasInput(evidence.InputTraffic) || !b.HasInput(evidence.InputPolicy) || len(b.Observations) != 2 {
		t.Errorf("side inputs without a package: %+v", b)
	}
	if out[4].Set.Target.ID != "" {
		t.Errorf("no identity: %+v", out[4].Set)
	}
}

// A real evidence file through the scanner: sniffed, read and joined.
func TestScannerReadsEvidenceFiles(t *testing.T) {
	sc := &Scanner{Analyzers: []Analyzer{evidencefile.Analyzer{}}, Limits: artifact.DefaultLimits()}
	res := sc.Run(context.Background(), []string{"../../testdata/evidence/leaky-policy-gaps.json", "scan.go"})
	if res[0].Err != nil || res[0].Set.Target.ID != "com.example.leaky" {
		t.Errorf("evidence file: %+v", res[0])
	}
	if !errors.Is(res[1].Err, ErrUnsupported) {
		t.Errorf("Go source: %v", res[1].Err)
	}
}
