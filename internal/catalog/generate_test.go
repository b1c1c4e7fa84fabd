package catalog

import (
	"flag"
	"os"
	"testing"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/golit"
)

var update = flag.Bool("update", false, "rewrite tables_gen.go from the data files")

// genFile is the generated form of the embedded data files.
const genFile = "tables_gen.go"

// TestGenerated checks that tables_gen.go holds what decoding and checking
// the data files gives; with -update (go generate) it rewrites the file.
func TestGenerated(t *testing.T) {
	want, err := decodeFS(data.FS)
	if err != nil {
		t.Fatalf("the data files fail their checks: %v", err)
	}
	if *update {
		src, err := golit.File(golit.Header{
			Generator: "go generate (catalog TestGenerated) from data/*/*.yaml",
			Package:   "catalog", PkgPath: "github.com/hegui/hegui/internal/catalog",
			Build: "!hegui_yaml",
		}, golit.Decl{
			Name:  "embedded",
			Doc:   "embedded is the reference data of package data, decoded and checked.",
			Value: *want,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(genFile, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := embeddedTables()
	if err != nil {
		t.Fatal(err)
	}
	if field := golit.DiffField(got, want); field != "" {
		t.Fatalf("%s is stale (its %s differ from the data files): run go generate ./...", genFile, field)
	}
}
