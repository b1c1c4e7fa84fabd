package policy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/evidence"
)

// The paragraph classifier: which of the 11 APPCorp categories (Liu et al.,
// "APPCorp: A Corpus for Android Privacy Policy Document Structure
// Analysis", 2023) an English policy paragraph belongs to. Most map onto
// an item PIPL Art. 17 requires: collection and use, third parties,
// rights, retention, contact, transfer abroad, minors, changes. The model
// is a multinomial logistic regression over word unigrams and bigrams,
// trained by data/gen/trainsections on a fixed part of the corpus and
// embedded as data/policy/sections.model.

// Sections lists the categories.
var Sections = []string{
	"First_Party_Collection_and_Use", "Third_Party_Share_and_Collection", "User_Right_and_Control",
	"Policy_Introductory", "Cookies_and_Similar_Technologies", "Data_Security", "Specific_Audiences",
	"Policy_Contact_Information", "Policy_Change", "Data_Retention", "International_Data_Transfer",
}

// SectionModel is a trained classifier.
type SectionModel struct {
	Classes []string
	Bias    []float64
	Weights map[string][]float64 // feature → weight per class
}

// features returns a paragraph's features: lower-cased word unigrams
// and bigrams, each once.
func features(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for i, w := range words {
		add(w)
		if i > 0 {
			add(words[i-1] + " " + w)
		}
	}
	return out
}

// Classify returns the most likely category of a paragraph and its
// probability.
func (m *SectionModel) Classify(text string) (string, float64) {
	p := m.probs(features(text))
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return m.Classes[best], p[best]
}

func (m *SectionModel) probs(fs []string) []float64 {
	z := make([]float64, len(m.Classes))
	copy(z, m.Bias)
	norm := 1 / math.Sqrt(float64(max(len(fs), 1)))
	for _, f := range fs {
		if w, ok := m.Weights[f]; ok {
			for c := range z {
				z[c] += w[c] * norm
			}
		}
	}
	return softmax(z)
}

func softmax(z []float64) []float64 {
	mx := z[0]
	for _, v := range z {
		mx = max(mx, v)
	}
	sum := 0.0
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = math.Exp(v - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Paragraph is a labelled paragraph of a corpus.
type Paragraph struct {
	Label, Text string
}

// ParseAPPCorp reads one APPCorp fold: paragraphs separated by blank
// lines, each a category line followed by its sentences.
func ParseAPPCorp(b []byte) ([]Paragraph, error) {
	var out []Paragraph
	known := map[string]bool{}
	for _, s := range Sections {
		known[s] = true
	}
	for _, block := range strings.Split(strings.ReplaceAll(string(b), "\r", ""), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		label, text, _ := strings.Cut(block, "\n")
		label = strings.TrimSpace(label)
		if !known[label] {
			return nil, fmt.Errorf("appcorp: unknown category %q", label)
		}
		out = append(out, Paragraph{label, text})
	}
	return out, nil
}

// TrainOptions tunes training.
type TrainOptions struct {
	Epochs   int
	Rate, L2 float64
	MinDF    int     // features seen in fewer training paragraphs are dropped
	Prune    float64 // weights smaller in magnitude are dropped from the model
	// Balance weighs each paragraph by the inverse frequency of its
	// category (to the power Balance): the small categories count as
	// much as the large ones in a macro average.
	Balance float64
}

// TrainLinear fits a classifier over feature sets: docs[i] has class
// ys[i] of classes.
func TrainLinear(classes []string, docs [][]string, ys []int, o TrainOptions) *SectionModel {
	return trainLinear(classes, docs, ys, o)
}

// Probs returns the class probabilities of a feature set.
func (m *SectionModel) Probs(fs []string) []float64 { return m.probs(fs) }

// TrainSections fits the paragraph classifier on APPCorp paragraphs.
func TrainSections(train []Paragraph, o TrainOptions) *SectionModel {
	classIdx := map[string]int{}
	for i, c := range Sections {
		classIdx[c] = i
	}
	docs := make([][]string, len(train))
	ys := make([]int, len(train))
	for i, p := range train {
		docs[i] = features(p.Text)
		ys[i] = classIdx[p.Label]
	}
	return trainLinear(Sections, docs, ys, o)
}

// trainLinear fits a multinomial logistic regression over feature sets
// with Adagrad on the softmax loss. The order of the examples is fixed, so
// training is deterministic.
func trainLinear(classes []string, docs [][]string, ys []int, o TrainOptions) *SectionModel {
	df := map[string]int{}
	for _, d := range docs {
		for _, f := range d {
			df[f]++
		}
	}
	k := len(classes)
	w := map[string][]float64{}
	g := map[string][]float64{}
	for f, n := range df {
		if n >= o.MinDF {
			w[f] = make([]float64, k)
			g[f] = make([]float64, k)
		}
	}
	bias := make([]float64, k)
	gb := make([]float64, k)
	count := make([]float64, k)
	for _, y := range ys {
		count[y]++
	}
	weight := make([]float64, k)
	for c := range weight {
		weight[c] = math.Pow(float64(len(docs))/float64(k)/math.Max(count[c], 1), o.Balance)
	}
	m := &SectionModel{Classes: classes, Bias: bias, Weights: w}
	// A fixed permutation per epoch (a linear congruential walk).
	for e := 0; e < o.Epochs; e++ {
		for j := range docs {
			i := (j*7919 + e*104729) % len(docs)
			fs := docs[i]
			p := m.probs(fs)
			y := ys[i]
			norm := 1 / math.Sqrt(float64(max(len(fs), 1)))
			for c := 0; c < k; c++ {
				d := p[c]
				if c == y {
					d--
				}
				d *= weight[y]
				gb[c] += d * d
				bias[c] -= o.Rate * d / math.Sqrt(gb[c]+1e-8)
				for _, f := range fs {
					wf, ok := w[f]
					if !ok {
						continue
					}
					grad := d*norm + o.L2*wf[c]
					g[f][c] += grad * grad
					wf[c] -= o.Rate * grad / math.Sqrt(g[f][c]+1e-8)
				}
			}
		}
	}
	for f, wf := range w {
		keep := false
		for c := range wf {
			if math.Abs(wf[c]) < o.Prune {
				wf[c] = 0
			} else {
				keep = true
			}
		}
		if !keep {
			delete(w, f)
		}
	}
	return m
}

// WriteTo writes the model as text: a header, the classes, the biases,
// then one line per feature with its non-zero weights as class:weight.
func (m *SectionModel) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString("hegui-sections 1\n")
	b.WriteString("classes " + strings.Join(m.Classes, " ") + "\n")
	b.WriteString("bias")
	for _, v := range m.Bias {
		b.WriteString(" " + strconv.FormatFloat(v, 'f', 3, 64))
	}
	b.WriteString("\n")
	fs := make([]string, 0, len(m.Weights))
	for f := range m.Weights {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	for _, f := range fs {
		b.WriteString(f)
		for c, v := range m.Weights[f] {
			if v != 0 {
				b.WriteString("\t" + strconv.Itoa(c) + ":" + strconv.FormatFloat(v, 'f', 2, 64))
			}
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// ParseSectionModel reads what Marshal wrote.
func ParseSectionModel(b []byte) (*SectionModel, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	line := 0
	m := &SectionModel{Weights: map[string][]float64{}}
	for sc.Scan() {
		line++
		t := sc.Text()
		switch line {
		case 1:
			if t != "hegui-sections 1" {
				return nil, fmt.Errorf("sections model: header %q", t)
			}
			continue
		case 2:
			m.Classes = strings.Fields(strings.TrimPrefix(t, "classes "))
			continue
		case 3:
			for _, f := range strings.Fields(strings.TrimPrefix(t, "bias ")) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					return nil, fmt.Errorf("sections model line 3: %w", err)
				}
				m.Bias = append(m.Bias, v)
			}
			if len(m.Bias) != len(m.Classes) || len(m.Classes) == 0 {
				return nil, fmt.Errorf("sections model: %d biases for %d classes", len(m.Bias), len(m.Classes))
			}
			continue
		}
		parts := strings.Split(t, "\t")
		w := make([]float64, len(m.Classes))
		for _, p := range parts[1:] {
			cs, vs, ok := strings.Cut(p, ":")
			c, err1 := strconv.Atoi(cs)
			v, err2 := strconv.ParseFloat(vs, 64)
			if !ok || err1 != nil || err2 != nil || c < 0 || c >= len(w) {
				return nil, fmt.Errorf("sections model line %d: bad weight %q", line, p)
			}
			w[c] = v
		}
		m.Weights[parts[0]] = w
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sections model: %w", err)
	}
	if line < 3 {
		return nil, fmt.Errorf("sections model: %d lines, want a header, classes and biases", line)
	}
	return m, nil
}

// SectionScore is one category's figures.
type SectionScore struct {
	Label             string
	TP, FP, FN        int
	Precision, Recall float64
	F1                float64
}

// EvaluateSections classifies each paragraph and scores each category;
// the last score is the macro average.
func (m *SectionModel) EvaluateSections(ps []Paragraph) []SectionScore {
	idx := map[string]*SectionScore{}
	var out []SectionScore
	for _, c := range m.Classes {
		idx[c] = &SectionScore{Label: c}
	}
	for _, p := range ps {
		got, _ := m.Classify(p.Text)
		if got == p.Label {
			idx[got].TP++
		} else {
			idx[got].FP++
			if s, ok := idx[p.Label]; ok {
				s.FN++
			}
		}
	}
	var mp, mr, mf float64
	for _, c := range m.Classes {
		s := idx[c]
		s.Precision = ratio(s.TP, s.TP+s.FP)
		s.Recall = ratio(s.TP, s.TP+s.FN)
		s.F1 = ratio2(2*s.Precision*s.Recall, s.Precision+s.Recall)
		mp, mr, mf = mp+s.Precision, mr+s.Recall, mf+s.F1
		out = append(out, *s)
	}
	n := float64(len(m.Classes))
	out = append(out, SectionScore{Label: "macro", Precision: mp / n, Recall: mr / n, F1: mf / n})
	return out
}

// LoadSectionModel reads the embedded model (data/policy/sections.model.gz).
func LoadSectionModel() (*SectionModel, error) {
	b, err := data.FS.ReadFile("policy/sections.model.gz")
	if err != nil {
		return nil, fmt.Errorf("sections model: %w", err)
	}
	return parseGzipModel(b)
}

// parseGzipModel reads a gzip-compressed model.
func parseGzipModel(b []byte) (*SectionModel, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sections model: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("sections model: %w", err)
	}
	return ParseSectionModel(raw)
}

// sectionItems maps the categories that answer an item a policy must
// state onto its statement key.
var sectionItems = map[string]string{
	"Data_Retention":              evidence.ClaimRetention,
	"Policy_Contact_Information":  evidence.ClaimComplaint,
	"Policy_Change":               evidence.ClaimUpdateNotice,
	"International_Data_Transfer": evidence.ClaimCrossBorder,
	"Specific_Audiences":          evidence.ClaimMinors,
	"User_Right_and_Control":      evidence.ClaimRights,
}

// minSectionProb is the probability a classified paragraph needs to state
// its item.
const minSectionProb = 0.6

// Classified returns, for each English paragraph (or list item) of the
// document that the model places, with enough confidence, in a category
// answering a required item, that item's statement. It adds to what the
// words of a sentence state: a retention paragraph that says "kept until
// you close your account" names no retention word.
func Classified(d *Doc, sents []Sentence, m *SectionModel) []Statement {
	var out []Statement
	first := map[int]Sentence{}
	for _, s := range sents {
		if _, ok := first[s.Block]; !ok {
			first[s.Block] = s
		}
	}
	for i, b := range d.Blocks {
		if (b.Kind != Para && b.Kind != Item) || !english(b.Text) {
			continue
		}
		cat, p := m.Classify(b.Text)
		key, ok := sectionItems[cat]
		if !ok || p < minSectionProb {
			continue
		}
		s := first[i]
		s.Text, s.Start, s.End, s.Block, s.Kind = b.Text, b.Start, b.Start+utf8.RuneCountInString(b.Text), i, b.Kind
		out = append(out, Statement{Key: key, Sentence: s, Section: cat})
	}
	return out
}

// english tells a paragraph of English prose: eight words or more, and
// ASCII letters for nearly all its letters.
func english(t string) bool {
	var ascii, other int
	for _, r := range t {
		switch {
		case r < 0x80 && unicode.IsLetter(r):
			ascii++
		case unicode.IsLetter(r):
			other++
		}
	}
	return ascii >= 5*other && len(strings.Fields(t)) >= 8
}
