"""``hvpat.read``: a run's output folder as data frames, typed as the Parquet files are.

A table is read from its Parquet file where the run wrote one, else from its CSV,
whose text cells get the types the Parquet writer gives (README "Outputs"): dates
(a date known to the year only is null), booleans, whole counts (floats under
fractional counting), shares and amounts as floats, everything else text.
"""

import csv
import os
from pathlib import Path

# The tables of an output folder, by key: the file stem.
TABLES = ("institutions", "patents", "quality", "conversion", "rejects", "warnings", "unresolved")

# The columns whose type is not a count, by table (the same name may be a flag in
# patents and a count in institutions).
_PATENT_FLAGS = ("eligible", "d1_sei", "d2_overseas", "d3_maintained", "d4_pledge", "d5_award", "high_value")
_MONEY = {"received_wan": "float", "reward_wan": "float"}
_INDICATORS = ("scope", "family_size", "family_offices", "grant_lag_days", "age_years", "claims", "cited_by", "cites")
_RELATIVE = ("scope_rel", "family_size_rel", "claims_rel", "cited_by_rel")
NAMED = {
    "patents": {"filing_date": "date", "grant_date": "date", "dimensions": "u32",
                **{flag: "bool" for flag in _PATENT_FLAGS},
                **{name: "u32" for name in _INDICATORS}, **{name: "float" for name in _RELATIVE},
                "top10_cited": "bool"},
    "quality": {**{f"{name}_{figure}": "float" for name in _INDICATORS + _RELATIVE for figure in ("median", "mean")},
                "top10_cited_share": "float"},
    "institutions": {"high_value_share": "float", **_MONEY},
    "conversion": {"conversion_rate": "float", **_MONEY},
}
TEXTS = frozenset({
    "patent_id", "pub_no", "title", "kind", "status", "holders", "ipc", "sei_codes", "evidence",
    "institution", "type", "parent", "file", "column", "value", "reason", "raw", "name",
})


def kind_of(table: str, column: str, cells) -> str:
    """``date``, ``bool``, ``float``, ``u32``, ``u64`` or ``text`` for a CSV column.

    A column not named above is a count: whole numbers, or floats when a cell has a
    decimal point (fractional counting); a column whose cells are not numbers is text.
    """
    if column in TEXTS:
        return "text"
    named = NAMED.get(table, {}).get(column)
    if named:
        return named
    filled = [c for c in cells if c != ""]
    try:
        numbers = [float(c) for c in filled]
    except ValueError:
        return "text"
    if any("." in c for c in filled) or any(n < 0 for n in numbers):
        return "float"
    return "u64"


def _csv_columns(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0] if rows else []
    columns = {name: [r[k] if k < len(r) else "" for r in rows[1:]] for k, name in enumerate(header)}
    return header, columns


def backend_available(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def read(out, backend=None) -> dict:
    """Every table present in the output folder ``out``, by name (``institutions``,
    ``patents``, ``conversion``, ``rejects``, ``warnings``, ``unresolved``).

    ``quality`` too where the run wrote it. ``backend`` is ``"polars"`` or ``"pandas"``; by default polars when it is
    installed, else pandas (with pyarrow).
    """
    out = Path(os.fspath(out))
    if not out.is_dir():
        raise FileNotFoundError(f"{out}: no such output folder")
    if backend is None:
        backend = "polars" if backend_available("polars") else "pandas" if backend_available("pandas") else None
    if backend == "polars":
        reader = _polars_table
    elif backend == "pandas":
        reader = _pandas_table
    else:
        raise ImportError("hvpat.read needs polars or pandas: pip install 'hvpat[polars]' or 'hvpat[pandas]'")
    frames = {}
    for name in TABLES:
        parquet, text = out / f"{name}.parquet", out / f"{name}.csv"
        if parquet.is_file() or text.is_file():
            frames[name] = reader(name, parquet if parquet.is_file() else None, text)
    return frames


def _polars_table(table, parquet, text):
    import polars as pl

    if parquet is not None:
        return pl.read_parquet(parquet)
    header, columns = _csv_columns(text)
    series = []
    for name in header:
        cells = columns[name]
        kind = kind_of(table, name, cells)
        s = pl.Series(name, cells, dtype=pl.String)
        empty_is_null = pl.when(pl.col(name) == "").then(None).otherwise(pl.col(name))
        if kind == "text":
            series.append(s)
            continue
        expr = {
            "date": empty_is_null.str.to_date("%Y-%m-%d", strict=False),
            "bool": empty_is_null == "true",
            "float": empty_is_null.cast(pl.Float64),
            "u32": empty_is_null.cast(pl.UInt32),
            "u64": empty_is_null.cast(pl.UInt64),
        }[kind]
        series.append(pl.DataFrame([s]).select(expr.alias(name)).to_series())
    return pl.DataFrame(series) if series else pl.DataFrame()


def _pandas_table(table, parquet, text):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if parquet is not None:
        table = pq.read_table(parquet)
        # polars writes text as Arrow string views; text read from CSV is plain strings.
        schema = pa.schema([f.with_type(pa.string()) if pa.types.is_string_view(f.type) or pa.types.is_large_string(f.type)
                            else f for f in table.schema])
        return table.cast(schema).to_pandas(types_mapper=pd.ArrowDtype)
    header, columns = _csv_columns(text)
    arrays = []
    for name in header:
        cells = columns[name]
        kind = kind_of(table, name, cells)
        strings = pa.array(cells, type=pa.string())
        if kind == "text":
            arrays.append(strings)
            continue
        nulled = pa.array([c if c != "" else None for c in cells], type=pa.string())
        if kind == "date":
            arrays.append(pc.cast(pc.strptime(nulled, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32()))
        elif kind == "bool":
            arrays.append(pc.equal(nulled, "true"))
        else:
            arrays.append(pc.cast(nulled, {"float": pa.float64(), "u32": pa.uint32(), "u64": pa.uint64()}[kind]))
    return pa.table(arrays, names=header).to_pandas(types_mapper=pd.ArrowDtype)
