package catalog

import "strings"

// NamedSDKs returns the ids among present (id -> the SDK's names) that a
// name written in a privacy policy or an SDK list designates. After
// normalising (case, spaces, punctuation, bracketed remarks and the word
// SDK dropped), the names must be equal, or the written name must contain
// a catalog name long enough to be specific (four CJK characters or six
// letters). A name that only starts catalog names ("友盟", "Google")
// designates an SDK only when it fits exactly one of the present SDKs: a
// vendor's name alone never names all of its SDKs. Policy readers, SDK
// list parsers and rules share this one matcher.
func NamedSDKs(written string, present map[string][]string) []string {
	p := sdkNameCore(written)
	if p == "" {
		return nil
	}
	var sure, prefixed []string
	for id, names := range present {
		match, prefix := false, false
		for _, n := range names {
			c := sdkNameCore(n)
			switch {
			case c == "":
			case c == p, specific(c) && strings.Contains(p, c):
				match = true
			case isCJKSpecific(p) && strings.HasPrefix(c, p):
				prefix = true
			}
		}
		if match {
			sure = append(sure, id)
		} else if prefix {
			prefixed = append(prefixed, id)
		}
	}
	if len(sure) == 0 && len(prefixed) == 1 {
		return prefixed
	}
	return sure
}

// specific: long enough to name one product.
func specific(s string) bool {
	cjk, other := runeClasses(s)
	return cjk >= 4 || other >= 6 || cjk >= 2 && other >= 3
}

// isCJKSpecific: a short name that can still start a product name.
func isCJKSpecific(s string) bool {
	cjk, other := runeClasses(s)
	return cjk >= 2 || other >= 4
}

func runeClasses(s string) (cjk, other int) {
	for _, r := range s {
		if r >= 0x2E80 {
			cjk++
		} else {
			other++
		}
	}
	return cjk, other
}

// sdkNameCore normalises an SDK name for comparison.
func sdkNameCore(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '（' || r == '[' || r == '【':
			depth++
		case r == ')' || r == '）' || r == ']' || r == '】':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r >= 0x2E80 && r != '，' && r != '、' && r != '：' && r != '。':
			b.WriteRune(r)
		}
	}
	out := b.String()
	for _, w := range []string{"sdk", "开放平台", "软件开发工具包"} {
		out = strings.ReplaceAll(out, w, "")
	}
	return out
}
