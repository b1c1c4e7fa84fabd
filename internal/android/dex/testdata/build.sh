#!/bin/sh
# Rebuilds the DEX files assembled from smali/ (Debian: apt-get install smali
# dexdump), then the filtered dexdump output the golden test compares with.
set -e
cd "$(dirname "$0")"
smali a --api 28 -o modern.dex smali/Modern.smali
smali a --api 28 -o flow.dex smali/Flow.smali
cd .. && go test -run TestGoldenDexdump -update .
