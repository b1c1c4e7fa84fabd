#!/bin/sh
# Rebuild the APK fixtures in this directory from src/, then the damaged
# inputs in ../bad/. Run from anywhere:
#
#	testdata/apks/build.sh
#
# Needs apktool (2.7, with aapt on PATH), smali, zipalign, apksigner and go.
# Each APK is made in four steps:
#
#	apktool b      src/NAME -> unsigned APK (smali -> DEX, aapt -> resources)
#	zipnorm norm   fixed entry order and timestamps, deflate by compress/flate
#	zipalign -p 4  4-byte alignment of stored entries, page-aligned .so
#	apksigner      v1 + v2 + v3 signatures with test.keystore
#
# With the same tool versions a rebuild gives byte-identical files (RSA
# PKCS#1 v1.5 signatures are deterministic); build.sh prints their SHA-256.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ks="$here/test.keystore"
zipnorm="$work/zipnorm"
(cd "$here" && go build -o "$zipnorm" zipnorm.go)

build() {
	name=$1
	rm -rf "${work:?}/$name"
	cp -R "$here/src/$name" "$work/$name"
	if [ "$name" = leaky ]; then
		# assets/plugin.jar: a zip holding one classes.dex, loaded at run time.
		mkdir -p "$work/plugin" "$work/$name/assets"
		smali a --api 21 -o "$work/plugin/classes.dex" "$here/src/leaky-plugin/smali"
		"$zipnorm" pack "$work/$name/assets/plugin.jar" "$work/plugin/classes.dex"
	fi
	apktool b -q -f -p "$work/framework" -o "$work/$name.unsigned.apk" "$work/$name"
	"$zipnorm" norm "$work/$name.unsigned.apk" "$work/$name.norm.apk"
	zipalign -p -f 4 "$work/$name.norm.apk" "$work/$name.aligned.apk"
	apksigner sign --ks "$ks" --ks-pass pass:android --ks-key-alias hegui-test \
		--v1-signing-enabled true --v2-signing-enabled true --v3-signing-enabled true \
		--v4-signing-enabled false \
		--out "$here/$name.apk" "$work/$name.aligned.apk"
	apksigner verify "$here/$name.apk"
}

for name in leaky clean packed ridehail; do
	build "$name"
done

(cd "$here/../bad" && go run make.go)

cd "$here/.."
sha256sum apks/*.apk bad/*.apk
