"""Vega-Lite chart specs, made from templates defined once with altair.

A national monitor has thousands of pages; building an altair object per chart
would dominate the build. Each template is an altair chart turned into a dict once;
a chart is that dict with its data, title, description and height swapped in at
the top level (no deep copies). Fields the templates read:

- ``label``: category on the axis (indicator, year or area), ``order``: its position;
- ``p``: the deviation from the reference; ``positie``: gunstig | ongunstig | neutraal;
- ``meting``: nulmeting | laatste meting (theme diagram); ``tekst``: formatted p for tooltips.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import altair as alt

GREEN, ORANGE, GREY = "#2f7d3b", "#e0821c", "#9a9a9a"
POSITION_SCALE = alt.Scale(domain=["gunstig", "ongunstig", "neutraal"], range=[GREEN, ORANGE, GREY])
MEETING_DOMAIN = ["nulmeting", "laatste meting"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

Spec = dict[str, Any]


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, gridColor="#e6e6e6", domainColor="#888")
        .configure_title(
            anchor="start", fontSize=14, subtitleFontSize=12, subtitleColor="#555", offset=10
        )
        .configure_legend(orient="bottom", labelFontSize=12, titleFontSize=12)
    )


def _zero_rule() -> alt.Chart:
    return alt.Chart().mark_rule(color="#333", strokeWidth=1).encode(x=alt.datum(0))


def _to_template(chart: alt.TopLevelMixin) -> Spec:
    spec = _config(chart).to_dict()
    spec.pop("$schema", None)
    spec.pop("datasets", None)
    return spec


POSITION_COLOR = alt.Color("positie:N", scale=POSITION_SCALE, title="Positie")
TOOLTIP = [alt.Tooltip("label:N", title=" "), alt.Tooltip("tekst:N", title="p")]


@functools.cache
def theme_template() -> Spec:
    """Theme diagram: per indicator two horizontal bars of p, baseline and latest."""
    bars = (
        alt.Chart()
        .mark_bar(height={"band": 0.9})
        .encode(
            y=alt.Y(
                "label:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=320)
            ),
            yOffset=alt.YOffset(
                "meting:N", sort=MEETING_DOMAIN, scale=alt.Scale(domain=MEETING_DOMAIN)
            ),
            x=alt.X("p:Q", title="afwijking p", axis=alt.Axis(format="~r")),
            color=POSITION_COLOR,
            # Explained in the subtitle: a legend of grey and black swatches would mislead.
            opacity=alt.Opacity(
                "meting:N", scale=alt.Scale(domain=MEETING_DOMAIN, range=[0.45, 1.0]), legend=None
            ),
            tooltip=[*TOOLTIP, alt.Tooltip("jaar:N", title="jaar")],
        )
    )
    chart = alt.layer(bars, _zero_rule(), data=alt.Data(name="data")).properties(width="container")
    return _to_template(chart)


@functools.cache
def yearly_template() -> Spec:
    """Yearly bars of p for one area and indicator."""
    bars = (
        alt.Chart()
        .mark_bar(width={"band": 0.6})
        .encode(
            x=alt.X(
                "label:O", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("p:Q", title="afwijking p", axis=alt.Axis(format="~r")),
            # Colours are explained once per page: 31 identical legends would be noise.
            color=alt.Color("positie:N", scale=POSITION_SCALE, legend=None),
            tooltip=TOOLTIP,
        )
    )
    rule = alt.Chart().mark_rule(color="#333", strokeWidth=1).encode(y=alt.datum(0))
    chart = alt.layer(bars, rule, data=alt.Data(name="data")).properties(
        width="container", height=170
    )
    return _to_template(chart)


@functools.cache
def areas_template() -> Spec:
    """Horizontal bars of p, one per area, in the order of ``order``."""
    bars = (
        alt.Chart()
        .mark_bar(height={"band": 0.75})
        .encode(
            y=alt.Y(
                "label:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=260)
            ),
            x=alt.X("p:Q", title="afwijking p", axis=alt.Axis(format="~r")),
            color=POSITION_COLOR,
            tooltip=TOOLTIP,
        )
    )
    chart = alt.layer(bars, _zero_rule(), data=alt.Data(name="data")).properties(width="container")
    return _to_template(chart)


def _fill(
    template: Spec,
    rows: Sequence[dict],
    title: str,
    subtitle: str,
    description: str,
    height: int | None = None,
) -> Spec:
    spec = {
        **template,
        "data": {"values": list(rows)},
        "description": description,
        "title": {"text": title, "subtitle": subtitle},
    }
    if height is not None:
        spec["height"] = height
    return spec


def theme_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    n = len({r["label"] for r in rows})
    return _fill(theme_template(), rows, title, subtitle, description, height=max(60, 34 * n))


def yearly_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    return _fill(yearly_template(), rows, title, subtitle, description)


def areas_chart(rows: Sequence[dict], title: str, subtitle: str, description: str) -> Spec:
    return _fill(
        areas_template(), rows, title, subtitle, description, height=max(60, 18 * len(rows))
    )
