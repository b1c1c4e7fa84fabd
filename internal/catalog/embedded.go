//go:build !hegui_yaml

package catalog

// embeddedTables returns the tables generated from the embedded data files
// (tables_gen.go).
func embeddedTables() (*tables, error) { return &embedded, nil }
