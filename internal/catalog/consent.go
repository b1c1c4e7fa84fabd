package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ConsentKey reports whether a stored preference key names the user's
// acceptance of the privacy policy (privacy_agreed, isAgreeProtocol…).
func (c *Catalog) ConsentKey(key string) bool {
	k := strings.ToLower(key)
	return slices.ContainsFunc(c.t.consentWords, func(w string) bool { return strings.Contains(k, w) })
}

// CompliantEntry reports whether a method (Java class name and method
// name) is an SDK entry point its vendor documents as collecting nothing
// before consent (Umeng's preInit).
func (c *Catalog) CompliantEntry(class, method string) bool {
	return slices.Contains(c.t.compliant, class+"."+method)
}

type consentFile struct {
	header `yaml:",inline"`
	Words  []struct {
		Word   string   `yaml:"word"`
		Source []string `yaml:"source"`
	} `yaml:"words"`
	Text struct {
		Policy []string `yaml:"policy"`
		Agree  []string `yaml:"agree"`
		Not    []string `yaml:"not"`
		Source []string `yaml:"source"`
	} `yaml:"consent_text"`
	Compliant []struct {
		Class  string   `yaml:"class"`
		Method string   `yaml:"method"`
		SDK    string   `yaml:"sdk"`
		Source []string `yaml:"source"`
	} `yaml:"compliant_entries"`
}

func (b *builder) consent(f *consentFile) error {
	if err := b.version(FileConsent, f.header); err != nil {
		return err
	}
	for i, w := range f.Words {
		entry := fmt.Sprintf("words[%d] %s", i, w.Word)
		if w.Word == "" || strings.ToLower(w.Word) != w.Word {
			return entryErr(entry, errors.New("want a lower-case word"))
		}
		if err := f.checkSources(w.Source); err != nil {
			return entryErr(entry, err)
		}
		b.t.consentWords = append(b.t.consentWords, w.Word)
	}
	for i, e := range f.Compliant {
		entry := fmt.Sprintf("compliant_entries[%d] %s.%s", i, e.Class, e.Method)
		if e.Class == "" || e.Method == "" || strings.ContainsAny(e.Class+e.Method, "/ ;") {
			return entryErr(entry, errors.New("want a Java class name and a method name"))
		}
		if err := f.checkSources(e.Source); err != nil {
			return entryErr(entry, err)
		}
		b.t.compliant = append(b.t.compliant, e.Class+"."+e.Method)
	}
	slices.Sort(b.t.compliant)
	if len(f.Text.Policy) == 0 || len(f.Text.Agree) == 0 {
		return entryErr("consent_text", errors.New("want policy and agree words"))
	}
	if err := f.checkSources(f.Text.Source); err != nil {
		return entryErr("consent_text", err)
	}
	for _, w := range slices.Concat(f.Text.Policy, f.Text.Agree, f.Text.Not) {
		if w == "" || strings.ToLower(w) != w {
			return entryErr("consent_text", fmt.Errorf("%q: want lower-case words", w))
		}
	}
	b.t.consentPolicy, b.t.consentAgree, b.t.consentNot = f.Text.Policy, f.Text.Agree, f.Text.Not
	return nil
}

// ConsentText reports whether a UI text reads as a privacy consent
// request: it names the privacy policy or user agreement, and asks to
// agree.
func (c *Catalog) ConsentText(s string) bool {
	t := strings.ToLower(s)
	has := func(words []string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(t, w) })
	}
	return has(c.t.consentPolicy) && has(c.t.consentAgree) && !has(c.t.consentNot)
}
