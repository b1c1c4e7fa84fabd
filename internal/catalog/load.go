package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hegui/hegui/data"
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
	FileNonNetworkHosts = "android/non_network_hosts.yaml"
)

// Categories is the closed list of SDK categories.
var Categories = []string{
	"analytics", "advertising", "push", "location", "maps", "payment", "social",
	"login", "crash_reporting", "attribution", "identifier", "customer_support",
	"performance", "platform", "security", "ui", "network", "other",
}

// Error reports a data file that cannot be read or fails validation. The
// slices returned by the Catalog's accessors share memory with the catalog
// and must not be modified.
type Error struct {
	File  string // path inside the data file system
	Entry string // the entry at fault ("sdks[12] umeng-analytics"), if any
	Err   error
}

func (e *Error) Error() string {
	if e.Entry == "" {
		return "catalog: " + e.File + ": " + e.Err.Error()
	}
	return "catalog: " + e.File + ": " + e.Entry + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

var loadEmbedded = sync.OnceValues(func() (*Catalog, error) { return LoadFS(data.FS) })

// Load returns the catalog built from the embedded data files. The files are
// parsed on the first call; later calls return the same read-only Catalog.
func Load() (*Catalog, error) { return loadEmbedded() }

// LoadFS parses and checks the data files in fsys (laid out as in package
// data: android/…, sdk/…) and builds a Catalog. The files are decoded in
// parallel, then checked and indexed in order (PI types first, since every
// other file refers to them).
func LoadFS(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{versions: make(map[string]string)}
	var (
		pi  piTypesFile
		pe  permissionsFile
		ap  apisFile
		sd  sdksFile
		pa  packersFile
		nn  nonNetworkFile
		hnn bool
	)
	steps := []struct {
		file     string
		optional bool
		v        any
		build    func() error
	}{
		{FilePITypes, false, &pi, func() error { return c.buildPITypes(&pi) }},
		{FilePermissions, false, &pe, func() error { return c.buildPermissions(&pe) }},
		{FileAPIs, false, &ap, func() error { return c.buildAPIs(&ap) }},
		{FileSDKs, false, &sd, func() error { return c.buildSDKs(&sd) }},
		{FilePackers, false, &pa, func() error { return c.buildPackers(&pa) }},
		{FileNonNetworkHosts, true, &nn, func() error {
			if !hnn {
				return nil
			}
			return c.buildNonNetworkHosts(&nn)
		}},
	}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		b, err := fs.ReadFile(fsys, s.file)
		if err != nil {
			if s.optional && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, &Error{File: s.file, Err: err}
		}
		if s.file == FileNonNetworkHosts {
			hnn = true
		}
		wg.Go(func() { errs[i] = decode(b, s.v) })
	}
	wg.Wait()
	for i, s := range steps {
		err := errs[i]
		if err == nil {
			err = s.build()
		}
		if err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				ce.File = s.file
				return nil, ce
			}
			return nil, &Error{File: s.file, Err: err}
		}
	}
	return c, nil
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
func (h header) checkSources(tags []string) error {
	if len(tags) == 0 {
		return errors.New("no source")
	}
	for _, t := range tags {
		if _, ok := h.Sources[t]; !ok {
			return fmt.Errorf("undeclared source %q", t)
		}
	}
	return nil
}

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

func entryErr(entry string, err error) *Error { return &Error{Entry: entry, Err: err} }

// ---- pi_types.yaml ----

type piTypesFile struct {
	header `yaml:",inline"`
	Types  []struct {
		Key               string   `yaml:"key"`
		Zh                string   `yaml:"zh"`
		En                string   `yaml:"en"`
		Category          string   `yaml:"category"`
		Sensitive         bool     `yaml:"sensitive"`
		SensitiveCategory string   `yaml:"sensitive_category"`
		Identifier        bool     `yaml:"identifier"`
		NonResettable     bool     `yaml:"non_resettable"`
		Includes          []string `yaml:"includes"`
		Notes             string   `yaml:"notes"`
		Source            []string `yaml:"source"`
	} `yaml:"types"`
}

var sensitiveCategories = []string{"biometric", "religion", "specific_identity", "medical_health", "financial_account", "whereabouts", "minors"}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (c *Catalog) buildPITypes(f *piTypesFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FilePITypes] = f.Version
	c.types = make(map[string]int, len(f.Types))
	for i, t := range f.Types {
		entry := fmt.Sprintf("types[%d] %s", i, t.Key)
		switch {
		case !keyRE.MatchString(t.Key):
			return entryErr(entry, errors.New("bad key"))
		case t.Zh == "" || t.En == "":
			return entryErr(entry, errors.New("missing zh or en name"))
		case t.Category == "":
			return entryErr(entry, errors.New("missing category"))
		case t.Sensitive != (t.SensitiveCategory != ""):
			return entryErr(entry, errors.New("sensitive and sensitive_category disagree"))
		case t.Sensitive && !slices.Contains(sensitiveCategories, t.SensitiveCategory):
			return entryErr(entry, fmt.Errorf("unknown sensitive_category %q", t.SensitiveCategory))
		}
		if err := f.checkSources(t.Source); err != nil {
			return entryErr(entry, err)
		}
		if _, dup := c.types[t.Key]; dup {
			return entryErr(entry, errors.New("duplicate key"))
		}
		c.types[t.Key] = len(c.typeList)
		c.typeList = append(c.typeList, DataType{
			Key: t.Key, Zh: t.Zh, En: t.En, Category: t.Category,
			Sensitive: t.Sensitive, SensitiveCategory: t.SensitiveCategory,
			Identifier: t.Identifier, NonResettable: t.NonResettable,
			Includes: t.Includes, Notes: t.Notes, Sources: t.Source,
		})
	}
	for _, t := range c.typeList {
		for _, k := range t.Includes {
			if _, ok := c.types[k]; !ok || k == t.Key {
				return entryErr("types "+t.Key, fmt.Errorf("includes unknown key %q", k))
			}
		}
	}
	return nil
}

// checkKeys verifies that every PI key is in the vocabulary.
func (c *Catalog) checkKeys(keys ...string) error {
	for _, k := range keys {
		if _, ok := c.types[k]; !ok {
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

// ---- permissions.yaml ----

type permissionsFile struct {
	header      `yaml:",inline"`
	Permissions []struct {
		Name       string   `yaml:"name"`
		Zh         string   `yaml:"zh"`
		Protection string   `yaml:"protection"`
		Group      string   `yaml:"group"`
		Since      int      `yaml:"since"`
		Deprecated int      `yaml:"deprecated"`
		PITypes    []string `yaml:"pi_types"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"permissions"`
}

var protections = []string{"dangerous", "normal", "signature", "special", "vendor"}

func (c *Catalog) buildPermissions(f *permissionsFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FilePermissions] = f.Version
	c.perms = make(map[string]Permission, len(f.Permissions))
	for i, p := range f.Permissions {
		entry := fmt.Sprintf("permissions[%d] %s", i, p.Name)
		if p.Name == "" || !strings.Contains(p.Name, ".") {
			return entryErr(entry, errors.New("bad name"))
		}
		if p.Zh == "" {
			return entryErr(entry, errors.New("missing zh name"))
		}
		if !slices.Contains(protections, p.Protection) {
			return entryErr(entry, fmt.Errorf("protection %q: want one of %v", p.Protection, protections))
		}
		if err := c.checkKeys(p.PITypes...); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(p.Confidence, false); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(p.Source); err != nil {
			return entryErr(entry, err)
		}
		if _, dup := c.perms[p.Name]; dup {
			return entryErr(entry, errors.New("duplicate permission"))
		}
		c.perms[p.Name] = Permission{
			Name: p.Name, Zh: p.Zh, Protection: p.Protection, Group: p.Group,
			Since: p.Since, Deprecated: p.Deprecated, DataTypes: p.PITypes,
			Confidence: p.Confidence, Notes: p.Notes, Sources: p.Source,
		}
	}
	return nil
}

// ---- apis.yaml ----

type apisFile struct {
	header `yaml:",inline"`
	APIs   []struct {
		ID         string   `yaml:"id"`
		Class      string   `yaml:"class"`
		Methods    []string `yaml:"methods"`
		Fields     []string `yaml:"fields"`
		PIType     string   `yaml:"pi_type"`
		Purpose    string   `yaml:"purpose"`
		Args       []string `yaml:"args"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"apis"`
	ContentURIs []struct {
		URI        string   `yaml:"uri"`
		PIType     string   `yaml:"pi_type"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"content_uris"`
	SettingsKeys []struct {
		Key        string   `yaml:"key"`
		PIType     string   `yaml:"pi_type"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"settings_keys"`
}

var purposes = []string{"permission_request", "biometric_auth"}

var javaNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*([.$][A-Za-z_][A-Za-z0-9_]*)+$`)

// descriptor turns a Java binary name into a DEX type descriptor.
func descriptor(javaName string) string {
	return "L" + strings.ReplaceAll(javaName, ".", "/") + ";"
}

func (c *Catalog) buildAPIs(f *apisFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FileAPIs] = f.Version
	c.methods = make(map[memberKey][]API)
	c.fields = make(map[memberKey][]API)
	ids := make(map[string]bool)
	for i, a := range f.APIs {
		entry := fmt.Sprintf("apis[%d] %s", i, a.ID)
		switch {
		case a.ID == "" || ids[a.ID]:
			return entryErr(entry, errors.New("missing or duplicate id"))
		case !javaNameRE.MatchString(a.Class):
			return entryErr(entry, fmt.Errorf("bad class %q", a.Class))
		case (len(a.Methods) == 0) == (len(a.Fields) == 0):
			return entryErr(entry, errors.New("want either methods or fields"))
		case (a.PIType == "") == (a.Purpose == ""):
			return entryErr(entry, errors.New("want either pi_type or purpose"))
		case a.Purpose != "" && !slices.Contains(purposes, a.Purpose):
			return entryErr(entry, fmt.Errorf("unknown purpose %q", a.Purpose))
		}
		ids[a.ID] = true
		if a.PIType != "" {
			if err := c.checkKeys(a.PIType); err != nil {
				return entryErr(entry, err)
			}
		}
		if err := checkConfidence(a.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(a.Source); err != nil {
			return entryErr(entry, err)
		}
		d := descriptor(a.Class)
		add := func(m map[memberKey][]API, members []string, field bool) {
			for _, name := range members {
				k := memberKey{d, name}
				m[k] = append(m[k], API{
					ID: a.ID, Class: a.Class, Member: name, IsField: field,
					DataType: a.PIType, Purpose: a.Purpose, Args: a.Args,
					Confidence: a.Confidence, Notes: a.Notes, Sources: a.Source,
				})
			}
		}
		add(c.methods, a.Methods, false)
		add(c.fields, a.Fields, true)
	}
	for i, u := range f.ContentURIs {
		entry := fmt.Sprintf("content_uris[%d] %s", i, u.URI)
		rest, ok := strings.CutPrefix(u.URI, "content://")
		if !ok || rest == "" || strings.HasSuffix(rest, "/") {
			return entryErr(entry, errors.New("want content://authority[/path] without a trailing '/'"))
		}
		if err := c.checkKeys(u.PIType); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(u.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(u.Source); err != nil {
			return entryErr(entry, err)
		}
		for _, o := range c.uris {
			if o.Member == u.URI {
				return entryErr(entry, errors.New("duplicate uri"))
			}
		}
		c.uris = append(c.uris, API{
			ID: "uri:" + rest, Member: u.URI, DataType: u.PIType,
			Confidence: u.Confidence, Notes: u.Notes, Sources: u.Source,
		})
	}
	// Longest first, so the first match in ContentURI is the most specific.
	slices.SortStableFunc(c.uris, func(a, b API) int { return len(b.Member) - len(a.Member) })
	c.settings = make(map[string]API, len(f.SettingsKeys))
	for i, s := range f.SettingsKeys {
		entry := fmt.Sprintf("settings_keys[%d] %s", i, s.Key)
		if s.Key == "" {
			return entryErr(entry, errors.New("missing key"))
		}
		if _, dup := c.settings[s.Key]; dup {
			return entryErr(entry, errors.New("duplicate key"))
		}
		if err := c.checkKeys(s.PIType); err != nil {
			return entryErr(entry, err)
		}
		if err := checkConfidence(s.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(s.Source); err != nil {
			return entryErr(entry, err)
		}
		c.settings[s.Key] = API{
			ID: "settings:" + s.Key, Member: s.Key, DataType: s.PIType,
			Confidence: s.Confidence, Notes: s.Notes, Sources: s.Source,
		}
	}
	return nil
}

// ---- sdks.yaml ----

// sigSet maps a signature value to the sources that give it.
type sigSet map[string][]string

type sdksFile struct {
	header `yaml:",inline"`
	SDKs   []sdkEntry `yaml:"sdks" json:"sdks"`
}

type sdkEntry struct {
	ID             string   `yaml:"id" json:"id"`
	Name           string   `yaml:"name" json:"name"`
	NameZh         string   `yaml:"name_zh" json:"name_zh"`
	Vendor         string   `yaml:"vendor" json:"vendor"`
	Country        string   `yaml:"vendor_country" json:"vendor_country"`
	Categories     []string `yaml:"categories" json:"categories"`
	Website        string   `yaml:"website" json:"website"`
	Collects       []string `yaml:"collects" json:"collects"`
	CollectsSource string   `yaml:"collects_source" json:"collects_source"`
	Confidence     string   `yaml:"confidence" json:"confidence"`
	Notes          string   `yaml:"notes" json:"notes"`
	Source         []string `yaml:"source" json:"source"`
	Signatures     struct {
		Classes           sigSet `yaml:"classes" json:"classes"`
		ClassSuffixes     sigSet `yaml:"class_suffixes" json:"class_suffixes"`
		NativeLibs        sigSet `yaml:"native_libs" json:"native_libs"`
		NativeLibPatterns sigSet `yaml:"native_lib_patterns" json:"native_lib_patterns"`
		Components        sigSet `yaml:"components" json:"components"`
		ComponentSuffixes sigSet `yaml:"component_suffixes" json:"component_suffixes"`
		Hosts             sigSet `yaml:"hosts" json:"hosts"`
		MetaData          sigSet `yaml:"meta_data" json:"meta_data"`
	} `yaml:"signatures" json:"signatures"`
}

var (
	idRE      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	countryRE = regexp.MustCompile(`^[a-z]{2}$`)
)

// checkClassPrefix rejects prefixes that are not dotted Java names of at
// least two segments ('$' separates inner classes).
func checkClassPrefix(p string) error {
	segs, start := 0, 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '.' && p[i] != '$' {
			continue
		}
		if !isSegment(p[start:i]) {
			return fmt.Errorf("class prefix %q: want a dotted name of two or more segments", p)
		}
		segs++
		start = i + 1
	}
	if segs < 2 {
		return fmt.Errorf("class prefix %q: want a dotted name of two or more segments", p)
	}
	return nil
}

// isSegment reports whether s is a Java identifier (ASCII letters, digits, '_').
func isSegment(s string) bool {
	if s == "" || ('0' <= s[0] && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_') {
			return false
		}
	}
	return true
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

func (c *Catalog) buildSDKs(f *sdksFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FileSDKs] = f.Version
	c.sdkByID = make(map[string]int, len(f.SDKs))
	c.classes = classTrie{root: trieNode{sdk: -1}, simple: map[string]int32{}, segment: map[string]int32{}}
	c.hosts = make(map[string]int32)
	c.libs = make(map[string][]string)
	c.libPats = make(map[string][]libPattern)
	c.comps = make(map[string][]string)
	c.metaData = make(map[string][]string)

	// Sort by id so SDKs() and the trie's indexes are stable.
	slices.SortStableFunc(f.SDKs, func(a, b sdkEntry) int { return strings.Compare(a.ID, b.ID) })
	for i, e := range f.SDKs {
		entry := "sdks " + e.ID
		if err := c.checkSDK(f, &e); err != nil {
			return entryErr(entry, err)
		}
		if _, dup := c.sdkByID[e.ID]; dup {
			return entryErr(entry, errors.New("duplicate id"))
		}
		c.sdkByID[e.ID] = i
		s := e.toSDK()
		idx := int32(i)
		for _, p := range s.Classes {
			if o := c.classes.insert(p, idx); o >= 0 {
				return entryErr(entry, fmt.Errorf("class prefix %q already belongs to %s", p, f.SDKs[o].ID))
			}
		}
		for _, p := range s.ClassSuffixes {
			m, key := c.classes.simple, strings.TrimPrefix(p, ".")
			if seg, ok := strings.CutSuffix(key, "."); ok {
				m, key = c.classes.segment, seg
			}
			if !isSegment(key) {
				return entryErr(entry, fmt.Errorf("class suffix %q: want .Name or .segment.", p))
			}
			if o, dup := m[key]; dup {
				return entryErr(entry, fmt.Errorf("class suffix %q already belongs to %s", p, f.SDKs[o].ID))
			}
			m[key] = idx
		}
		for _, h := range s.Hosts {
			if o, dup := c.hosts[h]; dup {
				return entryErr(entry, fmt.Errorf("host %q already belongs to %s", h, f.SDKs[o].ID))
			}
			c.hosts[h] = idx
		}
		for _, l := range s.NativeLibs {
			c.libs[l] = append(c.libs[l], s.ID)
		}
		for _, p := range s.NativeLibPatterns {
			pre, suf, ok := strings.Cut(p, "*")
			if !ok || pre == "" || strings.Contains(suf, "*") {
				return entryErr(entry, fmt.Errorf("native lib pattern %q: want one '*' after a prefix", p))
			}
			c.libPats[pre] = append(c.libPats[pre], libPattern{prefix: pre, suffix: suf, sdk: s.ID})
			if !slices.Contains(c.libPrefixLens, len(pre)) {
				c.libPrefixLens = append(c.libPrefixLens, len(pre))
			}
		}
		for _, n := range s.Components {
			c.comps[n] = append(c.comps[n], s.ID)
		}
		for _, n := range s.ComponentSuffixes {
			c.compSufs = append(c.compSufs, suffixRule{suffix: n, sdk: s.ID})
		}
		for _, k := range s.MetaData {
			c.metaData[k] = append(c.metaData[k], s.ID)
		}
		c.sdks = append(c.sdks, s)
	}
	slices.Sort(c.libPrefixLens)
	return nil
}

func (c *Catalog) checkSDK(f *sdksFile, e *sdkEntry) error {
	switch {
	case !idRE.MatchString(e.ID):
		return errors.New("bad id: want a lower-case slug")
	case e.Name == "":
		return errors.New("missing name")
	case e.Country != "" && !countryRE.MatchString(e.Country):
		return fmt.Errorf("vendor_country %q: want ISO 3166-1 alpha-2 in lower case", e.Country)
	case len(e.Categories) == 0:
		return errors.New("no category")
	}
	for _, cat := range e.Categories {
		if !slices.Contains(Categories, cat) {
			return fmt.Errorf("unknown category %q", cat)
		}
	}
	if err := c.checkKeys(e.Collects...); err != nil {
		return err
	}
	if len(e.Collects) > 0 && e.CollectsSource == "" {
		return errors.New("collects without collects_source")
	}
	if e.CollectsSource != "" {
		if err := f.checkSources([]string{e.CollectsSource}); err != nil {
			return fmt.Errorf("collects_source: %w", err)
		}
	}
	if err := checkConfidence(e.Confidence, false); err != nil {
		return err
	}
	if err := f.checkSources(e.Source); err != nil {
		return err
	}
	sig := &e.Signatures
	n := 0
	for kind, set := range map[string]sigSet{
		"classes": sig.Classes, "class_suffixes": sig.ClassSuffixes,
		"native_libs": sig.NativeLibs, "native_lib_patterns": sig.NativeLibPatterns,
		"components": sig.Components, "component_suffixes": sig.ComponentSuffixes,
		"hosts": sig.Hosts, "meta_data": sig.MetaData,
	} {
		for v, src := range set {
			n++
			if v == "" {
				return fmt.Errorf("%s: empty signature", kind)
			}
			if err := f.checkSources(src); err != nil {
				return fmt.Errorf("%s %q: %w", kind, v, err)
			}
		}
	}
	if n == 0 {
		return errors.New("no signature")
	}
	for p := range sig.Classes {
		if err := checkClassPrefix(p); err != nil {
			return err
		}
	}
	for h := range sig.Hosts {
		if !isHost(h) {
			return fmt.Errorf("host %q: want a lower-case domain name", h)
		}
	}
	for l := range sig.NativeLibs {
		if strings.ContainsAny(l, "/*") {
			return fmt.Errorf("native lib %q: want a file name", l)
		}
	}
	for p := range sig.ComponentSuffixes {
		if !strings.HasPrefix(p, ".") {
			return fmt.Errorf("component suffix %q: want a leading '.'", p)
		}
	}
	return nil
}

func (e *sdkEntry) toSDK() SDK {
	s := SDK{
		ID: e.ID, Name: e.Name, NameZh: e.NameZh, Vendor: e.Vendor, Country: e.Country,
		Categories: e.Categories, Website: e.Website, Collects: e.Collects,
		CollectsSource: e.CollectsSource, Confidence: e.Confidence, Notes: e.Notes,
		Sources: e.Source, sig: make(map[string]sigSet, 8),
	}
	keys := func(kind string, set sigSet) []string {
		if len(set) == 0 {
			return nil
		}
		s.sig[kind] = set
		return slices.Sorted(maps.Keys(set))
	}
	sig := &e.Signatures
	s.Classes = keys("classes", sig.Classes)
	s.ClassSuffixes = keys("class_suffixes", sig.ClassSuffixes)
	s.NativeLibs = keys("native_libs", sig.NativeLibs)
	s.NativeLibPatterns = keys("native_lib_patterns", sig.NativeLibPatterns)
	s.Components = keys("components", sig.Components)
	s.ComponentSuffixes = keys("component_suffixes", sig.ComponentSuffixes)
	s.Hosts = keys("hosts", sig.Hosts)
	s.MetaData = keys("meta_data", sig.MetaData)
	return s
}

// ---- packers.yaml ----

type packersFile struct {
	header  `yaml:",inline"`
	Packers []struct {
		ID         string   `yaml:"id"`
		Name       string   `yaml:"name"`
		Vendor     string   `yaml:"vendor"`
		AppClasses []string `yaml:"app_classes"`
		NativeLibs []string `yaml:"native_libs"`
		Assets     []string `yaml:"assets"`
		Confidence string   `yaml:"confidence"`
		Notes      string   `yaml:"notes"`
		Source     []string `yaml:"source"`
	} `yaml:"packers"`
}

func (c *Catalog) buildPackers(f *packersFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FilePackers] = f.Version
	seen := make(map[string]bool)
	for i, p := range f.Packers {
		entry := fmt.Sprintf("packers[%d] %s", i, p.ID)
		switch {
		case !idRE.MatchString(p.ID) || seen[p.ID]:
			return entryErr(entry, errors.New("bad or duplicate id"))
		case p.Name == "":
			return entryErr(entry, errors.New("missing name"))
		case len(p.AppClasses)+len(p.NativeLibs)+len(p.Assets) == 0:
			return entryErr(entry, errors.New("no signature"))
		}
		seen[p.ID] = true
		if err := checkConfidence(p.Confidence, true); err != nil {
			return entryErr(entry, err)
		}
		if err := f.checkSources(p.Source); err != nil {
			return entryErr(entry, err)
		}
		c.packers = append(c.packers, Packer{
			ID: p.ID, Name: p.Name, Vendor: p.Vendor, AppClasses: p.AppClasses,
			NativeLibs: p.NativeLibs, Assets: p.Assets, Confidence: p.Confidence,
			Notes: p.Notes, Sources: p.Source,
		})
	}
	return nil
}

// ---- non_network_hosts.yaml ----

type nonNetworkFile struct {
	header `yaml:",inline"`
	Hosts  []struct {
		Host   string   `yaml:"host"`
		Notes  string   `yaml:"notes"`
		Source []string `yaml:"source"`
	} `yaml:"hosts"`
}

func (c *Catalog) buildNonNetworkHosts(f *nonNetworkFile) error {
	if err := f.check(); err != nil {
		return err
	}
	c.versions[FileNonNetworkHosts] = f.Version
	c.nonNetwork = make(map[string]bool, len(f.Hosts))
	for i, h := range f.Hosts {
		entry := fmt.Sprintf("hosts[%d] %s", i, h.Host)
		if !isHost(h.Host) {
			return entryErr(entry, errors.New("want a lower-case domain name"))
		}
		if err := f.checkSources(h.Source); err != nil {
			return entryErr(entry, err)
		}
		c.nonNetwork[h.Host] = true
	}
	return nil
}
