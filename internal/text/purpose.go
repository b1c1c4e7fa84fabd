package text

import (
	"regexp"
	"strings"
	"unicode"
)

var placeholderRE = regexp.MustCompile(`(?i)\$\(|\$\{|\b(todo|tbd|fixme|placeholder|lorem ipsum|xxx+)\b|^(test|description|usage|purpose|描述|说明|使用说明)$`)

// needWords are what a purpose string says besides the resource when it
// gives no reason: "需要使用…", "…权限", "This app needs access to your …".
var needWords = []string{
	"this app needs access to", "this app needs", "this app requires", "needs access to", "requires access to",
	"access to", "permission to use", "permission", "requires", "require", "needs", "need", "access", "allow", "use of",
	"your", "the", "app", "我们需要", "本应用需要", "该应用需要", "应用需要", "需要使用", "需要访问", "需要获取", "需要开启",
	"请求访问", "请求使用", "请允许", "允许", "访问", "使用", "获取", "开启", "本应用", "该应用", "应用", "您的", "你的", "权限", "需要",
}

// resources are the names of what usage descriptions and permission
// reasons ask for.
var resources = map[string]bool{
	"相机": true, "摄像头": true, "麦克风": true, "录音": true, "相册": true, "照片": true, "图片": true, "位置": true, "定位": true,
	"位置信息": true, "地理位置": true, "通讯录": true, "联系人": true, "日历": true, "提醒事项": true, "蓝牙": true, "运动与健身": true,
	"健康": true, "健康数据": true, "语音识别": true, "本地网络": true, "跟踪": true, "追踪": true, "广告标识符": true, "媒体库": true,
	"音乐": true, "面容id": true, "网络": true, "存储": true, "文件": true, "剪贴板": true,
	"camera": true, "microphone": true, "mic": true, "photos": true, "photo library": true, "photo": true, "pictures": true,
	"location": true, "contacts": true, "calendar": true, "calendars": true, "reminders": true, "bluetooth": true, "motion": true,
	"health": true, "speech recognition": true, "local network": true, "tracking": true, "media library": true, "music": true,
	"face id": true, "faceid": true, "network": true, "storage": true, "files": true, "clipboard": true,
}

// PurposeStatus judges a permission's purpose string (an iOS usage
// description, a HarmonyOS permission reason): "" when it may state a
// purpose, else "missing" (empty), "placeholder" (a build variable, TODO,
// the key's own name) or "generic" (only the resource's name, with "needs"
// or "access" words around it: "需要使用麦克风", "Camera access",
// "Tracking"). Anything more is given the benefit of the doubt: 认定方法
// item 二.3 asks that the purpose be stated when asking, and a judgement
// on wording must not cry wolf.
func PurposeStatus(key, purpose string) string {
	p := strings.TrimSpace(purpose)
	switch {
	case p == "":
		return "missing"
	case placeholderRE.MatchString(p), strings.EqualFold(p, key):
		return "placeholder"
	}
	// Words apart: punctuation out, a space between Latin and Han runs
	// ("App需要访问" is "App 需要访问").
	var b strings.Builder
	b.WriteByte(' ')
	prevHan := false
	for i, r := range strings.ToLower(p) {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			r = ' '
		}
		han := unicode.Is(unicode.Han, r)
		if i > 0 && han != prevHan && r != ' ' {
			b.WriteByte(' ')
		}
		prevHan = han
		b.WriteRune(r)
	}
	b.WriteByte(' ')
	rest := b.String()
	for _, w := range needWords {
		if isASCII(w) {
			rest = strings.ReplaceAll(rest, " "+w+" ", " ")
			rest = strings.ReplaceAll(rest, " "+w+" ", " ") // overlapping words
		} else {
			rest = strings.ReplaceAll(rest, w, " ")
		}
	}
	rest = strings.Join(strings.Fields(rest), " ")
	if rest == "" || resources[rest] {
		return "generic"
	}
	return ""
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
