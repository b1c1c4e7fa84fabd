// Package ignore reads a hegui ignore file (.heguiignore) and applies it to
// reports: each entry accepts findings, with a reason and an optional expiry
// date, and a finding it accepts is marked suppressed rather than dropped.
//
// The file is YAML:
//
//	version: 1
//	ignore:
//	  - fingerprint: 3f2a9c0d1e4b5a67
//	    reason: "Accepted by legal review 2026-10: location is only read after consent"
//	    expires: 2027-03-31
//	  - rule: HG-AND-005
//	    paths: ["build/outputs/**/*.apk"]
//	    subjects: ["google-ads-*"]
//	    targets: ["com.example.*"]
//	    locations: ["com.google.android.gms.**"]
//	    reason: "..."
//
// An entry needs a reason and a fingerprint, a rule, or both. Every field
// given must match for the entry to accept a finding:
//
//   - fingerprint: the finding's fingerprint, exactly (16 lower-case hex).
//   - rule: the finding's rule id, exactly (HG-…).
//   - paths: globs on the target's path as given on the command line, with
//     "/" as separator. A glob not starting with "/" may match at any
//     directory boundary, so "build/**/*.apk" matches
//     "/ci/app/build/outputs/app.apk".
//   - targets: globs on the target id (the package name).
//   - subjects: globs on the finding's subject (data type, SDK id,
//     permission…).
//   - locations: globs on where the evidence is; an evidence item is covered
//     when a glob matches its file inside the artifact ("/" separator, may
//     match at any directory boundary) or its class ("." separator,
//     matched whole). The finding is accepted only when it has evidence and
//     every item is covered, so accepting an SDK's code never hides the
//     same behaviour in the app's own code.
//
// In globs "*" matches within one path segment or class-name part, "**"
// across them, "?" one character and "\" escapes; in targets and subjects,
// which have no separator, "*" matches any run of characters.
//
// An entry with expires applies up to the end of that day (UTC); after it,
// it accepts nothing and is reported as expired.
package ignore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/report"
)

// MaxSize is the largest ignore file Load reads.
const MaxSize = 4 << 20

// DateLayout is the layout of the expires field.
const DateLayout = "2006-01-02"

// File is a parsed ignore file.
type File struct {
	// Path names the file in suppression sources and errors.
	Path    string
	Entries []Entry
}

// Entry is one ignore rule. Empty fields do not constrain.
type Entry struct {
	Fingerprint string
	Rule        string
	Paths       []string
	Targets     []string
	Subjects    []string
	Locations   []string
	Reason      string
	// Expires is the last day the entry applies (midnight UTC), or zero.
	Expires time.Time
	// Line is the line of the entry in the file.
	Line int

	paths, targets, subjects []*glob
	files, classes           []*glob
}

// Error is a problem in an ignore file, at a line.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Find returns the ignore file in dir: ".heguiignore", or else
// ".heguiignore.yaml".
func Find(dir string) (string, bool) {
	for _, n := range []string{".heguiignore", ".heguiignore.yaml"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// Load reads and parses the ignore file at path.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("ignore: %w", err)
	}
	if len(data) > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes", MaxSize)}
	}
	return Parse(data, path)
}

// Parse parses an ignore file; name is used in errors and suppression
// sources. Unknown fields, duplicate fields and invalid values are errors.
func Parse(data []byte, name string) (*File, error) {
	f := &File{Path: name}
	p := parser{name: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		return nil, p.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, p.yamlErr(err)
		}
		return nil, p.errorf(&extra, "more than one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return f, nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "want a mapping with version and ignore")
	}
	err := p.fields(root, func(key string, v *yaml.Node) error {
		switch key {
		case "version":
			if s, _ := scalar(v); s != "1" {
				return p.errorf(v, "version: want 1")
			}
		case "ignore":
			if isNull(v) {
				return nil
			}
			if v.Kind != yaml.SequenceNode {
				return p.errorf(v, "ignore: want a list of entries")
			}
			for _, item := range v.Content {
				e, err := p.entry(item)
				if err != nil {
					return err
				}
				f.Entries = append(f.Entries, e)
			}
		default:
			return p.errorf(v, "unknown field %q (want version, ignore)", key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct{ name string }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{File: p.name, Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

// yamlErr turns a yaml syntax error ("yaml: line 3: …") into an Error.
func (p *parser) yamlErr(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil && line > 0 {
				return &Error{File: p.name, Line: line, Msg: tail}
			}
		}
	}
	return &Error{File: p.name, Msg: msg}
}

// fields calls fn for each key of a mapping, refusing aliases, merge keys,
// non-scalar and duplicate keys.
func (p *parser) fields(m *yaml.Node, fn func(key string, v *yaml.Node) error) error {
	if len(m.Content)%2 != 0 {
		return p.errorf(m, "malformed mapping")
	}
	seen := map[string]bool{}
	for i := 0; i < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key, ok := scalar(k)
		if !ok || k.Tag == "!!merge" {
			return p.errorf(k, "want a field name")
		}
		if seen[key] {
			return p.errorf(k, "field %q given twice", key)
		}
		seen[key] = true
		if v.Kind == yaml.AliasNode {
			return p.errorf(v, "%s: aliases are not supported", key)
		}
		if err := fn(key, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) entry(n *yaml.Node) (Entry, error) {
	e := Entry{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, p.errorf(n, "ignore entry: want a mapping with reason and fingerprint or rule")
	}
	err := p.fields(n, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "fingerprint":
			s, ok := scalar(v)
			if !ok || !isFingerprint(s) {
				return p.errorf(v, "fingerprint: want 16 lower-case hex digits, as in a report")
			}
			e.Fingerprint = s
		case "rule":
			s, ok := scalar(v)
			if !ok || !strings.HasPrefix(s, "HG-") || strings.ContainsFunc(s, isSpaceOrControl) {
				return p.errorf(v, "rule: want a rule id such as HG-AND-001")
			}
			e.Rule = s
		case "reason":
			s, _ := scalar(v)
			if strings.TrimSpace(s) == "" {
				return p.errorf(v, "reason: must not be empty")
			}
			e.Reason = s
		case "expires":
			s, _ := scalar(v)
			t, err := time.Parse(DateLayout, s)
			if err != nil {
				return p.errorf(v, "expires: want a date YYYY-MM-DD, got %q", s)
			}
			e.Expires = t
		case "paths":
			e.Paths, e.paths, err = p.globs(key, v, '/', true)
		case "targets":
			e.Targets, e.targets, err = p.globs(key, v, 0, false)
		case "subjects":
			e.Subjects, e.subjects, err = p.globs(key, v, 0, false)
		case "locations":
			e.Locations, e.files, err = p.globs(key, v, '/', true)
			if err == nil {
				_, e.classes, err = p.globs(key, v, '.', false)
			}
		default:
			return p.errorf(v, "unknown field %q (want fingerprint, rule, paths, targets, subjects, locations, reason, expires)", key)
		}
		return err
	})
	if err != nil {
		return e, err
	}
	if e.Reason == "" {
		return e, p.errorf(n, "ignore entry: reason is required")
	}
	if e.Fingerprint == "" && e.Rule == "" {
		return e, p.errorf(n, "ignore entry: give a fingerprint, a rule, or both")
	}
	return e, nil
}

func (p *parser) globs(key string, v *yaml.Node, sep rune, unanchored bool) ([]string, []*glob, error) {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, nil, p.errorf(v, "%s: want a non-empty list of globs", key)
	}
	src := make([]string, 0, len(v.Content))
	gs := make([]*glob, 0, len(v.Content))
	for _, item := range v.Content {
		s, ok := scalar(item)
		if !ok {
			return nil, nil, p.errorf(item, "%s: want a glob string", key)
		}
		pat := s
		if sep == '/' {
			pat = strings.TrimPrefix(pat, "./")
		}
		g, err := compileGlob(pat, sep, unanchored && !strings.HasPrefix(pat, "/"))
		if err != nil {
			return nil, nil, p.errorf(item, "%s: %v", key, err)
		}
		src = append(src, s)
		gs = append(gs, g)
	}
	return src, gs, nil
}

func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return "", false
	}
	return n.Value, true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func isFingerprint(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// Expired reports whether the entry's last day is over at now.
func (e *Entry) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires.AddDate(0, 0, 1))
}

// Matches reports whether the entry accepts finding f of report r, leaving
// expiry aside.
func (e *Entry) Matches(r *report.Report, f *report.Finding) bool {
	if e.Fingerprint != "" && f.Fingerprint != e.Fingerprint {
		return false
	}
	if e.Rule != "" && f.RuleID != e.Rule {
		return false
	}
	if e.paths != nil && !anyMatch(e.paths, cleanPath(r.Target.Path)) {
		return false
	}
	if e.targets != nil && !anyMatch(e.targets, r.Target.ID) {
		return false
	}
	if e.subjects != nil && !anyMatch(e.subjects, f.Subject) {
		return false
	}
	if e.files != nil && !e.covers(f) {
		return false
	}
	return true
}

// covers reports whether every piece of f's evidence lies in a location of
// the entry. A finding without evidence, or whose evidence list was cut
// short, is not covered: what cannot be seen cannot be accepted.
func (e *Entry) covers(f *report.Finding) bool {
	if len(f.Evidence) == 0 {
		return false
	}
	if t, ok := f.Detail["evidence_total"]; ok {
		if n, err := strconv.Atoi(t); err != nil || n > len(f.Evidence) {
			return false
		}
	}
	for i := range f.Evidence {
		if !e.coversLocation(f.Evidence[i].Where) {
			return false
		}
	}
	return true
}

func (e *Entry) coversLocation(l evidence.Location) bool {
	return (l.File != "" && anyMatch(e.files, cleanPath(l.File))) ||
		(l.Class != "" && anyMatch(e.classes, l.Class))
}

func anyMatch(gs []*glob, s string) bool {
	for _, g := range gs {
		if g.match(s) {
			return true
		}
	}
	return false
}

// cleanPath gives a path with "/" separators and no "./" or "a/.." parts.
func cleanPath(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean(filepath.ToSlash(p))
}

// Source is how a suppression names the entry: "file:line".
func (f *File) Source(e *Entry) string { return fmt.Sprintf("%s:%d", f.Path, e.Line) }

// Outcome is what Apply did.
type Outcome struct {
	// Suppressed counts the findings suppressed, over all reports.
	Suppressed int
	// PerReport counts the findings suppressed in each report, in the
	// order of the reports given.
	PerReport []int
	// Expired lists entries whose date is past; they accepted nothing.
	Expired []Entry
	// Unused lists live entries that matched no finding.
	Unused []Entry
}

// Apply marks the findings the file accepts as suppressed, with the reason,
// the expiry date and the entry's source. When several entries match a
// finding, the first in the file is recorded; each of them counts as used.
// Findings already suppressed are left as they are. Expired entries match
// nothing. now decides expiry.
func (f *File) Apply(reps []*report.Report, now time.Time) Outcome {
	out := Outcome{PerReport: make([]int, len(reps))}
	if f == nil {
		return out
	}
	live := make([]bool, len(f.Entries))
	used := make([]bool, len(f.Entries))
	for i := range f.Entries {
		if f.Entries[i].Expired(now) {
			out.Expired = append(out.Expired, f.Entries[i])
		} else {
			live[i] = true
		}
	}
	for ri, r := range reps {
		if r == nil {
			continue
		}
		for fi := range r.Findings {
			fd := &r.Findings[fi]
			if fd.Suppressed != nil {
				continue
			}
			for i := range f.Entries {
				e := &f.Entries[i]
				if !live[i] || !e.Matches(r, fd) {
					continue
				}
				used[i] = true
				if fd.Suppressed == nil {
					fd.Suppressed = &report.Suppression{Reason: e.Reason, Source: f.Source(e)}
					if !e.Expires.IsZero() {
						fd.Suppressed.Expires = e.Expires.Format(DateLayout)
					}
					out.Suppressed++
					out.PerReport[ri]++
				}
			}
		}
	}
	for i := range f.Entries {
		if live[i] && !used[i] {
			out.Unused = append(out.Unused, f.Entries[i])
		}
	}
	return out
}
