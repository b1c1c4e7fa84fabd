package scan

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

const td = "../../testdata"

func newScanner(t testing.TB, reg func(*catalog.Catalog, *slog.Logger) (*Registry, error)) *Scanner {
	t.Helper()
	sc, err := New(Config{Registry: reg, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExpand(t *testing.T) {
	sc := newScanner(t, nil)
	dir := t.TempDir()
	for _, p := range []string{"a/app.apk", "a/b/Classes.DEX", "a/notes.txt", "c.ipa", "d.aab", "policy.json"} {
		write(t, filepath.Join(dir, p), "x")
	}
	// A symlink loop must not be followed, nor a link to an app.
	if err := os.Symlink(dir, filepath.Join(dir, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a/app.apk"), filepath.Join(dir, "link.apk")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "a/pipe.apk"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, skipped, err := sc.Registry.Expand([]string{dir, filepath.Join(dir, "policy.json")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a/app.apk"), filepath.Join(dir, "a/b/Classes.DEX"), filepath.Join(dir, "c.ipa"), filepath.Join(dir, "policy.json")}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[filepath.Base(s.Path)] = s.Why.En
	}
	for name, want := range map[string]string{"pipe.apk": "not a regular file (named pipe)", "d.aab": "Android App Bundles are not read", "link.apk": "symbolic link"} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("skip of %s: %q, want %q", name, reasons[name], want)
		}
	}
	if len(skipped) != 3 {
		t.Errorf("skipped %+v", skipped)
	}
	var ce *ConfigError
	if _, _, err := sc.Registry.Expand([]string{filepath.Join(dir, "missing.apk")}); !errors.Is(err, os.ErrNotExist) || !errors.As(err, &ce) {
		t.Errorf("missing path: %v", err)
	}
}

// A named pipe given by name is an unreadable input, not a hang, and the
// app beside it is still reported.
func TestFIFOInputDoesNotHang(t *testing.T) {
	sc := newScanner(t, nil)
	fifo := filepath.Join(t.TempDir(), "app.apk")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := sc.Run(ctx, Request{Inputs: []string{fifo, filepath.Join(td, "apks/clean.apk")}, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failed) != 1 || !strings.Contains(out.Failed[0].Err, "not a regular file") {
		t.Errorf("failed: %+v", out.Failed)
	}
	if len(out.Reports) != 1 || out.Reports[0].Target.ID != "com.example.clean" {
		t.Errorf("the APK beside the pipe: %d reports", len(out.Reports))
	}
}

func TestUnsupportedInputNamesWhatHeguiReads(t *testing.T) {
	sc := newScanner(t, nil)
	out, err := sc.Run(context.Background(), Request{Inputs: []string{"scan.go"}, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failed) != 1 || !strings.Contains(out.Failed[0].Err, "not an input hegui reads: it looks like text; hegui reads: Android app (APK, DEX)") {
		t.Errorf("failed: %+v", out.Failed)
	}
}

func stamped(id string, class evidence.Class, input string) *evidence.Set {
	return &evidence.Set{Target: evidence.Target{ID: id, Path: id + "/" + input}, Inputs: []string{input},
		Classes:      map[string]evidence.Class{input: class},
		Observations: []evidence.Observation{{Kind: evidence.SDK, Key: input, Level: evidence.Present}}}
}

func paths(t Target) string { return strings.Join(t.Paths, ",") }

func TestGroup(t *testing.T) {
	sc := newScanner(t, nil)
	pkg, pol, tra := evidence.ClassPackage, evidence.ClassPolicy, evidence.ClassTraffic
	t.Run("by identity", func(t *testing.T) {
		in := []Result{
			{Path: "a-policy.json", Set: stamped("com.a", pol, "policy")},
			{Path: "a1.apk", Set: stamped("com.a", pkg, "android")},
			{Path: "bad.apk", Err: errors.New("broken")},
			{Path: "a2.apk", Set: stamped("com.a", pkg, "android")}, // a second build of the same app
			{Path: "b-traffic.json", Set: stamped("com.b", tra, "traffic")},
			{Path: "b-policy.json", Set: stamped("com.b", pol, "policy")},
		}
		out, warnings := sc.Group(in, nil)
		if len(out) != 4 {
			t.Fatalf("%d targets: %+v", len(out), out)
		}
		for _, i := range []int{0, 2} {
			s := out[i].Set
			if s.Target.ID != "com.a" || !s.HasInput("android") || !s.HasInput("policy") || !s.HasInput("package") || len(s.Observations) != 2 {
				t.Errorf("package %d: %+v", i, s)
			}
		}
		if out[1].Err == nil || paths(out[1]) != "bad.apk" {
			t.Errorf("the failed input must stay in place: %+v", out[1])
		}
		b := out[3].Set
		if b.Target.ID != "com.b" || !b.HasInput("traffic") || !b.HasInput("policy") || len(b.Observations) != 2 || paths(out[3]) != "b-traffic.json,b-policy.json" {
			t.Errorf("side inputs without a package: %+v", out[3])
		}
		if len(warnings) != 2 {
			t.Errorf("warnings: %q", warnings)
		}
	})
	t.Run("one package takes the inputs that name no app", func(t *testing.T) {
		out, _ := sc.Group([]Result{
			{Path: "policy.html", Set: stamped("", pol, "policy")},
			{Path: "app.apk", Set: stamped("com.a", pkg, "android")},
			{Path: "run.pcap", Set: stamped("", tra, "traffic")},
		}, nil)
		if len(out) != 1 || paths(out[0]) != "app.apk,policy.html,run.pcap" || out[0].Set.Target.ID != "com.a" || !out[0].Set.HasInput("traffic") {
			t.Fatalf("%+v", out)
		}
	})
	t.Run("several packages: an input that names no app must be placed", func(t *testing.T) {
		out, _ := sc.Group([]Result{
			{Path: "a.apk", Set: stamped("com.a", pkg, "android")},
			{Path: "b.apk", Set: stamped("com.b", pkg, "android")},
			{Path: "policy.html", Set: stamped("", pol, "policy")},
		}, nil)
		if len(out) != 3 || out[2].Err == nil || !strings.Contains(out[2].Err.Error(), "--target") {
			t.Fatalf("%+v", out)
		}
		out, _ = sc.Group([]Result{
			{Path: "a.apk", Set: stamped("com.a", pkg, "android")},
			{Path: "b.apk", Set: stamped("com.b", pkg, "android")},
			{Path: "policy.html", Set: stamped("", pol, "policy")},
		}, [][]string{{"policy.html", "b.apk"}})
		if len(out) != 2 || paths(out[0]) != "b.apk,policy.html" || out[0].Set.Target.ID != "com.b" || paths(out[1]) != "a.apk" {
			t.Fatalf("explicit: %+v", out)
		}
	})
	t.Run("no package: inputs that name no app are one target", func(t *testing.T) {
		out, _ := sc.Group([]Result{
			{Path: "policy.html", Set: stamped("", pol, "policy")},
			{Path: "run.pcap", Set: stamped("", tra, "traffic")},
		}, nil)
		if len(out) != 1 || paths(out[0]) != "policy.html,run.pcap" {
			t.Fatalf("%+v", out)
		}
	})
}

// fakePolicy stands for a new reader: it states that the policy lists
// contacts as collected.
type fakePolicy struct{}

func (fakePolicy) Version() string { return "test-1" }

func (fakePolicy) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	set := &evidence.Set{Target: evidence.Target{Kind: "policy", Path: in.Path, Size: in.Size}, Inputs: []string{"fakepolicy"}}
	set.Add(evidence.Observation{Kind: evidence.PolicyClaim, Key: evidence.ClaimCollects, Level: evidence.Declared, Source: "fakepolicy",
		Where: evidence.Location{File: in.Path, Section: "2"}, Detail: map[string]string{"data_type": "contacts"}})
	return set, nil
}

// Adding an input kind is one registration: the new kind is sniffed,
// analyzed, grouped with the APK, evaluated by the policy rules and
// reported, with no other change.
func TestNewInputKindIsOneRegistration(t *testing.T) {
	sc := newScanner(t, func(cat *catalog.Catalog, log *slog.Logger) (*Registry, error) {
		r, err := Builtin(cat, log)
		if err != nil {
			return nil, err
		}
		return r, r.Register(Kind{Name: "fakepolicy", Label: text.New("fake policy", "测试隐私政策"), Class: evidence.ClassPolicy,
			Magic: [][]byte{[]byte("FAKEPOLICY\n")}, Extensions: []string{".fakepolicy"}, Analyzer: fakePolicy{}})
	})
	dir := t.TempDir()
	write(t, filepath.Join(dir, "p.fakepolicy"), "FAKEPOLICY\nWe collect your contacts.\n")
	write(t, filepath.Join(dir, "renamed.txt"), "FAKEPOLICY\nContent, not the name, decides.\n")
	apk := filepath.Join(dir, "leaky.apk")
	b, err := os.ReadFile(filepath.Join(td, "apks/leaky.apk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(apk, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := sc.Run(context.Background(), Request{Inputs: []string{dir}, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failed) != 0 || len(out.Reports) != 1 {
		t.Fatalf("failed %+v, %d reports (a directory walk picks .apk and .fakepolicy, not .txt)", out.Failed, len(out.Reports))
	}
	r := out.Reports[0]
	if r.Target.ID != "com.example.leaky" || strings.Join(r.Inputs, ",") != "android,fakepolicy" {
		t.Fatalf("target %+v inputs %v", r.Target, r.Inputs)
	}
	states := map[string]string{}
	for _, s := range r.Rules {
		states[s.RuleID] = s.State
	}
	// HG-POL-002: PI the app collects that the policy does not list.
	if states["HG-POL-002"] != "fired" {
		t.Errorf("HG-POL-002 is %q: the policy rules did not judge the new kind's evidence", states["HG-POL-002"])
	}
	undeclaredContacts := false
	for _, f := range r.Findings {
		if f.RuleID == "HG-POL-002" && f.Subject == "contacts" {
			undeclaredContacts = true
		}
	}
	if undeclaredContacts {
		t.Error("contacts are listed by the fake policy and must not be reported as undeclared")
	}
	// Named explicitly, content decides: the .txt is the new kind too.
	out, err = sc.Run(context.Background(), Request{Inputs: []string{apk, filepath.Join(dir, "renamed.txt")}, Lang: "en"})
	if err != nil || len(out.Reports) != 1 || !bytes.Contains([]byte(strings.Join(out.Reports[0].Inputs, ",")), []byte("fakepolicy")) {
		t.Fatalf("renamed: %v %+v", err, out)
	}
}

func TestTargetsFile(t *testing.T) {
	dir := t.TempDir()
	groups, err := ParseTargets([]byte("targets:\n  - inputs: [a.apk, policy.html]\n  - inputs: [/abs/b.apk]\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0][0] != filepath.Join(dir, "a.apk") || groups[0][1] != filepath.Join(dir, "policy.html") || groups[1][0] != "/abs/b.apk" {
		t.Errorf("groups %q", groups)
	}
	for doc, want := range map[string]string{
		"targets: []\n":                         "no targets",
		"targets:\n  - inputs: []\n":            "no inputs",
		"targets:\n  - name: x\n":               "field name not found",
		"targets:\n  - inputs: [a]\n    foo: 1": "field foo not found",
	} {
		if _, err := ParseTargets([]byte(doc), dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
}

// Every scan of a Scanner draws decompressed code from one budget, and
// gives it all back.
func TestScansShareOneMemoryBudget(t *testing.T) {
	sc, err := New(Config{Memory: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(td, "apks/leaky.apk"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, n := range []string{"a.apk", "b.apk", "c.apk"} {
		p := filepath.Join(t.TempDir(), n)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, p)
	}
	out, err := sc.Run(context.Background(), Request{Inputs: inputs, Workers: 3})
	if err != nil || len(out.Reports) != 3 {
		t.Fatalf("%v, %d reports", err, len(out.Reports))
	}
	if sc.memory.Peak() == 0 {
		t.Error("the scan did not use the Scanner's memory budget")
	}
	if sc.memory.Held() != 0 {
		t.Errorf("%d bytes still held after the scan", sc.memory.Held())
	}
}

// floodReader stands for a reader that does not bound its own output.
type floodReader struct{ n int }

func (floodReader) Version() string { return "test" }

func (f floodReader) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	set := &evidence.Set{Target: evidence.Target{Path: in.Path}, Inputs: []string{"flood"}}
	for i := range f.n {
		set.Add(evidence.Observation{Kind: evidence.Endpoint, Key: "h" + strconv.Itoa(i), Level: evidence.Observed})
	}
	return set, nil
}

func TestObservationsBoundedForEveryKind(t *testing.T) {
	sc := newScanner(t, func(cat *catalog.Catalog, log *slog.Logger) (*Registry, error) {
		r, err := Builtin(cat, log)
		if err != nil {
			return nil, err
		}
		return r, r.Register(Kind{Name: "flood", Label: text.New("flood", "洪水"), Class: evidence.ClassTraffic,
			Magic: [][]byte{[]byte("FLOOD")}, Analyzer: floodReader{n: MaxObservations + 10}})
	})
	p := filepath.Join(t.TempDir(), "x.flood")
	write(t, p, "FLOOD")
	res := sc.One(context.Background(), p, artifact.DefaultLimits())
	if res.Err != nil || len(res.Set.Observations) != MaxObservations {
		t.Fatalf("%v, %d observations", res.Err, len(res.Set.Observations))
	}
	if e := res.Set.Errors; len(e) != 1 || e[0].Cause != evidence.CauseLimit || !strings.Contains(e[0].Err, "10 dropped") {
		t.Errorf("errors %+v", e)
	}
}

// A file named twice, however spelt, is one input; an explicit target holds
// one app; evidence about an app in an explicit target joins that target.
func TestGroupingByFileAndExplicitTargets(t *testing.T) {
	sc := newScanner(t, nil)
	wd, _ := os.Getwd()
	leaky := filepath.Join(td, "apks/leaky.apk")
	abs := filepath.Join(wd, leaky)
	out, err := sc.Run(context.Background(), Request{Inputs: []string{leaky, "./" + leaky, abs}})
	if err != nil || len(out.Reports) != 1 {
		t.Fatalf("one file named three ways: %v, %d reports", err, len(out.Reports))
	}
	clean := filepath.Join(td, "apks/clean.apk")
	out, err = sc.Run(context.Background(), Request{Targets: [][]string{{leaky, clean}}})
	if err != nil || len(out.Failed) != 1 || !strings.Contains(out.Failed[0].Err, "two app packages") {
		t.Fatalf("two apps in one target: %v, failed %+v", err, out.Failed)
	}
	for _, r := range out.Reports {
		if r.Target.ID == "com.example.clean" && len(r.Findings) > 0 && r.Findings[0].Severity == "critical" {
			t.Error("leaky.apk's findings reported under com.example.clean")
		}
	}
	ev := filepath.Join(td, "evidence/leaky-policy-gaps.json")
	out, err = sc.Run(context.Background(), Request{Inputs: []string{ev}, Targets: [][]string{{leaky}}})
	if err != nil || len(out.Reports) != 1 || !slices.Contains(out.Reports[0].Inputs, "policy") || len(out.Warnings) != 0 {
		t.Fatalf("evidence about an app in an explicit target: %v, %d reports, warnings %v", err, len(out.Reports), out.Warnings)
	}
}
