// Package catalog holds hegui's reference data, typed and indexed: the PI
// type vocabulary, Android permissions and APIs with the PI they expose,
// content-provider URIs and Settings keys, third-party SDK signatures and
// app packers (hardening shells).
//
// The data are the YAML files embedded by package data. Load parses them
// once, checks them (every PI key used exists, ids are unique, every SDK has
// at least one signature) and builds the lookup tables the analyzers use:
// a trie over package segments for class names, maps for hosts, native
// libraries, manifest components and meta-data keys. A Catalog is read-only
// after Load and safe for concurrent use.
package catalog

import (
	"maps"
	"slices"
	"strings"
)

// DataType is one personal-information type of the vocabulary.
type DataType struct {
	Key string
	// Zh and En are the display names.
	Zh, En string
	// Category groups types in reports (device_identifier, location, …).
	Category string
	// Sensitive marks sensitive PI (PIPL Art. 28); SensitiveCategory says
	// which class: biometric, religion, specific_identity, medical_health,
	// financial_account, whereabouts or minors.
	Sensitive         bool
	SensitiveCategory string
	// Identifier: the value identifies a device, subscriber or person by
	// itself. NonResettable: the user cannot reset it.
	Identifier, NonResettable bool
	// Includes lists the keys an umbrella key covers (location covers
	// precise_location, …); empty for ordinary keys.
	Includes []string
	Notes    string
	Sources  []string
}

// Name returns the display name in lang ("zh…" for Chinese, anything else
// for English), falling back to the other language and then to the key.
func (d DataType) Name(lang string) string {
	zh := strings.HasPrefix(strings.ToLower(lang), "zh")
	switch {
	case zh && d.Zh != "":
		return d.Zh
	case !zh && d.En != "":
		return d.En
	case d.Zh != "":
		return d.Zh
	case d.En != "":
		return d.En
	}
	return d.Key
}

// Covers reports whether collecting key satisfies this type: key is this
// type or one it includes.
func (d DataType) Covers(key string) bool {
	return key == d.Key || slices.Contains(d.Includes, key)
}

// Permission is an Android (or vendor) permission and the PI it gives access to.
type Permission struct {
	Name string
	Zh   string
	// Protection is dangerous, normal, signature, special or vendor.
	Protection string
	// Group is the runtime permission group (PHONE, LOCATION, …), if any.
	Group string
	// Since and Deprecated are API levels (0 when not applicable).
	Since, Deprecated int
	// DataTypes are PI keys; empty when the permission exposes no PI itself.
	DataTypes  []string
	Confidence string
	Notes      string
	Sources    []string
}

// API is one rule mapping an Android API, content URI or Settings key to a
// PI type.
type API struct {
	ID string
	// Class is the Java binary name ("android.provider.Settings$Secure");
	// empty for content URIs and Settings keys.
	Class string
	// Member is the method or field name, the URI prefix of a content URI
	// rule, or the key of a Settings rule.
	Member  string
	IsField bool
	// DataType is the PI key; empty when Purpose is set instead.
	DataType string
	// Purpose marks calls that collect nothing but matter to rules:
	// permission_request, biometric_auth.
	Purpose string
	// Args are string constants that must occur in the same method for a
	// hit to count (for Settings$Secure.getString: "android_id").
	Args []string
	// Confidence is high, medium or low.
	Confidence string
	Notes      string
	Sources    []string
}

// SDK is a third-party SDK and the signatures that reveal it.
type SDK struct {
	ID     string
	Name   string
	NameZh string
	Vendor string
	// Country is the vendor's country, ISO 3166-1 alpha-2 in lower case.
	Country string
	// Categories come from a closed list (analytics, advertising, push, …).
	Categories []string
	Website    string
	// Collects lists the PI keys the vendor's own disclosure says the SDK
	// collects; CollectsSource cites it. Empty when unknown.
	Collects       []string
	CollectsSource string
	// Confidence is how well the signatures were checked: high (against
	// the vendor's binaries or current documents), medium, low.
	Confidence string
	Notes      string
	// Classes are dotted package or class prefixes matched at package
	// boundaries; ClassSuffixes (".Name" or ".segment.") match a simple
	// class name or a package segment anywhere.
	Classes, ClassSuffixes []string
	// NativeLibs are exact .so file names; NativeLibPatterns have one '*'
	// standing for a version made of digits, '.' and '_'.
	NativeLibs, NativeLibPatterns []string
	// Components are exact manifest component class names;
	// ComponentSuffixes match the end of a component name (the WeChat
	// callback ".wxapi.WXEntryActivity" that apps declare in their own package).
	Components, ComponentSuffixes []string
	// Hosts are domain suffixes matched at label boundaries.
	Hosts []string
	// MetaData are manifest <meta-data> keys.
	MetaData []string
	Sources  []string

	// sig holds each signature's sources by kind (classes, hosts, …).
	sig map[string]sigSet
}

// SignatureSources returns the sources of one signature, kind being a key
// of the data file's signatures map ("classes", "hosts", "native_libs", …).
func (s SDK) SignatureSources(kind, value string) []string {
	return slices.Clone(s.sig[kind][value])
}

// Packer is an app hardening shell (加固) and its signatures.
type Packer struct {
	ID, Name, Vendor string
	// AppClasses are application class names; a trailing '.' makes a
	// package prefix.
	AppClasses []string
	// NativeLibs are .so base names; '*' matches any run of characters.
	NativeLibs []string
	// Assets are paths inside the APK (assets/ijiami.dat); '*' matches any
	// run of characters.
	Assets     []string
	Confidence string
	Notes      string
	Sources    []string
}

// PackerHit is one packer found in an app with the signature that matched.
type PackerHit struct {
	Packer   Packer
	Evidence string
}

// Catalog is the loaded, indexed reference data.
type Catalog struct {
	versions map[string]string

	types    map[string]int
	typeList []DataType
	perms    map[string]Permission
	methods  map[memberKey][]API
	fields   map[memberKey][]API
	uris     []API // longest URI first
	settings map[string]API
	sdks     []SDK
	sdkByID  map[string]int
	classes  classTrie
	hosts    map[string]int32
	libs     map[string][]string
	libPats  map[string][]libPattern
	// libPrefixLens are the distinct prefix lengths of libPats, ascending.
	libPrefixLens []int
	comps         map[string][]string
	compSufs      []suffixRule
	metaData      map[string][]string
	packers       []Packer
	// nonNetwork holds hosts of URLs that are identifiers, not endpoints
	// (non_network_hosts.yaml; optional).
	nonNetwork map[string]bool
}

// memberKey indexes APIs by DEX class descriptor and member name.
type memberKey struct{ class, member string }

// Versions returns the version of each data file, keyed by its path inside
// the data file system ("sdk/sdks.yaml").
func (c *Catalog) Versions() map[string]string { return maps.Clone(c.versions) }

// DataType returns the PI type with the given key.
func (c *Catalog) DataType(key string) (DataType, bool) {
	i, ok := c.types[key]
	if !ok {
		return DataType{}, false
	}
	return c.typeList[i], true
}

// DataTypes returns every PI type in file order.
func (c *Catalog) DataTypes() []DataType { return slices.Clone(c.typeList) }

// Localized returns the name of PI type key in lang ("zh" or "en"), or key
// itself when the key is unknown.
func (c *Catalog) Localized(key, lang string) string {
	d, ok := c.DataType(key)
	if !ok {
		return key
	}
	return d.Name(lang)
}

// Permission returns the permission with the given full name
// ("android.permission.READ_PHONE_STATE").
func (c *Catalog) Permission(name string) (Permission, bool) {
	p, ok := c.perms[name]
	return p, ok
}

// Permissions returns every permission, sorted by name.
func (c *Catalog) Permissions() []Permission {
	out := slices.Collect(maps.Values(c.perms))
	slices.SortFunc(out, func(a, b Permission) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// MethodAPIs returns the API rules for a method, the class given as a DEX
// descriptor ("Landroid/telephony/TelephonyManager;"). Several rules may
// apply (same method, different Args).
func (c *Catalog) MethodAPIs(classDescriptor, method string) []API {
	return c.methods[memberKey{classDescriptor, method}]
}

// FieldAPIs returns the API rules for a static or instance field, the class
// given as a DEX descriptor.
func (c *Catalog) FieldAPIs(classDescriptor, field string) []API {
	return c.fields[memberKey{classDescriptor, field}]
}

// APIs returns every method and field rule, sorted by id.
func (c *Catalog) APIs() []API {
	var out []API
	for _, l := range c.methods {
		out = append(out, l...)
	}
	for _, l := range c.fields {
		out = append(out, l...)
	}
	slices.SortFunc(out, func(a, b API) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b API) bool { return a.ID == b.ID && a.Member == b.Member })
}

// ContentURI matches a string constant against the content-provider rules:
// s must start with a rule's URI followed by the end of s, '/', '?' or '#'.
// The longest rule wins.
func (c *Catalog) ContentURI(s string) (API, bool) {
	if !strings.HasPrefix(s, "content://") {
		return API{}, false
	}
	for _, a := range c.uris {
		if !strings.HasPrefix(s, a.Member) {
			continue
		}
		if len(s) == len(a.Member) {
			return a, true
		}
		switch s[len(a.Member)] {
		case '/', '?', '#':
			return a, true
		}
	}
	return API{}, false
}

// SettingsKey matches a string constant against the Settings key rules.
func (c *Catalog) SettingsKey(s string) (API, bool) {
	a, ok := c.settings[s]
	return a, ok
}

// SDK returns the SDK with the given id.
func (c *Catalog) SDK(id string) (SDK, bool) {
	i, ok := c.sdkByID[id]
	if !ok {
		return SDK{}, false
	}
	return c.sdks[i], true
}

// SDKs returns every SDK, sorted by id.
func (c *Catalog) SDKs() []SDK { return slices.Clone(c.sdks) }

// Packers returns every packer.
func (c *Catalog) Packers() []Packer { return slices.Clone(c.packers) }
