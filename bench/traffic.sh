#!/usr/bin/env bash
# Times `hegui scan` on a large capture against tshark extracting three
# fields from it, in the same run, and compares hegui's peak memory on a
# capture five times smaller (memory must not grow with the file).
#
#   hegui:  hegui scan FILE (every detector on, the device's identifiers given)
#   tshark: tshark -r FILE -T fields -e ip.dst -e http.host -e tls.handshake.extensions_server_name
#
# Usage: bench/traffic.sh [SIZE_MB]   (default 500)
# Needs: go, tshark, GNU time (apt-get install tshark time).
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-500}"
for tool in tshark /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install tshark time)" >&2; exit 2; }
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/hegui" ./cmd/hegui
go run ./bench/gencapture -size "$size" -o "$work/big.pcap"
go run ./bench/gencapture -size $((size / 5)) -o "$work/small.pcap"
ids=internal/traffic/testdata/captures/ids.yaml
measure() { # prints "seconds peak-KB"
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
read -r hs hm < <(measure "$work/hegui" scan --device-ids "$ids" "$work/big.pcap")
read -r ts tm < <(measure tshark -r "$work/big.pcap" -T fields -e ip.dst -e http.host -e tls.handshake.extensions_server_name)
read -r ss sm < <(measure "$work/hegui" scan --device-ids "$ids" "$work/small.pcap")
mb=$(( $(stat -c %s "$work/big.pcap") / 1048576 ))
awk -v hs="$hs" -v ts="$ts" -v hm="$hm" -v tm="$tm" -v sm="$sm" -v mb="$mb" -v s="$size" 'BEGIN {
  printf "capture: %d MB\n", mb
  printf "hegui scan: %.2f s, peak RSS %d MB\n", hs, hm/1024
  printf "tshark -T fields: %.2f s, peak RSS %d MB\n", ts, tm/1024
  printf "speed: hegui is %.1fx faster than tshark\n", ts/hs
  printf "memory: hegui peak RSS on %d MB / on %d MB = %.2f (flat is 1)\n", mb, mb/5, hm/sm
}'
