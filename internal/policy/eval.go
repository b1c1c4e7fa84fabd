package policy

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The CA4P-483 corpus (Zhao et al., EMNLP 2022): raw/NNNN.html holds a
// policy whose <pre> content is the text, annotations/NNNN.json its spans
// (character offsets into that text). Items with an empty classId are the
// paragraph segments the annotators worked through.

// ca4pLabels maps the corpus's label names onto the tagger's.
var ca4pLabels = map[string]string{"数据": LabelData, "收集": LabelCollect, "分享": LabelShare, "目的": LabelPurpose, "条件": LabelCondition, "操作者": LabelHandler, "受试者": LabelSubjects}

type ca4pItem struct {
	ClassID   string `json:"classId"`
	ClassName string `json:"classId_name"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

// EvalDoc is one annotated policy.
type EvalDoc struct {
	ID       string
	Text     string
	Gold     []Span
	Segments [][2]int // annotated paragraph segments
}

// Annotated returns the annotated segments: those holding a gold span.
func (d EvalDoc) Annotated() [][2]int {
	var segs [][2]int
	for _, sg := range d.Segments {
		for _, g := range d.Gold {
			if g.Start >= sg[0] && g.End <= sg[1] {
				segs = append(segs, sg)
				break
			}
		}
	}
	return segs
}

// ParseCA4P reads one annotated policy: the raw HTML page, whose <pre>
// content is the text, and its annotations, whose offsets (characters)
// must lie in that text.
func ParseCA4P(id string, raw, annotations []byte) (EvalDoc, error) {
	m := preRE.FindSubmatch(raw)
	if m == nil {
		return EvalDoc{}, fmt.Errorf("no <pre> element")
	}
	d := EvalDoc{ID: id, Text: html.UnescapeString(string(m[1]))}
	var items []ca4pItem
	if err := json.Unmarshal(annotations, &items); err != nil {
		return EvalDoc{}, fmt.Errorf("annotations: %w", err)
	}
	n := utf8.RuneCountInString(d.Text)
	for _, it := range items {
		if it.Start < 0 || it.End > n || it.Start >= it.End {
			return EvalDoc{}, fmt.Errorf("span [%d,%d) outside the text of %d characters", it.Start, it.End, n)
		}
		if it.ClassID == "" {
			d.Segments = append(d.Segments, [2]int{it.Start, it.End})
			continue
		}
		if lab, ok := ca4pLabels[it.ClassName]; ok {
			d.Gold = append(d.Gold, Span{lab, it.Start, it.End})
		}
	}
	return d, nil
}

var preRE = regexp.MustCompile(`(?s)<pre[^>]*>(.*?)</pre>`)

// maxEvalFile bounds one corpus file.
const maxEvalFile = 16 << 20

// ReadCA4P reads the corpus under dir, in id order.
func ReadCA4P(dir string) ([]EvalDoc, error) {
	raws, err := filepath.Glob(filepath.Join(dir, "raw", "*.html"))
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("%s: no raw/*.html (want the CA4P-483 layout: raw/NNNN.html and annotations/NNNN.json)", dir)
	}
	sort.Strings(raws)
	var out []EvalDoc
	for _, p := range raws {
		id := strings.TrimSuffix(filepath.Base(p), ".html")
		b, err := readLimited(p)
		if err != nil {
			return nil, err
		}
		ab, err := readLimited(filepath.Join(dir, "annotations", id+".json"))
		if err != nil {
			return nil, err
		}
		d, err := ParseCA4P(id, b, ab)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEvalFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxEvalFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxEvalFile)
	}
	return b, nil
}

// Split tells the fixed split of the corpus: policies whose number is a
// multiple of 5 are held out ("test"); the rest are for tuning ("tune").
func Split(id string) string {
	n, err := strconv.Atoi(id)
	if err == nil && n%5 == 0 {
		return "test"
	}
	return "tune"
}

// Score counts one label × match × scope.
type Score struct {
	Label, Match, Scope string
	Pred, Gold          int
	TPPred, TPGold      int // predictions that match, gold spans matched
}

func (s Score) P() float64  { return ratio(s.TPPred, s.Pred) }
func (s Score) R() float64  { return ratio(s.TPGold, s.Gold) }
func (s Score) F1() float64 { p, r := s.P(), s.R(); return ratio2(2*p*r, p+r) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ratio2(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Evaluate tags each document and scores the spans per label, exact and
// overlapping, over the annotated segments (those holding a gold span)
// and over all the text.
func (l *Lexicon) Evaluate(docs []EvalDoc) []Score {
	idx := map[string]*Score{}
	var order []string
	get := func(label, match, scope string) *Score {
		k := label + "/" + match + "/" + scope
		if s, ok := idx[k]; ok {
			return s
		}
		s := &Score{Label: label, Match: match, Scope: scope}
		idx[k] = s
		order = append(order, k)
		return s
	}
	for _, lab := range Labels {
		for _, scope := range []string{"annotated", "all"} {
			for _, match := range []string{"exact", "overlap"} {
				get(lab, match, scope)
			}
		}
	}
	for _, d := range docs {
		pred := l.Tag(d.Text)
		segs := d.Annotated()
		inSeg := func(s Span) bool {
			for _, sg := range segs {
				if s.Start >= sg[0] && s.End <= sg[1] {
					return true
				}
			}
			return false
		}
		for _, scope := range []string{"annotated", "all"} {
			for _, lab := range Labels {
				var p, g []Span
				for _, s := range pred {
					if s.Label == lab && (scope == "all" || inSeg(s)) {
						p = append(p, s)
					}
				}
				for _, s := range d.Gold {
					if s.Label == lab && (scope == "all" || inSeg(s)) {
						g = append(g, s)
					}
				}
				score(get(lab, "exact", scope), p, g, func(a, b Span) bool { return a.Start == b.Start && a.End == b.End })
				score(get(lab, "overlap", scope), p, g, func(a, b Span) bool { return a.Start < b.End && b.Start < a.End })
			}
		}
	}
	out := make([]Score, len(order))
	for i, k := range order {
		out[i] = *idx[k]
	}
	return out
}

func score(s *Score, pred, gold []Span, match func(a, b Span) bool) {
	s.Pred += len(pred)
	s.Gold += len(gold)
	for _, p := range pred {
		for _, g := range gold {
			if match(p, g) {
				s.TPPred++
				break
			}
		}
	}
	for _, g := range gold {
		for _, p := range pred {
			if match(p, g) {
				s.TPGold++
				break
			}
		}
	}
}
