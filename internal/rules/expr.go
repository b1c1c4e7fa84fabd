package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
)

// Rules written as data state their condition in CEL (the Common
// Expression Language: https://cel.dev), a small, side-effect-free,
// always-terminating language that is type-checked when the rule file is
// loaded. A rule either judges the whole target:
//
//	condition: '"contacts" in referenced && app_type == "news"'
//
// or each observation, bound to `o`, with `for_each: observation`; every
// observation the condition accepts becomes evidence of a finding whose
// subject is the `subject` expression (default o.key):
//
//	for_each: observation
//	condition: 'o.kind == "data_type" && o.party.sdk != "" && sensitive(o.key)'
//	subject: 'o.party.sdk'
//
// Variables: target (kind, id, name, version, path, sha256, attrs),
// inputs, app_type, permissions, data_types, referenced (data types read by
// code or seen at run time), sdks, hosts, claims (policy claim keys),
// observations (each: kind, key, level, rank, party {sdk, name}, where
// {file, class, method, offset, resource, packet, section}, source,
// detail). Functions: sensitive(key), non_resettable(key),
// identifier(key), sdk_country(id), sdk_categories(id), sdk_vendor(id),
// necessary(app_type, key), level_rank(level); plus CEL's standard
// functions and string extensions.

// exprCostLimit bounds one evaluation (CEL's cost units: roughly one per
// operation and element visited). Rules over observations are evaluated
// once per observation, each within the limit.
const exprCostLimit = 1_000_000

// exprRuleBudget bounds all evaluations of one rule over one target: a
// per-observation rule is evaluated once per observation, each within
// exprCostLimit, and the sum within this.
const exprRuleBudget = 10_000_000

// exprRuleTime bounds the wall time of one rule over one target, whatever
// the cost model says.
const exprRuleTime = 3 * time.Second

// maxExprLen bounds the source of one expression.
const maxExprLen = 4096

// ForEachObservation evaluates a rule's condition once per observation.
const ForEachObservation = "observation"

// exprRule is a compiled data rule.
type exprRule struct {
	cond    cel.Program
	subject cel.Program // nil: default subject
	each    bool
	// appType: the rule reads the app type; without one it is not
	// evaluated, whatever the evidence, as the built-in necessity rule.
	appType bool
}

// readsAppType finds the identifiers that make a rule depend on the app
// type.
var readsAppType = regexp.MustCompile(`\b(app_type|necessary)\b`)

// newExprEnv declares the variables and functions conditions see.
func newExprEnv(cat *catalog.Catalog, lc *law.Catalog) (*cel.Env, error) {
	strList := cel.ListType(cel.StringType)
	dynMap := cel.MapType(cel.StringType, cel.DynType)
	str := func(v ref.Val) (string, bool) {
		s, ok := v.(types.String)
		return string(s), ok
	}
	dataType := func(name string, pick func(catalog.DataType) bool) cel.EnvOption {
		return cel.Function(name, cel.Overload(name+"_string", []*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				k, ok := str(v)
				if !ok {
					return types.MaybeNoSuchOverloadErr(v)
				}
				t, found := cat.DataType(k)
				return types.Bool(found && pick(t))
			})))
	}
	sdkString := func(name string, pick func(catalog.SDK) string) cel.EnvOption {
		return cel.Function(name, cel.Overload(name+"_string", []*cel.Type{cel.StringType}, cel.StringType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				id, ok := str(v)
				if !ok {
					return types.MaybeNoSuchOverloadErr(v)
				}
				s, found := cat.SDK(id)
				if !found {
					return types.String("")
				}
				return types.String(pick(s))
			})))
	}
	return cel.NewEnv(
		cel.Variable("target", dynMap),
		cel.Variable("inputs", strList),
		cel.Variable("app_type", cel.StringType),
		cel.Variable("permissions", strList),
		cel.Variable("data_types", strList),
		cel.Variable("referenced", strList),
		cel.Variable("sdks", strList),
		cel.Variable("hosts", strList),
		cel.Variable("claims", strList),
		cel.Variable("observations", cel.ListType(dynMap)),
		cel.Variable("o", dynMap),
		ext.Strings(),
		dataType("sensitive", func(t catalog.DataType) bool { return t.Sensitive }),
		dataType("non_resettable", func(t catalog.DataType) bool { return t.NonResettable }),
		dataType("identifier", func(t catalog.DataType) bool { return t.Identifier }),
		sdkString("sdk_country", func(s catalog.SDK) string { return s.Country }),
		sdkString("sdk_vendor", func(s catalog.SDK) string { return s.Vendor }),
		cel.Function("sdk_categories", cel.Overload("sdk_categories_string", []*cel.Type{cel.StringType}, strList,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				id, ok := str(v)
				if !ok {
					return types.MaybeNoSuchOverloadErr(v)
				}
				s, _ := cat.SDK(id)
				return types.NewStringList(types.DefaultTypeAdapter, s.Categories)
			}))),
		cel.Function("level_rank", cel.Overload("level_rank_string", []*cel.Type{cel.StringType}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				l, ok := str(v)
				if !ok {
					return types.MaybeNoSuchOverloadErr(v)
				}
				return types.Int(evidence.Level(l).Rank())
			}))),
		cel.Function("necessary", cel.Overload("necessary_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.BoolType,
			cel.BinaryBinding(func(a, k ref.Val) ref.Val {
				appType, ok1 := str(a)
				key, ok2 := str(k)
				if !ok1 || !ok2 {
					return types.MaybeNoSuchOverloadErr(a)
				}
				if appType == "" {
					return types.NewErr("%s", errNoAppType)
				}
				at, found := lc.AppType(appType)
				if !found {
					return types.NewErr("unknown app type %q", appType)
				}
				return types.Bool(at.Necessary(key, func(k string) []string {
					t, _ := cat.DataType(k)
					return t.Includes
				}))
			}))),
	)
}

// errNoAppType is the evaluation error of necessary() without an app type;
// the rule is then "not evaluated", as the built-in necessity rule is.
var errNoAppType = errors.New(whyNoAppType.En)

// compileExpr checks and plans a rule's expressions.
func compileExpr(env *cel.Env, r Rule) (*exprRule, error) {
	prog := func(field, src string, want *cel.Type) (cel.Program, error) {
		if len(src) > maxExprLen {
			return nil, fmt.Errorf("rule %s: %s is %d bytes long (limit %d)", r.ID, field, len(src), maxExprLen)
		}
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			return nil, fmt.Errorf("rule %s: %s: %w", r.ID, field, iss.Err())
		}
		if err := checkFields(ast); err != nil {
			return nil, fmt.Errorf("rule %s: %s: %w", r.ID, field, err)
		}
		if !ast.OutputType().IsExactType(want) && ast.OutputType() != cel.DynType {
			return nil, fmt.Errorf("rule %s: %s gives %s, want %s", r.ID, field, ast.OutputType(), want)
		}
		p, err := env.Program(ast, cel.CostLimit(exprCostLimit), cel.EvalOptions(cel.OptOptimize, cel.OptTrackCost), cel.InterruptCheckFrequency(256))
		if err != nil {
			return nil, fmt.Errorf("rule %s: %s: %w", r.ID, field, err)
		}
		return p, nil
	}
	x := &exprRule{appType: readsAppType.MatchString(r.Condition) || readsAppType.MatchString(r.Subject)}
	switch r.ForEach {
	case "":
	case ForEachObservation:
		x.each = true
	default:
		return nil, fmt.Errorf("rule %s: for_each %q (want %q or nothing)", r.ID, r.ForEach, ForEachObservation)
	}
	var err error
	if x.cond, err = prog("condition", r.Condition, cel.BoolType); err != nil {
		return nil, err
	}
	if r.Subject != "" {
		if x.subject, err = prog("subject", r.Subject, cel.StringType); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// activation holds one target's evidence in the shape conditions read. It
// is built once per Run, on first use.
type activation struct {
	vars map[string]any
	base interpreter.Activation
	// obs holds each observation as a CEL value, built once: conditions
	// that scan observations then read maps, not reflected Go values.
	obs []ref.Val
}

func newActivation(set *evidence.Set, opts Options) *activation {
	a := &activation{obs: make([]ref.Val, len(set.Observations))}
	var perms, types_, referenced, sdks, hosts, claims []string
	seen := map[string]bool{}
	add := func(list *[]string, tag, v string) {
		if v == "" || seen[tag+v] {
			return
		}
		seen[tag+v] = true
		*list = append(*list, v)
	}
	for i, o := range set.Observations {
		detail := make(map[string]any, len(o.Detail))
		for k, v := range o.Detail {
			detail[k] = v
		}
		a.obs[i] = celValue(map[string]any{
			"kind": string(o.Kind), "key": o.Key, "level": string(o.Level), "rank": int64(o.Level.Rank()),
			"party":  map[string]any{"sdk": o.Party.SDK, "name": o.Party.Name},
			"where":  map[string]any{"file": o.Where.File, "class": o.Where.Class, "method": o.Where.Method, "offset": o.Where.Offset, "resource": o.Where.Resource, "packet": int64(o.Where.Packet), "section": o.Where.Section},
			"source": o.Source, "detail": detail,
		})
		switch o.Kind {
		case evidence.Permission:
			add(&perms, "p", o.Key)
		case evidence.DataType:
			add(&types_, "d", o.Key)
			if o.Level.Rank() >= evidence.Referenced.Rank() {
				add(&referenced, "r", o.Key)
			}
		case evidence.SDK:
			add(&sdks, "s", o.Key)
		case evidence.Endpoint:
			add(&hosts, "h", o.Key)
		case evidence.PolicyClaim:
			add(&claims, "c", o.Key)
		}
	}
	t := set.Target
	attrs := map[string]any{}
	for k, v := range t.Attrs {
		attrs[k] = v
	}
	a.vars = map[string]any{
		"target": map[string]any{"kind": t.Kind, "id": t.ID, "name": t.Name, "version": t.Version, "version_code": t.VersionCode,
			"path": t.Path, "sha256": t.SHA256, "attrs": attrs},
		"inputs": orEmpty(set.Inputs), "app_type": opts.AppType, "permissions": orEmpty(perms), "data_types": orEmpty(types_),
		"referenced": orEmpty(referenced), "sdks": orEmpty(sdks), "hosts": orEmpty(hosts), "claims": orEmpty(claims),
		"observations": types.NewRefValList(types.DefaultTypeAdapter, a.obs),
	}
	return a
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// activation returns the run's evidence in the shape conditions read,
// building it on first use.
func (env *Env) activation() *activation {
	if env.run.act == nil {
		env.run.act = newActivation(env.Set, env.Options)
	}
	return env.run.act
}

// runState is shared by the checks of one Run.
type runState struct {
	act *activation
	// declared holds the permissions the app declares, built on first use.
	declared map[string]bool
}

// with returns the variables with o bound to observation i.
func (a *activation) with(i int) interpreter.Activation {
	if a.base == nil {
		a.base, _ = interpreter.NewActivation(a.vars)
	}
	o, _ := interpreter.NewActivation(map[string]any{"o": a.obs[i]})
	return interpreter.NewHierarchicalActivation(a.base, o)
}

// maxExprMatches bounds the observations one data rule turns into
// evidence; the findings say how many there were.
const maxExprMatches = 100_000

// check runs a compiled rule as a Check.
func (x *exprRule) check() Check {
	return func(env *Env) ([]Match, *Text) {
		if x.appType && env.Options.AppType == "" {
			return nil, whyNoAppType
		}
		act := env.activation()
		var spent uint64
		ctx, cancel := context.WithTimeout(context.Background(), exprRuleTime)
		defer cancel()
		eval := func(p cel.Program, vars any) (ref.Val, *Text) {
			if ctx.Err() != nil {
				return nil, whyConditionFailed(fmt.Sprintf("took longer than %v for one target", exprRuleTime))
			}
			out, det, err := p.ContextEval(ctx, vars)
			if det != nil && det.ActualCost() != nil {
				spent += *det.ActualCost()
			}
			if err == nil && spent > exprRuleBudget {
				return nil, whyConditionFailed(fmt.Sprintf("cost budget of %d per rule and target exceeded", exprRuleBudget))
			}
			if err != nil && ctx.Err() != nil {
				return nil, whyConditionFailed(fmt.Sprintf("took longer than %v for one target", exprRuleTime))
			}
			if err != nil {
				if strings.Contains(err.Error(), errNoAppType.Error()) {
					return nil, whyNoAppType
				}
				return nil, whyConditionFailed(err.Error())
			}
			return out, nil
		}
		subject := func(vars any, def string) (string, *Text) {
			if x.subject == nil {
				return def, nil
			}
			v, why := eval(x.subject, vars)
			if why != nil {
				return "", why
			}
			if s, ok := v.Value().(string); ok {
				return s, nil
			}
			return fmt.Sprint(v.Value()), nil
		}
		if !x.each {
			v, why := eval(x.cond, act.vars)
			if why != nil {
				return nil, why
			}
			if v != types.True {
				return nil, nil
			}
			s, why := subject(act.vars, "target")
			if why != nil {
				return nil, why
			}
			return []Match{{Subject: s}}, nil
		}
		// One match per observation; the engine groups them by subject.
		var ms []Match
		for i, o := range env.Set.Observations {
			if len(ms) >= maxExprMatches {
				break
			}
			vars := act.with(i)
			v, why := eval(x.cond, vars)
			if why != nil {
				return nil, why
			}
			if v != types.True {
				continue
			}
			s, why := subject(vars, o.Key)
			if why != nil {
				return nil, why
			}
			ms = append(ms, Match{Subject: s, Evidence: []evidence.Observation{o}})
		}
		return ms, nil
	}
}

// celValue converts the plain values an activation holds (strings,
// integers, string maps) to CEL values.
func celValue(v any) ref.Val {
	switch x := v.(type) {
	case string:
		return types.String(x)
	case int64:
		return types.Int(x)
	case map[string]any:
		m := make(map[ref.Val]ref.Val, len(x))
		for k, e := range x {
			m[types.String(k)] = celValue(e)
		}
		return types.NewRefValMap(types.DefaultTypeAdapter, m)
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}
