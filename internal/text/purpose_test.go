package text

import "testing"

func TestPurposeStatus(t *testing.T) {
	for purpose, want := range map[string]string{
		"":                                      "missing",
		"   ":                                   "missing",
		"$(PRODUCT_NAME) uses the camera":       "placeholder",
		"TODO":                                  "placeholder",
		"NSCameraUsageDescription":              "placeholder",
		"需要使用相机":                                "generic",
		"需要使用麦克风":                               "generic",
		"相机权限":                                  "generic",
		"App需要访问您的相册":                           "generic",
		"Camera access":                         "generic",
		"Tracking":                              "generic",
		"This app needs access to your camera.": "generic",
		// Purposes, short ones included: said nothing of.
		"用于扫描二维码登录和拍摄头像":                     "",
		"需要使用相机以便扫描二维码":                      "",
		"用于扫码，需要使用相机":                        "",
		"扫码登录需要使用相机":                         "",
		"上传头像需要访问您的相册":                       "",
		"拍照上传头像":                             "",
		"扫描二维码":                              "",
		"发送语音消息":                             "",
		"识别银行卡号":                             "",
		"在地图上显示您的位置":                         "",
		"Scan QR codes":                      "",
		"Record voice messages":              "",
		"Show nearby stores":                 "",
		"We use the camera to scan QR codes": "",
		"Lets you attach photos to reports.": "",
		"为了给您推荐附近的门店，我们需要获取您的位置信息，拒绝后不影响浏览": "",
	} {
		if got := PurposeStatus("NSCameraUsageDescription", purpose); got != want {
			t.Errorf("%q: %q, want %q", purpose, got, want)
		}
	}
}
