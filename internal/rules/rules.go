// Package rules evaluates rules over evidence. A rule is data (id,
// severity, zh/en texts, legal basis, the inputs it needs, and a check);
// the engine turns the matches of its check into findings that carry the
// law and the proof. A rule whose inputs are absent, or whose evidence
// could not be fully read, is "not evaluated", never "passed".
//
// The files follow the domains of the checks: rules.go (the engine),
// package.go (app packages), policy.go (the policy against the app),
// traffic.go (run-time evidence), coverage.go (evidence that could not be
// read), expr.go and exprfields.go (user rules in CEL).
package rules

//go:generate go test -tags hegui_yaml -run ^TestGenerated$ . -update

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	"go.yaml.in/yaml/v3"

	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/text"
)

// Severity ranks findings.
type Severity string

// The severities, highest first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities (info 1 … critical 5; 0 for unknown).
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return v, nil
}

// Text is a human-facing string in Chinese and English.
type Text = text.Text

// Rule is one check with its law.
type Rule struct {
	ID          string   `yaml:"id"`
	Severity    Severity `yaml:"severity"`
	Title       Text     `yaml:"title"`
	Description Text     `yaml:"description"`
	Remediation Text     `yaml:"remediation"`
	// LegalBasis lists provision ids of the legal catalog.
	LegalBasis []string `yaml:"legal_basis"`
	// Needs lists the input kinds (android, policy, traffic…) without
	// which the rule cannot be evaluated.
	Needs []string `yaml:"needs"`
	// NeedsBytecode marks rules whose evidence comes from code: a packed
	// app leaves them not evaluated.
	NeedsBytecode bool `yaml:"needs_bytecode"`
	// Reads lists the parts of the inputs the rule's evidence comes from
	// (code, manifest, resources, assets, content): while one of them is
	// incomplete, the rule is never "passed", only fired or not evaluated.
	Reads []evidence.Part `yaml:"reads"`
	// AbsenceOf lists the parts whose lack of a statement the rule charges
	// (a policy with no deletion route): while one of them is incomplete,
	// what is missing may be in what was not read, so the rule is not
	// evaluated even when it would fire.
	AbsenceOf []evidence.Part `yaml:"absence_of"`
	// Check names a built-in check. A rule has a check or a condition.
	Check string `yaml:"check"`
	// Condition is a CEL expression over the evidence (see expr.go); with
	// ForEach "observation" it is evaluated per observation, bound to o,
	// and Subject (a CEL string expression) names each finding's subject.
	Condition string `yaml:"condition"`
	ForEach   string `yaml:"for_each"`
	Subject   string `yaml:"subject"`
	// Params tune the check.
	Params map[string]string `yaml:"params"`
	Tags   []string          `yaml:"tags"`
	// Source says where the rule came from: "builtin" or a file path.
	Source string `yaml:"-"`
}

// Match is one thing a check found: what it is about and the proof.
type Match struct {
	// Subject is what the finding is about: an SDK id, a PI type, a
	// permission. It is part of the fingerprint.
	Subject  string
	Evidence []evidence.Observation
	// Detail adds facts to the finding's message (e.g. data types).
	Detail map[string]string
}

// Env is what a check sees.
type Env struct {
	Set     *evidence.Set
	Catalog *catalog.Catalog
	Law     *law.Catalog
	Options Options
	Rule    *Rule
	run     *runState
}

// Options are per-scan settings rules read.
type Options struct {
	// AppType is an app type id of the necessary-PI provisions, or "".
	AppType string
	// Home is the country (ISO 3166 alpha-2, lower case) the data's
	// subjects are in: PI sent elsewhere leaves it. Default "cn".
	Home string
}

// home returns the scan's home country.
func (e *Env) home() string {
	if e.Options.Home == "" {
		return "cn"
	}
	return strings.ToLower(e.Options.Home)
}

// Check evaluates a rule. It returns the matches, or a reason the rule
// could not be evaluated (then matches are ignored).
type Check func(env *Env) (matches []Match, notEvaluated *Text)

// Status says what became of a rule for one target.
type Status struct {
	RuleID string `json:"rule_id"`
	// State is "fired", "passed" or "not_evaluated".
	State string `json:"state"`
	// Reason says why a rule was not evaluated, in English; Why holds it
	// in both languages.
	Reason string `json:"reason,omitempty"`
	Why    *Text  `json:"-"`
	Count  int    `json:"count,omitempty"`
}

// Finding is a rule's match, with its law and proof.
type Finding struct {
	RuleID      string                 `json:"rule_id"`
	Severity    Severity               `json:"severity"`
	Title       Text                   `json:"-"`
	Description Text                   `json:"-"`
	Remediation Text                   `json:"-"`
	Subject     string                 `json:"subject,omitempty"`
	LegalBasis  []string               `json:"-"`
	Evidence    []evidence.Observation `json:"evidence"`
	Detail      map[string]string      `json:"detail,omitempty"`
	Fingerprint string                 `json:"fingerprint"`
}

// Inputs tells the engine the input kinds and classes a scan reads: the
// scan's registry of input kinds.
type Inputs interface {
	// ClassOf returns the class of a kind name, or of a class name.
	ClassOf(name string) (evidence.Class, bool)
	// Label names a kind or class for people.
	Label(name string) text.Text
	// Names lists every kind and class name.
	Names() []string
}

// Engine holds rules and checks.
type Engine struct {
	inputs Inputs
	rules  []Rule
	checks map[string]Check
	// exprs holds the compiled conditions of data rules, by rule id.
	exprs map[string]*exprRule
	cat   *catalog.Catalog
	law   *law.Catalog
}

// New builds an engine over the built-in checks and the rules given; a
// rule's needs name kinds or classes of inputs.
func New(cat *catalog.Catalog, lc *law.Catalog, rules []Rule, inputs Inputs) (*Engine, error) {
	e := &Engine{checks: builtinChecks(), exprs: map[string]*exprRule{}, cat: cat, law: lc, inputs: inputs}
	seen := map[string]bool{}
	var celEnv *cel.Env
	for _, r := range rules {
		if err := e.validate(r); err != nil {
			return nil, err
		}
		if r.Condition != "" {
			if celEnv == nil {
				var err error
				if celEnv, err = newExprEnv(cat, lc); err != nil {
					return nil, fmt.Errorf("rules: expression environment: %w", err)
				}
			}
			x, err := compileExpr(celEnv, r)
			if err != nil {
				return nil, err
			}
			e.exprs[r.ID] = x
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("rule %s: defined twice", r.ID)
		}
		seen[r.ID] = true
		e.rules = append(e.rules, r)
	}
	sort.SliceStable(e.rules, func(i, j int) bool { return e.rules[i].ID < e.rules[j].ID })
	return e, nil
}

func (e *Engine) validate(r Rule) error {
	if !strings.HasPrefix(r.ID, "HG-") {
		return fmt.Errorf("rule %q: id must start with HG-", r.ID)
	}
	if r.Severity.Rank() == 0 {
		return fmt.Errorf("rule %s: unknown severity %q", r.ID, r.Severity)
	}
	if r.Title.Zh == "" || r.Title.En == "" {
		return fmt.Errorf("rule %s: title needs zh and en", r.ID)
	}
	for _, n := range r.Needs {
		if _, ok := e.inputs.ClassOf(n); !ok {
			return fmt.Errorf("rule %s: needs %q: unknown input kind or class (want one of %s)", r.ID, n, strings.Join(e.inputs.Names(), ", "))
		}
	}
	for _, p := range r.AbsenceOf {
		if !slices.Contains(r.Reads, p) {
			return fmt.Errorf("rule %s: absence_of %q: a part the rule does not read", r.ID, p)
		}
	}
	for _, p := range r.Reads {
		switch p {
		case evidence.PartCode, evidence.PartManifest, evidence.PartResources, evidence.PartAssets, evidence.PartContent, evidence.PartOther:
		default:
			return fmt.Errorf("rule %s: reads %q: unknown part (want code, manifest, resources, assets, content or other)", r.ID, p)
		}
	}
	if len(r.LegalBasis) == 0 {
		return fmt.Errorf("rule %s: no legal basis", r.ID)
	}
	for _, id := range r.LegalBasis {
		if _, ok := e.law.Provision(id); !ok {
			return fmt.Errorf("rule %s: legal basis %q is not in the legal catalog", r.ID, id)
		}
	}
	switch {
	case r.Check != "" && r.Condition != "":
		return fmt.Errorf("rule %s: has both a check and a condition (give one)", r.ID)
	case r.Condition != "":
		return nil
	case r.Check == "":
		return fmt.Errorf("rule %s: needs a condition (a CEL expression) or a built-in check", r.ID)
	}
	if r.ForEach != "" || r.Subject != "" {
		return fmt.Errorf("rule %s: for_each and subject go with a condition, not a built-in check", r.ID)
	}
	if _, ok := e.checks[r.Check]; !ok {
		return fmt.Errorf("rule %s: unknown check %q", r.ID, r.Check)
	}
	return nil
}

// Rules lists the engine's rules by id.
func (e *Engine) Rules() []Rule { return e.rules }

// Rule finds a rule by id.
func (e *Engine) Rule(id string) (Rule, bool) {
	for _, r := range e.rules {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Rule{}, false
}

// Result is what the rules made of one target.
type Result struct {
	Findings []Finding
	Status   []Status
}

// Run evaluates every rule over a set.
func (e *Engine) Run(set *evidence.Set, opts Options) Result {
	var res Result
	run := &runState{}
	for _, in := range set.Inputs {
		if _, ok := set.Classes[in]; ok {
			continue
		}
		if c, ok := e.inputs.ClassOf(in); ok {
			if set.Classes == nil {
				set.Classes = map[string]evidence.Class{}
			}
			set.Classes[in] = c
		}
	}
	lost := lostParts(set)
	if len(observations(set, evidence.Property, "packer")) > 0 || len(observations(set, evidence.Property, "bytecode_incomplete")) > 0 {
		// A packed app's real code was not read: no rule over code passes.
		lost[evidence.PartCode] = append(lost[evidence.PartCode], evidence.Error{Source: "android", Part: evidence.PartCode, Cause: evidence.CausePacker,
			Err: whyPacked.En})
	}
	policyURL := ""
	if us := observations(set, evidence.Property, evidence.PropPolicyURL); len(us) > 0 {
		policyURL = us[0].Attr(evidence.DetailURL)
	}
	for i := range e.rules {
		r := &e.rules[i]
		if missing := missingInputs(set, r.Needs); len(missing) > 0 {
			why := e.whyMissing(missing)
			if policyURL != "" && slices.Contains(missing, evidence.InputPolicy) {
				why = whyPolicyOnline(policyURL)
			}
			res.Status = append(res.Status, notEvaluated(r.ID, why))
			continue
		}
		env := &Env{Set: set, Catalog: e.cat, Law: e.law, Options: opts, Rule: r, run: run}
		check := e.checks[r.Check]
		if x := e.exprs[r.ID]; x != nil {
			check = x.check()
		}
		matches, why := check(env)
		if why != nil {
			res.Status = append(res.Status, notEvaluated(r.ID, why))
			continue
		}
		if len(matches) > 0 {
			if parts, first := lostOf(r.AbsenceOf, lost); len(parts) > 0 {
				res.Status = append(res.Status, notEvaluated(r.ID, whyAbsenceUnread(parts, first)))
				continue
			}
		}
		if len(matches) == 0 {
			st := Status{RuleID: r.ID, State: "passed"}
			if parts, first := unread(r, lost); len(parts) > 0 {
				st = notEvaluated(r.ID, whyIncomplete(parts, first))
			}
			res.Status = append(res.Status, st)
			continue
		}
		found := dedupe(r, set, matches)
		res.Findings = append(res.Findings, found...)
		res.Status = append(res.Status, Status{RuleID: r.ID, State: "fired", Count: len(found)})
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Subject < b.Subject
	})
	return res
}

func missingInputs(set *evidence.Set, needs []string) []string {
	var missing []string
	for _, n := range needs {
		if !set.HasInput(n) {
			missing = append(missing, n)
		}
	}
	return missing
}

// notEvaluated is the status of a rule that could not be judged.
func notEvaluated(id string, why *Text) Status {
	return Status{RuleID: id, State: "not_evaluated", Reason: why.En, Why: why}
}

// maxEvidence bounds the proof kept per finding; the count says how much
// there was.
const maxEvidence = 25

// dedupe turns matches into findings, one per subject, with a stable
// fingerprint: rule, target identity and subject, never offsets or paths
// that change between builds.
func dedupe(r *Rule, set *evidence.Set, matches []Match) []Finding {
	bySubject := map[string]*Finding{}
	var order []string
	for _, m := range matches {
		f := bySubject[m.Subject]
		if f == nil {
			f = &Finding{RuleID: r.ID, Severity: r.Severity, Title: r.Title, Description: r.Description, Remediation: r.Remediation,
				Subject: m.Subject, LegalBasis: r.LegalBasis, Detail: map[string]string{}}
			bySubject[m.Subject] = f
			order = append(order, m.Subject)
		}
		for k, v := range m.Detail {
			f.Detail[k] = v
		}
		f.Evidence = append(f.Evidence, m.Evidence...)
	}
	out := make([]Finding, 0, len(order))
	for _, s := range order {
		f := bySubject[s]
		f.Evidence = uniqueObservations(f.Evidence)
		if n := len(f.Evidence); n > maxEvidence {
			f.Detail["evidence_total"] = fmt.Sprint(n)
			f.Evidence = f.Evidence[:maxEvidence]
		}
		if len(f.Detail) == 0 {
			f.Detail = nil
		}
		f.Fingerprint = Fingerprint(r.ID, identity(set.Target), s)
		out = append(out, *f)
	}
	return out
}

// identity names a target for fingerprints: its id (package name, bundle
// id), or for a target without one (an input nothing could read) its file
// name, so two such inputs do not share fingerprints.
func identity(t evidence.Target) string {
	if t.ID != "" {
		return t.ID
	}
	return "file:" + path.Base(filepath.ToSlash(t.Path))
}

// Fingerprint identifies a finding across scans of new builds of the same
// app.
func Fingerprint(ruleID, targetID, subject string) string {
	h := sha256.Sum256([]byte(ruleID + "\x00" + targetID + "\x00" + subject))
	return hex.EncodeToString(h[:8])
}

func uniqueObservations(obs []evidence.Observation) []evidence.Observation {
	seen := map[string]bool{}
	out := obs[:0]
	for _, o := range obs {
		k := string(o.Kind) + "|" + o.Key + "|" + o.Where.String() + "|" + o.Attr(evidence.DetailAPI) + "|" + o.Attr(evidence.DetailPermission)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, o)
	}
	return out
}

func observations(set *evidence.Set, k evidence.Kind, key string) []evidence.Observation {
	var out []evidence.Observation
	for _, o := range set.Observations {
		if o.Kind == k && (key == "" || o.Key == key) {
			out = append(out, o)
		}
	}
	return out
}

// ruleFile is the YAML shape of a rule file.
type ruleFile struct {
	Version string `yaml:"version"`
	Rules   []Rule `yaml:"rules"`
}

// LoadFS reads every *.yaml rule file under dir of fsys. A file whose
// content is one of the built-in rule files as generated (rules_gen.go)
// is not parsed again: its rules come from the generated copy.
func LoadFS(fsys fs.FS, dir string) ([]Rule, error) {
	files, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []Rule
	var generated [][]Rule
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if i := generatedFile(data); i >= 0 {
			if generated == nil {
				generated = builtinRules()
			}
			out = append(out, generated[i]...)
			continue
		}
		rs, err := Parse(data, "builtin")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

// generatedFile returns the index in builtinRules of a rule file's
// content, or -1 when it has not been generated.
func generatedFile(data []byte) int {
	sum := sha256.Sum256(data)
	return slices.Index(builtinDigests, hex.EncodeToString(sum[:]))
}

// Parse reads a YAML rule file.
func Parse(data []byte, source string) ([]Rule, error) {
	var f ruleFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	for i := range f.Rules {
		f.Rules[i].Source = source
	}
	return f.Rules, nil
}
