package apk

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidence"
)

// Per-input bounds on what the analysis keeps. A hostile package can hold
// millions of call sites, URLs or dex files in a few megabytes; past these
// bounds the rest is counted, not kept, and one error says what was
// dropped. Real apps stay far below them.
const (
	// maxDexFiles is the most dex files analyzed per input, nested ones
	// included.
	maxDexFiles = 5_000
	// maxUnitHits and maxUnitURLs bound the PI call sites and URL
	// constants kept per dex file.
	maxUnitHits = 50_000
	maxUnitURLs = 50_000
	// maxCodeDataTypes, maxCodeEndpoints and maxCodeSDKs bound the
	// observations made from bytecode per input (PI call sites, presence
	// checks among them; endpoints; SDKs).
	maxCodeDataTypes = 50_000
	maxCodeEndpoints = 50_000
	maxCodeSDKs      = 20_000
	// maxAssetURLs is the most distinct URL strings checked in text files
	// per input, maxAssetEndpoints the most endpoints recorded from them.
	maxAssetURLs      = 10_000
	maxAssetEndpoints = 5_000
	// maxURLLength is the longest URL kept from a text file; longer runs
	// of URL characters are not URLs anyone connects to.
	maxURLLength = 2048
	// maxManifestObservations bounds the observations made from the
	// manifest (permissions, components, SDKs they name), and
	// maxLibObservations those made from native library names.
	maxManifestObservations = 50_000
	maxLibObservations      = 20_000
	// maxAnomalies bounds the archive anomalies listed per input.
	maxAnomalies = 1_000
)

// lost classifies an error met while reading part p of the package, from
// what artifact and context errors say; other damage is malformed data.
// An error classified already keeps its class.
func lost(p evidence.Part, err error) error {
	if err == nil {
		return nil
	}
	var le *evidence.LostError
	if errors.As(err, &le) {
		return err
	}
	return evidence.Lost(p, artifact.CauseOf(err), err)
}

// loseCode records code that could not be read. A recognised packer
// explains a damaged payload inside the package (an encrypted plug-in or
// asset): it is encrypted, not broken. It never explains the package's own
// classes*.dex: a broken main dex beside a packer's marker file is lost
// code all the same.
func (s *scan) loseCode(file string, err error) {
	err = lost(evidence.PartCode, err)
	var le *evidence.LostError
	if len(s.packerObs) > 0 && !topLevelDex(file) && errors.As(err, &le) && le.Cause == evidence.CauseMalformed {
		err = evidence.Lost(evidence.PartCode, evidence.CausePacker, le.Err)
	}
	s.fail(file, err)
}

// bound counts what one per-input bound kept and what it turned away,
// for one error at the end.
type bound struct {
	kept    int
	dropped int
	first   string // file of the first item dropped
}

// admit reports whether one more item from file fits under max, and
// counts it either way.
func (b *bound) admit(file string, max int) bool {
	if b.kept < max {
		b.kept++
		return true
	}
	if b.dropped == 0 {
		b.first = file
	}
	b.dropped++
	return false
}

// observationBounds is what an input has kept of the per-input bounds.
type observationBounds struct {
	dataTypes, endpoints, sdks bound
	assetURLs, assetEndpoints  bound
	manifest, libs             bound
}

// addManifest adds an observation made from the manifest within the
// bounds.
func (s *scan) addManifest(o evidence.Observation) {
	if s.bounds.manifest.admit(o.Where.File, maxManifestObservations) {
		s.set.Add(o)
	}
}

// addLib adds an observation made from a native library name within the
// bounds.
func (s *scan) addLib(o evidence.Observation) {
	if s.bounds.libs.admit(o.Where.File, maxLibObservations) {
		s.set.Add(o)
	}
}

// addCode adds an observation made from bytecode within the bounds.
func (s *scan) addCode(o evidence.Observation) {
	b := &s.bounds
	ok := true
	switch o.Kind {
	case evidence.DataType, evidence.Property: // PI reads and presence checks
		ok = b.dataTypes.admit(o.Where.File, maxCodeDataTypes)
	case evidence.Endpoint:
		ok = b.endpoints.admit(o.Where.File, maxCodeEndpoints)
	case evidence.SDK:
		ok = b.sdks.admit(o.Where.File, maxCodeSDKs)
	}
	if ok {
		s.set.Add(o)
	}
}

// reportDropped records one error for each bound that turned items away.
func (s *scan) reportDropped() {
	b := &s.bounds
	for _, d := range []struct {
		b    *bound
		part evidence.Part
		what string
		max  int
	}{
		{&b.dataTypes, evidence.PartCode, "PI API call sites", maxCodeDataTypes},
		{&b.endpoints, evidence.PartCode, "endpoints in code", maxCodeEndpoints},
		{&b.sdks, evidence.PartCode, "SDK observations from code", maxCodeSDKs},
		{&b.assetURLs, evidence.PartAssets, "URLs in text files", maxAssetURLs},
		{&b.assetEndpoints, evidence.PartAssets, "endpoints in text files", maxAssetEndpoints},
		{&b.manifest, evidence.PartManifest, "observations from the manifest", maxManifestObservations},
		{&b.libs, evidence.PartAssets, "SDK observations from native libraries", maxLibObservations},
	} {
		if d.b.dropped > 0 {
			s.fail(d.b.first, evidence.Lostf(d.part, evidence.CauseLimit,
				"%d more %s were dropped: at most %d are kept per input", d.b.dropped, d.what, d.max))
		}
	}
}

// skipped says that items were not read because a bound shared by the
// rest of the input was reached: one error for all of them.
func skipped(n int, first, what string, why error) error {
	if n == 1 {
		return fmt.Errorf("%s not read: %w", first, why)
	}
	return fmt.Errorf("%s and %d more %s not read: %w", first, n-1, what, why)
}

// topLevelDex reports whether a file is one of the package's own dex
// files (classes.dex, classes2.dex…, a duplicate "classes.dex#2"), not a
// dex inside a nested archive.
func topLevelDex(file string) bool {
	if strings.Contains(file, "!") || strings.Contains(file, "/") {
		return false
	}
	name, _, _ := strings.Cut(file, "#")
	if !strings.HasPrefix(name, "classes") || !strings.HasSuffix(name, ".dex") {
		return false
	}
	for _, c := range strings.TrimSuffix(strings.TrimPrefix(name, "classes"), ".dex") {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
