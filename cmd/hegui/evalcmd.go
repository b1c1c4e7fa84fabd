package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/policy"
)

// newEvalCmd measures hegui's readers on annotated corpora.
func newEvalCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure hegui's accuracy on annotated corpora",
	}
	var split string
	pol := &cobra.Command{
		Use:   "policy DIR",
		Short: "Score the policy span tagger on the CA4P-483 layout (raw/NNNN.html, annotations/NNNN.json)",
		Long: `Tag every policy of a CA4P-483-style corpus and score the spans against its
annotations, per label (data, collect, share, purpose, condition, handler,
subjects), exact and overlapping, over the annotated segments (those that
hold at least one gold span) and over all the text. The split is fixed:
policies whose number is a multiple of 5 are held out ("test"); the others
("tune") are the ones the tagger's words were chosen on.`,
		Example: "  hegui eval policy ../shared/reference/datasets/ca4p-483",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains([]string{"test", "tune", "all"}, split) {
				return usageErr("--split %q: want test, tune or all", split)
			}
			cat, err := catalog.Load()
			if err != nil {
				return err
			}
			lex, err := policy.LoadLexicon(cat)
			if err != nil {
				return err
			}
			if err := lex.LoadTaggerModels(); err != nil {
				return err
			}
			docs, err := policy.ReadCA4P(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			var use []policy.EvalDoc
			for _, d := range docs {
				if split == "all" || policy.Split(d.ID) == split {
					use = append(use, d)
				}
			}
			fmt.Fprintf(g.stdout, "# %d policies (split %s)\n", len(use), split)
			fmt.Fprintln(g.stdout, "label match scope precision recall f1 predicted gold")
			for _, s := range lex.Evaluate(use) {
				fmt.Fprintf(g.stdout, "%s %s %s %.3f %.3f %.3f %d %d\n", s.Label, s.Match, s.Scope, s.P(), s.R(), s.F1(), s.Pred, s.Gold)
			}
			return nil
		},
	}
	pol.Flags().StringVar(&split, "split", "test", "which policies: test (held out), tune or all")
	var parts []int
	sec := &cobra.Command{
		Use:   "policy-sections DIR",
		Short: "Score the English policy paragraph classifier on APPCorp folds (part_N.txt)",
		Long: `Classify every paragraph of the APPCorp folds given by --parts into the
corpus's 11 categories with the embedded model and print per-category and
macro precision, recall and F1. The model was trained on part_0 … part_6
(data/gen/trainsections.go); part_7 and part_8 are held out.`,
		Example: "  hegui eval policy-sections ../shared/reference/datasets/appcorp",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := policy.LoadSectionModel()
			if err != nil {
				return err
			}
			var ps []policy.Paragraph
			for _, n := range parts {
				b, err := os.ReadFile(filepath.Join(args[0], fmt.Sprintf("part_%d.txt", n)))
				if err != nil {
					return usageErr("%v", err)
				}
				p, err := policy.ParseAPPCorp(b)
				if err != nil {
					return usageErr("part_%d.txt: %v", n, err)
				}
				ps = append(ps, p...)
			}
			fmt.Fprintf(g.stdout, "# %d paragraphs (parts %v)\n", len(ps), parts)
			fmt.Fprintln(g.stdout, "category precision recall f1 tp fp fn")
			for _, s := range m.EvaluateSections(ps) {
				fmt.Fprintf(g.stdout, "%s %.3f %.3f %.3f %d %d %d\n", s.Label, s.Precision, s.Recall, s.F1, s.TP, s.FP, s.FN)
			}
			return nil
		},
	}
	sec.Flags().IntSliceVar(&parts, "parts", []int{7, 8}, "the folds to score (part_N.txt)")
	cmd.AddCommand(pol, sec)
	return cmd
}
