#!/usr/bin/env python3
"""Compare two or more institutions.csv files on the SPEC's columns (SPEC §5).

    compare_institutions.py REFERENCE.csv OTHER.csv [OTHER.csv ...] [--max N]

Every file must have the SPEC's columns (extra columns such as hvpat's trailing
`parent` are ignored) and the same rows in the same order. Counts are compared
exactly (as integers, or as decimals under fractional counting);
`high_value_share` as a number within 1e-9 (so `0.75` equals `0.7500`). Prints
the first differences and exits 1 if any file differs from the first, 2 on a
missing column or an unreadable file, 0 when all agree. Stdlib only.
"""
import argparse
import csv
import sys
from decimal import Decimal, InvalidOperation

COLUMNS = ["institution", "type", "patents", "inventions", "valid_inventions", "high_value",
           "high_value_share", "d1_sei", "d2_overseas", "d3_maintained", "d4_pledge", "d5_award"] + \
          [f"sei_{k}" for k in range(1, 10)] + ["valid_inventions_prev", "high_value_prev"]
TEXT = {"institution", "type"}


def load(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ValueError(f"{path}: empty file")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    idx = [header.index(c) for c in COLUMNS]
    return [[r[i] if i < len(r) else "" for i in idx] for r in rows[1:] if any(x.strip() for x in r)]


def same(col, a, b):
    if col in TEXT:
        return a == b
    try:
        x, y = Decimal(a.strip()), Decimal(b.strip())
    except InvalidOperation:
        return a == b
    if col == "high_value_share":
        return abs(x - y) <= Decimal("1e-9")
    return x == y


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", help="reference first, then the files to check against it")
    ap.add_argument("--max", type=int, default=10, help="differences to print per file (default 10)")
    a = ap.parse_args(argv)
    if len(a.files) < 2:
        ap.error("give at least two files")
    try:
        tables = [load(p) for p in a.files]
    except (OSError, ValueError) as e:
        print(f"compare_institutions: {e}", file=sys.stderr)
        return 2
    ref, ref_path = tables[0], a.files[0]
    failed = False
    for path, other in zip(a.files[1:], tables[1:]):
        diffs = []
        if len(other) != len(ref):
            diffs.append(f"{len(ref)} rows in {ref_path}, {len(other)} in {path}")
        ref_names = {r[0] for r in ref}
        other_names = {r[0] for r in other}
        only_ref = sorted(ref_names - other_names)
        only_other = sorted(other_names - ref_names)
        if only_ref:
            diffs.append(f"only in {ref_path}: {', '.join(only_ref[:5])}{' …' if len(only_ref) > 5 else ''}")
        if only_other:
            diffs.append(f"only in {path}: {', '.join(only_other[:5])}{' …' if len(only_other) > 5 else ''}")
        for line, (r, o) in enumerate(zip(ref, other), start=2):
            for col, x, y in zip(COLUMNS, r, o):
                if not same(col, x, y):
                    diffs.append(f"line {line} ({r[0]} / {o[0]}): {col} = {x!r} in reference, {y!r} in {path}")
        if diffs:
            failed = True
            print(f"DIFFER: {path} vs {ref_path}: {len(diffs)} difference(s)", file=sys.stderr)
            for d in diffs[: a.max]:
                print(f"  {d}", file=sys.stderr)
        else:
            print(f"same: {path} = {ref_path} ({len(ref)} institutions)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
