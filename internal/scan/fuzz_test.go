package scan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
)

// Any bytes are identified as one registered kind or none, without a
// panic.
func FuzzIdentify(f *testing.F) {
	sc := newScanner(f, nil)
	for _, seed := range []string{"apks/clean.apk", "evidence/leaky-policy-gaps.json", "bad/notzip.apk", "bad/truncated.apk"} {
		b, err := os.ReadFile(filepath.Join(td, seed))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, ".apk")
	}
	f.Add([]byte("dex\n035\x00"), ".dex")
	f.Add([]byte("\xef\xbb\xbf {\"hegui_evidence\": 1}"), ".json")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		if len(data) == 0 || len(data) > 1<<20 || len(ext) > 8 {
			return
		}
		for _, c := range ext {
			if !(c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return
			}
		}
		p := filepath.Join(dir, "input"+ext)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		in, err := artifact.Open(p, artifact.DefaultLimits())
		if err != nil {
			return
		}
		defer in.Close()
		if k := sc.Registry.Identify(in, in.Head(sniffLen)); k != nil && sc.Registry.Kind(k.Name) != k {
			t.Fatalf("identified as an unregistered kind %q", k.Name)
		}
	})
}

// Targets files are user input: any bytes give groups or an error.
func FuzzParseTargets(f *testing.F) {
	f.Add([]byte("targets:\n  - inputs: [a.apk, policy.html]\n  - inputs: [/abs/b.apk]\n"))
	f.Add([]byte("targets: []\n"))
	f.Add([]byte("targets:\n  - inputs: [\"\"]\n"))
	f.Add([]byte("targets: &a\n  - inputs: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := ParseTargets(data, "/base")
		if err != nil {
			return
		}
		if len(groups) == 0 {
			t.Fatal("no groups and no error")
		}
		for _, g := range groups {
			if len(g) == 0 {
				t.Fatal("an empty group")
			}
			for _, p := range g {
				if !filepath.IsAbs(p) {
					t.Fatalf("relative path %q", p)
				}
			}
		}
	})
}
