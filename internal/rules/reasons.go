package rules

import (
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// Reasons a rule is not evaluated, in both languages where they are made;
// reports pick the report's language.
var (
	whyPacked        = &Text{En: "the app is packed: its real bytecode was not readable", Zh: "应用已加固：无法读取其真实字节码"}
	whyNoAppType     = &Text{En: "no app type given (use --app-type)", Zh: "未指定应用类型（使用 --app-type）"}
	whyNoCountry     = &Text{En: "no observed endpoint carries a location (country)", Zh: "观测到的网络地址均无所在国家信息"}
	whyNoPolicyRules = &Text{En: "the policy states no collection rules at all (see the rule on missing collection rules)", Zh: "隐私政策完全未说明收集规则（见“未说明收集使用规则”一项）"}
	whyNoAppEvidence = &Text{En: "no app package, traffic or dynamic-test input to compare the policy with", Zh: "缺少可与隐私政策比对的应用安装包、网络流量或动态检测输入"}
	whyNoConsentMark = &Text{En: "the run-time evidence does not mark when the user consented", Zh: "运行时证据未标明用户同意的时间点"}
	whyNoTransport   = &Text{En: "the run-time evidence does not say whether transport was encrypted (plaintext or scheme)", Zh: "运行时证据未说明传输是否加密（plaintext 或 scheme）"}
)

// whyMissing names the inputs a rule needs and the scan lacks.
func (e *Engine) whyMissing(inputs []string) *Text {
	en := make([]string, len(inputs))
	zh := make([]string, len(inputs))
	for i, in := range inputs {
		l := e.inputs.Label(in)
		en[i], zh[i] = in, l.Zh
	}
	return &Text{En: "no " + strings.Join(en, "/") + " input", Zh: "缺少" + strings.Join(zh, "、") + "输入"}
}

// whyUnknownAppType names an app type the legal catalog lacks.
func whyUnknownAppType(id string) *Text {
	return &Text{En: "unknown app type " + id, Zh: "未知应用类型 " + id}
}

// whyConditionFailed reports a user rule's evaluation error.
func whyConditionFailed(msg string) *Text {
	return &Text{En: "condition failed: " + msg, Zh: "条件求值失败：" + msg}
}

// whyPolicyOnline: the app names its policy's address, which hegui does
// not fetch.
func whyPolicyOnline(url string) *Text {
	return &Text{
		En: "no policy input: the app links its privacy policy at " + url + "; hegui never fetches it (save the page and give it: hegui scan app.apk policy.html)",
		Zh: "缺少隐私政策输入：应用中的隐私政策链接为 " + url + "；hegui 不联网获取（请保存该页面后一并提供：hegui scan app.apk policy.html）",
	}
}

// whyAbsenceUnread: a rule charges a missing statement and part of where
// it would be was not read.
func whyAbsenceUnread(parts []evidence.Part, first evidence.Error) *Text {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = string(p)
	}
	return &Text{
		En: "what the rule finds missing may be in what was not read (" + strings.Join(names, ", ") + ": " + first.Err + ")",
		Zh: "该项缺失可能位于未读取的部分（" + strings.Join(names, "、") + "：" + first.Err + "）",
	}
}
