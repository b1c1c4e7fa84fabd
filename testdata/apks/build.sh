#!/bin/sh
# Rebuild the APK fixtures in this directory from src/, then the damaged
# inputs in ../bad/. Run from anywhere:
#
#	testdata/apks/build.sh            every APK, then ../bad/
#	testdata/apks/build.sh NAME...    only src/NAME -> NAME.apk (../bad/ untouched)
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

# Every fixture, in build order; the damaged inputs derive from the first four.
all="leaky clean packed ridehail lookalike nolocperm adplugin consentgate noconsent umengpre permprompt helpergate policyapp"
# Nested jars, as FIXTURE:JAR: src/FIXTURE-JAR/smali becomes assets/JAR.jar.
jars="leaky:plugin adplugin:adtiny"

ks="$here/test.keystore"
zipnorm="$work/zipnorm"
(cd "$here" && go build -o "$zipnorm" zipnorm.go)

build() {
	name=$1
	rm -rf "${work:?}/$name"
	cp -R "$here/src/$name" "$work/$name"
	for pair in $jars; do
		[ "${pair%%:*}" = "$name" ] || continue
		# assets/JAR.jar: a zip holding one classes.dex (assembled from
		# src/NAME-JAR/smali), loaded at run time.
		jar=${pair#*:}
		mkdir -p "$work/$jar" "$work/$name/assets"
		smali a --api 21 -o "$work/$jar/classes.dex" "$here/src/$name-$jar/smali"
		"$zipnorm" pack "$work/$name/assets/$jar.jar" "$work/$jar/classes.dex"
	done
	apktool b -q -f -p "$work/framework" -o "$work/$name.unsigned.apk" "$work/$name"
	"$zipnorm" norm "$work/$name.unsigned.apk" "$work/$name.norm.apk"
	zipalign -p -f 4 "$work/$name.norm.apk" "$work/$name.aligned.apk"
	apksigner sign --ks "$ks" --ks-pass pass:android --ks-key-alias hegui-test \
		--v1-signing-enabled true --v2-signing-enabled true --v3-signing-enabled true \
		--v4-signing-enabled false \
		--out "$here/$name.apk" "$work/$name.aligned.apk"
	apksigner verify "$here/$name.apk"
}

for name in ${@:-$all}; do
	if [ ! -d "$here/src/$name" ]; then
		echo "build.sh: no fixture src/$name" >&2
		exit 2
	fi
done
for name in ${@:-$all}; do
	build "$name"
done

cd "$here/.."
if [ $# -gt 0 ]; then
	for name in "$@"; do
		sha256sum "apks/$name.apk"
	done
	exit 0
fi

(cd bad && go run make.go)
sha256sum apks/*.apk bad/*.apk
