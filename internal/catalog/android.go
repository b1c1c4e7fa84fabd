package catalog

import (
	"slices"
	"strings"
)

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
// PI type, with what the call does (Mode) and, where its arguments decide,
// how (When).
type API struct {
	ID string
	// Class is the Java binary name ("android.provider.Settings$Secure");
	// empty for content URIs and Settings keys.
	Class string
	// Member is the method or field name, the URI prefix of a content URI
	// rule, or the key of a Settings rule.
	Member  string
	IsField bool
	// DataType is the PI key; empty when Purpose is set instead, or when
	// a provider_uri rule takes the type from the URI queried.
	DataType string
	// Purpose marks calls that collect nothing but matter to rules:
	// permission_request, biometric_auth.
	Purpose string
	// Mode is what the call does when no rule of When decides.
	Mode Mode
	// When decides the mode from what defined an argument, first rule
	// that holds first.
	When []ArgRule
	// URI marks a field holding a content-provider URI (and every content
	// URI rule): the PI is read by a query of it, so a URI only compared
	// is no read, and one queried is reported at the query.
	URI bool
	// Args are string constants of which one must occur in the same
	// method for a hit to count when no rule of When decides (for
	// Settings$Secure.getString: "android_id").
	Args []string
	// Confidence is high, medium or low.
	Confidence string
	Notes      string
	Sources    []string
}

// Mode says what a call does with the PI of its entry.
type Mode string

// The modes. Read and enumerate collect PI; the others do not.
const (
	// ModeRead: the call returns the PI, or a carrier of it.
	ModeRead Mode = "read"
	// ModeEnumerate: the call lists installed apps, accounts, devices….
	ModeEnumerate Mode = "enumerate"
	// ModeCheck: the call tests presence or permission; the app learns
	// yes or no (is one named app installed?), not the PI.
	ModeCheck Mode = "check"
	// ModeWrite: the call writes PI (the clipboard): nothing is collected.
	ModeWrite Mode = "write"
	// ModePath: the call returns a location (a directory), not PI.
	ModePath Mode = "path"
	// ModeNone, in rules only: the call is not about PI at all (the app's
	// own package).
	ModeNone Mode = "none"
)

// Collects reports whether a call of this mode collects PI.
func (m Mode) Collects() bool { return m == ModeRead || m == ModeEnumerate }

// ArgRule decides a call's mode from the definitions that may reach one of
// its arguments (within the calling method).
//
// A rule whose mode collects PI (read, enumerate) holds when any
// definition matches; a rule whose mode does not (check, write, path,
// none) holds only when every definition matches, and never when one is
// unknown. So a call is demoted only when all its inputs say so.
type ArgRule struct {
	// Arg is the argument: 0 the first declared parameter, -1 the
	// receiver of an instance call.
	Arg int
	// Is names the definitions that match, one of the Arg* constants.
	Is string
	// Values are the strings of ArgString and the calls of ArgCall
	// ("android.os.Process.myUid").
	Values []string
	// Mode is the call's mode when the rule holds.
	Mode Mode
}

// What an argument's definition may be, for ArgRule.Is.
const (
	// ArgOwnPackage: the app's package name: the result of a value call
	// of use own_package (Context.getPackageName()), or a string constant
	// equal to the manifest's package.
	ArgOwnPackage = "own_package"
	// ArgConst: a string constant.
	ArgConst = "const"
	// ArgString: one of the rule's Values, as a string constant.
	ArgString = "string"
	// ArgParam: a parameter of the calling method, as it came.
	ArgParam = "param"
	// ArgCall: the result of a call named in Values.
	ArgCall = "call"
	// ArgProviderURI: a content-provider URI the catalog maps to a PI
	// type: a content URI constant (through value calls of use uri, such
	// as Uri.parse) or a field whose entry has URI set. The call reads
	// that type.
	ArgProviderURI = "provider_uri"
	// ArgNarrowIntent: an Intent narrowed, in the method, to one package,
	// component or data URI by a value call of use narrow_intent.
	ArgNarrowIntent = "narrow_intent"
	// ArgOwnIntent: an Intent narrowed to the app itself: by a value call
	// of use narrow_intent marked Own, or whose package argument is the
	// app's package (ArgOwnPackage).
	ArgOwnIntent = "own_intent"
	// ArgLauncherIntent: an Intent for the launcher's list (action MAIN
	// or category LAUNCHER set in the method): a query with it lists the
	// installed apps.
	ArgLauncherIntent = "launcher_intent"
)

// ValueCall is a call that tells what happens to a value it is given, for
// the argument rules and for content URIs.
type ValueCall struct {
	// Class is the Java binary name of the class named by the call.
	Class string
	// Member is a method name, or a name with its descriptor
	// ("<init>(Landroid/content/Context;Ljava/lang/Class;)V") when only
	// that overload applies.
	Member string
	// Use is one of the Use* constants.
	Use string
	// Arg is the argument a use uri result is built from, or the argument
	// naming the package of a use narrow_intent (-1: none).
	Arg int
	// Own marks a use narrow_intent call that limits the Intent to the
	// app's own components (Intent(Context, Class)).
	Own     bool
	Sources []string
}

// Uses of a ValueCall.
const (
	// UseCompare: the call only compares or searches the value
	// (String.equals, startsWith…).
	UseCompare = "compare"
	// UseURI: the call returns a URI built from argument Arg (Uri.parse,
	// Uri.withAppendedPath).
	UseURI = "uri"
	// UseNarrowIntent: called on an Intent (a constructor: on the new
	// instance), it narrows it to one package, component or data URI; Arg
	// names the package, if an argument does.
	UseNarrowIntent = "narrow_intent"
	// UseOwnPackage: the call returns the app's own package name, on
	// this class or an app class extending it.
	UseOwnPackage = "own_package"
)

// The purposes of calls that collect nothing but matter to rules.
const (
	// PurposePermissionRequest: asks the user for runtime permissions.
	PurposePermissionRequest = "permission_request"
	// PurposeBiometricAuth: system biometric authentication.
	PurposeBiometricAuth = "biometric_auth"
	// PurposeExit: closes the activity or the process.
	PurposeExit = "exit"
	// PurposeConsentFlag: reads a stored value by key (a consent flag
	// when the key says so, see ConsentKey).
	PurposeConsentFlag = "consent_flag"
)

// memberKey indexes APIs by DEX class descriptor and member name.
type memberKey struct{ class, member string }

// memberIndex maps a class's members to their API rules.
type memberIndex struct {
	methods, fields map[memberKey][]API
}

func indexMembers(apis []API) memberIndex {
	idx := memberIndex{methods: make(map[memberKey][]API), fields: make(map[memberKey][]API)}
	for _, a := range apis {
		m := idx.methods
		if a.IsField {
			m = idx.fields
		}
		k := memberKey{descriptor(a.Class), a.Member}
		m[k] = append(m[k], a)
	}
	return idx
}

// descriptor turns a Java binary name into a DEX type descriptor.
func descriptor(javaName string) string {
	return "L" + strings.ReplaceAll(javaName, ".", "/") + ";"
}

// Permission returns the permission with the given full name
// ("android.permission.READ_PHONE_STATE").
func (c *Catalog) Permission(name string) (Permission, bool) {
	i, ok := slices.BinarySearchFunc(c.t.perms, name, func(p Permission, name string) int {
		return strings.Compare(p.Name, name)
	})
	if !ok {
		return Permission{}, false
	}
	return c.t.perms[i], true
}

// Permissions returns every permission, sorted by name.
func (c *Catalog) Permissions() []Permission { return slices.Clone(c.t.perms) }

// MethodAPIs returns the API rules for a method, the class given as a DEX
// descriptor ("Landroid/telephony/TelephonyManager;"). Several rules may
// apply (same method, different Args).
func (c *Catalog) MethodAPIs(classDescriptor, method string) []API {
	return c.memberIndex().methods[memberKey{classDescriptor, method}]
}

// FieldAPIs returns the API rules for a static or instance field, the class
// given as a DEX descriptor.
func (c *Catalog) FieldAPIs(classDescriptor, field string) []API {
	return c.memberIndex().fields[memberKey{classDescriptor, field}]
}

// APIs returns every method and field rule, sorted by id.
func (c *Catalog) APIs() []API {
	out := slices.Clone(c.t.apis)
	slices.SortStableFunc(out, func(a, b API) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// ContentURI matches a string constant against the content-provider rules:
// s must start with a rule's URI followed by the end of s, '/', '?' or '#'.
// The longest rule wins.
func (c *Catalog) ContentURI(s string) (API, bool) {
	if !strings.HasPrefix(s, "content://") {
		return API{}, false
	}
	for _, a := range c.t.uris {
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

// ValueCalls returns the value calls, in file order.
func (c *Catalog) ValueCalls() []ValueCall { return slices.Clone(c.t.valueCalls) }

// SettingsKey matches a string constant against the Settings key rules.
func (c *Catalog) SettingsKey(s string) (API, bool) {
	i, ok := slices.BinarySearchFunc(c.t.settings, s, func(a API, key string) int {
		return strings.Compare(a.Member, key)
	})
	if !ok {
		return API{}, false
	}
	return c.t.settings[i], true
}
