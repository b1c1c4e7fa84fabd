package catalog

import (
	"slices"
	"strings"
)

// IOSUsageKey is an Info.plist purpose-string key (NSCameraUsageDescription)
// and the PI the protected resource gives access to (data/ios/usage_keys.yaml).
type IOSUsageKey struct {
	Key string
	Zh  string
	// DataTypes are PI keys; empty when the resource exposes no PI itself.
	DataTypes []string
	// Since and Deprecated are iOS major versions (0 when not applicable).
	Since, Deprecated int
	Confidence        string
	Notes             string
	Sources           []string
}

// IOSAPICategory is a category of Apple's required reason APIs
// (NSPrivacyAccessedAPICategoryDiskSpace …), which a privacy manifest must
// declare with an approved reason (data/ios/required_reason_apis.yaml).
type IOSAPICategory struct {
	Category string
	Zh       string
	// En says what the APIs reveal and why Apple requires a reason.
	En string
	// APIs are the APIs of the category, as named in Swift or C.
	APIs    []string
	Reasons []IOSReason
	// DataTypes are the PI keys the APIs can reveal.
	DataTypes  []string
	Confidence string
	Notes      string
	Sources    []string
}

// IOSReason is an approved reason code of a required reason API category.
type IOSReason struct {
	Code    string // "35F9.1"
	Meaning string
}

// IOSUsageKey returns the usage-description key with the given name.
func (c *Catalog) IOSUsageKey(key string) (IOSUsageKey, bool) {
	i, ok := slices.BinarySearchFunc(c.t.iosUsage, key, func(u IOSUsageKey, k string) int { return strings.Compare(u.Key, k) })
	if !ok {
		return IOSUsageKey{}, false
	}
	return c.t.iosUsage[i], true
}

// IOSUsageKeys returns every usage-description key, sorted by key.
func (c *Catalog) IOSUsageKeys() []IOSUsageKey { return slices.Clone(c.t.iosUsage) }

// IOSAPICategory returns the required reason API category with the given
// name ("NSPrivacyAccessedAPICategoryUserDefaults").
func (c *Catalog) IOSAPICategory(name string) (IOSAPICategory, bool) {
	i, ok := slices.BinarySearchFunc(c.t.iosAPIs, name, func(a IOSAPICategory, n string) int { return strings.Compare(a.Category, n) })
	if !ok {
		return IOSAPICategory{}, false
	}
	return c.t.iosAPIs[i], true
}

// IOSAPICategories returns every required reason API category, sorted by
// name.
func (c *Catalog) IOSAPICategories() []IOSAPICategory { return slices.Clone(c.t.iosAPIs) }

// Reason returns the meaning of one of the category's approved reason codes.
func (a IOSAPICategory) Reason(code string) (IOSReason, bool) {
	for _, r := range a.Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return IOSReason{}, false
}
