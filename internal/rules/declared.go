package rules

// declaredSideChecks compare what the app does with what its privacy
// policy declares, and read run-time evidence (traffic, dynamic tests).
// Their evidence comes from inputs other than the package; a rule using
// them lists those inputs in `needs` and is "not evaluated" without them.
func declaredSideChecks() map[string]Check {
	return map[string]Check{}
}
