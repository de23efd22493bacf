# Shared by the packaging scripts (sourced): paths, the version, prerequisite checks.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="${DIST:-$root/dist}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}"
tools="$cache/hvpat-pack-venv"
# The version is Cargo.toml's, and only Cargo.toml's.
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)"

die() { echo "packaging: $*" >&2; exit 1; }

# need COMMAND "how to install it": stop with one line when a prerequisite is missing.
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing; install it with: $2"; }

need_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1" ||
    die "the Rust target $1 is missing; install it with: rustup target add $1"
}

# maturin, zig (the ziglang wheel) and cargo-zigbuild, pinned in requirements.txt, in
# their own virtual environment.
tools_venv() {
  need python3 "apt-get install python3 python3-venv"
  if ! "$tools/bin/python" -m pip freeze 2>/dev/null | sort | diff -q - <(grep -v '^#' "$root/packaging/requirements.txt" | sort) >/dev/null; then
    python3 -m venv "$tools" || die "cannot make a virtual environment in $tools; install python3-venv"
    "$tools/bin/pip" install --quiet --disable-pip-version-check -r "$root/packaging/requirements.txt" ||
      die "cannot install the packaging tools from PyPI: pip install -r packaging/requirements.txt"
  fi
  export PATH="$tools/bin:$PATH"
}

# A fresh virtual environment at $1 with the wheel $2 installed (and extras' packages $3…).
venv_with() {
  local venv="$1" wheel="$2"
  shift 2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" "$@"
}
