#!/usr/bin/env bash
# Compiles the class-file fixtures with javac (Debian's OpenJDK 17,
# --release 8, as Android SDKs ship them) and packs the SDK's classes
# (not the android.* stand-in) into demo-sdk.jar.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
javac --release 8 -g:none -encoding UTF-8 -d "$out" $(find src -name '*.java')
rm -f demo-sdk.jar
(cd "$out" && jar --create --file demo-sdk.jar --date 2026-01-01T00:00:00Z com)
mv "$out/demo-sdk.jar" .
cp "$out/com/demo/sdk/Collector.class" Collector.class
