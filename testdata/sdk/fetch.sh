#!/usr/bin/env bash
# Fetches the vendor SDK binaries these tests read, from packages on the
# npm registry that bundle them, and checks them against the hashes below.
#
#   react-native-wechat 1.9.12 (npm, MIT; tarball SHA-256
#   c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5)
#     android/libs/libammsdk.jar → libammsdk.jar: Tencent's WeChat Open SDK
#     for Android (com.tencent.mm.sdk, with the MTA statistics classes
#     com.tencent.wxop.stat), as the package ships it.
#   cordova-plugin-alipay-v2 2.0.0 (npm, MIT; tarball SHA-256
#   1422cc9031740f30e58117e9e8a5ab3d873533b15cdd1d553a42e4333c1da17e)
#     src/android/lib/alipaySdk-15.6.5-20190718211148.aar → alipay-sdk.aar:
#     Ant Group's Alipay SDK for Android, a real AAR.
# baidu-location.aar is built around Baidu's binaries by make-aar.sh.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent react-native-wechat@1.9.12 >/dev/null)
echo "c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5  $work/react-native-wechat-1.9.12.tgz" | sha256sum -c -
tar -xzf "$work/react-native-wechat-1.9.12.tgz" -C "$work" package/android/libs/libammsdk.jar
cp "$work/package/android/libs/libammsdk.jar" libammsdk.jar
(cd "$work" && npm pack --silent cordova-plugin-alipay-v2@2.0.0 >/dev/null)
echo "1422cc9031740f30e58117e9e8a5ab3d873533b15cdd1d553a42e4333c1da17e  $work/cordova-plugin-alipay-v2-2.0.0.tgz" | sha256sum -c -
tar -xzf "$work/cordova-plugin-alipay-v2-2.0.0.tgz" -C "$work" package/src/android/lib/alipaySdk-15.6.5-20190718211148.aar
cp "$work/package/src/android/lib/alipaySdk-15.6.5-20190718211148.aar" alipay-sdk.aar
sha256sum -c SHA256SUMS --ignore-missing
