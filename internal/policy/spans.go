package policy

import (
	"sort"
	"strconv"
)

// The span model refines the rules' spans in practice sentences: it scores
// each candidate — every span the rules give, and for data every start a
// mention could have and every run of mentions joined by 、 — on the
// span's shape and context (its first and last characters, the
// characters around it, its length, the verbs before and after it in its
// clause), never on the span's text as a whole, so unseen mentions score
// like seen ones. It is a logistic regression trained by
// data/gen/trainpractice.go on the tuning policies of CA4P-483.

// spanThresholds are the probabilities a candidate of each label needs
// (chosen by data/gen/trainpractice.go on held-back tuning policies).
var spanThresholds = map[string]float64{LabelData: 0.1, LabelCollect: 0.3, LabelShare: 0.4, LabelPurpose: 0.1, LabelCondition: 0.1, LabelHandler: 0.3, LabelSubjects: 0.1}

// overlapLabels are the labels whose spans the model learns to place, not
// to bound exactly (the corpus's purposes and conditions have no settled
// boundaries).
var overlapLabels = map[string]bool{LabelPurpose: true, LabelCondition: true}

// SpanPositive tells whether a candidate is a positive example against
// the gold spans: an exact match, or for overlapLabels any overlap.
func SpanPositive(c Span, gold []Span) bool {
	for _, g := range gold {
		if g.Label != c.Label {
			continue
		}
		if g.Start == c.Start && g.End == c.End || overlapLabels[c.Label] && g.Start < c.End && c.Start < g.End {
			return true
		}
	}
	return false
}

// SetSpanThreshold sets a label's threshold (for choosing them).
func (l *Lexicon) SetSpanThreshold(label string, p float64) {
	if l.thresholds == nil {
		l.thresholds = map[string]float64{}
		for k, v := range spanThresholds {
			l.thresholds[k] = v
		}
	}
	l.thresholds[label] = p
}

func (l *Lexicon) threshold(label string) float64 {
	if p, ok := l.thresholds[label]; ok {
		return p
	}
	return spanThresholds[label]
}

// Candidate is a span the tagger could output, with its features.
type Candidate struct {
	Span
	Feats []string
}

// Candidates returns the candidate spans of text's practice sentences.
func (l *Lexicon) Candidates(text string) []Candidate {
	r := []rune(text)
	low := lower(text)
	var out []Candidate
	for _, st := range l.tagSentences(r, low) {
		out = append(out, l.candidates(r, low, st)...)
	}
	return out
}

func (l *Lexicon) candidates(r, low []rune, st sentenceTags) []Candidate {
	var out []Candidate
	seen := map[Span]bool{}
	add := func(sp Span) {
		if sp.Start < sp.End && !seen[sp] {
			seen[sp] = true
			out = append(out, Candidate{sp, l.spanFeatures(r, low, st, sp)})
		}
	}
	for _, sp := range st.spans {
		if sp.Label != LabelData {
			add(sp)
		}
	}
	for cs := st.ss; cs < st.se; {
		ce := cs
		for ce < st.se && !tagBreaks[r[ce]] {
			ce++
		}
		heads := l.roles.heads.find(low[cs:ce])
		for _, m := range heads {
			hs, he := cs+m.Start, cs+m.End
			// Starts: back over modifiers to a stop word or a mark; a
			// verb may be part of a compound (身份识别信息), so the model
			// decides whether it starts the mention.
			smin := hs
			for smin > cs && he-smin < maxDataRunes && !l.stopWordBefore(low, smin) && isNameRune(r[smin-1]) {
				smin--
			}
			// Ends: this head, and each item of an enumeration that
			// follows (、 always; 和, 及 and 以及 too).
			ends := []int{he}
			e := he
			for items := 0; items < 12 && e < ce; items++ {
				sep := 0
				switch {
				case r[e] == '、' || r[e] == '和' || r[e] == '及' || r[e] == '/':
					sep = 1
				case e+1 < ce && r[e] == '以' && r[e+1] == '及':
					sep = 2
				}
				if sep == 0 {
					break
				}
				k := e + sep
				for k < ce && k-(e+sep) < 12 && isNameRune(r[k]) && !l.stopWordBefore(low, k+1) {
					k++
				}
				if k == e+sep {
					break
				}
				e = k
				ends = append(ends, e)
			}
			for s := smin; s <= hs; s++ {
				for _, e := range ends {
					add(Span{LabelData, s, e})
				}
			}
		}
		cs = ce + 1
	}
	return out
}

// spanFeatures describes a candidate by its shape and context.
func (l *Lexicon) spanFeatures(r, low []rune, st sentenceTags, sp Span) []string {
	L := sp.Label + "|"
	at := func(i int) string {
		if i < st.ss || i >= st.se || i < 0 || i >= len(r) {
			return "^"
		}
		return string(low[i])
	}
	n := sp.End - sp.Start
	fs := []string{L, L + "len:" + strconv.Itoa(min(n, 12)), L + "first:" + at(sp.Start), L + "last:" + at(sp.End-1),
		L + "last2:" + at(sp.End-2) + at(sp.End-1), L + "first2:" + at(sp.Start) + at(sp.Start+1),
		L + "prev:" + at(sp.Start-1), L + "prev2:" + at(sp.Start-2) + at(sp.Start-1), L + "next:" + at(sp.End),
		L + "next2:" + at(sp.End) + at(sp.End+1), L + "prev|first:" + at(sp.Start-1) + "|" + at(sp.Start)}
	enum := false
	for i := sp.Start; i < sp.End; i++ {
		enum = enum || r[i] == '、'
	}
	if enum {
		fs = append(fs, L+"enum")
	}
	// The verbs of its clause, before and after it.
	cs, ce := sp.Start, sp.End
	for cs > st.ss && !tagBreaks[r[cs-1]] {
		cs--
	}
	for ce < st.se && !tagBreaks[r[ce]] {
		ce++
	}
	for _, v := range []struct {
		name string
		m    *matcher
	}{{"collect", &l.roles.collect}, {"share", &l.roles.share}, {"handler", &l.roles.handlers}} {
		if len(v.m.find(low[cs:sp.Start])) > 0 {
			fs = append(fs, L+v.name+"-before")
		}
		if len(v.m.find(low[sp.End:ce])) > 0 {
			fs = append(fs, L+v.name+"-after")
		}
	}
	if cs == sp.Start {
		fs = append(fs, L+"clause-start")
	}
	if ce == sp.End {
		fs = append(fs, L+"clause-end")
	}
	return fs
}

// refine keeps the candidates of one sentence the span model scores high
// enough; data mentions do not overlap (the best is kept).
func (l *Lexicon) refine(r, low []rune, st sentenceTags) []Span {
	type scored struct {
		Span
		p float64
	}
	var cands []scored
	for _, c := range l.candidates(r, low, st) {
		if p := l.spans.probs(c.Feats)[1]; p >= l.threshold(c.Label) {
			cands = append(cands, scored{c.Span, p})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].p > cands[j].p })
	var out []Span
	for _, c := range cands {
		if c.Label == LabelData {
			clash := false
			for _, o := range out {
				clash = clash || o.Label == LabelData && o.Start < c.End && c.Start < o.End
			}
			if clash {
				continue
			}
		}
		out = append(out, c.Span)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
