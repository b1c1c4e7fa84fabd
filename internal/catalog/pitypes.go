package catalog

import (
	"slices"

	"github.com/hegui/hegui/internal/text"
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
	// GuardedBy lists the Android runtime permissions of which the app
	// must hold one for the platform to return this PI; empty when none
	// does (or when some API returns it without one). Code reading a
	// guarded type in an app that declares none of them gets nothing.
	GuardedBy []string
	// DegradesTo is the type the same reads give when the app holds none
	// of GuardedBy but a guard of that type (precise location reads give
	// an approximate fix with only ACCESS_COARSE_LOCATION).
	DegradesTo string
	Notes      string
	Sources    []string
}

// Name returns the display name in lang ("zh…" for Chinese, anything else
// for English), falling back to the other language and then to the key.
func (d DataType) Name(lang string) string {
	zh := text.IsZh(lang)
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

// DataType returns the PI type with the given key.
func (c *Catalog) DataType(key string) (DataType, bool) {
	i, ok := c.typeIndex()[key]
	if !ok {
		return DataType{}, false
	}
	return c.t.types[i], true
}

// DataTypes returns every PI type in file order.
func (c *Catalog) DataTypes() []DataType { return slices.Clone(c.t.types) }

// Localized returns the name of PI type key in lang ("zh" or "en"), or key
// itself when the key is unknown.
func (c *Catalog) Localized(key, lang string) string {
	d, ok := c.DataType(key)
	if !ok {
		return key
	}
	return d.Name(lang)
}

func indexTypes(types []DataType) map[string]int {
	m := make(map[string]int, len(types))
	for i, t := range types {
		m[t.Key] = i
	}
	return m
}
