package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
)

// The fields conditions may read on the maps of the evidence. The CEL
// environment declares these maps as map(string, dyn), so the type checker
// accepts any field; checkFields closes that gap at load time, so a typo
// such as o.rnak is an error, not a rule that silently never fires. The
// lists must follow newActivation.
var (
	observationFields = []string{"kind", "key", "level", "rank", "party", "where", "source", "detail"}
	partyFields       = []string{"sdk", "name"}
	whereFields       = []string{"file", "class", "method", "offset", "resource", "packet", "section"}
	targetFields      = []string{"kind", "id", "name", "version", "version_code", "path", "sha256", "attrs"}
)

// checkFields reports the first field selection that names no field: on o,
// on a variable iterating over observations, on their party and where, and
// on target. Free-form maps (detail, attrs) are not checked.
func checkFields(a *cel.Ast) error {
	root := a.NativeRep().Expr()
	obsVars := map[string]bool{"o": true}
	celast.PreOrderVisit(root, celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.ComprehensionKind {
			return
		}
		c := e.AsComprehension()
		if r := c.IterRange(); r.Kind() == celast.IdentKind && r.AsIdent() == "observations" {
			obsVars[c.IterVar()] = true
		}
	}))
	var errs []string
	celast.PreOrderVisit(root, celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.SelectKind {
			return
		}
		s := e.AsSelect()
		op, field := s.Operand(), s.FieldName()
		var want []string
		var what string
		switch {
		case op.Kind() == celast.IdentKind && obsVars[op.AsIdent()]:
			want, what = observationFields, "an observation"
		case op.Kind() == celast.IdentKind && op.AsIdent() == "target":
			want, what = targetFields, "target"
		case op.Kind() == celast.SelectKind && op.AsSelect().Operand().Kind() == celast.IdentKind && obsVars[op.AsSelect().Operand().AsIdent()]:
			switch op.AsSelect().FieldName() {
			case "party":
				want, what = partyFields, "party"
			case "where":
				want, what = whereFields, "where"
			}
		}
		if want != nil && !slices.Contains(want, field) {
			errs = append(errs, fmt.Sprintf("%s has no field %q (fields: %s)", what, field, strings.Join(want, ", ")))
		}
	}))
	if len(errs) == 0 {
		return nil
	}
	sort.Strings(errs)
	return fmt.Errorf("%s", strings.Join(slices.Compact(errs), "; "))
}
