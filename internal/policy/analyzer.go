package policy

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

// Source names this analyzer in observations.
const Source = "policy"

// Analyzer reads a privacy policy input into policy_claim observations.
type Analyzer struct {
	cat         *catalog.Catalog
	vendorsOnce sync.Once
	vendors     []string // SDK and vendor names, lower case
	once        sync.Once
	lex         *Lexicon
	err         error

	sectionsOnce sync.Once
	sections     *SectionModel
	sectionsErr  error
}

// New returns an analyzer that maps PI terms onto cat's PI types. The
// lexicon is read on first use.
func New(cat *catalog.Catalog) *Analyzer { return &Analyzer{cat: cat} }

// Version changes whenever the output for the same input would.
func (a *Analyzer) Version() string {
	if l, err := a.lexicon(); err == nil {
		return "1+" + l.Version
	}
	return "1"
}

func (a *Analyzer) lexicon() (*Lexicon, error) {
	a.once.Do(func() { a.lex, a.err = LoadLexicon(a.cat) })
	return a.lex, a.err
}

// sectionModel returns the English paragraph classifier, read the first
// time an English paragraph needs it (about 50 ms: not on every scan).
func (a *Analyzer) sectionModel() (*SectionModel, error) {
	a.sectionsOnce.Do(func() { a.sections, a.sectionsErr = LoadSectionModel() })
	return a.sections, a.sectionsErr
}

// LoadLexicon reads the embedded lexicon (data/policy/lexicon.yaml),
// checking its PI keys against cat. The span tagger's models are not
// read (a scan does not tag spans): see LoadTaggerModels.
func LoadLexicon(cat *catalog.Catalog) (*Lexicon, error) {
	b, err := data.FS.ReadFile("policy/lexicon.yaml")
	if err != nil {
		return nil, fmt.Errorf("policy lexicon: %w", err)
	}
	return ParseLexicon(b, func(k string) bool { _, ok := cat.DataType(k); return ok })
}

// LoadTaggerModels reads the span tagger's embedded models (the practice
// sentence and span models) into l, for Tag and Evaluate.
func (l *Lexicon) LoadTaggerModels() error {
	for _, m := range []struct {
		file string
		to   **SectionModel
	}{{"policy/practice.model.gz", &l.practice}, {"policy/spans.model.gz", &l.spans}} {
		b, err := data.FS.ReadFile(m.file)
		if err != nil {
			return fmt.Errorf("%s: %w", m.file, err)
		}
		if *m.to, err = parseGzipModel(b); err != nil {
			return fmt.Errorf("%s: %w", m.file, err)
		}
	}
	return nil
}

// Analyze reads the policy. It fails only when nothing could be read
// (binary data, a PDF without text, an input over the limit); a cut or a
// wrong declared encoding is recorded as an error of the set.
func (a *Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	lex, err := a.lexicon()
	if err != nil {
		return nil, err
	}
	lim := DefaultLimits()
	if in.Size > lim.MaxInput {
		return nil, fmt.Errorf("policy of %d bytes, more than the limit of %d: %w", in.Size, lim.MaxInput, artifact.ErrLimit)
	}
	// Room for the bytes, their decoded copy and the text kept.
	if mem := in.Limits.Memory; mem != nil {
		need := 2*in.Size + int64(lim.MaxText)
		if err := mem.Acquire(ctx, need); err != nil {
			return nil, err
		}
		defer mem.Release(need)
	}
	buf := make([]byte, in.Size)
	if _, err := in.ReaderAt().ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("reading the policy: %w", err)
	}
	name := path.Base(in.Path)
	d, err := Read(ctx, buf, name, lim)
	if err != nil {
		if errors.Is(err, ErrNotText) || errors.Is(err, ErrNoText) || errors.Is(err, ErrNoPDFReader) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return nil, err
	}
	set := &evidence.Set{Target: evidence.Target{Kind: evidence.InputPolicy, Path: in.Path, Size: in.Size, Name: d.Title}, Inputs: []string{evidence.InputPolicy}}
	for _, p := range d.Problems {
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, problemCause(p), "%s", p))
	}
	set.Add(DocumentObservation(name, d, Source))
	if d.Script == "zh-Hant" {
		// Read, not understood: what it states is unknown, so nothing
		// may be judged missing from it.
		set.Fail(Source, name, evidence.Lostf(evidence.PartContent, evidence.CauseUnreadable,
			"the policy is in Traditional Chinese: hegui's lexicon reads Simplified Chinese and English, so its statements were not extracted"))
		return set, nil
	}
	sts, err := a.statements(lex, d)
	if err != nil {
		return nil, err
	}
	set.Add(Observations(name, d, sts)...)
	return set, nil
}

// Claims reads policy bytes found inside another input (a policy bundled
// in an APK's assets) and returns the document and its observations,
// located in file. It returns ok false when the text does not look like a
// privacy policy (see LooksLikePolicy).
func (a *Analyzer) Claims(ctx context.Context, data []byte, file string) (d *Doc, obs []evidence.Observation, ok bool, err error) {
	lex, err := a.lexicon()
	if err != nil {
		return nil, nil, false, err
	}
	d, err = Read(ctx, data, file, DefaultLimits())
	if err != nil {
		return nil, nil, false, err
	}
	if !LooksLikePolicy(file, d) || a.vendorPolicy(d) || d.Script == "zh-Hant" {
		// Not the app's policy, or one hegui cannot understand: it is
		// not read as the policy (the HG-POL rules are not evaluated).
		return d, nil, false, nil
	}
	sts, err := a.statements(lex, d)
	if err != nil {
		return nil, nil, false, err
	}
	return d, Observations(file, d, sts), true, nil
}

// statements are what the document states: by its sentences' words, and
// by the category of its English paragraphs.
func (a *Analyzer) statements(lex *Lexicon, d *Doc) ([]Statement, error) {
	sents := Sentences(d)
	sts := lex.Extract(sents)
	if !slices.ContainsFunc(d.Blocks, func(b Block) bool { return english(b.Text) }) {
		return sts, nil
	}
	m, err := a.sectionModel()
	if err != nil {
		return nil, err
	}
	return append(sts, Classified(d, sents, m)...), nil
}

// MayBePolicy is a cheap first look at a document an app bundles: its file
// name names a privacy policy, or the start of its text does. Only such
// documents are read whole (an app may ship thousands of HTML pages).
func MayBePolicy(file string, data []byte) bool {
	if containsAny(strings.ToLower(path.Base(file)), policyNames) {
		return true
	}
	head := data[:min(len(data), 8<<10)]
	if !utf8.Valid(head[:max(0, len(head)-4)]) {
		// GBK or UTF-16: decode the start (cut mid-character at worst).
		t, _, _, err := decode(head)
		if err != nil {
			return false
		}
		head = []byte(t)
	}
	return containsAny(strings.ToLower(string(head)), policyTitles)
}

// Extensions are the file names read as policies (PDF also by content).
var Extensions = []string{".html", ".htm", ".xhtml", ".txt", ".md", ".markdown", ".pdf"}

// DocumentObservation records a policy document read: its file, format,
// encoding, title and notes, with source as the observation's source.
func DocumentObservation(file string, d *Doc, source string) evidence.Observation {
	det := map[string]string{evidence.DetailPolicyFormat: d.Format, evidence.DetailEncoding: d.Encoding}
	if d.Title != "" {
		det[evidence.DetailName] = d.Title
	}
	if len(d.Notes) > 0 {
		det[evidence.DetailNotes] = strings.Join(d.Notes, "; ")
	}
	return evidence.Observation{Kind: evidence.Property, Key: evidence.PropPolicyDocument, Level: evidence.Present, Source: source,
		Where: evidence.Location{File: file}, Detail: det}
}

// policyNames are words of a file name that name a privacy policy.
var policyNames = []string{"privacy", "yinsi", "隐私", "personal_info", "personalinfo"}

// policyTitles are the titles of a privacy policy.
var policyTitles = []string{"隐私政策", "隐私权政策", "隐私保护政策", "隐私保护指引", "隐私协议", "隐私声明", "个人信息保护政策", "个人信息保护指引", "个人信息处理规则", "privacy policy", "privacy notice", "privacy statement"}

// minPolicyRunes is the least text a whole privacy policy has: a consent
// dialog's two sentences that name the policy are not one.
const minPolicyRunes = 800

// notPolicyWords, in a title or a file name, mark documents about a policy
// that are not the policy: FAQs, help and settings pages, dialogs,
// summaries.
var notPolicyWords = []string{"常见问题", "问答", "帮助", "设置", "弹窗", "摘要", "概要", "简版", "faq", "help", "setting", "dialog", "summary", "sdk"}

// LooksLikePolicy tells a privacy policy from other documents an app
// bundles (a user agreement that links to the policy, a consent dialog,
// help pages): it is long enough to be a whole policy, and its file name
// or its title says it is one, while neither says it is about one.
func LooksLikePolicy(file string, d *Doc) bool {
	name := strings.ToLower(path.Base(file))
	if utf8.RuneCountInString(d.Text) < minPolicyRunes || containsAny(name, notPolicyWords) || containsAny(strings.ToLower(d.Title), notPolicyWords) {
		return false
	}
	if containsAny(name, policyNames) {
		return true
	}
	// The title, the first heading, or a short first line: a user
	// agreement that refers to 《隐私政策》 in its text is not one.
	head := strings.ToLower(d.Title)
	for i, b := range d.Blocks {
		if b.Kind == Heading || i == 0 && utf8.RuneCountInString(b.Text) <= maxTitleRunes {
			head += " " + strings.ToLower(b.Text)
		}
		if b.Kind == Heading || i >= 3 {
			break
		}
	}
	if containsAny(head, []string{"用户协议", "服务协议", "用户服务协议", "terms of service", "terms of use", "user agreement"}) && !containsAny(head, []string{"隐私政策", "privacy policy"}) {
		return false
	}
	return containsAny(head, policyTitles)
}

// vendorPolicy tells an SDK vendor's own policy, shipped in the app's
// assets (友盟+隐私权政策): its title or first heading names a vendor or
// SDK of the catalog. It is not the app's policy.
func (a *Analyzer) vendorPolicy(d *Doc) bool {
	head := d.Title
	for _, b := range d.Blocks {
		if b.Kind == Heading {
			head += " " + b.Text
			break
		}
	}
	head = strings.ToLower(head)
	a.vendorsOnce.Do(func() {
		for _, sdk := range a.cat.SDKs() {
			vz := vendorZh(sdk.Vendor)
			for _, w := range []string{sdk.NameZh, vz} {
				if utf8.RuneCountInString(w) >= 2 {
					a.vendors = append(a.vendors, strings.ToLower(w))
				}
			}
			// The vendor's short name (友盟 of 友盟同欣), unless it is a
			// place or a generic word.
			if r := []rune(vz); len(r) > 2 && !slices.Contains(genericPrefixes, string(r[:2])) {
				a.vendors = append(a.vendors, string(r[:2]))
			}
			if f := strings.Fields(sdk.Vendor); len(f) > 0 && len(f[0]) >= 4 {
				a.vendors = append(a.vendors, strings.ToLower(f[0]))
			}
		}
	})
	return containsAny(head, a.vendors)
}

// genericPrefixes are two-character starts of vendor names that name a
// place or a trade, not a vendor.
var genericPrefixes = []string{"中国", "北京", "上海", "深圳", "杭州", "广州", "南京", "成都", "武汉", "天津", "移动", "网络", "科技", "数字", "智能", "信息", "互联", "世纪"}

// vendorZh returns the Chinese name in a vendor's "Name (中文名)".
func vendorZh(v string) string {
	i := strings.IndexAny(v, "(（")
	if i < 0 {
		return ""
	}
	rest := v[i+1:]
	if j := strings.IndexAny(rest, ")）,，"); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}

func problemCause(p string) evidence.Cause {
	if strings.Contains(p, "UTF-8") || strings.Contains(p, "charset") {
		return evidence.CauseMalformed
	}
	return evidence.CauseLimit
}

// Bounds on the observations of one policy: a policy that repeats "删除"
// a hundred times needs a few quotes, not a hundred, and a hostile one of
// millions of sentences must not make a report of millions of claims.
const (
	maxPerKey       = 5   // per statement key (more under a title about it)
	maxInSection    = 20  // per statement key, under titles about it
	maxPerDataType  = 5   // collects / not_collects sentences per PI type
	maxSDKClaims    = 300 // SDK list entries
	maxClaimsPerDoc = 3000
)

// Observations turns statements into policy_claim observations: one per
// PI type per sentence for collects and not_collects, one per SDK named,
// and up to maxPerKey per other statement key.
func Observations(file string, d *Doc, sts []Statement) []evidence.Observation {
	var out []evidence.Observation
	per := map[string]int{}
	for _, st := range sts {
		if len(out) >= maxClaimsPerDoc {
			break
		}
		where := evidence.Location{File: file, Section: st.Sentence.Section, Span: evidence.Span{Start: st.Sentence.Start, End: st.Sentence.End}}
		base := func() map[string]string {
			m := map[string]string{evidence.DetailQuote: st.Quote()}
			if st.Conditional {
				m[evidence.DetailConditional] = "true"
			}
			if st.Choice {
				m[evidence.DetailChoice] = "true"
			}
			if st.InSection {
				m[evidence.DetailInSection] = "true"
			}
			if st.Section != "" {
				m[evidence.DetailClassifiedAs] = st.Section
			}
			if st.TimeLimit != "" {
				m[evidence.DetailTimeLimit] = st.TimeLimit
			}
			if len(st.Terms) > 0 {
				m[evidence.DetailTerms] = strings.Join(st.Terms, ",")
			}
			return m
		}
		claim := func(key string, det map[string]string) {
			out = append(out, evidence.Observation{Kind: evidence.PolicyClaim, Key: key, Level: evidence.Declared, Source: Source, Where: where, Detail: det})
		}
		switch st.Key {
		case evidence.ClaimCollects, evidence.ClaimNotCollects:
			key := evidence.ClaimCollects
			if st.Key == evidence.ClaimNotCollects {
				key = evidence.ClaimNotCollects
			}
			for _, t := range st.DataTypes {
				if per[key+"/"+t] >= maxPerDataType {
					continue
				}
				per[key+"/"+t]++
				det := base()
				det[evidence.DetailDataType] = t
				claim(key, det)
			}
		case evidence.ClaimSDK:
			if per[st.Key] >= maxSDKClaims {
				continue
			}
			per[st.Key]++
			det := base()
			det[evidence.DetailName] = st.Name
			if st.Vendor != "" {
				det[evidence.DetailVendor] = st.Vendor
			}
			if st.Purpose != "" {
				det[evidence.DetailPurpose] = st.Purpose
			}
			if len(st.DataTypes) > 0 {
				det[evidence.DetailDataTypes] = strings.Join(st.DataTypes, ",")
			}
			claim(evidence.ClaimSDK, det)
		case evidence.ClaimSeparateConsent:
			// Per PI type when the sentence names them; else general.
			if len(st.DataTypes) == 0 {
				claim(st.Key, base())
			}
			for _, t := range st.DataTypes {
				det := base()
				det[evidence.DetailDataType] = t
				claim(st.Key, det)
			}
		default:
			// The first few, and more in a section about the item.
			if per[st.Key] >= maxPerKey && !(st.InSection && per[st.Key+"/in"] < maxInSection) {
				continue
			}
			per[st.Key]++
			if st.InSection {
				per[st.Key+"/in"]++
			}
			claim(st.Key, base())
		}
	}
	return out
}
