package evidence

import (
	"errors"
	"fmt"
	"sort"
	"testing"
)

func TestFailBoundsErrorsPerClass(t *testing.T) {
	s := &Set{}
	for i := range 100_000 {
		s.Fail("android", fmt.Sprintf("assets/%d.zip", i), Lost(PartCode, CauseDepth, errors.New("nested too deep")))
	}
	s.Fail("android", "AndroidManifest.xml", Lost(PartManifest, CauseMalformed, errors.New("bad")))
	s.Fail("android", "x", errors.New("unclassified"))
	if got := len(s.Errors); got != MaxErrorsPerClass+1+2 {
		t.Fatalf("listed %d errors, want %d", got, MaxErrorsPerClass+3)
	}
	sum := s.Errors[MaxErrorsPerClass]
	if sum.More != 100_000-MaxErrorsPerClass || sum.Part != PartCode || sum.Cause != CauseDepth {
		t.Fatalf("summary = %+v", sum)
	}
	if s.Errors[len(s.Errors)-1].Part != "" {
		t.Errorf("an unwrapped error has part %q", s.Errors[len(s.Errors)-1].Part)
	}
}

func TestFailSurvivesSortAndMerge(t *testing.T) {
	a, b := &Set{}, &Set{}
	for i := range 50 {
		a.Fail("android", fmt.Sprint("z", i), Lost(PartCode, CauseBudget, errors.New("budget")))
		b.Fail("android", fmt.Sprint("a", i), Lost(PartCode, CauseBudget, errors.New("budget")))
	}
	sort.SliceStable(a.Errors, func(i, j int) bool { return a.Errors[i].File < a.Errors[j].File })
	a.Fail("android", "late", Lost(PartCode, CauseBudget, errors.New("budget")))
	a.Merge(b)
	var listed, more, summaries int
	for _, e := range a.Errors {
		if e.More > 0 {
			summaries++
			more += e.More
		} else {
			listed++
		}
	}
	if summaries != 1 || listed != MaxErrorsPerClass || listed+more != 101 {
		t.Fatalf("listed %d, summaries %d counting %d; want %d listed and 101 in all", listed, summaries, more, MaxErrorsPerClass)
	}
}

func TestGrave(t *testing.T) {
	for _, c := range []struct {
		p    Part
		c    Cause
		want bool
	}{
		{PartCode, CauseBudget, true}, {PartManifest, CauseMalformed, true}, {PartCode, CausePacker, false},
		{PartAssets, CauseLimit, false}, {PartResources, CauseTruncated, false},
	} {
		if got := Grave(c.p, c.c); got != c.want {
			t.Errorf("Grave(%s, %s) = %v", c.p, c.c, got)
		}
	}
}
