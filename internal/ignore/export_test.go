package ignore

// Suppressed lets the external tests, which scan real packages and so
// cannot live in this package, list suppressed findings the same way.
var Suppressed = suppressed
