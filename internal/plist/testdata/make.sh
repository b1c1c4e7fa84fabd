#!/usr/bin/env bash
# The binary twins of the XML fixtures, written by Python's plistlib
# (FMT_BINARY, the bplist00 format), plus an Info.plist of an app with
# usage descriptions, non-ASCII text, numbers, dates and data.
#
# XML fixtures and where they come from:
#   clevertap-PrivacyInfo.xcprivacy  CleverTap/clevertap-ios-sdk @b499dea, PrivacyInfo.xcprivacy
#   wechat-tests-Info.plist          npm react-native-wechat@1.9.12, ios/RCTWeChatTests/Info.plist
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import plistlib, datetime
for src in ["clevertap-PrivacyInfo.xcprivacy", "wechat-tests-Info.plist"]:
    with open(src, "rb") as f:
        v = plistlib.load(f)
    with open(src + ".bplist", "wb") as f:
        plistlib.dump(v, f, fmt=plistlib.FMT_BINARY, sort_keys=True)
app = {
    "CFBundleIdentifier": "com.example.ride",
    "CFBundleDisplayName": "打车出行",
    "CFBundleShortVersionString": "3.2.1",
    "CFBundleVersion": "321",
    "CFBundleExecutable": "Ride",
    "NSLocationWhenInUseUsageDescription": "用于为您匹配附近的司机并计算行程费用",
    "NSCameraUsageDescription": "",
    "NSContactsUsageDescription": "$(PRODUCT_NAME) needs contacts",
    "NSMicrophoneUsageDescription": "需要使用麦克风",
    "LSApplicationQueriesSchemes": ["weixin", "alipay", "mqq", "taobao"],
    "NSAppTransportSecurity": {"NSAllowsArbitraryLoads": True},
    "UIDeviceFamily": [1, 2],
    "BuildDate": datetime.datetime(2026, 11, 30, 8, 0, 0),
    "Big": 2**63 + 5,
    "Negative": -42,
    "Ratio": 0.25,
    "Blob": b"\x00\x01hegui",
}
with open("app-Info.plist", "wb") as f:
    plistlib.dump(app, f, fmt=plistlib.FMT_XML, sort_keys=True)
with open("app-Info.plist.bplist", "wb") as f:
    plistlib.dump(app, f, fmt=plistlib.FMT_BINARY, sort_keys=True)
PY
