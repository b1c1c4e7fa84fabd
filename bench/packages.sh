#!/usr/bin/env bash
# Times reading each package kind against the floor of inflating its
# binaries (Go benchmarks in internal/scan: BenchmarkKinds), and prints
# the ratios, which hold across noisy machines:
#   ipa      testdata/ios/ride.ipa (executable + one framework)
#   a        testdata/ios/libWeChatSDK.a (8 objects; the floor is reading the file)
#   hap      testdata/harmony/lock.hap; hap-8mb: an 8 MB bytecode file of
#            nothing but string records
#   aar/jar  testdata/sdk/alipay-sdk.aar, testdata/sdk/libammsdk.jar
# Usage: bench/packages.sh [COUNT]   (iterations per benchmark, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20}"
printf "%-8s %12s %12s %8s\n" kind "read ms" "inflate ms" ratio
go test -run '^$' -bench 'BenchmarkKinds' -benchtime "${n}x" ./internal/scan | awk '
  /^BenchmarkKinds\// {
    split($1, p, "/"); sub(/-[0-9]+$/, "", p[3])
    t[p[2] "/" p[3]] = $3; kinds[p[3]] = 1
  }
  END {
    for (k in kinds) printf "%-8s %12.2f %12.2f %7.1fx\n", k, t["read/" k] / 1e6, t["inflate/" k] / 1e6, t["read/" k] / t["inflate/" k]
  }' | sort
