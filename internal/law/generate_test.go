package law

import (
	"flag"
	"os"
	"testing"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/golit"
)

var update = flag.Bool("update", false, "rewrite tables_gen.go from the legal files")

// genFile is the generated form of the embedded data files.
const genFile = "tables_gen.go"

// TestGenerated checks that tables_gen.go holds what decoding and validating
// the legal files gives; with -update (go generate) it rewrites the file.
func TestGenerated(t *testing.T) {
	want, err := decodeFS(data.FS)
	if err != nil {
		t.Fatalf("the legal files fail validation: %v", err)
	}
	if *update {
		src, err := golit.File(golit.Header{
			Generator: "go generate (law TestGenerated) from data/legal/*.yaml",
			Package:   "law", PkgPath: "github.com/hegui/hegui/internal/law",
			Build: "!hegui_yaml",
		}, golit.Decl{
			Name:  "embedded",
			Doc:   "embedded is the legal catalog of package data, decoded and validated.",
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
		t.Fatalf("%s is stale (its %s differ from the legal files): run go generate ./...", genFile, field)
	}
}
