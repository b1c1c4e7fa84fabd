#!/bin/sh
# Rebuilds async.dex from the smali files here (Debian: apt-get install smali).
set -e
cd "$(dirname "$0")"
smali a --api 26 -o async.dex Async.smali InitTask.smali Click.smali Later.smali Gates.smali Perm.smali
