package law

import (
	"fmt"
	"slices"
	"strings"
)

// The YAML shapes of the three files. Unknown fields are errors.

type instrumentsFile struct {
	Version     string          `yaml:"version"`
	Sources     []string        `yaml:"sources"`
	Instruments []rawInstrument `yaml:"instruments"`
}

type rawInstrument struct {
	ID        string   `yaml:"id"`
	TitleZh   string   `yaml:"title_zh"`
	TitleEn   string   `yaml:"title_en"`
	CiteZh    string   `yaml:"cite_zh"`
	CiteEn    string   `yaml:"cite_en"`
	Issuer    string   `yaml:"issuer"`
	DocNumber string   `yaml:"doc_number"`
	Published string   `yaml:"published"`
	Effective string   `yaml:"effective"`
	Status    string   `yaml:"status"`
	URL       string   `yaml:"url"`
	Verified  string   `yaml:"verified"`
	Source    []string `yaml:"source"`
	Note      string   `yaml:"note"`
}

type provisionsFile struct {
	Version    string         `yaml:"version"`
	Sources    []string       `yaml:"sources"`
	Provisions []rawProvision `yaml:"provisions"`
}

type rawProvision struct {
	ID             string   `yaml:"id"`
	Instrument     string   `yaml:"instrument"`
	Number         string   `yaml:"number"`
	NumberEn       string   `yaml:"number_en"`
	TitleZh        string   `yaml:"title_zh"`
	TitleEn        string   `yaml:"title_en"`
	SummaryZh      string   `yaml:"summary_zh"`
	SummaryEn      string   `yaml:"summary_en"`
	QuoteZh        string   `yaml:"quote_zh"`
	Verified       string   `yaml:"verified"`
	NumberVerified string   `yaml:"number_verified"`
	Source         []string `yaml:"source"`
	Note           string   `yaml:"note"`
}

type appTypesFile struct {
	Version    string       `yaml:"version"`
	Instrument string       `yaml:"instrument"`
	Sources    []string     `yaml:"sources"`
	AppTypes   []rawAppType `yaml:"app_types"`
}

type rawAppType struct {
	ID              string    `yaml:"id"`
	Seq             int       `yaml:"seq"`
	Ref             string    `yaml:"ref"`
	NameZh          string    `yaml:"name_zh"`
	NameEn          string    `yaml:"name_en"`
	BasicFunctionZh string    `yaml:"basic_function_zh"`
	BasicFunctionEn string    `yaml:"basic_function_en"`
	NoPIRequired    bool      `yaml:"no_pi_required"`
	Aliases         []string  `yaml:"aliases"`
	Verified        string    `yaml:"verified"`
	Source          []string  `yaml:"source"`
	NecessaryPI     []rawItem `yaml:"necessary_pi"`
	Notes           []string  `yaml:"notes"`
}

type rawItem struct {
	Zh        string `yaml:"zh"`
	En        string `yaml:"en"`
	Key       string `yaml:"key"`
	Sensitive bool   `yaml:"sensitive"`
	Condition string `yaml:"condition"`
	Note      string `yaml:"note"`
}

// cac191Items is the number of items in each of the six parts of the
// 认定方法 (4+4+9+6+3+5 = 31).
var cac191Items = [...]int{4, 4, 9, 6, 3, 5}

// The Necessary-PI Provisions, Art. 5: 39 types, of which types 21 and 27-38
// need no PI for their basic function.
const appTypeCount = 39

func noPIType(seq int) bool { return seq == 21 || (seq >= 27 && seq <= 38) }

// builder turns the decoded files into tables, collecting every problem.
type builder struct {
	t              *tables
	instrumentByID map[string]int
	provisionByID  map[string]int
	errs           []error
}

func (b *builder) fail(file, id, format string, args ...any) {
	if len(b.errs) == maxErrors {
		b.errs = append(b.errs, &FormatError{File: file, Msg: "too many errors"})
	}
	if len(b.errs) > maxErrors {
		return
	}
	b.errs = append(b.errs, &FormatError{File: file, ID: id, Msg: fmt.Sprintf(format, args...)})
}

// header checks a file's version and sources list.
func (b *builder) header(file, version string, sources []string) {
	if version == "" {
		b.fail(file, "", "missing version")
	}
	if len(sources) == 0 {
		b.fail(file, "", "missing sources")
	}
	b.t.versions = append(b.t.versions, fileVersion{file: file, version: version})
}

// sources checks an entry's source tags against the file's sources list.
func (b *builder) sources(file, id string, tags, declared []string) {
	if len(tags) == 0 {
		b.fail(file, id, "missing source")
	}
	for _, t := range tags {
		if !slices.Contains(declared, t) {
			b.fail(file, id, "source %q not in the file's sources", t)
		}
	}
}

func validMark(m string) bool {
	return m == VerifiedPrimary || m == VerifiedReprint || m == VerifiedUnchecked
}

func validStatus(s string) bool {
	switch s {
	case StatusInForce, StatusDraft, StatusRecommendedStandard, StatusGroupStandard:
		return true
	}
	return false
}

// isCode reports whether s is an instrument id: an upper-case letter, then
// upper-case letters and digits.
func isCode(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isKey reports whether s is a snake_case key: a lower-case letter, then
// lower-case letters, digits and '_'.
func isKey(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// numberSuffix classifies a provision id's suffix: numbered ("28", "3.1",
// "AnnexF") or topic ("local-storage": lower-case words and '-').
func numberSuffix(s string) (numbered, topic bool) {
	if s == "" {
		return false, false
	}
	numbered, topic = true, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		isDigit := c >= '0' && c <= '9'
		isLower := c >= 'a' && c <= 'z'
		isUpper := c >= 'A' && c <= 'Z'
		if !(isDigit || isUpper || isLower || c == '.') {
			numbered = false
		}
		if !(isLower || isDigit || c == '-') {
			topic = false
		}
	}
	if s[0] < 'a' || s[0] > 'z' {
		topic = false
	}
	return numbered && !topic, topic
}

func (b *builder) instruments(f *instrumentsFile) {
	const file = InstrumentsFile
	b.header(file, f.Version, f.Sources)
	if len(f.Instruments) == 0 {
		b.fail(file, "", "no instruments")
	}
	for i, r := range f.Instruments {
		id := r.ID
		if !isCode(id) {
			b.fail(file, fmt.Sprintf("instruments[%d]", i), "bad id %q (want upper-case letters and digits)", id)
			continue
		}
		if _, dup := b.instrumentByID[id]; dup {
			b.fail(file, id, "duplicate id")
			continue
		}
		if r.TitleZh == "" || r.TitleEn == "" {
			b.fail(file, id, "missing title_zh or title_en")
		}
		if r.CiteZh == "" || r.CiteEn == "" {
			b.fail(file, id, "missing cite_zh or cite_en")
		}
		if !validStatus(r.Status) {
			b.fail(file, id, "bad status %q", r.Status)
		}
		if !validMark(r.Verified) {
			b.fail(file, id, "bad verified mark %q", r.Verified)
		}
		b.sources(file, id, r.Source, f.Sources)
		b.instrumentByID[id] = len(b.t.instruments)
		b.t.instruments = append(b.t.instruments, Instrument{
			ID: id, TitleZh: r.TitleZh, TitleEn: r.TitleEn, Issuer: r.Issuer,
			DocNumber: r.DocNumber, Published: r.Published, Effective: r.Effective,
			Status: r.Status, URL: r.URL, CiteZh: r.CiteZh, CiteEn: r.CiteEn,
			Verified: r.Verified, Note: r.Note, Sources: r.Source,
		})
	}
}

func (b *builder) provisions(f *provisionsFile) {
	const file = ProvisionsFile
	b.header(file, f.Version, f.Sources)
	for i, r := range f.Provisions {
		id := r.ID
		if id == "" {
			b.fail(file, fmt.Sprintf("provisions[%d]", i), "missing id")
			continue
		}
		if _, dup := b.provisionByID[id]; dup {
			b.fail(file, id, "duplicate id")
			continue
		}
		in, ok := b.instrumentByID[r.Instrument]
		if !ok {
			b.fail(file, id, "unknown instrument %q", r.Instrument)
			continue
		}
		suffix, ok := strings.CutPrefix(id, r.Instrument+"-")
		numbered, topic := numberSuffix(suffix)
		switch {
		case !ok || (!numbered && !topic):
			b.fail(file, id, "id is not %s-<number> or %s-<topic>", r.Instrument, r.Instrument)
		case numbered && (r.Number == "" || r.NumberEn == ""):
			b.fail(file, id, "numbered id needs number and number_en")
		case topic && (r.Number != "" || r.NumberEn != ""):
			b.fail(file, id, "topic id must have no number (use a numbered id)")
		case topic && r.NumberVerified != VerifiedUnchecked && r.Verified != VerifiedUnchecked:
			b.fail(file, id, "topic id needs number_verified: M (its number is not verified)")
		}
		if r.TitleZh == "" || r.TitleEn == "" {
			b.fail(file, id, "missing title_zh or title_en")
		}
		if r.SummaryZh == "" || r.SummaryEn == "" {
			b.fail(file, id, "missing summary_zh or summary_en")
		}
		if !validMark(r.Verified) {
			b.fail(file, id, "bad verified mark %q", r.Verified)
		}
		if r.NumberVerified != "" && !validMark(r.NumberVerified) {
			b.fail(file, id, "bad number_verified mark %q", r.NumberVerified)
		}
		b.sources(file, id, r.Source, f.Sources)
		inst := b.t.instruments[in]
		b.provisionByID[id] = len(b.t.provisions)
		b.t.provisions = append(b.t.provisions, Provision{
			ID: id, Instrument: r.Instrument, Number: r.Number, NumberEn: r.NumberEn,
			TitleZh: r.TitleZh, TitleEn: r.TitleEn, SummaryZh: r.SummaryZh,
			SummaryEn: r.SummaryEn, QuoteZh: r.QuoteZh, Verified: r.Verified,
			NumberVerified: r.NumberVerified, Note: r.Note, Sources: r.Source,
			citeZh: inst.CiteZh, citeEn: inst.CiteEn,
		})
	}
	for part, n := range cac191Items {
		for item := 1; item <= n; item++ {
			id := fmt.Sprintf("CAC191-%d.%d", part+1, item)
			if _, ok := b.provisionByID[id]; !ok {
				b.fail(file, id, "missing 认定方法 item")
			}
		}
	}
	b.sortProvisions()
}

// sortProvisions puts the provisions in citation order and rebuilds the index.
func (b *builder) sortProvisions() {
	order := b.instrumentByID
	slices.SortStableFunc(b.t.provisions, func(x, y Provision) int {
		if c := order[x.Instrument] - order[y.Instrument]; c != 0 {
			return c
		}
		return compareNumbers(strings.TrimPrefix(x.ID, x.Instrument+"-"),
			strings.TrimPrefix(y.ID, y.Instrument+"-"))
	})
	for i, p := range b.t.provisions {
		b.provisionByID[p.ID] = i
	}
}

func (b *builder) appTypes(f *appTypesFile) {
	const file = AppTypesFile
	b.header(file, f.Version, f.Sources)
	var citeZh, citeEn string
	if i, ok := b.instrumentByID[f.Instrument]; ok {
		citeZh, citeEn = b.t.instruments[i].CiteZh, b.t.instruments[i].CiteEn
	} else {
		b.fail(file, "", "unknown instrument %q", f.Instrument)
	}
	if len(f.AppTypes) != appTypeCount {
		b.fail(file, "", "%d app types, want %d", len(f.AppTypes), appTypeCount)
	}
	var seen [appTypeCount + 1]bool
	ids := map[string]bool{}
	for i, r := range f.AppTypes {
		id := r.ID
		if !isKey(id) {
			b.fail(file, fmt.Sprintf("app_types[%d]", i), "bad id %q (want snake_case)", id)
			continue
		}
		if ids[id] {
			b.fail(file, id, "duplicate id")
			continue
		}
		ids[id] = true
		if r.Seq < 1 || r.Seq > appTypeCount {
			b.fail(file, id, "seq %d out of 1..%d", r.Seq, appTypeCount)
			continue
		}
		if seen[r.Seq] {
			b.fail(file, id, "duplicate seq %d", r.Seq)
			continue
		}
		seen[r.Seq] = true
		if r.Ref == "" || r.NameZh == "" || r.NameEn == "" || r.BasicFunctionZh == "" || r.BasicFunctionEn == "" {
			b.fail(file, id, "missing ref, name or basic function")
		}
		if r.NoPIRequired != noPIType(r.Seq) {
			b.fail(file, id, "no_pi_required is %v; the Provisions say %v for type %d", r.NoPIRequired, noPIType(r.Seq), r.Seq)
		}
		if r.NoPIRequired != (len(r.NecessaryPI) == 0) {
			b.fail(file, id, "no_pi_required is %v but %d necessary_pi items", r.NoPIRequired, len(r.NecessaryPI))
		}
		if !validMark(r.Verified) {
			b.fail(file, id, "bad verified mark %q", r.Verified)
		}
		b.sources(file, id, r.Source, f.Sources)
		t := AppType{
			ID: id, Seq: r.Seq, Ref: r.Ref, NameZh: r.NameZh, NameEn: r.NameEn,
			BasicFunctionZh: r.BasicFunctionZh, BasicFunctionEn: r.BasicFunctionEn,
			NoPIRequired: r.NoPIRequired, Verified: r.Verified, Notes: r.Notes,
			Sources: r.Source, citeZh: citeZh, citeEn: citeEn,
		}
		for j, it := range r.NecessaryPI {
			if !isKey(it.Key) {
				b.fail(file, id, "necessary_pi[%d]: bad key %q", j, it.Key)
			}
			if it.Zh == "" || it.En == "" {
				b.fail(file, id, "necessary_pi[%d]: missing zh or en", j)
			}
			t.NecessaryPI = append(t.NecessaryPI, NecessaryItem{
				Key: it.Key, Zh: it.Zh, En: it.En, Condition: it.Condition,
				Sensitive: it.Sensitive, Note: it.Note,
			})
		}
		for _, a := range r.Aliases {
			t.Aliases = append(t.Aliases, normalizeName(a))
		}
		b.t.appTypes = append(b.t.appTypes, t)
	}
	slices.SortFunc(b.t.appTypes, func(x, y AppType) int { return x.Seq - y.Seq })
	appTypeNames(b.t.appTypes, func(id, format string, args ...any) { b.fail(AppTypesFile, id, format, args...) })
}

// appTypeNames maps every name of every type to its index; fail is told of
// a name shared by two types.
func appTypeNames(types []AppType, fail func(id, format string, args ...any)) map[string]int {
	byName := make(map[string]int, 4*len(types))
	for i, t := range types {
		names := append([]string{t.ID}, t.Aliases...)
		if zh := normalizeName(t.NameZh); zh != "" {
			names = append(names, zh)
			if short, ok := strings.CutSuffix(zh, "类"); ok && short != "" {
				names = append(names, short)
			}
		}
		for _, n := range names {
			if n == "" {
				fail(t.ID, "empty alias")
				continue
			}
			if j, dup := byName[n]; dup {
				if j != i {
					fail(t.ID, "name %q also names %s", n, types[j].ID)
				}
				continue
			}
			byName[n] = i
		}
	}
	return byName
}
