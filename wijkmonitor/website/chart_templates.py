"""The chart templates, defined with altair (charts.py fills them).

Imported only when the templates are made: altair takes some 0.2-0.4 s to import and
making the four templates (with its validation) 0.15-0.3 s, which a rebuild would pay
every time. ``charts.templates`` keeps what ``make`` returns in the user's cache, keyed
on the code that makes it.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from wijkmonitor.website.charts import (
    FIT_WIDTH,
    FONT,
    GREEN,
    GREY,
    LEGEND_LABELS,
    MEETING_DOMAIN,
    NARROW,
    ORANGE,
    POSITION_DOMAIN,
    SIGN,
    SPINE_COLOURS,
    SPINE_DOMAIN,
    SPINE_LABEL_LIMIT,
    SPINE_SHAPES,
    Spec,
)

POSITION_SCALE = alt.Scale(domain=POSITION_DOMAIN, range=[GREEN, ORANGE, GREY])


def make() -> dict[str, Spec]:
    """Every template by name, and the config every chart shares (``"config"``)."""
    return {
        "config": _config(alt.Chart().mark_point()).to_dict()["config"],
        "theme": theme(),
        "yearly": yearly(),
        "areas": areas(),
        "spine": spine(),
    }


def _spec(chart: alt.TopLevelMixin) -> Spec:
    # The config is the same for every chart: charts.js passes it to vega-embed once,
    # instead of every page carrying it once per chart (CHART_CONFIG).
    spec = chart.to_dict()
    spec.pop("$schema", None)
    spec.pop("datasets", None)
    spec.pop("config", None)
    return spec


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


def theme() -> Spec:
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
    return _spec(chart)


def yearly() -> Spec:
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
    return _spec(chart)


def areas() -> Spec:
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
    return _spec(chart)


SPINE_LEGEND = alt.Legend(
    columns={"expr": f"{NARROW} ? 1 : 3"},
    labelLimit=200,
    titleLimit=340,
    symbolStrokeColor="#222",
)


def spine() -> Spec:
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
    return _spec(chart)
