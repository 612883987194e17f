"""Membership tests on pandas' Arrow-backed string columns, done by Arrow.

pandas 3 keeps text as Arrow strings, and its ``isin`` on them turns every value looked
for into an Arrow scalar one at a time in Python: 0.07 s to check the parents of 17,000
regions against their codes, five such checks in loading a national monitor. Arrow's own
``is_in`` does the same in under a millisecond. Missing values keep pandas' rules (the
check is pandas' own when either side has one).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_in(column: pd.Series | pd.Index, values: Iterable[str]) -> np.ndarray:
    """``column.isin(values)`` as a bool array."""
    if isinstance(values, pd.Series | pd.Index):
        wanted = values
    else:
        wanted = pd.Index(list(values), dtype=object)
    fast = (
        isinstance(column.dtype, pd.StringDtype)
        and column.dtype.storage == "pyarrow"
        and not column.hasnans
        and not wanted.hasnans
    )
    if fast:
        try:  # values that are not all strings: pandas' own check
            value_set = pa.array(np.asarray(wanted, dtype=object), type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            fast = False
    if not fast:
        return np.asarray(column.isin(values), dtype=bool)
    found = pc.is_in(pa.array(column.array).cast(pa.large_string()), value_set=value_set)
    return np.asarray(found, dtype=bool)
