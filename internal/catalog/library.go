package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Library is an open-source library that runs inside the app and sends
// nothing to a vendor of its own: its code is the app's (first party).
type Library struct {
	// Prefix is a Java package prefix, matched on package boundaries.
	Prefix  string
	Name    string
	Sources []string
}

// MatchLibrary returns the library whose package holds a class (a Java
// binary name such as "androidx.appcompat.app.TwilightManager"), the
// longest prefix winning.
func (c *Catalog) MatchLibrary(javaName string) (Library, bool) {
	var best Library
	found := false
	for _, l := range c.t.libs {
		if (javaName == l.Prefix || strings.HasPrefix(javaName, l.Prefix) && javaName[len(l.Prefix)] == '.') && len(l.Prefix) > len(best.Prefix) {
			best, found = l, true
		}
	}
	return best, found
}

// Libraries lists the libraries, sorted by prefix.
func (c *Catalog) Libraries() []Library { return slices.Clone(c.t.libs) }

type librariesFile struct {
	header    `yaml:",inline"`
	Libraries []struct {
		Prefix string   `yaml:"prefix"`
		Name   string   `yaml:"name"`
		Source []string `yaml:"source"`
	} `yaml:"libraries"`
}

func (b *builder) libraries(f *librariesFile) error {
	if err := b.version(FileLibraries, f.header); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, l := range f.Libraries {
		entry := fmt.Sprintf("libraries[%d] %s", i, l.Prefix)
		switch {
		case l.Prefix == "" || strings.Trim(l.Prefix, ".") != l.Prefix || strings.ContainsAny(l.Prefix, "/ $"):
			return entryErr(entry, errors.New("want a Java package prefix such as com.google.gson"))
		case l.Name == "":
			return entryErr(entry, errors.New("missing name"))
		case seen[l.Prefix]:
			return entryErr(entry, errors.New("duplicate prefix"))
		}
		if err := f.checkSources(l.Source); err != nil {
			return entryErr(entry, err)
		}
		seen[l.Prefix] = true
		b.t.libs = append(b.t.libs, Library{Prefix: l.Prefix, Name: l.Name, Sources: l.Source})
	}
	slices.SortFunc(b.t.libs, func(x, y Library) int { return strings.Compare(x.Prefix, y.Prefix) })
	return nil
}
