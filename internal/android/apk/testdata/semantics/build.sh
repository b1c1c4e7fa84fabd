#!/bin/sh
# Rebuilds semantics.dex from Cases.smali and the dexdump listing of its
# call sites that semantics_test.go checks its offsets against
# (Debian: apt-get install smali dexdump).
set -e
cd "$(dirname "$0")"
smali a --api 26 -o semantics.dex Cases.smali
dexdump -d semantics.dex |
	grep -E '^[0-9a-f]{6}: [0-9a-f ]+\|[0-9a-f]{4}: (invoke|const-string|sget-object)' |
	sed -E 's/^([0-9a-f]{6}): [0-9a-f ]+\|[0-9a-f]{4}: /\1 /' > semantics.dexdump
