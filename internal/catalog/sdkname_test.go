package catalog

import (
	"strings"
	"testing"
)

func TestNamedSDKs(t *testing.T) {
	present := map[string][]string{
		"umeng-analytics": {"Umeng Analytics (U-App)", "友盟统计分析"},
		"umeng-push":      {"Umeng Push (U-Push)", "友盟推送"},
		"jpush":           {"JPush", "极光推送"},
		"wechat-opensdk":  {"WeChat Open SDK", "微信开放平台SDK（登录/分享/支付）"},
		"ion":             {"Ion", ""},
		"amap-location":   {"AMap Location", "高德定位"},
	}
	cases := []struct {
		policy string
		want   string
	}{
		{"友盟+ 统计分析 SDK", "umeng-analytics"},
		{"Umeng Analytics SDK", "umeng-analytics"},
		{"微信SDK", "wechat-opensdk"}, // a prefix that fits one SDK
		{"WeChat OpenSDK", "wechat-opensdk"},
		{"极光推送（JPush）", "jpush"},
		{"AMap Location SDK", "amap-location"}, // not also "ion"
		{"友盟", ""},                             // a vendor name alone fits two SDKs
		{"推", ""},
		{"push", ""},
		{"个推", ""},
		{"SDK", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := strings.Join(NamedSDKs(c.policy, present), ",")
		if got != c.want {
			t.Errorf("NamedSDKs(%q) = %q, want %q", c.policy, got, c.want)
		}
	}
}
