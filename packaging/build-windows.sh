#!/usr/bin/env bash
# Cross-build hvpat for 64-bit Windows into dist/:
#   hvpat-<version>-py3-none-win_amd64.whl   the wheel (pip/pipx/uv install it on Windows)
#   hvpat-<version>-windows-x86_64.zip       hvpat.exe with the README, the licence, the
#                                            concordance's MIT notice (the binary embeds
#                                            that data) and the third-party crate licences,
#                                            for users without Python
# Prerequisites: Rust with the x86_64-pc-windows-gnu target, Debian's
# gcc-mingw-w64-x86-64-posix, cargo-about (third-party licences), zip; maturin
# comes from PyPI (packaging/requirements.txt) into ~/.cache/hvpat-pack-venv.
source "$(dirname "$0")/common.sh"
target=x86_64-pc-windows-gnu
need cargo "https://rustup.rs (the Rust toolchain)"
need_target "$target"
need x86_64-w64-mingw32-gcc-posix "apt-get install gcc-mingw-w64-x86-64-posix"
need cargo-about "cargo install --locked --features cli cargo-about@0.9.3"
need zip "apt-get install zip"
tools_venv

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/hvpat-target-windows}"
# The posix-threads MinGW compiler for the C the crates build (mimalloc, zstd), and
# a static C runtime, so that hvpat.exe needs no MinGW DLL beside it.
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc-posix
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-C target-feature=+crt-static"
cd "$root"
mkdir -p "$dist"
maturin build --release --locked --target "$target" --out "$dist"
wheel="$dist/hvpat-$version-py3-none-win_amd64.whl"
[ -f "$wheel" ] || die "maturin did not write $wheel (see dist/)"
exe="$CARGO_TARGET_DIR/$target/release/hvpat.exe"
[ -f "$exe" ] || die "no $exe after the build"
if x86_64-w64-mingw32-objdump -p "$exe" | grep -i 'DLL Name' | grep -Eiq 'libgcc|libwinpthread|libstdc'; then
  die "$exe needs a MinGW DLL: $(x86_64-w64-mingw32-objdump -p "$exe" | grep -i 'DLL Name' | tr -s ' ' | tr '\n' ' ')"
fi

stage="$(mktemp -d)/hvpat-$version-windows-x86_64"
mkdir -p "$stage"
cp "$exe" "$stage/hvpat.exe"
x86_64-w64-mingw32-strip "$stage/hvpat.exe"
cp README.md "$stage/README.md"
cp LICENSE "$stage/LICENSE.txt"
cp data/NOTICE-concordance.md "$stage/NOTICE-concordance.md"
cargo about generate --locked --fail --target "$target" -c packaging/about.toml \
  packaging/about.hbs -o "$stage/THIRD-PARTY-LICENSES.html"
zipfile="$dist/hvpat-$version-windows-x86_64.zip"
rm -f "$zipfile"
(cd "$(dirname "$stage")" && TZ=UTC zip -qrX "$zipfile" "$(basename "$stage")")
rm -rf "$(dirname "$stage")"
echo "packaging: wrote $wheel"
echo "packaging: wrote $zipfile"
