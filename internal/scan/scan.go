// Package scan runs analyzers over inputs and joins what they find into
// one evidence set per target. Analyzers are given explicitly by the
// caller (the CLI builds the list), not registered globally.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
)

// Analyzer turns one input of a kind it accepts into evidence.
type Analyzer interface {
	// Name is the input kind it reads (android, ios, policy, traffic…).
	Name() string
	// Version changes when its output for the same input would.
	Version() string
	// Accept reports whether it reads this input.
	Accept(in *artifact.Input) bool
	// Analyze reads the input. It returns an error only when nothing
	// could be read; partial damage goes into the set's Errors.
	Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error)
}

// Scanner runs analyzers.
type Scanner struct {
	Analyzers []Analyzer
	Limits    artifact.Limits
	// Workers bounds how many inputs are analyzed at once (default: CPUs).
	Workers int
}

// InputError is an input that could not be read at all.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ErrUnsupported is wrapped when no analyzer reads an input.
var ErrUnsupported = errors.New("not a supported input")

// Expand turns the paths given by a user into files: a directory yields the
// files below it that look like inputs (by extension; content decides
// later), sorted.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".apk", ".dex", ".ipa", ".hap", ".aab", ".xapk", ".apks":
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Result is one input's evidence, or why it could not be read.
type Result struct {
	Path string
	Set  *evidence.Set
	Err  error
}

// Run analyzes every path, in parallel, and returns results in the order of
// paths.
func (s *Scanner) Run(ctx context.Context, paths []string) []Result {
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]Result, len(paths))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, p string) {
			defer wg.Done()
			defer func() { <-sem }()
			set, err := s.One(ctx, p)
			results[i] = Result{Path: p, Set: set, Err: err}
		}(i, p)
	}
	wg.Wait()
	return results
}

// One analyzes one file with every analyzer that accepts it.
func (s *Scanner) One(ctx context.Context, path string) (set *evidence.Set, err error) {
	defer func() {
		// A parser bug must cost one input, not the whole batch.
		if r := recover(); r != nil {
			set, err = nil, &InputError{Path: path, Err: fmt.Errorf("internal error while analyzing: %v", r)}
		}
	}()
	in, err := artifact.Open(path, s.Limits)
	if err != nil {
		return nil, &InputError{Path: path, Err: err}
	}
	defer in.Close()
	var merged *evidence.Set
	for _, a := range s.Analyzers {
		if !a.Accept(in) {
			continue
		}
		got, err := a.Analyze(ctx, in)
		if err != nil {
			return nil, &InputError{Path: path, Err: err}
		}
		if merged == nil {
			merged = got
		} else {
			merged.Merge(got)
		}
	}
	if merged == nil {
		return nil, &InputError{Path: path, Err: fmt.Errorf("%w (sniffed as %s)", ErrUnsupported, in.Kind)}
	}
	sort.SliceStable(merged.Errors, func(i, j int) bool { return merged.Errors[i].File < merged.Errors[j].File })
	return merged, nil
}

// Join merges the evidence of inputs about the same target — an APK, its
// privacy policy, a capture of its traffic, an evidence file — keyed by
// target identity (package name, bundle id). Each package stays its own
// report (two builds of one app are two targets) and receives every
// non-package input with its identity; non-package inputs with no package
// to join are merged into one set per identity. Results that failed or
// have no identity stay as they are. Order follows the inputs.
func Join(results []Result) []Result {
	side := map[string][]*evidence.Set{}
	hasPackage := map[string]bool{}
	for _, r := range results {
		if r.Err != nil || r.Set == nil || r.Set.Target.ID == "" {
			continue
		}
		if r.Set.FromPackage() {
			hasPackage[r.Set.Target.ID] = true
		} else {
			side[r.Set.Target.ID] = append(side[r.Set.Target.ID], r.Set)
		}
	}
	var out []Result
	lead := map[string]int{}
	for _, r := range results {
		if r.Err != nil || r.Set == nil || r.Set.Target.ID == "" {
			out = append(out, r)
			continue
		}
		id := r.Set.Target.ID
		switch {
		case r.Set.FromPackage():
			for _, s := range side[id] {
				r.Set.Merge(s)
			}
			out = append(out, r)
		case hasPackage[id]:
			// Merged into the packages above.
		default:
			if i, ok := lead[id]; ok {
				out[i].Set.Merge(r.Set)
				continue
			}
			lead[id] = len(out)
			out = append(out, r)
		}
	}
	return out
}
