#!/usr/bin/env bash
# Builds baidu-location.aar, an AAR-shaped package around the vendor's
# real binaries (no AAR of a Chinese SDK is on the npm registry): from
# cordova-plugin-baidumaplocation 4.0.2 (npm, tarball SHA-256 below) it
# takes BaiduLBS_Android.jar as classes.jar and arm64-v8a/liblocSDK7b.so
# under jni/, and writes the AndroidManifest.xml the plugin merges into
# apps (its plugin.xml: the permissions and the location service), with
# the consumer ProGuard rule Baidu documents. Entries are stored in a
# fixed order with a fixed time, so the file is the same on every run.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent cordova-plugin-baidumaplocation@4.0.2 >/dev/null)
echo "3bb710ee2af4b00bb07ac09d1aa5d9614e322bde18472cf83a2b36423a434ab5  $work/cordova-plugin-baidumaplocation-4.0.2.tgz" | sha256sum -c -
tar -xzf "$work/cordova-plugin-baidumaplocation-4.0.2.tgz" -C "$work"
python3 - "$work/package/libs/android" baidu-location.aar <<'PY'
import sys, zipfile
src, out = sys.argv[1], sys.argv[2]
manifest = """<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="com.baidu.location">
    <uses-sdk android:minSdkVersion="14" />
    <uses-permission android:name="android.permission.ACCESS_COARSE_LOCATION" />
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    <uses-permission android:name="android.permission.ACCESS_WIFI_STATE" />
    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />
    <uses-permission android:name="android.permission.CHANGE_WIFI_STATE" />
    <uses-permission android:name="android.permission.READ_PHONE_STATE" />
    <uses-permission android:name="android.permission.WRITE_EXTERNAL_STORAGE" />
    <uses-permission android:name="android.permission.INTERNET" />
    <application>
        <service android:name="com.baidu.location.f" android:enabled="true" android:process=":remote" />
    </application>
</manifest>
"""
entries = [
    ("AndroidManifest.xml", manifest.encode()),
    ("classes.jar", open(src + "/BaiduLBS_Android.jar", "rb").read()),
    ("jni/arm64-v8a/liblocSDK7b.so", open(src + "/arm64-v8a/liblocSDK7b.so", "rb").read()),
    ("proguard.txt", b"-keep class com.baidu.location.** {*;}\n-dontwarn com.baidu.location.**\n"),
    ("R.txt", b""),
]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in entries:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
PY
sha256sum -c SHA256SUMS --ignore-missing
