#!/usr/bin/env bash
# Build the manylinux2014 x86_64 wheel (glibc 2.17 and later) into dist/:
# hvpat-<version>-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl.
# Prerequisites: Rust (rustup), python3 with venv; maturin, zig and cargo-zigbuild
# come from PyPI (packaging/requirements.txt) into ~/.cache/hvpat-pack-venv.
source "$(dirname "$0")/common.sh"
need cargo "https://rustup.rs (the Rust toolchain)"
need_target x86_64-unknown-linux-gnu
tools_venv
need python-zig "pip install ziglang (packaging/requirements.txt)"
need cargo-zigbuild "pip install cargo-zigbuild (packaging/requirements.txt)"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/hvpat-target-wheel-linux}"
cd "$root"
mkdir -p "$dist"
maturin build --release --locked --zig --compatibility manylinux2014 \
  --target x86_64-unknown-linux-gnu --out "$dist"
wheel="$dist/hvpat-$version-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
[ -f "$wheel" ] || die "maturin did not write $wheel (see dist/)"
echo "packaging: wrote $wheel"
