#!/bin/sh
# Rebuilds the two dex files of an app whose Application calls methods it
# inherits, one from the same dex, one from the other (Debian: apt-get
# install smali).
set -e
cd "$(dirname "$0")"
smali a --api 26 -o a.dex ChildApp.smali MidApp.smali GrandApp.smali
smali a --api 26 -o b.dex BaseApp.smali
