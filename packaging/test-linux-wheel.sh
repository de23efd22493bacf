#!/usr/bin/env bash
# Test the Linux wheel that build-linux.sh wrote: installed into fresh virtual
# environments, its hvpat runs the sample with outputs byte-identical to
# `cargo run --release` (manifest aside), and its Python part (hvpat.run, hvpat.read)
# does what packaging/test_wheel.py asks, with polars and with pandas alone.
source "$(dirname "$0")/common.sh"
need cargo "https://rustup.rs (the Rust toolchain)"
need python3 "apt-get install python3 python3-venv"
wheel="$dist/hvpat-$version-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
[ -f "$wheel" ] || die "no $wheel: run packaging/build-linux.sh first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== the binary needs glibc 2.17 at most"
unzip -q -o "$wheel" -d "$work/unpacked"
newest="$(objdump -T "$work"/unpacked/hvpat-"$version".data/scripts/hvpat | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -1)"
echo "newest glibc symbol: $newest"
[ "$(printf '%s\nGLIBC_2.17\n' "$newest" | sort -V | tail -1)" = "GLIBC_2.17" ] || die "the binary needs $newest"

echo "== the sample: the wheel's hvpat against cargo run --release"
venv_with "$work/venv-polars" "$wheel" polars
(cd "$root" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/hvpat-target}" \
  cargo run --release --locked --quiet -- run --config data/sample/hvpat.toml --out "$work/cargo-out" --quiet)
(cd "$root" && "$work/venv-polars/bin/hvpat" run --config data/sample/hvpat.toml --out "$work/wheel-out" --quiet)
diff -rq -x manifest.json "$work/cargo-out" "$work/wheel-out" || die "the wheel's outputs differ from cargo run's"
echo "ok   $(ls "$work/wheel-out" | grep -vc manifest.json) files byte-identical (manifest aside)"

echo "== hvpat.run and hvpat.read with polars"
mkdir -p "$work/polars" && (cd "$work/polars" && "$work/venv-polars/bin/python" "$root/packaging/test_wheel.py" "$root" polars)

echo "== hvpat.read with pandas (and pyarrow) alone"
venv_with "$work/venv-pandas" "$wheel" pandas pyarrow
mkdir -p "$work/pandas" && (cd "$work/pandas" && "$work/venv-pandas/bin/python" "$root/packaging/test_wheel.py" "$root" pandas)
echo "packaging: the Linux wheel passed"
