#!/usr/bin/env bash
# Fetches the IP → country and IP → cloud data hegui embeds and regenerates
# data/network/ipcountry.bin.gz and data/network/ipcloud.bin.gz. Needs npm (the npm registry) and Go.
# Usage: scripts/update-ipcountry.sh [VERSION]   (default: the latest)
#
# Source: npm @ip-location-db/geo-whois-asn-country (sapics/ip-location-db),
# CC0-1.0 package; its WHOIS data is CC BY 4.0 by the NRO (nro.net).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=@ip-location-db/geo-whois-asn-country
version="${1:-$(npm view "$pkg" version)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
tgz=$(ls "$work"/*.tgz)
sum=$(sha256sum "$tgz" | cut -d' ' -f1)
tar xzf "$tgz" -C "$work"
go run data/gen/genipcountry.go -csv "$work/package" -version "$version" -sha256 "$sum"
echo "ipcountry: $pkg $version sha256:$sum"

# The cloud operators' address ranges, from the ASN table of the same
# project (RouteViews, DB-IP and NRO data, CC BY 4.0).
asn=@ip-location-db/asn
rm -rf "$work/package"
(cd "$work" && npm pack --silent "$asn@$version" >/dev/null)
tgz=$(ls "$work"/ip-location-db-asn-*.tgz)
sum=$(sha256sum "$tgz" | cut -d' ' -f1)
tar xzf "$tgz" -C "$work"
go run data/gen/genipcountry.go -csv "$work/package" -version "$version" -sha256 "$sum" \
  -clouds data/network/clouds.yaml -out data/network/ipcloud.bin.gz
echo "ipcloud: $asn $version sha256:$sum"
