// Package evidencefile reads evidence that other tools recorded about a
// target — a dynamic-test harness's log of API calls before consent, a
// lab's manual checks of a privacy policy, a traffic tool's flows — in
// hegui's own evidence format, so it joins the package's evidence and the
// same rules judge both.
//
// The format is the JSON form of evidence.Set with a marker field:
//
//	{"hegui_evidence": 1,
//	 "target": {"kind": "android", "id": "com.example.app"},
//	 "inputs": ["policy"],
//	 "observations": [{"kind": "policy_claim", "key": "collects", "level": "declared",
//	                   "source": "policy", "detail": {"data_type": "precise_location"}}]}
package evidencefile

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
)

// FormatVersion is the version of the file format this package reads.
const FormatVersion = 1

// maxSize bounds an evidence file (decoded, it takes several times its
// size in memory).
const maxSize = 64 << 20

// File is the on-disk shape.
type File struct {
	Version      int                    `json:"hegui_evidence"`
	Target       evidence.Target        `json:"target"`
	Inputs       []string               `json:"inputs"`
	Observations []evidence.Observation `json:"observations"`
	Errors       []evidence.Error       `json:"errors"`
}

// Analyzer reads evidence files.
type Analyzer struct {
	// Classes gives the class of an input kind or class name (the scan's
	// registry): evidence files may claim policy, traffic or evidence
	// inputs, never packages.
	Classes func(name string) (evidence.Class, bool)
}

// Version implements scan.Analyzer.
func (Analyzer) Version() string { return "1" }

// Analyze implements scan.Analyzer.
func (a Analyzer) Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error) {
	if in.Size > maxSize {
		return nil, fmt.Errorf("evidence file of %d bytes is larger than %d", in.Size, maxSize)
	}
	// The scan fills in the input's hash.
	return Read(io.NewSectionReader(in.ReaderAt(), 0, in.Size), in.Path, "", a.Classes)
}

// Read decodes an evidence file and checks what rules rely on; classes
// names the class of each input kind it may claim (nil: the classes
// themselves only).
func Read(r io.Reader, path, sha string, classes func(string) (evidence.Class, bool)) (*evidence.Set, error) {
	if classes == nil {
		classes = func(name string) (evidence.Class, bool) {
			for _, c := range evidence.Classes() {
				if string(c) == name {
					return c, true
				}
			}
			return "", false
		}
	}
	var f File
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3) // a UTF-8 byte-order mark, as some editors write
	}
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("evidence file: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		// A second document or trailing text would be silently dropped.
		return nil, fmt.Errorf("evidence file: data after the JSON document (one document per file)")
	}
	if f.Version != FormatVersion {
		return nil, fmt.Errorf("evidence file: hegui_evidence %d, this hegui reads %d", f.Version, FormatVersion)
	}
	if f.Target.ID == "" {
		return nil, fmt.Errorf("evidence file: target.id is empty: it names the app the evidence is about")
	}
	for _, in := range f.Inputs {
		c, ok := classes(in)
		switch {
		case c == evidence.ClassPackage || in == evidence.InputAndroid || in == evidence.InputIOS || in == evidence.InputHarmony:
			// Package rules would judge a second-hand summary and could
			// "pass" on what it left out; packages are read by hegui.
			return nil, fmt.Errorf("evidence file: inputs: %q is read from the package itself, not from an evidence file (give the APK/IPA/HAP alongside)", in)
		case !ok:
			return nil, fmt.Errorf("evidence file: inputs: unknown input kind %q (want policy, traffic or evidence)", in)
		}
	}
	for i, o := range f.Observations {
		if o.Kind == "" || o.Key == "" {
			return nil, fmt.Errorf("evidence file: observations[%d]: kind and key are required", i)
		}
		if o.Level.Rank() == 0 {
			return nil, fmt.Errorf("evidence file: observations[%d]: level %q (want declared, present, referenced or observed)", i, o.Level)
		}
		if err := normalise(&f.Observations[i]); err != nil {
			return nil, fmt.Errorf("evidence file: observations[%d]: %w", i, err)
		}
		if o.Source == "" {
			f.Observations[i].Source = evidence.InputEvidence
		}
		if o.Where.File == "" {
			f.Observations[i].Where.File = path
		}
	}
	t := f.Target
	t.Path, t.SHA256 = path, sha
	if t.Kind == "" {
		t.Kind = "android"
	}
	inputs := f.Inputs
	if len(inputs) == 0 {
		inputs = []string{evidence.InputEvidence}
	}
	set := &evidence.Set{Target: t, Observations: f.Observations, Inputs: inputs}
	for i, e := range f.Errors {
		// What another tool could not read is its own content: it may not
		// speak for the package's code or manifest, which hegui reads.
		switch e.Part {
		case "", evidence.PartContent, evidence.PartOther:
		default:
			return nil, fmt.Errorf("evidence file: errors[%d]: part %q: an evidence file reports losses of its own content (part content or other)", i, e.Part)
		}
		switch e.Cause {
		case "", evidence.CauseBudget, evidence.CauseLimit, evidence.CauseTruncated, evidence.CauseMalformed, evidence.CauseTimeout, evidence.CauseUnreadable:
		default:
			return nil, fmt.Errorf("evidence file: errors[%d]: cause %q (want budget, limit, truncated, malformed, timeout or unreadable)", i, e.Cause)
		}
		if e.Err == "" {
			return nil, fmt.Errorf("evidence file: errors[%d]: error is empty", i)
		}
		if e.Part == "" {
			e.Part = evidence.PartContent
		}
		e.Source, e.More = evidence.InputEvidence, 0
		set.AddError(e) // bounded like every other source's
	}
	return set, nil
}

// normalise checks the details rules compare literally: flags are "true"
// or "false", countries ISO 3166 alpha-2 in lower case. A misspelt flag
// would otherwise read as "not before consent" and pass a rule.
func normalise(o *evidence.Observation) error {
	for _, k := range []string{evidence.DetailBeforeConsent, evidence.DetailPlaintext, evidence.DetailStartup} {
		v, ok := o.Detail[k]
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			o.Detail[k] = "true"
		case "false":
			o.Detail[k] = "false"
		default:
			return fmt.Errorf("detail %s %q: want \"true\" or \"false\"", k, v)
		}
	}
	if v, ok := o.Detail[evidence.DetailCountry]; ok {
		c := strings.ToLower(strings.TrimSpace(v))
		if len(c) != 2 || c[0] < 'a' || c[0] > 'z' || c[1] < 'a' || c[1] > 'z' {
			return fmt.Errorf("detail country %q: want an ISO 3166 alpha-2 code such as \"cn\" or \"us\"", v)
		}
		o.Detail[evidence.DetailCountry] = c
	}
	return nil
}
