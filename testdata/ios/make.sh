#!/usr/bin/env bash
# Builds the iOS fixtures. No whole iOS app can be had here, so the IPAs
# are IPA-shaped packages around real binaries:
#   - Ride: an arm64 executable compiled from ride.m by Debian's clang
#     (-target arm64-apple-ios14.0) and linked by ld64.lld, with an
#     LC_ENCRYPTION_INFO_64 command (-encryptable); ride-fairplay.ipa's
#     copy has cryptid set to 1, as the App Store's FairPlay leaves it.
#   - Ride-fat: the same program for arm64 and x86_64 (simulator) joined
#     by llvm-lipo.
#   - libWeChatSDK.a: eight object files of Tencent's WeChat SDK for iOS
#     (the arm64 slice of ios/libWeChatSDK.a in npm react-native-wechat
#     1.9.12, tarball SHA-256 below), repacked by llvm-ar in Darwin format.
#   - WechatOpenSDK: those objects linked by ld64.lld into a framework
#     dylib, embedded in ride.ipa as Frameworks/WechatOpenSDK.framework.
#   - WechatOpenSDK.xcframework.zip: the dylib as a zipped XCFramework
#     (device slice), with another program as its simulator slice.
#   - Info.plist (binary, by Python's plistlib) with usage descriptions,
#     App Transport Security exceptions and URL schemes (ride-clean.ipa:
#     purposes stated, no exception); the app's privacy
#     manifest declares UserDefaults; the framework's is CleverTap's real
#     one (internal/plist/testdata).
# Needs: clang, lld, llvm (llvm-ar, llvm-lipo), npm, python3.
set -euo pipefail
cd "$(dirname "$0")"
bin=/usr/lib/llvm-14/bin
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# The app's executable.
for target in arm64-apple-ios14.0 x86_64-apple-ios14.0-simulator; do
  clang -target "$target" -fobjc-runtime=ios-14.0 -fno-objc-arc -O1 -c ride.m -o "$work/ride-$target.o"
done
"$bin/ld64.lld" -arch arm64 -platform_version ios 14.0 14.0 -undefined dynamic_lookup -encryptable \
  -o "$work/Ride" "$work/ride-arm64-apple-ios14.0.o"
"$bin/ld64.lld" -arch x86_64 -platform_version ios-simulator 14.0 14.0 -undefined dynamic_lookup \
  -o "$work/Ride-x86" "$work/ride-x86_64-apple-ios14.0-simulator.o"
"$bin/llvm-lipo" -create "$work/Ride" "$work/Ride-x86" -output Ride-fat
cp "$work/Ride" Ride

# The WeChat SDK's objects.
(cd "$work" && npm pack --silent react-native-wechat@1.9.12 >/dev/null)
echo "c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5  $work/react-native-wechat-1.9.12.tgz" | sha256sum -c -
tar -xzf "$work/react-native-wechat-1.9.12.tgz" -C "$work" package/ios/libWeChatSDK.a
"$bin/llvm-lipo" "$work/package/ios/libWeChatSDK.a" -thin arm64 -output "$work/wechat-arm64.a"
mkdir -p "$work/objs"
(cd "$work/objs" && "$bin/llvm-ar" x ../wechat-arm64.a)
objs="WXApi.o MTAWX.o WeChatRegister.o WeChatApiUtil.o AppCommunicate.o MTAPasteboard.o OpenUDID.o MTAHelper.o"
rm -f libWeChatSDK.a
(cd "$work/objs" && "$bin/llvm-ar" rcs --format=darwin "$OLDPWD/libWeChatSDK.a" $objs)
(cd "$work/objs" && "$bin/ld64.lld" -dylib -arch arm64 -platform_version ios 9.0 9.0 -undefined dynamic_lookup \
  -S -install_name @rpath/WechatOpenSDK.framework/WechatOpenSDK -o "$work/WechatOpenSDK" $objs)

python3 - "$work" <<'PY'
import sys, zipfile, plistlib, shutil
work = sys.argv[1]
info = {
    "CFBundleIdentifier": "com.example.ride",
    "CFBundleDisplayName": "打车出行",
    "CFBundleName": "Ride",
    "CFBundleExecutable": "Ride",
    "CFBundleShortVersionString": "3.2.1",
    "CFBundleVersion": "321",
    "MinimumOSVersion": "14.0",
    "NSLocationWhenInUseUsageDescription": "用于为您匹配附近的司机并计算行程费用",
    "NSCameraUsageDescription": "",
    "NSContactsUsageDescription": "$(PRODUCT_NAME) needs contacts",
    "NSMicrophoneUsageDescription": "需要使用麦克风",
    "NSPhotoLibraryUsageDescription": "Photos",
    "NSUserTrackingUsageDescription": "Tracking",
    "LSApplicationQueriesSchemes": ["weixin", "wechat", "alipay", "mqq", "taobao"],
    "NSAppTransportSecurity": {"NSAllowsArbitraryLoads": True,
                               "NSExceptionDomains": {"legacy.ride.example.cn": {"NSExceptionAllowsInsecureHTTPLoads": True}}},
}
fw_info = {"CFBundleIdentifier": "com.tencent.xin.WechatOpenSDK", "CFBundleExecutable": "WechatOpenSDK", "CFBundlePackageType": "FMWK"}
app_pm = {"NSPrivacyTracking": False, "NSPrivacyAccessedAPITypes": [
    {"NSPrivacyAccessedAPIType": "NSPrivacyAccessedAPICategoryUserDefaults", "NSPrivacyAccessedAPITypeReasons": ["CA92.1"]}]}
clevertap = open("../../internal/plist/testdata/clevertap-PrivacyInfo.xcprivacy", "rb").read()

def write(out, exe, info=info):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name, data):
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o755 << 16
            z.writestr(zi, data)
        root = "Payload/Ride.app/"
        put(root + "Info.plist", plistlib.dumps(info, fmt=plistlib.FMT_BINARY, sort_keys=True))
        put(root + "Ride", exe)
        put(root + "PrivacyInfo.xcprivacy", plistlib.dumps(app_pm, sort_keys=True))
        # The Chinese prompt of the photo-library key (UTF-16, as Xcode writes
        # .strings files): it answers for the English one in Info.plist.
        put(root + "zh-Hans.lproj/InfoPlist.strings",
            ('/* 照片 */\n"NSPhotoLibraryUsageDescription" = "用于上传失物照片到行程报告";\n'
             '"NSUserTrackingUsageDescription" = "跟踪";\n').encode("utf-16"))
        fw = root + "Frameworks/WechatOpenSDK.framework/"
        put(fw + "WechatOpenSDK", open(work + "/WechatOpenSDK", "rb").read())
        put(fw + "Info.plist", plistlib.dumps(fw_info, fmt=plistlib.FMT_BINARY, sort_keys=True))
        put(fw + "PrivacyInfo.xcprivacy", clevertap)

exe = open(work + "/Ride", "rb").read()
write("ride.ipa", exe)
# The same app with purposes stated and App Transport Security on.
clean = {k: v for k, v in info.items() if k not in ("NSCameraUsageDescription", "NSContactsUsageDescription",
         "NSMicrophoneUsageDescription", "NSUserTrackingUsageDescription", "NSAppTransportSecurity")}
clean["NSCameraUsageDescription"] = "用于扫描车辆二维码开始行程"
write("ride-clean.ipa", exe, clean)

# FairPlay: cryptid (the third field of LC_ENCRYPTION_INFO_64, 0x2c) = 1.
import struct
b = bytearray(exe)
ncmds = struct.unpack_from("<I", b, 16)[0]
off = 32
for _ in range(ncmds):
    cmd, size = struct.unpack_from("<II", b, off)
    if cmd == 0x2c:
        struct.pack_into("<I", b, off + 16, 1)
        break
    off += size
else:
    sys.exit("no LC_ENCRYPTION_INFO_64 in Ride")
write("ride-fairplay.ipa", bytes(b))

# The SDK as vendors ship it: a zipped XCFramework. The device slice is
# the WeChat dylib; the simulator slice holds another program (Ride for
# x86_64), so a reader that took the wrong slice would show its reads.
xc = {"AvailableLibraries": [
        {"LibraryIdentifier": "ios-arm64", "LibraryPath": "WechatOpenSDK.framework", "SupportedPlatform": "ios", "SupportedArchitectures": ["arm64"]},
        {"LibraryIdentifier": "ios-arm64_x86_64-simulator", "LibraryPath": "WechatOpenSDK.framework", "SupportedPlatform": "ios",
         "SupportedPlatformVariant": "simulator", "SupportedArchitectures": ["arm64", "x86_64"]}],
      "CFBundlePackageType": "XFWK", "XCFrameworkFormatVersion": "1.0"}
with zipfile.ZipFile("WechatOpenSDK.xcframework.zip", "w", zipfile.ZIP_DEFLATED) as z:
    def put(name, data):
        zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
    root = "WechatOpenSDK.xcframework/"
    put(root + "Info.plist", plistlib.dumps(xc, sort_keys=True))
    put(root + "ios-arm64/WechatOpenSDK.framework/WechatOpenSDK", open(work + "/WechatOpenSDK", "rb").read())
    put(root + "ios-arm64/WechatOpenSDK.framework/Info.plist", plistlib.dumps(fw_info, fmt=plistlib.FMT_BINARY, sort_keys=True))
    put(root + "ios-arm64_x86_64-simulator/WechatOpenSDK.framework/WechatOpenSDK", open(work + "/Ride-x86", "rb").read())
PY
sha256sum Ride Ride-fat libWeChatSDK.a ride.ipa ride-clean.ipa ride-fairplay.ipa WechatOpenSDK.xcframework.zip
