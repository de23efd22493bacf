#!/usr/bin/env python3
"""fuzz/Cargo.lock (the fuzz crate is its own workspace) must lock every package it
shares with Cargo.lock at a version Cargo.lock has: then the fuzz crate is built against the
dependencies the project ships, and `.ci/run`'s check of it reuses what clippy has
just checked instead of checking polars a second time. Exits 1, with the fix, when
they differ."""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def versions(path):
    """Package name -> the versions locked (a package may be locked at several)."""
    text = open(os.path.join(root, path)).read()
    out = {}
    for m in re.finditer(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', text):
        out.setdefault(m.group(1), set()).add(m.group(2))
    return out


main, fuzz = versions('Cargo.lock'), versions('fuzz/Cargo.lock')
shared = main.keys() & fuzz.keys()
# Dev-dependencies' versions are in Cargo.lock only: the fuzz crate's must be a subset.
differ = sorted(n for n in shared if not fuzz[n] <= main[n])
for n in differ:
    print(f'fuzz/Cargo.lock: {n} {", ".join(sorted(fuzz[n]))}; Cargo.lock: {", ".join(sorted(main[n]))}')
if differ or 'hvpat' not in shared:
    print('fix: cp Cargo.lock fuzz/Cargo.lock && cargo metadata --manifest-path fuzz/Cargo.toml --format-version 1 >/dev/null')
    sys.exit(1)
print(f'fuzz/Cargo.lock: the {len(shared)} packages it shares with Cargo.lock at versions Cargo.lock has')
