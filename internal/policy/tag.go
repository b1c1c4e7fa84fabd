package policy

import (
	"slices"
	"strconv"
	"unicode"
)

// Labels of the span tagger: the semantic roles of the CA4P-483 corpus.
const (
	LabelData      = "data"
	LabelCollect   = "collect"
	LabelShare     = "share"
	LabelHandler   = "handler"
	LabelSubjects  = "subjects"
	LabelPurpose   = "purpose"
	LabelCondition = "condition"
)

// Labels lists the tagger's labels in report order.
var Labels = []string{LabelData, LabelCollect, LabelShare, LabelPurpose, LabelCondition, LabelHandler, LabelSubjects}

// Span is a labelled range of characters (runes) of a text.
type Span struct {
	Label      string
	Start, End int
}

// maxDataRunes bounds how far a data mention extends left of its head.
const maxDataRunes = 16

// tagBreaks end a clause for the tagger.
var tagBreaks = map[rune]bool{'，': true, ',': true, '。': true, '；': true, ';': true, '！': true, '？': true, '!': true, '?': true, '\n': true, '：': true, ':': true}

// Tag finds the semantic roles in a policy's text (Chinese): the data it
// names, the verbs that collect or share it, who handles it and who
// receives it, the purposes and the conditions. It works clause by
// clause with the lexicon's role words; no span crosses a clause.
func (l *Lexicon) Tag(text string) []Span {
	r := []rune(text)
	low := make([]rune, len(r))
	for i, c := range r {
		low[i] = unicode.ToLower(c)
	}
	var out []Span
	for _, st := range l.tagSentences(r, low) {
		if l.spans == nil {
			out = append(out, st.spans...)
			continue
		}
		out = append(out, l.refine(r, low, st)...)
	}
	return out
}

// sentenceTags are a practice sentence's rule spans.
type sentenceTags struct {
	ss, se int
	spans  []Span
}

// tagSentences tags sentence by sentence: only a sentence that collects
// or shares (a verb of either kind with data in its clause), and that the
// practice model (when there is one) takes for a practice the annotators
// would label, is tagged; the roles of other sentences (a title, an
// introduction) are not.
func (l *Lexicon) tagSentences(r, low []rune) []sentenceTags {
	var out []sentenceTags
	for ss := 0; ss < len(r); {
		se := ss
		for se < len(r) && !sentenceBreaks[r[se]] {
			se++
		}
		var sent []Span
		practice := false
		for cs := ss; cs < se; {
			ce := cs
			for ce < se && !tagBreaks[r[ce]] {
				ce++
			}
			if ce > cs {
				spans := l.tagClause(r, low, cs, ce)
				for _, sp := range spans {
					practice = practice || sp.Label == LabelCollect || sp.Label == LabelShare
				}
				sent = append(sent, spans...)
			}
			cs = ce + 1
		}
		if practice && l.practice != nil {
			p := l.practice.probs(l.sentenceFeatures(r, low, ss, se))
			practice = p[1] >= practiceThreshold
		}
		if practice {
			out = append(out, sentenceTags{ss, se, sent})
		}
		ss = se + 1
	}
	return out
}

// sentenceBreaks end a sentence for the tagger.
var sentenceBreaks = map[rune]bool{'。': true, '！': true, '？': true, '!': true, '?': true, '\n': true}

func (l *Lexicon) tagClause(r, low []rune, cs, ce int) []Span {
	var out []Span
	clause := low[cs:ce]
	data := l.dataSpans(r, low, cs, ce)
	out = append(out, data...)
	// Condition: a clause that opens with a condition marker.
	start := cs
	for start < ce && (unicode.IsSpace(r[start]) || unicode.IsPunct(r[start]) || unicode.IsDigit(r[start]) || isNumeral(r[start])) {
		start++
	}
	if n, _ := l.roles.condition.at(low, start); n > 0 && start < ce {
		out = append(out, Span{LabelCondition, start, trimEnd(r, start, ce)})
	} else if ms := l.roles.condition.find(clause); len(ms) > 0 && ms[0].Term[0] > 0x7f && (ms[0].Term == "以下情况" || ms[0].Term == "以下情形" || ms[0].Term == "下列情况" || ms[0].Term == "下列情形" || ms[0].Term == "但以下情况除外" || ms[0].Term == "但以下情形除外") {
		out = append(out, Span{LabelCondition, cs + ms[0].Start, trimEnd(r, cs+ms[0].Start, ce)})
	}
	// Purpose: from its marker to the clause's end.
	if ms := l.roles.purpose.find(clause); len(ms) > 0 {
		s := cs + ms[0].Start
		if e := trimEnd(r, s, ce); e-s > len([]rune(ms[0].Term)) {
			out = append(out, Span{LabelPurpose, s, e})
		}
	}
	if len(data) == 0 {
		return out
	}
	// Verbs of collection and sharing in a clause that names data; a
	// run joined by 、 is one span.
	verbs := l.verbSpans(r, low, cs, ce)
	out = append(out, verbs...)
	handled := map[int]bool{}
	for _, v := range verbs {
		// The handler: the last agent before the verb.
		var h *Mention
		for _, m := range l.roles.handlers.find(low[cs:v.Start]) {
			// The user provides and shares; the collector collects.
			if v.Label == LabelCollect && userWords[m.Term] {
				continue
			}
			m := m
			h = &m
		}
		if h != nil && !handled[cs+h.Start] {
			handled[cs+h.Start] = true
			out = append(out, Span{LabelHandler, cs + h.Start, cs + h.End})
		}
		if v.Label != LabelShare {
			continue
		}
		// The recipient: 向X共享 / 共享给X.
		ms := l.roles.recipient.find(low[cs:v.Start])
		if len(ms) > 0 {
			s := cs + ms[len(ms)-1].End
			if v.Start-s >= 1 && v.Start-s <= 20 {
				out = append(out, Span{LabelSubjects, s, v.Start})
			}
		} else if v.End < ce && r[v.End] == '给' {
			e := trimEnd(r, v.End+1, ce)
			if e-(v.End+1) >= 1 && e-(v.End+1) <= 20 {
				out = append(out, Span{LabelSubjects, v.End + 1, e})
			}
		}
	}
	return out
}

// dataSpans finds data mentions in clause [cs, ce): each head (a data
// noun or PI term) with the modifiers before it, back to a stop word or a
// mark; mentions joined by 、 are one span.
func (l *Lexicon) dataSpans(r, low []rune, cs, ce int) []Span {
	var out []Span
	for _, m := range l.roles.heads.find(low[cs:ce]) {
		hs, he := cs+m.Start, cs+m.End
		s := hs
		for s > cs && he-s < maxDataRunes && !l.stopBefore(low, s) && isNameRune(r[s-1]) {
			s--
		}
		if s == hs && bareHeads[string(low[hs:he])] {
			continue // "信息" alone names nothing
		}
		if n := len(out); n > 0 && out[n-1].End >= s {
			out[n-1].End = he // overlapping or adjacent: one mention
			continue
		}
		if n := len(out); n > 0 && s-out[n-1].End == 1 && r[s-1] == '、' {
			out[n-1].End = he
			continue
		}
		out = append(out, Span{LabelData, s, he})
	}
	return out
}

// userWords name the user as an agent.
var userWords = map[string]bool{"您": true, "你": true, "用户": true}

// bareHeads are data nouns too general to name data on their own.
var bareHeads = map[string]bool{"信息": true, "数据": true, "内容": true, "时间": true, "记录": true, "位置": true, "状态": true, "类型": true, "版本": true, "名称": true, "语言": true}

// stopWordBefore tells whether a stop word ends at position i.
func (l *Lexicon) stopWordBefore(low []rune, i int) bool {
	for _, w := range l.roles.stops {
		if n := len(w); n <= i && slices.Equal(low[i-n:i], w) {
			return true
		}
	}
	return false
}

// stopBefore tells whether a stop word, or a verb of collection or
// sharing, ends at position i.
func (l *Lexicon) stopBefore(low []rune, i int) bool {
	for _, m := range [...]*matcher{&l.roles.collect, &l.roles.share} {
		for k := max(0, i-4); k < i; k++ {
			if n, _ := m.at(low, k); n > 0 && k+n == i {
				return true
			}
		}
	}
	for _, w := range l.roles.stops {
		if n := len(w); n <= i && slices.Equal(low[i-n:i], w) {
			return true
		}
	}
	return false
}

// verbSpans finds collection and sharing verbs; verbs joined by 、 are one
// span, labelled by the first.
func (l *Lexicon) verbSpans(r, low []rune, cs, ce int) []Span {
	var out []Span
	for i := cs; i < ce; {
		label := ""
		n, _ := l.roles.share.at(low, i)
		if n > 0 {
			label = LabelShare
		} else if n, _ = l.roles.collect.at(low, i); n > 0 {
			label = LabelCollect
		}
		if n == 0 || i+n > ce {
			i++
			continue
		}
		if k := len(out); k > 0 && out[k-1].End == i-1 && r[i-1] == '、' {
			out[k-1].End = i + n
		} else {
			out = append(out, Span{label, i, i + n})
		}
		i += n
	}
	return out
}

// trimEnd returns the end of [s, e) without trailing spaces.
func trimEnd(r []rune, s, e int) int {
	for e > s && unicode.IsSpace(r[e-1]) {
		e--
	}
	return e
}

func isNameRune(c rune) bool {
	return unicode.Is(unicode.Han, c) || unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '_'
}

func isNumeral(c rune) bool { return c >= '①' && c <= '⑩' }

// practiceThreshold is the probability from which the practice model
// takes a sentence as stating a practice (chosen by
// data/gen/trainpractice.go on held-back tuning policies).
const practiceThreshold = 0.4

// SentenceFeatures returns the features the practice model reads for
// each sentence of text: its character unigrams and bigrams, and which
// role words it holds.
func (l *Lexicon) SentenceFeatures(text string) [][]string {
	r := []rune(text)
	low := lower(text)
	var out [][]string
	for ss := 0; ss < len(r); {
		se := ss
		for se < len(r) && !sentenceBreaks[r[se]] {
			se++
		}
		if se > ss {
			out = append(out, l.sentenceFeatures(r, low, ss, se))
		}
		ss = se + 1
	}
	return out
}

// SentenceSpans returns the [start, end) of each sentence SentenceFeatures
// describes, in the same order.
func SentenceSpans(text string) [][2]int {
	r := []rune(text)
	var out [][2]int
	for ss := 0; ss < len(r); {
		se := ss
		for se < len(r) && !sentenceBreaks[r[se]] {
			se++
		}
		if se > ss {
			out = append(out, [2]int{ss, se})
		}
		ss = se + 1
	}
	return out
}

func (l *Lexicon) sentenceFeatures(r, low []rune, ss, se int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	prev := rune(0)
	for i := ss; i < se; i++ {
		c := low[i]
		if unicode.IsSpace(c) {
			continue
		}
		add(string(c))
		if prev != 0 {
			add(string([]rune{prev, c}))
		}
		prev = c
	}
	sent := low[ss:se]
	for _, f := range []struct {
		name string
		m    *matcher
	}{{"#collect", &l.roles.collect}, {"#share", &l.roles.share}, {"#data", &l.roles.heads}, {"#handler", &l.roles.handlers},
		{"#purpose", &l.roles.purpose}, {"#condition", &l.roles.condition}, {"#recipient", &l.roles.recipient}} {
		if n := len(f.m.find(sent)); n > 0 {
			add(f.name)
			add(f.name + ":" + strconv.Itoa(min(n, 4)))
		}
	}
	add("#len:" + strconv.Itoa(min((se-ss)/20, 10)))
	return out
}
