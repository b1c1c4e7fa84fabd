package main

import (
	"fmt"
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
	cmd.AddCommand(pol)
	return cmd
}
