#!/usr/bin/env bash
# End-to-end benchmark: hvpat against two peer implementations of the same job
# (DuckDB SQL and Python polars, benches/peers/) on synthetic portfolios.
#
#   benches/e2e.sh [--write] [SIZES...]        (default sizes: 1000000 5000000)
#
# For each size N: `hvpat synth --patents N --seed 1` into $BENCH_DIR/synN (reused when
# already there with the same N), then hvpat, the floor (`cat` of every input, then as
# many bytes written as hvpat's output folder holds: the least any tool doing this job
# must do), the DuckDB peer and the polars peer, one after the other, each under GNU
# time (`/usr/bin/time -v`: wall clock, peak RSS). The
# three institutions.csv must agree (benches/compare_institutions.py), else the script
# fails. Prints a markdown table; with --write (or WRITE_BENCHMARKS=1) it also replaces
# the block between `<!-- e2e:begin -->` and `<!-- e2e:end -->` in BENCHMARKS.md.
#
# Environment:
#   HVPAT_BIN         use this hvpat binary and skip the build
#   CARGO_TARGET_DIR  build folder (default ~/.cache/hvpat-target)
#   BENCH_VENV        Python venv for the peers (default ~/.cache/hvpat-bench-venv)
#   BENCH_DIR         data and results (default ~/.cache/hvpat-bench)
#   WARM=1            run each tool once, untimed, before the timed run
#   WRITE_BENCHMARKS=1  same as --write
#   BENCHMARKS_MD     the file --write edits (default <repo>/BENCHMARKS.md)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

write="${WRITE_BENCHMARKS:-0}"
sizes=()
for arg in "$@"; do
  case "$arg" in
    --write) write=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') echo "e2e.sh: not a size: $arg" >&2; exit 2 ;;
    *) sizes+=("$arg") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 5000000)

bench_dir="${BENCH_DIR:-$HOME/.cache/hvpat-bench}"
venv="${BENCH_VENV:-$HOME/.cache/hvpat-bench-venv}"
benchmarks_md="${BENCHMARKS_MD:-$root/BENCHMARKS.md}"
mkdir -p "$bench_dir/results"

die() { echo "e2e.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  die "GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install time)"
fi

if [ -n "${HVPAT_BIN:-}" ]; then
  hvpat="$HVPAT_BIN"
  [ -x "$hvpat" ] || die "HVPAT_BIN=$hvpat is not an executable"
  echo "hvpat: $hvpat (HVPAT_BIN; not built)" >&2
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hvpat-target}"
  echo "building hvpat (cargo build --release --locked, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
  (cd "$root" && cargo build --release --locked) >&2
  hvpat="$CARGO_TARGET_DIR/release/hvpat"
fi

requirements="$here/peers/requirements.txt"
if [ ! -x "$venv/bin/python" ]; then
  echo "creating the peers' venv at $venv" >&2
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
# install only when a pinned version is missing (no network needed on later runs)
if ! "$py" - "$requirements" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        assert version(name.strip()) == want.strip(), line
EOF
then
  echo "installing $requirements into $venv" >&2
  "$py" -m pip install --disable-pip-version-check -q -r "$requirements" >&2
fi

hvpat_version="$("$hvpat" --version | head -n1)"
duckdb_version="$("$py" -c 'import duckdb; print(duckdb.__version__)')"
polars_version="$("$py" -c 'import polars; print(polars.__version__)')"
python_version="$("$py" -c 'import platform; print(platform.python_version())')"
versions="$hvpat_version; duckdb $duckdb_version; polars $polars_version; Python $python_version"
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
[ -n "$cpu" ] || cpu="$(uname -m)"
ram_gib="$(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
machine="$(nproc) cores, ${cpu}, ${ram_gib} GiB RAM"
echo "versions: $versions" >&2
echo "machine:  $machine" >&2

# ---------------------------------------------------------------- helpers
# seconds from GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34"
wall_seconds() {
  grep 'Elapsed (wall clock) time' "$1" | awk -F': ' '{print $NF}' |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}
peak_kib() { grep 'Maximum resident set size' "$1" | awk -F': ' '{print $NF}'; }

# set_cmd TOOL DATA_DIR OUT_DIR AS_OF: the tool's command line, in the array `cmd`
set_cmd() {
  local tool="$1" data="$2" out="$3" as_of="$4"
  case "$tool" in
    hvpat) cmd=("$hvpat" run --config "$data/hvpat.toml" --out "$out" --quiet) ;;
    floor)
      # Read every input, write as many bytes as hvpat's output folder holds.
      cmd=(sh -c 'cat "$1"/*.csv >/dev/null && mkdir -p "$2" && head -c "$3" /dev/zero >"$2/floor.bin"' floor
        "$data" "$out" "$floor_bytes") ;;
    duckdb|polars)
      cmd=("$py" "$here/peers/${tool}_peer.py" --portfolio "$data/portfolio.csv"
        --families "$data/families.csv" --pledges "$data/pledges.csv" --awards "$data/awards.csv"
        --aliases "$root/data/aliases.csv" --concordance "$root/data/concordance.csv"
        --as-of "$as_of" --out "$out") ;;
  esac
}

tools=(hvpat floor duckdb polars)
floor_bytes=0
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
tsv="$bench_dir/results/e2e-$stamp.tsv"
printf 'size\ttool\twall_s\tpeak_kib\tversions\n' >"$tsv"
sizes_rows=()
warm_note=""
[ "${WARM:-0}" = 1 ] && warm_note=", after one untimed warm-up run"

# ---------------------------------------------------------------- runs
for n in "${sizes[@]}"; do
  data="$bench_dir/syn$n"
  if [ -f "$data/.synth-done" ] && grep -q -- "--patents $n --seed 1\$" "$data/hvpat.toml" 2>/dev/null; then
    echo "== $n patents: reusing $data" >&2
  else
    echo "== $n patents: hvpat synth --patents $n --seed 1 --out $data" >&2
    rm -rf "$data"
    "$hvpat" synth --patents "$n" --seed 1 --out "$data" >&2
    touch "$data/.synth-done"
  fi
  rows="$(($(wc -l <"$data/portfolio.csv") - 1))"
  year="$(sed -n 's/^year *= *\([0-9]\{4\}\).*/\1/p' "$data/hvpat.toml" | head -n1)"
  as_of="${year:-2025}-12-31"

  for tool in "${tools[@]}"; do
    out="$data/out-$tool"
    log="$data/$tool.log"
    set_cmd "$tool" "$data" "$out" "$as_of"
    if [ "${WARM:-0}" = 1 ]; then
      echo "   $tool (warm-up)" >&2
      rm -rf "$out"
      "${cmd[@]}" >"$log" 2>&1 || { cat "$log" >&2; die "$tool failed on $n patents (warm-up)"; }
    fi
    rm -rf "$out"
    echo "   $tool" >&2
    if ! /usr/bin/time -v -o "$data/$tool.time" "${cmd[@]}" >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "$tool failed on $n patents (log: $log)"
    fi
    if [ "$tool" = hvpat ]; then
      floor_bytes="$(du -sb "$out" | cut -f1)"
    fi
    [ "$tool" = floor ] || [ -f "$out/institutions.csv" ] || die "$tool wrote no $out/institutions.csv"
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$(wall_seconds "$data/$tool.time")" \
      "$(peak_kib "$data/$tool.time")" "$versions" >>"$tsv"
  done

  if ! python3 "$here/compare_institutions.py" "$data/out-hvpat/institutions.csv" \
      "$data/out-duckdb/institutions.csv" "$data/out-polars/institutions.csv" >&2; then
    die "MISMATCH at $n patents: the institutions.csv files differ (see above; outputs in $data/out-*)"
  fi
  sizes_rows+=("$n:$rows")
done

# ---------------------------------------------------------------- table
table="$(python3 - "$tsv" "${sizes_rows[@]}" <<'EOF'
import csv, sys
runs = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rows_of = dict(a.split(":") for a in sys.argv[2:])
print("| patents | tool | wall (s) | patents/s | peak RSS (MiB) | hvpat speed-up vs faster peer | RSS ratio hvpat / that peer |")
print("|---:|---|---:|---:|---:|---:|---:|")
for size in dict.fromkeys(r["size"] for r in runs):
    rs = {r["tool"]: r for r in runs if r["size"] == size}
    n = int(rows_of[size])
    wall = {t: float(r["wall_s"]) for t, r in rs.items()}
    rss = {t: int(r["peak_kib"]) / 1024 for t, r in rs.items()}
    peer = min(("duckdb", "polars"), key=lambda t: wall[t])
    tools = [("hvpat", "hvpat"), ("duckdb", "DuckDB peer (SQL)"), ("polars", "polars peer")]
    if "floor" in rs:
        tools.insert(1, ("floor", "floor (cat the inputs, write as many bytes as hvpat)"))
    for t, label in tools:
        if t == "hvpat":
            extra = (f"{wall[peer] / wall['hvpat']:.2f}× ({'DuckDB' if peer == 'duckdb' else 'polars'})",
                     f"{rss['hvpat'] / rss[peer]:.2f}")
        elif t == "floor":
            extra = (f"hvpat takes {wall['hvpat'] / max(wall[t], 0.01):.1f}× the floor", "")
        else:
            extra = ("", "")
        print(f"| {n:,} | {label} | {wall[t]:.2f} | {n / wall[t]:,.0f} | {rss[t]:,.0f} | {extra[0]} | {extra[1]} |")
EOF
)"
when="$(date -u +%Y-%m-%d)"
block="$(cat <<EOF
$table

Run $when with \`benches/e2e.sh ${sizes[*]}\`: synthetic portfolios (\`hvpat synth --seed 1\`), as of ${as_of}; each tool
run alone, one after the other, all cores${warm_note}; wall clock and peak RSS from GNU time.
The three institutions.csv were identical. Peers: \`benches/peers/\` (same rules, native layout; they write
patents.csv and institutions.csv only, while hvpat writes its whole output folder: evidence, Parquet, JSON, HTML, XLSX).
Machine: $machine. Versions: $versions.
EOF
)"
printf '%s\n' "$block" >"$bench_dir/results/e2e-$stamp.md"
echo
printf '%s\n' "$block"

if [ "$write" = 1 ]; then
  python3 - "$benchmarks_md" "$bench_dir/results/e2e-$stamp.md" <<'EOF'
import os, sys
path, block = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().rstrip("\n")
begin, end = "<!-- e2e:begin -->", "<!-- e2e:end -->"
text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
if begin in text and end in text and text.index(begin) < text.index(end):
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    text = f"{head}{begin}\n{block}\n{end}{tail}"
else:
    text = text.rstrip("\n") + f"\n\n## End to end (benches/e2e.sh)\n\n{begin}\n{block}\n{end}\n"
tmp = path + ".tmp"
open(tmp, "w", encoding="utf-8").write(text)
os.replace(tmp, path)
print(f"e2e.sh: wrote the e2e block of {path}", file=sys.stderr)
EOF
fi
