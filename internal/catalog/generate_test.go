package catalog

import (
	"flag"
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
	got, err := embeddedTables()
	if err != nil && !*update {
		t.Fatal(err)
	}
	h := golit.Header{Generator: "go generate (catalog TestGenerated) from data/*/*.yaml", Package: "catalog", PkgPath: "github.com/hegui/hegui/internal/catalog", Build: "!hegui_yaml"}
	d := golit.Decl{Name: "embedded", Doc: "embedded is the reference data of package data, decoded and checked.", Value: *want}
	if err := golit.Sync(*update, genFile, h, d, got); err != nil {
		t.Fatal(err)
	}
}
