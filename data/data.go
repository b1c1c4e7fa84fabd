// Package data embeds hegui's reference data: PI types, permissions, APIs,
// SDK signatures, packers, app types and legal texts. Every file cites its
// sources in a header comment and every entry carries a source; the files
// are versioned (a `version:` key each) so reports can say what they used.
package data

import "embed"

// FS holds the data files, read by internal/catalog.
//
//go:embed android sdk legal rules network ios harmony policy traffic
var FS embed.FS
