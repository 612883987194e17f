"""Write a build's results as CSV: the tables behind every figure on the site."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandas.api.types import is_float_dtype, is_integer_dtype

from wijkmonitor.core.atomic import naming, replacing
from wijkmonitor.core.compute import Results

# Six decimals is far below any published precision, and keeps the files readable.
DECIMALS = 6
CHUNK_ROWS = 500_000
# A text cell that starts like this is a formula to a spreadsheet (CSV injection): it gets
# a leading apostrophe. A lone "-" (CBS: nil) is left alone; numeric columns are never text.
FORMULA_START = r"^(?:[=+@\t\r]|-.)"


def _inert(array: pa.Array) -> pa.Array:
    """Text cells that a spreadsheet would run as a formula, prefixed with '."""
    risky = pc.match_substring_regex(array, FORMULA_START)
    return pc.if_else(risky, pc.binary_join_element_wise("'", array, ""), array)


def write_csv(frame: pd.DataFrame, path: Path, synthetic: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV with a header; fast (Arrow) and byte-for-byte stable.

    A failed write (disk full) raises an OSError naming ``path``: Arrow's names none."""
    options = pacsv.WriteOptions(quoting_style="needed")
    schema = _arrow_chunk(frame.iloc[:0], synthetic).schema
    with naming(path), pacsv.CSVWriter(path, schema, write_options=options) as writer:
        # In chunks: the Arrow copy of a national results table would double the memory.
        for start in range(0, len(frame), CHUNK_ROWS):
            writer.write_table(_arrow_chunk(frame.iloc[start : start + CHUNK_ROWS], synthetic))
    return path


def _arrow_chunk(frame: pd.DataFrame, synthetic: bool) -> pa.Table:
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if is_float_dtype(column.dtype):
            columns[name] = pa.array(
                column.round(DECIMALS).to_numpy(), type=pa.float64(), from_pandas=True
            )
        elif is_integer_dtype(column.dtype):
            columns[name] = pa.array(column.to_numpy(), type=pa.int64())
        elif isinstance(column.dtype, pd.CategoricalDtype):
            # Codes plus categories: millions of region codes without a Python string each.
            categories = pa.array(
                column.cat.categories.astype(str).to_numpy(dtype=object), pa.string()
            )
            codes = pa.array(column.cat.codes.to_numpy(), mask=column.isna().to_numpy())
            # Only the categories need checking: a handful of strings, not a row each.
            categories = _inert(categories)
            columns[name] = pa.DictionaryArray.from_arrays(codes, categories).cast(pa.string())
        else:
            text = pa.array(column.astype(str).to_numpy(dtype=object), pa.string())
            columns[name] = _inert(text)
    if synthetic:
        # Synthetic figures carry their label wherever they travel.
        columns["data"] = pa.array(np.full(len(frame), "synthetic", dtype=object), pa.string())
    return pa.table(columns)


def write_results(results: Results, out: Path) -> list[Path]:
    """Write ``results.csv`` and ``changes.csv`` into ``out``; return their paths."""
    out = Path(out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    synthetic = results.monitor.synthetic
    targets = [out / "results.csv", out / "changes.csv"]
    try:
        with replacing(targets) as (values, changes):
            write_csv(results.values, values, synthetic)
            write_csv(results.changes, changes, synthetic)
    except BaseException:
        if created:  # a failed first run leaves no empty directory behind either
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    return targets
