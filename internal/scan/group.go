package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// Target is the evidence of one report: a package with the inputs about
// it, or inputs about something no package was given for.
type Target struct {
	// Paths are the inputs that fed the target, lead first.
	Paths []string
	Set   *evidence.Set
	// Err is set when the lead input could not be read at all; Opened
	// then describes the file if it could be opened.
	Err    error
	Opened *evidence.Target
}

// explicitGroups checks explicit target groups: every path exists and is
// named once.
func explicitGroups(groups [][]string) ([][]string, error) {
	seen := map[string]int{}
	var out [][]string
	for i, g := range groups {
		var clean []string
		for _, p := range g {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			st, err := os.Stat(p)
			if err != nil {
				return nil, &ConfigError{Err: fmt.Errorf("target %d: %w", i+1, err)}
			}
			if st.IsDir() {
				return nil, configErr("target %d: %s is a directory (a target names files)", i+1, p)
			}
			key := pathKey(p)
			if j, dup := seen[key]; dup {
				return nil, configErr("target %d: %s is already in target %d", i+1, p, j+1)
			}
			seen[key] = i
			clean = append(clean, p)
		}
		if len(clean) > 0 {
			out = append(out, clean)
		}
	}
	return out, nil
}

// Group turns analyzed inputs into targets.
//
//   - Each explicit group is one target, whatever its inputs say about
//     themselves.
//   - Otherwise every package (APK, IPA, HAP…) is a target of its own: two
//     builds of one app are two reports.
//   - An input that names its target (an evidence file's package id)
//     joins every package with that id; with no such package, inputs
//     naming the same id form one target.
//   - An input that names no target (a policy page, a capture) joins the
//     package when exactly one package was given; with no package, such
//     inputs form one target together; with several packages it cannot be
//     placed and fails, asking for an explicit target.
//
// Inputs that could not be read are targets of their own, with the error.
// The order of targets follows the inputs.
func (s *Scanner) Group(results []Result, groups [][]string) (targets []Target, warnings []text.Text) {
	byPath := map[string]*Result{}
	for i := range results {
		byPath[pathKey(results[i].Path)] = &results[i]
	}
	grouped := map[*Result]bool{}
	var explicit []Target
	explicitIDs := map[string]int{} // package id -> index in explicit
	for gi, g := range groups {
		var t Target
		var pkgs []string
		for _, p := range g {
			r := byPath[pathKey(p)]
			if r == nil || grouped[r] {
				continue
			}
			grouped[r] = true
			if r.Err != nil {
				targets = append(targets, Target{Paths: []string{r.Path}, Err: r.Err, Opened: r.Opened})
				continue
			}
			if r.Set.FromPackage() {
				pkgs = append(pkgs, r.Path)
			}
			t = join(t, r)
		}
		if len(pkgs) > 1 {
			// One report would mix two apps' evidence under one identity.
			targets = append(targets, Target{Paths: t.Paths, Err: &InputError{Path: pkgs[1],
				Err: fmt.Errorf("target %d holds two app packages (%s and %s): a target is one app", gi+1, pkgs[0], pkgs[1])}})
			continue
		}
		if t.Set != nil {
			if id := t.Set.Target.ID; id != "" && t.Set.FromPackage() {
				explicitIDs[id] = len(explicit)
			}
			explicit = append(explicit, t)
		}
	}

	var rest []*Result
	for i := range results {
		if !grouped[&results[i]] {
			rest = append(rest, &results[i])
		}
	}
	packages := map[string]int{}
	var loose []*Result // readable side inputs without identity
	onePackage := -1
	nPackages := 0
	for i, r := range rest {
		if r.Err != nil || r.Set == nil {
			continue
		}
		if r.Set.FromPackage() {
			nPackages++
			onePackage = i
			if id := r.Set.Target.ID; id != "" {
				packages[id]++
			}
		}
	}
	side := map[string][]*Result{}
	for _, r := range rest {
		if r.Err != nil || r.Set == nil || r.Set.FromPackage() {
			continue
		}
		if id := r.Set.Target.ID; id != "" {
			side[id] = append(side[id], r)
		} else {
			loose = append(loose, r)
		}
	}
	lead := map[string]int{}
	looseAt := -1
	for i, r := range rest {
		switch {
		case r.Err != nil || r.Set == nil:
			targets = append(targets, Target{Paths: []string{r.Path}, Err: r.Err, Opened: r.Opened})
		case r.Set.FromPackage():
			t := join(Target{}, r)
			for _, sr := range side[r.Set.Target.ID] {
				t = addSide(t, sr)
			}
			if i == onePackage && nPackages == 1 {
				for _, lr := range loose {
					t = addSide(t, lr)
				}
			}
			targets = append(targets, t)
		case r.Set.Target.ID != "":
			id := r.Set.Target.ID
			if j, ok := explicitIDs[id]; ok {
				explicit[j] = addSide(explicit[j], r)
				if packages[id] == 0 {
					continue
				}
			}
			if packages[id] > 0 {
				continue // joined the packages above
			}
			if nPackages > 0 {
				warnings = append(warnings, text.New(fmt.Sprintf("%s: evidence about %q joined no scanned package; it is reported on its own", r.Path, id),
					fmt.Sprintf("%s：关于 %q 的证据未能与任何已扫描的安装包合并，单独报告", r.Path, id)))
			}
			if j, ok := lead[id]; ok {
				targets[j] = addSide(targets[j], r)
				continue
			}
			lead[id] = len(targets)
			targets = append(targets, join(Target{}, r))
		default:
			switch {
			case nPackages == 1:
				// joined the one package above
			case nPackages > 1:
				targets = append(targets, Target{Paths: []string{r.Path}, Err: &InputError{Path: r.Path,
					Err: fmt.Errorf("names no app and %d packages were given: say which one it belongs to (--target APP,%s)", nPackages, r.Path)}})
			case looseAt >= 0:
				targets[looseAt] = addSide(targets[looseAt], r)
			default:
				looseAt = len(targets)
				targets = append(targets, join(Target{}, r))
			}
		}
	}
	return append(explicit, targets...), warnings
}

// join adds an input to a target: the first package (or, without one, the
// first input) leads, giving the target its identity.
func join(t Target, r *Result) Target {
	if t.Set == nil {
		return Target{Paths: []string{r.Path}, Set: r.Set}
	}
	if r.Set.FromPackage() && !t.Set.FromPackage() {
		// The package leads: its identity and path name the report.
		r.Set.Merge(t.Set)
		return Target{Paths: append([]string{r.Path}, t.Paths...), Set: r.Set}
	}
	t.Set.Merge(r.Set)
	t.Paths = append(t.Paths, r.Path)
	return t
}

// addSide merges a side input into a target without touching the side
// set, which may join several targets.
func addSide(t Target, r *Result) Target {
	if t.Set == nil {
		return join(t, r)
	}
	t.Set.Merge(r.Set)
	t.Paths = append(t.Paths, r.Path)
	return t
}

// pathKey names a file for matching inputs with explicit targets: the
// absolute, clean path, so "./a.apk", "a.apk" and "/dir/a.apk" are one.
func pathKey(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
