"""CBS region codes: recognise the level of a code and derive its parent.

Base regions in a monitor are gemeenten (``GM0363``), wijken (``WK036300``), buurten
(``BU03630000``) and four-digit postcode areas (``1024``). The parent of a buurt and a
wijk follows from the code itself (the codes nest: ``BU03630000`` -> ``WK036300`` ->
``GM0363``); the gemeente of a PC4 does not, so it is left empty unless a regions file
says otherwise.

Codes above gemeente level (``NL00``/``NL01`` Nederland, ``PV`` provincie, ``LD``
landsdeel, ``CR`` COROP) are recognised but are not base regions in the contract: an
importer skips their rows and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from wijkmonitor.core.regions import REGION_COLUMNS, read_regions_csv

BASE_LEVELS = ("gemeente", "wijk", "buurt", "pc4")
ABOVE_GEMEENTE = "above_gemeente"

# Full-match patterns, tried in order; the first that matches gives the level.
LEVEL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("gemeente", r"GM\d{4}"),
    ("wijk", r"WK\d{6}"),
    ("buurt", r"BU\d{8}"),
    ("pc4", r"[1-9]\d{3}"),
    (ABOVE_GEMEENTE, r"(?:NL|PV|LD|CR)\d{2}"),
)


def region_levels(codes: pd.Series) -> pd.Series:
    """Level of every (already stripped) code; "" where the code is not understood."""
    levels = pd.Series("", index=codes.index, dtype=object)
    codes = codes.astype(str)
    for level, pattern in reversed(LEVEL_PATTERNS):
        levels = levels.mask(codes.str.fullmatch(pattern), level)
    return levels


def derived_parents(codes: pd.Series, levels: pd.Series) -> pd.Series:
    """Parent code that follows from the code itself: buurt -> wijk -> gemeente.

    A gemeente has no parent (""); a PC4 gets "" because its gemeente cannot be read
    from the postcode.
    """
    codes = codes.astype(str)
    parents = pd.Series("", index=codes.index, dtype=object)
    parents = parents.mask(levels == "buurt", "WK" + codes.str[2:8])
    parents = parents.mask(levels == "wijk", "GM" + codes.str[2:6])
    return parents


def missing_regions(
    path: Path, found: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The regions file ``path`` with the regions of ``found`` (code,name,level,parent)
    it misses appended: (all rows, the added rows, notes).

    Reads ``path`` with the monitor's own reader (a broken file is a located problem,
    raised before anything is written) and changes nothing on disk. Existing rows are
    kept as they are; new rows go at the end, in the order found. A missing file counts
    as empty. The notes name parents that are in neither the file nor the new rows.
    """
    if os.path.lexists(path):  # a link to nothing is a problem, not a new file
        existing = read_regions_csv(path, str(path), rows_required=False)
        existing.attrs = {}  # the lines of its rows say nothing about the new file
    else:
        existing = pd.DataFrame(columns=REGION_COLUMNS, dtype=str)
    added = found.loc[~found["code"].isin(existing["code"]), REGION_COLUMNS]
    added = added.drop_duplicates("code")
    combined = pd.concat([existing, added], ignore_index=True)
    known = set(combined["code"])
    dangling = sorted(set(added.loc[added["parent"] != "", "parent"]) - known)
    notes = []
    if dangling:
        notes.append(
            f"{path}: parent regions not in the file (add them by hand or import their "
            f"level too): {', '.join(dangling[:10])}"
            + (f" and {len(dangling) - 10} more" if len(dangling) > 10 else "")
        )
    if (added["level"] == "pc4").any():
        notes.append(f"{path}: new PC4 regions have no parent gemeente; fill it in by hand")
    return combined, added, notes
