package rules

import "strings"

// reasonsZh translates the reasons a rule is not evaluated. Checks return
// them in English (they also go to logs); reports show them in the
// report's language.
var reasonsZh = map[string]string{
	"the app is packed: its real bytecode was not readable":                                    "应用已加固：无法读取其真实字节码",
	"no app type given (use --app-type)":                                                       "未指定应用类型（使用 --app-type）",
	"no observed endpoint carries a location (country)":                                        "观测到的网络地址均无所在国家信息",
	"the policy states no collection rules at all (see the rule on missing collection rules)":  "隐私政策完全未说明收集规则（见“未说明收集使用规则”一项）",
	"no app package, traffic or dynamic-test input to compare the policy with":                 "缺少可与隐私政策比对的应用安装包、网络流量或动态检测输入",
	"the run-time evidence does not say whether transport was encrypted (plaintext or scheme)": "运行时证据未说明传输是否加密（plaintext 或 scheme）",
	"the run-time evidence does not mark when the user consented":                              "运行时证据未标明用户同意的时间点",
}

var inputZh = map[string]string{
	"android": "Android安装包", "ios": "iOS安装包", "harmony": "鸿蒙安装包",
	"policy": "隐私政策", "traffic": "网络流量", "evidence": "证据文件",
}

// LocalizeReason renders a not-evaluated reason in lang ("zh…" or
// anything else for English). Unknown reasons are returned as they are.
func LocalizeReason(reason, lang string) string {
	if !strings.HasPrefix(lang, "zh") || reason == "" {
		return reason
	}
	if zh, ok := reasonsZh[reason]; ok {
		return zh
	}
	if inputs, ok := strings.CutPrefix(reason, "no "); ok {
		if inputs, ok = strings.CutSuffix(inputs, " input"); ok {
			var names []string
			for _, in := range strings.Split(inputs, "/") {
				if zh, ok := inputZh[in]; ok {
					names = append(names, zh)
				} else {
					names = append(names, in)
				}
			}
			return "缺少" + strings.Join(names, "、") + "输入"
		}
	}
	if rest, ok := strings.CutPrefix(reason, "unknown app type "); ok {
		return "未知应用类型 " + rest
	}
	if rest, ok := strings.CutPrefix(reason, "condition failed: "); ok {
		return "条件求值失败：" + rest
	}
	return reason
}
