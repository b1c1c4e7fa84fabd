// Package scan is hegui's scan as a library: the CLI, the server and the
// workers all call Scanner.Run. A Scanner loads the reference data, the
// rules and the registry of input kinds once; each Run expands the inputs,
// identifies and analyzes them, groups them into targets, evaluates the
// rules, applies the ignore file and counts.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/ignore"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/text"
	"github.com/hegui/hegui/internal/traffic"
)

// Config is what a Scanner is built from.
type Config struct {
	// RuleFiles are user rule files (YAML) added to the built-in rules.
	RuleFiles []string
	// Registry overrides the built-in input kinds (tests, embedders);
	// nil means Builtin.
	Registry func(*catalog.Catalog, *slog.Logger) (*Registry, error)
	Log      *slog.Logger
	// ToolVersion is written into reports.
	ToolVersion string
	// Memory bounds the bytes of decompressed code that every scan of the
	// Scanner holds at once, whatever the number of workers (default
	// DefaultMemory); one image is always let in, so nothing waits forever.
	Memory int64
	// Traffic is what the user told about captures: the test device's
	// identifiers, the moment of consent, the device.
	Traffic traffic.Options
}

// DefaultMemory is the default shared budget for decompressed code in
// memory: a few of the largest dex files seen in real apps.
const DefaultMemory = 256 << 20

// Scanner holds what every scan of a process shares: catalogs, rules and
// input kinds. It is safe for concurrent Runs.
type Scanner struct {
	Catalog  *catalog.Catalog
	Law      *law.Catalog
	Engine   *rules.Engine
	Registry *Registry
	log      *slog.Logger
	version  string
	memory   *artifact.Budget
}

// ConfigError is a problem with what the caller asked for (a rule file, an
// app type) rather than with an input.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(format string, args ...any) error {
	return &ConfigError{Err: fmt.Errorf(format, args...)}
}

// maxRuleFile bounds a user rule file.
const maxRuleFile = 4 << 20

// New loads the reference data, the rules and the input kinds.
func New(cfg Config) (*Scanner, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The two catalogs decode independently: load them side by side.
	var lc *law.Catalog
	var lawErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		lc, lawErr = law.Load()
	}()
	cat, err := catalog.Load()
	<-done
	if err != nil {
		return nil, fmt.Errorf("reference data: %w", err)
	}
	if lawErr != nil {
		return nil, fmt.Errorf("legal catalog: %w", lawErr)
	}
	build := cfg.Registry
	if build == nil {
		build = func(cat *catalog.Catalog, log *slog.Logger) (*Registry, error) { return builtin(cat, log, cfg.Traffic) }
	}
	reg, err := build(cat, log)
	if err != nil {
		return nil, fmt.Errorf("input kinds: %w", err)
	}
	rs, err := rules.LoadFS(data.FS, "rules")
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %w", err)
	}
	for _, f := range cfg.RuleFiles {
		if st, err := os.Stat(f); err == nil && st.Size() > maxRuleFile {
			return nil, configErr("--rules %s: %d bytes, larger than %d", f, st.Size(), maxRuleFile)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, configErr("--rules: %v", err)
		}
		user, err := rules.Parse(b, f)
		if err != nil {
			return nil, configErr("--rules %s: %v", f, err)
		}
		rs = append(rs, user...)
	}
	eng, err := rules.New(cat, lc, rs, reg)
	if err != nil {
		return nil, configErr("rules: %v", err)
	}
	mem := cfg.Memory
	if mem <= 0 {
		mem = DefaultMemory
	}
	return &Scanner{Catalog: cat, Law: lc, Engine: eng, Registry: reg, log: log, version: cfg.ToolVersion, memory: artifact.NewBudget(mem)}, nil
}

// DataVersions lists the versions of the reference data.
func (s *Scanner) DataVersions() map[string]string {
	out := map[string]string{}
	for k, v := range s.Catalog.Versions() {
		out[k] = v
	}
	for k, v := range s.Law.Versions() {
		out[k] = v
	}
	return out
}

// Request is one scan.
type Request struct {
	// Inputs are files and directories, as a user gives them.
	Inputs []string
	// Targets group inputs explicitly: each entry is the paths of one
	// target (an app with its policy and captures). Inputs named in no
	// group are grouped by default (see Group).
	Targets [][]string
	// AppType is an app type id or alias of the necessary-PI provisions.
	AppType string
	// Lang is the language of the reports: "zh" or "en".
	Lang string
	// Ignore marks accepted findings; nil applies none.
	Ignore *ignore.File
	// Now is when expiry dates of the ignore file are judged (default:
	// time.Now()).
	Now time.Time
	// Workers bounds inputs analyzed at once (default: CPUs).
	Workers int
	// Limits bound what reading one input may cost (default:
	// artifact.DefaultLimits()).
	Limits *artifact.Limits
	// InputTimeout bounds the analysis of one input (default 10 minutes).
	InputTimeout time.Duration
	// Home is the country whose residents' PI is inspected (ISO 3166
	// alpha-2; default CN): destinations elsewhere are cross-border.
	Home string
}

// Outcome is what a scan found.
type Outcome struct {
	// Reports has one report per target, in the order of the inputs.
	Reports []*report.Report
	// Failed lists inputs that gave no report at all.
	Failed []report.InputFailure
	// Skipped lists files that a directory walk passed over, and why.
	Skipped []Skip
	// Warnings are things a user should know (evidence that joined no
	// package, ignore entries that expired or matched nothing).
	Warnings []text.Text
	// Worst is the highest severity of an unsuppressed finding ("" when
	// there is none).
	Worst rules.Severity
}

// Skip is a file a directory walk did not read, and why.
type Skip struct {
	Path string
	Why  text.Text
}

// MaxObservations bounds the observations kept from one input.
const MaxObservations = 200_000

// DefaultInputTimeout bounds one input's analysis.
const DefaultInputTimeout = 10 * time.Minute

// Run scans. Errors are about the request (a missing path, an unknown app
// type); what goes wrong with one input is in the outcome.
func (s *Scanner) Run(ctx context.Context, req Request) (*Outcome, error) {
	start := time.Now()
	appType := ""
	if req.AppType != "" {
		at, ok := s.Law.AppType(req.AppType)
		if !ok {
			return nil, configErr("--app-type %q: unknown app type (see `hegui app-types`)", req.AppType)
		}
		appType = at.ID
	}
	files, skipped, err := s.Registry.Expand(req.Inputs)
	if err != nil {
		return nil, err
	}
	groups, err := explicitGroups(req.Targets)
	if err != nil {
		return nil, err
	}
	files = appendNew(nil, files...) // a file named twice is read once
	for _, g := range groups {
		files = appendNew(files, g...)
	}
	if len(files) == 0 {
		return nil, configErr("no input hegui reads under %v (hegui reads: %s)", req.Inputs, s.Registry.Readable(req.Lang))
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w before it started", ErrInterrupted)
	}
	lim := artifact.DefaultLimits()
	if req.Limits != nil {
		lim = *req.Limits
	}
	if lim.Memory == nil {
		// One budget for the process: memory does not grow with workers.
		lim.Memory = s.memory
	}
	results := s.analyze(ctx, files, lim, req.Workers, req.InputTimeout)
	targets, warnings := s.Group(results, groups)

	out := &Outcome{Skipped: skipped, Warnings: warnings}
	for _, t := range targets {
		if t.Err != nil {
			f := failure(t.Err)
			if t.Opened != nil {
				// The file exists and was hashed: it gets a report of its
				// own that says nothing could be read, so JSON and SARIF
				// readers see it beside the others.
				set := &evidence.Set{Target: *t.Opened}
				set.AddError(evidence.Error{Source: "scan", Err: f.Err, Part: evidence.PartInput, Cause: artifact.CauseOf(t.Err)})
				res := s.Engine.Run(set, rules.Options{AppType: appType, Home: req.Home})
				out.Reports = append(out.Reports, report.Build(set, res, report.Meta{ToolVersion: s.version, Lang: req.Lang, AppType: appType, Catalog: s.Catalog, Law: s.Law}))
				f.Reported = true
			}
			out.Failed = append(out.Failed, f)
			continue
		}
		res := s.Engine.Run(t.Set, rules.Options{AppType: appType, Home: req.Home})
		out.Reports = append(out.Reports, report.Build(t.Set, res, report.Meta{ToolVersion: s.version, Lang: req.Lang, AppType: appType, Catalog: s.Catalog, Law: s.Law}))
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	oc := req.Ignore.Apply(out.Reports, now)
	for _, e := range oc.Expired {
		src, day := req.Ignore.Source(&e), e.Expires.Format(ignore.DateLayout)
		out.Warnings = append(out.Warnings, text.New(fmt.Sprintf("%s: ignore entry expired on %s and no longer applies", src, day),
			fmt.Sprintf("%s：豁免条目已于 %s 过期，不再生效", src, day)))
	}
	for _, e := range oc.Unused {
		src := req.Ignore.Source(&e)
		out.Warnings = append(out.Warnings, text.New(src+": ignore entry matched no finding", src+"：豁免条目未匹配任何发现"))
	}
	for _, rep := range out.Reports {
		rep.CountFindings()
		for _, f := range rep.Findings {
			if f.Suppressed == nil && rules.Severity(f.Severity).Rank() > out.Worst.Rank() {
				out.Worst = rules.Severity(f.Severity)
			}
		}
	}
	s.log.Debug("scan done", "inputs", len(files), "targets", len(targets), "took", time.Since(start))
	return out, nil
}

func failure(err error) report.InputFailure {
	var ie *InputError
	if errors.As(err, &ie) {
		return report.InputFailure{Path: ie.Path, Err: ie.Err.Error()}
	}
	return report.InputFailure{Err: err.Error()}
}

// InputError is an input that could not be read at all.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ErrUnsupported is wrapped when no registered kind reads an input.
var ErrUnsupported = errors.New("not an input hegui reads")

// Result is one input's evidence, or why it could not be read.
type Result struct {
	Path string
	Kind *Kind
	Set  *evidence.Set
	Err  error
	// Opened describes the file when it could be opened and hashed,
	// even if nothing could be read from it.
	Opened *evidence.Target
}

// analyze reads every file, in parallel, and returns results in order.
func (s *Scanner) analyze(ctx context.Context, files []string, lim artifact.Limits, workers int, timeout time.Duration) []Result {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if timeout <= 0 {
		timeout = DefaultInputTimeout
	}
	results := make([]Result, len(files))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, p := range files {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			// Interrupted: the inputs not started are not read at all.
			for j := i; j < len(files); j++ {
				results[j] = Result{Path: files[j], Err: &InputError{Path: files[j], Err: fmt.Errorf("%w: not read", ErrInterrupted)}}
			}
			break
		}
		wg.Add(1)
		go func(i int, p string) {
			defer wg.Done()
			defer func() { <-sem }()
			ictx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			results[i] = s.One(ictx, p, lim)
			if ctx.Err() != nil && results[i].Err == nil {
				// Cut short by the interrupt: its evidence is partial.
				results[i].Set.AddError(evidence.Error{Source: "scan", Part: evidence.PartInput, Cause: evidence.CauseTimeout,
					Err: "scan interrupted while this input was read"})
			}
		}(i, p)
	}
	wg.Wait()
	return results
}

// ErrInterrupted is wrapped by the errors of inputs a cancelled scan did
// not read.
var ErrInterrupted = errors.New("scan interrupted")

// Identify tells which input kind reads a file (the kind's name), without
// reading it further; a file no kind reads is ErrUnsupported, with what it
// looks like.
func (s *Scanner) Identify(path string) (string, error) {
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		return "", err
	}
	defer in.Close()
	k := s.Registry.Identify(in, in.Head(sniffLen))
	if k == nil {
		return "", fmt.Errorf("%w: it looks like %s; hegui reads: %s", ErrUnsupported, describe(in.Kind), s.Registry.Readable("en"))
	}
	return k.Name, nil
}

// One identifies and analyzes one file.
func (s *Scanner) One(ctx context.Context, path string, lim artifact.Limits) (res Result) {
	res.Path = path
	defer func() {
		// A parser bug must cost one input, not the whole batch.
		if r := recover(); r != nil {
			res.Set, res.Err = nil, &InputError{Path: path, Err: fmt.Errorf("internal error while analyzing: %v", r)}
		}
	}()
	in, err := artifact.Open(path, lim)
	if err != nil {
		res.Err = &InputError{Path: path, Err: err}
		return res
	}
	defer in.Close()
	res.Opened = &evidence.Target{Kind: string(in.Kind), Path: in.Path, Size: in.Size}
	k := s.Registry.Identify(in, in.Head(sniffLen))
	if k == nil {
		res.Opened.SHA256, _ = in.SHA256Context(ctx)
		res.Err = &InputError{Path: path, Err: fmt.Errorf("%w: it looks like %s; hegui reads: %s", ErrUnsupported, describe(in.Kind), s.Registry.Readable("en"))}
		return res
	}
	res.Kind = k
	set, err := k.Analyzer.Analyze(ctx, in)
	if err != nil {
		res.Opened.SHA256, _ = in.SHA256Context(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("not read within the time allowed for one input: %w", err)
		} else if errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: %w", ErrInterrupted, err)
		}
		res.Err = &InputError{Path: path, Err: err}
		return res
	}
	if n := len(set.Observations); n > MaxObservations {
		// Whatever the reader: a bounded report. Readers bound their own
		// growth sooner; this is the floor every kind gets.
		set.Observations = set.Observations[:MaxObservations:MaxObservations]
		set.Fail("scan", "", evidence.Lostf(evidence.PartOther, evidence.CauseLimit,
			"%d observations, more than the %d kept per input: %d dropped", n, MaxObservations, n-MaxObservations))
	}
	sum, err := in.SHA256Context(ctx)
	if err != nil {
		res.Err = &InputError{Path: path, Err: err}
		return res
	}
	set.Target.SHA256 = sum
	if set.Classes == nil {
		set.Classes = map[string]evidence.Class{}
	}
	for _, name := range set.Inputs {
		if c, ok := s.Registry.ClassOf(name); ok {
			set.Classes[name] = c
		}
	}
	if len(set.Inputs) == 0 {
		set.Inputs = []string{k.Name}
		set.Classes[k.Name] = k.Class
	}
	sort.SliceStable(set.Errors, func(i, j int) bool { return set.Errors[i].File < set.Errors[j].File })
	res.Set = set
	return res
}

// describe names a sniffed format for people.
func describe(f artifact.Kind) string {
	switch f {
	case artifact.Zip:
		return "a zip archive with no app, SDK or class file in it"
	case artifact.IPA, artifact.HAP, artifact.Pcap, artifact.PcapNG, artifact.HAR, artifact.AAR, artifact.JAR, artifact.MachO, artifact.StaticLib, artifact.Framework:
		return "a " + string(f) + " file, which this build was made without"
	case artifact.Text:
		return "text"
	}
	return "unrecognised data"
}

// appendNew appends the paths that name files not yet in list.
func appendNew(list []string, more ...string) []string {
	seen := map[string]bool{}
	for _, l := range list {
		seen[pathKey(l)] = true
	}
	for _, m := range more {
		if k := pathKey(m); !seen[k] {
			seen[k] = true
			list = append(list, m)
		}
	}
	return list
}
