"""The map sections of the pages (specs from maps.py): one choropleth of p in the latest
period per mapped level on an indicator page; one map of a gemeente's wijken (or focus
areas) with an indicator selector on its page. A monitor without boundaries gets none."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkmonitor.core.changes import direction_sign
from wijkmonitor.core.model import Indicator
from wijkmonitor.website import addresses as addr
from wijkmonitor.website import figures as fig
from wijkmonitor.website.maps import (
    NO_FIGURE,
    NO_FIGURE_FILL,
    choropleth,
    labelled,
    mapped_codes,
    region_map,
    selectable_choropleth,
)
from wijkmonitor.website.markup import figure, rel
from wijkmonitor.website.sitedata import SiteData
from wijkmonitor.website.texts import positions

# level -> (one, several), for titles and text alternatives.
LEVEL_NAMES = {
    "focus_area": ("gebied", "gebieden"),
    "wijk": ("wijk", "wijken"),
    "buurt": ("buurt", "buurten"),
    "pc4": ("postcodegebied", "postcodegebieden"),
    "gemeente": ("gemeente", "gemeenten"),
}

# Where a map would be on a monitor without shapes (monitor.yml ``boundaries:``).
NO_MAP = (
    "Voor kaarten van de gebieden is een bestand met hun grenzen nodig "
    "(`boundaries` in monitor.yml); deze monitor heeft er geen.\n"
)


def no_area_map(site: SiteData) -> str:
    """The sentence for a monitor whose boundaries hold no shape of its focus areas
    (the default demo: gemeenten only; its focus areas are postcode areas)."""
    boundaries = site.monitor.boundaries
    if not site.focus_areas or boundaries is None:
        return NO_MAP if site.focus_areas else ""
    if mapped_codes(site.monitor, "focus_area", site.focus_areas):
        return ""
    # The levels of the boundary files (not the groups dissolved from them).
    files = [lv for lv in sorted(boundaries.shapes) if lv in LEVEL_NAMES and lv != "focus_area"]
    levels = [LEVEL_NAMES[lv][1] for lv in files]
    return (
        "Voor kaarten van de aandachtswijken is een bestand met hun grenzen nodig "
        f"(`boundaries` in monitor.yml); deze monitor heeft alleen grenzen van "
        f"{' en '.join(levels)}.\n"
    )


def indicator_maps(site: SiteData, page: str, indicator: Indicator, order: pd.DataFrame) -> str:
    """A choropleth of p in the latest period per level that has shapes. ``order`` is the
    indicator page's table of areas (index: code; name, deviation_latest, value, status,
    reference_value, reference_status, deviation_status, latest_period)."""
    boundaries = site.monitor.boundaries
    if boundaries is None:
        # Never invented shapes: without a boundary file there is no map (issue 12).
        return NO_MAP if site.focus_areas else ""
    if order.empty:
        return ""
    levels = site.monitor.regions["level"].reindex(order.index)
    period = int(order["latest_period"].iloc[0])
    sign = direction_sign(indicator.direction)
    d = indicator.decimals
    parts = []
    for level in sorted(boundaries.shapes):
        codes = mapped_codes(site.monitor, level, list(order.index[levels == level]))
        if not codes:
            continue
        part = order.loc[codes]
        p = part["deviation_latest"].to_numpy(dtype=float)
        shown = positions(p, sign)
        rows = [
            {
                "code": code,
                "naam": name,
                "positie": pos if not np.isnan(pv) else NO_FIGURE,
                "tekst": fig.p_cell(site, pv, ps, indicator),
                "waarde": fig.value_cell(v, s, d),
                "referentie": fig.value_cell(rv, rs, d),
                "href": _href(site, page, code),
            }
            for code, name, pos, pv, ps, v, s, rv, rs in zip(
                codes,
                part["name"],
                shown,
                p,
                part["deviation_status"],
                part["value"],
                part["status"],
                part["reference_value"],
                part["reference_status"],
                strict=True,
            )
        ]
        missing = sum(r["positie"] == NO_FIGURE for r in rows)
        one, plural = LEVEL_NAMES.get(level, (level, level))
        description = (
            f"Kaart van {indicator.title}: afwijking p per {one} in {period}, {len(rows)} "
            f"{plural}; groen is gunstig, oranje ongunstig, grijs beschrijvend"
            + (f"; {missing} zonder cijfer (lichtgrijs)" if missing else "")
            + ". De tabel hieronder geeft alle cijfers."
        )
        spec = choropleth(page, level, rows, f"{indicator.title}, {period}: {plural}", description)
        parts.append(figure(spec, description))
    if not parts:
        return no_area_map(site)
    return "\n".join(parts)


def _href(site: SiteData, page: str, code: str) -> str:
    """The region's page, relative to ``page``; "" for a region without a page."""
    paged = code in site.focus_areas or code in site.paged.get(site.level.get(code, ""), ())
    return rel(page, site.page_of(code)) if paged else ""


def _rows(site: SiteData, page: str, codes: list[str], ids: list[str]) -> list[dict]:
    """Per region and indicator: p in the indicator's latest period with a row."""
    values = site.values
    part = values[values["region"].isin(codes) & values["indicator"].isin(ids)]
    if part.empty:
        return []
    latest = part.groupby("indicator")["period"].transform("max")
    part = part[part["period"] == latest]
    rows = []
    for ind_id, group in part.groupby("indicator", sort=False):
        indicator = site.monitor.indicators[str(ind_id)]
        d = indicator.decimals
        p = group["deviation"].to_numpy(dtype=float)
        shown = positions(p, direction_sign(indicator.direction))
        for code, pos, pv, ps, v, s, rv, rs in zip(
            group["region"],
            shown,
            p,
            group["deviation_status"].fillna("."),
            group["value"],
            group["status"].fillna("."),
            group["reference_value"],
            group["reference_status"].fillna("."),
            strict=True,
        ):
            rows.append(
                {
                    "indicator": indicator.id,
                    "code": code,
                    "naam": site.region_name(code),
                    "positie": pos if not np.isnan(pv) else NO_FIGURE,
                    "tekst": fig.p_cell(site, pv, ps, indicator),
                    "waarde": fig.value_cell(v, s, d),
                    "referentie": fig.value_cell(rv, rs, d),
                    "href": _href(site, page, code),
                }
            )
    return rows


def _select_map(site: SiteData, page: str, code: str, level: str, codes: list[str]) -> str:
    """One map of ``codes`` (regions of ``level`` inside ``code``) with a select for the
    indicator: not one map per indicator. "" when none of them has a figure."""
    ids = list(site.monitor.indicators)
    rows = _rows(site, page, codes, ids)
    present = {r["indicator"] for r in rows}
    options = [(i, site.monitor.indicators[i].title) for i in ids if i in present]
    if not options:
        return ""
    one, plural = LEVEL_NAMES.get(level, (level, level))
    name = site.region_name(code)
    description = (
        f"Kaart van de {len(codes)} {plural} van {name}, gekleurd naar de afwijking p van "
        "de gekozen indicator in de laatste meting: groen is gunstig, oranje ongunstig, "
        "grijs beschrijvend, lichtgrijs zonder cijfer. Kies de indicator in de keuzelijst "
        "onder de kaart; de tabellen op deze pagina geven alle cijfers."
    )
    spec = selectable_choropleth(
        page, level, rows, options, f"{plural.capitalize()} van {name}", description
    )
    return f"## Kaart\n\n{figure(spec, description)}"


def gemeente_map(site: SiteData, page: str, code: str) -> str:
    """One map of the gemeente's wijken (when they have pages and shapes), else of its
    focus areas, with a select for the indicator."""
    if site.monitor.boundaries is None:
        return ""
    candidates = [
        ("wijk", site.children_at(code, "wijk")),
        ("focus_area", list(site.areas_of_gemeente.get(code, []))),
    ]
    for level, codes in candidates:
        codes = mapped_codes(site.monitor, level, codes)
        if codes:
            return _select_map(site, page, code, level, codes)
    return ""


def buurten_map(site: SiteData, page: str, code: str) -> str:
    """A wijk's buurten (when they have pages and shapes) with a select for the
    indicator, like the gemeente's map of its wijken; the locator map shows the wijk."""
    if site.monitor.boundaries is None or site.level.get(code) != "wijk":
        return ""
    codes = mapped_codes(site.monitor, "buurt", site.children_at(code, "buurt"))
    return _select_map(site, page, code, "buurt", codes) if codes else ""


# A home page draws one map per gemeente of the regions it lists up to this many
# gemeenten (the G4); with more, one map of the gemeenten (each opens its own page,
# where the map of its wijken is).
HOME_MAP_GEMEENTEN = 4


def _home_groups(site: SiteData) -> tuple[str, dict[str, list[str]]]:
    """The level the home page lists and its shaped regions per gemeente ("" for areas
    in more than one): the focus areas, else the paged wijken."""
    if site.focus_areas:
        level, groups = "focus_area", site.areas_of_gemeente
    else:
        level = "wijk"
        groups = {g: site.children_at(g, "wijk") for g in site.gemeenten}
    shaped = {g: mapped_codes(site.monitor, level, codes) for g, codes in groups.items()}
    return level, {g: codes for g, codes in shaped.items() if codes}


def home_map(site: SiteData, page: str) -> str:
    """The map a resident starts from: the regions the home page lists, each opening its
    page. Someone looking for "my neighbourhood" needs its wijk (or focus area), not its
    gemeente, so a few gemeenten get one map each of those, fitted to the city; a monitor
    of many gemeenten (or without shapes of its areas) gets one map of its gemeenten,
    whose pages map their wijken. The list under the map names the same regions."""
    if site.monitor.boundaries is None:
        return ""
    level, groups = _home_groups(site)
    one, plural = LEVEL_NAMES.get(level, (level, level))
    gemeenten = mapped_codes(site.monitor, "gemeente", site.gemeenten)
    if groups and (len(groups) <= HOME_MAP_GEMEENTEN or not gemeenten):
        parts = []
        for g, codes in groups.items():
            where = site.region_name(g) if g else "meer dan één gemeente"
            rows = [
                {"code": c, "naam": site.region_name(c), "href": _href(site, page, c)}
                for c in codes
            ]
            description = (
                f"Kaart van de {len(codes)} {plural} van {where}; een klik op een {one} "
                f"opent de pagina ervan. De lijst hieronder noemt dezelfde {plural}."
            )
            title = f"{plural.capitalize()} van {where}"
            spec = region_map(page, level, rows, title, description)
            spec["height"] = 300
            parts.append(figure(spec, description))
        return "\n".join(parts)
    if not gemeenten:
        return ""
    rows = [
        {"code": g, "naam": site.region_name(g), "href": rel(page, addr.gemeente_page(g))}
        for g in gemeenten
    ]
    description = (
        f"Kaart van de {len(gemeenten)} gemeenten van deze monitor; een klik op een gemeente "
        "opent de pagina ervan."
        + (" De lijst hieronder noemt ze met hun aandachtswijken." if site.focus_areas else "")
    )
    spec = region_map(page, "gemeente", rows, "Gemeenten", description)
    spec["height"] = 480
    # A point inside each shape for its name (the shapes are the model's, in lon/lat).
    points = site.monitor.boundaries.shapes["gemeente"].loc[gemeenten].representative_point()
    labels = [
        {"naam": site.region_name(g), "lon": round(pt.x, 4), "lat": round(pt.y, 4)}
        for g, pt in zip(gemeenten, points, strict=True)
    ]
    return figure(labelled(spec, labels), description)


def locator_map(site: SiteData, page: str, code: str) -> str:
    """The area (dark) among the other regions of its level in its gemeente (light), each
    linking to its page: where the area lies. Nothing when the area has no shape."""
    level = site.level.get(code, "focus_area")
    if not mapped_codes(site.monitor, level, [code]):
        return ""
    gemeente = site.gemeente_of(code)
    others = [c for c, lv in site.level.items() if lv == level and site.gemeente_of(c) == gemeente]
    codes = mapped_codes(site.monitor, level, sorted(set(others) | {code}))
    name = site.region_name(code)
    here, other = "dit gebied", "overige"
    rows = [
        {
            "code": c,
            "naam": site.region_name(c),
            "positie": here if c == code else other,
            "tekst": "",
            "waarde": "",
            "referentie": "",
            "href": "" if c == code else _href(site, page, c),
        }
        for c in codes
    ]
    gemeente_name = site.region_name(gemeente) if gemeente else ""
    description = f"Kaart: ligging van {name}" + (
        f" tussen de {len(codes) - 1} andere {LEVEL_NAMES.get(level, (level, level))[1]} "
        f"van {gemeente_name} (lichtgrijs)."
        if len(codes) > 1
        else "."
    )
    spec = choropleth(page, level, rows, f"Ligging van {name}", description)
    spec["height"] = 240
    spec["encoding"]["color"] = {
        "field": "positie",
        "type": "nominal",
        "scale": {"domain": [here, other], "range": ["#1f4e79", NO_FIGURE_FILL]},
        "title": None,
        "legend": {"orient": "bottom"},
    }
    spec["encoding"]["tooltip"] = [{"field": "naam", "type": "nominal", "title": " "}]
    return figure(spec, description, size="narrow")
