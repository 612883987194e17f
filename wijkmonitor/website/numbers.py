"""Dutch number notation: decimal comma, thousands dot, CBS symbols for missing cells.

Rounding is half away from zero on the shortest decimal form of the float, as a
reader checking a figure by hand expects (2,675 -> 2,68), not the binary rounding
of ``format`` (2,67).
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal

from wijkmonitor.core.tidy import NOT_AVAILABLE, SECRET  # the CBS symbols, shown as they are

MINUS = "\u2212"  # a real minus sign: a hyphen is CBS's symbol for nil

# For charts: vega-embed's ``formatLocale`` (d3-format) with the same notation.
D3_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]}


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """18.5 -> "18,5"; 1234.5 -> "1.234,5"; -3.25 -> "−3,3"; missing -> ".".

    ``signed`` puts a plus before positive numbers (deviations: +20,0).
    """
    if _is_missing(value):
        return NOT_AVAILABLE
    if math.isinf(value):
        return NOT_AVAILABLE
    return _formatted(float(value), decimals, signed)


# The same figures come back on page after page (a gemeente's values on each of its
# buurten, the spread of a level on every area of it): formatted once each.
@functools.lru_cache(maxsize=1 << 16)
def _formatted(value: float, decimals: int, signed: bool) -> str:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "−0,0"
    digits = f"{abs(rounded):,.{decimals}f}"  # 1,234.5 — then swap the separators
    digits = digits.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if rounded < 0:
        return MINUS + digits
    if signed and rounded > 0:
        return "+" + digits
    return digits


def fmt_cell(
    value: float | None, status: str = "", decimals: int = 1, *, signed: bool = False
) -> str:
    """A table cell: the figure, or the CBS symbol for why there is none."""
    if status == SECRET:
        return SECRET
    if status == NOT_AVAILABLE or _is_missing(value):
        return NOT_AVAILABLE
    return fmt_number(value, decimals, signed=signed)


def fmt_int(value: float | int) -> str:
    """A count: 12345 -> "12.345"."""
    return fmt_number(float(value), 0)


def fmt_percent_change(value: float) -> str:
    """The size of a relative change, whole percent: 10.4 -> "10 %"."""
    return f"{fmt_number(abs(value), 0)} %"
