package text

import "testing"

func TestPurposeStatus(t *testing.T) {
	for purpose, want := range map[string]string{
		"":                                "missing",
		"   ":                             "missing",
		"$(PRODUCT_NAME) uses the camera": "placeholder",
		"TODO":                            "placeholder",
		"NSCameraUsageDescription":        "placeholder",
		"需要使用相机":                          "generic",
		"相机权限":                            "generic",
		"Camera access":                   "generic",
		"Tracking":                        "generic",
		"用于扫描二维码登录和拍摄头像":                     "",
		"需要使用相机以便扫描二维码":                      "",
		"We use the camera to scan QR codes": "",
		"Lets you attach photos to reports.": "",
		"为了给您推荐附近的门店，我们需要获取您的位置信息，拒绝后不影响浏览": "",
	} {
		if got := PurposeStatus("NSCameraUsageDescription", purpose); got != want {
			t.Errorf("%q: %q, want %q", purpose, got, want)
		}
	}
}
