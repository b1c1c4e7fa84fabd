//go:build !hegui_yaml

package law

// embeddedTables returns the tables generated from the embedded legal files
// (tables_gen.go).
func embeddedTables() (*tables, error) { return &embedded, nil }
