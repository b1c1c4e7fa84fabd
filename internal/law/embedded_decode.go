//go:build hegui_yaml

package law

import "github.com/hegui/hegui/data"

// embeddedTables decodes the embedded legal files at run time. Built with
// -tags hegui_yaml, hegui reads edited YAML without `go generate`, and
// `go generate` can rewrite a tables_gen.go that no longer compiles.
func embeddedTables() (*tables, error) { return decodeFS(data.FS) }
