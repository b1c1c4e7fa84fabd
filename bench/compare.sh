#!/usr/bin/env bash
# Compares a full `hegui scan` with two floors on the same APKs:
#   unzip   — `unzip -p APK 'classes*.dex' > /dev/null`: just inflating the bytecode;
#   dexdump — Debian's dexdump over the extracted dex files: the class listing
#             Exodus-style scanners run before their regexes (extraction not timed).
# Prints ratios (hegui / floor), which are stable across noisy machines, and
# peak RSS of hegui against the size of the APK's largest dex.
#
# Usage: bench/compare.sh [APK...]   (default: the real APKs under testdata/apks/real)
# Needs: go, unzip, dexdump, hyperfine, GNU time (apt-get install hyperfine time unzip dexdump).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in unzip dexdump hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine time unzip dexdump)" >&2; exit 2; }
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/hegui" ./cmd/hegui
# A large multidex app made of real bytecode: every dex of the androguard
# corpus as classes.dex … classesN.dex behind leaky.apk's manifest.
python3 - "$work/multidex-corpus.apk" <<'PY'
import sys, zipfile, glob
out = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
src = zipfile.ZipFile("testdata/apks/leaky.apk")
out.writestr("AndroidManifest.xml", src.read("AndroidManifest.xml"))
out.writestr("resources.arsc", src.read("resources.arsc"))
n = 0
for apk in sorted(glob.glob("testdata/apks/real/*.apk")):
    z = zipfile.ZipFile(apk)
    for name in sorted(z.namelist()):
        if name.startswith("classes") and name.endswith(".dex"):
            n += 1
            out.writestr("classes.dex" if n == 1 else f"classes{n}.dex", z.read(name))
out.close()
PY
# A 25-dex app (the size of large Chinese super-apps' multidex sets): the
# corpus's dex files in turn as classes.dex … classes25.dex.
python3 - "$work/multidex-25.apk" <<'PY'
import sys, zipfile, glob
out = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
src = zipfile.ZipFile("testdata/apks/leaky.apk")
out.writestr("AndroidManifest.xml", src.read("AndroidManifest.xml"))
out.writestr("resources.arsc", src.read("resources.arsc"))
dexes = []
for apk in sorted(glob.glob("testdata/apks/real/*.apk")):
    z = zipfile.ZipFile(apk)
    dexes += [z.read(n) for n in sorted(z.namelist()) if n.startswith("classes") and n.endswith(".dex")]
for i in range(25):
    out.writestr("classes.dex" if i == 0 else f"classes{i+1}.dex", dexes[i % len(dexes)])
out.close()
PY
if [ $# -eq 0 ]; then
  set -- "$work/multidex-25.apk" "$work/multidex-corpus.apk" \
         testdata/apks/real/com.example.android.wearable.wear.weardrawers.apk \
         testdata/apks/real/com.test.intent_filter.apk \
         testdata/apks/real/com.android.example.text.styling.apk \
         testdata/apks/real/partialsignature.apk testdata/apks/leaky.apk
fi
# Peak RSS varies from run to run by a few MB (page cache, GC timing):
# take the median of 5 runs.
median_rss() {
  for _ in 1 2 3 4 5; do /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 3p
}
base_kb=$(median_rss "$work/hegui" version)
printf '%-30s %8s %10s %12s %14s %10s %16s\n' APK dex_MB hegui_ms hegui/unzip hegui/dexdump RSS_MB '(RSS-idle)/maxdex'
for apk in "$@"; do
  name=$(basename "$apk")
  d="$work/${name%.apk}"; mkdir -p "$d"
  unzip -qo "$apk" 'classes*.dex' -d "$d" 2>/dev/null || true
  dexes=("$d"/classes*.dex)
  [ -e "${dexes[0]}" ] || { echo "$name: no dex"; continue; }
  dex_bytes=$(cat "${dexes[@]}" | wc -c)
  max_dex=$(ls -l "${dexes[@]}" | awk '{print $5}' | sort -n | tail -1)
  hyperfine -N -w 3 -r 20 --export-json "$d/h.json" \
    "$work/hegui scan --format json -o /dev/null $apk" \
    "unzip -p $apk classes*.dex" \
    "dexdump ${dexes[*]}" >/dev/null 2>&1
  read -r h u x < <(python3 -c "import json,sys; r=json.load(open('$d/h.json'))['results']; print(*[x['median'] for x in r])")
  rss_kb=$(median_rss "$work/hegui" scan --format json -o /dev/null "$apk")
  python3 - "$name" "$dex_bytes" "$h" "$u" "$x" "$rss_kb" "$max_dex" "$base_kb" <<'PY'
import sys
name, dexb, h, u, x, rss, mx, base = sys.argv[1][:30], int(sys.argv[2]), *map(float, sys.argv[3:6]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
print(f"{name:30s} {dexb/2**20:8.2f} {h*1000:10.1f} {h/u:12.2f} {h/x:14.2f} {rss/1024:10.1f} {(rss-base)*1024/mx:16.1f}")
PY
done
# A directory of 22 real apps (the corpus's apps in turn) in one scan,
# against an `unzip -p` loop over them.
mkdir -p "$work/apps22"
real=(testdata/apks/real/com.example.android.wearable.wear.weardrawers.apk testdata/apks/real/com.test.intent_filter.apk
      testdata/apks/real/com.android.example.text.styling.apk testdata/apks/real/partialsignature.apk
      testdata/apks/real/TestActivity.apk testdata/apks/real/TC-debug.apk)
for i in $(seq 0 21); do cp "${real[$((i % ${#real[@]}))]}" "$work/apps22/app$i.apk"; done
hyperfine -N -w 1 -r 5 --export-json "$work/dir.json" \
  "$work/hegui scan --format json -o /dev/null $work/apps22" \
  "bash -c 'for f in $work/apps22/*.apk; do unzip -p \$f classes*.dex; done'" >/dev/null 2>&1
python3 -c "import json; r=json.load(open('$work/dir.json'))['results']; print(f\"directory of 22 apps: hegui {r[0]['median']*1000:.0f} ms, hegui/unzip-loop {r[0]['median']/r[1]['median']:.2f} (target <= 1.2)\")"
echo
echo "hegui/unzip: full scan time over the time to inflate the dex files alone (targets: ≤ 2 on single-dex apps of 3-6 MB, ≤ 0.8 on the 25-dex app)."
echo "hegui/dexdump: full scan over dexdump's class listing (target < 1)."
echo "(RSS-idle)/maxdex: median peak RSS above that of \`hegui version\` (runtime and catalogs, ${base_kb} KB), over the largest dex."
echo "GOMEMLIMIT in the environment applies to every hegui run above."
