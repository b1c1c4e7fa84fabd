package scan

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/hegui/hegui/"

// layers is the flow of the code, bottom first: a package may import only
// packages of lower layers, and parsers of one platform (android/…) may
// import each other's lower parts. Nothing imports the CLI.
var layers = [][]string{
	{"data", "internal/text", "internal/evidence", "internal/golit"},
	{"internal/artifact", "internal/artifact/ziptest", "internal/catalog", "internal/law", "internal/jvm", "internal/plist", "internal/macho", "internal/abc"},
	{"internal/android/dex", "internal/android/axml"},
	{"internal/android/arsc", "internal/policy", "internal/traffic"},
	{"internal/android/apk", "internal/evidencefile"},            // analyzers
	{"internal/android/aar", "internal/ios", "internal/harmony"}, // SDK packages, iOS, HarmonyOS: the APK reader's endpoints
	{"internal/rules"},
	{"internal/report"},
	{"internal/ignore"},
	{"internal/scan", "internal/store", "internal/store/pgtest", "internal/blob", "internal/blob/s3test"}, // store keeps reports, blob artifacts
	{"internal/jobs"},
	{"internal/server"},
	{"cmd/hegui"},
}

func layerOf(pkg string) (int, bool) {
	for i, l := range layers {
		for _, p := range l {
			if pkg == p {
				return i, true
			}
		}
	}
	return 0, false
}

// Imports point down the flow: artifact → analyzer → evidence → rules →
// report → scan → CLI. Non-test files only; a package this test does not
// know fails it, so a new package is placed on purpose.
func TestImportsPointDown(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", ".git", "gen", "bench", "scripts":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		from, ok := layerOf(pkg)
		if !ok {
			t.Errorf("%s: package %s has no place in the layers of layers_test.go", path, pkg)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module) {
				continue
			}
			dep := strings.TrimPrefix(p, module)
			to, ok := layerOf(dep)
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no place in the layers", path, dep)
			case to >= from:
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down the flow", path, from, dep, to)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
