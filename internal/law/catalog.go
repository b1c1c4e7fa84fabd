package law

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The files read from the file system given to LoadFS.
const (
	InstrumentsFile = "legal/instruments.yaml"
	ProvisionsFile  = "legal/provisions.yaml"
	AppTypesFile    = "legal/app_types.yaml"
)

// maxFileSize bounds the memory a legal file may take (the shipped files are
// well under 200 KiB).
const maxFileSize = 8 << 20

// maxErrors bounds the problems one load reports.
const maxErrors = 50

// A FormatError reports a legal data file that cannot be read, decoded or
// validated.
type FormatError struct {
	File string // path in the file system, e.g. "legal/provisions.yaml"
	ID   string // id of the entry at fault; empty for the file as a whole
	Msg  string
	Err  error // underlying I/O or YAML error, if any
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("law: ")
	b.WriteString(e.File)
	if e.ID != "" {
		b.WriteString(": ")
		b.WriteString(e.ID)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }

// A Catalog is the loaded, validated legal catalog. It is read-only; its
// methods return copies and are safe for concurrent use.
type Catalog struct {
	t *tables
	// index is built on first use.
	index func() *index
}

// tables is the legal catalog as decoded and checked, without indexes, so
// that its generated form (tables_gen.go) is static data.
type tables struct {
	instruments []Instrument // in file order
	provisions  []Provision  // in citation order (instrument, then number)
	appTypes    []AppType    // in Seq order
	versions    []fileVersion
}

type fileVersion struct{ file, version string }

// index finds entries of the tables by id or name.
type index struct {
	instrumentByID map[string]int
	provisionByID  map[string]int
	appTypeByName  map[string]int // normalized id, alias and Chinese names
}

func newCatalog(t *tables) *Catalog {
	return &Catalog{t: t, index: sync.OnceValue(func() *index {
		idx := &index{
			instrumentByID: make(map[string]int, len(t.instruments)),
			provisionByID:  make(map[string]int, len(t.provisions)),
		}
		for i, in := range t.instruments {
			idx.instrumentByID[in.ID] = i
		}
		for i, p := range t.provisions {
			idx.provisionByID[p.ID] = i
		}
		// The names were checked when the files were decoded.
		idx.appTypeByName = appTypeNames(t.appTypes, func(string, string, ...any) {})
		return idx
	})}
}

// Load returns the catalog embedded in the binary (package data), decoded
// and validated when hegui was built (go generate).
func Load() (*Catalog, error) {
	t, err := embeddedTables()
	if err != nil {
		return nil, err
	}
	return newCatalog(t), nil
}

// LoadFS reads the catalog from fsys (the files InstrumentsFile,
// ProvisionsFile and AppTypesFile) and validates it: ids unique and well
// formed, every reference resolved, all 31 items of the 认定方法 present, the
// 39 app types with exactly types 21 and 27-38 needing no PI. Errors are
// *FormatError values (joined when there are several).
func LoadFS(fsys fs.FS) (*Catalog, error) {
	t, err := decodeFS(fsys)
	if err != nil {
		return nil, err
	}
	return newCatalog(t), nil
}

// decodeFS reads, decodes and validates the legal files of fsys.
func decodeFS(fsys fs.FS) (*tables, error) {
	var ins instrumentsFile
	var pro provisionsFile
	var app appTypesFile
	files := []struct {
		name string
		v    any
		buf  []byte
	}{{name: InstrumentsFile, v: &ins}, {name: ProvisionsFile, v: &pro}, {name: AppTypesFile, v: &app}}
	for i := range files {
		buf, err := readFile(fsys, files[i].name)
		if err != nil {
			return nil, err
		}
		files[i].buf = buf
	}
	// Decoding dominates the cost; the files decode in parallel.
	var errs [3]error
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() { errs[i] = decode(f.name, f.buf, f.v) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	b := builder{t: &tables{}, instrumentByID: map[string]int{}, provisionByID: map[string]int{}}
	b.instruments(&ins)
	b.provisions(&pro)
	b.appTypes(&app)
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	slices.SortFunc(b.t.versions, func(x, y fileVersion) int { return strings.Compare(x.file, y.file) })
	return b.t, nil
}

// readFile reads a legal file of at most maxFileSize bytes.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &FormatError{File: name, Err: err}
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &FormatError{File: name, Err: err}
	}
	if len(buf) > maxFileSize {
		return nil, &FormatError{File: name, Msg: fmt.Sprintf("larger than %d bytes", maxFileSize)}
	}
	return buf, nil
}

// decode decodes one YAML document into v; unknown fields are errors.
func decode(name string, buf []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(buf))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return &FormatError{File: name, Msg: "empty file"}
		}
		return &FormatError{File: name, Err: err}
	}
	return nil
}

// Instrument returns the instrument with the id.
func (c *Catalog) Instrument(id string) (Instrument, bool) {
	i, ok := c.index().instrumentByID[id]
	if !ok {
		return Instrument{}, false
	}
	return c.t.instruments[i].clone(), true
}

// Instruments returns all instruments in file order.
func (c *Catalog) Instruments() []Instrument {
	out := make([]Instrument, len(c.t.instruments))
	for i, in := range c.t.instruments {
		out[i] = in.clone()
	}
	return out
}

// Provision returns the provision with the id (e.g. "PIPL-28").
func (c *Catalog) Provision(id string) (Provision, bool) {
	i, ok := c.index().provisionByID[id]
	if !ok {
		return Provision{}, false
	}
	return c.t.provisions[i].clone(), true
}

// Provisions returns all provisions in a stable order: by instrument (in the
// order of instruments.yaml), then by number (numeric parts compared as
// numbers: PIPL-4 before PIPL-13, CAC191-3 before CAC191-3.1).
func (c *Catalog) Provisions() []Provision {
	out := make([]Provision, len(c.t.provisions))
	for i, p := range c.t.provisions {
		out[i] = p.clone()
	}
	return out
}

// AppType returns the app type named by idOrAlias: its id, one of its
// aliases, or its Chinese name with or without the trailing 类. Case, spaces
// and hyphens do not matter ("Ride-Hailing", "taxi", "网络约车类", "网络约车").
func (c *Catalog) AppType(idOrAlias string) (AppType, bool) {
	i, ok := c.index().appTypeByName[normalizeName(idOrAlias)]
	if !ok {
		return AppType{}, false
	}
	return c.t.appTypes[i].clone(), true
}

// AppTypes returns the 39 app types in Seq order.
func (c *Catalog) AppTypes() []AppType {
	out := make([]AppType, len(c.t.appTypes))
	for i, t := range c.t.appTypes {
		out[i] = t.clone()
	}
	return out
}

// Versions returns the `version:` of each file, keyed by file path
// (InstrumentsFile, ProvisionsFile, AppTypesFile).
func (c *Catalog) Versions() map[string]string {
	out := make(map[string]string, len(c.t.versions))
	for _, v := range c.t.versions {
		out[v.file] = v.version
	}
	return out
}

func (in Instrument) clone() Instrument {
	in.Sources = slices.Clone(in.Sources)
	return in
}

func (p Provision) clone() Provision {
	p.Sources = slices.Clone(p.Sources)
	return p
}

func (t AppType) clone() AppType {
	t.NecessaryPI = slices.Clone(t.NecessaryPI)
	t.Aliases = slices.Clone(t.Aliases)
	t.Notes = slices.Clone(t.Notes)
	t.Sources = slices.Clone(t.Sources)
	return t
}

// normalizeName folds an app type name for lookup: lower case, surrounding
// space trimmed, inner spaces and hyphens as '_'.
func normalizeName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// compareNumbers orders provision id suffixes: segments split on '.' and '-',
// numeric segments by value and before words, words lexically.
func compareNumbers(a, b string) int {
	as := strings.FieldsFunc(a, isSep)
	bs := strings.FieldsFunc(b, isSep)
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		switch {
		case aerr == nil && berr == nil:
			if c := cmp.Compare(an, bn); c != 0 {
				return c
			}
		case aerr == nil:
			return -1
		case berr == nil:
			return 1
		default:
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
		}
	}
	if c := len(as) - len(bs); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isSep(r rune) bool { return r == '.' || r == '-' }
