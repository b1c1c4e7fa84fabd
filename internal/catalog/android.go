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
