package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// goldenCase is one command whose whole output is pinned: a change to any
// byte of a report on the fixtures is a change someone meant to make.
type goldenCase struct {
	name string
	args []string
}

func goldenCases() []goldenCase {
	var cs []goldenCase
	add := func(name string, args ...string) { cs = append(cs, goldenCase{name, args}) }
	for _, app := range []string{"leaky", "clean", "packed", "ridehail"} {
		p := filepath.Join(td, "apks", app+".apk")
		add(app+".en.json", "scan", "--lang", "en", "-f", "json", p)
		add(app+".zh.json", "scan", "--lang", "zh", "-f", "json", p)
		add(app+".en.sarif", "scan", "--lang", "en", "-f", "sarif", p)
		add(app+".en.txt", "scan", "--lang", "en", p)
		add(app+".zh.txt", "scan", "--lang", "zh", p)
	}
	// The verdict fixtures (testdata/apks/verdicts.yaml): what hegui says
	// of each case today, so every change of verdict shows in a diff.
	for _, app := range []string{"lookalike", "nolocperm", "adplugin", "consentgate", "noconsent", "umengpre", "permprompt", "helpergate", "policyapp"} {
		add(app+".en.txt", "scan", "--lang", "en", filepath.Join(td, "apks", app+".apk"))
	}
	real, _ := filepath.Glob(filepath.Join(td, "apks/real/*.apk"))
	bad, _ := filepath.Glob(filepath.Join(td, "bad/*.apk"))
	for _, p := range append(real, bad...) {
		name := filepath.Base(filepath.Dir(p)) + "-" + strings.TrimSuffix(filepath.Base(p), ".apk")
		add(name+".en.json", "scan", "--lang", "en", "-f", "json", p)
	}
	leaky := filepath.Join(td, "apks/leaky.apk")
	for _, ev := range []string{"leaky-policy-gaps", "leaky-traffic-leaks"} {
		p := filepath.Join(td, "evidence", ev+".json")
		add("leaky+"+ev+".en.json", "scan", "--lang", "en", "-f", "json", leaky, p)
		add("leaky+"+ev+".zh.txt", "scan", "--lang", "zh", leaky, p)
	}
	for _, ev := range []string{"leaky-policy-gaps", "leaky-traffic-leaks"} {
		add(ev+".en.txt", "scan", "--lang", "en", filepath.Join(td, "evidence", ev+".json"))
	}
	// A real privacy policy read by hegui: joined to an app, and alone.
	pol := filepath.Join(td, "policies", "ca4p-0496.html")
	add("leaky+ca4p-0496.en.json", "scan", "--lang", "en", "-f", "json", leaky, pol)
	add("leaky+ca4p-0496.zh.txt", "scan", "--lang", "zh", leaky, pol)
	add("ca4p-0496.en.txt", "scan", "--lang", "en", pol)
	return cs
}

// TestGolden compares every output on the fixtures with testdata/golden.
// After an intended change: go test ./cmd/hegui -run TestGolden -update,
// then read the diff.
func TestGolden(t *testing.T) {
	dir := filepath.Join(td, "golden")
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{c.args[0], "--no-ignore"}, c.args[1:]...)
			stdout, stderr, code := hegui(t, args...)
			var got bytes.Buffer
			got.WriteString(stdout)
			got.WriteString("--- stderr\n")
			got.WriteString(stderr)
			got.WriteString("--- exit " + strconv.Itoa(code) + "\n")
			file := filepath.Join(dir, c.name)
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("output of hegui %s differs from %s:\n%s", strings.Join(args, " "), file, firstDiff(string(want), got.String()))
			}
		})
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines, different bytes)"
}
