package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The data files, as paths inside the data file system.
const (
	FilePITypes     = "android/pi_types.yaml"
	FilePermissions = "android/permissions.yaml"
	FileAPIs        = "android/apis.yaml"
	FileSDKs        = "sdk/sdks.yaml"
	FilePackers     = "sdk/packers.yaml"
	// FileNonNetworkHosts is optional: hosts of URLs that name things
	// (XML namespaces, licences) rather than endpoints.
	FileNonNetworkHosts = "network/non_network_hosts.yaml"
	// FileLibraries lists local open-source libraries (first-party code).
	FileLibraries = "sdk/libraries.yaml"
	// FileConsent lists the words of consent-flag keys.
	FileConsent = "android/consent.yaml"
	// FileHosts maps domains to the companies that operate them.
	FileHosts = "network/hosts.yaml"
	// FileIOSUsageKeys maps Info.plist usage-description keys to PI types.
	FileIOSUsageKeys = "ios/usage_keys.yaml"
	// FileIOSRequiredReasonAPIs lists the required reason API categories of
	// Apple's privacy manifests.
	FileIOSRequiredReasonAPIs = "ios/required_reason_apis.yaml"
	// FileHarmonyPermissions maps HarmonyOS permissions to PI types.
	FileHarmonyPermissions = "harmony/permissions.yaml"
)

// Categories is the closed list of SDK categories.
var Categories = []string{
	"analytics", "advertising", "push", "location", "maps", "payment", "social",
	"login", "crash_reporting", "attribution", "identifier", "customer_support",
	"performance", "platform", "security", "ui", "network", "other",
}

// builder turns decoded files into tables, checking each entry.
type builder struct {
	t *tables
	// types indexes the PI vocabulary, which every other file refers to.
	types map[string]int
	re    *patterns
}

// patterns are the forms of names and ids in the data files. They are
// compiled when files are decoded, not when hegui starts.
type patterns struct {
	id, country, key, javaName        *regexp.Regexp
	usageKey, apiCategory, reasonCode *regexp.Regexp
	harmonyName                       *regexp.Regexp
}

func newPatterns() *patterns {
	return &patterns{
		id:          regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`),
		country:     regexp.MustCompile(`^[a-z]{2}$`),
		key:         regexp.MustCompile(`^[a-z][a-z0-9_]*$`),
		javaName:    regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*([.$][A-Za-z_][A-Za-z0-9_]*)+$`),
		usageKey:    regexp.MustCompile(`^[A-Z][A-Za-z0-9]*UsageDescription$`),
		apiCategory: regexp.MustCompile(`^NSPrivacyAccessedAPICategory[A-Z][A-Za-z]*$`),
		reasonCode:  regexp.MustCompile(`^[0-9A-F]{4}\.[0-9]+$`),
		harmonyName: regexp.MustCompile(`^ohos\.permission\.[A-Z][A-Z0-9_]*$`),
	}
}

// step is one data file: where it is, what it decodes into, and how its
// entries are checked and added to the tables.
type step struct {
	file     string
	optional bool
	v        any
	build    func(b *builder) error
}

// decodeFS decodes the data files of fsys in parallel, then checks and
// adds them in order (PI types first, since every other file refers to
// them), and indexes the SDK signatures to find signatures that two SDKs
// claim.
func decodeFS(fsys fs.FS) (*tables, error) {
	var (
		pi piTypesFile
		pe permissionsFile
		ap apisFile
		sd sdksFile
		pa packersFile
		nn nonNetworkFile
		ho hostsFile
		iu iosUsageFile
		ia iosAPIsFile
		hp harmonyFile
		li librariesFile
		co consentFile
	)
	steps := []step{
		{FilePITypes, false, &pi, func(b *builder) error { return b.piTypes(&pi) }},
		{FilePermissions, false, &pe, func(b *builder) error { return b.permissions(&pe) }},
		{FileAPIs, false, &ap, func(b *builder) error { return b.apis(&ap) }},
		{FileSDKs, false, &sd, func(b *builder) error { return b.sdks(&sd) }},
		{FilePackers, false, &pa, func(b *builder) error { return b.packers(&pa) }},
		{FileNonNetworkHosts, true, &nn, func(b *builder) error { return b.nonNetworkHosts(&nn) }},
		{FileHosts, false, &ho, func(b *builder) error { return b.hosts(&ho) }},
		{FileIOSUsageKeys, false, &iu, func(b *builder) error { return b.iosUsageKeys(&iu) }},
		{FileIOSRequiredReasonAPIs, false, &ia, func(b *builder) error { return b.iosAPICategories(&ia) }},
		{FileHarmonyPermissions, false, &hp, func(b *builder) error { return b.harmonyPermissions(&hp) }},
		{FileLibraries, false, &li, func(b *builder) error { return b.libraries(&li) }},
		{FileConsent, false, &co, func(b *builder) error { return b.consent(&co) }},
	}
	errs := make([]error, len(steps))
	found := make([]bool, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		data, err := fs.ReadFile(fsys, s.file)
		if err != nil {
			if s.optional && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, &Error{File: s.file, Err: err}
		}
		found[i] = true
		wg.Go(func() { errs[i] = decode(data, s.v) })
	}
	wg.Wait()
	b := &builder{t: &tables{}, re: newPatterns()}
	for i, s := range steps {
		if !found[i] {
			continue
		}
		err := errs[i]
		if err == nil {
			err = s.build(b)
		}
		if err != nil {
			return nil, fileErr(s.file, err)
		}
	}
	idx, err := indexSDKs(b.t.sdks)
	if err != nil {
		return nil, fileErr(FileSDKs, err)
	}
	b.t.sdkIndex = idx
	slices.SortFunc(b.t.versions, func(x, y fileVersion) int { return strings.Compare(x.file, y.file) })
	return b.t, nil
}

// fileErr makes err an *Error of file, keeping the entry it names.
func fileErr(file string, err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = file
		return ce
	}
	return &Error{File: file, Err: err}
}

func (b *builder) version(file string, h header) error {
	if err := h.check(); err != nil {
		return err
	}
	b.t.versions = append(b.t.versions, fileVersion{file: file, version: h.Version})
	return nil
}

// header is what every data file starts with.
type header struct {
	Version string            `yaml:"version" json:"version"`
	Sources map[string]string `yaml:"sources" json:"sources"`
}

func (h header) check() error {
	if h.Version == "" {
		return errors.New("missing version")
	}
	if len(h.Sources) == 0 {
		return errors.New("missing sources")
	}
	return nil
}

// checkSources verifies that an entry cites at least one source and only
// sources the file declares.
func (h header) checkSources(tags []string) error { return CheckSources(h.Sources, tags) }

// CheckSources verifies that an entry of a data file cites at least one
// source and only sources the file declares (declared: its sources map).
// Readers that keep data files of their own check them with it.
func CheckSources(declared map[string]string, tags []string) error {
	if len(tags) == 0 {
		return errors.New("no source")
	}
	for _, t := range tags {
		if _, ok := declared[t]; !ok {
			return fmt.Errorf("undeclared source %q", t)
		}
	}
	return nil
}

// Decode parses a data file the way the catalog's own are parsed:
// strictly, an unknown key being an error. Readers that keep data files
// of their own (data/ios, data/harmony) decode them with it.
func Decode(b []byte, v any) error { return decode(b, v) }

// decode parses a data file strictly (unknown keys are errors). A file whose
// body (after leading comment lines) is a JSON object, as the generated SDK
// file is, takes the fast encoding/json path: JSON is YAML too.
func decode(b []byte, v any) error {
	body := b
	for len(body) > 0 {
		line, rest, _ := bytes.Cut(body, []byte("\n"))
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			break
		}
		body = rest
	}
	if len(body) > 0 && body[0] == '{' {
		d := json.NewDecoder(bytes.NewReader(body))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return err
		}
		return nil
	}
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true)
	return d.Decode(v)
}

// checkKeys verifies that every PI key is in the vocabulary.
func (b *builder) checkKeys(keys ...string) error {
	for _, k := range keys {
		if _, ok := b.types[k]; !ok {
			return fmt.Errorf("unknown PI type %q", k)
		}
	}
	return nil
}

var confidences = []string{"high", "medium", "low"}

func checkConfidence(s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if !slices.Contains(confidences, s) {
		return fmt.Errorf("confidence %q: want high, medium or low", s)
	}
	return nil
}

// isHost reports whether h is a lower-case domain name of two or more labels.
func isHost(h string) bool {
	labels, start := 0, 0
	for i := 0; i <= len(h); i++ {
		if i < len(h) && h[i] != '.' {
			b := h[i]
			if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
				return false
			}
			continue
		}
		l := h[start:i]
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		labels++
		start = i + 1
	}
	return labels >= 2
}
