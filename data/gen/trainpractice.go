//go:build ignore

// trainpractice trains the model that tells, in a Chinese privacy policy,
// the sentences that state a practice (collection, sharing…) the way the
// CA4P-483 annotators labelled them, and writes
// data/policy/practice.model.gz. The span tagger (internal/policy/tag.go)
// tags roles only in such sentences.
//
// Usage (from the repository root):
//
//	go run data/gen/trainpractice.go -corpus ../shared/reference/datasets/ca4p-483
//
// CA4P-483: zacharykzhao/CA4P-483 @452b6b0a; Zhao et al., EMNLP 2022. Only
// the tuning policies are used (policy.Split: numbers not a multiple of
// 5); the held-out ones are left to `hegui eval policy`. Examples are the
// sentences of the annotated segments (those holding a gold span), a
// sentence being positive when it holds a gold span. The options and the
// threshold (0.4, practiceThreshold in tag.go: F1 0.803 on the held-back
// sentences) were checked on the tuning policies whose number ends in 4 or
// 9, held back from a first model; the final model trains on all of them.
// Training is deterministic.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/policy"
)

var options = policy.TrainOptions{Epochs: 8, Rate: 0.3, L2: 1e-4, MinDF: 5, Prune: 0.1, Balance: 0}

func examples(lex *policy.Lexicon, docs []policy.EvalDoc) ([][]string, []int) {
	var xs [][]string
	var ys []int
	for _, d := range docs {
		segs := d.Annotated()
		feats := lex.SentenceFeatures(d.Text)
		for i, sp := range policy.SentenceSpans(d.Text) {
			in := false
			for _, sg := range segs {
				if sp[0] >= sg[0] && sp[1] <= sg[1] {
					in = true
				}
			}
			if !in {
				continue
			}
			y := 0
			for _, g := range d.Gold {
				if g.Start >= sp[0] && g.End <= sp[1] {
					y = 1
					break
				}
			}
			xs = append(xs, feats[i])
			ys = append(ys, y)
		}
	}
	return xs, ys
}

func main() {
	corpus := flag.String("corpus", "../shared/reference/datasets/ca4p-483", "the CA4P-483 corpus")
	out := flag.String("out", "data/policy/practice.model.gz", "where to write the practice model")
	spansOut := flag.String("spans", "data/policy/spans.model.gz", "where to write the span model")
	flag.Parse()
	cat, err := catalog.Load()
	if err != nil {
		log.Fatal(err)
	}
	lex, err := policy.LoadLexicon(cat)
	if err != nil {
		log.Fatal(err)
	}
	docs, err := policy.ReadCA4P(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	var tune, fit, check []policy.EvalDoc
	for _, d := range docs {
		if policy.Split(d.ID) != "tune" {
			continue
		}
		tune = append(tune, d)
		if strings.HasSuffix(d.ID, "4") || strings.HasSuffix(d.ID, "9") {
			check = append(check, d)
		} else {
			fit = append(fit, d)
		}
	}
	classes := []string{"other", "practice"}
	// A first model, checked on the held-back tuning policies.
	xs, ys := examples(lex, fit)
	m := policy.TrainLinear(classes, xs, ys, options)
	cx, cy := examples(lex, check)
	report("", m, cx, cy)
	xs, ys = examples(lex, tune)
	m = policy.TrainLinear(classes, xs, ys, options)
	write(m, *out)
	fmt.Printf("%d sentences (%d policies), %d features\n", len(xs), len(tune), len(m.Weights))

	// The span model, over the candidates of the sentences the practice
	// model keeps.
	lex.SetPracticeModel(m)
	lex.SetSpanModel(nil)
	sx, sy := spanExamples(lex, fit)
	sm := policy.TrainLinear([]string{"no", "span"}, sx, sy, spanOptions)
	cx, cy = spanExamples(lex, check)
	report("span ", sm, cx, cy)
	// Per-label thresholds, on the held-back tuning policies: the one
	// with the best mean of exact and overlap F1.
	lex.SetSpanModel(sm)
	for _, lab := range policy.Labels {
		best, bestF := 0.0, -1.0
		for _, th := range []float64{0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6} {
			lex.SetSpanThreshold(lab, th)
			var ex, ov float64
			for _, sc := range lex.Evaluate(check) {
				if sc.Label == lab && sc.Scope == "annotated" {
					if sc.Match == "exact" {
						ex = sc.F1()
					} else {
						ov = sc.F1()
					}
				}
			}
			if (ex+ov)/2 > bestF {
				best, bestF = th, (ex+ov)/2
			}
		}
		lex.SetSpanThreshold(lab, best)
		fmt.Printf("threshold %s %.1f (mean F1 %.3f on held-back policies)\n", lab, best, bestF)
	}
	sx, sy = spanExamples(lex, tune)
	sm = policy.TrainLinear([]string{"no", "span"}, sx, sy, spanOptions)
	write(sm, *spansOut)
	fmt.Printf("%d candidates, %d features\n", len(sx), len(sm.Weights))
}

var spanOptions = policy.TrainOptions{Epochs: 6, Rate: 0.3, L2: 1e-4, MinDF: 3, Prune: 0.05, Balance: 0}

// spanExamples are the candidates of the annotated segments, positive when
// a gold span of the same label has exactly their bounds.
func spanExamples(lex *policy.Lexicon, docs []policy.EvalDoc) ([][]string, []int) {
	var xs [][]string
	var ys []int
	for _, d := range docs {
		segs := d.Annotated()
		for _, c := range lex.Candidates(d.Text) {
			in := false
			for _, sg := range segs {
				in = in || c.Start >= sg[0] && c.End <= sg[1]
			}
			if !in {
				continue
			}
			y := 0
			if policy.SpanPositive(c.Span, d.Gold) {
				y = 1
			}
			xs = append(xs, c.Feats)
			ys = append(ys, y)
		}
	}
	return xs, ys
}

func write(m *policy.SectionModel, path string) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(m.Marshal())
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes written to %s\n", buf.Len(), path)
}

// report prints, for a few thresholds, the precision and recall of model
// m on held-back examples.
func report(what string, m *policy.SectionModel, xs [][]string, ys []int) {
	for _, th := range []float64{0.3, 0.4, 0.5, 0.6} {
		var tp, fp, fn int
		for i, x := range xs {
			p := m.Probs(x)[1] >= th
			switch {
			case p && ys[i] == 1:
				tp++
			case p:
				fp++
			case ys[i] == 1:
				fn++
			}
		}
		pr, rc := float64(tp)/float64(max(tp+fp, 1)), float64(tp)/float64(max(tp+fn, 1))
		fmt.Printf("%sthreshold %.1f on held-back examples: precision %.3f recall %.3f f1 %.3f\n", what, th, pr, rc, 2*pr*rc/max(pr+rc, 1e-9))
	}
}
