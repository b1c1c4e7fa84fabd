package scan

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// Analyzer turns one input of its kind into evidence.
type Analyzer interface {
	// Version changes whenever the analyzer's output for the same input
	// would: a cached result is keyed on kind, version and the input's hash.
	Version() string
	// Analyze reads the input. It returns an error only when nothing
	// could be read; partial damage goes into the set's Errors, each
	// classified with evidence.Lost.
	Analyze(ctx context.Context, in *artifact.Input) (*evidence.Set, error)
}

// Kind is one kind of input hegui reads: declared once, here, with how to
// recognise it and what reads it.
type Kind struct {
	// Name is the kind's id, as written in Set.Inputs, rules' `needs` and
	// reports (android, dex, evidence, …).
	Name string
	// Label names the kind for people.
	Label text.Text
	// Class says what the kind tells about a target; ClassPackage kinds
	// are targets of their own, the others join a package's target.
	Class evidence.Class
	// Magic lists byte prefixes that identify the kind at offset 0.
	Magic [][]byte
	// Sniff recognises the kind from content when a prefix is not enough
	// (a zip with AndroidManifest.xml, a JSON document with a marker).
	Sniff func(in *artifact.Input, head []byte) bool
	// Extensions (lower case, with the dot) select files of this kind in
	// directories; with ByExtension they also name the kind when no
	// content test recognises a file (plain-text formats).
	Extensions  []string
	ByExtension bool
	// NamedOnly: files of this kind are read when named on the command
	// line, never picked from a directory (a README.md or a .html page in
	// a project is not a privacy policy).
	NamedOnly bool
	// Analyzer reads inputs of the kind.
	Analyzer Analyzer
}

// Registry is the input kinds a scan reads, in the order they are tried.
// It is built once per process and read-only afterwards.
type Registry struct {
	kinds []*Kind
}

// Register adds a kind. Content tests are tried in registration order.
func (r *Registry) Register(k Kind) error {
	switch {
	case k.Name == "" || strings.ContainsAny(k.Name, " ,/"):
		return fmt.Errorf("input kind %q: a name is one word", k.Name)
	case k.Label.En == "" || k.Label.Zh == "":
		return fmt.Errorf("input kind %s: label needs zh and en", k.Name)
	case !slices.Contains(evidence.Classes(), k.Class):
		return fmt.Errorf("input kind %s: class %q (want one of %v)", k.Name, k.Class, evidence.Classes())
	case k.Analyzer == nil:
		return fmt.Errorf("input kind %s: no analyzer", k.Name)
	case len(k.Magic) == 0 && k.Sniff == nil && !k.ByExtension:
		return fmt.Errorf("input kind %s: no way to recognise it (magic, sniff or by extension)", k.Name)
	}
	for _, c := range evidence.Classes() {
		if k.Name == string(c) && k.Class != c {
			return fmt.Errorf("input kind %s: the name of another class", k.Name)
		}
	}
	if r.Kind(k.Name) != nil {
		return fmt.Errorf("input kind %s: registered twice", k.Name)
	}
	r.kinds = append(r.kinds, &k)
	return nil
}

// Kinds lists the registered kinds.
func (r *Registry) Kinds() []*Kind { return r.kinds }

// Kind returns a kind by name, or nil.
func (r *Registry) Kind(name string) *Kind {
	for _, k := range r.kinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// ClassOf returns the class of a kind name, or of a name that is itself a
// class (evidence files may claim "policy" or "traffic" evidence before
// hegui reads those inputs itself).
func (r *Registry) ClassOf(name string) (evidence.Class, bool) {
	if k := r.Kind(name); k != nil {
		return k.Class, true
	}
	for _, c := range evidence.Classes() {
		if name == string(c) {
			return c, true
		}
	}
	return "", false
}

// Label names a kind or class for people.
func (r *Registry) Label(name string) text.Text {
	if k := r.Kind(name); k != nil {
		return k.Label
	}
	switch evidence.Class(name) {
	case evidence.ClassPackage:
		return text.New("app package", "应用安装包")
	case evidence.ClassPolicy:
		return text.New("privacy policy", "隐私政策")
	case evidence.ClassTraffic:
		return text.New("network traffic", "网络流量")
	case evidence.ClassEvidence:
		return text.New("evidence file", "证据文件")
	}
	return text.New(name, name)
}

// Names lists every kind and class name, for messages.
func (r *Registry) Names() []string {
	var out []string
	for _, k := range r.kinds {
		out = append(out, k.Name)
	}
	for _, c := range evidence.Classes() {
		out = append(out, string(c))
	}
	return out
}

// sniffLen is how much of an input content tests see.
const sniffLen = 512

// Identify names the kind of an opened input: content first (magic bytes,
// then content tests), the file's extension second. It returns nil when
// no registered kind reads the input.
func (r *Registry) Identify(in *artifact.Input, head []byte) *Kind {
	for _, k := range r.kinds {
		for _, m := range k.Magic {
			if bytes.HasPrefix(head, m) {
				return k
			}
		}
	}
	for _, k := range r.kinds {
		if k.Sniff != nil && k.Sniff(in, head) {
			return k
		}
	}
	ext := strings.ToLower(filepath.Ext(in.Path))
	for _, k := range r.kinds {
		if k.ByExtension && slices.Contains(k.Extensions, ext) {
			return k
		}
	}
	return nil
}

// Selects reports whether a directory walk picks a file by its name.
func (r *Registry) Selects(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, k := range r.kinds {
		if !k.NamedOnly && slices.Contains(k.Extensions, ext) {
			return true
		}
	}
	return false
}

// Readable describes the kinds hegui reads, for error messages.
func (r *Registry) Readable(lang string) string {
	var names []string
	for _, k := range r.kinds {
		names = append(names, k.Label.In(lang))
	}
	return strings.Join(names, ", ")
}
