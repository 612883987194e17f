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


_INFINITE = (math.inf, -math.inf)


def _no_figure(value: float | None) -> bool:
    """Missing, NaN or infinite: nothing to show but the symbol for "no figure"."""
    return value is None or value != value or value in _INFINITE  # NaN != NaN


def fmt_number(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """18.5 -> "18,5"; 1234.5 -> "1.234,5"; -3.25 -> "−3,3"; missing -> ".".

    ``signed`` puts a plus before positive numbers (deviations: +20,0).
    """
    if _no_figure(value):
        return NOT_AVAILABLE
    return _formatted(float(value), decimals, signed)


# The same figures come back on page after page (a gemeente's values on each of its
# buurten, the spread of a level on every area of it): formatted once each.
@functools.lru_cache(maxsize=1 << 16)
def _formatted(value: float, decimals: int, signed: bool) -> str:
    shortest = repr(float(value))  # "18.45", "-2.675", "1234.0"; "1e-05" has an exponent
    whole, point, fraction = shortest.lstrip("-").partition(".")
    if "e" in shortest or not point or decimals < 0:
        return _formatted_decimal(value, decimals, signed)
    # Half away from zero on the shortest decimal form: the digits kept, plus one when
    # the first digit dropped is 5 or more (integers, so exact).
    kept = int(whole + fraction[:decimals].ljust(decimals, "0"))
    if fraction[decimals : decimals + 1] >= "5":
        kept += 1
    return _notation(kept, decimals, shortest[0] == "-", signed)


def _formatted_decimal(value: float, decimals: int, signed: bool) -> str:
    """The same rounding with Decimal, for the forms the fast path does not read."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return _notation(int(abs(rounded).scaleb(decimals)), decimals, rounded < 0, signed)


def _notation(kept: int, decimals: int, negative: bool, signed: bool) -> str:
    """``kept`` units of 10**-decimals in Dutch notation: 123456, 1 -> "12.345,6"."""
    whole, fraction = divmod(kept, 10**decimals)
    digits = f"{whole:,}".replace(",", ".")
    if decimals > 0:
        digits += "," + str(fraction).rjust(decimals, "0")
    if kept == 0:
        return digits  # never "−0,0"
    if negative:
        return MINUS + digits
    return "+" + digits if signed else digits


def fmt_cell(
    value: float | None, status: str = "", decimals: int = 1, *, signed: bool = False
) -> str:
    """A table cell: the figure, or the CBS symbol for why there is none."""
    if status:
        if status == SECRET:
            return SECRET
        if status == NOT_AVAILABLE:
            return NOT_AVAILABLE
    if _no_figure(value):
        return NOT_AVAILABLE
    return _formatted(float(value), decimals, signed)


def fmt_int(value: float | int) -> str:
    """A count: 12345 -> "12.345"."""
    return fmt_number(float(value), 0)


def fmt_percent_change(value: float) -> str:
    """The size of a relative change, whole percent: 10.4 -> "10 %"."""
    return f"{fmt_number(abs(value), 0)} %"
