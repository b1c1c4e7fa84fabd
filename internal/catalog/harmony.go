package catalog

import (
	"slices"
	"strings"
)

// HarmonyPermission is a HarmonyOS permission ("ohos.permission.CAMERA") and
// the PI it gives access to (data/harmony/permissions.yaml).
type HarmonyPermission struct {
	Name string
	Zh   string
	// Protection is the grant mode: user_grant or system_grant.
	Protection string
	// Level is the APL the permission needs: normal, system_basic or
	// system_core.
	Level string
	// Restricted marks permissions granted to ordinary apps only after
	// AppGallery Connect approves their use.
	Restricted bool
	// Since is the first API version (0 when not checked).
	Since int
	// DataTypes are PI keys; empty when the permission exposes no PI itself.
	DataTypes  []string
	Confidence string
	Notes      string
	Sources    []string
}

// HarmonyPermission returns the HarmonyOS permission with the given name.
func (c *Catalog) HarmonyPermission(name string) (HarmonyPermission, bool) {
	i, ok := slices.BinarySearchFunc(c.t.harmonyPerms, name, func(p HarmonyPermission, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		return HarmonyPermission{}, false
	}
	return c.t.harmonyPerms[i], true
}

// HarmonyPermissions returns every HarmonyOS permission, sorted by name.
func (c *Catalog) HarmonyPermissions() []HarmonyPermission { return slices.Clone(c.t.harmonyPerms) }
