#!/usr/bin/env python3
"""Convert the cn-patent-ipc reference (MIT) into data/concordance.csv.

Usage: python3 data/convert_concordance.py ../shared/reference/cn-patent-ipc > data/concordance.csv

One row per (IPC code, SEI category): rows of the reference that name the same
category through several rules are merged. The legacy rows of SPEC §1 (H01L and
its H10 successors, G06K 9 and its successor G06V) are appended with legacy=true.
"""
import json
import sys
from pathlib import Path

# Upstream truncates this one name ("新能源汽车相关服"); the 2018 classification has the full name.
NAME_FIXES = {"5.4": "新能源汽车相关服务"}

LEGACY = [
    ("H01L", "1.2"),
    ("H01L31/00", "6.3"),
    ("H10B", "1.2"),
    ("H10D", "1.2"),
    ("H10F", "1.2"),
    ("H10F", "6.3"),
    ("H10H", "1.2"),
    ("H10K", "1.2"),
    ("H10N", "1.2"),
    ("G06K9/00", "1.5"),
    ("G06V", "1.5"),
]


def main():
    ref = Path(sys.argv[1])
    names = {}
    rule_code = {}
    for line in (ref / "sei.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        code = row["seiCode"]
        rule_code[row["id"]] = code
        names.setdefault(code, NAME_FIXES.get(code, row["seiName"]))
    seen = set()
    out = sys.stdout
    out.write("ipc,sei_code,sei_name,legacy\n")
    for line in (ref / "ipc-sei.jsonl").read_text(encoding="ascii").splitlines():
        row = json.loads(line)
        code = rule_code[row["seiId"]]
        key = (row["ipcCode"], code)
        if key in seen:
            continue
        seen.add(key)
        out.write(f"{row['ipcCode']},{code},{names[code]},false\n")
    for ipc, code in LEGACY:
        if (ipc, code) not in seen:
            out.write(f"{ipc},{code},{names[code]},true\n")


if __name__ == "__main__":
    main()
