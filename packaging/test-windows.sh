#!/usr/bin/env bash
# Test the Windows build that build-windows.sh wrote, under wine on Linux:
#   - hvpat.exe from the zip runs the sample, a GB18030 CSV and a CNIPA .xls (from
#     ../shared/real-exports, when that folder is there) out of a folder whose path
#     has Chinese characters and a space, given with `\`; its outputs are byte-identical
#     to the Linux build's on the same files (manifest aside; report.xlsx part by part,
#     since its zip container records the OS), and no output holds a `\` path;
#   - the Windows wheel's binary lookup (hvpat._find), which cannot run here (no
#     Windows Python), is run by Linux Python against the wheel's Windows layout.
# wine 8 lacks ProcessPrng, which Rust's standard library calls: a stub DLL
# (processprng-stub.c) is put beside the exe for this test only.
source "$(dirname "$0")/common.sh"
need wine "apt-get install wine64"
need x86_64-w64-mingw32-gcc-posix "apt-get install gcc-mingw-w64-x86-64-posix"
need iconv "apt-get install libc-bin"
need unzip "apt-get install unzip"
need cargo "https://rustup.rs (the Rust toolchain)"
zipfile="$dist/hvpat-$version-windows-x86_64.zip"
wheel="$dist/hvpat-$version-py3-none-win_amd64.whl"
[ -f "$zipfile" ] && [ -f "$wheel" ] || die "no $zipfile or $wheel: run packaging/build-windows.sh first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="$cache/hvpat-wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree,mshtml=" LC_ALL=C.UTF-8
unset DISPLAY

echo "== the zip"
unzip -q "$zipfile" -d "$work/zip"
ls "$work/zip/hvpat-$version-windows-x86_64"
for f in hvpat.exe README.md LICENSE.txt NOTICE-concordance.md THIRD-PARTY-LICENSES.html; do
  [ -s "$work/zip/hvpat-$version-windows-x86_64/$f" ] || die "the zip lacks $f"
done
bin="$work/bin"
mkdir -p "$bin"
cp "$work/zip/hvpat-$version-windows-x86_64/hvpat.exe" "$bin/"
x86_64-w64-mingw32-gcc-posix -O2 -shared -o "$bin/bcryptprimitives.dll" "$root/packaging/processprng-stub.c" -ladvapi32
wine "$bin/hvpat.exe" --version >"$work/version.txt" 2>&1 || { cat "$work/version.txt"; die "hvpat.exe --version failed under wine"; }
echo "hvpat.exe --version: $(tr -d '\r' <"$work/version.txt")"

echo "== the Linux build"
(cd "$root" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/hvpat-target}" cargo build --release --locked --quiet)
linux="${CARGO_TARGET_DIR:-$cache/hvpat-target}/release/hvpat"

folder="专利 数据"
mkdir -p "$work/$folder"
cp -r "$root/data/sample" "$work/$folder/sample"
iconv -f UTF-8 -t GB18030 "$root/data/sample/portfolio.csv" >"$work/$folder/gb18030.csv"
cases=(sample gb18030)
xls="$root/../shared/real-exports/cnipa_pss_ustb_patents.xls"
if [ -f "$xls" ]; then
  cp "$xls" "$work/$folder/导出.xls"
  cases+=(xls)
else
  echo "skipped: the .xls case ($xls is absent)"
fi

# args CASE SEPARATOR: the run's arguments with paths joined by SEPARATOR.
args() {
  local s="$2"
  case "$1" in
    sample) echo "run|--config|$folder${s}sample${s}hvpat.toml|--quiet" ;;
    gb18030) echo "run|$folder${s}gb18030.csv|--as-of|2025-12-31|--quiet" ;;
    xls) echo "run|$folder${s}导出.xls|--as-of|2025-12-31|--quiet" ;;
  esac
}

# same_xlsx A B: the same parts with the same bytes (the zip containers differ).
same_xlsx() {
  python3 - "$1" "$2" <<'PY'
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
if sorted(a.namelist()) != sorted(b.namelist()):
    sys.exit(f"report.xlsx parts differ: {sorted(a.namelist())} vs {sorted(b.namelist())}")
for name in a.namelist():
    if a.read(name) != b.read(name):
        sys.exit(f"report.xlsx part {name} differs")
print(f"     report.xlsx: {len(a.namelist())} parts identical")
PY
}

cd "$work"
for c in "${cases[@]}"; do
  IFS='|' read -r -a lin <<<"$(args "$c" /)"
  IFS='|' read -r -a win <<<"$(args "$c" '\')"
  set +e
  "$linux" "${lin[@]}" --out "lin-$c" 2>"lin-$c.err"
  lin_code=$?
  wine "$bin/hvpat.exe" "${win[@]}" --out "win-$c" 2>"win-$c.err"
  win_code=$?
  set -e
  [ "$lin_code" = "$win_code" ] || { cat "win-$c.err"; die "$c: exit $win_code on Windows, $lin_code on Linux"; }
  [ -f "win-$c/manifest.json" ] || { cat "win-$c.err"; die "$c: hvpat.exe wrote no outputs"; }
  diff -rq -x manifest.json -x report.xlsx "lin-$c" "win-$c" || die "$c: outputs differ"
  if [ -f "lin-$c/report.xlsx" ]; then same_xlsx "lin-$c/report.xlsx" "win-$c/report.xlsx" || die "$c: report.xlsx differs"; fi
  if grep -rlF "$folder\\" "win-$c" >/dev/null; then die "$c: a \\ path in $(grep -rlF "$folder\\" "win-$c")"; fi
  grep -qF "\"path\": \"$folder/" "win-$c/manifest.json" || die "$c: the manifest's input path is not written with /"
  echo "ok   $c (exit $win_code): $(ls "win-$c" | grep -vc manifest.json) files identical to Linux's, paths with /"
done

echo "== the Windows wheel's binary lookup, on its layout"
prefix="$work/winprefix"
mkdir -p "$prefix/Lib/site-packages" "$prefix/Scripts"
unzip -q "$wheel" -d "$prefix/Lib/site-packages"
mv "$prefix/Lib/site-packages/hvpat-$version.data/scripts/hvpat.exe" "$prefix/Scripts/hvpat.exe"
found="$(python3 - "$prefix/Lib/site-packages" <<'PY'
import sys
from pathlib import Path
site = Path(sys.argv[1])
sys.path.insert(0, str(site))
from hvpat._find import candidates
print(next(p for p in candidates(site / "hvpat", windows=True) if p.is_file()))
PY
)"
[ "$found" = "$prefix/Scripts/hvpat.exe" ] || die "the lookup found $found, not $prefix/Scripts/hvpat.exe"
cp "$bin/bcryptprimitives.dll" "$prefix/Scripts/"
wine "$found" --version | tr -d '\r' | grep -qx "hvpat $version" || die "the wheel's hvpat.exe does not run"
echo "ok   the lookup finds Scripts\\hvpat.exe, which runs (the rest of the Python part is tested by test-linux-wheel.sh)"
echo "packaging: the Windows build passed"
