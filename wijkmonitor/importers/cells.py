"""Cells of a StatLine export: numbers, statistical symbols and period labels.

Symbols (the CBS symbols of :mod:`wijkmonitor.core.tidy`) become a status next to
the value:

- ``.``  not available: value NaN, status ``.``
- ``x``  secret (suppressed): value NaN, status ``x``
- ``-``  nil, the figure is zero: value 0.0, status ``-``
- an empty cell (exports without symbols): value NaN, status ``.``

``-`` keeps value 0 because nil *is* a figure (nothing happened), unlike ``.`` and
``x``; the status keeps the distinction visible. Surrounding spaces (StatLine
right-aligns numbers with leading spaces) are ignored.

A number beyond ``MAX_FIGURE`` (10^15) is not understood: it is no figure a monitor
can hold, and a cell of 400 digits would otherwise be read as infinity.

The decimal separator is decided once per file from all its number cells; see
:func:`detect_decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wijkmonitor.core.tidy import MAX_FIGURE, NOT_AVAILABLE, SYMBOL_FIGURES


def _grouped(sep: str, groups: str = "+") -> str:
    """Digits grouped by ``sep`` (escaped) in threes, not starting with 0: "1.234.567"."""
    return r"-?[1-9]\d{0,2}(?:" + sep + r"\d{3})" + groups


def _single(sep: str) -> str:
    """A number with the separator once: "0,123", "-12.5"."""
    return r"-?\d+" + sep + r"\d+"


PERIOD_RE = r"(?P<year>\d{4})(?:JJ00)?(?P<mark>\*{0,2})"


@dataclass(frozen=True)
class DecimalDecision:
    """The decimal separator of a file and why: for the import summary."""

    decimal: str  # "." or ","
    reason: str


def _evidence(cells: pd.Series, sep: str, other: str) -> tuple[pd.Series, pd.Series]:
    """(cells that prove ``sep`` is the decimal separator, cells that prove ``other`` is)."""
    s, o = "\\" + sep, "\\" + other
    single = cells.str.fullmatch(_single(s))
    could_group = cells.str.fullmatch(_grouped(s))
    two_groups = cells.str.fullmatch(_grouped(s, "{2,}"))
    both = cells.str.fullmatch(_grouped(o) + s + r"\d+")
    decimal_proof = (single & ~could_group) | both
    # "1.234.567" or "1.234,5": the point groups thousands, so the comma is the decimal.
    other_proof = two_groups & ~cells.str.contains(o, regex=True)
    return decimal_proof, other_proof


def detect_decimal(cells: pd.Series) -> tuple[DecimalDecision, pd.Series, pd.Series]:
    """Decide the decimal separator of a file from its (stripped) number cells.

    A cell proves the comma is the decimal separator when it has one comma that cannot
    be a thousands separator (``0,123``, ``12,5``, ``1234,56``) or a point grouping
    thousands before it (``1.234,5``, ``1.234.567``); likewise for the point. Cells like
    ``1,234`` prove nothing. Proof for both is a conflict (returned for the caller to
    report); no proof at all falls back to the separator that occurs, if any (StatLine
    CSV exports never group thousands), else the point.

    Returns (decision, cells proving comma, cells proving point).
    """
    cells = cells.astype(str)
    comma_dec, point_by_comma = _evidence(cells, ",", ".")
    point_dec, comma_by_point = _evidence(cells, ".", ",")
    comma = comma_dec | comma_by_point
    point = point_dec | point_by_comma
    if comma.any() and not point.any():
        return (
            DecimalDecision(",", "decimal comma (e.g. " + cells[comma].iloc[0] + ")"),
            comma,
            point,
        )
    if point.any() and not comma.any():
        return (
            DecimalDecision(".", "decimal point (e.g. " + cells[point].iloc[0] + ")"),
            comma,
            point,
        )
    if comma.any() and point.any():
        return DecimalDecision("?", "conflict"), comma, point
    has_comma = cells.str.contains(",", regex=False).any()
    has_point = cells.str.contains(".", regex=False).any()
    if has_comma and not has_point:
        return (
            DecimalDecision(",", "assumed decimal comma (only ambiguous cells such as 1,234)"),
            comma,
            point,
        )
    if has_point and not has_comma:
        return (
            DecimalDecision(".", "assumed decimal point (only ambiguous cells such as 1.234)"),
            comma,
            point,
        )
    return DecimalDecision(".", "whole numbers only"), comma, point


def parse_numbers(cells: pd.Series, decimal: str) -> pd.Series:
    """Stripped number cells -> float; NaN where the cell is not a number in this notation.

    Thousands separators (the other of point/comma, or a space) are accepted only in
    groups of three digits.
    """
    cells = cells.astype(str)
    thousands = "," if decimal == "." else "."
    d, t = "\\" + decimal, "\\" + thousands
    plain = cells.str.fullmatch(r"-?\d+(?:" + d + r"\d+)?")
    grouped = cells.str.fullmatch(_grouped("[" + t + " ]") + r"(?:" + d + r"\d+)?")
    ok = plain | grouped
    normal = cells.where(ok).str.replace(thousands, "", regex=False).str.replace(" ", "")
    normal = normal.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(normal, errors="coerce")


def out_of_range(numbers: pd.Series) -> pd.Series:
    """Numbers no monitor accepts as a figure (core.tidy.MAX_FIGURE): a cell of 400
    digits parses, as infinity, and would break every sum it enters."""
    return numbers.abs() > MAX_FIGURE


def parse_cells(cells: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Stripped measure cells -> (value, status, understood mask).

    A number out of range (see :func:`out_of_range`) is not understood."""
    cells = cells.astype(str)
    empty = cells == ""
    symbol = cells.isin(list(SYMBOL_FIGURES))
    numbers = parse_numbers(cells, decimal)
    value = numbers.where(~symbol, cells.map(SYMBOL_FIGURES)).astype(float)
    status = cells.where(symbol, "").mask(empty, NOT_AVAILABLE)
    understood = symbol | empty | (numbers.notna() & ~out_of_range(numbers))
    return value, status, understood


def parse_periods(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Period labels -> (year as nullable Int64, provisional marker "" / "*" / "**").

    Accepted: ``2019``, ``2019JJ00`` (the StatLine code of a year), each optionally
    followed by ``*`` (voorlopig) or ``**`` (nader voorlopig). Anything else (quarters,
    months, ``2018/2019``) gives <NA>.
    """
    parts = labels.astype(str).str.strip().str.extract("^" + PERIOD_RE + "$")
    return pd.to_numeric(parts["year"]).astype("Int64"), parts["mark"].fillna("")
