package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/golit"
)

var update = flag.Bool("update", false, "rewrite rules_gen.go from the built-in rule files")

const genFile = "rules_gen.go"

// TestGenerated checks that rules_gen.go holds what parsing each built-in
// rule file (data/rules) gives; with -update (go generate) it rewrites the
// file.
func TestGenerated(t *testing.T) {
	files, err := fs.Glob(data.FS, "rules/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in rule files: %v", err)
	}
	var digests []string
	var parsed [][]Rule
	for _, name := range files {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := Parse(b, "builtin")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sum := sha256.Sum256(b)
		digests = append(digests, hex.EncodeToString(sum[:]))
		parsed = append(parsed, rs)
	}
	if *update {
		src, err := golit.File(golit.Header{
			Generator: "go generate (rules TestGenerated) from data/rules/*.yaml",
			Package:   "rules", PkgPath: "github.com/hegui/hegui/internal/rules",
			Build: "!hegui_yaml",
		}, golit.Decl{
			Name:  "builtinDigests",
			Doc:   "builtinDigests are the SHA-256 digests of the built-in rule files, in the order of builtinRules.",
			Value: digests,
		}, golit.Decl{
			Name:  "builtinRules",
			Doc:   "builtinRules returns a fresh copy of the rules of each built-in rule file.",
			Value: parsed,
			Func:  true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(genFile, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	gen := builtinRules()
	if gen == nil {
		t.Skip("built with -tags hegui_yaml: no generated rules")
	}
	for i, name := range files {
		j := generatedFile(mustRead(t, name))
		if j < 0 {
			t.Fatalf("%s is stale (%s has changed): run go generate ./...", genFile, name)
		}
		if !reflect.DeepEqual(gen[j], parsed[i]) {
			t.Fatalf("%s is stale (its rules of %s differ): run go generate ./...", genFile, name)
		}
	}
	if len(gen) != len(files) {
		t.Fatalf("%s holds %d rule files, data/rules has %d: run go generate ./...", genFile, len(gen), len(files))
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(data.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoadFSParsesChangedFiles checks that a rule file that differs from
// the generated ones is parsed, not taken from the generated copy.
func TestLoadFSParsesChangedFiles(t *testing.T) {
	b := mustRead(t, "rules/traffic.yaml")
	fsys := fstest.MapFS{"r/traffic.yaml": {Data: append(b, "\n# changed\n"...)}}
	got, err := LoadFS(fsys, "r")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(b, "builtin")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("LoadFS of a changed file differs from Parse")
	}
	bad := fstest.MapFS{"r/x.yaml": {Data: []byte("rules: [{id: HG-X, colour: red}]\n")}}
	if _, err := LoadFS(bad, "r"); err == nil {
		t.Error("LoadFS accepted an unknown field")
	}
}
