#!/usr/bin/env bash
# Fetches the vendor SDK binaries these tests read, from packages on the
# npm registry that bundle them, and checks them against the hashes below.
#
#   react-native-wechat 1.9.12 (npm, MIT; tarball SHA-256
#   c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5)
#     android/libs/libammsdk.jar → libammsdk.jar: Tencent's WeChat Open SDK
#     for Android (com.tencent.mm.sdk, with the MTA statistics classes
#     com.tencent.wxop.stat), as the package ships it.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent react-native-wechat@1.9.12 >/dev/null)
echo "c1703170049888e33e09e61ad2e6764dbb77a0ae2688b01385f033274f76f8b5  $work/react-native-wechat-1.9.12.tgz" | sha256sum -c -
tar -xzf "$work/react-native-wechat-1.9.12.tgz" -C "$work" package/android/libs/libammsdk.jar
cp "$work/package/android/libs/libammsdk.jar" libammsdk.jar
sha256sum -c SHA256SUMS
