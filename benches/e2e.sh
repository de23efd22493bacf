#!/usr/bin/env bash
# End-to-end benchmark: hvpat against two peer implementations of the same job
# (DuckDB SQL and Python polars, benches/peers/) on synthetic portfolios.
#
#   benches/e2e.sh [--write] [SIZES...]        (default sizes: 1000000 5000000)
#
# For each size N: `hvpat synth --patents N --seed $SEED` into $BENCH_DIR/synN (seed 1;
# synN-seedS for another seed; reused when already there), then ROUNDS rounds (default
# 3), each running every tool once, one after the other, under GNU time (wall clock,
# user and system CPU, peak RSS):
#   hvpat-job  `--outputs institutions.csv,patents.csv`: the peers' job (hvpat's
#              patents.csv also carries the evidence column, which the peers do not write)
#   hvpat      the whole default output folder
#   floor-job, floor  `cat` of every input, then as many bytes written as that hvpat
#              run's output folder holds: the least any tool doing that job must do
#   duckdb, polars    the peers
# The table gives each tool's medians over the rounds (timings here move by ±25 %
# between runs; CPU seconds are steadier than wall time) and the speed-ups: the faster
# peer's median wall time over hvpat's. Every institutions.csv must agree
# (benches/compare_institutions.py) and the same job's two files must equal the whole
# folder's, else the script fails. With --write (or WRITE_BENCHMARKS=1) it also
# replaces the block between `<!-- e2e:begin -->` and `<!-- e2e:end -->` in BENCHMARKS.md.
#
# Environment:
#   HVPAT_BIN         use this hvpat binary and skip the build
#   CARGO_TARGET_DIR  build folder (default ~/.cache/hvpat-target)
#   BENCH_VENV        Python venv for the peers (default ~/.cache/hvpat-bench-venv)
#   BENCH_DIR         data and results (default ~/.cache/hvpat-bench)
#   ROUNDS            rounds of alternating runs (default 3)
#   SEED              synth seed (default 1: the portfolios the goals are set on)
#   TOOLS             the tools, in run order (default "hvpat-job hvpat floor-job floor duckdb polars")
#   WARM=1            run each tool once, untimed, before the timed rounds
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
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
# cpu_seconds FILE User|System: CPU seconds from GNU time
cpu_seconds() { grep "$2 time (seconds)" "$1" | awk -F': ' '{print $NF}'; }

# set_cmd TOOL DATA_DIR OUT_DIR AS_OF: the tool's command line, in the array `cmd`
set_cmd() {
  local tool="$1" data="$2" out="$3" as_of="$4"
  case "$tool" in
    hvpat) cmd=("$hvpat" run --config "$data/hvpat.toml" --out "$out" --quiet) ;;
    hvpat-job)
      cmd=("$hvpat" run --config "$data/hvpat.toml" --out "$out" --quiet --outputs institutions.csv,patents.csv) ;;
    floor|floor-job)
      # Read every input, write as many bytes as that hvpat run's output folder holds.
      local bytes="$floor_bytes"
      [ "$tool" = floor-job ] && bytes="$floor_job_bytes"
      cmd=(sh -c 'cat "$1"/*.csv >/dev/null && mkdir -p "$2" && head -c "$3" /dev/zero >"$2/floor.bin"' floor
        "$data" "$out" "$bytes") ;;
    duckdb|polars)
      cmd=("$py" "$here/peers/${tool}_peer.py" --portfolio "$data/portfolio.csv"
        --families "$data/families.csv" --pledges "$data/pledges.csv" --awards "$data/awards.csv"
        --aliases "$root/data/aliases.csv" --concordance "$root/data/concordance.csv"
        --as-of "$as_of" --out "$out") ;;
    *) die "unknown tool: $tool (hvpat-job hvpat floor-job floor duckdb polars)" ;;
  esac
}

read -r -a tools <<<"${TOOLS:-hvpat-job hvpat floor-job floor duckdb polars}"
rounds="${ROUNDS:-3}"
seed="${SEED:-1}"
case "$rounds$seed" in *[!0-9]*) die "ROUNDS and SEED must be numbers" ;; esac
floor_bytes=0
floor_job_bytes=0
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
tsv="$bench_dir/results/e2e-$stamp.tsv"
printf 'size\ttool\tround\twall_s\tuser_s\tsys_s\tpeak_kib\tversions\n' >"$tsv"
sizes_rows=()
warm_note=""
[ "${WARM:-0}" = 1 ] && warm_note=", after one untimed warm-up run each"

# run_tool TOOL N DATA AS_OF [ROUND]: one run, timed and recorded when ROUND is given
run_tool() {
  local tool="$1" n="$2" data="$3" as_of="$4" round="${5:-}"
  local out="$data/out-$tool" log="$data/$tool.log"
  set_cmd "$tool" "$data" "$out" "$as_of"
  rm -rf "$out"
  if [ -z "$round" ]; then
    "${cmd[@]}" >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "$tool failed on $n patents (log: $log)"; }
  else
    echo "   round $round: $tool" >&2
    if ! /usr/bin/time -v -o "$data/$tool.time" "${cmd[@]}" >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "$tool failed on $n patents (log: $log)"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$round" "$(wall_seconds "$data/$tool.time")" \
      "$(cpu_seconds "$data/$tool.time" User)" "$(cpu_seconds "$data/$tool.time" System)" \
      "$(peak_kib "$data/$tool.time")" "$versions" >>"$tsv"
  fi
  case "$tool" in
    hvpat) floor_bytes="$(du -sb "$out" | cut -f1)" ;;
    hvpat-job) floor_job_bytes="$(du -sb "$out" | cut -f1)" ;;
    floor*) ;;
    *) [ -f "$out/institutions.csv" ] || die "$tool wrote no $out/institutions.csv" ;;
  esac
}

# ---------------------------------------------------------------- runs
for n in "${sizes[@]}"; do
  data="$bench_dir/syn$n"
  [ "$seed" = 1 ] || data="$bench_dir/syn$n-seed$seed"
  if [ -f "$data/.synth-done" ] && grep -q -- "--patents $n --seed $seed\$" "$data/hvpat.toml" 2>/dev/null; then
    echo "== $n patents: reusing $data" >&2
  else
    echo "== $n patents: hvpat synth --patents $n --seed $seed --out $data" >&2
    rm -rf "$data"
    "$hvpat" synth --patents "$n" --seed "$seed" --out "$data" >&2
    touch "$data/.synth-done"
  fi
  rows="$(($(wc -l <"$data/portfolio.csv") - 1))"
  year="$(sed -n 's/^year *= *\([0-9]\{4\}\).*/\1/p' "$data/hvpat.toml" | head -n1)"
  as_of="${year:-2025}-12-31"

  # A floor writes as many bytes as its hvpat run: that run goes first (untimed) when
  # it is not among the tools.
  for tool in hvpat hvpat-job; do
    floor="floor${tool#hvpat}"
    if [[ " ${tools[*]} " == *" $floor "* && " ${tools[*]} " != *" $tool "* ]]; then
      run_tool "$tool" "$n" "$data" "$as_of"
    fi
  done
  if [ "${WARM:-0}" = 1 ]; then
    for tool in "${tools[@]}"; do
      echo "   $tool (warm-up)" >&2
      run_tool "$tool" "$n" "$data" "$as_of"
    done
  fi
  for round in $(seq 1 "$rounds"); do
    for tool in "${tools[@]}"; do
      run_tool "$tool" "$n" "$data" "$as_of" "$round"
    done
  done

  compared=()
  for tool in hvpat hvpat-job duckdb polars; do
    if [ -f "$data/out-$tool/institutions.csv" ]; then compared+=("$data/out-$tool/institutions.csv"); fi
  done
  if [ ${#compared[@]} -ge 2 ] && ! python3 "$here/compare_institutions.py" "${compared[@]}" >&2; then
    die "MISMATCH at $n patents: the institutions.csv files differ (see above; outputs in $data/out-*)"
  fi
  if [ -d "$data/out-hvpat" ] && [ -d "$data/out-hvpat-job" ]; then
    for f in institutions.csv patents.csv; do
      cmp -s "$data/out-hvpat/$f" "$data/out-hvpat-job/$f" ||
        die "$f of --outputs institutions.csv,patents.csv differs from the whole folder's at $n patents"
    done
  fi
  sizes_rows+=("$n:$rows")
done

# ---------------------------------------------------------------- table
table="$(python3 - "$tsv" "${sizes_rows[@]}" <<'EOF'
import csv, statistics, sys
runs = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rows_of = dict(a.split(":") for a in sys.argv[2:])
labels = {
    "hvpat-job": "hvpat, the same job (`--outputs institutions.csv,patents.csv`)",
    "hvpat": "hvpat, whole default folder",
    "floor-job": "floor of the same job (cat the inputs, write as many bytes as hvpat's same job)",
    "floor": "floor of the whole folder",
    "duckdb": "DuckDB peer (SQL)",
    "polars": "polars peer",
}
print("| patents | tool | wall (s), median (each round) | user + sys CPU (s) | patents/s | peak RSS (MiB) | speed-up vs faster peer | RSS / that peer's |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for size in dict.fromkeys(r["size"] for r in runs):
    n = int(rows_of[size])
    med = {}
    for tool in dict.fromkeys(r["tool"] for r in runs if r["size"] == size):
        rs = [r for r in runs if r["size"] == size and r["tool"] == tool]
        med[tool] = {
            "wall": statistics.median(float(r["wall_s"]) for r in rs),
            "user": statistics.median(float(r["user_s"]) for r in rs),
            "sys": statistics.median(float(r["sys_s"]) for r in rs),
            "cpu": statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs),
            "rss": statistics.median(int(r["peak_kib"]) for r in rs) / 1024,
            "walls": [float(r["wall_s"]) for r in rs],
        }
    peers = [t for t in ("duckdb", "polars") if t in med]
    peer = min(peers, key=lambda t: med[t]["wall"]) if peers else None
    for t in [t for t in labels if t in med]:
        m = med[t]
        speed = rss = ""
        if t.startswith("hvpat") and peer:
            speed = f"**{med[peer]['wall'] / m['wall']:.2f}×** ({'DuckDB' if peer == 'duckdb' else 'polars'})"
            rss = f"{m['rss'] / med[peer]['rss']:.2f}"
        walls = ", ".join(f"{w:.2f}" for w in m["walls"])
        print(f"| {n:,} | {labels[t]} | {m['wall']:.2f} ({walls}) | {m['user']:.2f} + {m['sys']:.2f} = {m['cpu']:.2f} "
              f"| {n / m['wall']:,.0f} | {m['rss']:,.0f} | {speed} | {rss} |")
EOF
)"
when="$(date -u +%Y-%m-%d)"
block="$(cat <<EOF
$table

Run $when with \`benches/e2e.sh ${sizes[*]}\`: synthetic portfolios (\`hvpat synth --seed $seed\`), as of ${as_of};
$rounds rounds, each running every tool once, alone, one after the other, all cores${warm_note}; medians of
wall clock, user and system CPU and peak RSS from GNU time (each round's wall time in brackets).
Every institutions.csv was identical, and the same job's files equal the whole folder's. Peers:
\`benches/peers/\` (same rules, native layout; they write patents.csv with the flags and institutions.csv).
hvpat's patents.csv also carries the evidence column; its whole folder adds Parquet, JSON, HTML and XLSX.
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
