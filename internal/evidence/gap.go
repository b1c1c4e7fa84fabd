package evidence

import (
	"errors"
	"fmt"
)

// Part names the part of an input's evidence that an error lost. Rules that
// read a part are never "passed" while it is incomplete.
type Part string

// The parts of an input.
const (
	// PartInput: the whole input (nothing could be read).
	PartInput Part = "input"
	// PartCode: bytecode or machine code (dex, abc, Mach-O), including
	// code inside nested archives (plug-in jars and apks).
	PartCode Part = "code"
	// PartManifest: the package's declaration (AndroidManifest.xml,
	// Info.plist, module.json): permissions, components, identity.
	PartManifest Part = "manifest"
	// PartResources: compiled resources (labels, configuration files).
	PartResources Part = "resources"
	// PartAssets: other files scanned for facts (text assets, native
	// library names, certificates).
	PartAssets Part = "assets"
	// PartContent: the body of a non-package input (policy text, packets).
	PartContent Part = "content"
	// PartOther: anything else.
	PartOther Part = "other"
)

// Cause says why evidence was lost.
type Cause string

// The causes.
const (
	// CauseBudget: a shared size, memory or time budget ran out.
	CauseBudget Cause = "budget"
	// CauseLimit: a per-item limit was exceeded (entry size, ratio,
	// entry count, item count).
	CauseLimit Cause = "limit"
	// CauseDepth: nested deeper than archives are opened.
	CauseDepth Cause = "depth"
	// CauseTruncated: the data ends early.
	CauseTruncated Cause = "truncated"
	// CauseMalformed: the structure is invalid or lies about itself.
	CauseMalformed Cause = "malformed"
	// CausePacker: encrypted or hidden by a recognised packer.
	CausePacker Cause = "packer"
	// CauseTimeout: the input's deadline passed or the scan was cancelled.
	CauseTimeout Cause = "timeout"
	// CauseUnreadable: an I/O error.
	CauseUnreadable Cause = "unreadable"
	// CauseAbsent: the input kind does not carry the part (a bare DEX file
	// has no manifest). Rules that read it are not evaluated; nothing was
	// lost, so no evidence-incomplete finding is raised.
	CauseAbsent Cause = "absent"
)

// Grave reports whether losing part p for cause c hides evidence a gate
// must not pass over: code or the manifest lost to damage, budgets, limits
// or depth. A packer's encryption is reported by its own finding.
func Grave(p Part, c Cause) bool {
	if c == CausePacker || c == CauseAbsent {
		return false
	}
	return p == PartCode || p == PartManifest || p == PartInput
}

// LostError classifies an error by the part it lost and why.
type LostError struct {
	Part  Part
	Cause Cause
	Err   error
}

func (e *LostError) Error() string { return e.Err.Error() }
func (e *LostError) Unwrap() error { return e.Err }

// Lost wraps err with the part of the evidence it cost and the cause.
// Set.Fail records both. A nil err stays nil.
func Lost(p Part, c Cause, err error) error {
	if err == nil {
		return nil
	}
	return &LostError{Part: p, Cause: c, Err: err}
}

// Lostf is Lost with a formatted error.
func Lostf(p Part, c Cause, format string, args ...any) error {
	return Lost(p, c, fmt.Errorf(format, args...))
}

// classify returns the part and cause an error was wrapped with, or
// empty values when it was not.
func classify(err error) (Part, Cause) {
	var le *LostError
	if errors.As(err, &le) {
		return le.Part, le.Cause
	}
	return "", ""
}
