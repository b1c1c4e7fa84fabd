package law

import (
	"flag"
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
	got, err := embeddedTables()
	if err != nil && !*update {
		t.Fatal(err)
	}
	h := golit.Header{Generator: "go generate (law TestGenerated) from data/legal/*.yaml", Package: "law", PkgPath: "github.com/hegui/hegui/internal/law", Build: "!hegui_yaml"}
	d := golit.Decl{Name: "embedded", Doc: "embedded is the legal catalog of package data, decoded and validated.", Value: *want}
	if err := golit.Sync(*update, genFile, h, d, got); err != nil {
		t.Fatal(err)
	}
}
