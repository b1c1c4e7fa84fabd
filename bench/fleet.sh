#!/usr/bin/env bash
# Measures how scanning scales with `hegui worker` processes against one
# PostgreSQL: for N = 1, 2, 4 worker processes (one job at a time each),
# uploads the same number of distinct apps to `hegui serve --workers 0`
# and times until every job's report is stored.
#
# Usage: bench/fleet.sh [APPS]   (default 120)
#        BENCH_APKS=DIR bench/fleet.sh [APPS]   (copies of DIR's APKs instead of testdata's)
# Needs: go, python3, curl, psql, a PostgreSQL database in HEGUI_BENCH_POSTGRES
# (postgres://…; the tables hegui makes are reused, results kept apart by run).
set -euo pipefail
cd "$(dirname "$0")/.."
apps="${1:-120}"
url="${HEGUI_BENCH_POSTGRES:?set HEGUI_BENCH_POSTGRES to a postgres:// URL}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/hegui" ./cmd/hegui
# Distinct apps: the test APKs, each copy with its own archive comment.
python3 - "$work/apps" "$apps" "${BENCH_APKS:-}" <<'PY'
import sys, os, glob, zipfile, shutil, random
out, n, given = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out)
if given:
    src = sorted(glob.glob(os.path.join(given, "*.apk")))
else:
    src = sorted(glob.glob("testdata/apks/*.apk")) + sorted(glob.glob("testdata/apks/real/*.apk"))
run = random.getrandbits(64)
for i in range(n):
    dst = os.path.join(out, "app%04d.apk" % i)
    shutil.copyfile(src[i % len(src)], dst)
    try:
        with zipfile.ZipFile(dst, "a") as z:
            z.comment = b"run %d copy %d" % (run, i)
    except zipfile.BadZipFile:
        pass
PY
printf "%-10s %-10s %-10s %s\n" workers seconds apps/min speed-up
base=""
for n in 1 2 4; do
  data="$work/data$n"; mkdir -p "$data"
  port=$((18300 + n))
  "$work/hegui" serve --db "$url" --data "$data" --workers 0 --addr "127.0.0.1:$port" 2>/dev/null &
  srv=$!
  sleep 2
  # New copies per round (the queue would take a repeat as the same job),
  # all enqueued before any worker starts: the clock times the workers.
  for f in "$work"/apps/*.apk; do
    python3 - "$f" "$n" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a") as z:
    z.comment = z.comment + b" round " + sys.argv[2].encode()
PY
  done
  ids=()
  for f in "$work"/apps/*.apk; do
    ids+=("$(curl -s -H 'Content-Type: application/octet-stream' --data-binary @"$f" "http://127.0.0.1:$port/api/v1/scans?name=$(basename "$f")" | python3 -c 'import sys,json; print(json.load(sys.stdin)["job"])')")
  done
  start=$(date +%s.%N)
  pids=()
  for _ in $(seq "$n"); do
    "$work/hegui" worker --db "$url" --data "$data" --workers 1 2>/dev/null &
    pids+=($!)
  done
  # One query for all jobs, every 50 ms (polling each job by HTTP would
  # add its own seconds to the clock).
  list=$(IFS=,; echo "${ids[*]}")
  until [ "$(psql "$url" -Atc "SELECT COUNT(*) FROM river_job WHERE id IN ($list) AND state = 'completed'")" = "${#ids[@]}" ]; do
    sleep 0.05
  done
  end=$(date +%s.%N)
  kill "$srv" "${pids[@]}" 2>/dev/null || true
  wait "$srv" "${pids[@]}" 2>/dev/null || true
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
  [ -z "$base" ] && base=$secs
  awk -v n="$n" -v s="$secs" -v apps="$apps" -v b="$base" 'BEGIN{printf "%-10d %-10.1f %-10.0f %.2fx\n", n, s, apps*60/s, b/s}'
done
