package text

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	placeholderRE = regexp.MustCompile(`(?i)\$\(|\$\{|\b(todo|tbd|fixme|placeholder|lorem ipsum|xxx+)\b|^(test|description|usage|purpose|描述|说明|使用说明)$`)
	// Words that give a reason: "to", "so that", "for …ing", "用于", "以便", "为了"…
	reasonEn = regexp.MustCompile(`(?i)\b(to|so|for|when|in order|used|lets?|allows?|helps?|enables?|needed|required)\b`)
	reasonZh = regexp.MustCompile(`用于|以便|为了|以|便于|来|进行|帮助|实现|提供|需要.{2,}`)
)

// PurposeStatus judges a usage description: "" when it states a purpose,
// else "missing" (empty), "placeholder" (a build variable, TODO, the key's
// own name) or "generic" (a few words naming the resource, no reason).
// 认定方法 item 二.3 asks the purpose to be stated when asking.
func PurposeStatus(key, purpose string) string {
	p := strings.TrimSpace(purpose)
	switch {
	case p == "":
		return "missing"
	case placeholderRE.MatchString(p), strings.EqualFold(p, key):
		return "placeholder"
	}
	han := 0
	for _, r := range p {
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if han > 0 {
		// "需要使用麦克风" (needs the microphone) names the resource and
		// no reason; "用于语音输入" gives one.
		if reasonZh.MatchString(strings.TrimPrefix(strings.TrimPrefix(p, "需要使用"), "需要访问")) && !isBareNeed(p) {
			return ""
		}
		if han <= 12 {
			return "generic"
		}
		return ""
	}
	if words := strings.Fields(p); len(words) <= 4 && !reasonEn.MatchString(p) {
		return "generic"
	}
	return ""
}

// isBareNeed: "需要使用X" / "需要访问X" / "App需要X权限" with nothing after.
func isBareNeed(p string) bool {
	for _, pre := range []string{"需要使用", "需要访问", "需要获取", "请求访问", "请求使用"} {
		if i := strings.Index(p, pre); i >= 0 && utf8.RuneCountInString(p[i+len(pre):]) <= 6 {
			return true
		}
	}
	return false
}
