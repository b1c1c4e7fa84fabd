// Package law is hegui's legal catalog: the instruments it cites (laws,
// regulations, notices, standards, drafts), their citable provisions, and the
// 39 app types of the 2021 Necessary-PI Provisions with the necessary personal
// information of each.
//
// The catalog is read from the YAML files under data/legal (embedded in
// package data) and validated as a whole when loaded; a Catalog is read-only
// and safe for concurrent use.
//
//	cat, err := law.Load()
//	p, _ := cat.Provision("PIPL-28")
//	fmt.Println(p.Cite("zh")) // 《个人信息保护法》第二十八条
package law

//go:generate go test -tags hegui_yaml -run ^TestGenerated$ . -update

import (
	"slices"
	"strconv"

	"github.com/hegui/hegui/internal/text"
)

// Verification marks carried by every entry: how well its content was checked.
const (
	VerifiedPrimary   = "V" // read in a primary-text copy of the law
	VerifiedReprint   = "R" // read in a reprint or news copy of the official text
	VerifiedUnchecked = "M" // not checked against a source text
)

// Instrument statuses.
const (
	StatusInForce             = "in_force"
	StatusDraft               = "draft"
	StatusRecommendedStandard = "recommended_standard"
	StatusGroupStandard       = "group_standard" // industry practice, not law
)

// An Instrument is a law, regulation, notice, standard or draft.
type Instrument struct {
	ID        string // upper-case code, e.g. "PIPL", "CAC191", "GBT41391"
	TitleZh   string
	TitleEn   string
	Issuer    string
	DocNumber string // e.g. "国信办秘字〔2019〕191号"; empty when not verified
	Published string // YYYY-MM-DD, YYYY-MM or YYYY; empty when unknown
	Effective string // same form as Published
	Status    string // one of the Status constants
	URL       string

	CiteZh   string // citation prefix, e.g. "《个人信息保护法》"
	CiteEn   string // citation prefix, e.g. "PIPL"
	Verified string // one of the Verified constants
	Note     string
	Sources  []string
}

// IsLaw reports whether the instrument binds (it is in force and is not a
// recommended or group standard). Drafts and industry practice are not law.
func (in Instrument) IsLaw() bool { return in.Status == StatusInForce }

// A Provision is a citable article, item or clause of an instrument.
type Provision struct {
	ID         string // "<INSTRUMENT>-<number>", e.g. "PIPL-28", "CAC191-3.1", "FRM-local-storage"
	Instrument string // Instrument.ID
	Number     string // as written: "第二十八条", "三、1", "6.6"; empty when not verified
	SummaryZh  string
	SummaryEn  string
	QuoteZh    string // the Chinese key wording read in the source; empty when none was read
	Verified   string // mark of the content
	Sources    []string

	NumberEn       string // "Art. 28", "item 3.1", "§6.6"
	TitleZh        string
	TitleEn        string
	NumberVerified string // mark of the number when it differs from Verified; else empty
	Note           string

	citeZh, citeEn string // the instrument's citation prefixes
}

// Cite returns the provision's citation in Chinese when lang is "zh" (or
// starts with "zh-" or "zh_"), in English otherwise:
//
//	《个人信息保护法》第二十八条 / PIPL Art. 28
//	《App违法违规收集使用个人信息行为认定方法》三、1 / App PI Identification Methods (2019) item 3.1
//
// A provision without a verified number is cited by its title:
// 《人脸识别技术应用安全管理办法》（单独同意）.
func (p Provision) Cite(lang string) string {
	if isZh(lang) {
		if p.Number == "" {
			return p.citeZh + "（" + p.TitleZh + "）"
		}
		return joinCite(p.citeZh, p.Number)
	}
	if p.NumberEn == "" {
		return p.citeEn + " (" + p.TitleEn + ")"
	}
	return p.citeEn + " " + p.NumberEn
}

// Title returns the provision's short title in the language (see Cite).
func (p Provision) Title(lang string) string {
	if isZh(lang) {
		return p.TitleZh
	}
	return p.TitleEn
}

// Summary returns the provision's summary in the language (see Cite).
func (p Provision) Summary(lang string) string {
	if isZh(lang) {
		return p.SummaryZh
	}
	return p.SummaryEn
}

// An AppType is one of the 39 app types of the Necessary-PI Provisions, Art. 5.
type AppType struct {
	ID              string // e.g. "ride_hailing"
	Seq             int    // 1…39, the item (一)…(三十九) of Art. 5
	Ref             string // as written, e.g. "第五条（二）"
	NameZh          string
	NameEn          string
	BasicFunctionZh string
	BasicFunctionEn string
	NoPIRequired    bool            // the basic function needs no PI at all
	NecessaryPI     []NecessaryItem // empty when NoPIRequired
	Aliases         []string        // normalized (lower case, '_' for spaces and '-')

	Verified string
	Notes    []string
	Sources  []string

	citeZh, citeEn string // the Provisions' citation prefixes
}

// A NecessaryItem is one item of necessary PI for an app type.
type NecessaryItem struct {
	Key       string // PI type key of the shared vocabulary, e.g. "trajectory"
	Zh        string // the item as written in the Provisions
	En        string
	Condition string // the item is necessary only in this case; empty when always
	Sensitive bool   // a hint (PIPL Art. 28); the Provisions do not classify sensitivity
	Note      string
}

// Necessary reports whether PI key k is necessary for the type's basic
// function: k is the key of one of its items, or one of the keys that item's
// key includes according to includes (an umbrella resolver, such as the PI
// catalog's `includes` relation: "location" includes "precise_location", …).
// includes may be nil. Conditional items count as necessary; use
// NecessaryItemFor to see the condition.
func (t AppType) Necessary(k string, includes func(umbrella string) []string) bool {
	_, ok := t.NecessaryItemFor(k, includes)
	return ok
}

// NecessaryItemFor returns the first item that makes key k necessary for the
// type (see Necessary). An exact key match wins over a match through an
// umbrella.
func (t AppType) NecessaryItemFor(k string, includes func(umbrella string) []string) (NecessaryItem, bool) {
	if k == "" {
		return NecessaryItem{}, false
	}
	for _, it := range t.NecessaryPI {
		if it.Key == k {
			return it, true
		}
	}
	if includes == nil {
		return NecessaryItem{}, false
	}
	for _, it := range t.NecessaryPI {
		if slices.Contains(includes(it.Key), k) {
			return it, true
		}
	}
	return NecessaryItem{}, false
}

// Cite returns the citation of the type's item of Art. 5, in Chinese when
// lang is "zh", in English otherwise: 《常见类型移动互联网应用程序必要个人信息范围规定》第五条（二）
// / Necessary PI Provisions (2021) Art. 5(2).
func (t AppType) Cite(lang string) string {
	if isZh(lang) {
		return joinCite(t.citeZh, t.Ref)
	}
	return t.citeEn + " Art. 5(" + strconv.Itoa(t.Seq) + ")"
}

// Name returns the type's name in the language (see Cite).
func (t AppType) Name(lang string) string {
	if isZh(lang) {
		return t.NameZh
	}
	return t.NameEn
}

func isZh(lang string) bool { return text.IsZh(lang) }

// joinCite joins a citation prefix and a number, with a space only where an
// ASCII code meets the number ("GB/T 41391-2022 6.6", "《个人信息保护法》第二十八条").
func joinCite(prefix, number string) string {
	if prefix == "" || number == "" {
		return prefix + number
	}
	last := prefix[len(prefix)-1]
	if last < 0x80 && last != ' ' {
		return prefix + " " + number
	}
	return prefix + number
}
