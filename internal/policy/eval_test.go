package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// Scores count exact and overlapping matches from both sides.
func TestScore(t *testing.T) {
	gold := []Span{{LabelData, 0, 4}, {LabelData, 10, 14}, {LabelData, 20, 22}}
	pred := []Span{{LabelData, 0, 4}, {LabelData, 11, 13}, {LabelData, 30, 31}}
	var ex, ov Score
	score(&ex, pred, gold, func(a, b Span) bool { return a.Start == b.Start && a.End == b.End })
	score(&ov, pred, gold, func(a, b Span) bool { return a.Start < b.End && b.Start < a.End })
	if ex.TPPred != 1 || ex.TPGold != 1 || ov.TPPred != 2 || ov.TPGold != 2 || ex.Pred != 3 || ex.Gold != 3 {
		t.Errorf("exact %+v overlap %+v", ex, ov)
	}
	if f := ov.F1(); f < 0.66 || f > 0.67 {
		t.Errorf("overlap F1 %.3f, want 2/3", f)
	}
}

// The corpus layout is read with offsets that index the <pre> text, and
// the tagger finds most of the gold data mentions on three real policies.
func TestEvaluateSample(t *testing.T) {
	docs, err := ReadCA4P(filepath.Join("testdata", "ca4p"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 || len(docs[0].Gold) == 0 || len(docs[0].Segments) == 0 {
		t.Fatalf("%d docs, %d gold spans, %d segments", len(docs), len(docs[0].Gold), len(docs[0].Segments))
	}
	l := lexicon(t)
	for _, s := range l.Evaluate(docs) {
		if s.Label == LabelData && s.Match == "overlap" && s.Scope == "annotated" && (s.R() < 0.6 || s.P() < 0.2) {
			t.Errorf("data overlap on the sample: P %.3f R %.3f", s.P(), s.R())
		}
	}
}

// On the whole corpus's held-out policies (when ../shared is beside the
// project), the tagger keeps at least the figures of the README.
func TestEvaluateCA4PFloor(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "reference", "datasets", "ca4p-483")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("the CA4P-483 corpus is not beside the project")
	}
	docs, err := ReadCA4P(dir)
	if err != nil {
		t.Fatal(err)
	}
	var test []EvalDoc
	for _, d := range docs {
		if Split(d.ID) == "test" {
			test = append(test, d)
		}
	}
	floor := map[string]float64{LabelData: 0.66, LabelCollect: 0.73, LabelShare: 0.73}
	for _, s := range lexicon(t).Evaluate(test) {
		if f, ok := floor[s.Label]; ok && s.Match == "overlap" && s.Scope == "annotated" && s.F1() < f {
			t.Errorf("%s overlap F1 %.3f on the held-out policies, below %.2f", s.Label, s.F1(), f)
		}
	}
}
