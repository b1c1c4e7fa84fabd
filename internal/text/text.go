// Package text holds hegui's human-facing strings in Chinese and English,
// and the one rule for choosing between them.
package text

import "strings"

// Text is a human-facing string in Chinese and English.
type Text struct {
	Zh string `yaml:"zh" json:"zh"`
	En string `yaml:"en" json:"en"`
}

// New is a text in both languages.
func New(en, zh string) Text { return Text{Zh: zh, En: en} }

// IsZh reports whether a language tag asks for Chinese ("zh", "zh-CN",
// "zh_TW.UTF-8", any case).
func IsZh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }

// In returns the text in lang, falling back to the other language.
func (t Text) In(lang string) string {
	if IsZh(lang) {
		if t.Zh != "" {
			return t.Zh
		}
		return t.En
	}
	if t.En != "" {
		return t.En
	}
	return t.Zh
}

// Pick returns en or zh by lang: for strings made where they are used.
func Pick(lang, en, zh string) string {
	if IsZh(lang) {
		return zh
	}
	return en
}
