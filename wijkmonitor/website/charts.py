"""Vega-Lite chart specs, made from templates defined once with altair.

A national monitor has thousands of pages; building an altair object per chart
would dominate the build. Each template is an altair chart turned into a dict once;
a chart is that dict with its data, title, description and height swapped in at
the top level (no deep copies). Fields the templates read:

- ``label``: category on the axis (indicator, year or area), ``order``: its position;
- ``p``: the deviation from the reference; ``positie``: gunstig | ongunstig | neutraal;
- ``meting``: nulmeting | laatste meting (theme diagram); ``tekst``: formatted p for tooltips.

Colour never carries the meaning alone: every bar is labelled with a sign (▲ gunstig,
▼ ongunstig, ● beschrijvend) and its p, the legend shows the same signs, and the green
and orange are a bluish green and an orange that differ in lightness as well as hue, so
readers with a red-green colour vision deficiency tell them apart. Vega's own ARIA
output is off: the chart container is one image with a text alternative (markup.figure).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import altair as alt

from wijkmonitor.core.significance import VERDICT_LABELS, VERDICTS
from wijkmonitor.website.markup import Serialized, json_text

# Bluish green 6.3:1 and orange 3.2:1 against white, 2:1 against each other.
GREEN, ORANGE, GREY = "#006d57", "#d97800", "#8c8c8c"
POSITION_DOMAIN = ["gunstig", "ongunstig", "neutraal"]
POSITION_SCALE = alt.Scale(domain=POSITION_DOMAIN, range=[GREEN, ORANGE, GREY])
# The sign of a position, as a Vega expression (texts.POSITION_SYMBOLS in Python).
SIGN = "datum.positie === 'gunstig' ? '▲' : datum.positie === 'ongunstig' ? '▼' : '●'"
LEGEND_LABELS = (
    "datum.label === 'gunstig' ? '▲ gunstig' : datum.label === 'ongunstig' ? '▼ ongunstig' "
    ": '● beschrijvend'"
)
MEETING_DOMAIN = ["nulmeting", "laatste meting"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

Spec = dict[str, Any]

# Vega expressions evaluated in the browser, for the width of the page the chart is on:
# on a phone, titles, labels and legends take what the chart has, never more.
NARROW = "containerSize()[0] < 600"
FIT_WIDTH = {"expr": "max(containerSize()[0] - 8, 120)"}


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, aria=False)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, gridColor="#e6e6e6", domainColor="#888")
        .configure_title(
            anchor="start",
            fontSize=14,
            subtitleFontSize=12,
            subtitleColor="#555",
            offset=10,
            # A long name must not push the plot out of the container (the caption has it
            # all): a title is cut to the chart's width.
            limit=FIT_WIDTH,
        )
        .configure_legend(orient="bottom", labelFontSize=12, titleFontSize=12)
        .configure_mark(aria=False)
    )


def _zero_rule() -> alt.Chart:
    return alt.Chart().mark_rule(color="#333", strokeWidth=1, aria=False).encode(x=alt.datum(0))


def _sign_labels(horizontal: bool, **encoding: Any) -> list[alt.Chart]:
    """Text at the end of every bar: the sign of its position and p ("▼ +8,2").

    Two layers, for bars to the right (up) and to the left (down); each writes an empty
    text at the other bars rather than filtering them out (an empty layer breaks the
    shared scale)."""
    label = f"({SIGN}) + ' ' + datum.tekst"
    layers = []
    for positive in (True, False):
        test = "datum.p >= 0" if positive else "datum.p < 0"
        base = alt.Chart().transform_calculate(wm_label=f"{test} ? {label} : ''")
        if horizontal:
            mark = {"align": "left" if positive else "right", "dx": 4 if positive else -4}
            mark["baseline"] = "middle"
        else:
            mark = {"align": "center", "baseline": "bottom" if positive else "top"}
            mark["dy"] = -3 if positive else 3
        layers.append(
            base.mark_text(fontSize=11, color="#222", aria=False, **mark).encode(
                text="wm_label:N", **encoding
            )
        )
    return layers


def _to_template(chart: alt.TopLevelMixin) -> Serialized:
    # The config is the same for every chart: charts.js passes it to vega-embed once,
    # instead of every page carrying it once per chart (CHART_CONFIG).
    spec = chart.to_dict()
    spec.pop("$schema", None)
    spec.pop("datasets", None)
    spec.pop("config", None)
    # A national site fills each template some 17,000 times, and serializing its layers,
    # encodings and scales was most of the JSON: its values are serialized once, here.
    template = Serialized(spec)
    template.known = {key: (value, json_text(value)) for key, value in spec.items()}
    return template


@functools.cache
def chart_config() -> Spec:
    """The Vega-Lite config of every chart (fonts, axes, titles, legend; no ARIA)."""
    return _config(alt.Chart().mark_point()).to_dict()["config"]


POSITION_COLOR = alt.Color(
    "positie:N",
    scale=POSITION_SCALE,
    title="Positie",
    # One column on a phone: three entries side by side are wider than its charts.
    legend=alt.Legend(labelExpr=LEGEND_LABELS, columns={"expr": f"{NARROW} ? 1 : 3"}),
)
TOOLTIP = [
    alt.Tooltip("label:N", title=" "),
    alt.Tooltip("tekst:N", title="p"),
    alt.Tooltip("positie:N", title="positie"),
]
# Room beside the longest bars for their labels (pixels).
LABEL_ROOM = alt.Scale(padding=56)


@functools.cache
def theme_template() -> Serialized:
    """Theme diagram: per indicator two horizontal bars of p, baseline and latest."""
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField("order", op="min"),
        title=None,
        axis=alt.Axis(labelLimit={"expr": f"{NARROW} ? 110 : 320"}),
    )
    y_offset = alt.YOffset("meting:N", sort=MEETING_DOMAIN, scale=alt.Scale(domain=MEETING_DOMAIN))
    x = alt.X("p:Q", title="afwijking p", axis=alt.Axis(format="~r"), scale=LABEL_ROOM)
    bars = (
        alt.Chart()
        .mark_bar(height={"band": 0.9}, strokeWidth=1)
        .encode(
            y=y,
            yOffset=y_offset,
            x=x,
            color=POSITION_COLOR,
            stroke=alt.Stroke("positie:N", scale=POSITION_SCALE, legend=None),
            # Explained in the subtitle: a legend of grey and black swatches would mislead.
            # The baseline bar is light with an outline in the full colour.
            fillOpacity=alt.FillOpacity(
                "meting:N",
                sort=MEETING_DOMAIN,
                scale=alt.Scale(domain=MEETING_DOMAIN, range=[0.3, 1.0]),
                legend=None,
            ),
            tooltip=[*TOOLTIP, alt.Tooltip("jaar:N", title="jaar")],
        )
    )
    labels = _sign_labels(True, y=y, yOffset=y_offset, x=x)
    chart = alt.layer(bars, *labels, _zero_rule(), data=alt.Data(name="data")).properties(
        width="container"
    )
    return _to_template(chart)


@functools.cache
def yearly_template() -> Serialized:
    """Yearly bars of p for one area and indicator."""
    x = alt.X(
        "label:O",
        sort=alt.EncodingSortField("order", op="min"),
        title=None,
        axis=alt.Axis(labelAngle=0),
    )
    y = alt.Y("p:Q", title="afwijking p", axis=alt.Axis(format="~r"), scale=alt.Scale(padding=18))
    bars = (
        alt.Chart()
        .mark_bar(width={"band": 0.6})
        .encode(
            x=x,
            y=y,
            # Colours are explained once per page: 31 identical legends would be noise.
            color=alt.Color("positie:N", scale=POSITION_SCALE, legend=None),
            tooltip=TOOLTIP,
        )
    )
    rule = alt.Chart().mark_rule(color="#333", strokeWidth=1, aria=False).encode(y=alt.datum(0))
    labels = _sign_labels(False, x=x, y=y)
    chart = alt.layer(bars, *labels, rule, data=alt.Data(name="data")).properties(
        width="container", height=170
    )
    return _to_template(chart)


@functools.cache
def areas_template() -> Serialized:
    """Horizontal bars of p, one per area, in the order of ``order``."""
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField("order", op="min"),
        title=None,
        axis=alt.Axis(labelLimit={"expr": f"{NARROW} ? 110 : 260"}),
    )
    x = alt.X("p:Q", title="afwijking p", axis=alt.Axis(format="~r"), scale=LABEL_ROOM)
    bars = (
        alt.Chart()
        .mark_bar(height={"band": 0.75})
        .encode(y=y, x=x, color=POSITION_COLOR, tooltip=TOOLTIP)
    )
    labels = _sign_labels(True, y=y, x=x)
    chart = alt.layer(bars, *labels, _zero_rule(), data=alt.Data(name="data")).properties(
        width="container"
    )
    return _to_template(chart)


# The spine chart's verdicts (core/significance.py): favourable green and unfavourable
# orange as everywhere on the site, a descriptive difference grey, and a white or light
# mark for no difference and no comparison; every verdict has its own shape as well
# (triangles up and down as the site's ▲ and ▼, a circle, a diamond).
SPINE_DOMAIN = [VERDICT_LABELS[v] for v in VERDICTS]
_SPINE_STYLE = {
    "better": (GREEN, "triangle-up"),
    "similar": ("#ffffff", "circle"),
    "worse": (ORANGE, "triangle-down"),
    "higher": (GREY, "triangle-up"),
    "lower": (GREY, "triangle-down"),
    "not_compared": ("#d9d9d9", "diamond"),
}
SPINE_COLOURS = [_SPINE_STYLE[v][0] for v in VERDICTS]
SPINE_SHAPES = [_SPINE_STYLE[v][1] for v in VERDICTS]
# Room for the indicator names beside the rows (pixels); a phone keeps most of its width
# for the rows, and the table under the chart has every name in full.
SPINE_LABEL_LIMIT = {"expr": f"{NARROW} ? 120 : 300"}
SPINE_ROW_HEIGHT = 24
SPINE_LEGEND = alt.Legend(
    columns={"expr": f"{NARROW} ? 1 : 3"},
    labelLimit=200,
    titleLimit=340,
    symbolStrokeColor="#222",
)


@functools.cache
def spine_template() -> Serialized:
    """Spine chart: per indicator the spread over comparable areas (light: lowest to
    highest, dark: 25 to 75 %), the reference on the centre line and the area as a mark
    of its verdict. Fields: ``label``, ``order``, ``x_lowest``, ``x_q25``, ``x_q75``,
    ``x_highest``, ``x_value`` (positions from -1 to +1, favourable to the right; see
    core/spine.py), ``oordeel`` (the Dutch verdict) and the tooltip texts ``waarde``,
    ``referentie``, ``laagste``, ``hoogste``."""
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField("order", op="min"),
        title=None,
        axis=alt.Axis(labelLimit=SPINE_LABEL_LIMIT, ticks=False, domain=False),
    )
    x = alt.X(
        "x_lowest:Q",
        title=None,
        scale=alt.Scale(domain=[-1.08, 1.08], nice=False, zero=False),
        axis=alt.Axis(
            values=[-1, 0, 1],
            grid=False,
            labelFlush=True,
            # On a phone a centre label would run into the two ends (the subtitle names
            # the centre line).
            labelExpr=(
                "datum.value < 0 ? '← ongunstiger' : datum.value > 0 ? 'gunstiger →' "
                f": {NARROW} ? '' : 'midden'"
            ),
        ),
    )
    tooltip = [
        alt.Tooltip("label:N", title=" "),
        alt.Tooltip("waarde:N", title="waarde"),
        alt.Tooltip("referentie:N", title="referentie"),
        alt.Tooltip("laagste:N", title="laagste"),
        alt.Tooltip("hoogste:N", title="hoogste"),
        alt.Tooltip("oordeel:N", title="oordeel"),
    ]
    spread = (
        alt.Chart()
        .mark_bar(height={"band": 0.55}, color="#e4e4e4")
        .encode(y=y, x=x, x2="x_highest:Q", tooltip=tooltip)
    )
    middle = (
        alt.Chart()
        .mark_bar(height={"band": 0.55}, color="#a9a9a9")
        .encode(y=y, x=alt.X("x_q25:Q"), x2="x_q75:Q", tooltip=tooltip)
    )
    centre = alt.Chart().mark_rule(color="#222", strokeWidth=1.5).encode(x=alt.datum(0))
    verdict = alt.Color(
        "oordeel:N",
        scale=alt.Scale(domain=SPINE_DOMAIN, range=SPINE_COLOURS),
        title="Verschil met de referentie (95 %)",
        legend=SPINE_LEGEND,
    )
    # The same field, title and legend as the colour: one legend of coloured shapes.
    shape = alt.Shape(
        "oordeel:N",
        scale=alt.Scale(domain=SPINE_DOMAIN, range=SPINE_SHAPES),
        title="Verschil met de referentie (95 %)",
        legend=SPINE_LEGEND,
    )
    area = (
        alt.Chart()
        .mark_point(filled=True, size=140, stroke="#222", strokeWidth=1, opacity=1)
        .encode(y=y, x=alt.X("x_value:Q"), color=verdict, shape=shape, tooltip=tooltip)
    )
    # Room on the right: the browser draws the arrow of the last axis label wider than
    # Vega measures it.
    chart = alt.layer(spread, middle, centre, area, data=alt.Data(name="data")).properties(
        width="container", padding={"left": 5, "top": 5, "bottom": 5, "right": 16}
    )
    return _to_template(chart)


def make_templates() -> None:
    """Make every chart template now. Each is made once per process (some 0.15 s in all,
    with Altair's validation): page writers forked afterwards share the parent's."""
    for template in (theme_template, yearly_template, areas_template, spine_template):
        template()


def _fill(
    template: Serialized,
    rows: Sequence[dict],
    title: str,
    subtitle: str,
    description: str,
    height: int | None = None,
) -> Spec:
    spec = Serialized(template)
    spec.known = template.known
    spec["data"] = {"values": list(rows)}
    spec["description"] = description
    # One clause a line ("afwijking van X in %", "0 = gelijk aan X"): short enough for a
    # phone's width, where a longer line would be cut.
    spec["title"] = {"text": title, "subtitle": [part for part in subtitle.split("; ") if part]}
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


def spine_chart(
    rows: Sequence[dict], title: str, subtitle: Sequence[str], description: str
) -> Spec:
    """A spine chart; ``subtitle`` is a few short lines (they fit a phone's width)."""
    n = len({r["label"] for r in rows})
    spec = _fill(spine_template(), rows, title, "", description, height=SPINE_ROW_HEIGHT * n)
    # A long name is cut short with an ellipsis rather than clipped by a narrow page.
    spec["title"] = {
        "text": title,
        "subtitle": list(subtitle),
        "limit": {"expr": "containerSize()[0] - 8"},
    }
    return spec
