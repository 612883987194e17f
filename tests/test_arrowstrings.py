"""core/arrowstrings.is_in answers as pandas' isin does, on every kind of column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkmonitor.core.arrowstrings import is_in

CODES = [f"BU{i:08d}" for i in range(500)]
PARENTS = [f"WK{i % 37:06d}" if i % 7 else f"BU{i:08d}" for i in range(500)] + ["", "é"]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(PARENTS),  # pandas 3: Arrow-backed strings
        pd.Series(PARENTS, dtype=object),
        pd.Index(PARENTS),
        pd.Series([*PARENTS, None]),
        pd.Series(PARENTS).astype("category").cat.categories,
    ],
    ids=["arrow", "object", "index", "missing", "categories"],
)
@pytest.mark.parametrize(
    "values",
    [
        pd.Series(CODES),
        pd.Index(CODES),
        ("BU00000007", "é", "x"),
        [],
        pd.Series([*CODES, None]),
        [1, "BU00000014"],
    ],
    ids=["series", "index", "tuple", "empty", "with-missing", "mixed"],
)
def test_is_in_is_pandas_isin(column, values):
    expected = np.asarray(column.isin(values), dtype=bool)
    found = is_in(column, values)
    assert found.dtype == bool and found.shape == expected.shape
    assert (found == expected).all()


def test_the_parents_that_are_codes_are_found():
    found = is_in(pd.Series(PARENTS), pd.Series(CODES))
    assert found.sum() == len(range(0, 500, 7))  # BU codes every 7th row
    assert not found[-2:].any()  # "" and "é"
