// Package evidence holds the model every analyzer writes and every rule reads:
// a Target (what is inspected) and the Observations made about it, each one
// fact with its proof. It depends on no analyzer, so adding an input kind
// (policy text, traffic, iOS, HarmonyOS) adds a producer, not a new model.
package evidence

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Level is how strong the proof behind an observation is.
type Level string

// The levels, weakest first.
const (
	// Declared: a manifest, Info.plist key or policy asks for or states it.
	Declared Level = "declared"
	// Present: the code or library is in the package.
	Present Level = "present"
	// Referenced: bytecode calls the API or reads the field.
	Referenced Level = "referenced"
	// Observed: seen at run time or in traffic.
	Observed Level = "observed"
)

// Rank orders levels by strength (0 for unknown).
func (l Level) Rank() int {
	switch l {
	case Declared:
		return 1
	case Present:
		return 2
	case Referenced:
		return 3
	case Observed:
		return 4
	}
	return 0
}

// Kind says what an observation is about.
type Kind string

// The kinds of fact. New input kinds reuse these; PolicyClaim and Consent are
// the declared side that privacy-policy and consent analyzers will produce.
const (
	// DataType: a PI type key of the catalog (device_id_imei, contacts, …).
	DataType Kind = "data_type"
	// Permission: a platform permission the artifact asks for.
	Permission Kind = "permission"
	// SDK: a third-party SDK id of the catalog (or "unknown:<prefix>").
	SDK Kind = "sdk"
	// Endpoint: a host, URL or IP the artifact talks to or names.
	Endpoint Kind = "endpoint"
	// Component: an app component (activity, service, receiver, provider).
	Component Kind = "component"
	// Property: a configuration fact (cleartext traffic, packer, debuggable…).
	Property Kind = "property"
	// PolicyClaim: what a privacy policy states (collected type, SDK, right…).
	PolicyClaim Kind = "policy_claim"
	// Consent: a consent event or consent UI fact.
	Consent Kind = "consent"
)

// Party says whose code holds the evidence.
type Party struct {
	// SDK is the catalog id of the third-party SDK owning the code; empty for
	// the app itself (first party).
	SDK string `json:"sdk,omitempty"`
	// Name is the SDK's display name, for reports.
	Name string `json:"name,omitempty"`
}

// FirstParty reports whether the evidence comes from the app's own code.
func (p Party) FirstParty() bool { return p.SDK == "" }

// Location is where the proof is: a file inside the artifact and, as far as
// the input allows, a class and method with a byte offset, a resource, a
// packet, or a policy paragraph.
type Location struct {
	File     string `json:"file,omitempty"`
	Class    string `json:"class,omitempty"`
	Method   string `json:"method,omitempty"`
	Offset   int64  `json:"offset,omitempty"`
	Line     int    `json:"line,omitempty"`
	Resource string `json:"resource,omitempty"`
	Packet   int    `json:"packet,omitempty"`
	Time     string `json:"time,omitempty"`
	Section  string `json:"section,omitempty"`
	// Span is a range of characters (runes) in a text input's extracted
	// text: a policy sentence.
	Span Span `json:"span,omitzero"`
}

// Span is a range of characters, [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// String renders a location compactly for terminals and fingerprints.
func (l Location) String() string {
	var b strings.Builder
	b.WriteString(l.File)
	if l.Class != "" {
		b.WriteString(":")
		b.WriteString(l.Class)
		if l.Method != "" {
			b.WriteString("->")
			b.WriteString(l.Method)
		}
	}
	if l.Offset > 0 {
		fmt.Fprintf(&b, "@0x%x", l.Offset)
	}
	if l.Resource != "" {
		b.WriteString(" ")
		b.WriteString(l.Resource)
	}
	if l.Packet > 0 {
		fmt.Fprintf(&b, " packet %d", l.Packet)
	}
	if l.Section != "" {
		b.WriteString(" §")
		b.WriteString(l.Section)
	}
	if l.Span != (Span{}) {
		fmt.Fprintf(&b, " chars %d-%d", l.Span.Start, l.Span.End)
	}
	return b.String()
}

// Observation is one fact about the target with its proof.
type Observation struct {
	Kind  Kind     `json:"kind"`
	Key   string   `json:"key"`
	Level Level    `json:"level"`
	Party Party    `json:"party"`
	Where Location `json:"where"`
	// Source names the analyzer that made the observation.
	Source string `json:"source"`
	// Detail holds kind-specific attributes: for a data type reached through
	// an API, "api"; for an endpoint, "url" and "scheme"; for a component,
	// "type" and "exported"; for code run at start-up, "startup"="true".
	Detail map[string]string `json:"detail,omitempty"`
}

// Identity is what tells an observation from another of the same input:
// kind, key, party and place. Readers keep one observation per identity.
func (o Observation) Identity() string {
	return string(o.Kind) + "\x00" + o.Key + "\x00" + o.Party.SDK + "\x00" + o.Where.String()
}

// Attr returns a detail attribute or "".
func (o Observation) Attr(k string) string { return o.Detail[k] }

// Target is what is inspected: an app, an SDK package, a device, a policy.
type Target struct {
	// Kind: android, ios, harmony, sdk, policy, traffic, device.
	Kind   string `json:"kind"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// ID is the identity other inputs merge on: package name, bundle id,
	// device model.
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Version     string `json:"version,omitempty"`
	VersionCode string `json:"version_code,omitempty"`
	// Attrs holds kind-specific identity facts (min_sdk, target_sdk, …).
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Error is something that could not be read. The scan still reports what it
// could; a rule that reads the lost part says "not evaluated", and the
// evidence-incomplete rule reports the loss.
type Error struct {
	Source string `json:"source"`
	File   string `json:"file,omitempty"`
	Err    string `json:"error"`
	// Part is what the error cost (code, manifest, …) and Cause why;
	// both are empty for errors that were not classified.
	Part  Part  `json:"part,omitempty"`
	Cause Cause `json:"cause,omitempty"`
	// More counts further errors of the same source, part and cause that
	// were not listed one by one (this entry is then their summary).
	More int `json:"more,omitempty"`
}

// Set is everything known about one target.
type Set struct {
	Target       Target        `json:"target"`
	Observations []Observation `json:"observations"`
	Errors       []Error       `json:"errors"`
	// Inputs lists the input kinds that fed this set (android, policy,
	// traffic…); rules use it to tell "absent" from "not looked at".
	Inputs []string `json:"inputs"`
	// Classes maps each input kind to its class (package, policy,
	// traffic, evidence), as the scan's registry of input kinds declares.
	Classes map[string]Class `json:"-"`

	// errorsOf counts listed errors by source, part and cause; summary
	// holds the index of each class's summary entry.
	errorsOf map[errorClass]int
	summary  map[errorClass]int
	synced   int
}

type errorClass struct {
	source string
	part   Part
	cause  Cause
}

// MaxErrorsPerClass bounds the errors listed one by one for one source,
// part and cause; the rest are counted in one summary entry. A hostile
// archive of a million broken entries costs a few lines, not gigabytes.
const MaxErrorsPerClass = 20

// Add appends observations.
func (s *Set) Add(obs ...Observation) { s.Observations = append(s.Observations, obs...) }

// Fail records an error. Its part and cause come from Lost when err was
// wrapped with it.
func (s *Set) Fail(source, file string, err error) {
	if err == nil {
		return
	}
	p, c := classify(err)
	s.AddError(Error{Source: source, File: file, Err: err.Error(), Part: p, Cause: c})
}

// AddError records an error, listing at most MaxErrorsPerClass of one
// source, part and cause and counting the rest in one summary entry.
func (s *Set) AddError(e Error) {
	if s.errorsOf == nil || s.synced != len(s.Errors) {
		s.index()
	}
	k := errorClass{e.Source, e.Part, e.Cause}
	switch {
	case e.More > 0:
		s.countMore(k, e, e.More)
	case s.errorsOf[k] < MaxErrorsPerClass:
		s.errorsOf[k]++
		s.Errors = append(s.Errors, e)
	default:
		s.countMore(k, e, 1)
	}
	s.synced = len(s.Errors)
}

// index rebuilds the error counts, after Errors was set or sorted directly.
func (s *Set) index() {
	s.errorsOf = map[errorClass]int{}
	s.summary = map[errorClass]int{}
	for i, old := range s.Errors {
		k := errorClass{old.Source, old.Part, old.Cause}
		if old.More > 0 {
			s.summary[k] = i
		} else {
			s.errorsOf[k]++
		}
	}
	s.synced = len(s.Errors)
}

func (s *Set) countMore(k errorClass, e Error, n int) {
	i, ok := s.summary[k]
	if ok && (i >= len(s.Errors) || s.Errors[i].More == 0 || (errorClass{s.Errors[i].Source, s.Errors[i].Part, s.Errors[i].Cause}) != k) {
		// Errors was reordered since: find the summary again.
		s.index()
		i, ok = s.summary[k]
	}
	if ok {
		s.Errors[i].More += n
		s.Errors[i].Err = moreText(s.Errors[i].More)
		return
	}
	s.summary[k] = len(s.Errors)
	s.Errors = append(s.Errors, Error{Source: e.Source, Part: e.Part, Cause: e.Cause, More: n, Err: moreText(n)})
}

func moreText(n int) string {
	if n == 1 {
		return "1 more error of this kind was not listed"
	}
	return fmt.Sprintf("%d more errors of this kind were not listed", n)
}

// HasInput reports whether an input kind, or an input of a class
// ("package", "policy", …), fed the set.
func (s *Set) HasInput(name string) bool {
	for _, k := range s.Inputs {
		if k == name || string(s.Classes[k]) == name {
			return true
		}
	}
	return false
}

// FromPackage reports whether an app package (APK, IPA, HAP) fed the set,
// as opposed to only policies, captures or evidence files about it.
func (s *Set) FromPackage() bool { return s.HasInput(string(ClassPackage)) }

// PackageInputs lists the input kinds of the set that are packages.
func (s *Set) PackageInputs() []string {
	var out []string
	for _, k := range s.Inputs {
		if s.Classes[k] == ClassPackage {
			out = append(out, k)
		}
	}
	return out
}

// Of returns the observations of one kind, in insertion order.
func (s *Set) Of(k Kind) []Observation {
	var out []Observation
	for _, o := range s.Observations {
		if o.Kind == k {
			out = append(out, o)
		}
	}
	return out
}

// Keys returns the distinct keys of one kind, sorted.
func (s *Set) Keys(k Kind) []string {
	seen := map[string]bool{}
	for _, o := range s.Observations {
		if o.Kind == k {
			seen[o.Key] = true
		}
	}
	out := make([]string, 0, len(seen))
	for key := range seen {
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// Merge folds another set about the same target into s: observations and
// errors are appended, inputs united. Identity fields that s lacks are taken
// from o. It is how an APK, its policy and a capture of its traffic become
// one target's evidence.
func (s *Set) Merge(o *Set) {
	s.Observations = append(s.Observations, o.Observations...)
	for _, e := range o.Errors {
		s.AddError(e)
	}
	for _, in := range o.Inputs {
		if !slices.Contains(s.Inputs, in) {
			s.Inputs = append(s.Inputs, in)
		}
	}
	for k, c := range o.Classes {
		if s.Classes == nil {
			s.Classes = map[string]Class{}
		}
		s.Classes[k] = c
	}
	t := &s.Target
	if t.ID == "" {
		t.ID = o.Target.ID
	}
	if t.Name == "" {
		t.Name = o.Target.Name
	}
	if t.Version == "" {
		t.Version = o.Target.Version
	}
}
