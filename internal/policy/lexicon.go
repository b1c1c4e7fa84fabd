package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Lexicon holds the words the reader looks for (data/policy/lexicon.yaml).
type Lexicon struct {
	Version                                                           string
	data                                                              matcher // PI terms → PI keys
	collect, negation, condition, choice, exception, denyVerb, notNeg matcher
	statements                                                        []statementRule
	// stmt holds every statement term once, tagged with the rule,
	// language and group it belongs to: one pass finds them all.
	stmt matcher
	// roles are the span tagger's words (see Tag).
	roles roles
	// practice tells the sentences that state a practice (nil: every
	// sentence with a verb of collection or sharing and data does).
	practice *SectionModel
	// spans scores candidate spans in practice sentences (nil: the
	// rules' spans are kept).
	spans      *SectionModel
	thresholds map[string]float64 // per label, overriding spanThresholds
}

// SetPracticeModel sets the model that tells practice sentences.
func (l *Lexicon) SetPracticeModel(m *SectionModel) { l.practice = m }

// SetSpanModel sets the model that scores candidate spans.
func (l *Lexicon) SetSpanModel(m *SectionModel) { l.spans = m }

type roles struct {
	heads, collect, share, handlers, recipient, purpose, condition matcher
	stops                                                          [][]rune
}

type statementRule struct {
	key string
	all [][]matcher // per language: every group must match
}

type lexiconFile struct {
	Version   string            `yaml:"version"`
	Sources   map[string]string `yaml:"sources"`
	DataTypes []struct {
		Key    string   `yaml:"key"`
		Zh     []string `yaml:"zh"`
		En     []string `yaml:"en"`
		Source []string `yaml:"source"`
	} `yaml:"data_types"`
	Umbrella []struct {
		Zh     []string `yaml:"zh"`
		En     []string `yaml:"en"`
		Keys   []string `yaml:"keys"`
		Source []string `yaml:"source"`
	} `yaml:"umbrella"`
	NotPI struct {
		Zh     []string `yaml:"zh"`
		En     []string `yaml:"en"`
		Source []string `yaml:"source"`
	} `yaml:"not_pi"`
	Collect   words `yaml:"collect"`
	Negation  words `yaml:"negation"`
	Condition words `yaml:"condition"`
	Choice    words `yaml:"choice"`
	Roles     struct {
		DataHeads        []string `yaml:"data_heads"`
		DataStops        []string `yaml:"data_stops"`
		Collect          []string `yaml:"collect"`
		Share            []string `yaml:"share"`
		Handlers         []string `yaml:"handlers"`
		RecipientMarkers []string `yaml:"recipient_markers"`
		PurposeMarkers   []string `yaml:"purpose_markers"`
		ConditionMarkers []string `yaml:"condition_markers"`
	} `yaml:"roles"`
	Statements []struct {
		Key    string   `yaml:"key"`
		Source []string `yaml:"source"`
		Zh     struct {
			All [][]string `yaml:"all"`
		} `yaml:"zh"`
		En struct {
			All [][]string `yaml:"all"`
		} `yaml:"en"`
	} `yaml:"statements"`
}

type words struct {
	Zh []string `yaml:"zh"`
	En []string `yaml:"en"`
}

func (w words) all() []string { return append(slices.Clone(w.Zh), w.En...) }

// exceptions make a denial conditional ("we do not collect it without
// your consent"): such a sentence is not a plain denial.
var exceptions = []string{"未经", "除非", "除外", "另行", "单独同意", "全部", "完整", "全量", "所有的",
	"以外", "之外", "除了", "前", "之前", "以前", "后台", "默认", "未获得", "未征得", "未取得", "未得到", "频繁", "目的", "用途", "用于", "关联", "恶意", "出售",
	"擅自", "私自", "非法", "违规", "违法", "强制", "过度", "超范围", "超出", "持续", "重复", "额外", "主动", "再", "后，", "拒绝", "撤回", "注销", "关闭", "功能",
	"unlawfully", "illegally", "secretly", "covertly", "excessively", "repeatedly", "continuously", "again", "after", "choose not", "not require", "not need", "feature",
	"without", "unless", "except", "exception", "exceptions", "other than", "until", "all of", "entire", "whole",
	"before", "by default", "in the background", "when", "purpose", "purposes", "more than", "beyond", "sell", "for advertising"}

// denyVerbs are the verbs a denial of collection uses: taking the data,
// not keeping it (a denial of storing, uploading or sharing is another
// statement; data used on the device is not collected).
var denyVerbs = []string{"收集", "获取", "读取", "采集", "访问", "collect", "gather", "obtain", "access"}

// notNegations look like a negation and are not one ("包括并不限于", "会不
// 会", "not only").
var notNegations = []string{"不限于", "会不会", "是否", "不代表", "并不意味", "不意味", "not only", "or not", "not limited", "does not mean", "doesn't mean"}

// ParseLexicon reads a lexicon file, checking that every PI key is one the
// catalog knows (known reports whether a key exists).
func ParseLexicon(b []byte, known func(string) bool) (*Lexicon, error) {
	var f lexiconFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("policy lexicon: %w", err)
	}
	if f.Version == "" || len(f.Sources) == 0 {
		return nil, fmt.Errorf("policy lexicon: a version and a sources map are required")
	}
	cite := func(what string, src []string) error {
		if len(src) == 0 {
			return fmt.Errorf("policy lexicon: %s cites no source", what)
		}
		for _, x := range src {
			if _, ok := f.Sources[x]; !ok {
				return fmt.Errorf("policy lexicon: %s cites undeclared source %q", what, x)
			}
		}
		return nil
	}
	for _, d := range f.DataTypes {
		if err := cite("data type "+d.Key, d.Source); err != nil {
			return nil, err
		}
	}
	for i, u := range f.Umbrella {
		if err := cite(fmt.Sprintf("umbrella %d", i), u.Source); err != nil {
			return nil, err
		}
	}
	for _, st := range f.Statements {
		if err := cite("statement "+st.Key, st.Source); err != nil {
			return nil, err
		}
	}
	l := &Lexicon{Version: f.Version}
	for _, d := range f.DataTypes {
		if known != nil && !known(d.Key) {
			return nil, fmt.Errorf("policy lexicon: data type %q is not in the PI catalog", d.Key)
		}
		for _, t := range append(slices.Clone(d.Zh), d.En...) {
			l.data.add(t, []string{d.Key})
		}
	}
	if len(f.NotPI.Zh)+len(f.NotPI.En) > 0 {
		if err := cite("not_pi", f.NotPI.Source); err != nil {
			return nil, err
		}
	}
	for _, t := range append(slices.Clone(f.NotPI.Zh), f.NotPI.En...) {
		l.data.add(t, nil) // a mention that names no PI type
	}
	for _, u := range f.Umbrella {
		for _, k := range u.Keys {
			if known != nil && !known(k) {
				return nil, fmt.Errorf("policy lexicon: umbrella key %q is not in the PI catalog", k)
			}
		}
		for _, t := range append(slices.Clone(u.Zh), u.En...) {
			l.data.add(t, u.Keys)
		}
	}
	for _, pair := range []struct {
		m *matcher
		w []string
	}{{&l.collect, f.Collect.all()}, {&l.negation, f.Negation.all()}, {&l.condition, f.Condition.all()}, {&l.choice, f.Choice.all()}, {&l.exception, exceptions}, {&l.denyVerb, denyVerbs}, {&l.notNeg, notNegations}} {
		for _, t := range pair.w {
			pair.m.add(t, nil)
		}
	}
	for _, pair := range []struct {
		m *matcher
		w []string
	}{{&l.roles.heads, f.Roles.DataHeads}, {&l.roles.collect, f.Roles.Collect}, {&l.roles.share, f.Roles.Share}, {&l.roles.handlers, f.Roles.Handlers},
		{&l.roles.recipient, f.Roles.RecipientMarkers}, {&l.roles.purpose, f.Roles.PurposeMarkers}, {&l.roles.condition, f.Roles.ConditionMarkers}} {
		for _, t := range pair.w {
			pair.m.add(t, nil)
		}
		pair.m.sort()
	}
	// Every PI term ends a data mention too.
	for _, ts := range l.data.byFirst {
		for _, t := range ts {
			l.roles.heads.add(t.text, nil)
		}
	}
	for _, w := range f.Roles.DataStops {
		l.roles.stops = append(l.roles.stops, []rune(strings.ToLower(w)))
	}
	for ri, s := range f.Statements {
		r := statementRule{key: s.Key}
		for _, all := range [][][]string{s.Zh.All, s.En.All} {
			var groups []matcher
			for _, g := range all {
				var m matcher
				for _, t := range g {
					m.add(t, nil)
					l.stmt.addTagged(t, tag{ri, len(r.all), len(groups)})
				}
				groups = append(groups, m)
			}
			if len(groups) > 0 {
				r.all = append(r.all, groups)
			}
		}
		l.statements = append(l.statements, r)
	}
	for _, m := range []*matcher{&l.data, &l.collect, &l.negation, &l.condition, &l.choice, &l.exception, &l.denyVerb, &l.notNeg, &l.stmt, &l.roles.heads} {
		m.sort()
	}
	for i := range l.statements {
		for j := range l.statements[i].all {
			for k := range l.statements[i].all[j] {
				l.statements[i].all[j][k].sort()
			}
		}
	}
	return l, nil
}

// term is one phrase, lower-cased, as runes.
type term struct {
	r    []rune
	keys []string
	text string
	tag  tag
}

// tag places a statement term: rule, language and group indices.
type tag struct{ rule, lang, group int }

// matcher finds terms in text, leftmost-longest, case-insensitively; a
// term that starts or ends with an ASCII letter or digit must do so at a
// word boundary (an optional plural "s" is allowed).
type matcher struct {
	byFirst map[rune][]term
}

func (m *matcher) add(t string, keys []string) { m.addTerm(t, keys, tag{}) }

// addTagged adds a statement term with its place (rule, language, group).
func (m *matcher) addTagged(t string, tg tag) { m.addTerm(t, nil, tg) }

func (m *matcher) addTerm(t string, keys []string, tg tag) {
	t = strings.TrimSpace(t)
	if t == "" {
		return
	}
	if m.byFirst == nil {
		m.byFirst = map[rune][]term{}
	}
	r := []rune(strings.ToLower(t))
	m.byFirst[r[0]] = append(m.byFirst[r[0]], term{r: r, keys: keys, text: t, tag: tg})
}

// each calls fn for every term occurrence in lowered, overlapping ones
// included (each group needs its own hit).
func (m *matcher) each(lowered []rune, fn func(term)) {
	for i := range lowered {
		for _, t := range m.byFirst[lowered[i]] {
			if n := len(t.r); i+n <= len(lowered) && slices.Equal(lowered[i:i+n], t.r) && boundary(lowered, i, n, t.r) {
				fn(t)
			}
		}
	}
}

// boundary checks the word boundaries of a term of n runes at i.
func boundary(s []rune, i, n int, t []rune) bool {
	if isWord(t[0]) && i > 0 && isWord(s[i-1]) {
		return false
	}
	if isWord(t[n-1]) && i+n < len(s) && isWord(s[i+n]) {
		return s[i+n] == 's' && (i+n+1 == len(s) || !isWord(s[i+n+1]))
	}
	return true
}

func (m *matcher) sort() {
	for k, ts := range m.byFirst {
		slices.SortStableFunc(ts, func(a, b term) int { return len(b.r) - len(a.r) })
		m.byFirst[k] = ts
	}
}

// Mention is a term found in a text, at rune offsets [Start, End).
type Mention struct {
	Start, End int
	Term       string
	Keys       []string
}

// find returns the terms in lowered (the text, lower-cased rune by rune),
// leftmost-longest, not overlapping.
func (m *matcher) find(lowered []rune) []Mention {
	var out []Mention
	for i := 0; i < len(lowered); {
		n, t := m.at(lowered, i)
		if n == 0 {
			i++
			continue
		}
		out = append(out, Mention{Start: i, End: i + n, Term: t.text, Keys: t.keys})
		i += n
	}
	return out
}

// has reports whether any term occurs in lowered.
func (m *matcher) has(lowered []rune) bool {
	for i := range lowered {
		if n, _ := m.at(lowered, i); n > 0 {
			return true
		}
	}
	return false
}

// at returns the length of the longest term at position i, and the term.
func (m *matcher) at(s []rune, i int) (int, term) {
	if i < 0 || i >= len(s) {
		return 0, term{}
	}
	for _, t := range m.byFirst[s[i]] {
		n := len(t.r)
		if i+n > len(s) || !slices.Equal(s[i:i+n], t.r) {
			continue
		}
		if isWord(t.r[0]) && i > 0 && isWord(s[i-1]) {
			continue
		}
		if isWord(t.r[n-1]) && i+n < len(s) && isWord(s[i+n]) {
			if s[i+n] == 's' && (i+n+1 == len(s) || !isWord(s[i+n+1])) {
				return n + 1, t
			}
			continue
		}
		return n, t
	}
	return 0, term{}
}

func isWord(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// lower lower-cases s rune by rune, so offsets stay those of s.
func lower(s string) []rune {
	r := []rune(s)
	for i, c := range r {
		r[i] = unicode.ToLower(c)
	}
	return r
}
