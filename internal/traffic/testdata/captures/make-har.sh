#!/bin/sh
# Rebuilds session.har with a real browser: Debian's chromium opens
# app.html (an H5 page that logs in, reports the device to an analytics
# host and lists orders), driven by puppeteer-core; chrome-har writes the
# HAR. Needs: chromium, node and npm (npm install puppeteer-core@25
# chrome-har@1.3.1 in a scratch directory given as $1), python3.
set -eu
cd "$(dirname "$0")"
mods="${1:?usage: make-har.sh DIR-WITH-node_modules}"
python3 server.py 18080 &
srv=$!
trap 'kill $srv' EXIT
sleep 1
NODE_PATH="$mods/node_modules" node make-har.js session.har
ls -l session.har
