"""What the installed wheel's Python part must do; run by test-linux-wheel.sh inside a
fresh virtual environment with the wheel installed, in a scratch folder.

    python test_wheel.py REPO_ROOT polars|pandas
"""

import subprocess
import sys
import warnings
from pathlib import Path

import hvpat

root = Path(sys.argv[1])
backend = sys.argv[2]
sample = root / "data" / "sample"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


# The binary the wheel put on PATH is the one the package finds.
found = hvpat.find_hvpat_bin()
check(Path(found).parent == Path(sys.executable).parent, f"find_hvpat_bin() is the venv's scripts folder: {found}")
version = subprocess.run([sys.executable, "-m", "hvpat", "--version"], capture_output=True, text=True)
check(version.returncode == 0 and version.stdout.startswith("hvpat "), f"python -m hvpat --version: {version.stdout.strip()}")

# Keyword arguments become flags.
check(
    hvpat.command_line("a.csv", as_of="2024-12-31", outputs=["institutions.csv", "patents.csv"], if_changed=True,
                       json=False, families=None)
    == ["run", "a.csv", "--as-of", "2024-12-31", "--outputs", "institutions.csv,patents.csv", "--if-changed"],
    "command_line: as_of → --as-of, a list comma-joined, True bare, False/None left out",
)

# A whole folder, and the same run with CSVs only.
whole = hvpat.run(config=sample / "hvpat.toml", out="whole")
check(whole == Path("whole") and (whole / "patents.parquet").is_file(), f"run returns its output folder: {whole}")
csv_only = hvpat.run(config=sample / "hvpat.toml", out="csv-only",
                     outputs=["institutions.csv", "patents.csv", "quality.csv", "conversion.csv"])
frames = hvpat.read(whole)
check(sorted(frames) == sorted(hvpat._frames.TABLES), f"read: every table of the folder: {sorted(frames)}")
from_csv = hvpat.read(csv_only)
check(sorted(from_csv) == sorted(hvpat._frames.TABLES), f"read: the CSV-only folder's tables: {sorted(from_csv)}")

inst = frames["institutions"]
if backend == "polars":
    import polars as pl

    check(isinstance(inst, pl.DataFrame), "read gives polars frames when polars is installed")
    dtypes = dict(zip(inst.columns, inst.dtypes))
    check(dtypes["institution"] == pl.String and dtypes["valid_inventions"] == pl.UInt64
          and dtypes["high_value_share"] == pl.Float64 and dtypes["received_wan"] == pl.Float64,
          f"institutions' dtypes: institution {dtypes['institution']}, valid_inventions {dtypes['valid_inventions']}, "
          f"high_value_share {dtypes['high_value_share']}")
    pat = frames["patents"]
    check(pat.schema["filing_date"] == pl.Date and pat.schema["d3_maintained"] == pl.Boolean
          and pat.schema["dimensions"] == pl.UInt32, "patents' dtypes: dates, booleans, dimensions UInt32")
    for name in ("institutions", "patents", "quality"):
        check(frames[name].equals(from_csv[name]), f"{name}: read from CSV equals read from Parquet (values and dtypes)")
    first = inst.row(0, named=True)
else:
    import pandas as pd

    check(isinstance(inst, pd.DataFrame), "read gives pandas frames when only pandas is installed")
    check(str(inst["valid_inventions"].dtype) == "uint64[pyarrow]" and str(inst["high_value_share"].dtype) == "double[pyarrow]"
          and str(inst["institution"].dtype) in ("string[pyarrow]", "large_string[pyarrow]"),
          f"institutions' dtypes: {inst['institution'].dtype}, {inst['valid_inventions'].dtype}, {inst['high_value_share'].dtype}")
    check(str(frames["patents"]["filing_date"].dtype) == "date32[day][pyarrow]", "patents' filing_date is a date")
    for name in ("institutions", "patents", "quality"):
        a, b = frames[name], from_csv[name]
        check(list(a.dtypes.astype(str)) == list(b.dtypes.astype(str)) and a.equals(b),
              f"{name}: read from CSV equals read from Parquet (values and dtypes)")
    first = inst.iloc[0].to_dict()

# Under fractional counting the counts are floats, from CSV as from Parquet.
Path("fractional.toml").write_text(
    (sample / "hvpat.toml").read_text(encoding="utf-8").replace('out = "../../hvpat-out"', 'counting = "fractional"')
    .replace('portfolio = ["portfolio.csv"]', f'portfolio = ["{(sample / "portfolio.csv").as_posix()}"]')
    .replace('"families.csv"', f'"{(sample / "families.csv").as_posix()}"')
    .replace('"pledges.csv"', f'"{(sample / "pledges.csv").as_posix()}"')
    .replace('"awards.csv"', f'"{(sample / "awards.csv").as_posix()}"')
    .replace('"transactions.csv"', f'"{(sample / "transactions.csv").as_posix()}"'),
    encoding="utf-8",
)
frac = hvpat.read(hvpat.run(config="fractional.toml", out="frac"))["institutions"]
frac_csv = hvpat.read(hvpat.run(config="fractional.toml", out="frac-csv", outputs=["institutions.csv"]))["institutions"]
if backend == "polars":
    check(frac.schema["valid_inventions"] == pl.Float64 and frac.equals(frac_csv),
          "fractional counting: counts Float64, CSV equals Parquet")
else:
    check(str(frac["valid_inventions"].dtype) == "double[pyarrow]" and frac.equals(frac_csv),
          "fractional counting: counts double, CSV equals Parquet")

# The figures are the CSV's.
import csv

with open(whole / "institutions.csv", encoding="utf-8-sig", newline="") as f:
    row = next(csv.DictReader(f))
check(first["institution"] == row["institution"] and str(first["valid_inventions"]) == row["valid_inventions"],
      f"first institution: {first['institution']} {first['valid_inventions']} valid inventions, as institutions.csv says")

# Exit 4 returns, with a warning carrying hvpat's last line.
malformed = root / "tests" / "fixtures" / "malformed"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out = hvpat.run(malformed / "portfolio.csv", pledges=malformed / "pledges.csv", as_of="2025-12-31", out="four")
warned = [w for w in caught if issubclass(w.category, hvpat.AttentionWarning)]
check(out == Path("four") and len(warned) == 1 and "portfolio rows rejected" in str(warned[0].message),
      f"exit 4 returns the folder with an AttentionWarning: {warned[0].message if warned else None}")

# Any other failure raises RunError with the last line.
try:
    hvpat.run(sample / "portfolio.csv", as_of="not-a-date", out="bad")
    check(False, "a bad --as-of raises RunError")
except hvpat.RunError as e:
    check(e.code == 2 and "as-of" in e.message, f"a bad --as-of raises RunError (exit {e.code}): {e.message}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
