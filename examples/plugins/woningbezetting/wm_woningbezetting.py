"""Woningbezetting (persons per dwelling): an example third-party wijkmonitor plugin.

It uses three hooks of ``wijkmonitor.core.hookspecs``, the same API the built-in
plugins use:

- ``register_formula_kinds``: the kind ``woningbezetting`` (persons / dwellings);
- ``register_pages``: a section on the page of every indicator of that kind;
- ``register_downloads``: ``/downloads/woningbezetting.csv`` with their published values.
"""

from __future__ import annotations

import io

import pandas as pd

from wijkmonitor.core.hookspecs import Download, PageSection, hookimpl
from wijkmonitor.core.kinds import FormulaKind
from wijkmonitor.website.addresses import download, indicator_page
from wijkmonitor.website.markup import esc, link

KIND = "woningbezetting"
DOWNLOAD = "woningbezetting.csv"


def persons_per_dwelling(inputs: pd.DataFrame, options) -> pd.Series:
    """Vectorised over all areas and periods; inputs are already summed per area.

    No dwellings gives no figure (NaN, "niet te berekenen"), never an infinity."""
    dwellings = inputs["dwellings"]
    return inputs["persons"] / dwellings.where(dwellings != 0)


@hookimpl
def register_formula_kinds() -> list[FormulaKind]:
    return [
        FormulaKind(
            name=KIND,
            inputs=("persons", "dwellings"),
            compute=persons_per_dwelling,
            describe=lambda f: f"{f['persons']} / {f['dwellings']}",
            # min_denominator is compared with the number of dwellings.
            denominator="dwellings",
            # Both are counts (never negative); persons are not a part of the dwellings,
            # so there is no (part, whole) pair for disclosure control.
            counts=("persons", "dwellings"),
        )
    ]


def _indicators(site) -> list:
    return [i for i in site.monitor.indicators.values() if i.formula_kind == KIND]


@hookimpl
def register_pages(site) -> list[PageSection]:
    sections = []
    for indicator in _indicators(site):
        # Links are relative to the page they are on (the site works under any base URL).
        page = indicator_page(indicator.id)
        text = (
            "De woningbezetting is het aantal bewoners per woning. Een hoge bezetting kan "
            "wijzen op overbewoning, een lage op veel kleine huishoudens of leegstand. "
            f"De cijfers van {esc(indicator.title)} staan ook in het bestand "
            f"{link(DOWNLOAD, page, download(DOWNLOAD))}."
        )
        sections.append(PageSection("indicator", indicator.id, "Over de woningbezetting", text))
    return sections


@hookimpl
def register_downloads(site) -> list[Download]:
    ids = [i.id for i in _indicators(site)]
    if not ids:
        return []
    # Only published values: a suppressed cell has no value in site.values, and the
    # input data (site.monitor.data) is never written out.
    values = site.values[site.values["indicator"].isin(ids)]
    frame = values[["indicator", "region", "period", "value", "status"]].sort_values(
        ["indicator", "region", "period"]
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    description = "Het aantal bewoners per woning per gebied en jaar (CSV)"
    return [Download(DOWNLOAD, description, buffer.getvalue())]
