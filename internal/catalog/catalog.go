// Package catalog holds hegui's reference data, typed and indexed: the PI
// type vocabulary, Android permissions and APIs with the PI they expose,
// content-provider URIs and Settings keys, third-party SDK signatures and
// app packers (hardening shells), and the owners of network hosts.
//
// The data are the YAML files embedded by package data, one directory per
// platform (android/, sdk/, network/…). They are decoded and checked at
// build time: `go generate` writes them as Go values (tables_gen.go), so
// Load costs next to nothing, and a test fails while that file is stale.
// LoadFS decodes and checks YAML files at run time (every PI key used
// exists, ids are unique, every entry cites a declared source, every SDK
// has at least one signature). The lookup tables of SDK signatures — a
// trie over package segments for class names, sorted lists for hosts,
// native libraries, manifest components and meta-data keys — are part of
// the generated data; the maps of PI types and API members are built on
// first use. A Catalog is read-only and safe for concurrent use.
//
// The files are organised by platform: pitypes.go (the shared vocabulary),
// android.go, ios.go, harmony.go, network.go (host owners), sdk.go, match.go
// and sdkindex.go (SDK and packer signatures); *_yaml.go decode and check
// the YAML of each.
package catalog

//go:generate go test -tags hegui_yaml -run ^TestGenerated$ . -update

import (
	"io/fs"
	"sync"
)

// Catalog is the reference data with its lookup tables.
type Catalog struct {
	t *tables

	// The maps of PI types and API members, each built on first use.
	typeIndex   func() map[string]int
	memberIndex func() memberIndex
}

// tables is the reference data as decoded and checked, without indexes:
// slices in a fixed order, so that the generated form is static data.
type tables struct {
	// versions holds each file's version, sorted by file.
	versions []fileVersion
	// types are the PI types in file order.
	types []DataType
	// perms are the permissions sorted by name.
	perms []Permission
	// apis are the method and field rules, one per member, in file order.
	apis []API
	// uris are the content-provider rules, longest URI first.
	uris []API
	// settings are the Settings key rules sorted by key.
	settings []API
	// valueCalls are the calls that tell what becomes of a value, in
	// file order.
	valueCalls []ValueCall
	// sdks are sorted by id; sdkIndex holds their signatures' lookup tables.
	sdks     []SDK
	sdkIndex sdkIndex
	// packers are in file order.
	packers []Packer
	// nonNetwork holds hosts of URLs that are identifiers, not endpoints,
	// sorted.
	nonNetwork []string
	// hosts are the host owners sorted by domain; hostIndex finds them.
	hosts     []HostOwner
	hostIndex strIndex
	// iosUsage are the Info.plist usage keys sorted by key, iosAPIs the
	// required reason API categories sorted by name.
	iosUsage []IOSUsageKey
	iosAPIs  []IOSAPICategory
	// harmonyPerms are the HarmonyOS permissions sorted by name.
	harmonyPerms []HarmonyPermission
	// libs are the local open-source libraries sorted by prefix.
	libs []Library
	// consentWords name consent flags in preference keys, lower case.
	consentWords []string
	// compliant are "class.method" SDK entries compliant before consent.
	compliant []string
	// consentPolicy and consentAgree are the words of consent texts.
	consentPolicy, consentAgree, consentNot []string
}

type fileVersion struct{ file, version string }

// newCatalog wraps t; the indexes are built when first needed.
func newCatalog(t *tables) *Catalog {
	return &Catalog{
		t:           t,
		typeIndex:   sync.OnceValue(func() map[string]int { return indexTypes(t.types) }),
		memberIndex: sync.OnceValue(func() memberIndex { return indexMembers(t.apis) }),
	}
}

var loadEmbedded = sync.OnceValues(func() (*Catalog, error) {
	t, err := embeddedTables()
	if err != nil {
		return nil, err
	}
	return newCatalog(t), nil
})

// Load returns the catalog of the embedded data files. They were decoded
// and checked when hegui was built; every call returns the same read-only
// Catalog.
func Load() (*Catalog, error) { return loadEmbedded() }

// LoadFS decodes and checks the data files in fsys (laid out as in package
// data: android/…, sdk/…) and builds a Catalog.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	t, err := decodeFS(fsys)
	if err != nil {
		return nil, err
	}
	return newCatalog(t), nil
}

// Versions returns the version of each data file, keyed by its path inside
// the data file system ("sdk/sdks.yaml").
func (c *Catalog) Versions() map[string]string {
	m := make(map[string]string, len(c.t.versions))
	for _, v := range c.t.versions {
		m[v.file] = v.version
	}
	return m
}

// Error reports a data file that cannot be read or fails validation. The
// slices returned by the Catalog's accessors share memory with the catalog
// and must not be modified.
type Error struct {
	File  string // path inside the data file system
	Entry string // the entry at fault ("sdks[12] umeng-analytics"), if any
	Err   error
}

func (e *Error) Error() string {
	if e.Entry == "" {
		return "catalog: " + e.File + ": " + e.Err.Error()
	}
	return "catalog: " + e.File + ": " + e.Entry + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func entryErr(entry string, err error) *Error { return &Error{Entry: entry, Err: err} }
