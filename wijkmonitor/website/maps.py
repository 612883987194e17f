"""Vega-Lite map specs (``geoshape``) and the TopoJSON files they read.

Every level's shapes are written once into the site (:func:`map_files`, at
``addresses.map_shapes``); a map refers to that file by a URL relative to its page, so
a page carries only its own figures, joined to the shapes by region code with a
``lookup`` transform. Colours are the charts' (charts.py): the position of p given the
indicator's direction (green / orange, grey for descriptive); a region without a figure
(secret, not available, not computable) is drawn light grey and named in the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wijkmonitor.core.monitor import Monitor
from wijkmonitor.website import addresses as addr
from wijkmonitor.website.charts import GREEN, GREY, ORANGE
from wijkmonitor.website.markup import rel

Spec = dict[str, Any]

# The legend entry of a region without a figure, and its fill (light, so that it is
# never read as "neutraal" grey).
NO_FIGURE = "geen cijfer"
NO_FIGURE_FILL = "#e3e3e3"
MAP_DOMAIN = ["gunstig", "ongunstig", "neutraal", NO_FIGURE]
MAP_RANGE = [GREEN, ORANGE, GREY, NO_FIGURE_FILL]
MAP_LEGEND_LABELS = (
    "datum.label === 'gunstig' ? '▲ gunstig' : datum.label === 'ongunstig' ? '▼ ongunstig' "
    f": datum.label === 'neutraal' ? '● beschrijvend' : '{NO_FIGURE}'"
)


def map_files(monitor: Monitor) -> dict[str, bytes]:
    """Docs path -> TopoJSON bytes, one file per level with shapes (deterministic)."""
    if monitor.boundaries is None:
        return {}
    return {
        addr.map_shapes(level): monitor.boundaries.topojson(level)
        for level in sorted(monitor.boundaries.shapes)
    }


def mapped_codes(monitor: Monitor, level: str, codes: Sequence[str]) -> list[str]:
    """Those of ``codes`` that have a shape at ``level``, in their order."""
    if monitor.boundaries is None or level not in monitor.boundaries.shapes:
        return []
    shaped = monitor.boundaries.shapes[level].index
    return [c for c in codes if c in shaped]


def choropleth(page: str, level: str, rows: Sequence[dict], title: str, description: str) -> Spec:
    """A map of one level's shapes coloured by ``rows`` (one per region, joined on
    ``code``): fields ``naam``, ``positie`` (or :data:`NO_FIGURE`), ``tekst`` (p),
    ``waarde``, ``referentie`` and ``href`` (the region's page, relative)."""
    fields = ["naam", "positie", "tekst", "waarde", "referentie", "href"]
    return {
        "title": {"text": title},
        "description": description,
        "width": "container",
        "height": 360,
        "data": {
            "url": rel(page, addr.map_shapes(level)),
            "format": {"type": "topojson", "feature": level},
        },
        "transform": [
            {
                "lookup": "id",
                "from": {"data": {"values": list(rows)}, "key": "code", "fields": fields},
            },
            # Only the regions of this page: the file holds the whole level.
            {"filter": "isValid(datum.naam)"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5, "cursor": "pointer"},
        "encoding": {
            "color": {
                "field": "positie",
                "type": "nominal",
                "scale": {"domain": MAP_DOMAIN, "range": MAP_RANGE},
                "title": "Positie",
                # Two columns: four entries in one row overflow a phone's width.
                "legend": {"labelExpr": MAP_LEGEND_LABELS, "orient": "bottom", "columns": 2},
            },
            "tooltip": [
                {"field": "naam", "type": "nominal", "title": " "},
                {"field": "waarde", "type": "nominal", "title": "waarde"},
                {"field": "referentie", "type": "nominal", "title": "referentie"},
                {"field": "tekst", "type": "nominal", "title": "p"},
            ],
            "href": {"field": "href", "type": "nominal"},
        },
    }


def selectable_choropleth(
    page: str,
    level: str,
    rows: Sequence[dict],
    options: Sequence[tuple[str, str]],
    title: str,
    description: str,
) -> Spec:
    """One map for several indicators: ``rows`` hold a field ``indicator`` as well, and
    a select (a Vega parameter, ``options``: (id, title)) chooses the one drawn. The
    page's rows are the data; each is joined to its shape by code (``lookup`` into the
    level's TopoJSON), so a region without a row is not drawn."""
    spec = choropleth(page, level, rows, title, description)
    shapes = spec.pop("data")
    spec["data"] = {"values": list(rows)}
    spec["params"] = [
        {
            "name": "indicator",
            "value": options[0][0],
            "bind": {
                "input": "select",
                "options": [o[0] for o in options],
                "labels": [o[1] for o in options],
                "name": "Indicator ",
            },
        }
    ]
    spec["transform"] = [
        {"filter": "datum.indicator === indicator"},
        {"lookup": "code", "from": {"data": shapes, "key": "id"}, "as": "geo"},
        {"filter": "isValid(datum.geo)"},
    ]
    spec["encoding"]["shape"] = {"field": "geo", "type": "geojson"}
    return spec


# The home page's map is a way in, not a statistic: one calm fill, darker under the
# pointer, so no colour is read as a figure.
REGION_FILL = "#9fbcd4"
REGION_HOVER = "#1f4e79"


def region_map(page: str, level: str, rows: Sequence[dict], title: str, description: str) -> Spec:
    """Regions that each open their page (``rows``: ``code``, ``naam``, ``href``), in one
    colour with the name as tooltip; the shapes are the level's TopoJSON, by URL."""
    spec = choropleth(page, level, rows, title, description)
    spec["transform"][0]["from"]["fields"] = ["naam", "href"]
    spec["params"] = [
        {"name": "hover", "select": {"type": "point", "on": "pointerover", "clear": "pointerout"}}
    ]
    spec["encoding"] = {
        "color": {
            "condition": {"param": "hover", "empty": False, "value": REGION_HOVER},
            "value": REGION_FILL,
        },
        "tooltip": [{"field": "naam", "type": "nominal", "title": " "}],
        "href": {"field": "href", "type": "nominal"},
    }
    return spec


def labelled(spec: Spec, labels: Sequence[dict]) -> Spec:
    """``spec`` (a map) with each region's name written on it (``labels``: ``naam``,
    ``lon``, ``lat``, a point inside the shape): for a map of scattered regions, such as
    the gemeenten of a national monitor, whose shapes alone say little."""
    shared = {k: spec.pop(k) for k in ("title", "description", "width", "height", "projection")}
    text = {
        "data": {"values": list(labels)},
        "mark": {"type": "text", "dy": -10, "fontSize": 11, "fill": "#1b2a38"},
        "encoding": {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "text": {"field": "naam", "type": "nominal"},
        },
    }
    return {**shared, "layer": [spec, text]}
